"""Reporting rounds, challenges to ratings, automatic rating flags and co-production comments."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.locking import StaleEditError
from actions.models import Action, ProgressUpdate, Rag, ReportingPeriod
from actions.services import progress_update_submit
from governance import selectors
from governance.models import Challenge, CoproductionComment
from governance.services import challenge_raise, challenge_respond, comment_record, round_close, round_open
from kpis.models import Milestone
from tests import factories


def rate(world, action, rag, by=None, **fields):
    fields.setdefault("progress", f"Progress on {action.ref}")
    if rag in (Rag.GREEN, Rag.BLUE):
        fields.setdefault("impact", "Families notice the difference.")
    if rag == Rag.RED:
        fields.setdefault("recovery_note", "Extra caseworkers from May.")
    action.refresh_from_db()
    return progress_update_submit(
        action=action,
        period=world.period,
        rag=rag,
        by=by or world.alice,
        expected_version=action.version,
        **fields,
    )


# Reporting rounds


def test_opening_a_round_closes_the_plans_open_one_and_sets_the_deadline(world):
    summer = ReportingPeriod.objects.create(
        plan=world.plan, name="Summer 2026", start=date(2026, 5, 1), end=date(2026, 8, 31)
    )
    round_open(period=summer, deadline=date(2026, 7, 10), by=world.manager, expected_version=summer.version)
    world.period.refresh_from_db()
    summer.refresh_from_db()
    assert (summer.status, summer.update_deadline) == ("open", date(2026, 7, 10))
    assert world.period.status == "closed"
    assert ReportingPeriod.objects.filter(plan=world.plan, status="open").count() == 1
    assert summer.history.first().history_user == world.manager


def test_a_round_needs_a_deadline_on_or_after_its_start_and_cannot_open_twice(world):
    summer = ReportingPeriod.objects.create(
        plan=world.plan, name="Summer 2026", start=date(2026, 5, 1), end=date(2026, 8, 31)
    )
    with pytest.raises(ValidationError) as missing:
        round_open(period=summer, deadline=None, by=world.manager, expected_version=summer.version)
    assert "Enter the date updates are due." in missing.value.message_dict["deadline"]
    with pytest.raises(ValidationError) as early:
        round_open(period=summer, deadline=date(2026, 4, 1), by=world.manager, expected_version=summer.version)
    assert "on or after the start of Summer 2026" in early.value.message_dict["deadline"][0]
    with pytest.raises(ValidationError) as twice:
        round_open(
            period=world.period, deadline=date(2026, 4, 1), by=world.manager, expected_version=world.period.version
        )
    assert "already open" in twice.value.message_dict["period"][0]
    summer.refresh_from_db()
    assert summer.status == "planned"


def test_a_stale_round_change_is_refused(world):
    period = world.period
    stale_version = period.version
    round_close(period=period, by=world.manager, expected_version=stale_version)
    with pytest.raises(StaleEditError):
        round_open(period=period, deadline=date(2026, 4, 20), by=world.manager, expected_version=stale_version)
    period.refresh_from_db()
    assert period.status == "closed"
    with pytest.raises(ValidationError):
        round_close(period=period, by=world.manager, expected_version=period.version)


def test_round_page_counts_updates_by_lead_and_organisation(world):
    rate(world, world.alice_action, Rag.AMBER)
    rate(world, world.shared_action, Rag.GREEN, by=world.bob)
    page = selectors.round_page(world.period)
    assert (page.overall.done, page.overall.total, page.overall.percent) == (2, 4, 50)
    by_lead = {t.label: (t.done, t.total, [a.ref for a in t.missing]) for t in page.by_lead}
    assert by_lead["Head of SEND (Alice Moreno)"] == (2, 2, [])
    assert by_lead["Designated Clinical Officer (Bob Hale)"] == (1, 2, ["1.2"])
    assert by_lead["SEN Casework Manager (Cara Dune)"] == (0, 1, ["1.4"])
    by_org = {t.label: (t.done, t.total) for t in page.by_organisation}
    # Each action counts once per organisation leading it, however many of its officers lead it.
    assert by_org == {"Riverside Council": (2, 3), "Riverside ICB": (1, 2)}
    # Least complete first, so the board reads who is behind at the top.
    assert page.by_lead[0].label == "SEN Casework Manager (Cara Dune)"


def test_an_action_completed_in_the_round_still_counts_as_done(world):
    rate(world, world.alice_action, Rag.BLUE, completion_date=date(2026, 1, 20))
    world.alice_action.refresh_from_db()
    assert world.alice_action.status == Action.Status.COMPLETED
    page = selectors.round_page(world.period)
    assert (page.overall.done, page.overall.total) == (1, 4)


def test_round_pages_for_managers_and_readers(client, world):
    client.force_login(world.member)
    detail = client.get(reverse("round-detail", args=[world.period.pk]))
    assert detail.status_code == 200
    assert b"Close the round" not in detail.content
    client.force_login(world.manager)
    assert b"Close the round" in client.get(reverse("round-detail", args=[world.period.pk])).content
    bad = client.post(
        reverse("round-open", args=[world.closed_period.pk]),
        {"deadline_0": "31", "deadline_1": "2", "deadline_2": "", "version": world.closed_period.version},
    )
    assert bad.status_code == 400
    assert "Updates due by must include a year" in bad.content.decode()
    assert 'value="31"' in bad.content.decode()  # what the manager typed is shown again
    world.closed_period.refresh_from_db()
    assert world.closed_period.status == "closed"


# Challenges


def test_a_challenge_is_to_the_latest_rating(world):
    rate(world, world.alice_action, Rag.GREEN)
    challenge = challenge_raise(action=world.alice_action, text="No evidence of impact yet.", by=world.member)
    assert challenge.challenged_rag == Rag.GREEN
    assert challenge.period == world.period
    assert challenge.status == Challenge.Status.OPEN
    assert challenge.history.first().history_user == world.member


def test_an_unrated_action_cannot_be_challenged_and_a_challenge_needs_reasons(world):
    with pytest.raises(ValidationError) as unrated:
        challenge_raise(action=world.bob_action, text="Too rosy", by=world.member)
    assert "has not been rated yet" in unrated.value.message_dict["text"][0]
    rate(world, world.bob_action, Rag.GREEN, by=world.bob)
    with pytest.raises(ValidationError) as blank:
        challenge_raise(action=world.bob_action, text="  ", by=world.member)
    assert "Say why the rating does not look right" in blank.value.message_dict["text"][0]
    assert not Challenge.objects.exists()


def test_explaining_resolves_the_challenge_and_keeps_the_rating(world):
    rate(world, world.alice_action, Rag.GREEN)
    challenge = challenge_raise(action=world.alice_action, text="Evidence?", by=world.pcf)
    challenge_respond(
        challenge=challenge,
        resolution="explained",
        response="Audit of 40 plans attached.",
        by=world.alice,
        expected_version=challenge.version,
    )
    challenge.refresh_from_db()
    world.alice_action.refresh_from_db()
    assert (challenge.status, challenge.resolution, challenge.new_rag) == ("resolved", "explained", "")
    assert challenge.responded_by_officer == world.head_of_send
    assert world.alice_action.current_rag == Rag.GREEN


def test_accepting_changes_the_rating_in_the_open_round(world):
    rate(world, world.alice_action, Rag.GREEN, progress="Panel running weekly.")
    challenge = challenge_raise(action=world.alice_action, text="Timeliness still 30%.", by=world.member)
    challenge_respond(
        challenge=challenge,
        resolution="accepted",
        new_rag=Rag.AMBER,
        response="Agreed: amber until the data moves.",
        by=world.alice,
        expected_version=challenge.version,
    )
    update = ProgressUpdate.objects.get(action=world.alice_action, period=world.period)
    world.alice_action.refresh_from_db()
    assert update.rag == world.alice_action.current_rag == Rag.AMBER
    assert update.progress == "Panel running weekly."  # the lead's narrative stays
    challenge.refresh_from_db()
    assert (challenge.status, challenge.resolution, challenge.new_rag) == ("resolved", "accepted", "amber")


def test_accepting_to_red_needs_a_recovery_note_and_nothing_is_saved_without_one(world):
    rate(world, world.alice_action, Rag.GREEN)
    challenge = challenge_raise(action=world.alice_action, text="Nothing has happened.", by=world.member)
    with pytest.raises(ValidationError) as error:
        challenge_respond(
            challenge=challenge,
            resolution="accepted",
            new_rag=Rag.RED,
            response="Agreed",
            by=world.alice,
            expected_version=challenge.version,
        )
    assert "recovery_note" in error.value.message_dict
    challenge.refresh_from_db()
    world.alice_action.refresh_from_db()
    assert challenge.status == "open" and challenge.version == 1
    assert world.alice_action.current_rag == Rag.GREEN


def test_accepting_needs_a_different_rating_and_an_open_round(world):
    rate(world, world.alice_action, Rag.GREEN)
    challenge = challenge_raise(action=world.alice_action, text="Too rosy.", by=world.member)
    with pytest.raises(ValidationError) as same:
        challenge_respond(
            challenge=challenge,
            resolution="accepted",
            new_rag=Rag.GREEN,
            response="ok",
            by=world.alice,
            expected_version=challenge.version,
        )
    assert "already Green" in same.value.message_dict["new_rag"][0]
    round_close(period=world.period, by=world.manager, expected_version=world.period.version)
    with pytest.raises(ValidationError) as closed:
        challenge_respond(
            challenge=challenge,
            resolution="accepted",
            new_rag=Rag.AMBER,
            response="ok",
            by=world.alice,
            expected_version=challenge.version,
        )
    assert "No reporting round is open" in closed.value.message_dict["resolution"][0]


def test_a_second_answer_to_the_same_challenge_is_refused_as_stale(world):
    rate(world, world.alice_action, Rag.GREEN)
    challenge = challenge_raise(action=world.alice_action, text="Too rosy.", by=world.member)
    loaded = challenge.version
    challenge_respond(
        challenge=challenge, resolution="explained", response="See audit.", by=world.alice, expected_version=loaded
    )
    again = Challenge.objects.get(pk=challenge.pk)
    again.status = Challenge.Status.OPEN  # as the second tab still shows it
    with pytest.raises(StaleEditError) as stale:
        challenge_respond(
            challenge=again, resolution="explained", response="Mine", by=world.manager, expected_version=loaded
        )
    assert "Alice Moreno" in stale.value.message
    assert Challenge.objects.get(pk=challenge.pk).response == "See audit."


def test_challenge_permissions_are_enforced_on_the_server(client, world):
    rate(world, world.alice_action, Rag.GREEN)
    url = reverse("challenge-new", args=[world.alice_action.pk])
    for user, status in [(world.alice, 403), (world.comms, 403), (world.adviser, 403), (world.manager, 403)]:
        client.force_login(user)
        assert client.post(url, {"text": "Too rosy"}).status_code == status
    assert not Challenge.objects.exists()
    client.force_login(world.pcf)
    assert client.post(url, {"text": "Families do not see this."}).status_code == 302
    challenge = Challenge.objects.get()
    respond = reverse("challenge-respond", args=[challenge.pk])
    data = {"resolution": "explained", "response": "See the audit", "version": challenge.version}
    for user, status in [(world.bob, 404), (world.member, 403), (world.pcf, 403)]:
        client.force_login(user)
        assert client.post(respond, data).status_code == status
    client.force_login(world.alice)
    assert client.post(respond, data).status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == "resolved"


def test_a_response_with_errors_is_shown_again_as_typed(client, world):
    rate(world, world.alice_action, Rag.GREEN)
    challenge = challenge_raise(action=world.alice_action, text="Too rosy.", by=world.member)
    client.force_login(world.alice)
    response = client.post(
        reverse("challenge-respond", args=[challenge.pk]),
        {"resolution": "accepted", "new_rag": "", "response": "We agree, partly", "version": challenge.version},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the new rating." in page
    assert "We agree, partly" in page


def test_open_challenges_wait_on_the_leads_my_actions(client, world):
    rate(world, world.shared_action, Rag.GREEN)
    challenge_raise(action=world.shared_action, text="Too rosy.", by=world.member)
    for user, shown in [(world.alice, True), (world.bob, True), (world.member, False), (world.manager, False)]:
        client.force_login(user)
        page = client.get(reverse("my-actions")).content.decode()
        assert ("Challenges waiting for your answer" in page) is shown, user


def test_green_actions_beside_a_red_kpi_milestone_are_flagged(kpi_world):
    world = kpi_world.world
    rate(world, world.alice_action, Rag.GREEN)
    rate(world, world.bob_action, Rag.AMBER, by=world.bob)
    assert selectors.rating_flags(world.plan) == []
    Milestone.objects.filter(kpi=kpi_world.timeliness, months=3).update(suggested_rag=Rag.RED, rag=Rag.RED)
    flags = selectors.rating_flags(world.plan)
    assert [flag.action.ref for flag in flags] == ["1.1"]
    assert [m.months for m in flags[0].milestones] == [3]
    # A person who rates the milestone Amber (with a reason) clears the flag.
    Milestone.objects.filter(kpi=kpi_world.timeliness, months=3).update(rag=Rag.AMBER, override_reason="New data")
    assert selectors.rating_flags(world.plan) == []
    assert Decimal(kpi_world.timeliness.baseline_value) == Decimal("32.6")


# Co-production comments


def test_pcf_representatives_record_comments_on_actions_and_updates(client, world):
    update = rate(world, world.alice_action, Rag.AMBER)
    url = reverse("comment-new", args=[world.alice_action.pk])
    client.force_login(world.member)
    assert client.post(url, {"text": "Hi"}).status_code == 403
    client.force_login(world.pcf)
    empty = client.post(url, {"text": " ", "progress_update": update.pk})
    assert empty.status_code == 400
    response = client.post(url, {"text": "Parents still wait 30 weeks.", "progress_update": update.pk})
    assert response.status_code == 302
    comment = CoproductionComment.objects.get()
    assert (comment.progress_update, comment.publishable, comment.author) == (update, False, world.pcf)
    client.force_login(world.adviser)
    page = client.get(reverse("action-detail", args=[world.alice_action.pk])).content.decode()
    assert "Parents still wait 30 weeks." in page
    assert "Not for publication" in page


def test_a_comment_cannot_point_at_another_actions_update(world):
    update = rate(world, world.bob_action, Rag.AMBER, by=world.bob)
    with pytest.raises(ValidationError):
        comment_record(action=world.alice_action, text="Hello", progress_update=update, by=world.pcf)


def test_organisations_leading_lists_each_once(world):
    other = factories.make_organisation("Riverside Community NHS Trust", "nhs_trust")
    assert list(selectors.organisations_leading(world.plan).values_list("name", flat=True)) == [
        "Riverside Council",
        "Riverside ICB",
    ]
    assert other.name not in selectors.organisations_leading(world.plan).values_list("name", flat=True)


def test_the_lead_answers_the_forum_with_what_was_done(client, world):
    comment = comment_record(action=world.alice_action, text="Letters are hard to read.", by=world.pcf)
    url = reverse("comment-respond", args=[comment.pk])
    client.force_login(world.bob)
    assert client.post(url, {"response": "Not mine", "version": 1}).status_code == 404
    client.force_login(world.alice)
    blank = client.post(url, {"response": "  ", "version": 1})
    assert blank.status_code == 400
    assert "Say what was done because of this comment." in blank.content.decode()
    assert client.post(url, {"response": "Letters rewritten with the forum.", "version": 1}).status_code == 302
    comment.refresh_from_db()
    assert (comment.response, comment.responded_by, comment.version) == (
        "Letters rewritten with the forum.",
        world.alice,
        2,
    )
    stale = client.post(url, {"response": "Another answer", "version": 1})
    assert stale.status_code == 409
    comment.refresh_from_db()
    assert comment.response == "Letters rewritten with the forum."
