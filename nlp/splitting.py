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

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from nlp.hashing import short_hash
from nlp.records import ParsedDocument, Suggestion, TableRow, TourMetadata
from nlp.requests import Turn, find_requests, turn_at

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

_SECTION_HEADING = re.compile(r"^\s*(?:#{1,6}\s*|[■□◆◇●<]\s*|\d+\.\s+|[IVX]+\.\s+)?(.{0,30})$")
_ASK_HEADING_WORDS = ("건의", "제안", "요청", "애로")
_BULLET = re.compile(r"^\s*(?:[○◦•·\-–*▪▲]|\d{1,2}[.)]|\(\d{1,2}\)|[①-⑳]|[가-하][.)])\s*")
_TURN = re.compile(
    r"^\s*(?P<who>[가-힣A-Za-z ]{1,20}?)\s*(?:\((?P<org>[^()]{1,40})\))?\s*[:：]\s*(?P<said>\S.*)$"
)
_TRAILING_ATTRIBUTION = re.compile(r"\s*\((?P<who>[^()]{2,40})\)\s*$")
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
    rank: int = 4  # forms and 건의사항 sections are the most specific mention (_FORM_RANK)
    in_turn: bool = False  # said in a speaker's turn of minutes


_FORM_FORMATS = ("csv", "xlsx")
_FORM_RANK = 4
# A restatement (headline, lead, quote) sits within one article of its most specific mention.
_RESTATEMENT_REACH = 5000


def split_into_suggestions(document: ParsedDocument, tour: TourMetadata) -> list[Suggestion]:
    """All suggestions of one document, in reading order, without overlaps.

    Forms and 건의사항 sections are taken first (their items are the most specific mention);
    requests found in prose (`nlp.requests`) fill in the rest. A request stated twice (lead and
    bullet, quote and 건의 sentence) is kept once, on its most specific mention.
    """
    found: list[_Found] = []
    for item in _all_candidates(document):
        start, end = _trim(document.text, item.start, item.end)
        if end - start < 2:
            continue
        found.append(_Found(start, end, item.speaker, item.organisation, item.rank, item.in_turn))
    kept = _without_restatements(document.text, found)
    kept.sort(key=lambda f: f.start)
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
        for f in kept
    ]


def _all_candidates(document: ParsedDocument) -> Iterator[_Found]:
    yield from _form_rows(document.rows)
    if document.format in _FORM_FORMATS and document.rows:
        return  # a form's text is its rows; its cells are not prose
    yield from _section_items(document.text)
    turns = list(_turns(document.text))
    starts = [t.said_start for t in turns]
    for request in find_requests(document.text, turns):
        turn = turn_at(turns, starts, request.start)
        organisation = turn.organisation if turn else None
        yield _Found(
            request.start, request.end, request.speaker, organisation, request.rank, turn is not None
        )


def _without_restatements(text: str, found: list[_Found]) -> list[_Found]:
    """Drop overlapping spans and restatements, keeping the most specific mention of each request."""
    order = sorted(range(len(found)), key=lambda i: (-found[i].rank, -found[i].start))
    kept: list[_Found] = []  # in reading order, with their starts alongside for bisecting
    starts: list[int] = []
    for index in order:
        item = found[index]
        at = bisect.bisect_left(starts, item.start)
        if any(item.start < k.end and k.start < item.end for k in kept[max(0, at - 1) : at + 1]):
            continue
        if item.rank < _FORM_RANK:  # a form row or a 건의사항 item is never a restatement
            low = bisect.bisect_left(starts, item.start - _RESTATEMENT_REACH)
            high = bisect.bisect_right(starts, item.start + _RESTATEMENT_REACH)
            if any(
                bigram_dice(text[item.start : item.end], text[k.start : k.end]) >= 0.7
                for k in kept[low:high]
                if not (item.in_turn and k.in_turn and item.speaker != k.speaker)  # two people, two asks
            ):
                continue
        kept.insert(at, item)
        starts.insert(at, item.start)
    return kept


def bigram_dice(left: str, right: str) -> float:
    """Dice similarity of character bigrams on whitespace-free text (SPLITTING_GUIDE.md's matching
    measure; here it finds restatements)."""
    a, b = _bigrams(left), _bigrams(right)
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if a and b else 0.0


def _bigrams(text: str) -> Counter[str]:
    squeezed = "".join(text.split())
    return Counter(
        [squeezed[i : i + 2] for i in range(len(squeezed) - 1)] or ([squeezed] if squeezed else [])
    )


def _form_rows(rows: tuple[TableRow, ...]) -> Iterator[_Found]:
    for row in rows:
        column = next((c for c in SUGGESTION_COLUMNS if c in row.spans), None)
        if column is None:
            continue
        start, end = row.spans[column]
        speaker = next((row.cells[c] for c in SPEAKER_COLUMNS if c in row.cells), None)
        organisation = next((row.cells[c] for c in ORGANISATION_COLUMNS if c in row.cells), None)
        yield _Found(start, end, speaker, organisation)


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
        return len(line) <= 40  # "□ 이날 간담회에서 …" is a press release's paragraph, not a heading
    return len(line) <= 30 and not line.endswith((".", "다", "요")) and bool(_SECTION_HEADING.match(line))


def _turns(text: str) -> Iterator[Turn]:
    """The speaker lines of minutes ("김민수(㈜대성정밀 대표): …")."""
    for offset, line in _lines(text):
        turn = _TURN.match(line)
        if not turn or _BULLET.match(line):
            continue
        who, org = turn.group("who").strip(), (turn.group("org") or "").strip()
        yield Turn(
            said_start=offset + turn.start("said"),
            line_end=offset + len(line),
            speaker=who,
            organisation=_strip_title(org) or None,
            is_official=is_official(who, org),
        )


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
    """Shrink a span past surrounding spaces, quotes and list punctuation, but keep a quote mark whose
    partner is inside the span ("‘우수체육용구 생산업체 지정’ 품목에 …")."""
    junk = " \t\n\"'“”‘’,，、;"
    pairs = {"‘": "’", "“": "”", "’": "‘", "”": "“"}

    def partnered(char: str, rest: str) -> bool:
        return char in pairs and pairs[char] in rest

    while start < end and text[start] in junk and not partnered(text[start], text[start + 1 : end]):
        start += 1
    while end > start and text[end - 1] in junk and not partnered(text[end - 1], text[start : end - 1]):
        end -= 1
    return start, end
