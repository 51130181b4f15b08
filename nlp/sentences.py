"""Sentences of real Korean documents, with their offsets and morphemes (kiwipiepy).

Press releases and news articles glue sentences together ("나눴다.안 장관이"), wrap lines inside a
sentence (old newspaper scans), and put headlines, photo captions and bullet lines on lines of their
own. Kiwi's sentence splitter handles the first two; this module decides which lines belong together
before it runs: a block of consecutive lines is joined only when it looks hard-wrapped (most lines
end mid-sentence), otherwise every line is its own unit, so a headline never becomes the subject of
the sentence after it.

Every `Sentence` and `Token` carries absolute offsets into the document text, so whatever is cut out
of a sentence stays an exact span of the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

# Kiwi is fast (~10 ms per press release) but must not meet a pathological single "sentence":
# longer units are first cut at sentence punctuation, then at this length.
_MAX_UNIT_CHARS = 3000
# (old newspapers' inline "<>" bullets wrap onto new lines: they do not start a line of their own)
_MARKER = re.compile(r"(?:[▲△▴◇◆○●□■•\-–*▶]|\d{1,2}[.)]|[①-⑳])")
_TERMINAL = re.compile(r"[.!?。”\"’')\]>]\s*$|[다요음함됨임]\s*$")


@dataclass(frozen=True)
class Token:
    form: str
    tag: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    tokens: tuple[Token, ...]


@lru_cache(maxsize=1)
def shared_kiwi():
    """One Kiwi analyser per process, without Kiwi's multi-word dictionary.

    That dictionary (proper names of several words) is 200 of Kiwi's ~490 MB and 1.5 of its ~2.7 s to
    load. Without it the 57 documents of `meeting_gold_dev` split into the same sentences, and the noun
    phrases of 3,057 texts (petitions, those documents) differ in 4, where a multi-word name such as
    a TV programme's title was one entry."""
    from kiwipiepy import Kiwi

    return Kiwi(load_multi_dict=False)


def sentences_of(text: str, only_if: re.Pattern[str] | None = None) -> list[Sentence]:
    """The sentences of `text` in reading order; with `only_if`, only those of the lines (or wrapped
    paragraphs) where that pattern occurs, so a long document costs morphology only where it may pay."""
    found: list[Sentence] = []
    kiwi = shared_kiwi()
    for unit_start, unit in _units(text):
        if only_if is not None and not only_if.search(unit):
            continue
        # a line break inside a unit is a wrapped line, not a sentence end: Kiwi sees a space there
        for sent in kiwi.split_into_sents(unit.replace("\n", " "), return_tokens=True):
            tokens = tuple(
                Token(t.form, _plain(t.tag), unit_start + t.start, unit_start + t.start + t.len)
                for t in sent.tokens
            )
            start, end = unit_start + sent.start, unit_start + sent.end
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                found.append(Sentence(start, end, text[start:end], tokens))
    return found


def tokenize(text: str, offset: int = 0) -> tuple[Token, ...]:
    """Morphemes of a short text, offsets shifted by `offset`."""
    return tuple(
        Token(t.form, _plain(t.tag), offset + t.start, offset + t.start + t.len)
        for t in shared_kiwi().tokenize(text)
    )


def _units(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of the stretches that Kiwi splits into sentences: a line joins the next one only
    when it stops mid-sentence at full width (a hard-wrapped line), so a headline, a caption or a
    bullet line stays on its own."""
    start: int | None = None
    offset = 0
    lines = text.split("\n")
    for index, line in enumerate(lines):
        line_end = offset + len(line)
        if line.strip():
            if start is None:
                start = offset
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if not _continues(line, following):
                yield from _bounded(start, text[start:line_end])
                start = None
        elif start is not None:
            yield from _bounded(start, text[start:offset])
            start = None
        offset = line_end + 1
    if start is not None:
        yield from _bounded(start, text[start:])


def _continues(line: str, following: str) -> bool:
    stripped = following.lstrip()
    return (
        len(line.strip()) >= 25
        and not _TERMINAL.search(line)
        and bool(stripped)
        and (stripped[0].isalnum() or stripped[0] in "(\"“‘'")
        and not _MARKER.match(stripped)
    )


def _bounded(offset: int, unit: str) -> Iterator[tuple[int, str]]:
    if len(unit) <= _MAX_UNIT_CHARS:
        yield offset, unit
        return
    start = 0
    for match in re.finditer(r"[.!?。]\s+", unit):
        if match.end() - start >= _MAX_UNIT_CHARS // 2:
            yield from _cut(offset + start, unit[start : match.end()])
            start = match.end()
    if start < len(unit):
        yield from _cut(offset + start, unit[start:])


def _cut(offset: int, piece: str) -> Iterator[tuple[int, str]]:
    for i in range(0, len(piece), _MAX_UNIT_CHARS):
        yield offset + i, piece[i : i + _MAX_UNIT_CHARS]


def _plain(tag: str) -> str:
    """'VV-R' (a regular verb) -> 'VV': the rules look at the part of speech only."""
    return tag.split("-", 1)[0]
