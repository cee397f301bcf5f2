"""Several accountable senior officers per action, jointly, across organisations (decision 0023): shown on the
action page, kept in the action's history, and carried through the workbook as leads are."""

import pytest

from actions.models import Action, Officer
from tests.workbook_builders import oxfordshire_tracker, workbook
from workbooks.exporter import plan_rows
from workbooks.importer import import_workbook

pytestmark = pytest.mark.django_db


def test_the_action_page_names_both_accountable_officers_with_their_organisations(client, world):
    world.alice_action.accountable_officers.set([world.head_of_send, world.dco])
    client.force_login(world.member)
    html = client.get(world.alice_action.get_absolute_url()).content.decode()
    assert "Accountable officers" in html
    assert "Head of SEND (Alice Moreno), Riverside Council" in html
    assert "Designated Clinical Officer (Bob Hale), Riverside ICB" in html


def test_the_action_history_keeps_who_was_accountable(world):
    action = world.alice_action

    def latest() -> set[int]:
        record = action.history.order_by("-history_date", "-history_id").first()
        return set(record.accountable_officers.values_list("officer_id", flat=True))

    action.accountable_officers.set([world.dco])
    first = latest()
    action.accountable_officers.set([world.head_of_send, world.dco])
    assert first == {world.dco.pk} and latest() == {world.head_of_send.pk, world.dco.pk}


def test_joint_accountable_officers_come_in_from_a_workbook_and_go_out_again(world):
    sheets = oxfordshire_tracker()
    sheets["Actions"][0].append("Accountable")
    for row in sheets["Actions"][1:]:
        row.append("")
    sheets["Actions"][1][-1] = "Director of Children's Services (Kevin Gordon) and Chief Executive, OCCG (Lou Patten)"
    result = import_workbook(workbook(sheets), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    action = Action.objects.get(ref="1.1", area__plan__local_area="Oxfordshire")
    assert {str(o) for o in action.accountable_officers.all()} == {
        "Director of Children's Services (Kevin Gordon)",
        "Chief Executive, OCCG (Lou Patten)",
    }
    rows = plan_rows(action.area.plan)["Actions"]
    accountable = rows[0].index("accountable")
    exported = next(row for row in rows[1:] if row[2] == "1.1")[accountable]
    assert exported == "Chief Executive, OCCG (Lou Patten); Director of Children's Services (Kevin Gordon)" or (
        exported == "Director of Children's Services (Kevin Gordon); Chief Executive, OCCG (Lou Patten)"
    )
    assert Officer.objects.filter(post_title="Chief Executive, OCCG").exists()
