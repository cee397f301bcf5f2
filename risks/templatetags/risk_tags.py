from django import template

from risks.models import BAND_TAG_CLASS, Band

register = template.Library()

DIRECTION_TEXT = {
    "up": ("↑", "Higher than"),
    "down": ("↓", "Lower than"),
    "unchanged": ("→", "Same as"),
    "new": ("", "New since"),
}


@register.inclusion_tag("components/rag_tag.html")
def band_tag(code: str):
    if not code:
        return {"css": "govuk-tag--grey", "label": "Not assessed"}
    return {"css": BAND_TAG_CLASS[Band(code)], "label": Band(code).label}


@register.simple_tag
def direction(row, since) -> str:
    """Movement since the previous reporting period, in words (the arrow is decoration)."""
    if not row.direction:
        return "Not scored"
    arrow, words = DIRECTION_TEXT[row.direction]
    period = since.name if since else "the previous period"
    return f"{arrow} {words} {period}".strip() + (f" ({row.previous_score})" if row.previous_score else "")


# Cell fills for the heat map, light enough for black text; the band is also written in each cell's title.
CELL_FILL = {Band.LOW: "#cce2d8", Band.MEDIUM: "#fff7bf", Band.HIGH: "#fcd6c3", Band.VERY_HIGH: "#f4cdc6"}


@register.filter
def cell_fill(band: str) -> str:
    return CELL_FILL.get(band, "#f3f2f1")
