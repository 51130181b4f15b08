"""One requested measure per conjunct: split a request's object into the measures it names.

`SPLITTING_GUIDE.md` rule 4: "원활한 자금 지원과 정보통신인력 양성, 해외시장 개척 등" names three
measures, "데이터 수집 및 AI 기술 적용 확대" and "금융·세제 지원" one. The decision is made on
morphemes (kiwipiepy): a coordinator (와/과, 및, 이나, a comma, "…하고"/"…하거나" between two
clauses, "외") splits only where the conjunct before it ends in a measure (an action noun such as
지원, 확대, 개선, or a noun in -화 such as 현실화), and a comma piece that names no measure
("임대료, 인건비 등 지원 확대") stays with what follows. A middle dot never splits.
"""

from __future__ import annotations

from dataclasses import dataclass

from nlp.sentences import Token

# Action nouns that end a requested measure ("… 지원", "… 확대"). Learned from the guide's examples
# and the development half of the gold set; a noun ending in 화 (현실화, 간소화) counts too.
MEASURE_HEADS = frozenset(
    """
    지원 확대 강화 개선 완화 마련 도입 신설 설치 설립 제정 개정 폐지 철폐 허용 인하 인상 상향 하향 조정
    연장 단축 유예 면제 감면 공제 축소 감축 확충 증액 확보 구축 조성 운영 추진 육성 양성 개척 개발 보급
    제공 공유 지정 추가 포함 인정 편입 이관 보강 방지 근절 해소 해결 정비 개편 전환 적용 구분적용 활성화
    모니터링 컨설팅 홍보 혁신 보호 신장 구성 건립 건설 매립 재개발 보전 수립 체결 통합 단일화 일원화
    시정 억제 배출 정상화 연계 협상 특례 교육 지급 보상 대책 방안 제도 감시 반영 변경 상환 조달
    문제 예방 관리 참여 협력 보완 검토 재검토 지속 확산 유치 촉진 안정 점검 현실화 간소화 고도화
    협조 평가 승격 단속 채용 고용 실현 이행 안착 정착 설정 배정 확립 유지 보고 규정 공포 확정 감면 제한
    배치 부여 정비 제도화 의무화 상시화
    """.split()  # noqa: SIM905
)
# Action nouns that read as targets inside one measure when coordinated ("데이터 수집 및 …").
_NOT_SPLITTING_HEADS = frozenset(
    ["수집", "산정", "신장", "이해", "분석", "생산", "가공", "유통", "관리", "유치", "처리", "판매", "활용"]
)
_FRAMING_NOUNS = frozenset({"건의", "요청", "제안", "촉구", "요구"})
_NOUN_TAGS = frozenset({"NNG", "NNP", "NNB", "SL", "SH", "SN", "XSN", "XR"})
_OPENERS = {"(": ")", "[": "]", "“": "”", "‘": "’", "「": "」", "『": "』", "<": ">", "〈": "〉"}


@dataclass(frozen=True)
class Conjunct:
    start: int
    end: int


def ends_in_measure(tokens: list[Token]) -> bool:
    """Does this stretch end in an action noun (the word naming what should be done)?"""
    if tokens and tokens[-1].form == ")":  # "환경 개선(쓰레기 처리 등)": the head is before the brackets
        opening = max((k for k, t in enumerate(tokens) if t.form == "("), default=None)
        if opening:
            tokens = tokens[:opening]
    nouns = [t for t in tokens if (t.tag in _NOUN_TAGS or t.tag.startswith("XS")) and t.form != "등"]
    while nouns and nouns[-1].form in _FRAMING_NOUNS:  # "계룡스파텔 활용개선 촉구,"
        nouns.pop()
    if not nouns:
        return False
    last = nouns[-1]
    if last.tag == "XSN" and last.form == "화":
        return True
    if last.tag.startswith("XS") and len(nouns) >= 2:
        last = nouns[-2]
    return last.form in MEASURE_HEADS or (last.form.endswith("화") and len(last.form) >= 2)


def _head(tokens: list[Token]) -> str:
    nouns = [t for t in tokens if t.tag in _NOUN_TAGS]
    return nouns[-1].form if nouns else ""


def split_conjuncts(text: str, tokens: list[Token], start: int, end: int, is_list: bool) -> list[Conjunct]:
    """Conjuncts of the object `text[start:end]` (absolute offsets), in order.

    `is_list` says the object was framed as a list ("… 등을 건의했다", bullets): commas then
    separate items. In a single clause a comma is part of the request.
    """
    inside = [t for t in tokens if t.start >= start and t.end <= end]
    cuts: list[tuple[int, int]] = []  # (end of left conjunct, start of right conjunct)
    depth = 0
    closers: list[str] = []
    for i, token in enumerate(inside):
        char = token.form
        if char in _OPENERS:
            closers.append(_OPENERS[char])
            depth += 1
            continue
        if closers and char == closers[-1]:
            closers.pop()
            depth -= 1
            continue
        if depth:
            continue
        left = [t for t in inside[:i] if t.start >= (cuts[-1][1] if cuts else start)]
        if not left:
            continue
        if token.tag == "SP" and token.form in ",，、" and is_list:
            cuts.append((token.start, token.end))
        elif (token.form in ("와", "과", "이나", "나") and token.tag in ("JC", "JKB")) or token.form == "및":
            if ends_in_measure(left) and _head(left) not in _NOT_SPLITTING_HEADS:
                cuts.append((token.start, token.end))
        elif token.tag == "EC" and token.form in ("고", "거나") and i > 0 and inside[i - 1].tag == "XSV":
            if any(t.tag == "JKO" for t in left) and i + 1 < len(inside) and ends_in_measure(left):
                cuts.append((inside[i - 1].start, token.end))
        elif (
            token.tag == "EC"
            and token.form in ("고", "거나")
            and i > 0
            and inside[i - 1].tag == "VV"
            and any(t.tag == "JKO" for t in left)
            and i + 1 < len(inside)
        ):
            cuts.append((token.start, token.end))  # "환급행사장을 늘리고 예산도 확대해 줄 것": two actions
    pieces: list[Conjunct] = []
    cursor = start
    for left_end, right_start in cuts:
        pieces.append(Conjunct(cursor, left_end))
        cursor = right_start
    pieces.append(Conjunct(cursor, end))
    return _merge_pieces_without_measure(text, inside, pieces)


def _merge_pieces_without_measure(text: str, tokens: list[Token], pieces: list[Conjunct]) -> list[Conjunct]:
    """'임대료, 인건비 등 지원 확대' is one measure: a piece naming no measure joins the next one
    when that one gathers it ("… 등 …") or when it is a comma piece that ends in no action noun."""
    merged: list[Conjunct] = []
    pending: int | None = None
    for index, piece in enumerate(pieces):
        start = pending if pending is not None else piece.start
        pending = None
        inside = [t for t in tokens if t.start >= piece.start and t.end <= piece.end]
        is_last = index == len(pieces) - 1
        if not is_last and not ends_in_measure(inside):
            following = pieces[index + 1]
            gathers = " 등 " in text[following.start : following.end]
            one_word = (
                " " not in text[piece.start : piece.end].strip()
            )  # "범용인공지능(AGI), 피지컬 AI를 위한 …"
            if gathers or (one_word and text[piece.end : following.start].strip() in (",", "，", "、")):
                pending = start
                continue
        merged.append(Conjunct(start, piece.end))
    return merged
