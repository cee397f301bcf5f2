from django import forms
from django.utils.text import Truncator

from actions.models import Action, Plan, Rag, ReportingPeriod, Stage
from actions.services import (
    plan_roll_forward_errors,
    previous_rating,
    progress_update_draft_errors,
    progress_update_errors,
)
from sendplan.fields import GovukDateField


class ProgressUpdateForm(forms.Form):
    """A lead's update for the open reporting period, to submit or (`draft=True`) to save as a draft, which may be
    incomplete. The rules themselves live in services."""

    # The name of the form's "Save as draft" button: the same form and address serve both, so there is one access
    # check and one set of fields.
    DRAFT_BUTTON = "save_draft"

    rag = forms.ChoiceField(label="RAG rating", choices=Rag.choices, widget=forms.RadioSelect)
    # Stage and percentage: the lead's report of delivery, beside the rating (choices in the plan's own words).
    stage = forms.ChoiceField(
        label="Stage",
        choices=Stage.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Where delivery stands, whatever the rating: a complete action can still be Green while it beds in.",
    )
    percent_complete = forms.IntegerField(
        label="Percentage complete (optional)",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text="A whole number from 0 to 100, for example 60.",
        error_messages={
            "invalid": "Enter the percentage complete as a whole number, for example 60.",
            "min_value": "Enter a percentage complete from 0 to 100.",
            "max_value": "Enter a percentage complete from 0 to 100.",
        },
    )
    completion_date = GovukDateField(
        label="Completion date",
        required=False,
        help_text="Required for Blue or a complete action: the day it was finished. For example, 27 3 2026.",
    )
    progress = forms.CharField(
        label="Progress",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What has been done this period. Required when the rating changes.",
    )
    impact = forms.CharField(
        label="Impact",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What is different for children, young people and families. Required for Blue and Green.",
    )
    recovery_note = forms.CharField(
        label="Recovery note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for Red: what will bring this action back on track, and by when.",
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One link or document name per line.",
    )
    coproduction_level = forms.ChoiceField(
        label="Co-production level",
        choices=[("", "Not recorded"), *Action.Coproduction.choices],
        required=False,
    )
    coproduction_evidence = forms.CharField(
        label="Co-production evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who was involved and how, for example the parent carer forum's part in designing it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        action: Action,
        period: ReportingPeriod,
        draft: bool = False,
        previous_rag: str | None = None,
        **kwargs,
    ):
        self.action = action
        self.period = period
        self.draft = draft
        # The rating before this period, when the caller read it for many actions at once (selectors.previous_ratings).
        self.previous_rag = previous_rag
        super().__init__(*args, **kwargs)
        self.fields["rag"].required = not draft
        # A plan that publishes no ratings takes dated narrative only: no rating to give.
        self.narrative_only = not action.area.plan.publishes_ratings
        if self.narrative_only:
            del self.fields["rag"]
            self.fields["progress"].help_text = "What has been done this period: the entry, dated and signed by you."
        self.fields["stage"].choices = action.area.plan.stage_choices
        # Offer only the ratings this plan's key defines (some plans have no blue or white), with its wording.
        key = [] if self.narrative_only else list(action.area.plan.rag_key.all())
        if key:
            self.fields["rag"].choices = [(line.code, line.label) for line in key]
            self.rag_hints = {line.code: line.definition for line in key}
        else:
            self.rag_hints = {}

    def clean(self):
        cleaned = super().clean()
        if self.narrative_only:
            cleaned["rag"] = ""
        if "rag" not in cleaned:
            return cleaned
        if self.draft:
            errors = progress_update_draft_errors(
                action=self.action,
                period=self.period,
                rag=cleaned["rag"],
                stage=cleaned.get("stage", ""),
                percent_complete=cleaned.get("percent_complete"),
            )
        else:
            errors = self._submit_errors(cleaned)
        for name, message in errors.items():
            if name in self.fields and self.has_error(name):
                continue  # the field's own error (e.g. an impossible date) says it better
            self.add_error(name if name in self.fields else None, message)
        return cleaned

    def _submit_errors(self, cleaned: dict) -> dict[str, str]:
        return progress_update_errors(
            action=self.action,
            period=self.period,
            rag=cleaned["rag"],
            progress=cleaned.get("progress", ""),
            impact=cleaned.get("impact", ""),
            recovery_note=cleaned.get("recovery_note", ""),
            completion_date=cleaned.get("completion_date"),
            evidence=cleaned.get("evidence", ""),
            previous_rag=(
                self.previous_rag
                if self.previous_rag is not None
                else previous_rating(action=self.action, period=self.period)
            ),
            stage=cleaned.get("stage", ""),
            # A percentage the field refused is its own error; the rules see none.
            percent_complete=cleaned.get("percent_complete"),
        )


class RoundRowForm(ProgressUpdateForm):
    """One row of the lead's one-page round (every action needing an update in one table): the update form's rating,
    stage, percentage, completion date and narrative, with its rules, compact enough for a table row. Evidence and
    co-production are left as they stand (a draft's are kept): they are given on the action's own update form."""

    LEFT_OUT = ("evidence", "coproduction_level", "coproduction_evidence")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.LEFT_OUT:
            del self.fields[name]
        if "rag" in self.fields:
            self.fields["rag"].widget = forms.Select(choices=self.fields["rag"].choices)
            self.fields["rag"].choices = [("", "Not given"), *self.fields["rag"].choices]
        self.fields["stage"].widget = forms.Select(choices=self.fields["stage"].choices)
        self.fields["stage"].choices = [("", "Not recorded"), *self.fields["stage"].choices]
        for name in ("progress", "impact", "recovery_note"):
            self.fields[name].widget.attrs["rows"] = 3

    @property
    def row_errors(self) -> list[tuple[str, str]]:
        """(anchor, message) for each error of the row, in the order of its cells, for the error summary."""
        names = ["__all__", *self.fields]
        items = []
        for name in sorted(self.errors, key=lambda n: names.index(n) if n in names else len(names)):
            if name == "__all__":
                anchor = f"action-{self.action.pk}"
            elif name == "completion_date":
                anchor = f"{self[name].auto_id}_0"
            else:
                anchor = self[name].auto_id
            items.extend((anchor, message) for message in self.errors[name])
        return items


def _due_note(action: Action) -> str:
    """The action's deadline beside its checkbox, so the manager sees which ones need a new due date."""
    deadline = action.deadline
    if deadline is None:
        return f" (due {action.due_label})" if action.due_label else ""
    return f" (due {deadline:%-d %B %Y})"


class RollForwardForm(forms.Form):
    """A new plan from `source`: its type, title, web address and start, and which areas and open actions to carry.

    Open actions are offered one set of checkboxes per area (fields `actions_<area pk>`); `cleaned_data["areas"]`
    and `cleaned_data["actions"]` hold the chosen objects. The rules themselves live in services.
    """

    plan_type = forms.ChoiceField(
        label="Type of plan",
        choices=Plan.PlanType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of the new plan."},
    )
    title = forms.CharField(
        label="Title",
        max_length=300,
        help_text="As the new plan is headed, for example “Accelerated Progress Plan”.",
        error_messages={"required": "Enter the title of the new plan."},
    )
    slug = forms.SlugField(
        label="Web address",
        max_length=80,
        help_text="The end of the plan's address: lower-case letters, numbers and hyphens, for example riverside-app.",
        error_messages={
            "required": "Enter a web address for the new plan.",
            "invalid": "The web address can only contain lower-case letters, numbers and hyphens.",
        },
    )
    start_date = GovukDateField(
        label="Start date",
        help_text="Milestones at 3, 6 and 12 months count from here. For example, 1 9 2026.",
        error_messages={"required": "Enter the date the new plan starts."},
    )
    carried_due_date = GovukDateField(
        label="New due date for carried actions already due",
        required=False,
        help_text=(
            "Only for the actions you carry that were due before the new plan starts (their due dates are shown "
            "below): carried as they are, they would be overdue on its first day. Each keeps its original due date on "
            "record, with this as its revised due date. For example, 28 2 2027."
        ),
    )
    areas = forms.TypedMultipleChoiceField(
        label="Areas of weakness to carry",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one area of weakness to carry into the new plan."},
    )

    def __init__(self, *args, source: Plan, **kwargs):
        self.source = source
        super().__init__(*args, **kwargs)
        # Areas and open actions are read once here; the checkboxes and clean() use these lists.
        self._areas = {area.pk: area for area in source.areas.all()}
        self.fields["areas"].choices = [
            (area.pk, f"{area.ref}. {Truncator(area.title).words(18)}{' (closed)' if area.closed_on else ''}")
            for area in self._areas.values()
        ]
        open_actions = Action.objects.filter(area__plan=source, status=Action.Status.OPEN).order_by(
            "area__order", "area__ref", "order", "ref"
        )
        self._actions = {action.pk: action for action in open_actions}
        self._action_field_names: list[str] = []
        for area in self._areas.values():
            choices = [
                (a.pk, f"{a.ref} {Truncator(a.text).chars(120)}{_due_note(a)}")
                for a in self._actions.values()
                if a.area_id == area.pk
            ]
            if choices:
                name = f"actions_{area.pk}"
                self.fields[name] = forms.TypedMultipleChoiceField(
                    label=f"Open actions in area {area.ref}",
                    coerce=int,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
                self._action_field_names.append(name)
        # After the actions on the page, so the error summary lists the fields in the order the page shows them.
        self.fields["carried_due_date"] = self.fields.pop("carried_due_date")

    @property
    def action_fields(self):
        return [self[name] for name in self._action_field_names]

    def clean(self):
        cleaned = super().clean()
        cleaned["areas"] = [self._areas[pk] for pk in cleaned.get("areas", [])]
        cleaned["actions"] = [self._actions[pk] for name in self._action_field_names for pk in cleaned.get(name, [])]
        errors = plan_roll_forward_errors(
            source=self.source,
            slug=cleaned.get("slug", ""),
            start_date=cleaned.get("start_date"),
            areas=cleaned["areas"],
            actions=cleaned["actions"],
            carried_due_date=cleaned.get("carried_due_date"),
        )
        self.add_service_errors(errors)
        return cleaned

    def add_service_errors(self, errors: dict) -> None:
        """Put the service's errors beside their fields; the actions' error beside the first set it concerns."""
        for name, messages in errors.items():
            if name == "actions":
                name = self._actions_error_field()
            elif name not in self.fields:
                name = None
            if name is not None and self.has_error(name):
                continue  # the field's own error (e.g. an impossible date) says it better
            for message in [messages] if isinstance(messages, str) else messages:
                self.add_error(name, message)

    def _actions_error_field(self) -> str | None:
        chosen_areas = {area.pk for area in self.cleaned_data.get("areas", [])}
        for name in self._action_field_names:
            if self.cleaned_data.get(name) and int(name.removeprefix("actions_")) not in chosen_areas:
                return name
        return None


class AreaCloseForm(forms.Form):
    closed_on = GovukDateField(
        label="Date the area was closed",
        required=False,
        help_text="For example, the date of the board meeting that agreed it, 27 3 2026.",
    )
    reason = forms.CharField(
        label="Why is the area closed?",
        help_text="What the board decided, and on what evidence. This is shown with the area wherever it appears.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PostHandOverForm(forms.Form):
    """The new person in a post, from a date (services.post_hand_over holds the rules)."""

    person_name = forms.CharField(
        label="New person's full name",
        max_length=200,
        required=False,
        help_text="As they want it shown in updates and reports.",
    )
    email = forms.CharField(
        label="Their email address (optional)",
        max_length=254,
        required=False,
        help_text="Reminders and digests for this post go here from now on.",
    )
    started_on = GovukDateField(
        label="Date they took over the post",
        required=False,
        help_text="Updates given from this day name them; earlier ones keep the person before. For example, 5 1 2026.",
    )
    user = forms.ModelChoiceField(
        label="Their sign-in account (optional)",
        queryset=None,
        required=False,
        empty_label="No account yet",
        help_text="The account that updates this post's actions from now on. The previous holder's account stops "
        "acting for the post.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth.models import User

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("first_name", "username")
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_username()})" if user.get_full_name() else user.get_username()
        )


class OfficerCorrectNameForm(forms.Form):
    """The right spelling of a holder's name: the same person, so no handover (services.officer_correct_name)."""

    holder = forms.ModelChoiceField(
        label="Whose name is misspelt?",
        queryset=None,
        widget=forms.RadioSelect,
        required=False,  # the current holder (the only one of a post with no handovers)
    )
    person_name = forms.CharField(
        label="The name as it should be spelt",
        max_length=200,
        required=False,
        help_text="Every update, report and history entry that names them will show this name.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, holders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders
        self.fields["holder"].label_from_instance = lambda holder: (
            f"{holder.person_name or 'Nobody named'}, from {holder.started_on:%-d %B %Y}"
        )


# The sheet of an area's actions (actions.sheet): one row form per action, in a formset.
SHEET_PERCENT_ERRORS = {
    "invalid": "Enter the percentage complete as a whole number from 0 to 100.",
    "min_value": "Enter a percentage complete from 0 to 100.",
    "max_value": "Enter a percentage complete from 0 to 100.",
}
# Hidden numbers are ids and versions: anything outside a database integer is a malformed post, refused as invalid.
_HIDDEN_NUMBER = {"required": False, "min_value": 0, "max_value": 2**31 - 1, "widget": forms.HiddenInput}


def _text(value: str) -> str:
    """Browsers send a textarea's line breaks as CRLF: stored, and compared, as LF."""
    return (value or "").replace("\r\n", "\n").strip()


class SheetRowForm(forms.Form):
    """One action's row of an area's sheet, or a blank row for a new action. `action` and `version` say which action
    and as what version it was loaded; `loaded` is the fingerprint of what the row showed (actions.sheet), so a row
    the user did not change is left alone."""

    action = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "This row's action is not in this area any more (it may have been moved or removed "
            "since you opened the page): reload the page."
        },
    )
    version = forms.IntegerField(**_HIDDEN_NUMBER)
    loaded = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    ref = forms.CharField(
        label="Ref", max_length=20, error_messages={"required": "Enter the action's reference, for example 1.3."}
    )
    text = forms.CharField(
        label="Action",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the action will do."},
    )
    leads = forms.MultipleChoiceField(
        label="Leads",
        required=False,
        error_messages={"invalid_choice": "Choose leads from the plan's organisations' posts only."},
    )
    accountable = forms.MultipleChoiceField(
        label="Accountable",
        required=False,
        error_messages={"invalid_choice": "Choose accountable officers from the plan's organisations' posts only."},
    )
    due_date = GovukDateField(label="Due date", required=False)
    due_label = forms.CharField(label="Due, as the plan words it", max_length=200, required=False)
    stage = forms.ChoiceField(label="Stage", required=False, error_messages={"invalid_choice": "Select a stage."})
    percent_complete = forms.IntegerField(
        label="% complete", required=False, min_value=0, max_value=100, error_messages=SHEET_PERCENT_ERRORS
    )
    order = forms.IntegerField(
        label="Order",
        required=False,
        min_value=1,
        max_value=9999,
        error_messages={
            "invalid": "Enter the order as a whole number, for example 3.",
            "min_value": "Enter an order number of 1 or more.",
            "max_value": "Enter an order number below 10000.",
        },
    )
    area = forms.TypedChoiceField(
        label="Area",
        coerce=int,
        error_messages={"invalid_choice": "Choose an area of this plan.", "required": "Choose an area of this plan."},
    )
    status = forms.ChoiceField(
        label="Open or closed",
        error_messages={"invalid_choice": "Choose Open, or Closed (withdrawn) with the reason."},
    )
    closed_reason = forms.CharField(
        label="Reason, if closed", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.fields["action"].choices = [("", "")] + [(a.pk, a.pk) for a in sheet.actions]
        posts = [(str(o.pk), f"{o}, {o.organisation}") for o in sheet.posts]
        self.fields["leads"].choices = self.fields["accountable"].choices = posts
        self.fields["stage"].choices = [("", "Not recorded"), *sheet.plan.stage_choices]
        self.fields["area"].choices = [(a.pk, a.label) for a in sheet.areas]
        self.fields["area"].initial = sheet.area.pk
        statuses = dict(Action.Status.choices)
        self.fields["status"].choices = [
            (Action.Status.OPEN, "Open"),
            (Action.Status.WITHDRAWN, "Closed (withdrawn)"),
        ]
        self.fields["status"].initial = Action.Status.OPEN
        current = self._action_status()
        if current and current not in (Action.Status.OPEN, Action.Status.WITHDRAWN):
            # Completed and carried-forward actions are closed by their own journeys: shown, not changed here (a
            # disabled field ignores what is posted and keeps this).
            self.fields["status"].choices.append((current, statuses[current]))
            self.fields["status"].disabled = True
            self.fields["status"].initial = current
        for column in sheet.columns:
            widget = forms.Textarea(attrs={"rows": 3}) if column.long else forms.TextInput()
            self.fields[column.key] = forms.CharField(
                label=column.label, required=False, strip=False, widget=widget, help_text=column.help_text
            )
            self.fields[f"{column.key}_version"] = forms.IntegerField(**_HIDDEN_NUMBER)
        self.changed_by_user = False
        self.changed: set[str] = set()  # the fields the user changed in a loaded row

    def _action_status(self) -> str:
        """The status of the action this row shows, as it is now: from the posted row's action when bound."""
        if not self.is_bound:
            return self.initial.get("status", "")
        action = self.sheet.by_pk.get(str(self.data.get(self.add_prefix("action"), "")))
        return action.status if action is not None else ""

    def clean(self):
        from actions.sheet import changed_fields

        data = super().clean()
        for name in ("text", "closed_reason", *(c.key for c in self.sheet.columns)):
            if name in data:
                data[name] = _text(data[name])
        if self.errors:
            self.changed_by_user = True
            return data
        if data.get("action") is None:
            self.changed_by_user = self.has_changed()
        else:
            values = {name: data.get(name) for name in self.fingerprinted}
            self.changed = changed_fields(values, data.get("loaded") or "")
            self.changed_by_user = bool(self.changed)
        return data

    @property
    def fingerprinted(self) -> list[str]:
        """The fields a row's fingerprint covers: what the user can change."""
        hidden = {"action", "version", "loaded"}
        return [name for name in self.fields if name not in hidden and not name.endswith("_version")]

    def own_versions(self) -> dict[str, int]:
        return {c.key: self.cleaned_data.get(f"{c.key}_version") or 0 for c in self.sheet.columns}


class BaseSheetFormSet(forms.BaseFormSet):
    def __init__(self, *args, sheet, **kwargs):
        self.sheet = sheet
        super().__init__(*args, form_kwargs={"sheet": sheet}, **kwargs)

    def rows(self) -> list:
        """The valid formset's rows as the sheet service takes them."""
        from actions.sheet import RowInput

        by_pk = {a.pk: a for a in self.sheet.actions}
        areas = {a.pk: a for a in self.sheet.areas}
        posts = {str(o.pk): o for o in self.sheet.posts}
        rows = []
        for index, form in enumerate(self.forms):
            data = form.cleaned_data
            action = by_pk.get(data.get("action"))
            if action is None and not form.changed_by_user:
                continue  # a blank row left blank
            position = data.get("order")
            rows.append(
                RowInput(
                    index=index,
                    action=action,
                    version=data.get("version") or 0,
                    ref=data.get("ref", ""),
                    text=data.get("text", ""),
                    leads=[posts[pk] for pk in data.get("leads", [])],
                    accountable=[posts[pk] for pk in data.get("accountable", [])],
                    due_date=data.get("due_date"),
                    due_label=data.get("due_label", ""),
                    stage=data.get("stage", ""),
                    percent_complete=data.get("percent_complete"),
                    area=areas.get(data.get("area")),
                    status=data.get("status") or Action.Status.OPEN,
                    closed_reason=data.get("closed_reason", ""),
                    position=position,
                    own={c.key: data.get(c.key, "") for c in self.sheet.columns},
                    own_versions=form.own_versions(),
                    changed=form.changed_by_user,
                    moved_in_order=position is not None and (action is None or position != index + 1),
                )
            )
        return rows


SheetFormSet = forms.formset_factory(
    SheetRowForm, formset=BaseSheetFormSet, extra=3, max_num=1000, absolute_max=1500, validate_max=True
)
