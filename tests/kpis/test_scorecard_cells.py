"""The scorecard's milestone cells and trend charts, built in Python (kpis/templatetags/kpi_tags.py), are the same
HTML byte for byte as the template components they replace there, which other pages still render
(kpis/_milestone_cell.html, components/trend_chart.html). Compared on the bench plan's 60 KPIs: numeric and
descriptive, targets in words and numbers, projected and provisional values, overridden RAGs."""

import pytest
from django.template import engines

from benchmarks.seed import seed_bench
from kpis import selectors

COMPONENTS = engines["django"].from_string(
    "{% load kpi_tags %}{% for row in rows %}{% with kpi=row.kpi %}"
    '{% for months in horizons %}<td class="govuk-table__cell">{% milestone_at row months as milestone %}'
    '{% include "kpis/_milestone_cell.html" %}</td>{% endfor %}|'
    '{% if row.chart %}{% include "components/trend_chart.html" with chart=row.chart chart_id=kpi.pk '
    "measurements=row.measurements %}{% endif %}{% endwith %}{% endfor %}"
)
IN_PYTHON = engines["django"].from_string(
    "{% load kpi_tags %}{% for row in rows %}{% with kpi=row.kpi %}"
    "{% milestone_cells row horizons %}|"
    "{% if row.chart %}{% trend_chart row.chart kpi row.measurements %}{% endif %}{% endwith %}{% endfor %}"
)


@pytest.fixture
def rows(db):
    bench = seed_bench(actions=2)
    rows = selectors.scorecard(bench.plan)
    return {"rows": rows, "horizons": selectors.horizons(rows)}


def test_the_cells_built_in_python_are_the_components_html(rows):
    expected = COMPONENTS.render(rows)
    assert IN_PYTHON.render(rows) == expected
    # What the comparison covered: charts with targets, words and numbers, RAGs.
    for part in ["<circle", "app-trend__target", "Target ", "govuk-tag--red", "Not rated", "–\n"]:
        assert part in expected, part


def test_the_cells_escape_what_people_wrote_and_show_projections(rows):
    row = next(row for row in rows["rows"] if row.chart)
    row.kpi.ref = "<b>K&1</b>"
    row.chart.title = 'Trend "of" <i>'
    milestone = row.milestones[0]
    milestone.target_text = "<script>alert(1)</script> fewer & better"
    row.measurements[-1].status = "provisional"
    row.chart.points[-1].projected = True
    row.chart.projected_path = "1.0,2.5 3.0,4.5"
    single = {"rows": [row], "horizons": rows["horizons"]}
    html = IN_PYTHON.render(single)
    assert html == COMPONENTS.render(single)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;K&amp;1&lt;/b&gt;" in html
    assert "(provisional)" in html and "app-trend__projected" in html and 'r="2" fill="#ffffff"' in html
