"""A draft progress update counts nowhere until it is submitted: not in reporting rounds, the dashboard (now or as
at a past date), challenges, co-production comments, reminders, exports or imports."""

import io
from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, AreaOfWeakness, Officer, Plan, ProgressUpdate, ReportingPeriod
from actions.services import progress_update_save_draft, progress_update_submit
from governance import selectors
from governance.dashboard import plan_dashboard
from governance.models import Challenge
from governance.reminders import reminders_due, reminders_send
from governance.services import challenge_raise, challenge_respond, comment_record
from sendplan.timezones import end_of_day
from workbooks import exporter
from workbooks.importer import import_workbook


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def draft(world, action, *, by=None, **fields):
    action.refresh_from_db()
    return progress_update_save_draft(
        action=action, period=world.period, by=by or world.alice, expected_version=action.version, **fields
    )


def submit(world, action, *, by=None, rag="amber", **fields):
    action.refresh_from_db()
    fields.setdefault("progress", f"Progress on {action.ref}")
    return progress_update_submit(
        action=action, period=world.period, rag=rag, by=by or world.alice, expected_version=action.version, **fields
    )


def rated_in_autumn(world, action, rag="green"):
    """A submitted update in the closed period, as the current rating."""
    update = ProgressUpdate.objects.create(
        action=action,
        period=world.closed_period,
        rag=rag,
        progress="Panel running.",
        impact="Families hear sooner.",
        evidence="Board minutes, December",
    )
    Action.objects.filter(pk=action.pk).update(current_rag=rag)
    return update


# --- reporting rounds ----------------------------------------------------------------------------------------------


def test_a_draft_is_not_an_update_in_the_round(client, world):
    draft(world, world.alice_action, rag="amber")
    submit(world, world.bob_action, by=world.bob)
    page = selectors.round_page(world.period)
    assert (page.overall.done, page.overall.total, page.overall.drafted) == (1, 4, 1)
    assert world.alice_action in page.overall.missing
    alice = next(t for t in page.by_lead if t.label == "Head of SEND (Alice Moreno)")
    assert (alice.done, alice.drafted) == (0, 1)
    assert {row.period.name: row.updates for row in selectors.round_list(world.plan)} == {
        "Spring 2026": 1,
        "Autumn 2025": 0,
    }

    url = reverse("round-detail", args=[world.period.pk])
    client.force_login(world.manager)  # who chases the round, and may update every action
    html = client.get(url).content.decode()
    assert "1.1</a> (draft saved)" in html
    assert "1 has a draft saved that is not yet submitted" in html
    client.force_login(world.chair)
    assert "draft" not in client.get(url).content.decode().lower()


# --- the board chair's dashboard -----------------------------------------------------------------------------------


def test_the_dashboard_counts_no_draft_now_or_as_at_a_past_date(world):
    # The world was set up on 1 September 2025, before the story begins.
    for model in (Action, AreaOfWeakness, ReportingPeriod, Plan, Officer):
        model.history.update(history_date=at(date(2025, 9, 1), 9))
    draft(world, world.alice_action, rag="green", progress="Draft words", submitted_at=at(date(2026, 1, 10)))

    def ratings(board) -> dict:
        return {code or "unrated": n for code, _, n in board.totals if n}

    now = plan_dashboard(world.plan)
    assert ratings(now) == {"unrated": 4}
    assert (now.round.done, now.newly_rated) == (0, [])
    submit(
        world,
        world.alice_action,
        rag="green",
        progress="Final words",
        impact="Families hear sooner.",
        submitted_at=at(date(2026, 1, 20)),
    )
    while_a_draft = plan_dashboard(world.plan, as_at=end_of_day(date(2026, 1, 15)))
    assert ratings(while_a_draft) == {"unrated": 4}
    assert while_a_draft.round.done == 0
    after = plan_dashboard(world.plan, as_at=end_of_day(date(2026, 1, 21)))
    assert ratings(after) == {"green": 1, "unrated": 3}
    assert after.round.done == 1
    assert [move.action.ref for move in plan_dashboard(world.plan).newly_rated] == ["1.1"]


# --- challenges and co-production comments -------------------------------------------------------------------------


def test_a_draft_is_not_the_rating_challenged_nor_an_update_to_comment_on(client, world):
    autumn = rated_in_autumn(world, world.alice_action)
    draft(world, world.alice_action, rag="red", progress="Draft words")
    assert selectors.latest_update(world.alice_action) == autumn
    challenge = challenge_raise(action=world.alice_action, text="The 20-week figure fell.", by=world.member)
    assert (challenge.progress_update, challenge.challenged_rag) == (autumn, "green")

    drafted = ProgressUpdate.objects.get(action=world.alice_action, period=world.period)
    with pytest.raises(ValidationError) as raised:
        comment_record(action=world.alice_action, text="Families say...", by=world.pcf, progress_update=drafted)
    assert "not been submitted" in raised.value.message_dict["progress_update"][0]
    client.force_login(world.pcf)
    form = client.get(reverse("comment-new", args=[world.alice_action.pk])).context["form"]
    assert [value for value, _ in form.fields["progress_update"].choices] == ["", autumn.pk]


def test_accepting_a_challenge_submits_the_leads_draft_with_the_new_rating(world):
    rated_in_autumn(world, world.alice_action)
    draft(world, world.alice_action, rag="", progress="Draft progress words", coproduction_level="involved")
    challenge = challenge_raise(action=world.alice_action, text="The 20-week figure fell.", by=world.member)
    challenge_respond(
        challenge=challenge,
        resolution=Challenge.Resolution.ACCEPTED,
        response="Agreed: it is Amber until the figures recover.",
        new_rag="amber",
        by=world.alice,
        expected_version=challenge.version,
    )
    update = ProgressUpdate.objects.get(action=world.alice_action, period=world.period)
    world.alice_action.refresh_from_db()
    assert (update.status, update.rag, update.progress) == ("submitted", "amber", "Draft progress words")
    # The draft's blanks are filled from the challenged update, as a new round's update would be.
    assert (update.impact, update.evidence) == ("Families hear sooner.", "Board minutes, December")
    assert (world.alice_action.current_rag, world.alice_action.coproduction_level) == ("amber", "involved")


# --- reminders -----------------------------------------------------------------------------------------------------


def test_a_draft_is_still_an_update_due_and_the_leads_digest_says_it_is_saved(world, mailoutbox):
    world.head_of_send.email = "alice@riverside.example"
    world.head_of_send.save()
    draft(world, world.alice_action, rag="amber")
    digest = next(d for d in reminders_due(date(2026, 4, 10)).digests if d.officer == world.head_of_send)
    assert [(item.action.ref, item.draft_saved) for item in digest.updates_due] == [("1.1", True), ("1.3", False)]
    reminders_send(today=date(2026, 4, 10))
    [message] = mailoutbox
    assert message.body.count("A draft is saved: submit it to count it.") == 1


# --- workbooks -----------------------------------------------------------------------------------------------------


def test_drafts_are_not_exported(world):
    submit(world, world.bob_action, by=world.bob)
    draft(world, world.alice_action, rag="green", progress="Draft words")
    sheets = exporter.plan_rows(world.plan)
    assert [row[0] for row in sheets["Updates"][1:]] == ["1.2"]
    assert "Draft words" not in repr(sheets)
    assert "Draft words" not in exporter.export_json(world.plan)


def test_an_imported_update_is_submitted_in_place_of_a_draft_that_says_the_same(world):
    submit(world, world.alice_action, progress="Panel started")
    workbook = exporter.export_workbook(world.plan)
    ProgressUpdate.objects.filter(action=world.alice_action).delete()
    Action.objects.filter(pk=world.alice_action.pk).update(current_rag="")
    draft(world, world.alice_action, rag="amber", progress="Panel started")
    result = import_workbook(io.BytesIO(workbook), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    update = ProgressUpdate.objects.get(action=world.alice_action, period=world.period)
    world.alice_action.refresh_from_db()
    assert (update.status, update.rag) == ("submitted", "amber")
    assert world.alice_action.current_rag == "amber"
