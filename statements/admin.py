"""The public pages in the admin, for maintenance only: everyday editing is the programme manager's page in the app
(statements.views.statement_edit_view). Saves go through record_save (locking and history)."""

from django.contrib import admin

from actions.admin import VersionedAdmin
from statements.models import Statement


@admin.register(Statement)
class StatementAdmin(VersionedAdmin):
    list_display = ("kind", "updated_at")
    readonly_fields = ("kind", "version", "updated_at")

    def has_add_permission(self, request):
        # A page's row is created by its first edit in the app, holding its kind; the admin only maintains it.
        return False
