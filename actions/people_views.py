"""A plan's people pages: add and edit its organisations and posts. Programme managers only, as the post pages in
actions/views.py (hand over, correct a name); accounts/views.py invites a post's holder and deactivates a leaver."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from actions.models import Plan
from actions.people_forms import OfficerForm, OrganisationForm
from actions.people_selectors import plan_organisations
from actions.people_services import officer_add, officer_edit, organisation_add, organisation_edit
from actions.permissions import require_people_manager
from actions.selectors import plan_post_choices
from sendplan.forms import add_service_errors, form_status, save_form


def _people_url(plan: Plan) -> str:
    return reverse("plan-officers", args=[plan.slug])


@require_http_methods(["GET", "POST"])
def organisation_new(request, slug):
    require_people_manager(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation, created = organisation_add(
                plan=plan, name=data["name"], short_name=data["short_name"], kind=data["kind"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if created:
                messages.success(request, f"{organisation.name} added: it now works on this plan.")
            else:
                messages.success(request, f"{organisation.name} was already recorded: it now works on this plan too.")
            return redirect(_people_url(plan))
    context = {"plan": plan, "form": form, "adding": True}
    return render(request, "actions/organisation_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def organisation_change(request, slug, pk):
    require_people_manager(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    # Only an organisation working on this plan is reached through it: any other answers as a missing one.
    organisation = plan_organisations(plan).filter(pk=pk).first()
    if organisation is None:
        raise Http404("No such organisation on this plan")
    initial = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "version": organisation.version,
    }
    form = OrganisationForm(request.POST or None, initial=initial, adding=False)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saving = save_form(
            form,
            lambda: organisation_edit(
                organisation=organisation,
                name=data["name"],
                short_name=data["short_name"],
                kind=data["kind"],
                by=request.user,
                expected_version=data["version"],
            ),
        )
        if saving.saved:
            messages.success(request, f"{organisation.name} saved.")
            return redirect(_people_url(plan))
        stale = saving.stale
    context = {"plan": plan, "form": form, "stale": stale, "organisation": organisation, "adding": False}
    return render(request, "actions/organisation_form.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def officer_new(request, slug):
    require_people_manager(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    initial = {"name_publishable": "yes", "is_agency_lead": "no", "organisation": request.GET.get("organisation")}
    form = OfficerForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            officer = officer_add(
                plan=plan,
                post_title=data["post_title"],
                person_name=data["person_name"],
                organisation=data["organisation"],
                email=data["email"],
                name_publishable=data["name_publishable"],
                is_agency_lead=data["is_agency_lead"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{officer} added to {officer.organisation.name}.")
            return redirect("officer-detail", pk=officer.pk)
    context = {"plan": plan, "form": form, "adding": True}
    return render(request, "actions/officer_form.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def officer_change(request, slug, pk):
    require_people_manager(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    # A post of one of this plan's organisations only (plan_post_choices); any other answers as a missing one.
    officer = plan_post_choices(plan).filter(pk=pk).first()
    if officer is None:
        raise Http404("No such post on this plan")
    form = OfficerForm(request.POST or None, plan=plan, adding=False, initial=OfficerForm.initial_for(officer))
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saving = save_form(
            form,
            lambda: officer_edit(
                plan=plan,
                officer=officer,
                post_title=data["post_title"],
                organisation=data["organisation"],
                email=data["email"],
                name_publishable=data["name_publishable"],
                is_agency_lead=data["is_agency_lead"],
                by=request.user,
                expected_version=data["version"],
            ),
        )
        if saving.saved:
            messages.success(request, f"{officer.post_title} saved.")
            return redirect("officer-detail", pk=officer.pk)
        stale = saving.stale
    context = {"plan": plan, "form": form, "stale": stale, "officer": officer, "adding": False}
    return render(request, "actions/officer_form.html", context, status=form_status(form, stale))
