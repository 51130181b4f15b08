"""Text from documents shown as text: never as HTML or Markdown.

Suggestions, organisations, tour and file names come from documents that anyone may have written;
wherever a page puts them inside Markdown, every character Markdown or HTML would read as markup
is escaped first, so `<iframe>`, `![](http://…)` or `*강조*` show as the characters they are.
"""

from __future__ import annotations

import re

import pandas as pd

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&:$=])")


def plain(value: object) -> str:
    """`value` as Markdown that renders as exactly its own characters (empty for missing values)."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    text = " ".join(str(value).split())  # line breaks and tabs would start Markdown blocks
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def day(value: object) -> str:
    """A date as YYYY-MM-DD, or "-" when there is none."""
    if value is None or pd.isna(value):
        return "-"
    return pd.Timestamp(value).strftime("%Y-%m-%d")
