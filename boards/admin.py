"""The programme manager's maintenance screens for boards and meetings. Saves go through record_save (locking and
history, as everywhere in the admin); a reporting line that would make a loop is refused as in the board form."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from actions.admin import VersionedAdmin, VersionedAdminForm
from boards.models import AgendaItem, Board, BoardAction, Decision, Meeting
from boards.services import board_reports_to_errors


class BoardAdminForm(VersionedAdminForm):
    def clean(self):
        cleaned = super().clean()
        parents = dict(Board.objects.values_list("pk", "reports_to_id"))
        errors = board_reports_to_errors(board=self.instance, reports_to=cleaned.get("reports_to"), parents=parents)
        if errors:
            raise ValidationError(errors)
        return cleaned


@admin.register(Board)
class BoardAdmin(VersionedAdmin):
    form = BoardAdminForm
    list_display = ("name", "kind", "chair", "reports_to", "meets", "order")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("chair", "reports_to")
    filter_horizontal = ("members", "plans")


@admin.register(Meeting)
class MeetingAdmin(VersionedAdmin):
    list_display = ("board", "date", "title", "chair_update_published_at")
    list_filter = ("board",)
    search_fields = ("title", "minutes")
    list_select_related = ("board",)
    date_hierarchy = "date"
    filter_horizontal = ("present", "apologies")


@admin.register(AgendaItem)
class AgendaItemAdmin(VersionedAdmin):
    list_display = ("title", "meeting", "order", "presenter")
    list_select_related = ("meeting__board", "presenter")
    search_fields = ("title",)


@admin.register(Decision)
class DecisionAdmin(VersionedAdmin):
    list_display = ("text", "meeting", "agenda_item")
    list_select_related = ("meeting__board", "agenda_item")
    search_fields = ("text",)


@admin.register(BoardAction)
class BoardActionAdmin(VersionedAdmin):
    list_display = ("text", "owner", "due_date", "status", "meeting")
    list_filter = ("status",)
    list_select_related = ("owner", "meeting__board")
    search_fields = ("text",)
