"""Shared by every CSV download."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Excel opens a CSV without a byte order mark in the machine's legacy code page, so "£" shows as "Â£": every CSV
# download starts with one (Python's csv module and "utf-8-sig" readers skip it).
CSV_BOM = "\ufeff"


def spreadsheet_safe(value: str) -> str:
    """Stop spreadsheet formula injection: a cell starting with = + - @, tab or CR is read as text by Excel."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value
