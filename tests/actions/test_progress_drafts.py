"""Draft progress updates: a lead saves unfinished work, which changes nothing on the action, is seen only by those
who may update the action, and becomes the period's update when submitted through the progress rules."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from actions.forms import ProgressUpdateForm
from actions.locking import StaleEditError
from actions.models import Action, ProgressUpdate
from actions.selectors import action_history
from actions.services import previous_rating, progress_update_save_draft, progress_update_submit


def draft(world, action=None, *, by=None, period=None, **fields):
    action = action or world.alice_action
    action.refresh_from_db()
    return progress_update_save_draft(
        action=action,
        period=period or world.period,
        by=by or world.alice,
        expected_version=action.version,
        **fields,
    )


def submit(world, action=None, *, by=None, **fields):
    action = action or world.alice_action
    action.refresh_from_db()
    fields = {"rag": "amber", "progress": "Panel dates agreed with schools.", **fields}
    return progress_update_submit(
        action=action, period=world.period, by=by or world.alice, expected_version=action.version, **fields
    )


# --- the service ---------------------------------------------------------------------------------------------------


def test_a_draft_leaves_the_action_as_it_was(world):
    action = world.alice_action
    Action.objects.filter(pk=action.pk).update(coproduction_level="consulted")
    update = draft(
        world,
        rag="blue",
        progress="Half written",
        coproduction_level="coproduced",
        coproduction_evidence=" The forum co-designed the panel. ",
    )
    action.refresh_from_db()
    assert update.is_draft and update.rag == "blue"
    assert (action.current_rag, action.status, action.completed_on) == ("", Action.Status.OPEN, None)
    assert action.coproduction_level == "consulted"
    # The co-production typed with it waits on the draft.
    assert (update.draft_coproduction_level, update.draft_coproduction_evidence) == (
        "coproduced",
        "The forum co-designed the panel.",
    )
    # It took the action's lock, and the new version has a history row (with no field changed) to diff from.
    assert action.version == 2
    assert action.history.latest().version == 2
    assert update.submitted_by_officer == world.head_of_send


def test_a_draft_may_be_incomplete_but_submitting_applies_the_rules(world):
    draft(world, rag="blue", progress="")  # Blue with no impact and no completion date
    draft(world, world.shared_action, rag="")  # not even a rating yet
    with pytest.raises(ValidationError) as raised:
        submit(world, rag="blue", progress="Done")
    assert {"impact", "completion_date"} <= set(raised.value.message_dict)
    assert ProgressUpdate.objects.get(action=world.alice_action).is_draft


def test_submitting_turns_the_draft_into_the_periods_update(world):
    saved = draft(world, rag="red", progress="Recruitment slipped", coproduction_level="involved")
    update = submit(
        world,
        rag="red",
        progress="Recruitment slipped",
        recovery_note="Agency staff from May; back by July.",
        coproduction_level="involved",
        coproduction_evidence="",
    )
    assert update.pk == saved.pk
    assert ProgressUpdate.objects.filter(action=world.alice_action).count() == 1
    assert update.status == ProgressUpdate.Status.SUBMITTED
    assert (update.draft_coproduction_level, update.draft_coproduction_evidence) == ("", "")
    world.alice_action.refresh_from_db()
    assert (world.alice_action.current_rag, world.alice_action.coproduction_level) == ("red", "involved")


def test_submitting_again_revises_the_submitted_update_as_before(world):
    submit(world, rag="amber")
    submit(world, rag="red", progress="Recruitment failed.", recovery_note="Agency staff from May.")
    update = ProgressUpdate.objects.get(action=world.alice_action)
    assert (update.status, update.rag) == (ProgressUpdate.Status.SUBMITTED, "red")


def test_a_submitted_update_cannot_go_back_to_a_draft(world):
    submit(world)
    version = Action.objects.get(pk=world.alice_action.pk).version
    with pytest.raises(ValidationError) as raised:
        draft(world, rag="red", progress="Second thoughts")
    assert "already been submitted" in raised.value.messages[0]
    assert "submit it again" in raised.value.messages[0]
    update = ProgressUpdate.objects.get(action=world.alice_action)
    assert (update.status, update.rag) == (ProgressUpdate.Status.SUBMITTED, "amber")
    assert Action.objects.get(pk=world.alice_action.pk).version == version  # the claim was rolled back


def test_a_stale_draft_is_refused_with_who_changed_what(world):
    action = world.shared_action
    loaded = action.version  # alice and bob both open the form
    submit(world, action, by=world.bob, progress="Bob's progress")
    action.refresh_from_db()
    with pytest.raises(StaleEditError) as raised:
        progress_update_save_draft(
            action=action,
            period=world.period,
            rag="green",
            progress="Alice's draft",
            by=world.alice,
            expected_version=loaded,
        )
    assert "Designated Clinical Officer (Bob Hale) changed" in raised.value.message
    assert ("Update for Spring 2026", "Progress", "Bob's progress") in {
        (c.object_label, c.field, c.new) for c in raised.value.changes
    }
    update = ProgressUpdate.objects.get(action=action)
    assert (update.status, update.progress) == (ProgressUpdate.Status.SUBMITTED, "Bob's progress")


def test_a_co_leads_draft_makes_an_older_form_stale_and_says_only_what_changed_since(world):
    action = world.shared_action
    draft(world, action, by=world.bob, rag="amber", progress="Bob's first words")
    loaded = Action.objects.get(pk=action.pk).version  # alice opens the form on bob's first draft
    draft(world, action, by=world.bob, rag="amber", progress="Bob's second words")
    action.refresh_from_db()
    with pytest.raises(StaleEditError) as raised:
        progress_update_submit(
            action=action,
            period=world.period,
            rag="amber",
            progress="Alice's words",
            by=world.alice,
            expected_version=loaded,
        )
    changes = {(c.object_label, c.field, c.new) for c in raised.value.changes}
    assert ("Draft update for Spring 2026", "Progress", "Bob's second words") in changes
    assert not any(new == "Bob's first words" for _, _, new in changes)
    assert ProgressUpdate.objects.get(action=action).progress == "Bob's second words"


def test_drafts_go_only_where_updates_go(world):
    with pytest.raises(ValidationError) as closed:
        draft(world, period=world.closed_period, rag="amber")
    assert "not open for updates" in closed.value.message_dict["period"][0]
    with pytest.raises(ValidationError) as unknown:
        draft(world, rag="purple")
    assert "rag" in unknown.value.message_dict
    Action.objects.filter(pk=world.bob_action.pk).update(status=Action.Status.WITHDRAWN)
    with pytest.raises(ValidationError) as withdrawn:
        draft(world, world.bob_action, by=world.bob, rag="amber")
    assert "takes no more updates" in withdrawn.value.message_dict["rag"][0]
    assert not ProgressUpdate.objects.exists()


def test_the_database_holds_the_progress_rules_for_submitted_updates_only(world):
    period = world.period
    ProgressUpdate.objects.create(action=world.alice_action, period=period, status="draft", rag="red")
    ProgressUpdate.objects.create(action=world.bob_action, period=period, status="draft", rag="")
    # A submitted update with no rating is a narrative entry (decision 0018): the service says when one is allowed.
    refused = [
        {"action": world.shared_action, "rag": "purple"},
        {"action": world.shared_action, "rag": "green", "progress": "No impact given"},
        {"action": world.shared_action, "rag": "amber", "draft_coproduction_level": "involved"},
        {"action": world.shared_action, "rag": "amber", "status": "pending"},
    ]
    for fields in refused:
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressUpdate.objects.create(period=period, **fields)


def test_a_draft_is_not_a_previous_rating(world):
    # A draft left in a period that closed before it was submitted rates nothing.
    ProgressUpdate.objects.create(action=world.alice_action, period=world.closed_period, status="draft", rag="green")
    assert previous_rating(action=world.alice_action, period=world.period) == ""
    with pytest.raises(ValidationError) as raised:
        submit(world, rag="green", progress="", impact="Families hear sooner.")
    assert "from not rated to Green" in raised.value.message_dict["progress"][0]


def test_a_drafts_history_is_shown_only_with_drafts_and_the_update_appears_when_submitted(world):
    draft(world, rag="amber", progress="Draft words")
    assert not any("Draft words" in c.new for c in action_history(world.alice_action))
    with_drafts = action_history(world.alice_action, include_drafts=True)
    assert ("Draft update for Spring 2026", "Progress", "Draft words") in {
        (c.object_label, c.field, c.new) for c in with_drafts
    }
    submit(world, rag="amber", progress="Final words")
    progress = [(c.object_label, c.old, c.new) for c in action_history(world.alice_action) if c.field == "Progress"]
    assert progress == [("Update for Spring 2026", "(new)", "Final words")]


# --- the form and the pages ----------------------------------------------------------------------------------------


def test_the_draft_form_needs_no_rating_and_leaves_the_rules_for_submitting(world):
    def form(data, **kwargs):
        return ProgressUpdateForm({"version": 1, **data}, action=world.alice_action, period=world.period, **kwargs)

    assert form({"rag": ""}, draft=True).is_valid()
    assert form({"rag": "red", "progress": "Recruitment slipped"}, draft=True).is_valid()
    assert list(form({"rag": ""}).errors) == ["rag"]
    assert list(form({"rag": "red", "progress": "Recruitment slipped"}).errors) == ["recovery_note"]


def update_url(action) -> str:
    return reverse("action-update", args=[action.pk])


def form_data(version, **fields) -> dict:
    return {"rag": "", "progress": "", "impact": "", "recovery_note": "", "version": str(version), **fields}


def test_the_update_form_offers_submit_and_save_as_draft_until_submitted(client, world):
    client.force_login(world.alice)
    html = client.get(update_url(world.alice_action)).content.decode()
    assert html.index(">Submit update</button>") < html.index(">Save as draft</button>")
    assert 'name="save_draft"' in html
    submit(world)
    html = client.get(update_url(world.alice_action)).content.decode()
    assert "Submit update" in html
    assert "Save as draft" not in html


def test_a_saved_draft_is_on_the_form_next_time_and_submitting_it_makes_it_the_update(client, world):
    client.force_login(world.alice)
    url = update_url(world.alice_action)
    typed = form_data(
        1, rag="green", progress="Half way there", coproduction_level="involved", coproduction_evidence="PCF at panel"
    )
    response = client.post(url, {**typed, "save_draft": "1"}, follow=True)
    assert response.redirect_chain == [(world.alice_action.get_absolute_url(), 302)]
    assert "Draft saved. It is not part of the plan&#x27;s progress until you submit it." in response.content.decode()
    world.alice_action.refresh_from_db()
    assert (world.alice_action.current_rag, world.alice_action.coproduction_level) == ("", "")

    response = client.get(url)
    form = response.context["form"]
    assert [form[name].value() for name in ("rag", "progress", "coproduction_level", "coproduction_evidence")] == [
        "green",
        "Half way there",
        "involved",
        "PCF at panel",
    ]
    assert "This is a draft, saved by Head of SEND (Alice Moreno)" in response.content.decode()

    # Submitting applies the rules: Green needs impact. The typed text is shown again and the draft stays a draft.
    response = client.post(url, {**typed, "version": "2"})
    assert response.status_code == 400
    assert response.context["form"]["progress"].value() == "Half way there"
    assert "impact" in response.context["form"].errors
    assert ProgressUpdate.objects.get(action=world.alice_action).is_draft

    response = client.post(url, {**typed, "version": "2", "impact": "Families hear within 6 weeks."})
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=world.alice_action)
    world.alice_action.refresh_from_db()
    assert update.status == ProgressUpdate.Status.SUBMITTED
    assert (world.alice_action.current_rag, world.alice_action.coproduction_level) == ("green", "involved")


def test_a_draft_with_an_impossible_date_is_shown_again_as_typed(client, world):
    client.force_login(world.alice)
    dates = {"completion_date_0": "31", "completion_date_1": "2", "completion_date_2": "2026"}
    response = client.post(
        update_url(world.alice_action), {**form_data(1, rag="blue", progress="Typed words"), **dates, "save_draft": "1"}
    )
    assert response.status_code == 400
    assert response.context["form"]["progress"].value() == "Typed words"
    assert response.context["form"].errors["completion_date"] == [
        "Completion date must be a real date, for example 27 3 2026"
    ]
    assert not ProgressUpdate.objects.exists()


def test_a_stale_draft_from_the_form_is_refused_and_keeps_the_text(client, world):
    submit(world, world.shared_action, by=world.bob, progress="Bob's progress")
    client.force_login(world.alice)
    data = {**form_data(1, rag="amber", progress="Alice's draft"), "save_draft": "1"}
    response = client.post(update_url(world.shared_action), data)
    assert response.status_code == 409
    assert "Designated Clinical Officer (Bob Hale) changed" in response.content.decode()
    assert response.context["form"]["progress"].value() == "Alice's draft"
    assert not ProgressUpdate.objects.get(action=world.shared_action).is_draft


def test_a_draft_over_a_submitted_update_is_refused_on_the_form(client, world):
    submit(world)
    client.force_login(world.alice)
    data = {**form_data(2, rag="red", progress="Second thoughts"), "save_draft": "1"}
    response = client.post(update_url(world.alice_action), data)
    assert response.status_code == 400
    assert "already been submitted, so it cannot be saved as a draft" in response.content.decode()
    assert ProgressUpdate.objects.get(action=world.alice_action).rag == "amber"


@pytest.mark.parametrize(("user", "status"), [("chair", 403), ("pcf", 403), ("bob", 403)])
def test_saving_a_draft_has_the_update_forms_access_check(client, world, user, status):
    client.force_login(world.user(user))
    response = client.post(update_url(world.alice_action), {**form_data(1, rag="amber"), "save_draft": "1"})
    assert response.status_code == status
    assert not ProgressUpdate.objects.exists()


def test_only_those_who_may_update_the_action_see_its_draft(client, world):
    draft(world, rag="red", progress="Half-written words")
    for name in ("alice", "manager"):
        client.force_login(world.user(name))
        html = client.get(world.alice_action.get_absolute_url()).content.decode()
        assert "Draft saved" in html, name
        assert "Continue the draft update for Spring 2026" in html
        assert "Half-written words" in html  # in the History tab
    for name in ("bob", "chair", "pcf", "adviser"):
        client.force_login(world.user(name))
        response = client.get(world.alice_action.get_absolute_url())
        html = response.content.decode()
        assert "Half-written words" not in html, name
        assert "draft" not in html.lower(), name
        assert "Needs update" in html
        assert response.context["page"].updates == []
        assert response.context["page"].draft is None


def test_my_actions_shows_which_updates_have_a_draft_saved(client, world):
    draft(world, rag="amber")
    client.force_login(world.alice)
    response = client.get(reverse("my-actions"))
    html = response.content.decode()
    assert response.context["mine"].needing_update == 2  # a draft still needs submitting
    assert "2 actions still need an update for the current reporting period (1 with a draft saved" in html
    assert html.count("Draft saved</strong>") == 1
    assert html.count("Needs update</strong>") == 1


def test_the_action_list_counts_a_draft_as_not_updated(client, world):
    draft(world, rag="amber")
    submit(world, world.bob_action, by=world.bob)
    client.force_login(world.chair)
    response = client.get(reverse("action-list"), {"needs_update": "yes"})
    assert {a.ref for a in response.context["page"].object_list} == {"1.1", "1.3", "1.4"}


def test_a_blue_draft_does_not_complete_the_action(world):
    draft(world, rag="blue", impact="Plans on time", completion_date=date(2026, 2, 1))
    world.alice_action.refresh_from_db()
    assert (world.alice_action.status, world.alice_action.completed_on) == (Action.Status.OPEN, None)
