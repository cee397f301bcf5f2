"""The simple formatting the public pages' text is written in, turned into GOV.UK markup safely.

A blank line separates paragraphs; a line starting "## " is a heading ("### " a smaller one); lines starting
"- " make a bulleted list. Web and email addresses become links. Everything typed is escaped first (urlize with
autoescape), so no HTML a user writes ever reaches the page as markup.
"""

from django.utils.html import format_html, format_html_join, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

# urlize makes plain <a> links: they take the GOV.UK link style, and links out open in the same tab.
_PLAIN_LINK = '<a href="'
_GOVUK_LINK = '<a class="govuk-link" href="'


def _inline(text: str) -> SafeString:
    linked = urlize(text, nofollow=False, autoescape=True)
    return mark_safe(linked.replace(_PLAIN_LINK, _GOVUK_LINK))  # urlize escaped everything but its own links


def _blocks(text: str):
    """(kind, lines) for each heading, list and paragraph, in order."""
    kind, lines = None, []
    for raw in normalize_newlines(text).split("\n"):
        line = raw.strip()
        if line.startswith("### "):
            new = "h3"
        elif line.startswith("## "):
            new = "h2"
        elif line.startswith("- "):
            new = "ul"
        elif line:
            new = "p"
        else:
            new = None
        # A heading is one line; a list and a paragraph go on until a blank line or another kind of block.
        if lines and (new != kind or new in ("h2", "h3")):
            yield kind, lines
            lines = []
        if new is not None:
            kind = new
            lines.append(line)
    if lines:
        yield kind, lines


def statement_html(text: str) -> SafeString:
    parts = []
    for kind, lines in _blocks(text):
        if kind == "h2":
            parts.append(format_html('<h2 class="govuk-heading-m">{}</h2>', _inline(lines[0][3:])))
        elif kind == "h3":
            parts.append(format_html('<h3 class="govuk-heading-s">{}</h3>', _inline(lines[0][4:])))
        elif kind == "ul":
            items = format_html_join("", "<li>{}</li>", ((_inline(line[2:]),) for line in lines))
            parts.append(format_html('<ul class="govuk-list govuk-list--bullet">{}</ul>', items))
        else:
            parts.append(format_html('<p class="govuk-body">{}</p>', _inline(" ".join(lines))))
    return mark_safe("\n".join(parts))
