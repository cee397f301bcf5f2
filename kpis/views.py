from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from actions.locking import StaleEditError
from actions.models import Plan
from actions.permissions import require_reader
from kpis import selectors
from kpis.filters import ScorecardFilterForm
from kpis.forms import MeasurementForm, MilestoneAssessmentForm, MilestoneTargetForm
from kpis.models import Measurement, Milestone
from kpis.permissions import can_write_kpi, get_kpi_for_user
from kpis.scorecard import scorecard_body
from kpis.services import (
    current_measurement,
    measurement_record,
    measurement_restate,
    milestone_assess,
    milestone_set_target,
)
from sendplan.forms import add_service_errors, form_status


@require_GET
def scorecard(request, slug):
    require_reader(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    form = ScorecardFilterForm(request.GET or None, plan=plan)
    # Below the heading the page is the same for every reader, cached until plan data changes and built ahead by a
    # worker (kpis/scorecard.py): the KPIs are read only when it is built.
    context = {"plan": plan, "body": scorecard_body(plan, form, request.GET.urlencode())}
    return render(request, "kpis/scorecard.html", context)


@require_GET
def exceptions(request, slug):
    require_reader(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    rows = selectors.exceptions(plan)
    writable = {row.kpi.pk for row in rows if can_write_kpi(request.user, row.kpi)}
    return render(request, "kpis/exceptions.html", {"plan": plan, "rows": rows, "writable": writable})


@require_GET
def kpi_detail(request, pk):
    kpi = get_kpi_for_user(request.user, pk, queryset=selectors.kpi_queryset())
    context = {
        "row": selectors.kpi_row(kpi),
        "history": selectors.kpi_history(kpi),
        "can_write": can_write_kpi(request.user, kpi),
    }
    return render(request, "kpis/kpi_detail.html", context)


@require_http_methods(["GET", "POST"])
def measurement_new(request, pk):
    kpi = get_kpi_for_user(request.user, pk, write=True)
    form = MeasurementForm(request.POST or None, kpi=kpi, initial={"status": Measurement.Status.ACTUAL})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A value for a period that has one restates it (both kept): say so, with the value it replaced.
        earlier = current_measurement(kpi, data["period_date"], data["period_label"])
        try:
            measurement = measurement_record(
                kpi=kpi,
                period_date=data["period_date"],
                period_label=data["period_label"],
                value=data.get("value"),
                value_text=data.get("value_text", ""),
                note=data["note"],
                status=data["status"],
                comparators=form.comparators,
                by=request.user,
            )
        except StaleEditError as refused:
            # Someone recorded or restated the period's value between our read and the save: nothing saved, the
            # form is shown again with what was typed, naming who got there first where we know.
            if refused.saved_by:
                when = timezone.localtime(refused.saved_at).strftime("%H:%M on %-d %B %Y")
                message = (
                    f"{refused.saved_by} recorded a value for this period at {when}, while you were entering "
                    "yours. Yours has not been saved: check the KPI's values, then submit again to restate theirs."
                )
            elif refused.changes:
                message = refused.message
            else:
                message = "Someone else changed this period's value just now. Check the KPI's values and try again."
            add_service_errors(form, ValidationError(message))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _recorded_message(kpi, measurement, earlier))
            return redirect(kpi)
    return render(request, "kpis/measurement_form.html", {"kpi": kpi, "form": form}, status=form_status(form))


@require_http_methods(["GET", "POST"])
def measurement_edit(request, pk):
    require_reader(request.user)
    measurement = get_object_or_404(Measurement.objects.select_related("kpi"), pk=pk)
    kpi = get_kpi_for_user(request.user, measurement.kpi_id, write=True)
    initial = {
        "value": measurement.value,
        "value_text": measurement.value_text,
        "status": measurement.status,
        "note": measurement.note,
        "version": measurement.version,
        **{name: getattr(measurement, name) for name, _label in Measurement.COMPARATORS},
    }
    form = MeasurementForm(request.POST or None, kpi=kpi, restating=True, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        earlier_value = _shown(kpi, measurement)
        try:
            current = measurement_restate(
                measurement=measurement,
                value=data.get("value"),
                value_text=data.get("value_text", ""),
                note=data["note"],
                status=data["status"],
                comparators=form.comparators,
                by=request.user,
                expected_version=data["version"] or 0,
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if current.pk == measurement.pk:
                messages.success(request, f"Note and comparators for {_period(measurement)} saved.")
            else:
                messages.success(request, f"Value for {_period(measurement)} restated: it was {earlier_value}.")
            return redirect(kpi)
    context = {"kpi": kpi, "form": form, "measurement": measurement, "stale": stale}
    return render(request, "kpis/measurement_form.html", context, status=form_status(form, stale))


def _period(measurement: Measurement) -> str:
    """The period as the messages name it: as published ("Q4 2024"), else its full date."""
    return measurement.period_label or f"{measurement.period_date:%-d %B %Y}"


def _shown(kpi, measurement: Measurement) -> str:
    """A value as the messages quote it: "54% (provisional)"."""
    value = kpi.format_value(measurement.value) if kpi.is_numeric else measurement.value_text
    return value if measurement.status == Measurement.Status.ACTUAL else f"{value} ({measurement.status})"


def _recorded_message(kpi, measurement: Measurement, earlier: Measurement | None) -> str:
    if earlier is None:
        return f"Value for {_period(measurement)} recorded."
    if earlier.pk == measurement.pk:
        return f"Note and comparators for {_period(measurement)} saved."
    return f"Value for {_period(measurement)} restated: it was {_shown(kpi, earlier)}."


@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk):
    require_reader(request.user)
    milestone = get_object_or_404(Milestone.objects.select_related("kpi"), pk=pk)
    kpi = get_kpi_for_user(request.user, milestone.kpi_id, write=True)
    initial = {
        "rag": milestone.rag,
        "override_reason": milestone.override_reason,
        "commentary": milestone.commentary,
        "version": milestone.version,
    }
    form = MilestoneAssessmentForm(request.POST or None, milestone=milestone, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            milestone_assess(
                milestone=milestone,
                rag=data["rag"],
                override_reason=data.get("override_reason", ""),
                commentary=data["commentary"],
                by=request.user,
                expected_version=data["version"],
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{milestone.months}-month milestone of {kpi.ref} saved.")
            return redirect(kpi)
    context = {
        "kpi": kpi,
        "milestone": milestone,
        "form": form,
        "stale": stale,
        "judgement": selectors.milestone_judgement(milestone),
    }
    return render(request, "kpis/milestone_form.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def milestone_target(request, pk):
    require_reader(request.user)
    milestone = get_object_or_404(Milestone.objects.select_related("kpi__plan"), pk=pk)
    kpi = get_kpi_for_user(request.user, milestone.kpi_id, write=True)
    initial = {
        "target_text": milestone.target_text,
        "target_value": milestone.target_value,
        "target_benchmark": milestone.target_benchmark,
        "judged_by": "direction" if milestone.target_direction else "value",
        "version": milestone.version,
    }
    form = MilestoneTargetForm(request.POST or None, milestone=milestone, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            milestone_set_target(
                milestone=milestone,
                target_text=data["target_text"],
                target_value=data.get("target_value"),
                target_benchmark=data["target_benchmark"],
                target_direction=data.get("judged_by") == "direction",
                by=request.user,
                expected_version=data["version"],
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Target of the {milestone.months}-month milestone of {kpi.ref} saved.")
            return redirect(kpi)
    context = {"kpi": kpi, "milestone": milestone, "form": form, "stale": stale}
    return render(request, "kpis/milestone_target_form.html", context, status=form_status(form, stale))
