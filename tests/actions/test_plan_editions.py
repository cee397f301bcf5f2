"""A plan's version and approving bodies, and its header facts (board, advisers, accountable officers) as they
change between editions: held, shown on the plan's page with who changed what and when, and carried by the
workbook."""

import io

from django.urls import reverse

from actions.models import Plan
from actions.selectors import plan_header_history
from actions.services import record_save
from workbooks import exporter
from workbooks.importer import import_workbook


def _new_edition(world, **fields):
    plan = Plan.objects.get(pk=world.plan.pk)
    for name, value in fields.items():
        setattr(plan, name, value)
    record_save(instance=plan, by=world.manager, expected_version=plan.version)
    return plan


def test_a_new_edition_is_in_the_plans_history_with_who_and_what(world, client):
    # (Officers are set on the plan as saved: a history row records the whole plan as the instance holds it.)
    first = _new_edition(world, version_label="Version 1, February 2025", board_name="SEND Improvement Board")
    first.accountable_officers.set([world.head_of_send])
    second = _new_edition(
        world, version_label="Version 2, October 2025", approved_by="SEND Improvement Board, 2 October 2025"
    )
    second.accountable_officers.set([world.head_of_send, world.dco])

    changes = plan_header_history(world.plan)
    by_field = {}
    for change in changes:
        by_field.setdefault(change.field, []).append(change)
    assert [(c.old, c.new) for c in by_field["Version"]] == [
        ("Version 1, February 2025", "Version 2, October 2025"),
        ("(blank)", "Version 1, February 2025"),
    ]
    assert by_field["Approved by"][0].new == "SEND Improvement Board, 2 October 2025"
    assert by_field["Board"][0].new == "SEND Improvement Board"
    officers = by_field["Accountable officers"][0]
    assert "Bob Hale" in officers.new and "Bob Hale" not in officers.old and "Alice Moreno" in officers.old
    assert all(c.who for c in changes)

    client.force_login(world.member)
    html = client.get(reverse("plan-detail", args=[world.plan.slug])).content.decode()
    assert "Version 2, October 2025" in html
    assert "SEND Improvement Board, 2 October 2025" in html
    assert "Changes to the plan's header" in html


def test_the_workbook_carries_the_edition_and_an_older_workbook_leaves_it_alone(world):
    _new_edition(
        world,
        version_label="Version 3",
        approved_by="Health and Wellbeing Board\nCabinet",
        board_name="SEND Partnership Board",
        advisers="DfE adviser",
    )
    content = exporter.export_workbook(Plan.objects.get(pk=world.plan.pk))
    plan_sheet = dict(_rows(content, "Plan")[1:])
    assert plan_sheet["version"] == "Version 3"
    assert plan_sheet["approved by"] == "Health and Wellbeing Board\nCabinet"

    older = _without_rows(content, {"version", "approved by", "board", "advisers"})
    result = import_workbook(io.BytesIO(older), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    plan = Plan.objects.get(pk=world.plan.pk)
    assert (plan.version_label, plan.board_name) == ("Version 3", "SEND Partnership Board")

    renamed = _with_value(content, "board", "SEND Improvement Board")
    result = import_workbook(io.BytesIO(renamed), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    assert Plan.objects.get(pk=world.plan.pk).board_name == "SEND Improvement Board"


def test_a_version_too_long_is_refused_with_where_it_is(world):
    content = exporter.export_workbook(world.plan)
    result = import_workbook(io.BytesIO(_with_value(content, "version", "v" * 101)), by=world.manager, dry_run=True)
    assert not result.ok
    assert any(p.sheet == "Plan" and "100" in str(p) for p in result.problems), [str(p) for p in result.problems]


def _rows(content: bytes, sheet: str) -> list[tuple]:
    from openpyxl import load_workbook

    return [tuple(row) for row in load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True)]


def _rewrite(content: bytes, change) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    change(book["Plan"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _without_rows(content: bytes, fields: set[str]) -> bytes:
    def drop(sheet):
        for index in reversed(range(1, sheet.max_row + 1)):
            if sheet.cell(index, 1).value in fields:
                sheet.delete_rows(index)

    return _rewrite(content, drop)


def _with_value(content: bytes, field: str, value: str) -> bytes:
    def put(sheet):
        for index in range(1, sheet.max_row + 1):
            if sheet.cell(index, 1).value == field:
                sheet.cell(index, 2).value = value

    return _rewrite(content, put)


def test_the_demo_shows_a_second_edition_of_oxfordshires_plan(db):
    from django.conf import settings

    from actions.demo import load_plan

    plan = load_plan(settings.BASE_DIR / "fixtures" / "demo" / "oxfordshire.json")
    assert plan.version_label == "Version 2, September 2020"
    changes = plan_header_history(plan)
    board = next(c for c in changes if c.field == "Board")
    assert (board.old, board.new) == ("SEND Performance (Governance) Board", "SEND Partnership Board")
    assert board.when.date().isoformat() == "2020-09-15"
    assert "Unknown" not in board.who
