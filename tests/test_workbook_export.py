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
