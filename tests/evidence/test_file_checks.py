"""What an evidence file may be: kind by extension and content, size, name (evidence.files). No database needed."""

import pytest
from django.core.exceptions import ValidationError

from evidence.files import check_evidence_file, safe_original_name, storage_name
from tests.evidence.files import CSV, DOCX, EXE, JPEG, OLE2, PDF, PNG, XLSX, ooxml, upload


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("minutes.pdf", PDF, "application/pdf"),
        ("Audit.PDF", PDF, "application/pdf"),
        ("plan.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("old letter.doc", OLE2, "application/msword"),
        ("figures.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("old figures.xls", OLE2, "application/vnd.ms-excel"),
        ("figures.csv", CSV, "text/csv"),
        ("figures (Excel).csv", "ref,café\n1,Ü\n".encode("cp1252"), "text/csv"),
        ("poster.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
    ],
    # Named by the file's name only: an id made of undecodable bytes differs between pytest-xdist's workers.
    ids=lambda value: value if isinstance(value, str) and "/" not in value else "-",
)
def test_each_allowed_kind_is_accepted_with_its_own_content_type(name, content, content_type):
    # The browser's claimed type is ignored: the kind's is used.
    assert check_evidence_file(upload(name, content, "text/html")).content_type == content_type


def refusal(name, content) -> str:
    with pytest.raises(ValidationError) as error:
        check_evidence_file(upload(name, content))
    (message,) = error.value.messages
    return message


@pytest.mark.parametrize("name", ["report.pdf", "report.docx", "report.png", "report.csv", "report.xls"])
def test_a_renamed_executable_is_refused_whatever_it_is_called(name):
    message = refusal(name, EXE)
    extension = name.rsplit(".", 1)[1]
    assert message == (
        f"{name} cannot be attached: its content is not what a .{extension} file holds. "
        "If it was renamed, save it in its own format and try again."
    )


def test_a_web_page_called_pdf_is_refused():
    assert "not what a .pdf file holds" in refusal("report.pdf", b"<html><script>alert(1)</script></html>")


def test_a_zip_that_is_not_the_office_document_it_claims_is_refused():
    assert "not what a .docx file holds" in refusal("plan.docx", XLSX)  # an Excel workbook renamed .docx
    assert "not what a .xlsx file holds" in refusal("figures.xlsx", ooxml("something/else.xml"))
    assert "not what a .docx file holds" in refusal("plan.docx", b"PK\x03\x04 but not really a zip")


def test_an_office_document_with_macros_is_refused():
    assert "it contains macros" in refusal("plan.docx", ooxml("word/document.xml", macros=True))


def test_an_executable_type_is_refused_by_its_extension():
    assert refusal("setup.exe", EXE) == (
        "setup.exe is not a file type that can be attached. "
        "Choose a PDF, Word (.docx, .doc), Excel (.xlsx, .xls), CSV, PNG or JPEG file."
    )
    assert "is not a file type" in refusal("report.pdf.exe", EXE)
    assert "is not a file type" in refusal("page.html", b"<html></html>")


def test_a_name_without_an_extension_is_refused():
    assert "has no file type at the end of its name" in refusal("README", CSV)


def test_a_zero_byte_file_is_refused():
    assert refusal("minutes.pdf", b"") == "minutes.pdf is empty (0 bytes). Choose the file again, or another one."


def test_an_empty_csv_with_only_blank_lines_is_refused():
    assert refusal("figures.csv", b"\r\n  \n\n") == "figures.csv is empty: it has nothing but blank lines or spaces."


def test_a_binary_file_called_csv_is_refused():
    assert "not what a .csv file holds" in refusal("figures.csv", b"ref,value\n\x00\x01\x02")


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_accepted(settings):
    settings.SENDPLAN_EVIDENCE_MAX_BYTES = 1024
    at_limit = PDF + b"%" * (1024 - len(PDF))
    assert check_evidence_file(upload("big.pdf", at_limit)).label == "PDF"
    assert refusal("bigger.pdf", at_limit + b"%") == "bigger.pdf is 1.0\xa0KB. Files must be 1.0\xa0KB or smaller."


def test_the_default_limit_is_ten_megabytes(settings):
    assert settings.SENDPLAN_EVIDENCE_MAX_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system.ini.pdf", "system.ini.pdf"),
        ("C:\\Users\\Alice\\Documents\\SEND panel minutes.pdf", "SEND panel minutes.pdf"),
        ("Évaluation – café 日本語.pdf", "Évaluation – café 日本語.pdf"),
        ("E\u0301valuation.pdf", "\u00c9valuation.pdf"),  # decomposed accents, composed once
        ("minutes\x00.pdf\r\n", "minutes.pdf"),  # control characters gone
        ("...", ""),
        ("a" * 300 + ".xlsx", "a" * 195 + ".xlsx"),
    ],
)
def test_the_name_kept_is_the_files_own_name_only(given, kept):
    assert safe_original_name(given) == kept


def test_a_path_traversal_name_is_checked_as_its_last_part():
    assert check_evidence_file(upload("../../etc/passwd.pdf", PDF)).label == "PDF"
    assert "passwd.pdf cannot be attached" in refusal("../../etc/passwd.pdf", b"root:x:0:0:root:/root:/bin/bash\n")


def test_the_stored_name_is_made_up_and_never_the_uploaders():
    first, second = storage_name("pdf"), storage_name("pdf")
    assert first != second
    assert first.startswith("evidence/") and first.endswith(".pdf")
    assert ".." not in first and len(first.rsplit("/", 1)[1]) == 36  # 32 hex digits and ".pdf"
