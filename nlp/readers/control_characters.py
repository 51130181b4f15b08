"""Control characters in extracted text, replaced before anything stores or shows the text.

Documents carry C0/C1 control characters (vertical tab and form feed from Word and PDF page
breaks, stray bytes from mis-saved files). XML 1.0 forbids most of them, so one of them in a
suggestion breaks the DOCX export, and none of them means anything to a reader. Each is
replaced by one character (a line break for the page and line breaks, a space otherwise)
rather than deleted: the text keeps its length, so every span a reader computed into it still
points at the same characters, and the words on either side stay apart.
"""

from __future__ import annotations

import re

# C0 except tab and line feed (a carriage return becomes a line break), DEL, C1, lone
# surrogates and the two non-characters XML also forbids.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = frozenset("\x0b\x0c\r\x1c\x1d\x1e\x85")


def replace_control_characters(text: str) -> str:
    """`text` without control characters, each replaced by a newline or a space; same length."""
    return _CONTROL.sub(lambda m: "\n" if m.group() in _LINE_BREAKS else " ", text)
