"""Word plans as local areas publish them, built in memory with python-docx: tables per area under heading paragraphs,
labelled blocks per action (as paragraphs, bold labels or two-column tables), and the odd contents table."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document

TABLE_HEADERS = ["Ref", "Action", "Lead", "By when", "Success criteria", "RAG"]
KESTLEBURY_LABELS = [
    "What we want",
    "What we will do",
    "Where are we now",
    "What we will see",
    "The difference this will make",
]


@dataclass
class WordPlan:
    data: bytes
    filename: str


def _bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _front_matter(document, *, contents: bool = True) -> None:
    """The title, an introduction and a contents table, as published plans open."""
    document.add_heading("Northmoor Local Area SEND Written Statement of Action", level=0)
    document.add_paragraph(
        "This plan sets out how the local area partnership will address the areas of weakness identified in the "
        "joint inspection of March 2024, priority 1 first."
    )
    if contents:
        table = document.add_table(rows=0, cols=2)
        for section, page in [("Introduction", "2"), ("Our areas of weakness", "3"), ("Governance", "9")]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = section, page


def _row(table, values: list) -> None:
    cells = table.add_row().cells
    for cell, value in zip(cells, values, strict=True):
        if value is not None:
            cell.text = value


def tables_per_area_plan() -> WordPlan:
    """Contents, then three areas each with a table of actions:

    - Table 2, under "Area of weakness 1: Timeliness of EHC plans": a lead cell of two lines (two agencies), the
      header printed again at a page break (row 4), and a success criteria cell spanning the RAG column too (row 5).
    - Table 3, under "Area for improvement 2 - Transitions to adulthood": the lead merged down over both actions.
    - Table 4, after a plain paragraph: its first row a title merged across the table naming its priority.
    """
    document = Document()
    _front_matter(document)

    document.add_heading("Area of weakness 1: Timeliness of EHC plans", level=1)
    first = document.add_table(rows=0, cols=6)
    _row(first, TABLE_HEADERS)
    _row(first, ["1.1", "Recruit four EHC coordinators", "Head of SEND (Council)\nDesignated Clinical Officer (ICB)",
                 "March 2025", "Four coordinators in post", "Green"])  # fmt: skip
    _row(first, ["1.2", "Hold a weekly EHC panel", "SEND Casework Manager", "December 2024",
                 "Every request decided within six weeks", "Amber"])  # fmt: skip
    _row(first, TABLE_HEADERS)  # the header again, at the top of the next page
    _row(first, ["1.3", "Report timeliness to the board monthly", "Performance Lead", "June 2025", None, None])
    spanned = first.rows[4].cells[4].merge(first.rows[4].cells[5])
    spanned.text = "A monthly report seen by the board"

    document.add_heading("Area for improvement 2 - Transitions to adulthood", level=1)
    second = document.add_table(rows=0, cols=4)
    _row(second, ["Action", "Lead", "By when", "Progress"])
    _row(second, ["Publish a preparing for adulthood pathway", None, "September 2025", "Drafted with the forum"])
    _row(second, ["Train year 9 reviewers", None, "July 2025", None])
    merged = second.rows[1].cells[1].merge(second.rows[2].cells[1])
    merged.text = "Head of Transitions (Council)"

    document.add_paragraph("The partnership added a third priority after the monitoring visit.")
    third = document.add_table(rows=0, cols=3)
    _row(third, ["Priority 3: Co-production with families", None, None])
    title = third.rows[0].cells[0].merge(third.rows[0].cells[2])
    title.text = "Priority 3: Co-production with families"
    _row(third, ["Ref", "Action", "Lead"])
    _row(third, ["3.1", "Parent carer forum on every board", "Director of Children's Services"])
    return WordPlan(_bytes(document), "northmoor-wsoa.docx")


KESTLEBURY_AREA_1 = "Area of weakness 1: Communication with families"
KESTLEBURY_AREA_2 = "Area of weakness 2: Joint commissioning"


def labelled_blocks_plan() -> WordPlan:
    """Kestlebury's shape: under each area heading, a block per action opened by "Action 1.1", its five fields plus
    Lead and By when. Area 1 writes "Label: value" paragraphs (its second block has no "Where are we now"); area 2
    writes each label as a bold paragraph with the value in the paragraphs below, one of them two bullets."""
    document = Document()
    _front_matter(document, contents=False)
    document.add_heading(KESTLEBURY_AREA_1, level=1)
    blocks = [
        ("1.1", ["Families know who to contact", "Name a key worker for every family waiting for an assessment",
                 "Families tell us they do not know who is dealing with their request",
                 "A key worker named on every request", "Families are less anxious while they wait",
                 "Head of SEND (Council)", "March 2025"]),
        ("1.2", ["Letters families can understand", "Rewrite our standard letters with the parent carer forum",
                 None, "New letters in use", "Fewer complaints about letters",
                 "SEND Casework Manager", "June 2025"]),
    ]  # fmt: skip
    for ref, values in blocks:
        document.add_paragraph(f"Action {ref}", style="Heading 3")
        for label, value in zip([*KESTLEBURY_LABELS, "Lead", "By when"], values, strict=True):
            if value is not None:
                document.add_paragraph(f"{label}: {value}")
    document.add_heading(KESTLEBURY_AREA_2, level=1)
    document.add_paragraph("Action 2.1", style="Heading 3")
    values = {
        "What we want": ["Therapies commissioned jointly"],
        "What we will do": ["Agree a pooled budget for speech and language therapy"],
        "Where are we now": ["Budgets held separately by the council and the ICB"],
        "What we will see": ["A signed section 75 agreement", "Waiting times published each term"],
        "The difference this will make": ["Children wait less for therapy"],
        "Lead": ["Designated Clinical Officer (ICB)"],
        "By when": ["September 2025"],
    }
    for label, lines in values.items():
        document.add_paragraph().add_run(label).bold = True
        for line in lines:
            document.add_paragraph(line, style="List Bullet" if len(lines) > 1 else None)
    return WordPlan(_bytes(document), "kestlebury-wsoa.docx")


def label_table_plan() -> WordPlan:
    """A two-column table per action, labels left and values right: the first under an "Action 1.1" paragraph, the
    second with "Action 1.2" in a row merged across the table; the third action's table under the next priority."""
    document = Document()
    _front_matter(document)

    def block(rows: list[tuple[str, str]], opener: str = "") -> None:
        table = document.add_table(rows=0, cols=2)
        if opener:
            _row(table, [opener, None])
            table.rows[0].cells[0].merge(table.rows[0].cells[1]).text = opener
        for label, value in rows:
            _row(table, [label, value])
        document.add_paragraph()

    document.add_heading("Priority 1: Early identification of need", level=1)
    document.add_paragraph("Action 1.1")
    block(
        [("What we want", "Needs identified in the early years"), ("What we will do", "Train every nursery SENCo"),
         ("Lead", "Early Years Lead (Council)"), ("By when", "April 2025"), ("Success criteria", "90% trained")]
    )  # fmt: skip
    block(
        [("What we want", "Health visitors share concerns early"),
         ("What we will do", "Add a SEND prompt to the two-year check"), ("Lead", "Health Visiting Manager, Northmoor "
         "NHS Trust"), ("By when", "July 2025")],
        opener="Action 1.2",
    )  # fmt: skip
    document.add_heading("Priority 2: Inclusion in mainstream schools", level=1)
    document.add_paragraph("Action 2.1")
    block(
        [("What we want", "Fewer suspensions of children with SEND"),
         ("What we will do", "Fund an inclusion outreach team"), ("Lead", "Head of Inclusion (Council)"),
         ("By when", "December 2025"), ("Success criteria", "Suspensions down by a quarter")]
    )  # fmt: skip
    return WordPlan(_bytes(document), "northmoor-priorities.docx")


def contents_only_plan() -> WordPlan:
    """A document whose one table is its contents: no actions in it."""
    document = Document()
    _front_matter(document)
    return WordPlan(_bytes(document), "contents.docx")


def empty_plan() -> WordPlan:
    return WordPlan(_bytes(Document()), "empty.docx")
