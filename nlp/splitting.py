"""Split a document into individual suggestions (건의사항), each with its exact source span.

What counts as a suggestion, in the order it is looked for:
1. rows of a form whose header names a suggestion column (건의내용, 제안내용, 요청사항, 애로사항 ...);
2. inline ▲ items of a press release ("▲A, ▲B 등을 건의했다");
3. bulleted or numbered items (○, -, •, 1., 1), ①) under a heading that names 건의/제안/요청/애로;
4. sentences of a participant's turn in minutes ("김민수(㈜대성정밀 대표): ...") that end in an ask
   (건의드립니다, 요청합니다, 제안합니다, 바랍니다, 필요합니다 ...);
5. elsewhere, sentences that report an ask ("... 확대를 요청했다").
The minister's and officials' own statements are never suggestions. For every suggestion,
`document.text[span_start:span_end] == suggestion.text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from nlp.hashing import short_hash
from nlp.records import ParsedDocument, Suggestion, TableRow, TourMetadata

SUGGESTION_COLUMNS = (
    "건의내용",
    "제안내용",
    "요청사항",
    "애로사항",
    "건의사항",
    "제안사항",
    "건의 내용",
    "내용",
)
SPEAKER_COLUMNS = ("제안자", "성명", "이름", "발언자", "건의자")
ORGANISATION_COLUMNS = ("소속", "기업명", "회사명", "업체명", "기관")
DATE_COLUMNS = ("일자", "날짜", "일시", "접수일")

_ASK_ENDINGS = re.compile(
    r"(건의\s?(?:드립니다|합니다|드려요)|요청\s?(?:드립니다|합니다)|제안\s?(?:드립니다|합니다)|"
    r"바랍니다|필요합니다|부탁\s?드립니다|주십시오|주셨으면\s?합니다|주시길\s?바랍니다)[.!]?\s*$"
)
_REPORTED_ASK = re.compile(r"(건의|요청|제안)(?:했다|하였다|했습니다|하였습니다)[.]?\s*$")
_SECTION_HEADING = re.compile(r"^\s*(?:#{1,6}\s*|[■□◆◇●<]\s*|\d+\.\s+|[IVX]+\.\s+)?(.{0,30})$")
_ASK_HEADING_WORDS = ("건의", "제안", "요청", "애로")
_BULLET = re.compile(r"^\s*(?:[○◦•·\-–*▪▲]|\d{1,2}[.)]|\(\d{1,2}\)|[①-⑳]|[가-하][.)])\s*")
_TURN = re.compile(
    r"^\s*(?P<who>[가-힣A-Za-z ]{1,20}?)\s*(?:\((?P<org>[^()]{1,40})\))?\s*[:：]\s*(?P<said>\S.*)$"
)
_TRAILING_ATTRIBUTION = re.compile(r"\s*\((?P<who>[^()]{2,40})\)\s*$")
_SENTENCE = re.compile(r"(?:[^.!?\n]|(?<=\d)\.(?=\d))+(?:[.!?]+|$)")  # "2.5%" does not end a sentence
_INLINE_ITEM = re.compile(r"▲\s*([^▲\n]+)")
_ITEM_TAIL = re.compile(r"\s*(?:등을|등)?\s*(?:건의|요청|제안)(?:했다|하였다|했습니다|하였습니다)?\.?\s*$")

_OFFICIAL_TITLES = (
    "장관",
    "차관",
    "정책관",
    "청장",
    "국장",
    "실장",
    "사무관",
    "서기관",
    "주무관",
    "과장",
    "위원장",
)
_MINISTRY_WORDS = ("중기부", "중소벤처기업부", "산업부", "고용부", "정부", "부처")
_COMPANY_MARKERS = ("㈜", "(주)", "주식회사", "협회", "조합", "연구원", "대학", "센터", "재단", "기업")
_NON_GOVERNMENT_MARKERS = ("㈜", "(주)", "주식회사", "협회", "조합", "연구원", "대학", "재단")
_TITLES = (
    "대표이사", "대표", "부사장", "사장", "전무", "상무", "이사", "부장", "차장", "과장", "팀장", "책임연구원",
    "선임연구원", "연구원", "교수", "회장", "부회장", "사무국장", "센터장", "소장", "본부장", "실장", "원장",
    "공장장", "위원", "매니저", "대리", "주임",
)  # fmt: skip


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    speaker: str | None = None
    organisation: str | None = None


def split_into_suggestions(document: ParsedDocument, tour: TourMetadata) -> list[Suggestion]:
    """All suggestions of one document, in reading order, without overlaps."""
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []
    for item in _all_candidates(document):
        start, end = _trim(document.text, item.start, item.end)
        if end - start < 4 or any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        found.append(_Found(start, end, item.speaker, item.organisation))
    found.sort(key=lambda f: f.start)
    return [
        Suggestion(
            suggestion_id=short_hash(f"{document.content_hash}:{f.start}:{f.end}"),
            document_hash=document.content_hash,
            tour_id=tour.tour_id,
            text=document.text[f.start : f.end],
            span_start=f.start,
            span_end=f.end,
            speaker=f.speaker,
            organisation=f.organisation,
            raised_on=tour.date,
        )
        for f in found
    ]


def _all_candidates(document: ParsedDocument) -> Iterator[_Found]:
    yield from _form_rows(document.rows)
    yield from _section_items(document.text)
    yield from _inline_items(document.text)
    yield from _turn_sentences(document.text)
    yield from _reported_asks(document.text)


def _form_rows(rows: tuple[TableRow, ...]) -> Iterator[_Found]:
    for row in rows:
        column = next((c for c in SUGGESTION_COLUMNS if c in row.spans), None)
        if column is None:
            continue
        start, end = row.spans[column]
        speaker = next((row.cells[c] for c in SPEAKER_COLUMNS if c in row.cells), None)
        organisation = next((row.cells[c] for c in ORGANISATION_COLUMNS if c in row.cells), None)
        yield _Found(start, end, speaker, organisation)


def _inline_items(text: str) -> Iterator[_Found]:
    for match in _INLINE_ITEM.finditer(text):
        start, end = match.span(1)
        item = text[start:end]
        cut = re.search(r"[.!?](?:\s|$)", item)  # an item never runs past its sentence
        if cut:
            item = item[: cut.start()]
        item = item.rstrip(" ,，、")
        tail = _ITEM_TAIL.search(item)
        if tail:
            item = item[: tail.start()]
        yield _Found(start, start + len(item.rstrip(" ,")))


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _section_items(text: str) -> Iterator[_Found]:
    in_asks = False
    for offset, line in _lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        if _is_heading(stripped):
            in_asks = any(word in stripped for word in _ASK_HEADING_WORDS)
            continue
        if not in_asks:
            continue
        bullet = _BULLET.match(line)
        if not bullet:
            continue
        start, end = offset + bullet.end(), offset + len(line.rstrip())
        speaker = organisation = None
        attribution = _TRAILING_ATTRIBUTION.search(text, start, end)
        if attribution and attribution.end() == end:
            speaker, organisation = _parse_attribution(attribution.group("who"))
            end = attribution.start()
        yield _Found(start, end, speaker, organisation)


def _is_heading(line: str) -> bool:
    if _BULLET.match(line) or _TURN.match(line):
        return False
    if line.startswith(("#", "■", "□", "◆", "◇", "●", "[", "<", "【")):
        return True
    return len(line) <= 30 and not line.endswith((".", "다", "요")) and bool(_SECTION_HEADING.match(line))


def _turn_sentences(text: str) -> Iterator[_Found]:
    for offset, line in _lines(text):
        turn = _TURN.match(line)
        if not turn or _BULLET.match(line):
            continue
        who, org = turn.group("who").strip(), (turn.group("org") or "").strip()
        if is_official(who, org):
            continue
        speaker, organisation = who, _strip_title(org) or None
        base = offset + turn.start("said")
        for sentence in _SENTENCE.finditer(turn.group("said")):
            if _ASK_ENDINGS.search(sentence.group().strip()):
                yield _Found(base + sentence.start(), base + sentence.end(), speaker, organisation)


def _reported_asks(text: str) -> Iterator[_Found]:
    for offset, line in _lines(text):
        if _TURN.match(line) or "▲" in line:
            continue
        for sentence in _SENTENCE.finditer(line):
            body = sentence.group().strip()
            if _REPORTED_ASK.search(body) and not _names_official(body[:20]):
                yield _Found(offset + sentence.start(), offset + sentence.end())


def _names_official(text: str) -> bool:
    return any(w in text for w in _MINISTRY_WORDS) or any(t in text for t in _OFFICIAL_TITLES)


def is_official(speaker: str, organisation: str = "") -> bool:
    """The minister and ministry officials answer suggestions; they do not raise them.

    A ministry name anywhere decides it; otherwise a company, association or institute in the
    organisation means a participant (whose title may also be 과장 or 실장).
    """
    whole = f"{speaker} {organisation}"
    if any(w in whole for w in _MINISTRY_WORDS):
        return True
    if any(marker in organisation for marker in _NON_GOVERNMENT_MARKERS):
        return False
    return any(title in whole for title in _OFFICIAL_TITLES)


def _parse_attribution(inside: str) -> tuple[str | None, str | None]:
    """'㈜대성정밀 김민수 대표' -> ('김민수 대표', '㈜대성정밀')."""
    words = inside.split()
    org_words = [w for w in words if any(m in w for m in _COMPANY_MARKERS)]
    person_words = [w for w in words if w not in org_words]
    return (" ".join(person_words) or None, " ".join(org_words) or None)


def _strip_title(organisation: str) -> str:
    """'㈜성산테크 생산팀장' -> '㈜성산테크': drop trailing words that are, or end in, a title."""
    words = organisation.split()
    while len(words) > 1 and words[-1].endswith(_TITLES):
        words.pop()
    return " ".join(words)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past surrounding spaces, quotes and list punctuation."""
    junk = " \t\n\"'“”‘’,，、;"
    while start < end and text[start] in junk:
        start += 1
    while end > start and text[end - 1] in junk:
        end -= 1
    return start, end
