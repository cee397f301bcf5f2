"""Shared by every CSV download."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Stop spreadsheet formula injection: a cell starting with = + - @, tab or CR is read as text by Excel."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value
