"""Tables as files staff open in Excel: CSV with a BOM (Hangul intact) and no live formulas.

A cell that starts with =, +, -, @ or a tab/carriage return is read by spreadsheets as a formula
("=HYPERLINK(...)" can send data elsewhere). Text from documents must stay text, so such cells
get a leading apostrophe, which spreadsheets show as nothing and store as "this is text".
"""

from __future__ import annotations

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: object) -> object:
    """`value`, with a leading apostrophe when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM (Excel then reads Hangul correctly), formulas neutralised, no index."""
    safe = frame.map(neutralised) if not frame.empty else frame
    return safe.to_csv(index=False).encode("utf-8-sig")
