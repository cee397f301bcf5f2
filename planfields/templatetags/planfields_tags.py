"""The plan's own fields on the area and action pages (templates in actions use this library: planfields is the
app that contributes them, listed as a plug-in point in docs/architecture.md)."""

from django import template

from planfields.selectors import record_values

register = template.Library()


@register.inclusion_tag("planfields/_values.html")
def own_fields(record, change_url: str = "", public_only: bool = False):
    """The record's own fields in the plan's order, each with its value (long text keeps its line breaks). One
    query, whatever the number of fields."""
    return {"own_values": record_values(record, public_only=public_only), "change_url": change_url}
