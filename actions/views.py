import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_http_methods

from actions import selectors
from actions.filters import ActionFilter
from actions.forms import (
    AreaCloseForm,
    OfficerCorrectNameForm,
    PostHandOverForm,
    ProgressUpdateForm,
    RollForwardForm,
)
from actions.locking import StaleEditError
from actions.models import Action, AreaOfWeakness, Officer, Plan, ReportingPeriod, Stage
from actions.people_selectors import account_status, plan_people
from actions.permissions import (
    Role,
    action_write_refusal,
    can_manage_plans,
    can_write_action,
    get_action_for_user,
    require_plan_manager,
    require_reader,
    user_roles,
)
from actions.services import (
    area_close,
    area_reopen,
    officer_correct_name,
    plan_roll_forward,
    post_hand_over,
    progress_update_save_draft,
    progress_update_submit,
)
from sendplan.forms import add_service_errors, form_status
from sendplan.spreadsheets import CSV_BOM, spreadsheet_safe

ACTION_LIST_PAGE_SIZE = 50


@require_GET
def home(request):
    require_reader(request.user)
    if Role.SEND_LEAD in user_roles(request.user) or _my_actions_panels(request):
        return redirect("my-actions")
    return redirect("plan-list")


def _my_actions_panels(request) -> list[dict]:
    """What apps built on actions (KPIs, risks, boards, governance, reports) ask of the user; actions imports none."""
    return [panel for path in settings.SENDPLAN_MY_ACTIONS_PANELS if (panel := import_string(path)(request))]


@require_GET
def my_actions(request):
    require_reader(request.user)
    # The reader's own page, cached until plan data changes (sendplan.page_cache) under their account and roles (a
    # change of role changes the panels but not plan data): read only when the cached part is built.
    # Actions that take no more updates are hidden unless asked for (?completed=1).
    show_completed = request.GET.get("completed") == "1"
    context = {
        "mine": SimpleLazyObject(lambda: selectors.my_actions(request.user, show_completed=show_completed)),
        "panels": SimpleLazyObject(lambda: _my_actions_panels(request)),
        "cache_key": (request.user.pk, show_completed, *sorted(user_roles(request.user))),
    }
    return render(request, "actions/my_actions.html", context)


@require_GET
def plan_list(request):
    require_reader(request.user)
    can_import = Role.PROGRAMME_MANAGER in user_roles(request.user)
    return render(request, "actions/plan_list.html", {"plans": selectors.plan_list(), "can_import": can_import})


@require_GET
def plan_detail(request, slug):
    require_reader(request.user)
    plan = get_object_or_404(Plan.objects.select_related("predecessor"), slug=slug)
    # Below the title the page is the same for everyone with the same rights, cached until plan data changes
    # (sendplan.page_cache): read only when the cached part is built.
    context = {
        "plan": plan,
        "page": SimpleLazyObject(lambda: selectors.plan_page(plan)),
        "can_roll_forward": can_manage_plans(request.user),
    }
    return render(request, "actions/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def roll_forward(request, slug):
    require_plan_manager(request.user)
    source = get_object_or_404(Plan, slug=slug)
    form = RollForwardForm(request.POST or None, source=source)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = plan_roll_forward(
                source=source,
                slug=data["slug"],
                title=data["title"],
                plan_type=data["plan_type"],
                start_date=data["start_date"],
                areas=data["areas"],
                actions=data["actions"],
                carried_due_date=data.get("carried_due_date"),
                by=request.user,
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            form.add_service_errors(error.message_dict)
        else:
            areas, actions = len(data["areas"]), len(data["actions"])
            messages.success(
                request,
                f"{plan.title} started from {source.title}: {areas} area{pluralize(areas)} and "
                f"{actions} action{pluralize(actions)} carried forward.",
            )
            return redirect(plan)
    context = {"source": source, "form": form, "stale": stale}
    return render(request, "actions/roll_forward.html", context, status=form_status(form, stale))


@require_GET
def area_detail(request, pk):
    require_reader(request.user)
    area = get_object_or_404(selectors.area_queryset(), pk=pk)
    # As the plan's page: cached below the title, read only when the cached part is built.
    context = {
        "area": area,
        "page": SimpleLazyObject(lambda: selectors.area_page(area)),
        "can_close": can_manage_plans(request.user),
    }
    return render(request, "actions/area_detail.html", context)


@require_http_methods(["GET", "POST"])
def area_close_view(request, pk):
    """Close an area (date and reason), correct its closure, or reopen it (the "reopen" button). Programme
    managers only."""
    require_reader(request.user)
    if not can_manage_plans(request.user):
        raise PermissionDenied("Only the programme manager can close or reopen an area of weakness.")
    area = get_object_or_404(AreaOfWeakness.objects.select_related("plan"), pk=pk)
    initial = {"closed_on": area.closed_on, "reason": area.closed_reason, "version": area.version}
    reopening = REOPEN_BUTTON in request.POST
    form = AreaCloseForm(None if reopening else (request.POST or None), initial=initial)
    stale = None
    if reopening:
        version = request.POST.get("version", "")
        try:
            area_reopen(area=area, by=request.user, expected_version=int(version) if version.isdigit() else 0)
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(area)
        else:
            messages.success(request, f"Area {area.ref} is open again: its open actions are monitored again.")
            return redirect(area)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area_close(
                area=area,
                closed_on=data["closed_on"],
                reason=data["reason"],
                by=request.user,
                expected_version=data["version"],
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Area {area.ref} closed on {area.closed_on:%-d %B %Y}. Its actions are no longer asked for, "
                "reminded about or counted as overdue from that date.",
            )
            return redirect(area)
    context = {"area": area, "form": form, "stale": stale, "reopen_button": REOPEN_BUTTON}
    return render(request, "actions/area_close.html", context, status=form_status(form, stale))


REOPEN_BUTTON = "reopen"


@require_GET
def action_detail(request, pk):
    action = get_action_for_user(request.user, pk, queryset=selectors.action_detail_queryset())
    can_update = can_write_action(request.user, action)
    # Apps built on actions (governance) add tabs here, as they add panels to My actions.
    extra_tabs = [import_string(path)(request, action) for path in settings.SENDPLAN_ACTION_TABS]
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            # The page below the title is the same for everyone with the same rights on the action, and is cached
            # (sendplan.page_cache): built only when the cached part is, so a cache hit reads none of it.
            # Drafts are shown only to those who may update the action (and so submit them).
            "page": SimpleLazyObject(lambda: selectors.action_page(action, show_draft=can_update)),
            "can_update": can_update,
            "extra_tabs": extra_tabs,
            # Programme managers see the leads' names as links to their posts' pages.
            "rights": (can_update, can_manage_plans(request.user), *(tab["vary_on"] for tab in extra_tabs)),
            "can_manage_people": can_manage_plans(request.user),
        },
    )


def update_form_parts(request, *, action, update) -> list:
    """What other apps add to the progress update form (evidence files: settings.SENDPLAN_UPDATE_FORM_PARTS), checked
    and saved with it, all or nothing, wherever a lead gives an update: the update form and the lead's round."""
    return [import_string(path)(request, action=action, update=update) for path in settings.SENDPLAN_UPDATE_FORM_PARTS]


@require_http_methods(["GET", "POST"])
def action_update(request, pk):
    action = get_action_for_user(request.user, pk, queryset=selectors.action_queryset())
    period = ReportingPeriod.objects.filter(plan=action.area.plan, status=ReportingPeriod.Status.OPEN).first()
    refusal = action_write_refusal(request.user, action)
    if refusal:
        raise PermissionDenied(refusal)  # logged as a refused authorisation
    if closed := _closed_to_updates(action, period):
        # Not an authorisation matter, so not logged as one: the page says why and where to go.
        return render(request, "403.html", {"exception": closed, "back": action}, status=403)
    existing = action.updates.filter(period=period).first()
    parts = update_form_parts(request, action=action, update=existing)
    stale = None
    if request.method == "POST":
        draft = ProgressUpdateForm.DRAFT_BUTTON in request.POST
        form = ProgressUpdateForm(request.POST, action=action, period=period, draft=draft)
        # Every part is checked (not only up to the first problem), so the page shows every error at once.
        if all([form.is_valid(), *[part.is_valid() for part in parts]]):
            data = form.cleaned_data
            save = progress_update_save_draft if draft else progress_update_submit
            try:
                with transaction.atomic():
                    update = save(
                        action=action,
                        period=period,
                        rag=data["rag"],
                        progress=data["progress"],
                        impact=data["impact"],
                        recovery_note=data["recovery_note"],
                        completion_date=data["completion_date"],
                        evidence=data["evidence"],
                        coproduction_level=data["coproduction_level"],
                        coproduction_evidence=data["coproduction_evidence"],
                        stage=data["stage"],
                        percent_complete=data["percent_complete"],
                        by=request.user,
                        expected_version=data["version"],
                    )
                    for part in parts:
                        part.save(update=update, by=request.user)
            except StaleEditError as error:
                stale = error
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                attached = "".join(part.saved_message() for part in parts)
                if draft:
                    messages.success(
                        request, f"Draft saved. It is not part of the plan's progress until you submit it.{attached}"
                    )
                elif data["rag"]:
                    messages.success(
                        request, f"Update for {period.name} saved: {action.ref} is now {data['rag'].title()}.{attached}"
                    )
                else:
                    messages.success(request, f"Progress entry for {period.name} saved.{attached}")
                return redirect(action)
    else:
        form = ProgressUpdateForm(initial=initial_update(action, existing), action=action, period=period)
    context = {
        "action": action,
        "period": period,
        "form": form,
        "stale": stale,
        "draft": existing if existing is not None and existing.is_draft else None,
        # A submitted update is revised by submitting again; it cannot go back to a draft.
        "can_save_draft": existing is None or existing.is_draft,
        "parts": parts,
    }
    status = form_status(form, stale, parts)
    return render(request, "actions/action_update.html", context, status=status)


def _closed_to_updates(action, period) -> str:
    """Why `action` takes no update now, or '' if it takes one in `period` (the plan's open period, or None)."""
    if action.status != Action.Status.OPEN:
        return (
            f"Action {action.ref} is {action.get_status_display().lower()}, so it takes no more updates. "
            "Its earlier updates stay on its page."
        )
    if period is None:
        return (
            f"{action.area.plan.title} has no open reporting period, so there is nothing to update yet. "
            "The programme manager opens a period for each round of updates."
        )
    return ""


def initial_update(action, existing) -> dict:
    """The update form as the lead left it: the period's update or draft, and the co-production a draft holds (the
    action's update page and the lead's round start from it)."""
    initial = {
        "version": action.version,
        "coproduction_level": action.coproduction_level,
        "coproduction_evidence": action.coproduction_evidence,
        # The action's stage, percentage and completion date as they stand: the lead changes what has moved on.
        "stage": action.stage,
        "percent_complete": action.percent_complete,
        "completion_date": action.completed_on if action.stage == Stage.COMPLETE else None,
    }
    if existing:
        initial.update(
            rag=existing.rag,
            progress=existing.progress,
            impact=existing.impact,
            recovery_note=existing.recovery_note,
            completion_date=existing.completion_date,
            evidence=existing.evidence,
            stage=existing.stage,
            percent_complete=existing.percent_complete,
        )
        if existing.is_draft:
            initial.update(
                coproduction_level=existing.draft_coproduction_level,
                coproduction_evidence=existing.draft_coproduction_evidence,
            )
    return initial


@require_GET
def action_list(request):
    require_reader(request.user)
    action_filter = ActionFilter(
        request.GET,
        queryset=selectors.action_rows().order_by(
            "area__plan__local_area", "area__plan_id", "area__order", "order", "ref"
        ),
    )
    rows = action_filter.qs
    if request.GET.get("format") == "csv":
        return _actions_csv(rows)
    query = request.GET.copy()
    query.pop("page", None)
    # The filters and the table are the same for every reader, cached until plan data changes
    # (sendplan.page_cache): the page of actions is read only when the cached part is built.
    page = SimpleLazyObject(lambda: Paginator(rows, ACTION_LIST_PAGE_SIZE).get_page(request.GET.get("page")))
    return render(
        request,
        "actions/action_list.html",
        {"filter": action_filter, "page": page, "query": query.urlencode(), "cache_key": request.GET.urlencode()},
    )


CSV_COLUMNS = [
    "Plan",
    "Area",
    "Ref",
    "Action",
    "Leads",
    "Lead organisations",
    "Due",
    "Due (as written)",
    "Revised due",
    "Status",
    "RAG",
    "Stage",
    "Percentage complete",
    "Completion date",
    "Overdue",
    "Needs update this period",
]


def _actions_csv(rows) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="actions-{stamp}.csv"'
    response.write(CSV_BOM)
    writer = csv.writer(response)
    # Apps built on actions add columns (planfields: the plan's own short fields, headed with their labels).
    extra = [import_string(path)(rows) for path in settings.SENDPLAN_ACTION_CSV_COLUMNS]
    writer.writerow([*CSV_COLUMNS, *(header for headers, _ in extra for header in headers)])
    for action in rows:
        leads = list(action.leads.all())
        writer.writerow(
            map(
                spreadsheet_safe,
                [
                    action.area.plan.title,
                    f"{action.area.ref}. {action.area.title}",
                    action.ref,
                    action.text,
                    "; ".join(str(o) for o in leads),
                    "; ".join(dict.fromkeys(str(o.organisation) for o in leads)),
                    action.due_date.isoformat() if action.due_date else "",
                    action.due_label,
                    action.revised_due_date.isoformat() if action.revised_due_date else "",
                    action.get_status_display(),
                    selectors.rag_label(action.current_rag),
                    action.area.plan.stage_label(action.stage) if action.stage else "",
                    "" if action.percent_complete is None else str(action.percent_complete),
                    action.completed_on.isoformat() if action.completed_on else "",
                    "Yes" if action.overdue else "No",
                    "Yes" if action.needs_update else "No",
                    *(cell for headers, cells in extra for cell in cells.get(action.pk, [""] * len(headers))),
                ],
            )
        )
    return response


def _require_people_manager(user) -> None:
    require_plan_manager(user, "Only the programme manager can change who holds a post.")


def _officer(pk: int) -> Officer:
    return get_object_or_404(Officer.objects.select_related("organisation", "user"), pk=pk)


@require_GET
def plan_officers(request, slug):
    _require_people_manager(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    context = {"plan": plan, "organisations": plan_people(plan)}
    return render(request, "actions/plan_officers.html", context)


@require_GET
def officer_detail(request, pk):
    _require_people_manager(request.user)
    officer = _officer(pk)
    context = {"officer": officer, "page": selectors.officer_page(officer), "account_status": account_status(officer)}
    return render(request, "actions/officer_detail.html", context)


@require_http_methods(["GET", "POST"])
def officer_hand_over(request, pk):
    """Record the new person in a post from a date: their past updates stay the previous holder's."""
    _require_people_manager(request.user)
    officer = _officer(pk)
    form = PostHandOverForm(request.POST or None, initial={"version": officer.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            holder = post_hand_over(
                officer=officer,
                person_name=data["person_name"],
                email=data["email"],
                started_on=data["started_on"],
                user=data["user"],
                by=request.user,
                expected_version=data["version"],
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{holder.person_name} holds the post of {officer.post_title} from {holder.started_on:%-d %B %Y}. "
                "Updates given before then still name the person who gave them.",
            )
            return redirect("officer-detail", pk=officer.pk)
    context = {"officer": officer, "form": form, "stale": stale}
    return render(request, "actions/officer_hand_over.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def officer_correct_name_view(request, pk):
    """Correct the spelling of a holder's name everywhere it appears (not a handover)."""
    _require_people_manager(request.user)
    officer = _officer(pk)
    holders = officer.holders.order_by("-started_on")
    current = holders.first()
    initial = {"version": officer.version, "holder": current, "person_name": current.person_name if current else ""}
    form = OfficerCorrectNameForm(request.POST or None, initial=initial, holders=holders)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            holder = officer_correct_name(
                officer=officer,
                holder=data["holder"],
                person_name=data["person_name"],
                by=request.user,
                expected_version=data["version"],
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The name is now spelt {holder.person_name} everywhere it appears.")
            return redirect("officer-detail", pk=officer.pk)
    context = {"officer": officer, "form": form, "stale": stale, "has_holders": current is not None}
    return render(request, "actions/officer_correct_name.html", context, status=form_status(form, stale))
