"""The Post holders sheet (decision 0023): who held a handed-over post from when, imported all or nothing with
each problem named by sheet, row, column and value."""

from datetime import date

import pytest

from actions.models import Officer, PostHolder
from tests.workbook_builders import oxfordshire_tracker, workbook
from workbooks.importer import import_workbook


@pytest.fixture
def manager(db):
    from actions.permissions import Role
    from tests.factories import make_user

    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def with_holders(rows):
    sheets = oxfordshire_tracker()
    sheets["Post holders"] = [["Post", "Person", "Email", "From"], *rows]
    return sheets


def test_a_handed_over_post_comes_in_with_its_holders(manager):
    rows = [
        ["Head of SEND (Jayne Howarth)", "Priya Shah", "priya.shah@example.org", "01/02/2020"],
        ["Head of SEND (Jayne Howarth)", "Jayne Howarth", "", "14/09/2020"],
    ]
    result = import_workbook(workbook(with_holders(rows)), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    post = Officer.objects.get(post_title="Head of SEND")
    assert post.person_name == "Jayne Howarth"
    assert list(post.holders.values_list("person_name", "email", "started_on")) == [
        ("Priya Shah", "priya.shah@example.org", date(2020, 2, 1)),
        ("Jayne Howarth", "", date(2020, 9, 14)),
    ]
    again = import_workbook(workbook(with_holders(rows)), by=manager, dry_run=False)
    assert again.ok and PostHolder.objects.count() == 2  # matched on post and date: nothing duplicated
    assert dict((label, unchanged) for label, _, _, unchanged in again.summary)["Post holder"] == 2


def test_bad_holder_rows_import_nothing_and_are_named(manager):
    rows = [
        ["Head of SEND (Jayne Howarth)", "Priya Shah", "", "Spring"],
        ["Head of SEND (Jayne Howarth)", "Priya Shah", "not-an-email", "01/02/2020"],
        ["Head of SEND (Jayne Howarth)", "Jayne Howarth", "", "01/02/2020"],
        ["Head of SEND (Jayne Howarth)", "Jayne Howarth", "", ""],
    ]
    result = import_workbook(workbook(with_holders(rows)), by=manager, dry_run=False)
    assert not result.applied
    assert not Officer.objects.exists() and not PostHolder.objects.exists()
    problems = {(p.sheet, p.row, p.column, p.value) for p in result.problems}
    assert ("Post holders", 2, "From", "Spring") in problems
    assert ("Post holders", 3, "Email", "not-an-email") in problems
    assert any(p.row == 4 and p.column == "From" and "same day as row 3" in p.reason for p in result.problems)
    assert any(p.row == 5 and p.column == "From" and "is empty" in p.reason for p in result.problems)
