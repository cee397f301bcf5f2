"""Build workbooks in memory for import tests."""

import io
import zipfile

from openpyxl import Workbook


def workbook(sheets: dict[str, list[list]]) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


# For hostile files: the Actions sheet's part in oxfordshire_tracker() (its third sheet), and a "billion laughs"
# document type (nine levels of ten entities: 10^9 "lol"s if a parser expanded &lol9;).
ACTIONS_XML = "xl/worksheets/sheet3.xml"
LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"".join(b"&lol%s;" % (str(n - 1).encode() if n > 1 else b"") for _ in range(10)))
        for n in range(1, 10)
    )
    + b"]>"
)


def rewritten(sheets: dict, member: str, change) -> io.BytesIO:
    """The workbook of `sheets` with one part's XML passed through `change`."""
    source = zipfile.ZipFile(workbook(sheets))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, change(data) if name == member else data)
    out.seek(0)
    return out


def oxfordshire_tracker() -> dict[str, list[list]]:
    """Oxfordshire's APP as its own tracker writes it (seed 000): its column names, leads and due wording."""
    return {
        "Plan": [
            ["Field", "Value"],
            ["Local area", "Oxfordshire"],
            ["Title", "Accelerated Progress Plan"],
            ["Type", "APP"],
            ["Inspection date", "October 2019"],
            ["Published date", "23/12/2019"],
            ["Start date", "01/02/2020"],
        ],
        "Areas of weakness": [
            ["Ref", "Area", "Findings"],
            ["1", "The quality and rigour of self-evaluation and monitoring", "Self-evaluation is overly positive."],
            ["2", "The quality of EHC plans", "The quality of EHC plans remains too variable."],
        ],
        "Actions": [
            ["Area", "Ref", "Action", "Responsible officers", "By When", "Action RAG"],
            [
                "1",
                "1.1",
                "Refresh SEND Sufficiency Strategy",
                "Head of SEND (Jayne Howarth) & Head of Access to Learning (Allyson Milward)",
                "March 2020",
                "",
            ],
            ["1", "1.2", "Complete the SEND Strategic Needs Analysis", "JSNA Team", "September 2020", None],
            [
                "1",
                "1.3",
                "Finalise the SEND Strategy",
                "Head of SEND (Jayne Howarth)",
                "To be signed off by all three agencies by December 2020",
                None,
            ],
            [
                "2",
                "2.1",
                "Use findings from multi-agency audits",
                "Head of SEND (Jayne Howarth) & DCO (Adeline Gibbs)",
                "Immediate",
                None,
            ],
            ["2", "2.2", "Review the annual review process", "Senior SENOs", "May 2020", None],
            [
                "2",
                "2.3",
                "Work with OxPCF on a shared understanding of a good EHCP",
                "SENDIASS Manager (Wendy Cliffe) & PCF Chairs (Julia Stackhouse/ Stephanie Harrison)",
                "Apr 20",
                None,
            ],
        ],
        "Risk register": [
            ["Ref", "Risk", "Severity/Impact", "Mitigation", "Owner", "Status"],
            [
                "R1",
                "If schools do not fully engage with the support offered, then inclusive practice will not embed.",
                "Medium",
                "Regular training for schools and partners.",
                "Head of SEND (Jayne Howarth)",
                "Open",
            ],
            [
                "R2",
                "If there is limited engagement with parents and carers, then it will be difficult to know which "
                "changes are making a difference.",
                "High",
                "Detailed communications plan.",
                "Head of SEND (Jayne Howarth)",
                "Open",
            ],
        ],
    }


def rbwm_tracker() -> dict[str, list[list]]:
    """RBWM's WSoA as its tracker writes it (seed 003): themes, required outcomes, leads like "DCO/CCG" and
    "Service Leader, CYPDS, PaCiP", due wording like "By the time this plan is published.", monitoring dates."""
    return {
        "Plan": [
            ["field", "value"],
            ["local area", "Royal Borough of Windsor and Maidenhead"],
            ["title", "Written Statement of Action"],
            ["type", "Written Statement of Action"],
            ["inspection date", "03/07/2017"],
            ["published date", "01/12/2017"],
            ["start date", "01/12/2017"],
        ],
        "Themes": [
            ["Ref", "Theme", "General outcomes", "Theme owner"],
            [
                "1",
                "Tardiness and delay in establishing strategies",
                "Leaders embrace accountability.",
                "Director of Children's Services",
            ],
            ["2", "The lack of leadership capacity across local area services", "DCO has capacity.", "DCO/CCG"],
        ],
        "Actions": [
            ["Theme", "Required outcome", "Ref", "Action", "Lead", "Date for delivery", "BRAG"],
            [
                "1",
                "a. Accountability structure in place",
                "1.1a",
                "Establish a SEND Steering Board",
                "DCS and CCG lead",
                "By the time this plan is published.",
                "G",
            ],
            [
                "1",
                "b. Clear communication",
                "1.1b",
                "Communicate termly on progress",
                "Chair of the SEND Steering Board",
                "Termly, beginning Dec 2017",
                "G",
            ],
            [
                "1",
                "a. Effective partnership working",
                "1.3a",
                "Strengthen the work with PaCiP",
                "Service Leader, CYPDS, PaCiP",
                "ongoing",
                "G",
            ],
            [
                "2",
                "a. DCO has capacity",
                "2.1a",
                "Agree reasonable capacity for the DCO",
                "DCO/CCG",
                "December 2017",
                "G",
            ],
        ],
        "Updates": [
            ["Action", "Monitoring date", "BRAG", "Progress", "Impact"],
            ["1.1a", "Dec 17", "G", "Board membership confirmed; met 16 November.", "Board holds agencies to account."],
            ["1.1b", "Dec 17", "G", "First Steering Board progress meeting held.", "Chair's Report published."],
            [
                "1.3a",
                "Dec 17",
                "G",
                "PaCiP engaged in developing the action plan.",
                "Wider group trained in co-production.",
            ],
            ["2.1a", "Dec 17", "G", "Additional DCO capacity agreed by the CCG.", "DCO can fulfil the CDC guidance."],
        ],
    }
