import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.module_loading import import_string

from actions.models import Action, AreaOfWeakness, Officer, Organisation, Plan, Rag, Stage

_select = forms.Select(attrs={"class": "govuk-select"})
_YES = [("yes", "Yes")]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area):
        # Area refs repeat across plans ("1."), so each option names its local area too.
        return f"{area.plan.local_area}: {area.ref}. {area.title[:70]}"


class AreaChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = AreaChoiceField


class ActionFilter(django_filters.FilterSet):
    """Filters for the action list and its CSV download. Expects a queryset from selectors.action_rows()."""

    plan = django_filters.ModelChoiceFilter(
        field_name="area__plan", label="Plan", queryset=Plan.objects.all(), empty_label="All plans", widget=_select
    )
    area = AreaChoiceFilter(
        label="Area of weakness",
        queryset=AreaOfWeakness.objects.select_related("plan"),
        empty_label="All areas",
        widget=_select,
    )
    rag = django_filters.ChoiceFilter(
        field_name="current_rag",
        label="RAG",
        choices=[*Rag.choices, ("none", "Not rated")],
        empty_label="Any rating",
        method="filter_rag",
        widget=_select,
    )
    # The standard words: the list spans plans, each of which may word its stages its own way.
    stage = django_filters.ChoiceFilter(
        label="Stage",
        choices=[*Stage.choices, ("none", "Not recorded")],
        empty_label="Any stage",
        method="filter_stage",
        widget=_select,
    )
    lead = django_filters.ModelChoiceFilter(
        field_name="leads",
        label="Lead",
        queryset=Officer.objects.all(),
        empty_label="Any lead",
        widget=_select,
    )
    organisation = django_filters.ModelChoiceFilter(
        field_name="leads__organisation",
        label="Lead organisation",
        queryset=Organisation.objects.all(),
        empty_label="Any organisation",
        widget=_select,
        distinct=True,
    )
    due_before = django_filters.DateFilter(
        method="filter_due_before",
        label="Due before",
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
    )
    overdue = django_filters.ChoiceFilter(
        choices=_YES, empty_label="Any", method="filter_flag", label="Overdue", widget=_select
    )
    needs_update = django_filters.ChoiceFilter(
        choices=_YES, empty_label="Any", method="filter_flag", label="Not updated this period", widget=_select
    )

    class Meta:
        model = Action
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Apps built on actions add filters of their own (planfields: a plan's own short fields, with a plan chosen).
        for path in settings.SENDPLAN_ACTION_LIST_FILTERS:
            self.filters.update(import_string(path)(data or {}))

    def filter_rag(self, queryset, name, value):
        return queryset.filter(current_rag="" if value == "none" else value)

    def filter_stage(self, queryset, name, value):
        return queryset.filter(stage="" if value == "none" else value)

    def filter_due_before(self, queryset, name, value):
        return queryset.filter(effective_due__lt=value)

    def filter_flag(self, queryset, name, value):
        # `overdue` and `needs_update` are annotations from selectors.annotate_action_state().
        return queryset.filter(Q(**{name: True})) if value == "yes" else queryset
