"""Plain text typed by people (an area's outcomes, the board's summary) as the report's paragraphs and lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# What people type to start a bullet point: "- ", "* " or "• ".
BULLET = re.compile(r"^\s*[-*\u2022]\s+")


@dataclass
class TextBlock:
    """A paragraph (its lines, kept as line breaks) or a bulleted list (its items)."""

    lines: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


def text_blocks(text: str) -> list[TextBlock]:
    """Blank lines separate paragraphs; a run of lines starting with a bullet mark is a list, so the page and the
    PDF show a real list (read as one by screen readers) rather than the typed "- "."""
    blocks: list[TextBlock] = []
    current: TextBlock | None = None
    for line in text.splitlines():
        if not line.strip():
            current = None
            continue
        bullet = BULLET.match(line)
        if bullet:
            if current is None or not current.items:
                current = TextBlock()
                blocks.append(current)
            current.items.append(line[bullet.end() :].strip())
        else:
            if current is None or current.items:
                current = TextBlock()
                blocks.append(current)
            current.lines.append(line.strip())
    return blocks


def rating_counts(counts: list[tuple[str, str, int]]) -> str:
    """ "3 Green, 7 Amber, 1 Red": the ratings an area's actions have, leaving out those none has."""
    return ", ".join(f"{n} {label}" for _, label, n in counts if n)
