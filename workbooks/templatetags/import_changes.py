"""How the import preview shows a value, old or new (workbooks/_record_changes.html).

A filter rather than an included template: a 500-action tracker's preview shows thousands of values, and rendering
an include for each was most of the page's time (docs/benchmarks.md)."""

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html

register = template.Library()

# Longer than this, a value (an action's text, a progress narrative) shows its opening words and opens in full.
LONG = 160


@register.filter
def change_value(value) -> str:
    """A blank said in words; long text in full behind its opening words, so the table stays readable."""
    if not value:
        return format_html('<span class="govuk-hint govuk-!-margin-0">(blank)</span>')
    if len(value) > LONG:
        return format_html(
            '<details class="govuk-details govuk-!-margin-0"><summary class="govuk-details__summary">'
            '<span class="govuk-details__summary-text">{}</span></summary>'
            '<div class="govuk-details__text app-prewrap">{}</div></details>',
            truncatechars(value, 80),
            value,
        )
    return format_html('<span class="app-prewrap">{}</span>', value)
