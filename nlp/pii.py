"""Mask personal data (phone numbers, e-mail addresses, resident registration numbers) in text shown to users.

Minutes list participants' and officials' contacts. What fieldvoice stores and shows is masked;
the original stays only in the raw document under `data/raw/`. Masks keep the length of what
they hide (010-1234-5678 -> 010-****-****), so character spans into a document stay valid
after masking and a suggestion still points at its exact source sentence.
"""

from __future__ import annotations

import re

# An address never starts inside another one or inside a masked part: that keeps masking idempotent.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-@*])([A-Za-z0-9])([A-Za-z0-9._%+\-]*)(@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})"
)
_RRN = re.compile(r"(?<!\d)(\d{6}\s?-\s?)([1-8]\d{6})(?!\d)")
_PHONE = re.compile(
    r"(?<![\d\-])((?:\+82[\s\-]?(?:\(0\))?\s?\d{1,2}|0\d{1,2})[\s\-.)]?)(\d{3,4}[\s\-.]\d{4})(?![\d\-])"
    r"|(?<![\d\-])((?:15|16|18)\d{2}-)(\d{4})(?![\d\-])"
    r"|(?<![\d\-])(01[016789])(\d{7,8})(?![\d\-])"  # a mobile number typed without separators
)


def _stars(text: str) -> str:
    return re.sub(r"[0-9A-Za-z._%+\-]", "*", text)


def _mask_phone(match: re.Match[str]) -> str:
    head = match.group(1) or match.group(3) or match.group(5)
    tail = match.group(2) or match.group(4) or match.group(6)
    return head + re.sub(r"\d", "*", tail)


def mask_personal_data(text: str) -> str:
    """Hide e-mail local parts, resident registration numbers and phone numbers; length is preserved."""
    text = _EMAIL.sub(lambda m: m.group(1) + _stars(m.group(2)) + m.group(3), text)
    text = _RRN.sub(lambda m: m.group(1) + "*" * len(m.group(2)), text)
    return _PHONE.sub(_mask_phone, text)
