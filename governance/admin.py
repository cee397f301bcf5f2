from django.contrib import admin

from actions.admin import VersionedAdmin
from governance.models import Challenge, CoproductionComment, ReminderDay, ReminderLog


@admin.register(Challenge)
class ChallengeAdmin(VersionedAdmin):
    """Read-only: challenges are raised and answered through their pages, which keep the rating rules."""

    list_display = ("action", "challenged_rag", "status", "resolution", "raised_at", "raised_by_officer")
    list_filter = ("status", "resolution")
    list_select_related = ("action", "raised_by_officer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CoproductionComment)
class CoproductionCommentAdmin(VersionedAdmin):
    """Programme managers may correct a comment or mark it not for publication."""

    list_display = ("action", "created_at", "author_officer", "publishable")
    list_filter = ("publishable",)
    list_select_related = ("action", "author_officer")
    fields = ("text", "publishable", "response")


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("officer", "kind", "sent_on", "sent_at", "item_count")
    list_filter = ("kind", "sent_on")
    list_select_related = ("officer",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderDay)
class ReminderDayAdmin(admin.ModelAdmin):
    """Each weekday's automatic reminder run (governance/schedule.py): read-only, for seeing what happened."""

    list_display = ("day", "status", "run_after", "started_at", "finished_at", "summary")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
