from django import template

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
