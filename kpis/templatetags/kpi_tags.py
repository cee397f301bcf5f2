"""Template helpers for KPIs, and the scorecard's per-KPI cells (milestones, trend chart) built in Python.

The scorecard shows 60 KPIs, each with five milestone cells and a trend chart of 24 points with its data table:
rendered in the template language, with an include per cell and per chart, that was nearly all of the page's time
(about half a second). Built here with format_html, which escapes every value as the template would, the HTML is
the same byte for byte as the components it replaces (kpis/_milestone_cell.html, components/trend_chart.html and
trend_chart_svg.html, which the KPI page, the exceptions page and the report still render; tests/kpis/
test_scorecard_cells.py compares the two).
"""

from __future__ import annotations

import functools
from decimal import Decimal

from django import template
from django.conf import settings
from django.template.defaultfilters import truncatewords
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from actions.templatetags.sendplan_tags import rag_tag

register = template.Library()


@register.simple_tag
def kpi_value(kpi, value) -> str:
    """A value in the KPI's unit ("54.5%", "12"), or an en dash when there is none."""
    return kpi.format_value(value) or "–"


@register.simple_tag
def milestone_at(row, months):
    return row.milestone_at(months)


@register.filter
def needs_commentary(row, milestone) -> bool:
    return row.needs_commentary(milestone)


@functools.lru_cache(maxsize=512)
def _month(day) -> str:
    # {{ day|date:"M Y" }} (nothing to escape): the KPIs share their 24 months, and formatting is a row's main cost.
    return formats.date_format(day, "M Y")


def _number_formatter():
    """{{ value }} of a number, as the template localizes it (formats.localize), for one chart: the locale's
    decimal separator is looked up once, not for each of a chart's hundred numbers. Without thousands separators
    (USE_THOUSAND_SEPARATOR off, as here) localize writes a Decimal as f"{value:f}" and a float as str(value) with
    the separator swapped in; anything else goes to localize itself."""
    if settings.USE_THOUSAND_SEPARATOR:
        return formats.localize
    separator = formats.get_format("DECIMAL_SEPARATOR")

    def number(value) -> str:
        if isinstance(value, Decimal):
            text = f"{value:f}"
        elif isinstance(value, float) and "e" not in (text := str(value)):
            pass
        else:
            return formats.localize(value)
        return text if separator == "." else text.replace(".", separator)

    return number


MILESTONE_CELL = '\n<span class="app-prewrap">{}</span>\n{}\n<br><span class="govuk-body-s">by {}</span>\n<br>{}{}\n\n'


def milestone_cell(kpi, milestone) -> str:
    """kpis/_milestone_cell.html."""
    if not milestone:
        return "–\n"
    target = ""
    if milestone.target_text:
        target = conditional_escape(truncatewords(milestone.target_text, 25))
    elif milestone.target_value is not None:
        target = format_html("Target {}", kpi_value(kpi, milestone.target_value))
    elif milestone.target_benchmark:
        target = format_html("Target: {}", milestone.target_benchmark)
    elif milestone.target_direction:
        target = format_html("Target: {}", kpi.direction_word)
    both = ""
    if milestone.target_text and milestone.target_value is not None:
        both = format_html('<br><span class="govuk-body-s">Target {}</span>', kpi_value(kpi, milestone.target_value))
    if milestone.target_benchmark and (milestone.target_text or milestone.target_value is not None):
        both += format_html('<br><span class="govuk-body-s">Benchmark: {}</span>', milestone.target_benchmark)
    if milestone.target_direction and milestone.target_text:
        both += format_html('<br><span class="govuk-body-s">Target: {}</span>', kpi.direction_word)
    overridden = ""
    if milestone.is_overridden:
        overridden = format_html(
            ' <span class="govuk-body-s">(numbers suggest {})</span>', milestone.get_suggested_rag_display()
        )
    return format_html(MILESTONE_CELL, target, both, _month(milestone.due_date), rag_tag(milestone.rag), overridden)


@register.simple_tag
def milestone_cells(row, horizons) -> str:
    """One <td> per horizon, as the scorecard's loop over {% include "kpis/_milestone_cell.html" %} wrote them."""
    return mark_safe(
        "".join(
            f'<td class="govuk-table__cell">{milestone_cell(row.kpi, row.milestone_at(months))}</td>'
            for months in horizons
        )
    )


SVG = (
    '\n<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title-{id}" '
    'xmlns="http://www.w3.org/2000/svg">\n  <title id="chart-title-{id}">{title}</title>\n  {target}\n  {actual}\n'
    "  {projected}\n  {points}\n</svg>\n"
)
TARGET_LINE = '<line class="app-trend__target" x1="0" x2="{}" y1="{}" y2="{}" stroke="#505a5f" stroke-dasharray="3 3"/>'
ACTUAL_LINE = '<polyline class="app-trend__line" points="{}" fill="none" stroke="#1d70b8" stroke-width="2"/>'
PROJECTED_LINE = (
    '<polyline class="app-trend__projected" points="{}" fill="none" stroke="#1d70b8" stroke-width="2" '
    'stroke-dasharray="4 3"/>'
)
POINT = '<circle class="app-trend__point" cx="{}" cy="{}" r="{}" fill="{}" stroke="#1d70b8"/>'
# A point's radius and fill: projected values are hollow and smaller.
PROJECTED, ACTUAL = ("2", "#ffffff"), ("2.5", "#1d70b8")
CHART = (
    '\n<div class="app-trend">\n  {svg}\n  {target}\n  <details class="govuk-details">\n'
    '    <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Data'
    '<span class="govuk-visually-hidden"> for {ref}</span></span></summary>\n'
    '    <div class="govuk-details__text">\n      <table class="govuk-table app-table--compact">\n'
    '        <caption class="govuk-table__caption govuk-visually-hidden">Values of {ref} by period</caption>\n'
    '        <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">'
    'Period</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">Value</th></tr></thead>\n'
    '        <tbody class="govuk-table__body">\n          {rows}\n        </tbody>\n      </table>\n'
    "    </div>\n  </details>\n</div>\n"
)
DATA_ROW = (
    '<tr class="govuk-table__row"><td class="govuk-table__cell">{}{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td></tr>'
)


def trend_chart_svg(chart, chart_id, number=None) -> str:
    """components/trend_chart_svg.html. Numbers need no escaping: they are written straight into the markup."""
    number = number or _number_formatter()
    e = conditional_escape
    target = ""
    if chart.target_y is not None:
        y = number(chart.target_y)
        target = TARGET_LINE.format(number(chart.width), y, y)
    points = "".join(
        POINT.format(number(p.x), number(p.y), *(PROJECTED if p.projected else ACTUAL)) for p in chart.points
    )
    return SVG.format(
        w=number(chart.width),
        h=number(chart.height),
        id=e(chart_id),
        title=e(chart.title),
        target=target,
        actual=format_html(ACTUAL_LINE, chart.actual_path) if chart.actual_path else "",
        projected=format_html(PROJECTED_LINE, chart.projected_path) if chart.projected_path else "",
        points=points,
    )


@register.simple_tag
def trend_chart(chart, kpi, measurements) -> str:
    """components/trend_chart.html with chart_id=kpi.pk: the KPI's trend line and its values in a table."""
    number = _number_formatter()
    e = conditional_escape
    rows = "".join(
        DATA_ROW.format(
            e(m.period_label) if m.period_label else _month(m.period_date),
            "" if m.status == "actual" else f" ({e(m.get_status_display().lower())})",
            e(m.value_text) if m.value is None else number(m.value),
        )
        for m in measurements
    )
    target = ""
    if chart.target_label:
        target = format_html('<span class="govuk-body-s">Dashed line: {}</span>', chart.target_label.lower())
    svg = trend_chart_svg(chart, kpi.pk, number)
    return mark_safe(CHART.format(svg=svg, target=target, ref=e(kpi.ref), rows=rows))


# How a value's status shows beside it: provisional and projected figures are marked, actual ones are not.
STATUS_TAG = {"provisional": "govuk-tag--yellow", "projected": "govuk-tag--grey"}


def _value_words(kpi, measurement) -> str:
    return kpi.format_value(measurement.value) if kpi.is_numeric else measurement.value_text


@register.simple_tag
def status_tag(measurement) -> str:
    """A tag for a provisional or projected value ('' for an actual one)."""
    css = STATUS_TAG.get(measurement.status)
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, measurement.get_status_display()) if css else ""


@register.simple_tag
def restated_from(kpi, measurement) -> str:
    """For each value this one restated (selectors.with_restatements gives them as `earlier`), a line with the
    earlier value struck through and when it was replaced: "Restated on 12 Mar 2025 from 54% (provisional)"."""
    return format_html_join(
        "",
        '<br><span class="govuk-body-s app-restated">Restated on {} from <del>{}</del>{}</span>',
        (
            (
                formats.date_format(timezone.localtime(earlier.restated_at), "j M Y"),
                _value_words(kpi, earlier),
                "" if earlier.status == "actual" else f" ({earlier.get_status_display().lower()})",
            )
            for earlier in getattr(measurement, "earlier", [])
        ),
    )


@register.simple_tag
def comparators(kpi, measurement) -> str:
    """The comparators given for the value's period, beside it: "England 54.2% · Region 51%"."""
    given = measurement.comparators
    if not given:
        return ""
    text = " · ".join(f"{label} {kpi.format_value(value)}" for label, value in given)
    return format_html('<br><span class="govuk-body-s">{}</span>', text)


@register.simple_tag
def period_of(measurement) -> str:
    """The period as published ("Q4 2024"), or the value's month ("Mar 2026") when no words were given."""
    return measurement.period
