"""Setting up a plan in the app (programme managers only; every other role gets 403): a new plan, its header and
RAG key, its areas with findings and outcomes, and its reporting periods. Each form view has the one shape the
project uses: access check, form, service, redirect; a refusal re-shows the form as typed (400, or 409 stale)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.locking import StaleEditError
from actions.models import AreaOfWeakness, Finding, Outcome, Plan, ReportingPeriod
from planning import selectors
from planning.forms import AreaForm, MoveForm, NewPlanForm, PeriodForm, PlanHeaderForm, RagKeyForm, StatementForm
from planning.permissions import require_plan_setup
from planning.services import (
    area_add,
    area_change,
    area_move,
    period_add,
    period_change,
    period_remove,
    period_remove_refusal,
    plan_header_change,
    plan_start,
    rag_key_change,
    statement_add,
    statement_change,
    statement_dependants,
    statement_remove,
)
from sendplan.forms import add_service_errors, form_status, save_form


def _posted(request):
    """The form's data on a POST, even an empty one (refused as incomplete, not shown as a fresh form)."""
    return request.POST if request.method == "POST" else None


def _plan(user, slug) -> Plan:
    require_plan_setup(user)
    return get_object_or_404(Plan, slug=slug)


@require_http_methods(["GET", "POST"])
def plan_new(request):
    require_plan_setup(request.user)
    form = NewPlanForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = plan_start(
                **form.header(),
                rag_key=form.rag_key(),
                partners=list(data["partners"]),
                new_partners=form.new_partners(),
                cadence=data["cadence"],
                periods_until=data["periods_until"],
                quarter_ends=form.quarter_ends_months(),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            periods = plan.periods.count()
            messages.success(
                request,
                f"{plan.title} started, with {periods} reporting period{pluralize(periods)}. Now add its areas.",
            )
            return redirect("setup-areas", plan.slug)
    return render(request, "planning/plan_new.html", {"form": form}, status=form_status(form))


@require_http_methods(["GET", "POST"])
def plan_edit(request, slug):
    plan = _plan(request.user, slug)
    initial = {name: getattr(plan, name) for name in PlanHeaderForm.header_names}
    initial |= {"partners": list(plan.partner_organisations.all()), "version": plan.version}
    form = PlanHeaderForm(_posted(request), initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        saving = save_form(
            form,
            lambda: plan_header_change(
                plan=plan,
                **form.header(),
                partners=list(form.cleaned_data["partners"]),
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
            ),
        )
        if saving.saved:
            messages.success(request, "The plan's details are saved.")
            return redirect(plan)
        stale = saving.stale
    context = {"plan": plan, "form": form, "stale": stale}
    return render(request, "planning/plan_edit.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def rag_key_edit(request, slug):
    plan = _plan(request.user, slug)
    initial = {"ratings": "yes" if plan.publishes_ratings else "no", "version": plan.version}
    form = RagKeyForm(_posted(request), plan=plan, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        saving = save_form(
            form,
            lambda: rag_key_change(
                plan=plan,
                publishes_ratings=form.cleaned_data["ratings"] == "yes",
                lines=form.lines(),
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
            ),
        )
        if saving.saved:
            messages.success(request, "The RAG key is saved.")
            return redirect(plan)
        stale = saving.stale
    context = {"plan": plan, "form": form, "stale": stale}
    return render(request, "planning/rag_key.html", context, status=form_status(form, stale))


# Areas


@require_GET
def area_list(request, slug):
    plan = _plan(request.user, slug)
    return render(request, "planning/area_list.html", {"plan": plan, "areas": selectors.setup_areas(plan)})


def _area(user, pk) -> AreaOfWeakness:
    require_plan_setup(user)
    return get_object_or_404(selectors.area_for_setup(pk))


def _area_form_page(request, *, plan, area):
    """The add and change pages of an area: the same form; `area` None when adding."""
    initial = {"kind": AreaOfWeakness.Kind.WEAKNESS}
    if area is not None:
        initial = {
            "ref": area.ref,
            "title": area.title,
            "kind": area.kind,
            "owners": list(area.owners.all()),
            "general_outcomes": area.general_outcomes,
            "milestone": area.milestone,
            "version": area.version,
        }
    form = AreaForm(_posted(request), plan=plan, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ("ref", "title", "kind", "general_outcomes", "milestone")}
        owners = list(data["owners"])
        if area is None:
            saving = save_form(form, lambda: area_add(plan=plan, **fields, owners=owners, by=request.user))
        else:
            expected = data["version"] or 0
            saving = save_form(
                form,
                lambda: area_change(area=area, **fields, owners=owners, by=request.user, expected_version=expected),
            )
        if saving.saved:
            area = saving.result or area
            messages.success(request, f"{area.heading} is saved.")
            return redirect("setup-area", area.pk)
        stale = saving.stale
    context = {"plan": plan, "area": area, "form": form, "stale": stale}
    return render(request, "planning/area_form.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def area_new(request, slug):
    plan = _plan(request.user, slug)
    return _area_form_page(request, plan=plan, area=None)


@require_http_methods(["GET", "POST"])
def area_edit(request, pk):
    area = _area(request.user, pk)
    return _area_form_page(request, plan=area.plan, area=area)


@require_POST
def area_move_view(request, pk):
    area = _area(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The area was not moved: reload the page and try again.")
        return redirect("setup-areas", area.plan.slug)
    try:
        area_move(
            area=area,
            up=form.cleaned_data["direction"] == "up",
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except StaleEditError as error:
        messages.error(request, error.message)
    return redirect("setup-areas", area.plan.slug)


@require_GET
def area_setup(request, pk):
    area = _area(request.user, pk)
    context = {"plan": area.plan, "area": area, **selectors.area_statements(area)}
    return render(request, "planning/area_setup.html", context)


# Findings and outcomes: the same pages, named by STATEMENTS.

STATEMENTS = {
    "finding": {"model": Finding, "name": "finding", "hint": "A finding the inspectors wrote, quoted under the area."},
    "outcome": {"model": Outcome, "name": "outcome", "hint": "What the plan says must be true when the area is done."},
}


@require_http_methods(["GET", "POST"])
def statement_new(request, pk, kind):
    area = _area(request.user, pk)
    what = STATEMENTS[kind]
    form = StatementForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            statement_add(
                area=area,
                model=what["model"],
                ref=form.cleaned_data["ref"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The {what['name']} is added to {area.in_text}.")
            return redirect("setup-area", area.pk)
    context = {"plan": area.plan, "area": area, "form": form, "what": what, "record": None, "stale": None}
    return render(request, "planning/statement_form.html", context, status=form_status(form))


def _statement(user, pk, kind):
    require_plan_setup(user)
    return get_object_or_404(STATEMENTS[kind]["model"].objects.select_related("area__plan"), pk=pk)


@require_http_methods(["GET", "POST"])
def statement_edit(request, pk, kind):
    record = _statement(request.user, pk, kind)
    what = STATEMENTS[kind]
    form = StatementForm(_posted(request), initial={"ref": record.ref, "text": record.text, "version": record.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        saving = save_form(
            form,
            lambda: statement_change(
                record=record,
                ref=form.cleaned_data["ref"],
                text=form.cleaned_data["text"],
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
            ),
        )
        if saving.saved:
            messages.success(request, f"The {what['name']} is saved.")
            return redirect("setup-area", record.area_id)
        stale = saving.stale
    context = {"plan": record.area.plan, "area": record.area, "form": form, "what": what, "record": record}
    context["stale"] = stale
    return render(request, "planning/statement_form.html", context, status=form_status(form, stale))


def _posted_version(request) -> int:
    version = request.POST.get("version", "")
    return int(version) if version.isdigit() and len(version) < 10 else 0


@require_http_methods(["GET", "POST"])
def statement_delete(request, pk, kind):
    record = _statement(request.user, pk, kind)
    what = STATEMENTS[kind]
    stale = None
    if request.method == "POST":
        try:
            statement_remove(record=record, by=request.user, expected_version=_posted_version(request))
        except StaleEditError as error:
            stale = error
        else:
            messages.success(request, f"The {what['name']} is removed.")
            return redirect("setup-area", record.area_id)
    context = {
        "plan": record.area.plan,
        "area": record.area,
        "record": record,
        "what": what,
        "dependants": statement_dependants(record),
        "stale": stale,
    }
    return render(request, "planning/statement_remove.html", context, status=409 if stale else 200)


# Reporting periods, from the rounds page.


def _period_form_page(request, *, plan, period):
    initial = {}
    if period is not None:
        initial = {
            "name": period.name,
            "start": period.start,
            "end": period.end,
            "update_deadline": period.update_deadline,
            "version": period.version,
        }
    form = PeriodForm(_posted(request), initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ("name", "start", "end", "update_deadline")}
        if period is None:
            saving = save_form(form, lambda: period_add(plan=plan, **fields, by=request.user))
        else:
            expected = data["version"] or 0
            saving = save_form(
                form, lambda: period_change(period=period, **fields, by=request.user, expected_version=expected)
            )
        if saving.saved:
            period = saving.result or period
            messages.success(request, f"{period.name} is saved.")
            return redirect("round-list", plan.slug)
        stale = saving.stale
    context = {"plan": plan, "period": period, "form": form, "stale": stale}
    return render(request, "planning/period_form.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def period_new(request, slug):
    plan = _plan(request.user, slug)
    return _period_form_page(request, plan=plan, period=None)


def _period(user, pk) -> ReportingPeriod:
    require_plan_setup(user)
    return get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)


@require_http_methods(["GET", "POST"])
def period_edit(request, pk):
    period = _period(request.user, pk)
    return _period_form_page(request, plan=period.plan, period=period)


@require_http_methods(["GET", "POST"])
def period_delete(request, pk):
    period = _period(request.user, pk)
    stale, refusal = None, period_remove_refusal(period)
    if request.method == "POST" and not refusal:
        try:
            period_remove(period=period, by=request.user, expected_version=_posted_version(request))
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, f"{period.name} is removed.")
            return redirect("round-list", period.plan.slug)
    context = {"plan": period.plan, "period": period, "refusal": refusal, "stale": stale}
    status = 409 if stale else (400 if refusal and request.method == "POST" else 200)
    return render(request, "planning/period_remove.html", context, status=status)
