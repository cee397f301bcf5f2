"""The programme manager's maintenance screens. Every save goes through services.record_save, so admin edits
are optimistic-locked (a stale form is refused with who changed what) and recorded in history like any other."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import ValidationError
from django.db import router
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from actions.locking import changes_since, readable_value
from actions.models import (
    Action,
    AreaOfWeakness,
    Finding,
    Officer,
    Organisation,
    Outcome,
    Plan,
    ProgressUpdate,
    RagDefinition,
    ReportingPeriod,
)
from actions.services import record_save


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the form was loaded at and refuses the save if the row has moved on since.

    An edit must say which version it was loaded at: a POST without it is refused, never saved unchecked. A refused
    form lists what others changed since (old -> new) and moves on to the version saved now, keeping what the
    user typed, so saving again after checking their changes saves."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        expected = cleaned.get("expected_version")
        current = type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True)
        if not current:
            return cleaned  # deleted meanwhile: the admin says so itself
        if expected is None:
            self._carry_version(current[0])
            raise ValidationError(
                "This form did not say which version of the record it was loaded at, so saving it could overwrite "
                "someone else's changes. Nothing has been saved: check the record below, then save again."
            )
        if current[0] != expected:
            changes = changes_since(self.instance, expected)
            detail = "; ".join(
                f"{c.who} changed {c.field} from “{c.old[:60]}” to “{c.new[:60]}” at {c.when:%H:%M on %d %b %Y}"
                for c in changes
            )
            self._carry_version(current[0])
            raise ValidationError(
                f"Someone else saved this record while you were editing it ({detail or 'no detail recorded'}). "
                "Nothing has been saved yet: your text is still in the form. Check their changes, then save again "
                "to save yours."
            )
        return cleaned

    def _carry_version(self, version: int) -> None:
        data = self.data.copy()
        data[self.add_prefix("expected_version")] = str(version)
        self.data = data


class ReadableHistory(HistoricalRecordContextHelper):
    """The admin History page's changes as people read them: labels rather than codes, names rather than lists
    ("Leads: (none) -> Head of SEND (Alice Moreno)"), dates written out, "(blank)" rather than None."""

    def stringify_delta_change_values(self, change, old, new):
        field = self.model._meta.get_field(change.field)
        return readable_value(field, old), readable_value(field, new)


class VersionedAdmin(SimpleHistoryAdmin):
    form = VersionedAdminForm
    readonly_fields = ("version", "updated_at")

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # "Changed by" names the person by their post and name (locking.user_label), read with the page.
        return (
            super()
            .get_history_queryset(request, history_manager, pk_name, object_id)
            .select_related("history_user__officer")
        )

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        # A change was checked against its version in the form's clean(); a new record has none to check.
        expected = form.cleaned_data["expected_version"] if change else obj.version
        record_save(instance=obj, expected_version=expected, by=request.user)

    def get_deleted_objects(self, objs, request):
        """Deleting a plan, area or action would take its progress updates with it: those submitted for a closed
        period are the record, so they are listed as protected and the admin refuses the delete (one record or
        several from the list alike)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        records = updates_on_record(objs)
        if records:
            # The admin would only say "no permission to delete progress updates": say why instead.
            perms_needed.discard(ProgressUpdate._meta.verbose_name)
            protected = [
                *protected,
                *(
                    f"{update}: submitted for a closed period, so it is the record and cannot be deleted"
                    for update in records
                ),
            ]
        return deleted, counts, perms_needed, protected


def is_on_record(update: ProgressUpdate) -> bool:
    return update.status == ProgressUpdate.Status.SUBMITTED and update.period.status == ReportingPeriod.Status.CLOSED


def updates_on_record(objs) -> list[ProgressUpdate]:
    """The submitted updates of closed periods among `objs` and everything deleting them would delete."""
    objs = list(objs)
    if not objs:
        return []
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    ids = [update.pk for update in collector.data.get(ProgressUpdate, ())]
    return list(
        ProgressUpdate.objects.filter(
            pk__in=ids, status=ProgressUpdate.Status.SUBMITTED, period__status=ReportingPeriod.Status.CLOSED
        ).select_related("action", "period")
    )


@admin.register(Organisation)
class OrganisationAdmin(VersionedAdmin):
    list_display = ("name", "short_name", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")


@admin.register(Officer)
class OfficerAdmin(VersionedAdmin):
    list_display = ("post_title", "person_name", "organisation", "email", "user", "name_publishable", "is_agency_lead")
    list_filter = ("organisation", "name_publishable", "is_agency_lead")
    search_fields = ("post_title", "person_name", "email")
    list_select_related = ("organisation", "user")
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # Who holds an existing post changes by a handover or a name correction on the post's page (decision
        # 0023): an edit here would rename the person behind every past update, or leave the holders disagreeing.
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "person_name", "email", "user") if obj is not None else fields


@admin.register(Plan)
class PlanAdmin(VersionedAdmin):
    list_display = ("local_area", "title", "plan_type", "published", "start_date")
    list_filter = ("plan_type",)
    search_fields = ("local_area", "title")
    prepopulated_fields = {"slug": ("local_area", "title")}
    filter_horizontal = ("accountable_officers",)


@admin.register(RagDefinition)
class RagDefinitionAdmin(VersionedAdmin):
    list_display = ("plan", "code", "label", "definition")
    list_filter = ("plan",)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(VersionedAdmin):
    list_display = ("name", "plan", "start", "end", "update_deadline", "status")
    list_filter = ("plan", "status")


@admin.register(AreaOfWeakness)
class AreaOfWeaknessAdmin(VersionedAdmin):
    list_display = ("ref", "title", "plan", "kind", "reported_with", "order", "closed_on")
    list_filter = ("plan", "kind")
    search_fields = ("ref", "title")
    filter_horizontal = ("owners",)
    list_select_related = ("plan", "reported_with")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reported_with":
            # Offer only the other areas of the same plan (the model refuses any other area).
            area_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            if area_id:
                kwargs["queryset"] = AreaOfWeakness.objects.filter(plan__areas=area_id).exclude(pk=area_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Finding)
class FindingAdmin(VersionedAdmin):
    list_display = ("__str__", "area", "order")
    list_filter = ("area__plan",)
    list_select_related = ("area",)


@admin.register(Outcome)
class OutcomeAdmin(VersionedAdmin):
    list_display = ("__str__", "area", "finding", "order")
    list_filter = ("area__plan",)
    list_select_related = ("area", "finding")


@admin.register(Action)
class ActionAdmin(VersionedAdmin):
    list_display = ("ref", "text", "area", "due_label", "due_date", "revised_due_date", "current_rag", "status")
    list_filter = ("area__plan", "current_rag", "status", "coproduction_level")
    search_fields = ("ref", "text")
    list_select_related = ("area",)
    filter_horizontal = ("leads", "partners")
    # Set by the roll forward, which also marks the original carried forward.
    readonly_fields = ("version", "updated_at", "current_rag", "carried_from")


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(VersionedAdmin):
    """Read-only here: updates are made through the lead's update form, which applies the progress rules."""

    list_display = ("action", "period", "status", "rag", "submitted_by_officer", "submitted_at")
    list_filter = ("period__plan", "status", "rag")
    list_select_related = ("action", "period", "submitted_by_officer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A submitted update of a closed period is the record, which nothing removes; a draft or an update of the
        # open period goes with its action. There is no bulk delete here (obj is None), so no record goes by mistake.
        return obj is not None and not is_on_record(obj)
