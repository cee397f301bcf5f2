"""The RAG distribution as SVG stacked bars, one per area: drawn on the server so the same chart works in the
browser, in print and in WeasyPrint. Each segment carries its count as text and a <title>; a table follows it."""

from __future__ import annotations

from dataclasses import dataclass

# Fills match the GOV.UK tag colours the RAG tags use; text colour keeps 4.5:1 contrast on each.
FILL = {
    "blue": ("#1d70b8", "#ffffff"),
    "green": ("#00703c", "#ffffff"),
    "amber": ("#ffdd00", "#0b0c0c"),
    "red": ("#d4351c", "#ffffff"),
    "white": ("#f3f2f1", "#0b0c0c"),
    "": ("#b1b4b6", "#0b0c0c"),
}
LABEL_WIDTH, BAR_WIDTH, ROW_HEIGHT, BAR_HEIGHT = 70, 560, 40, 28
MIN_WIDTH_FOR_TEXT = 22


@dataclass
class Segment:
    x: float
    width: float
    code: str
    label: str
    count: int
    fill: str
    text_fill: str

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def show_text(self) -> bool:
        return self.width >= MIN_WIDTH_FOR_TEXT


@dataclass
class Bar:
    label: str
    title: str
    y: int
    total: int
    segments: list[Segment]

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5


@dataclass
class StackedBars:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH


def rag_stacked_bars(rows: list[tuple[str, str, list[tuple[str, str, int]]]]) -> StackedBars:
    """rows: (short label, full title, [(code, label, count), ...]). Each bar is scaled to its own total, so areas
    of different sizes compare by proportion; the counts are written on the bars and in the table."""
    bars = []
    for index, (label, title, counts) in enumerate(rows):
        total = sum(n for _, _, n in counts)
        x = float(LABEL_WIDTH)
        segments = []
        for code, rag_label, count in counts:
            if not count:
                continue
            width = round(BAR_WIDTH * count / total, 1)
            fill, text_fill = FILL.get(code, FILL[""])
            segments.append(Segment(x, width, code, rag_label, count, fill, text_fill))
            x += width
        bars.append(Bar(label=label, title=title, y=index * ROW_HEIGHT + 6, total=total, segments=segments))
    return StackedBars(bars=bars, width=LABEL_WIDTH + BAR_WIDTH + 10, height=max(1, len(rows)) * ROW_HEIGHT + 8)
