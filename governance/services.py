"""Every write in governance: reporting rounds, challenges to ratings, co-production comments and board packs."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.locking import claim_version, save_versioned
from actions.models import Action, ProgressUpdate, Rag, ReportingPeriod
from actions.permissions import user_officer
from actions.services import progress_update_submit
from boards.models import BoardPack, Meeting
from governance.models import Challenge, CoproductionComment
from governance.selectors import latest_update


def round_open_errors(*, period: ReportingPeriod, deadline: date | None) -> dict[str, str]:
    errors = {}
    if period.status == ReportingPeriod.Status.OPEN:
        errors["period"] = f"{period.name} is already open for updates."
    if deadline is None:
        errors["deadline"] = "Enter the date updates are due."
    elif deadline < period.start:
        errors["deadline"] = f"The deadline must be on or after the start of {period.name} ({period.start:%-d %B %Y})."
    return errors


@transaction.atomic
def round_open(*, period: ReportingPeriod, deadline: date | None, by, expected_version: int) -> ReportingPeriod:
    """Open `period` for updates with a deadline. The plan's round that was open closes: one open round per plan,
    so every lead is asked about the same term."""
    errors = round_open_errors(period=period, deadline=deadline)
    if errors:
        raise ValidationError(errors)
    for previous in ReportingPeriod.objects.select_for_update().filter(
        plan_id=period.plan_id, status=ReportingPeriod.Status.OPEN
    ):
        previous.status = ReportingPeriod.Status.CLOSED
        save_versioned(previous, expected_version=previous.version, by=by)
    period.status = ReportingPeriod.Status.OPEN
    period.update_deadline = deadline
    save_versioned(period, expected_version=expected_version, by=by)
    return period


@transaction.atomic
def round_close(*, period: ReportingPeriod, by, expected_version: int) -> ReportingPeriod:
    if period.status != ReportingPeriod.Status.OPEN:
        raise ValidationError({"period": f"{period.name} is not open, so it cannot be closed."})
    period.status = ReportingPeriod.Status.CLOSED
    save_versioned(period, expected_version=expected_version, by=by)
    return period


@transaction.atomic
def challenge_raise(*, action: Action, text: str, by, officer=None, at: datetime | None = None) -> Challenge:
    """Challenge the action's current rating (its latest update's)."""
    update = latest_update(action)
    errors = {}
    if update is None:
        errors["text"] = f"Action {action.ref} has not been rated yet, so there is no rating to challenge."
    if not text.strip():
        errors["text"] = "Say why the rating does not look right: what evidence is missing or points the other way."
    if errors:
        raise ValidationError(errors)
    when = at or timezone.now()
    challenge = Challenge(
        action=action,
        progress_update=update,
        period=update.period,
        challenged_rag=update.rag,
        text=text.strip(),
        raised_by=by,
        raised_by_officer=officer or user_officer(by),
        raised_at=when,
        updated_at=when,
    )
    challenge._history_date = when
    save_versioned(challenge, expected_version=1, by=by)
    return challenge


def challenge_response_errors(
    *, challenge: Challenge, resolution: str, response: str, new_rag: str, open_period: ReportingPeriod | None
) -> dict[str, str]:
    errors = {}
    if challenge.status != Challenge.Status.OPEN:
        errors["resolution"] = "This challenge has already been answered."
    if resolution not in Challenge.Resolution.values:
        errors["resolution"] = "Choose whether you accept the challenge and change the rating, or explain it."
    if not response.strip():
        errors["response"] = (
            "Say what changed the rating."
            if resolution == Challenge.Resolution.ACCEPTED
            else "Explain the evidence that supports the rating."
        )
    if resolution == Challenge.Resolution.ACCEPTED:
        if new_rag not in Rag.values:
            errors["new_rag"] = "Choose the new rating."
        elif new_rag == challenge.challenged_rag:
            errors["new_rag"] = f"The rating is already {Rag(new_rag).label}; choose a different one, or explain it."
        if open_period is None:
            errors["resolution"] = (
                "No reporting round is open, so the rating cannot change now. Explain it, or answer when the next "
                "round opens."
            )
    return errors


@transaction.atomic
def challenge_respond(
    *,
    challenge: Challenge,
    resolution: str,
    response: str,
    by,
    expected_version: int,
    new_rag: str = "",
    recovery_note: str = "",
    at: datetime | None = None,
) -> Challenge:
    """The lead answers: accept (the new rating is recorded in the open round, through the progress rules) or
    explain why the rating stands. Either resolves the challenge; the board sees both."""
    action = challenge.action
    open_period = action.area.plan.periods.filter(status=ReportingPeriod.Status.OPEN).first()
    errors = challenge_response_errors(
        challenge=challenge, resolution=resolution, response=response, new_rag=new_rag, open_period=open_period
    )
    if errors:
        raise ValidationError(errors)
    when = at or timezone.now()
    claim_version(challenge, expected_version=expected_version)
    if resolution == Challenge.Resolution.ACCEPTED:
        revising = ProgressUpdate.objects.filter(action=action, period=open_period).first()
        try:
            progress_update_submit(
                action=action,
                period=open_period,
                rag=new_rag,
                recovery_note=recovery_note,
                **_accepted_update_fields(revising, challenge.progress_update, response),
                by=by,
                expected_version=Action.objects.values_list("version", flat=True).get(pk=action.pk),
                submitted_at=when,
            )
        except ValidationError as error:
            # The progress rules speak of the update form's fields; here the rating is `new_rag`.
            messages = error.message_dict
            raise ValidationError(
                {("new_rag" if field == "rag" else field): texts for field, texts in messages.items()}
            ) from None
    challenge.status = Challenge.Status.RESOLVED
    challenge.resolution = resolution
    challenge.response = response.strip()
    challenge.new_rag = new_rag if resolution == Challenge.Resolution.ACCEPTED else ""
    challenge.responded_by = by
    challenge.responded_by_officer = user_officer(by)
    challenge.responded_at = when
    challenge.updated_at = when
    challenge._history_user, challenge._history_date = by, when
    challenge.full_clean()
    challenge.save()
    return challenge


def _accepted_update_fields(revising: ProgressUpdate | None, challenged: ProgressUpdate | None, response: str) -> dict:
    """What the update recording an accepted challenge says besides its rating. Revising this round's submitted
    update keeps its narrative; a new round's update starts from the response and the challenged update. A draft in
    the round is the lead's latest words for it: it is submitted (with its co-production), its blanks filled as a
    new round's update's."""
    if revising is not None and not revising.is_draft:
        sources, progress = [revising], revising.progress
    else:
        sources = [update for update in (revising, challenged) if update is not None]
        progress = (revising.progress if revising else "") or response

    def first(name: str, blank):
        return next((getattr(update, name) for update in sources if getattr(update, name)), blank)

    fields = {
        "progress": progress,
        "impact": first("impact", ""),
        "completion_date": first("completion_date", None),
        "evidence": first("evidence", ""),
    }
    if revising is not None and revising.is_draft:
        fields.update(
            coproduction_level=revising.draft_coproduction_level,
            coproduction_evidence=revising.draft_coproduction_evidence,
        )
    return fields


@transaction.atomic
def comment_record(
    *,
    action: Action,
    text: str,
    by,
    progress_update: ProgressUpdate | None = None,
    publishable: bool = False,
    at: datetime | None = None,
) -> CoproductionComment:
    if not text.strip():
        raise ValidationError({"text": "Write the comment: what families and the forum said about this action."})
    if progress_update is not None and progress_update.action_id != action.pk:
        raise ValidationError({"progress_update": "That update belongs to another action."})
    if progress_update is not None and progress_update.is_draft:
        # A draft is the leads' own until it is submitted; the forum comments on what was reported.
        raise ValidationError({"progress_update": "That update has not been submitted yet."})
    when = at or timezone.now()
    comment = CoproductionComment(
        action=action,
        progress_update=progress_update,
        text=text.strip(),
        publishable=publishable,
        author=by,
        author_officer=user_officer(by),
        created_at=when,
        updated_at=when,
    )
    comment._history_date = when
    save_versioned(comment, expected_version=1, by=by)
    return comment


@transaction.atomic
def comment_respond(
    *, comment: CoproductionComment, response: str, by, expected_version: int, at: datetime | None = None
) -> CoproductionComment:
    """The lead's "we did": what changed because of what the forum said. `at` lets the demo record past answers."""
    if not response.strip():
        raise ValidationError({"response": "Say what was done because of this comment."})
    comment.response = response.strip()
    comment.responded_by = by
    comment.responded_at = at or timezone.now()
    if at is not None:
        comment._history_date = at  # So the termly report, read as at the term's end, has the answer.
    save_versioned(comment, expected_version=expected_version, by=by)
    return comment


def board_pack_produce(*, meeting: Meeting, by, progress=None) -> BoardPack:
    """Render the meeting's board pack (PDF and HTML twin, from the same content) and store it, replacing the one
    before. Runs in a background job (governance/tasks.py): WeasyPrint takes seconds."""
    from governance.board_pack import pack_content, render_pack_body, render_pack_pdf

    content = pack_content(meeting)
    html = render_pack_body(content)
    pdf = render_pack_pdf(content, progress=progress)
    pack, _ = BoardPack.objects.update_or_create(
        meeting=meeting,
        defaults={"html": html, "pdf": pdf, "as_at": content.as_at, "produced_at": timezone.now(), "produced_by": by},
    )
    return pack
