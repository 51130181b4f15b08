"""Mask personal data in text shown to users: contacts, identity numbers, accounts and cards.

Minutes list participants' and officials' contacts, and forms ask for numbers no one should
read back. What fieldvoice stores and shows is masked; the original stays only in the raw
document under `data/raw/`. Masks keep the length of what they hide (010-1234-5678 ->
010-****-****), so character spans into a document stay valid after masking and a suggestion
still points at its exact source sentence. Masking is idempotent: a masked text has nothing
left to mask.

Each rule names the part it hides (`hide`); within that part only digits (and letters, for
passports and e-mail) become `*`, separators stay. Rules match on a copy of the text where
full-width digits and dashes (０１０－１２３４) read as ASCII, character for character, so the
positions they find are positions in the original. Numbers that are not personal (years,
dates, amounts such as 1,000억원, percentages, counts) must stay as they are: every rule needs a
shape such numbers do not have (a leading 0 for phones, a valid birth date before a resident
number's back seven digits, three or more hyphenated groups of 10-14 digits for an account).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_AS_ASCII = str.maketrans(
    {
        **{chr(0xFF10 + d): str(d) for d in range(10)},  # full-width digits
        **dict.fromkeys("－‐‑‒–—―−﹣", "-"),
        "（": "(",
        "）": ")",
        "．": ".",
        "＋": "+",
        "＠": "@",
        "\u3000": " ",
        "\xa0": " ",
    }
)

_DIGITS = re.compile(r"[0-9]")
_ALPHANUMERIC = re.compile(r"[0-9A-Za-z]")
_EMAIL_CHARACTERS = re.compile(r"[0-9A-Za-z._%+\-]")

# Lookarounds shared by the number rules: a number is never part of a longer one.
_START = r"(?<![0-9\-])"
_END = r"(?![0-9\-])"


@dataclass(frozen=True)
class _Rule:
    """One kind of personal data: where it is, and which of its characters become `*`."""

    pattern: re.Pattern[str]
    hidden: re.Pattern[str] = _DIGITS
    accept: Callable[[re.Match[str]], bool] | None = None


def _account_like(match: re.Match[str]) -> bool:
    """10-14 digits in all, and not a list of years (2020-2021-2022)."""
    groups = match.group(0).split("-")
    if not 10 <= sum(len(g) for g in groups) <= 14:
        return False
    return not all(re.fullmatch(r"(?:19|20)[0-9]{2}", g) for g in groups)


def _rule(pattern: str, hidden: re.Pattern[str] = _DIGITS, accept: Callable | None = None) -> _Rule:
    return _Rule(re.compile(pattern, re.ASCII), hidden, accept)


_RULES = (
    # E-mail: the local part after its first character. An address never starts inside
    # another one or inside a masked part: that keeps masking idempotent.
    _rule(
        r"(?<![A-Za-z0-9._%+\-@*])[A-Za-z0-9](?P<hide>[A-Za-z0-9._%+\-]*)@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}",
        _EMAIL_CHARACTERS,
    ),
    # Resident and foreign resident registration numbers: the back seven digits. Without a
    # hyphen the front six must be a birth date (YYMMDD), so other 13-digit numbers stay.
    _rule(r"(?<![0-9])[0-9]{6}\s?-\s?(?P<hide>[1-8][0-9]{6})(?![0-9])"),
    _rule(r"(?<![0-9])[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?P<hide>[1-8][0-9]{6})(?![0-9])"),
    # Phones: area code or prefix kept (02, 010, +82 10, (02)), subscriber number hidden.
    _rule(
        _START + r"(?:\+82[\s\-]?(?:\(0\))?\s?[0-9]{1,2}|0[0-9]{1,2})\)?[\s\-.]?"
        r"(?P<hide>[0-9]{3,4}[\s\-.][0-9]{4})" + _END
    ),
    # Representative numbers (1588-1234); with a space or dot only the known prefixes that are
    # not round numbers, so that years or counts side by side (1600 1700, 1800 2000) stay.
    _rule(_START + r"1[568][0-9]{2}-(?P<hide>[0-9]{4})" + _END),
    _rule(
        _START + r"(?:15(?:22|44|66|77|88|99)|16(?:44|61|66|68|70|88)|18(?:11|33|55|77|99))"
        r"[ .](?P<hide>[0-9]{4})" + _END
    ),
    _rule(_START + r"01[016789](?P<hide>[0-9]{7,8})" + _END),  # a mobile typed without separators
    # Card numbers: four groups of four, starting 3-9 as issuers' numbers do (years and
    # counts in a row start with 1 or 2); the issuer's first four digits stay.
    _rule(_START + r"[3-9][0-9]{3}(?P<hide>([\s\-])[0-9]{4}\2[0-9]{4}\2[0-9]{4})" + _END),
    # Driver's licences (11-12-345678-90, 서울 12-345678-90): the region stays.
    _rule(_START + r"(?:[0-9]{2}|[가-힣]{2})[\s\-]?(?P<hide>[0-9]{2}-[0-9]{6}-[0-9]{2})" + _END),
    # Business registration numbers (123-45-67890): the tax office code stays.
    _rule(_START + r"[0-9]{3}-(?P<hide>[0-9]{2}-[0-9]{5})" + _END),
    # Bank accounts (123-456789-01-234, 110-123-456789, 3333-01-1234567): the first group
    # stays. Phones start with 0 and are left to the phone rules.
    _rule(_START + r"[1-9][0-9]{1,5}(?P<hide>(?:-[0-9]{2,7}){2,3})" + _END, accept=_account_like),
    # Passports (M12345678, and since 2021 M123A4567): the type letter stays.
    _rule(
        r"(?<![A-Za-z0-9])[MSRODG](?P<hide>[0-9]{8}|[0-9]{3}[A-Z][0-9]{4})(?![A-Za-z0-9])",
        _ALPHANUMERIC,
    ),
)


def mask_personal_data(text: str) -> str:
    """`text` with personal data hidden behind `*`; same length, and masking it again changes nothing."""
    plain = text.translate(_AS_ASCII)
    hidden: set[int] = set()
    for rule in _RULES:
        for match in rule.pattern.finditer(plain):
            if rule.accept is not None and not rule.accept(match):
                continue
            start, end = match.span("hide")
            hidden.update(i for i in range(start, end) if rule.hidden.match(plain, i))
    if not hidden:
        return text
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))
