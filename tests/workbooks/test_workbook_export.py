"""The plan workbook export: user text is always text (never a live formula), and the file carries what a council
officer needs to read it and what the importer needs to round-trip it."""

import io
import re
import zipfile

from openpyxl import load_workbook

from actions.models import Plan, ProgressUpdate
from actions.services import progress_update_submit
from kpis.models import Milestone
from risks.models import Risk
from workbooks import exporter
from workbooks.importer import import_workbook

LINK = '=HYPERLINK("http://evil.example","x")'


def _formula_cells(content: bytes) -> list[str]:
    """Every formula the saved file holds: <f> elements in any sheet's XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            formula
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            for formula in re.findall(rb"<(?:\w+:)?f[ >]", archive.read(name))
        ]


def _texts(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def _hostile_plan(world, kpi_world, risk_world):
    """User text starting "=" in every kind of field the export writes."""
    Plan.objects.filter(pk=world.plan.pk).update(title="=1+1 Written Statement of Action")
    world.plan.refresh_from_db()
    world.area.title = "=2+2 Timeliness"
    world.area.save()
    world.dco.person_name = "=3+3"
    world.dco.save()
    action = world.alice_action
    action.text = "=4+4 Run the panel"
    action.save()
    progress_update_submit(
        action=action,
        period=world.period,
        rag="amber",
        progress=LINK,
        impact="=5+5 fewer delays",
        evidence="=6+6",
        by=world.alice,
        expected_version=action.version,
    )
    Milestone.objects.filter(kpi=kpi_world.timeliness, months=3).update(commentary="=7+7 on track")
    Risk.objects.filter(plan=world.plan).update(risk="=8+8 schools disengage", mitigation="=9+9 training")


def test_user_text_starting_with_an_equals_sign_is_written_as_text_not_a_formula(world, kpi_world, risk_world):
    _hostile_plan(world, kpi_world, risk_world)
    content = exporter.export_workbook(world.plan)
    assert _formula_cells(content) == []
    book = load_workbook(io.BytesIO(content))  # formulas kept as formulas, as Excel would see them
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [c for c in cells if c.data_type == "f"] == []
    hostile = {c.value for c in cells if isinstance(c.value, str) and c.value.startswith("=")}
    assert LINK in hostile
    assert {"=1+1 Written Statement of Action", "=2+2 Timeliness", "=4+4 Run the panel", "=5+5 fewer delays"} <= hostile
    assert {"=6+6", "=7+7 on track", "=8+8 schools disengage", "=9+9 training"} <= hostile
    assert any("(=3+3)" in value for value in hostile | {c.value for c in cells if isinstance(c.value, str)})


def test_an_export_with_formula_like_text_imports_back_to_the_same_text(world, kpi_world, risk_world):
    _hostile_plan(world, kpi_world, risk_world)
    first = exporter.export_workbook(world.plan)
    ProgressUpdate.objects.all().delete()
    Plan.objects.all().delete()
    Risk.objects.all().delete()
    result = import_workbook(io.BytesIO(first), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    plan = Plan.objects.get(slug=world.plan.slug)
    assert plan.title == "=1+1 Written Statement of Action"
    assert ProgressUpdate.objects.get(action__ref="1.1").progress == LINK
    assert _texts(exporter.export_workbook(plan)) == _texts(first)


def test_control_characters_pasted_from_word_do_not_break_the_export(world):
    world.alice_action.text = "Line one\x0bline two"
    world.alice_action.save()
    book = load_workbook(io.BytesIO(exporter.export_workbook(world.plan)))
    assert "Line oneline two" in [row[3] for row in book["Actions"].iter_rows(values_only=True)]


def _states(world):
    """1.1 completed Blue last term (no update this term); 1.2 Red this term with its own recovery note and a
    revised due date; 1.3 withdrawn."""
    from datetime import date, datetime, time

    from django.utils import timezone

    from actions.models import Action

    ProgressUpdate.objects.create(
        action=world.alice_action,
        period=world.closed_period,
        rag="blue",
        progress="Panel running weekly",
        impact="Decisions within 6 weeks",
        completion_date=date(2025, 12, 15),
        evidence="https://example.org/panel-minutes",
        submitted_by=world.alice,
        submitted_by_officer=world.head_of_send,
        submitted_at=timezone.make_aware(datetime.combine(date(2025, 12, 16), time(12))),
    )
    # Blue is complete: the stage the app (and migration 0006 for older data) gives a Blue action.
    Action.objects.filter(pk=world.alice_action.pk).update(
        status="completed", completed_on=date(2025, 12, 15), current_rag="blue", stage="complete"
    )
    Action.objects.filter(pk=world.bob_action.pk).update(
        revised_due_date=date(2026, 6, 30), revised_due_reason="Recruitment delayed"
    )
    world.bob_action.refresh_from_db()
    progress_update_submit(
        action=world.bob_action,
        period=world.period,
        rag="red",
        progress="Two posts unfilled",
        recovery_note="Agency staff from May",
        by=world.bob,
        expected_version=world.bob_action.version,
    )
    Action.objects.filter(pk=world.shared_action.pk).update(status="withdrawn")


def test_the_export_carries_each_actions_state_and_every_updates_detail(world):
    from datetime import date

    _states(world)
    content = exporter.export_workbook(world.plan)
    actions = {row["ref"]: row for row in _texts_rows(content, "Actions")}
    completed, red, withdrawn = actions["1.1"], actions["1.2"], actions["1.3"]
    # A completed action keeps its rating, with the period it was given in.
    assert (completed["rag"], completed["rated in"], completed["action status"]) == ("Blue", "Autumn 2025", "Completed")
    assert completed["completed on"].date() == date(2025, 12, 15)
    assert completed["impact"] == "Decisions within 6 weeks"
    assert (red["rag"], red["rated in"]) == ("Red", "Spring 2026")
    assert (red["revised due"].date(), red["revised due reason"]) == (date(2026, 6, 30), "Recruitment delayed")
    assert withdrawn["action status"] == "Withdrawn"
    updates = {(row["action"], row["period"]): row for row in _texts_rows(content, "Updates")}
    blue = updates[("1.1", "Autumn 2025")]
    assert blue["completion date"].date() == date(2025, 12, 15)
    assert blue["evidence"] == "https://example.org/panel-minutes"
    assert blue["by"] == "Head of SEND (Alice Moreno)"
    assert blue["submitted on"].date() == date(2025, 12, 16)
    assert updates[("1.2", "Spring 2026")]["recovery note"] == "Agency staff from May"


def _texts_rows(content: bytes, name: str) -> list[dict]:
    rows = _texts(content)[name]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_every_sheet_opens_readable_widths_a_frozen_header_and_filters(world):
    _states(world)
    book = load_workbook(io.BytesIO(exporter.export_workbook(world.plan)))
    for sheet in book:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
    actions = book["Actions"]
    headers = [cell.value for cell in actions[1]]
    width = {header: actions.column_dimensions[chr(ord("A") + i)].width for i, header in enumerate(headers)}
    assert width["action"] == len("Action 1.1: improve the 20-week EHCP timeline") + 2
    assert width["ref"] == 12  # short columns stay narrow, but wide enough for their header


def test_action_states_and_update_details_round_trip(world):
    from datetime import date

    from actions.models import Action

    _states(world)
    first = exporter.export_workbook(world.plan)
    ProgressUpdate.objects.all().delete()
    Plan.objects.all().delete()
    result = import_workbook(io.BytesIO(first), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    actions = {a.ref: a for a in Action.objects.all()}
    assert (actions["1.1"].status, actions["1.1"].completed_on, actions["1.1"].current_rag) == (
        "completed",
        date(2025, 12, 15),
        "blue",
    )
    assert (actions["1.2"].revised_due_date, actions["1.2"].revised_due_reason) == (
        date(2026, 6, 30),
        "Recruitment delayed",
    )
    assert actions["1.3"].status == "withdrawn"
    blue = ProgressUpdate.objects.get(action__ref="1.1")
    assert (blue.submitted_by_officer, blue.completion_date) == (world.head_of_send, date(2025, 12, 15))
    assert ProgressUpdate.objects.get(action__ref="1.2").recovery_note == "Agency staff from May"
    second = exporter.export_workbook(Plan.objects.get(slug=world.plan.slug))
    assert _texts(second) == _texts(first)
    again = import_workbook(io.BytesIO(second), by=world.manager, dry_run=False)
    assert sum(again.created.values()) == sum(again.changed.values()) == 0
