from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods

from actions.locking import StaleEditError
from actions.models import Plan
from actions.permissions import require_reader
from risks import selectors
from risks.filters import RegisterFilterForm
from risks.forms import ReviewForm, RiskForm
from risks.permissions import can_record_risks, can_write_risk, get_risk_for_user, require_risk_recorder
from risks.services import risk_review_record, risk_save
from sendplan.forms import add_service_errors, form_status


@require_GET
def register(request, slug):
    require_reader(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    form = RegisterFilterForm(request.GET or None, plan=plan)
    context = {
        "plan": plan,
        "form": form,
        # Below the heading the page is the same for everyone with the same rights, cached until plan data changes
        # (sendplan.page_cache): the register is read only when the cached part is built.
        "register": SimpleLazyObject(lambda: selectors.register(plan, **form.selector_kwargs())),
        "can_record": can_record_risks(request.user),
        "cache_key": request.GET.urlencode(),
    }
    return render(request, "risks/register.html", context)


@require_GET
def heat_map(request, slug):
    require_reader(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    return render(request, "risks/heat_map.html", {"plan": plan, "heat": selectors.heat_map(plan)})


@require_GET
def risk_detail(request, pk):
    risk = get_risk_for_user(request.user, pk, queryset=selectors.risk_queryset())
    row, reviews, history = selectors.risk_page(risk)
    context = {"row": row, "reviews": reviews, "history": history, "can_write": can_write_risk(request.user, risk)}
    return render(request, "risks/risk_detail.html", context)


def _save_risk(request, form):
    """Shared by record and edit: the service validates and locks; errors go back beside the fields."""
    stale = None
    if form.is_valid():
        try:
            risk = risk_save(
                risk=form.save(commit=False),
                actions=list(form.cleaned_data["actions"]),
                by=request.user,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Risk {risk.ref} saved.")
            return redirect(risk), None
    return None, stale


@require_http_methods(["GET", "POST"])
def risk_new(request, slug):
    require_risk_recorder(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    form = RiskForm(request.POST or None, plan=plan)
    stale = None
    if request.method == "POST":
        response, stale = _save_risk(request, form)
        if response:
            return response
    context = {"plan": plan, "form": form, "stale": stale}
    return render(request, "risks/risk_form.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def risk_edit(request, pk):
    risk = get_risk_for_user(request.user, pk, write=True)
    form = RiskForm(
        request.POST or None, instance=risk, plan=risk.plan, can_change_owner=can_record_risks(request.user)
    )
    stale = None
    if request.method == "POST":
        response, stale = _save_risk(request, form)
        if response:
            return response
    context = {"plan": risk.plan, "form": form, "risk": risk, "stale": stale}
    return render(request, "risks/risk_form.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def risk_review(request, pk):
    risk = get_risk_for_user(request.user, pk, write=True)
    initial = {
        "reviewed_on": timezone.localdate(),
        "likelihood": risk.current_likelihood,
        "impact": risk.current_impact,
        "version": risk.version,
    }
    form = ReviewForm(request.POST or None, risk=risk, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            risk_review_record(
                risk=risk,
                reviewed_on=data["reviewed_on"],
                likelihood=data["likelihood"],
                impact=data["impact"],
                note=data["note"],
                by=request.user,
                expected_version=data["version"],
                period=risk.plan.periods.filter(start__lte=data["reviewed_on"], end__gte=data["reviewed_on"]).first(),
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            risk.refresh_from_db()
            messages.success(request, f"Review of {risk.ref} recorded. Next review due {risk.next_review:%-d %B %Y}.")
            return redirect(risk)
    context = {"risk": risk, "form": form, "stale": stale}
    return render(request, "risks/review_form.html", context, status=form_status(form, stale))
