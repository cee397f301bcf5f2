from django.contrib import admin

from actions.admin import VersionedAdmin
from evidence.models import EvidenceFile


@admin.register(EvidenceFile)
class EvidenceFileAdmin(VersionedAdmin):
    """Read-only here: files are added, removed and marked publishable in the app, which checks each file and who
    may see it. The admin offers no link to the bytes: downloads go through the app's permission check."""

    list_display = ("original_name", "update", "size", "uploaded_by", "uploaded_at", "publishable", "removed_at")
    list_filter = ("update__period__plan", "publishable")
    list_select_related = ("update__action", "update__period", "uploaded_by")
    search_fields = ("original_name",)
    exclude = ("file",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
