"""The termly report (HTML and PDF) shows the plan's own fields marked public, in the plan's order, under each area
and action, as they stood at the report's moment; a field not marked public never appears (pdf marker, below)."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from planfields.models import PlanField
from planfields.selectors import record_values
from planfields.services import own_values_save, plan_field_add, plan_field_change, plan_field_move
from reports.content import report_content
from reports.rendering import render_body, render_pdf
from tests.reports.test_reports import lines_by_ref, pdf_text

CRITERIA = "- Every EHC plan reviewed within 12 months\n- Families tell us they were heard"


def add(world, label, applies_to="action", kind="short", public=True):
    return plan_field_add(
        plan=world.plan, applies_to=applies_to, label=label, kind=kind, public=public, by=world.manager
    )


def hold(world, record, **texts):
    fields = {f.label: f for f in PlanField.objects.all()}
    own_values_save(
        record=record,
        texts={fields[label.replace("_", " ")].pk: t for label, t in texts.items()},
        versions={v.field.pk: v.version for v in record_values(record)},
        by=world.manager,
    )


@pytest.fixture
def own(world):
    add(world, "Success criteria", applies_to="area", kind="long")
    add(world, "Directorate")
    add(world, "Section")
    add(world, "Internal note", public=False)
    hold(world, world.area, Success_criteria=CRITERIA)
    hold(
        world,
        world.alice_action,
        Directorate="Children's Services",
        Section="SEND Services",
        Internal_note="Budget risk",
    )
    world.before_change = timezone.now()
    hold(world, world.alice_action, Directorate="Education and Inclusion")
    return world


def test_public_fields_in_the_plans_order_under_each_action_and_area(own):
    content = report_content(own.plan, own.period)
    line = lines_by_ref(content)["1.1"]
    assert [(v.label, v.text) for v in line.own_fields] == [
        ("Directorate", "Education and Inclusion"),
        ("Section", "SEND Services"),
    ]
    assert [(v.label, v.text) for v in content.areas[0].own_fields] == [("Success criteria", CRITERIA)]
    html = render_body(content, draft=True)
    row = html.split('<th scope="row" class="govuk-table__header">1.1</th>', 1)[1].split("</tr>", 1)[0]
    assert row.index("<strong>Directorate:</strong> Education and Inclusion") < row.index("<strong>Section:</strong>")
    assert "Every EHC plan reviewed within 12 months</li>" in html  # long text keeps its lines (here a list)
    assert "Internal note" not in html and "Budget risk" not in html


def test_an_actions_long_field_keeps_its_lines_and_lists_in_its_row(own):
    """A five-field block's "What we will see" typed as bullets is a real list in the action's row, as an area's."""
    add(own, "What we will see", kind="long")
    hold(
        own, own.alice_action, What_we_will_see="Termly, from January:\n\n- Panels meet weekly\n- Families hear sooner"
    )
    html = render_body(report_content(own.plan, own.period), draft=True)
    row = html.split('<th scope="row" class="govuk-table__header">1.1</th>', 1)[1].split("</tr>", 1)[0]
    cell = row.split("What we will see:", 1)[1]
    assert cell.index("Termly, from January") < cell.index("<li>Panels meet weekly</li>")
    assert "<li>Families hear sooner</li></ul>" in cell and "- Panels" not in cell


def test_the_report_reads_values_and_order_as_they_stood(own):
    section = PlanField.objects.get(label="Section")
    plan_field_move(field=section, up=True, by=own.manager, expected_version=section.version)
    then = lines_by_ref(report_content(own.plan, own.period, as_at=own.before_change))["1.1"]
    assert [(v.label, v.text) for v in then.own_fields] == [
        ("Directorate", "Children's Services"),
        ("Section", "SEND Services"),
    ]
    now = lines_by_ref(report_content(own.plan, own.period))["1.1"]
    assert [v.label for v in now.own_fields] == ["Section", "Directorate"]


def test_a_field_made_private_leaves_the_report(own):
    directorate = PlanField.objects.get(label="Directorate")
    plan_field_change(
        field=directorate,
        label="Directorate",
        kind="short",
        help_text="",
        public=False,
        by=own.manager,
        expected_version=directorate.version,
    )
    html = render_body(report_content(own.plan, own.period), draft=True)
    assert "Education and Inclusion" not in html and "SEND Services" in html


@pytest.mark.pdf
def test_the_pdf_shows_public_fields_only(own):
    pdf = render_pdf(report_content(own.plan, own.period), draft=False)
    if folder := os.environ.get("SENDPLAN_SCREENSHOTS"):  # to look at the page: pdftoppm -png -r 60
        (Path(folder) / "report-own-fields.pdf").write_bytes(pdf)
    text = pdf_text(pdf)
    assert "Directorate: Education and Inclusion" in text
    assert "Success criteria" in text and "Families tell us they were heard" in text
    assert "Internal note" not in text and "Budget risk" not in text
