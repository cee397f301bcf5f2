"""A plan's own fields: defined by programme managers on the plan's "This plan's own fields" page; their values
edited on a form per area or action (programme managers; an action's leads for action fields)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions import selectors as action_selectors
from actions.locking import StaleEditError
from actions.models import AreaOfWeakness, Plan
from actions.permissions import action_write_refusal, can_manage_plans, get_action_for_user, require_reader
from planfields import selectors
from planfields.forms import OwnValuesForm, PlanFieldForm
from planfields.models import PlanField
from planfields.services import (
    own_values_save,
    plan_field_add,
    plan_field_change,
    plan_field_move,
    plan_field_remove,
)
from sendplan.forms import add_service_errors, form_status

MANAGERS_ONLY = "Only the programme manager can define this plan's own fields."


def _require_manager(user) -> None:
    require_reader(user)
    if not can_manage_plans(user):
        raise PermissionDenied(MANAGERS_ONLY)


def _field_for_manager(user, pk) -> PlanField:
    _require_manager(user)
    return get_object_or_404(PlanField.objects.select_related("plan"), pk=pk)


@require_GET
def field_list(request, slug):
    _require_manager(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    fields = selectors.plan_fields(plan.pk)
    context = {
        "plan": plan,
        "area_fields": [f for f in fields if f.applies_to == PlanField.AppliesTo.AREA],
        "action_fields": [f for f in fields if f.applies_to == PlanField.AppliesTo.ACTION],
    }
    return render(request, "planfields/field_list.html", context)


@require_http_methods(["GET", "POST"])
def field_add(request, slug):
    _require_manager(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    form = PlanFieldForm(request.POST or None, initial={"kind": PlanField.Kind.SHORT, "public": "no"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            field = plan_field_add(
                plan=plan,
                applies_to=data["applies_to"],
                label=data["label"],
                kind=data["kind"],
                help_text=data["help_text"],
                public=data["public"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Field {field.label} added to the plan's {field.get_applies_to_display().lower()}."
            )
            return redirect("plan-fields", plan.slug)
    context = {"plan": plan, "form": form, "field": None, "stale": None}
    return render(request, "planfields/field_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def field_edit(request, pk):
    field = _field_for_manager(request.user, pk)
    initial = {
        "label": field.label,
        "kind": field.kind,
        "help_text": field.help_text,
        "public": "yes" if field.public else "no",
        "version": field.version,
    }
    form = PlanFieldForm(request.POST or None, initial=initial, adding=False)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_field_change(
                field=field,
                label=data["label"],
                kind=data["kind"],
                help_text=data["help_text"],
                public=data["public"],
                by=request.user,
                expected_version=data["version"] or 0,
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Field {field.label} saved.")
            return redirect("plan-fields", field.plan.slug)
    context = {"plan": field.plan, "form": form, "field": field, "stale": stale}
    return render(request, "planfields/field_form.html", context, status=form_status(form, stale))


def _posted_version(request) -> int:
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() else 0


@require_POST
def field_move(request, pk):
    field = _field_for_manager(request.user, pk)
    up = request.POST.get("direction") == "up"
    try:
        plan_field_move(field=field, up=up, by=request.user, expected_version=_posted_version(request))
    except StaleEditError as error:
        messages.error(request, error.message)
    return redirect("plan-fields", field.plan.slug)


@require_http_methods(["GET", "POST"])
def field_remove(request, pk):
    field = _field_for_manager(request.user, pk)
    count = field.values.count()
    stale = None
    if request.method == "POST":
        try:
            removed = plan_field_remove(field=field, by=request.user, expected_version=_posted_version(request))
        except StaleEditError as error:
            stale = error
        else:
            messages.success(request, f"Field {field.label} removed, with its {removed} value{pluralize(removed)}.")
            return redirect("plan-fields", field.plan.slug)
    context = {"plan": field.plan, "field": field, "count": count, "stale": stale}
    return render(request, "planfields/field_remove.html", context, status=409 if stale else 200)


def _values_page(request, record, *, plan, heading, back):
    """The one shape of the values form for an area or an action (the access check is the caller's)."""
    own_values = selectors.record_values(record)
    form = OwnValuesForm(request.POST or None, own_values=own_values)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            changed = own_values_save(record=record, texts=form.texts(), versions=form.versions(), by=request.user)
        except StaleEditError as error:
            stale = error
            # The form keeps what the user typed and moves on to the versions saved now: submitting again saves.
            data = form.data.copy()
            for own in selectors.record_values(record):
                data[f"version_{own.field.pk}"] = str(own.version)
            form.data = data
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{changed} field{pluralize(changed)} saved." if changed else "Nothing changed.")
            return redirect(back)
    context = {"plan": plan, "record": record, "heading": heading, "back": back, "form": form, "stale": stale}
    return render(request, "planfields/values_form.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def area_values(request, pk):
    require_reader(request.user)
    if not can_manage_plans(request.user):
        raise PermissionDenied("Only the programme manager can change an area's own fields.")
    area = get_object_or_404(AreaOfWeakness.objects.select_related("plan"), pk=pk)
    return _values_page(request, area, plan=area.plan, heading=f"Area {area.ref}", back=area)


@require_http_methods(["GET", "POST"])
def action_values(request, pk):
    action = get_action_for_user(request.user, pk, queryset=action_selectors.action_queryset())
    refusal = action_write_refusal(request.user, action)
    if refusal:
        raise PermissionDenied(refusal)
    return _values_page(request, action, plan=action.area.plan, heading=f"Action {action.ref}", back=action)
