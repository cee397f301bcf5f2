from django.contrib import admin

from actions.admin import VersionedAdmin
from reports.models import TermlyReport


@admin.register(TermlyReport)
class TermlyReportAdmin(VersionedAdmin):
    """Read-only: reports move through their workflow pages, which keep published files unchanged."""

    list_display = ("plan", "period", "number", "status", "published_at", "pdf_sha256")
    list_filter = ("status", "plan")
    list_select_related = ("plan", "period")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
