"""Editing an area's actions as a sheet (issue 19, item 2): edits, new rows, order, moves and closures saved all or
nothing through actions.sheet, a stale row refused naming who changed what, and malformed posts answered with
errors, never a 500."""

from datetime import date

import pytest

from actions.models import Action
from actions.sheet import area_sheet
from planfields.services import own_values_save, plan_field_add
from tests import factories
from tests.actions.sheet_helpers import first_blank_row, loaded_sheet, row_of, sheet_url


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager)
    return client


def test_a_manager_edits_two_rows_and_adds_one(manager, world):
    data = loaded_sheet(manager, world.area)
    alice, bob = row_of(data, "1.1"), row_of(data, "1.2")
    data[f"{alice}-text"] = "Issue every EHC plan within 20 weeks"
    data[f"{alice}-due_date_0"], data[f"{alice}-due_date_1"], data[f"{alice}-due_date_2"] = "31", "7", "2026"
    data[f"{alice}-due_label"] = "Summer term 2026"
    data[f"{alice}-accountable"] = [str(world.dco.pk)]
    data[f"{bob}-stage"] = "in_progress"
    data[f"{bob}-percent_complete"] = "40"
    data[f"{bob}-leads"] = [str(world.dco.pk), str(world.council_colleague.pk)]
    new = first_blank_row(data)
    data[f"{new}-ref"] = "1.5"
    data[f"{new}-text"] = "Train every SENCO in the new EHCNA pathway"
    data[f"{new}-leads"] = [str(world.head_of_send.pk)]
    data[f"{new}-due_label"] = "ongoing"

    response = manager.post(sheet_url(world.area), data)

    assert response.status_code == 302, response.context and response.context["formset"].errors
    alice_action = Action.objects.get(pk=world.alice_action.pk)
    assert alice_action.text == "Issue every EHC plan within 20 weeks"
    assert alice_action.due_date == date(2026, 7, 31)
    assert alice_action.due_label == "Summer term 2026"
    assert list(alice_action.accountable_officers.all()) == [world.dco]
    assert alice_action.version == 2
    bob_action = Action.objects.get(pk=world.bob_action.pk)
    assert (bob_action.stage, bob_action.percent_complete) == ("in_progress", 40)
    assert set(bob_action.leads.all()) == {world.dco, world.council_colleague}
    added = Action.objects.get(area=world.area, ref="1.5")
    assert list(added.leads.all()) == [world.head_of_send]
    assert added.order > max(a.order for a in Action.objects.filter(area=world.area).exclude(pk=added.pk))
    # Rows the manager did not touch are not written.
    assert Action.objects.get(pk=world.shared_action.pk).version == 1
    # History names the manager for every change, leads included.
    latest = alice_action.history.first()
    assert latest.history_user == world.manager
    assert bob_action.history.filter(history_user=world.manager).count() >= 2
    assert {record.history_user for record in added.history.all()} == {world.manager}
    page = manager.get(response["Location"])
    assert "Saved: 2 actions changed, 1 added." in page.content.decode()


def test_a_stale_row_is_refused_naming_who_changed_what_and_keeping_what_was_typed(manager, client, world):
    data = loaded_sheet(manager, world.area)
    alice, colleague = row_of(data, "1.1"), row_of(data, "1.4")
    # Someone else changes 1.1's due label after the sheet was loaded.
    other = factories.make_user("otto", factories.Role.PROGRAMME_MANAGER)
    from django.test import Client

    other_client = Client()
    other_client.force_login(other)
    theirs = loaded_sheet(other_client, world.area)
    theirs[f"{row_of(theirs, '1.1')}-due_label"] = "Autumn term 2026"
    assert other_client.post(sheet_url(world.area), theirs).status_code == 302

    data[f"{alice}-text"] = "My rewording of 1.1"
    data[f"{colleague}-due_label"] = "Spring term 2027"
    response = manager.post(sheet_url(world.area), data)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Row 1 was not saved: someone else has changed action 1.1" in html
    assert "Otto" in html and "Autumn term 2026" in html  # who, and what they changed it to
    assert "My rewording of 1.1" in html and "Spring term 2027" in html  # both rows as the manager typed them
    # All or nothing: 1.4 was valid and fresh, and is not saved either.
    assert Action.objects.get(pk=world.colleague_action.pk).due_label == ""
    assert Action.objects.get(pk=world.alice_action.pk).text != "My rewording of 1.1"

    # The form now carries the version saved now: submitting again saves what the manager typed.
    formset = response.context["formset"]
    again = {key: value for key, value in formset.data.lists()}
    again = {
        key: value if len(value) > 1 or key.endswith(("leads", "accountable")) else value[0]
        for key, value in again.items()
    }
    assert manager.post(sheet_url(world.area), again).status_code == 302
    assert Action.objects.get(pk=world.alice_action.pk).text == "My rewording of 1.1"
    assert Action.objects.get(pk=world.colleague_action.pk).due_label == "Spring term 2027"
    # What the other manager changed, and this one left alone, is kept: the refused row showed it as it is now.
    assert Action.objects.get(pk=world.alice_action.pk).due_label == "Autumn term 2026"


def test_reorder_move_and_close(manager, world):
    other_area = factories.make_area(world.plan, ref="2", title="Joint commissioning")
    data = loaded_sheet(manager, world.area)
    colleague, bob, shared = row_of(data, "1.4"), row_of(data, "1.2"), row_of(data, "1.3")
    data[f"{colleague}-order"] = "1"  # 1.4 to the top
    data[f"{bob}-area"] = str(other_area.pk)  # 1.2 to area 2
    data[f"{shared}-status"] = "withdrawn"
    data[f"{shared}-closed_reason"] = "Merged into 1.1 by the board in March."

    response = manager.post(sheet_url(world.area), data)

    assert response.status_code == 302
    order = list(Action.objects.filter(area=world.area).order_by("order").values_list("ref", flat=True))
    assert order == ["1.4", "1.1", "1.3"]
    moved = Action.objects.get(pk=world.bob_action.pk)
    assert moved.area == other_area and moved.outcome is None
    closed = Action.objects.get(pk=world.shared_action.pk)
    assert closed.status == Action.Status.WITHDRAWN
    assert closed.closed_reason == "Merged into 1.1 by the board in March."
    page = manager.get(closed.get_absolute_url()).content.decode()
    assert "Withdrawn: Merged into 1.1 by the board in March." in page


def test_a_closed_action_needs_a_reason(manager, world):
    data = loaded_sheet(manager, world.area)
    data[f"{row_of(data, '1.3')}-status"] = "withdrawn"
    response = manager.post(sheet_url(world.area), data)
    assert response.status_code == 400
    assert "Say why the action is closed" in response.content.decode()
    assert Action.objects.get(pk=world.shared_action.pk).status == Action.Status.OPEN


def test_own_fields_are_columns_saved_with_the_row(manager, world):
    field = plan_field_add(plan=world.plan, applies_to="action", label="Directorate", kind="short", by=world.manager)
    data = loaded_sheet(manager, world.area)
    key = f"{row_of(data, '1.1')}-own_{field.pk}"
    assert key in data
    data[key] = "Education"
    assert manager.post(sheet_url(world.area), data).status_code == 302
    assert world.alice_action.own_field_values.get().text == "Education"
    # Someone changes it on the action's own page: the sheet loaded before refuses the row.
    stale = loaded_sheet(manager, world.area)
    value = world.alice_action.own_field_values.get()
    own_values_save(
        record=world.alice_action, texts={field.pk: "Health"}, versions={field.pk: value.version}, by=world.alice
    )
    stale[key] = "Social care"
    response = manager.post(sheet_url(world.area), stale)
    assert response.status_code == 409
    assert "Health" in response.content.decode()
    assert world.alice_action.own_field_values.get().text == "Health"


def test_pickers_offer_only_the_plans_posts_and_the_server_refuses_others(manager, world):
    elsewhere = factories.make_officer("Head of SEND", "Zed Other", factories.make_organisation("Otherton Council"))
    sheet = area_sheet(world.area)
    assert elsewhere not in sheet.posts
    assert world.head_of_send in sheet.posts
    page = manager.get(sheet_url(world.area)).content.decode()
    assert "Zed Other" not in page
    data = loaded_sheet(manager, world.area)
    data[f"{row_of(data, '1.1')}-leads"] = [str(elsewhere.pk)]
    response = manager.post(sheet_url(world.area), data)
    assert response.status_code == 400
    assert "Choose leads from the plan&#x27;s organisations&#x27; posts only." in response.content.decode()
    assert list(Action.objects.get(pk=world.alice_action.pk).leads.all()) == [world.head_of_send]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"due_date_0": "31", "due_date_1": "2", "due_date_2": "2026"}, "Due date must be a real date"),
        ({"due_date_0": "", "due_date_1": "2", "due_date_2": "2026"}, "Due date must include a day"),
        ({"percent_complete": "150"}, "Enter a percentage complete from 0 to 100."),
        ({"percent_complete": "lots"}, "Enter the percentage complete as a whole number"),
        ({"stage": "finished"}, "Select a stage."),
        ({"status": "completed"}, "Choose Open, or Closed (withdrawn)"),
        ({"area": "999999"}, "Choose an area of this plan."),
        ({"ref": ""}, "Enter the action&#x27;s reference"),
        ({"ref": "1.2"}, "already has an action 1.2"),
        ({"text": "   "}, "Enter what the action will do."),
        ({"order": "-3"}, "Enter an order number of 1 or more."),
        ({"version": "99999999999999999999"}, "Ensure this value is less than or equal to"),
    ],
)
def test_bad_cells_are_errors_beside_the_row(manager, world, change, message):
    data = loaded_sheet(manager, world.area)
    row = row_of(data, "1.1")
    for name, value in change.items():
        data[f"{row}-{name}"] = value
    response = manager.post(sheet_url(world.area), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "There is a problem" in html and 'href="#' in html
    assert "Row 1 (action 1.1)" in html
    assert Action.objects.get(pk=world.alice_action.pk).version == 1


def test_malformed_posts_are_refused_with_errors_never_a_500(manager, world):
    other_plan = factories.make_plan(slug="otherton")
    stranger = factories.make_action(factories.make_area(other_plan), "9.9", [])
    # No management form at all.
    response = manager.post(sheet_url(world.area), {"form-0-ref": "1.9"})
    assert response.status_code == 400
    assert "ManagementForm data is missing" in response.content.decode()
    # Another plan's action in a row.
    data = loaded_sheet(manager, world.area)
    data[f"{row_of(data, '1.1')}-action"] = str(stranger.pk)
    response = manager.post(sheet_url(world.area), data)
    assert response.status_code == 400
    assert "not in this area any more" in response.content.decode()
    assert Action.objects.get(pk=stranger.pk).version == 1
    # The same action twice.
    data = loaded_sheet(manager, world.area)
    data[f"{row_of(data, '1.2')}-action"] = str(world.alice_action.pk)
    data[f"{row_of(data, '1.2')}-text"] = "changed"
    assert manager.post(sheet_url(world.area), data).status_code == 400
    # A huge number of rows.
    data = loaded_sheet(manager, world.area)
    data["form-TOTAL_FORMS"] = "100000"
    response = manager.post(sheet_url(world.area), data)
    assert response.status_code == 400
    # Garbage in every hidden field.
    data = loaded_sheet(manager, world.area)
    row = row_of(data, "1.1")
    data[f"{row}-version"], data[f"{row}-loaded"], data[f"{row}-action"] = "x", "y" * 100, "z"
    assert manager.post(sheet_url(world.area), data).status_code == 400
    # A missing area.
    assert manager.get("/areas/99999999/actions/edit/").status_code == 404


def test_add_rows_keeps_what_was_typed_without_saving(manager, world):
    data = loaded_sheet(manager, world.area)
    row = row_of(data, "1.1")
    data[f"{row}-text"] = "Typed, not saved yet"
    data["add_rows"] = "1"
    total = int(data["form-TOTAL_FORMS"])
    response = manager.post(sheet_url(world.area), data)
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == total + 3
    assert "Typed, not saved yet" in response.content.decode()
    assert Action.objects.get(pk=world.alice_action.pk).version == 1


def test_nothing_changed_writes_nothing(manager, world):
    data = loaded_sheet(manager, world.area)
    response = manager.post(sheet_url(world.area), data)
    assert response.status_code == 302
    assert set(Action.objects.filter(area=world.area).values_list("version", flat=True)) == {1}


def test_area_and_plan_pages_link_to_the_sheet_for_managers_only(client, world):
    client.force_login(world.manager)
    assert sheet_url(world.area) in client.get(world.area.get_absolute_url()).content.decode()
    assert sheet_url(world.area) in client.get(world.plan.get_absolute_url()).content.decode()
    client.force_login(world.alice)
    assert sheet_url(world.area) not in client.get(world.area.get_absolute_url()).content.decode()
    assert sheet_url(world.area) not in client.get(world.plan.get_absolute_url()).content.decode()
    assert client.get(sheet_url(world.area)).status_code == 403


def test_a_stale_row_names_changed_leads(manager, world):
    from django.test import Client

    data = loaded_sheet(manager, world.area)
    other = Client()
    other.force_login(factories.make_user("otto", factories.Role.PROGRAMME_MANAGER))
    theirs = loaded_sheet(other, world.area)
    theirs[f"{row_of(theirs, '1.1')}-leads"] = [str(world.dco.pk)]
    assert other.post(sheet_url(world.area), theirs).status_code == 302

    data[f"{row_of(data, '1.1')}-ref"] = "1.1a"
    response = manager.post(sheet_url(world.area), data)

    assert response.status_code == 409
    stale = response.context["stale"][0]
    leads = next(change for change in stale.changes if change.name == "leads")
    assert (leads.old, leads.new, leads.who) == (
        "Head of SEND (Alice Moreno)",
        "Designated Clinical Officer (Bob Hale)",
        "Otto",
    )
    html = response.content.decode()
    assert "Otto changed Leads" in html
    # The manager left the leads alone, so the row now shows Otto's.
    assert response.context["formset"].forms[0]["leads"].value() == [str(world.dco.pk)]


def test_completed_actions_are_shown_closed_and_stay_so(manager, world):
    Action.objects.filter(pk=world.bob_action.pk).update(status="completed", completed_on=date(2026, 1, 10))
    data = loaded_sheet(manager, world.area)
    bob = row_of(data, "1.2")
    assert f"{bob}-status" not in data  # a disabled select posts nothing
    data[f"{bob}-text"] = "Reworded after it was delivered"
    response = manager.post(sheet_url(world.area), data)
    assert response.status_code == 302
    done = Action.objects.get(pk=world.bob_action.pk)
    assert (done.text, done.status) == ("Reworded after it was delivered", "completed")
    # Posting a status for it anyway changes nothing.
    data = loaded_sheet(manager, world.area)
    data[f"{row_of(data, '1.2')}-status"] = "open"
    assert manager.post(sheet_url(world.area), data).status_code == 302
    assert Action.objects.get(pk=world.bob_action.pk).status == "completed"


def test_the_service_refuses_posts_outside_the_plan_whoever_calls_it(world):
    from actions.sheet import RowInput, SheetRefused, area_sheet_save

    elsewhere = factories.make_officer("Head of SEND", "Zed Other", factories.make_organisation("Otherton Council"))
    sheet = area_sheet(world.area)
    row = RowInput(
        index=0,
        action=None,
        version=0,
        ref="1.9",
        text="Called without the form",
        leads=[world.head_of_send],
        accountable=[elsewhere],
        due_date=None,
        due_label="",
        stage="",
        percent_complete=None,
        area=world.area,
        status="open",
        closed_reason="",
        position=None,
        own={},
        own_versions={},
    )
    with pytest.raises(SheetRefused) as refused:
        area_sheet_save(sheet=sheet, rows=[row], by=world.manager)
    assert list(refused.value.errors[0]) == ["accountable"]
    assert "Zed Other" in refused.value.errors[0]["accountable"][0]
    assert not Action.objects.filter(ref="1.9").exists()
