"""A refused stale edit can be recovered: the form shown again keeps what the user typed, lists only what others
changed since the version they loaded (old -> new, beside theirs) and carries the version saved now, so a second
submit saves. The same for every form on the shared locking (actions/locking.py) and for the admin, which also
refuses an edit that does not say which version it was loaded at."""

import pytest
from django.urls import reverse

from actions.locking import StaleEditError, changes_since
from actions.models import Action, ProgressUpdate
from actions.services import progress_update_submit, record_save
from boards.models import Board
from governance.models import CoproductionComment
from governance.services import comment_record
from risks.models import Risk
from tests.actions.test_admin import action_form


def submit(world, action, *, by, **fields):
    action.refresh_from_db()
    return progress_update_submit(action=action, period=world.period, by=by, expected_version=action.version, **fields)


def update_form(version, **fields) -> dict:
    return {"rag": "", "progress": "", "impact": "", "recovery_note": "", "version": str(version), **fields}


# --- what the refusal lists ----------------------------------------------------------------------------------------


def test_a_revised_update_lists_only_the_fields_revised_since_the_form_was_loaded(world):
    action = world.shared_action
    submit(world, action, by=world.bob, rag="amber", progress="Bob's first words", evidence="Panel minutes")
    loaded = Action.objects.get(pk=action.pk).version  # alice opens the form on bob's update
    submit(world, action, by=world.bob, rag="amber", progress="Bob's second words", evidence="Panel minutes")
    action.refresh_from_db()
    with pytest.raises(StaleEditError) as refused:
        progress_update_submit(
            action=action,
            period=world.period,
            rag="amber",
            progress="Alice's words",
            by=world.alice,
            expected_version=loaded,
        )
    changes = [(c.object_label, c.field, c.old, c.new) for c in refused.value.changes]
    # Only the progress moved on; the rating and evidence alice had already seen are not listed as "(new)".
    assert changes == [("Update for Spring 2026", "Progress", "Bob's first words", "Bob's second words")]


def test_a_version_shared_by_several_history_rows_counts_from_the_last_of_them(world):
    """simple-history adds a row at the same version when the leads change: the user saw the last one."""
    action = world.alice_action
    Action.objects.filter(pk=action.pk).update(text="Wording fixed with the leads")
    action.refresh_from_db()
    action.save()  # a second history row at version 1, as a change of leads writes
    loaded = action.version
    other = Action.objects.get(pk=action.pk)
    other.due_label = "June 2026"
    record_save(instance=other, expected_version=loaded, by=world.manager)
    changes = [(c.field, c.old, c.new) for c in changes_since(action, loaded)]
    assert changes == [("Due label", "March 2026", "June 2026")]


# --- the update form: refused once, then saved ---------------------------------------------------------------------


def test_the_update_form_recovers_from_a_stale_submit(client, world):
    action = world.shared_action
    loaded = action.version  # alice and bob both open the form
    submit(world, action, by=world.bob, rag="amber", progress="Bob's progress")
    client.force_login(world.alice)
    url = reverse("action-update", args=[action.pk])
    typed = update_form(loaded, rag="green", progress="Alice's progress", impact="Alice's impact")

    refused = client.post(url, typed)
    assert refused.status_code == 409
    form = refused.context["form"]
    assert form["progress"].value() == "Alice's progress"  # her text is kept
    current = Action.objects.get(pk=action.pk).version
    assert str(form["version"].value()) == str(current)  # the form moves on to the version saved now
    page = refused.content.decode()
    assert "Bob&#x27;s progress" in page and "Alice&#x27;s progress" in page  # his change beside hers
    assert 'target="_blank"' in page  # "see it as it is now" leaves the typed text where it is

    again = {**typed, "version": form["version"].value()}
    assert client.post(url, again).status_code == 302
    update = ProgressUpdate.objects.get(action=action, period=world.period)
    assert (update.rag, update.progress, update.submitted_by) == ("green", "Alice's progress", world.alice)


# --- the other forms on the shared locking -------------------------------------------------------------------------


def test_the_board_form_recovers_from_a_stale_edit(client, board_world):
    client.force_login(board_world.world.manager)
    url = reverse("board-edit", args=[board_world.hwb.pk])
    data = {"name": "Health and Wellbeing Board", "kind": "partnership", "order": "0", "version": "1"}
    assert client.post(url, {**data, "meets": "Quarterly"}).status_code == 302
    refused = client.post(url, {**data, "meets": "Termly"})
    assert refused.status_code == 409
    assert [(c.field, c.old, c.new) for c in refused.context["stale"].changes] == [
        ("Meets", "Every two months", "Quarterly")
    ]
    version = refused.context["form"]["version"].value()
    assert str(version) == "2"
    assert client.post(url, {**data, "meets": "Termly", "version": version}).status_code == 302
    assert Board.objects.get(pk=board_world.hwb.pk).meets == "Termly"


def risk_form(risk, **changes) -> dict:
    return {
        "ref": risk.ref,
        "area": risk.area_id,
        "risk": risk.risk,
        "owner": risk.owner_id,
        "severity": "",
        "inherent_likelihood": "4",
        "inherent_impact": "4",
        "current_likelihood": "4",
        "current_impact": "3",
        "target_likelihood": "2",
        "target_impact": "3",
        "mitigation": risk.mitigation,
        "progress": "",
        "actions": [],
        "review_every_days": "30",
        "status": "open",
        "closed_reason": "",
        "version": risk.version,
        **changes,
    }


def test_the_risk_form_recovers_from_a_stale_edit(client, risk_world):
    risk = Risk.objects.get(pk=risk_world.schools.pk)
    client.force_login(risk_world.world.manager)
    url = reverse("risk-edit", args=[risk.pk])
    assert client.post(url, risk_form(risk, mitigation="First editor's mitigation")).status_code == 302
    refused = client.post(url, risk_form(risk, progress="Second editor's progress"))
    assert refused.status_code == 409
    assert [(c.field, c.new) for c in refused.context["stale"].changes] == [("Mitigation", "First editor's mitigation")]
    form = refused.context["form"]
    assert form["progress"].value() == "Second editor's progress"
    again = risk_form(risk, mitigation="First editor's mitigation", progress="Second editor's progress")
    again["version"] = form["version"].value()
    assert client.post(url, again).status_code == 302
    saved = Risk.objects.get(pk=risk.pk)
    assert (saved.mitigation, saved.progress) == ("First editor's mitigation", "Second editor's progress")


# --- the admin -----------------------------------------------------------------------------------------------------


def test_the_admin_refusal_lists_old_and_new_and_a_second_save_saves(client, world):
    client.force_login(world.manager)
    action = world.alice_action
    url = reverse("admin:actions_action_change", args=[action.pk])
    assert client.post(url, action_form(action, text="First editor's wording")).status_code == 302
    stale = action_form(action, due_label="June 2026", expected_version=1)
    refused = client.post(url, stale)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "from “Action 1.1: improve the 20-week EHCP timeline” to “First editor&#x27;s wording”" in page
    form = refused.context["adminform"].form
    assert form["expected_version"].value() == "2"
    assert form["due_label"].value() == "June 2026"
    assert client.post(url, {**stale, "expected_version": "2"}).status_code == 302
    action.refresh_from_db()
    assert action.due_label == "June 2026"


def test_the_admin_refuses_an_edit_that_does_not_say_its_version(client, world):
    client.force_login(world.manager)
    action = world.alice_action
    url = reverse("admin:actions_action_change", args=[action.pk])
    data = action_form(action, text="Unchecked wording")
    del data["expected_version"]
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "did not say which version" in refused.content.decode()
    action.refresh_from_db()
    assert action.text != "Unchecked wording"
    # The form shown again carries the version, so saving it from there is checked and saves.
    assert refused.context["adminform"].form["expected_version"].value() == str(action.version)


def test_the_answer_to_a_forum_comment_recovers_from_a_stale_edit(client, world):
    comment = comment_record(action=world.shared_action, text="Letters are hard to read.", by=world.pcf)
    url = reverse("comment-respond", args=[comment.pk])
    client.force_login(world.bob)
    assert client.post(url, {"response": "Bob's answer", "version": 1}).status_code == 302
    client.force_login(world.alice)  # her form was loaded before bob answered
    refused = client.post(url, {"response": "Alice's fuller answer", "version": 1})
    assert refused.status_code == 409
    assert [(c.field, c.new) for c in refused.context["stale"].changes if c.name == "response"] == [
        ("What we did", "Bob's answer")
    ]
    form = refused.context["form"]
    assert form["response"].value() == "Alice's fuller answer"
    again = client.post(url, {"response": form["response"].value(), "version": form["version"].value()})
    assert again.status_code == 302
    assert CoproductionComment.objects.get(pk=comment.pk).response == "Alice's fuller answer"
