"""The lead's round: the walk through the actions still needing an update, its summary, and the one-page form."""

from datetime import date

import pytest
from django.urls import reverse

from actions.models import Action, ProgressUpdate
from actions.services import progress_update_save_draft, progress_update_submit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, world):
    client.force_login(world.alice)
    return client


def walk_url(world, query=""):
    return reverse("lead-round", args=[world.plan.slug]) + (f"?{query}" if query else "")


def all_url(world):
    return reverse("lead-round-all", args=[world.plan.slug])


def fresh(action):
    return Action.objects.get(pk=action.pk)


def amber(action, **extra):
    return {"action": str(action.pk), "rag": "amber", "progress": "Panel running.", "version": str(action.version)} | (
        extra
    )


def test_the_walk_starts_with_the_overdue_action_and_counts_what_is_done(alice, world):
    # 1.3 is overdue, so it comes before 1.1 whatever the order of areas.
    Action.objects.filter(pk=world.shared_action.pk).update(due_date=date(2025, 10, 1))
    response = alice.get(walk_url(world))
    assert response.status_code == 200
    assert response.context["action"] == world.shared_action
    assert "0 of 2 done" in response.content.decode()
    assert response.context["previous"] is None


def test_save_and_next_submits_and_moves_on(alice, world):
    first = alice.get(walk_url(world)).context["action"]
    response = alice.post(walk_url(world), amber(first))
    assert response.status_code == 302
    assert response["Location"] == walk_url(world)
    assert ProgressUpdate.objects.get(action=first, period=world.period).status == "submitted"
    page = alice.get(walk_url(world))
    assert page.context["action"] != first
    assert "1 of 2 done" in page.content.decode()


def test_save_as_draft_and_next_and_skip_are_remembered_in_the_address(alice, world):
    first = alice.get(walk_url(world)).context["action"]
    response = alice.post(walk_url(world), amber(first, rag="", save_draft="1"))
    assert response.status_code == 302
    assert response["Location"] == walk_url(world, f"drafted={first.pk}")
    assert ProgressUpdate.objects.get(action=first, period=world.period).is_draft
    second = alice.get(response["Location"]).context["action"]
    assert second != first
    skipped = alice.post(response["Location"], {"action": str(second.pk), "skip": "1"})
    assert skipped["Location"] == walk_url(world, f"skipped={second.pk}&drafted={first.pk}")
    assert not ProgressUpdate.objects.filter(action=second).exists()
    # Nothing left to walk: the summary says what happened to each.
    summary = alice.get(skipped["Location"], follow=True)
    assert summary.redirect_chain[-1][0].startswith(reverse("lead-round-summary", args=[world.plan.slug]))
    round_ = summary.context["round"]
    assert (round_.saved_as_draft, round_.skipped_actions, round_.submitted) == ([first], [second], [])


def test_a_broken_rule_is_shown_beside_the_field_and_keeps_what_was_typed(alice, world):
    first = alice.get(walk_url(world)).context["action"]
    response = alice.post(walk_url(world), amber(first, rag="red", progress="Caseworkers did not start."))
    assert response.status_code == 400
    assert "Say what will bring this action back on track" in response.content.decode()
    assert "Caseworkers did not start." in response.content.decode()
    assert not ProgressUpdate.objects.filter(action=first).exists()


def test_a_stale_update_is_refused_with_who_changed_what_and_can_still_be_saved(alice, world):
    action = world.shared_action
    version = action.version
    progress_update_submit(
        action=fresh(action), period=world.period, rag="amber", progress="Bob's audit.", by=world.bob,
        expected_version=version,
    )  # fmt: skip
    response = alice.post(walk_url(world), amber(action, version=str(version), progress="Alice's view."))
    assert response.status_code == 409
    text = response.content.decode()
    assert "Designated Clinical Officer (Bob Hale) changed" in text
    assert "Alice&#x27;s view." in text or "Alice's view." in text
    again = alice.post(walk_url(world), amber(action, version=str(response.context["form"]["version"].value())))
    assert again.status_code == 302
    assert ProgressUpdate.objects.get(action=action, period=world.period).progress == "Panel running."


@pytest.mark.parametrize(
    "data",
    [
        {},  # no action at all
        {"action": "not-a-number", "rag": "amber"},
        {"action": "99999999", "rag": "amber"},
        {"action": "²", "rag": "amber"},
    ],
)
def test_an_action_outside_the_round_is_missing(alice, world, data):
    assert alice.post(walk_url(world), data).status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_another_leads_action_is_missing_and_unchanged(alice, world):
    response = alice.post(walk_url(world), amber(world.bob_action))
    assert response.status_code == 404
    assert not ProgressUpdate.objects.filter(action=world.bob_action).exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"rag": "purple"},
        {"version": "x"},
        {"percent_complete": "999"},
        {"percent_complete": "ten"},
        {"completion_date_0": "40", "completion_date_1": "13", "completion_date_2": "2026"},
        {"stage": "finished"},
    ],
)
def test_malformed_input_is_refused_with_the_form_shown_again(alice, world, bad):
    response = alice.post(walk_url(world), amber(world.alice_action) | bad)
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("query", ["skipped=abc,,-1,99999999999999", "drafted=%00&skipped=" + ",".join(["7"] * 3000)])
def test_a_hand_made_walk_address_is_ignored_where_it_makes_no_sense(alice, world, query):
    assert alice.get(walk_url(world, query)).status_code == 200


def test_read_only_roles_have_no_round_and_a_closed_round_says_so(client, world):
    client.force_login(world.chair)
    assert client.get(walk_url(world)).status_code == 403
    client.force_login(world.alice)
    world.period.status = "closed"
    world.period.save()
    response = client.get(walk_url(world))
    assert response.status_code == 200
    assert "No round is open" in response.content.decode()


def test_the_programme_manager_walks_every_action_of_the_plan(client, world):
    client.force_login(world.manager)
    response = client.get(walk_url(world))
    assert len(response.context["round"].actions) == 4


def test_my_actions_offers_the_round_hides_completed_actions_and_puts_overdue_first(alice, world):
    area2 = factories.make_area(world.plan, "2", "Joint commissioning")
    overdue = factories.make_action(area2, "2.1", [world.head_of_send], due_date=date(2025, 10, 1))
    done = factories.make_action(area2, "2.2", [world.head_of_send], status=Action.Status.COMPLETED,
                                 completed_on=date(2025, 11, 1))  # fmt: skip
    response = alice.get(reverse("my-actions"))
    text = response.content.decode()
    assert "Update my actions for Spring 2026" in text
    assert "Show completed actions (1)" in text
    groups = response.context["mine"].groups
    assert groups[0].area is None and groups[0].actions == [overdue]
    assert done not in [a for g in groups for a in g.actions]
    shown = alice.get(reverse("my-actions") + "?completed=1")
    assert done in [a for g in shown.context["mine"].groups for a in g.actions]
    assert "Hide completed actions (1)" in shown.content.decode()


def row(action, **fields):
    return {f"a{action.pk}-{name}": value for name, value in fields.items()}


def unchanged(action):
    """A row exactly as the page shows it."""
    return row(action, version=str(action.version), rag="", stage="", percent_complete="", progress="", impact="",
               recovery_note="", completion_date_0="", completion_date_1="", completion_date_2="")  # fmt: skip


def test_the_one_page_form_refuses_every_row_when_one_is_wrong_then_saves_them_all(alice, world):
    page = alice.get(all_url(world))
    assert page.status_code == 200
    assert [r[0].action for r in page.context["rows"]] == [world.alice_action, world.shared_action]
    good = unchanged(world.alice_action) | row(world.alice_action, rag="amber", progress="Panel weekly.")
    bad = unchanged(world.shared_action) | row(world.shared_action, rag="red", progress="Stalled.", impact="Typed")
    response = alice.post(all_url(world), good | bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert f'href="#id_a{world.shared_action.pk}-recovery_note"' in text
    assert "1.3: Say what will bring this action back on track" in text
    assert "Panel weekly." in text and "Stalled." in text and "Typed" in text
    assert not ProgressUpdate.objects.exists()

    fixed = bad | row(world.shared_action, recovery_note="New staff in May.")
    response = alice.post(all_url(world), good | fixed)
    assert response.status_code == 302
    assert {u.action_id: u.rag for u in ProgressUpdate.objects.all()} == {
        world.alice_action.pk: "amber",
        world.shared_action.pk: "red",
    }


def test_rows_left_as_they_were_are_not_saved_and_an_untouched_page_says_so(alice, world):
    response = alice.post(all_url(world), unchanged(world.alice_action) | unchanged(world.shared_action))
    assert response.status_code == 400
    assert "Give at least one update" in response.content.decode()
    one = unchanged(world.alice_action) | row(world.alice_action, rag="white", progress="Not started yet.")
    assert alice.post(all_url(world), one | unchanged(world.shared_action)).status_code == 302
    assert list(ProgressUpdate.objects.values_list("action_id", flat=True)) == [world.alice_action.pk]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"a99999-rag": "amber", "a99999-progress": "x"},
        {"a{bob}-rag": "amber", "a{bob}-progress": "Not mine", "a{bob}-version": "1"},
        {"a{alice}-rag": "purple", "a{alice}-version": "1"},
        {"a{alice}-rag": "amber", "a{alice}-progress": "x", "a{alice}-version": "many"},
        {
            "a{alice}-rag": "amber",
            "a{alice}-progress": "x",
            "a{alice}-percent_complete": "1e9",
            "a{alice}-version": "1",
        },
    ],
)
def test_the_one_page_form_refuses_malformed_rows(alice, world, data):
    data = {k.format(bob=world.bob_action.pk, alice=world.alice_action.pk): v for k, v in data.items()}
    response = alice.post(all_url(world), data)
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


def test_a_stale_row_refuses_the_page_and_submitting_again_saves(alice, world):
    action = world.shared_action
    page_version = action.version
    progress_update_save_draft(action=fresh(action), period=world.period, rag="green", progress="Bob's draft",
                               by=world.bob, expected_version=page_version)  # fmt: skip
    data = unchanged(world.alice_action) | row(world.alice_action, rag="amber", progress="Mine.")
    data |= unchanged(action) | row(action, version=str(page_version), rag="amber", progress="Shared.")
    response = alice.post(all_url(world), data)
    assert response.status_code == 409
    assert "Designated Clinical Officer (Bob Hale)" in response.content.decode()
    assert not ProgressUpdate.objects.filter(status="submitted").exists()
    data[f"a{action.pk}-version"] = str(fresh(action).version)
    assert alice.post(all_url(world), data).status_code == 302
    assert ProgressUpdate.objects.filter(status="submitted").count() == 2


def test_a_draft_submitted_from_the_one_page_form_keeps_its_evidence(alice, world):
    action = world.alice_action
    progress_update_save_draft(action=fresh(action), period=world.period, rag="amber", progress="Half done",
                               evidence="Panel minutes", by=world.alice, expected_version=action.version)  # fmt: skip
    action = fresh(action)
    page = alice.get(all_url(world))
    assert "Draft saved" in page.content.decode()
    data = row(action, version=str(action.version), rag="amber", progress="Half done, and more.", stage="",
               percent_complete="", impact="", recovery_note="")  # fmt: skip
    assert alice.post(all_url(world), data | unchanged(world.shared_action)).status_code == 302
    update = ProgressUpdate.objects.get(action=action)
    assert (update.status, update.evidence) == ("submitted", "Panel minutes")


def test_updates_submitted_together_are_recorded_as_one_by_one(alice, world):
    """The one-page form writes many updates at once: each update, action and history row is as a single update
    leaves it, so the History tab, "as at" reads and a later stale edit all see them."""
    from django.apps import apps

    data = unchanged(world.alice_action) | row(world.alice_action, rag="green", progress="Weekly.", impact="Sooner.")
    data |= unchanged(world.shared_action) | row(
        world.shared_action, rag="blue", progress="Done.", impact="Embedded.", completion_date_0="2",
        completion_date_1="3", completion_date_2="2026",
    )  # fmt: skip
    assert alice.post(all_url(world), data).status_code == 302

    delivered = fresh(world.shared_action)
    assert (delivered.status, delivered.stage, delivered.completed_on) == ("completed", "complete", date(2026, 3, 2))
    assert delivered.current_rag == "blue" and delivered.version == world.shared_action.version + 1
    record = delivered.history.order_by("-history_date", "-history_id").first()
    assert (record.version, record.history_user, record.current_rag) == (delivered.version, world.alice, "blue")
    leads = apps.get_model("actions", "HistoricalAction_leads").objects.filter(history_id=record.history_id)
    assert {link.officer_id for link in leads} == {world.head_of_send.pk, world.dco.pk}
    update = ProgressUpdate.objects.get(action=delivered)
    assert (update.submitted_by, update.submitted_by_officer, update.completion_date) == (
        world.alice,
        world.head_of_send,
        date(2026, 3, 2),
    )
    assert update.history.get().history_user == world.alice

    # The action's page and History tab show the update and who gave it.
    page = alice.get(reverse("action-detail", args=[delivered.pk])).content.decode()
    assert "Embedded." in page and "Update for Spring 2026" in page


def test_a_stale_edit_after_the_one_page_form_names_who_saved(alice, client, world):
    data = unchanged(world.shared_action) | row(world.shared_action, rag="amber", progress="Alice: audit planned.")
    assert alice.post(all_url(world), data | unchanged(world.alice_action)).status_code == 302
    client.force_login(world.bob)
    response = client.post(
        walk_url(world),
        amber(world.shared_action, progress="Bob: audit started.", version=str(world.shared_action.version)),
    )
    assert response.status_code == 409
    assert "Head of SEND (Alice Moreno) changed" in response.content.decode()
    assert "Alice: audit planned." in response.content.decode()


def test_a_plan_without_ratings_takes_dated_narrative_in_the_walk_and_on_one_page(alice, world):
    world.plan.publishes_ratings = False
    world.plan.save()
    walk = alice.get(walk_url(world))
    assert walk.status_code == 200 and "rag" not in walk.context["form"].fields
    page = alice.get(all_url(world)).content.decode()
    assert "RAG rating for action" not in page
    data = row(world.alice_action, version=str(world.alice_action.version), progress="Panel set up in March.")
    data |= row(world.alice_action, stage="", percent_complete="", impact="")
    assert alice.post(all_url(world), data).status_code == 302
    entry = ProgressUpdate.objects.get(action=world.alice_action)
    assert (entry.rag, entry.progress, entry.status) == ("", "Panel set up in March.", "submitted")


def test_a_rule_only_the_database_knows_refuses_the_one_page_form_whole_keeping_the_rows(alice, world, monkeypatch):
    """The rows skip full_clean(): should the database refuse them, the lead is told and keeps what they typed."""
    from django.db import IntegrityError

    from actions import round_views

    def refused(**kwargs):
        raise IntegrityError("violates check constraint")

    monkeypatch.setattr(round_views, "progress_updates_submit_together", refused)
    good = unchanged(world.alice_action) | row(world.alice_action, rag="amber", progress="Typed with care.")
    response = alice.post(all_url(world), good | unchanged(world.shared_action))
    assert response.status_code == 400
    text = response.content.decode()
    assert "could not be saved together, so none was saved" in text and "Typed with care." in text
