"""What an evidence file may be: its kind judged by its name's extension AND its first bytes, its size, its name.

A file called report.pdf that is really a program (or a web page, which a browser would run if it were ever shown
inline) is refused: the extension says what the uploader claims, the bytes what the file is, and both must agree
with a kind on the list. The content type served with a download is the kind's, never what the browser sent.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

# How much of a file the checks read: enough for every signature, and for a CSV's encoding to show.
SNIFF_BYTES = 64 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of Word 97-2003 and Excel 97-2003 files
ZIP = b"PK\x03\x04"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
NAME_MAX = 200


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    # Which part a zip must hold to be this kind of Office document (a .docx is a zip with word/document.xml).
    ooxml_part: str = ""


KINDS = {
    "pdf": Kind("PDF", "application/pdf"),
    "docx": Kind(
        "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/document.xml"
    ),
    "doc": Kind("Word 97-2003", "application/msword"),
    "xlsx": Kind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/workbook.xml"),
    "xls": Kind("Excel 97-2003", "application/vnd.ms-excel"),
    "csv": Kind("CSV", "text/csv"),
    "png": Kind("PNG image", "image/png"),
    "jpg": Kind("JPEG image", "image/jpeg"),
    "jpeg": Kind("JPEG image", "image/jpeg"),
}
ALLOWED_WORDS = "PDF, Word (.docx, .doc), Excel (.xlsx, .xls), CSV, PNG or JPEG"
# What an <input type=file> offers by default (a hint to the browser: the server decides).
ACCEPT = ",".join(f".{extension}" for extension in KINDS)


def max_bytes() -> int:
    return settings.SENDPLAN_EVIDENCE_MAX_BYTES


def safe_original_name(name: str) -> str:
    """The uploader's file name as people will read it: the last part of any path (a browser may send
    'C:\\Users\\...\\report.pdf', an attacker '../../etc/passwd.pdf'), normalised, without control characters, and
    shortened to fit keeping its extension. Only ever shown and offered as a download's name; never a storage path."""
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".").strip()
    if len(name) > NAME_MAX:
        suffix = PurePosixPath(name).suffix[:12]
        name = name[: NAME_MAX - len(suffix)].rstrip() + suffix
    return name


def extension_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def storage_name(extension: str) -> str:
    """A name the app makes up for the stored bytes: a random one, under the month it was added, with the checked
    extension (so a person browsing the bucket can tell a PDF from a spreadsheet, and nothing typed gets in)."""
    now = timezone.now()
    return f"evidence/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"


def _read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _ooxml_holds(upload, part: str) -> tuple[bool, bool]:
    """Whether the zip is an Office document with `part`, and whether it carries macros (a .docm renamed .docx).
    Reads only the zip's directory and its small content-types part, never the whole of a member."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            macros = any(name.lower().endswith("vbaproject.bin") for name in names)
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size <= 1024 * 1024:
                    macros = macros or b"macroenabled" in archive.read(info).lower()
            return part in names and "[Content_Types].xml" in names, macros
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError, RuntimeError):
        return False, False
    finally:
        upload.seek(0)


def _looks_like_text(head: bytes) -> bool:
    """A CSV is text: no NUL bytes, and readable as UTF-8 or the Windows encoding Excel saves in."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            # The sniffed head may end part-way through a UTF-8 character: that is not an error.
            if encoding == "utf-8-sig" and error.start >= len(head) - 3 and len(head) == SNIFF_BYTES:
                return True
            continue
        return True
    return False


def _content_matches(kind: str, head: bytes, upload) -> tuple[bool, str]:
    """Whether the first bytes are those of `kind`, and if not, why (in words a lead can act on)."""
    if kind == "pdf":
        # The header may follow a little junk (some scanners write some), but must be near the start.
        return b"%PDF-" in head[:1024], ""
    if kind == "png":
        return head.startswith(PNG), ""
    if kind in ("jpg", "jpeg"):
        return head.startswith(JPEG), ""
    if kind in ("doc", "xls"):
        return head.startswith(OLE2), ""
    if kind in ("docx", "xlsx"):
        if not head.startswith(ZIP):
            return False, ""
        holds, macros = _ooxml_holds(upload, KINDS[kind].ooxml_part)
        if macros:
            return False, "it contains macros. Save it without macros (as a plain .docx or .xlsx) and try again"
        return holds, ""
    if kind == "csv":
        return head.strip() != b"" and _looks_like_text(head), ""
    return False, ""


def check_evidence_file(upload) -> Kind:
    """Refuse (ValidationError naming the file) anything that is not an allowed kind, by both its extension and its
    content, that is empty, or that is over the size limit. Returns the kind."""
    name = safe_original_name(upload.name or "")
    shown = name or "The file"
    if not name or not extension_of(name):
        raise ValidationError(
            f"{shown} has no file type at the end of its name. Choose a {ALLOWED_WORDS} file.", code="no_extension"
        )
    extension = extension_of(name)
    if extension not in KINDS:
        raise ValidationError(
            f"{name} is not a file type that can be attached. Choose a {ALLOWED_WORDS} file.", code="extension"
        )
    if not upload.size:
        raise ValidationError(f"{name} is empty (0 bytes). Choose the file again, or another one.", code="empty")
    if upload.size > max_bytes():
        raise ValidationError(
            f"{name} is {filesizeformat(upload.size)}. Files must be {filesizeformat(max_bytes())} or smaller.",
            code="too_big",
        )
    head = _read_head(upload)
    matches, why = _content_matches(extension, head, upload)
    if not matches:
        if extension == "csv" and head.strip() == b"":
            raise ValidationError(f"{name} is empty: it has nothing but blank lines or spaces.", code="empty")
        reason = why or f"its content is not what a .{extension} file holds"
        raise ValidationError(
            f"{name} cannot be attached: {reason}. If it was renamed, save it in its own format and try again.",
            code="content",
        )
    return KINDS[extension]
