"""The SEND lead's termly round: from My actions, one page per action that still needs an update ("Save and next"),
or every such action in one table, then a summary of what was submitted, drafted and skipped.

Its own module because actions/views.py had reached the size at which the style guide splits a module by concern.
The pages reuse the update form (ProgressUpdateForm) and services (progress_update_submit,
progress_update_save_draft), so the progress rules and the locking are the update form's own.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from actions import selectors
from actions.forms import ProgressUpdateForm, RoundRowForm
from actions.locking import StaleEditError
from actions.models import Plan
from actions.permissions import WRITING_ROLES, require_reader, user_roles
from actions.services import (
    UpdatesRefused,
    progress_update_save_draft,
    progress_update_submit,
    progress_updates_submit_together,
)
from actions.views import initial_update, update_form_parts
from sendplan.forms import add_service_errors, carry_current_version, form_status

# The walk's buttons besides "Save and next" (the form's first, so Enter in a field saves and moves on).
SKIP_BUTTON = "skip"


def _lead_round(request, slug) -> selectors.LeadRound:
    """The reader's round in the plan: only people who update actions have one (403 for the roles that read)."""
    require_reader(request.user)
    if not user_roles(request.user) & WRITING_ROLES:
        raise PermissionDenied("Your role can read this plan but not change it.")
    plan = get_object_or_404(Plan, slug=slug)
    return selectors.lead_round(
        request.user,
        plan,
        skipped=selectors.walk_ids(request.GET.get("skipped", "")),
        drafted=selectors.walk_ids(request.GET.get("drafted", "")),
    )


def _walk_url(name: str, plan: Plan, state: dict) -> str:
    url = reverse(name, args=[plan.slug])
    return f"{url}?{urlencode(state)}" if state else url


def _no_round(request, lead_round):
    return render(request, "actions/round_none.html", {"plan": lead_round.plan})


def _save(form, *, draft: bool, by, keep: dict | None = None):
    """Save a valid update form through the service its button asks for. `keep`: what the form does not show but the
    update must keep (a draft's evidence and co-production, on the one-page form)."""
    data = {**form.cleaned_data, **(keep or {})}
    expected_version = data.pop("version")
    save = progress_update_save_draft if draft else progress_update_submit
    return save(action=form.action, period=form.period, by=by, expected_version=expected_version, **data)


@require_http_methods(["GET", "POST"])
def lead_round_walk(request, slug):
    """One action of the round at a time, the first still needing an update that the lead has not moved past."""
    lead_round = _lead_round(request, slug)
    period = lead_round.period
    if period is None:
        return _no_round(request, lead_round)
    stale = None
    if request.method == "POST":
        # Any of the round's actions may be posted (a second tab may still show one submitted since); anything
        # else, another lead's action or no action at all, is missing as far as this lead is concerned.
        action = lead_round.find(request.POST.get("action", ""))
        if action is None:
            raise Http404("That action is not in your round.")
        if SKIP_BUTTON in request.POST:
            return redirect(_walk_url("lead-round", lead_round.plan, lead_round.state(skip=action.pk)))
        draft = ProgressUpdateForm.DRAFT_BUTTON in request.POST
        form = ProgressUpdateForm(request.POST, action=action, period=period, draft=draft)
        existing = selectors.open_period_updates([action], period).get(action.pk)
        parts = update_form_parts(request, action=action, update=existing)
        # Every part is checked (not only up to the first problem), so the page shows every error at once.
        if all([form.is_valid(), *[part.is_valid() for part in parts]]):
            try:
                with transaction.atomic():
                    update = _save(form, draft=draft, by=request.user)
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
                        request, f"Draft of {action.ref} saved. It counts nowhere until you submit it.{attached}"
                    )
                    state = lead_round.state(draft=action.pk)
                else:
                    messages.success(request, _saved_message(action, period, form.cleaned_data["rag"]) + attached)
                    state = lead_round.state(done=action.pk)
                return redirect(_walk_url("lead-round", lead_round.plan, state))
    else:
        remaining = lead_round.remaining
        if not remaining:
            return redirect(_walk_url("lead-round-summary", lead_round.plan, lead_round.state()))
        action = remaining[0]
        existing = selectors.open_period_updates([action], period).get(action.pk)
        form = ProgressUpdateForm(initial=_round_initial(action, existing), action=action, period=period)
        parts = update_form_parts(request, action=action, update=existing)
    context = {
        "round": lead_round,
        "action": action,
        "period": period,
        "form": form,
        "stale": stale,
        "previous": selectors.previous_update(action, period),
        "draft": existing if existing is not None and existing.is_draft else None,
        # A submitted update (from another tab, or another lead) is revised by submitting again, never drafted.
        "can_save_draft": existing is None or existing.is_draft,
        "state": urlencode(lead_round.state()),
        "skip_button": SKIP_BUTTON,
        "parts": parts,
    }
    status = form_status(form, stale, parts)
    return render(request, "actions/round_walk.html", context, status=status)


def _round_initial(action, existing) -> dict:
    """The update form as the lead left it (a draft), or else starting from the action as it stands: its stage and
    percentage, as on the update form, and its current rating too, so a lead whose rating holds confirms it with the
    progress rather than choosing it again. A new rating still needs its progress (the rules are the form's)."""
    initial = initial_update(action, existing)
    if existing is None and action.area.plan.publishes_ratings:
        initial["rag"] = action.current_rag
    return initial


def _saved_message(action, period, rag: str) -> str:
    if rag:
        return f"Update for {period.name} saved: {action.ref} is now {rag.title()}."
    return f"Progress entry for {period.name} on {action.ref} saved."


@require_GET
def lead_round_summary(request, slug):
    """What the lead's round came to: submitted, saved as drafts, skipped, and what is left."""
    lead_round = _lead_round(request, slug)
    if lead_round.period is None:
        return _no_round(request, lead_round)
    context = {
        "round": lead_round,
        "period": lead_round.period,
        "walk_url": _walk_url("lead-round", lead_round.plan, lead_round.state()),
        # Going round again: the skipped actions come back; the drafts stay set aside.
        "again_url": _walk_url("lead-round", lead_round.plan, {"drafted": ",".join(map(str, lead_round.drafted))})
        if lead_round.drafted
        else reverse("lead-round", args=[lead_round.plan.slug]),
    }
    return render(request, "actions/round_summary.html", context)


@require_http_methods(["GET", "POST"])
def lead_round_all(request, slug):
    """Every action of the round that still needs an update, in one table: the rows changed are checked each by the
    update form's rules and submitted together, all or none; the rows left as they were are not saved."""
    lead_round = _lead_round(request, slug)
    period = lead_round.period
    if period is None:
        return _no_round(request, lead_round)
    actions = lead_round.needing_update
    existing = selectors.open_period_updates(actions, period)
    previous = selectors.previous_ratings(actions, period) if request.method == "POST" else {}
    rows = [
        RoundRowForm(
            request.POST if request.method == "POST" else None,
            action=action,
            period=period,
            prefix=f"a{action.pk}",
            initial=_round_initial(action, existing.get(action.pk)),
            previous_rag=previous.get(action.pk),
        )
        for action in actions
    ]
    top_error, stale_rows = "", {}
    if request.method == "POST":
        # A row left as it was shown is not an update, nor is a row the page did not have (an action that needs an
        # update since it was loaded): each is shown again as it is, unchecked.
        rows = [
            row if row.add_prefix("version") in request.POST and row.has_changed() else _unbound(row) for row in rows
        ]
        changed = [row for row in rows if row.is_bound]
        if not changed:
            top_error = "Give at least one update: change the rating, stage, percentage or text of an action."
        elif all(row.is_valid() for row in changed):
            updates = [{**_row_fields(row), **_kept_from_draft(existing.get(row.action.pk))} for row in changed]
            try:
                progress_updates_submit_together(period=period, updates=updates, by=request.user)
            except UpdatesRefused as refused:
                stale_rows = _show_refusals(rows, refused)
            except IntegrityError:
                # A rule only the database knew (the rows skip full_clean): refused whole, with the rows as typed.
                top_error = (
                    "These updates could not be saved together, so none was saved. Check each row and submit "
                    "again, or give the updates one at a time."
                )
            else:
                count = len(changed)
                messages.success(request, f"{count} update{pluralize(count)} for {period.name} submitted.")
                return redirect(_walk_url("lead-round-summary", lead_round.plan, {}))
    errors = [
        (anchor, f"{row.action.ref}: {message}") for row in rows if row.is_bound for anchor, message in row.row_errors
    ]
    if top_error:
        errors.insert(0, ("", top_error))
    status = 409 if stale_rows else (400 if errors else 200)
    context = {
        "round": lead_round,
        "period": period,
        "rows": [(row, existing.get(row.action.pk), stale_rows.get(row.action.pk)) for row in rows],
        "errors": errors,
        "publishes_ratings": lead_round.plan.publishes_ratings,
    }
    return render(request, "actions/round_all.html", context, status=status)


def _unbound(row: RoundRowForm) -> RoundRowForm:
    return RoundRowForm(
        action=row.action, period=row.period, prefix=row.prefix, initial=row.initial, previous_rag=row.previous_rag
    )


def _row_fields(row: RoundRowForm) -> dict:
    """A valid row as progress_update_submit's arguments (the service refuses before it changes any action)."""
    data = dict(row.cleaned_data)
    return {"action": row.action, "expected_version": data.pop("version"), **data}


def _kept_from_draft(update) -> dict:
    """What a draft holds that the one-page form does not show (evidence, co-production): submitted with it."""
    if update is None or not update.is_draft:
        return {}
    return {
        "evidence": update.evidence,
        "coproduction_level": update.draft_coproduction_level or None,
        "coproduction_evidence": update.draft_coproduction_evidence or None,
    }


def _show_refusals(rows: list[RoundRowForm], refused: UpdatesRefused) -> dict[int, StaleEditError]:
    """Put each refusal beside its row: a broken rule on its fields, a stale row as its own message (who changed
    what), with the version saved now so that submitting again saves it. Returns the stale rows."""
    stale_rows = {}
    for row in rows:
        error = refused.refusals.get(row.action.pk)
        if isinstance(error, StaleEditError):
            stale_rows[row.action.pk] = error
            carry_current_version(row, error)
            row.add_error(None, error.message)
        elif error is not None:
            add_service_errors(row, error)
    return stale_rows
