"""The board dashboard's long lists (movement, Red actions, overdue actions, KPI milestones, flags), built in Python.

At 500 actions the dashboard lists some 800 actions and milestones. Rendered row by row in the template language,
with a {% url %}, a |truncatewords and half a dozen lookups each, those rows were half the page's time; built here
with format_html (which escapes every value, as the template would) they cost a few milliseconds. The markup is
kept as near the template's as possible: each row's HTML is a format string below. Django's admin builds its change
list rows the same way, for the same reason.
"""

from __future__ import annotations

import functools

from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join

from actions.templatetags.sendplan_tags import rag_tag, words
from sendplan.links import url_for_pk

register = template.Library()

MOVE = '<li><a class="govuk-link" href="{}">{}</a> {} to {}</li>'
ACTION_CELL = '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a> {}</td>'
RED = (
    '<tr class="govuk-table__row">{}<td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell app-prewrap">{}</td></tr>'
)
OVERDUE = (
    '<tr class="govuk-table__row">{}<td class="govuk-table__cell">{}</td><td class="govuk-table__cell">{}{}</td></tr>'
)
MILESTONE = (
    '<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a> {}</td>'
    '<td class="govuk-table__cell">{} ({} months)</td><td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell">{}</td></tr>'
)
FLAG = '<a class="govuk-link" href="{}">{}</a>'


def _date_formatter():
    """formats.date_format, remembering each date's text for one list: many actions and milestones share a due
    date, and formatting one is most of a row's cost."""
    return functools.lru_cache(maxsize=None)(formats.date_format)


def _leads(leads: dict, action) -> str:
    return "; ".join(lead.post_title for lead in leads.get(action.pk, ()))


def _action_cell(url, action, count: int):
    return format_html(ACTION_CELL, url(action.pk), action.ref, words(action.text, count))


@register.simple_tag
def move_items(moves):
    """<li>s: each action's ref, linked, and its rating before and after."""
    url = url_for_pk("action-detail")
    return format_html_join(
        "", MOVE, ((url(m.action.pk), m.action.ref, rag_tag(m.before), rag_tag(m.after)) for m in moves)
    )


@register.simple_tag
def red_rows(reds, leads):
    """Table rows: each Red action, its leads' posts and its recovery note."""
    url = url_for_pk("action-detail")
    rows = ((_action_cell(url, red.action, 16), _leads(leads, red.action), red.update.recovery_note) for red in reds)
    return format_html_join("", RED, rows)


@register.simple_tag
def overdue_rows(actions, leads):
    """Table rows: each overdue action, its leads' posts and its due date (marked if revised)."""
    url, date = url_for_pk("action-detail"), _date_formatter()
    return format_html_join(
        "",
        OVERDUE,
        (
            (
                _action_cell(url, action, 16),
                _leads(leads, action),
                date(action.effective_due_date),
                " (revised)" if action.revised_due_date else "",
            )
            for action in actions
        ),
    )


@register.simple_tag
def milestone_rows(lines):
    """Table rows: each milestone's KPI (linked), due date, target and rating."""
    url, date = url_for_pk("kpi-detail"), _date_formatter()
    return format_html_join(
        "",
        MILESTONE,
        (
            (
                url(line.kpi.pk),
                line.kpi.ref,
                words(line.kpi.measure, 10),
                date(line.milestone.due_date),
                formats.localize(line.milestone.months),
                formats.localize(line.milestone.target_text or line.milestone.target_value or "–"),
                rag_tag(line.rating),
            )
            for line in lines
        ),
    )


@register.simple_tag
def flag_links(flags):
    """The flagged actions' refs, linked, separated by commas."""
    url = url_for_pk("action-detail")
    return format_html_join(", ", FLAG, ((url(flag.action.pk), flag.action.ref) for flag in flags))
