"""The programme manager's admin: edits are recorded with their user, and a stale form is refused."""

from django.urls import reverse

from actions.permissions import can_write_action


def action_form(action, **changes):
    data = {
        "area": action.area_id,
        "outcome": "",
        "ref": action.ref,
        "text": action.text,
        "leads": [o.pk for o in action.leads.all()],
        "accountable_officers": [],
        "partners": [],
        "due_date": "",
        "due_label": action.due_label,
        "revised_due_date": "",
        "revised_due_reason": "",
        "status": action.status,
        "completed_on": "",
        "coproduction_level": "",
        "coproduction_evidence": "",
        "percent_complete": "",
        "order": action.order,
        "expected_version": action.version,
    }
    data.update(changes)
    return data


def test_admin_edit_is_saved_with_history_user(client, world):
    client.force_login(world.manager)
    action = world.alice_action
    url = reverse("admin:actions_action_change", args=[action.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, action_form(action, revised_due_date="2026-06-30", revised_due_reason="Recruitment delayed")
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.revised_due_reason, action.version) == ("Recruitment delayed", 2)
    assert action.history.latest().history_user == world.manager


def test_admin_refuses_a_stale_form_and_keeps_the_other_change(client, world):
    client.force_login(world.manager)
    action = world.alice_action
    url = reverse("admin:actions_action_change", args=[action.pk])
    client.post(url, action_form(action, text="First editor's wording"))
    stale = action_form(action, text="Second editor's wording", expected_version=1)
    response = client.post(url, stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this record while you were editing it" in page
    assert "Second editor&#x27;s wording" in page  # their input is shown again
    action.refresh_from_db()
    assert action.text == "First editor's wording"


def test_the_database_refuses_a_revised_date_without_reason(client, world):
    client.force_login(world.manager)
    action = world.alice_action
    url = reverse("admin:actions_action_change", args=[action.pk])
    response = client.post(url, action_form(action, revised_due_date="2026-06-30"))
    assert response.status_code == 200
    assert "Give the reason the due date was revised." in response.content.decode()
    action.refresh_from_db()
    assert action.revised_due_date is None


def test_an_agency_lead_writes_every_action_led_from_their_organisation(world):
    assert not can_write_action(world.alice, world.colleague_action)
    world.head_of_send.is_agency_lead = True
    world.head_of_send.save()
    alice = type(world.alice).objects.get(pk=world.alice.pk)  # fresh user: roles are cached per request
    assert can_write_action(alice, world.colleague_action)
    assert not can_write_action(alice, world.bob_action)  # led from the ICB, not the council
