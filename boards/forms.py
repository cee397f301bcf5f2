from django import forms

from actions.models import Action, AreaOfWeakness, Officer
from boards import selectors
from boards.models import AgendaItem, Board, BoardAction, Decision, Meeting
from boards.services import board_action_status_errors
from kpis.models import Kpi
from risks.models import Risk
from sendplan.fields import GovukDateField


def officer_label(officer: Officer) -> str:
    organisation = officer.organisation
    return f"{officer}, {organisation.short_name or organisation.name}"


class BoardForm(forms.ModelForm):
    """Set up a board. A reporting line that would make a loop comes back from the service beside "Reports to"."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Board
        fields = ["name", "kind", "purpose", "chair", "members", "reports_to", "plans", "meets", "order"]
        widgets = {
            "kind": forms.RadioSelect,
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "members": forms.CheckboxSelectMultiple,
            "plans": forms.CheckboxSelectMultiple,
        }
        labels = {
            "name": "Name of the board",
            "kind": "Kind of board",
            "reports_to": "Reports to",
            "plans": "Plans it oversees",
            "meets": "How often it meets",
            "order": "Place among the boards beside it",
        }
        help_texts = {
            "purpose": "What the board is for and what it decides, as its terms of reference say.",
            "order": "Boards reporting to the same board are listed by this number, then by name.",
        }
        error_messages = {
            "name": {
                "required": "Enter the name of the board.",
                "unique": "A board with this name already exists. Choose another name.",
            },
            "kind": {"required": "Choose the kind of board."},
        }

    kind_hints = {
        Board.Kind.IMPROVEMENT: "Holds the partnership to account for the plan; often has an independent chair.",
        Board.Kind.PROGRAMME: "Runs the plan week to week and reports to the improvement board.",
        Board.Kind.SUBGROUP: "Works on one area of weakness or theme.",
        Board.Kind.PARTNERSHIP: "For example the Health and Wellbeing Board.",
        Board.Kind.EXTERNAL_REVIEW: "Support-and-challenge meetings and stocktakes with DfE and NHS England advisers.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model field has no default, so Django would offer a blank radio button too.
        self.fields["kind"].choices = Board.Kind.choices
        officers = Officer.objects.select_related("organisation")
        self.fields["chair"].queryset = officers
        self.fields["chair"].empty_label = "No chair recorded"
        self.fields["chair"].label_from_instance = officer_label
        self.fields["members"].queryset = officers.order_by("organisation__name", "post_title", "person_name")
        self.fields["members"].label_from_instance = officer_label
        others = Board.objects.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.fields["version"].initial = self.instance.version
        self.fields["reports_to"].queryset = others
        self.fields["reports_to"].empty_label = "No other board"


class AttendanceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return officer_label(obj)


class MeetingForm(forms.ModelForm):
    date = GovukDateField(
        label="Date of the meeting",
        help_text="For example, 27 3 2026.",
        error_messages={"required": "Enter the date of the meeting."},
    )
    present = AttendanceField(queryset=Officer.objects.none(), required=False, label="Present")
    apologies = AttendanceField(queryset=Officer.objects.none(), required=False, label="Apologies")
    publish_chair_update = forms.BooleanField(
        required=False,
        label="Publish the chair's update",
        help_text="Families and partners can then read it. Untick to take it down again.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = ["date", "title", "location", "present", "apologies", "minutes", "chair_update"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 8}), "chair_update": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"title": "Optional, for example “Six-month stocktake”."}

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.board = board
        officers = selectors.attendance_officers(board)
        self.fields["present"].queryset = officers
        self.fields["apologies"].queryset = officers
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["publish_chair_update"].initial = self.instance.chair_update_published_at is not None

    def _attendance_groups(self, name: str) -> dict:
        """The checkboxes in two groups: the board's chair and members, as attendance is usually taken, then
        everyone else (shown folded unless one of them is ticked)."""
        board, others = [], []
        for choice in self[name]:
            (board if choice.data["value"].instance.place < 2 else others).append(choice)
        return {
            "board": board,
            "others": others,
            "others_open": not board or any(choice.data["selected"] for choice in others),
        }

    @property
    def present_groups(self):
        return self._attendance_groups("present")

    @property
    def apologies_groups(self):
        return self._attendance_groups("apologies")


def _linked_label(multiple_plans: bool, plan, text: str) -> str:
    return f"{plan.local_area} {plan.get_plan_type_display()}: {text}" if multiple_plans else text


class AgendaItemForm(forms.ModelForm):
    """An agenda item, optionally about an area, action, KPI or risk of the plans the board oversees."""

    class Meta:
        model = AgendaItem
        fields = ["title", "presenter", "notes", "area", "action", "kpi", "risk"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 4})}
        labels = {"title": "Agenda item", "presenter": "Presented by", "area": "Area of weakness"}
        error_messages = {"title": {"required": "Enter the agenda item."}}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        plans = list(meeting.board.plans.all())
        multiple = len(plans) > 1
        self.fields["presenter"].queryset = Officer.objects.select_related("organisation")
        self.fields["presenter"].label_from_instance = officer_label
        self.fields["area"].queryset = AreaOfWeakness.objects.filter(plan__in=plans).select_related("plan")
        self.fields["area"].label_from_instance = lambda a: _linked_label(multiple, a.plan, f"{a.ref}. {a.title}")
        self.fields["action"].queryset = (
            Action.objects.filter(area__plan__in=plans)
            .select_related("area__plan")
            .order_by("area__plan", "area__order", "order", "ref")
        )
        self.fields["action"].label_from_instance = lambda a: _linked_label(
            multiple, a.area.plan, f"{a.ref} {a.text[:70]}"
        )
        self.fields["kpi"].queryset = Kpi.objects.filter(plan__in=plans).select_related("plan")
        self.fields["kpi"].label_from_instance = lambda k: _linked_label(multiple, k.plan, f"{k.ref} {k.measure[:70]}")
        self.fields["risk"].queryset = Risk.objects.filter(plan__in=plans).select_related("plan")
        self.fields["risk"].label_from_instance = lambda r: _linked_label(multiple, r.plan, f"{r.ref} {r.risk[:70]}")
        for name in ("presenter", "area", "action", "kpi", "risk"):
            self.fields[name].empty_label = "None"
        if not plans:
            self.fields["area"].help_text = "This board oversees no plans yet, so there is nothing to link to."


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "agenda_item"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        labels = {"text": "What the board decided", "agenda_item": "Under agenda item"}
        error_messages = {"text": {"required": "Enter what the board decided."}}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        self.fields["agenda_item"].empty_label = "Not under an agenda item"


class BoardActionForm(forms.ModelForm):
    """A board action. `scope` "new": what the meeting sets; "all": everything (programme manager and chairs);
    "progress": what the owner reports (status, date done, progress note)."""

    due_date = GovukDateField(label="Due date", required=False, help_text="Optional. For example, 30 4 2026.")
    completed_on = GovukDateField(label="Date done", required=False, help_text="Needed when it is done.")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = BoardAction
        fields = ["text", "owner", "due_date", "decision", "status", "completed_on", "progress_note"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
            "progress_note": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"text": "What the board asked for", "owner": "Who will do it", "decision": "Following decision"}
        error_messages = {
            "text": {"required": "Enter what the board asked for."},
            "owner": {"required": "Choose who will do it."},
        }

    status_hints = {
        BoardAction.Status.DONE: "Give the date it was done.",
        BoardAction.Status.DROPPED: "Say why in the progress note.",
    }
    SCOPES = {
        "new": ["text", "owner", "due_date", "decision"],
        "all": ["text", "owner", "due_date", "decision", "status", "completed_on", "progress_note", "version"],
        "progress": ["status", "completed_on", "progress_note", "version"],
    }

    def __init__(self, *args, meeting: Meeting, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        for name in set(self.fields) - set(self.SCOPES[scope]):
            del self.fields[name]
        if "owner" in self.fields:
            self.fields["owner"].queryset = Officer.objects.select_related("organisation")
            self.fields["owner"].label_from_instance = officer_label
            self.fields["owner"].empty_label = "Choose who will do it"
        if "decision" in self.fields:
            self.fields["decision"].queryset = meeting.decisions.all()
            self.fields["decision"].empty_label = "None"
            self.fields["decision"].label_from_instance = lambda d: d.text[:90]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if "status" in self.fields and "status" in cleaned:
            errors = board_action_status_errors(
                status=cleaned["status"],
                completed_on=cleaned.get("completed_on"),
                progress_note=cleaned.get("progress_note", ""),
            )
            # A field error here also keeps the database constraint from repeating it at the top of the form.
            for name, message in errors.items():
                if not self.has_error(name):
                    self.add_error(name, message)
        return cleaned
