"""Small real files of each kind evidence accepts, and some it must refuse, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
# A Windows program's first bytes: what a renamed executable starts with.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
CSV = b"ref,measure,value\n1.K1,% of EHC plans within 20 weeks,41\n"


def ooxml(main_part: str, *, macros: bool = False) -> bytes:
    """A minimal Office Open XML package: [Content_Types].xml and the main part (word/document.xml for Word,
    xl/workbook.xml for Excel); with `macros`, the macro-enabled content type and a vbaProject.bin."""
    content_type = "application/vnd.ms-word.document.macroEnabled.main+xml" if macros else "application/xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types><Override ContentType="{content_type}"/></Types>')
        archive.writestr(main_part, "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name: str = "SEND panel minutes.pdf") -> SimpleUploadedFile:
    return upload(name, PDF, "application/pdf")
