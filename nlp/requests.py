"""Participants' requests in the prose of real press releases, news articles and minutes.

How a request is found, on the morphemes of each sentence (`nlp.sentences`):
1. a *frame* says something was asked for: a request verb (건의/요청/제안/촉구/주문/요구/제언/호소
   했다, 건의됐다, 논의·거론·제시됐다 for lists), a request ending ("…해 달라", "…해 줄 것",
   "…해 주길 바란다", "…해 주시기 바랍니다"), or a need ("…이 필요하다/시급하다/절실하다",
   "…해야 한다고 주장했다");
2. walking back from the frame over the framing words (해 줄 것을 정부에, 등을, 이 필요하다고) finds
   where the requested object ends, and walking further back to the clause's subject, a quote mark,
   a connective ending or "…에서/에게" finds where it starts;
3. the object is split into one conjunct per requested measure (`nlp.coordination`);
4. bullets (▲ △ ▴ ◇ <>) in a sentence that frames them as asked for give one item each; photo
   captions and attendee lists written with the same marks are left out.
Whoever speaks is the clause's subject (or the previous sentence's, or the minutes' speaker). The
minister's, officials' and agencies' own words are never suggestions, even when worded like one,
except for what they say participants asked for ("업계가 요청한 금리인하 문제는 …").
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from nlp.coordination import MEASURE_HEADS, ends_in_measure, split_conjuncts
from nlp.sentences import Sentence, Token, sentences_of
from nlp.speakers import (
    GOVERNMENT_BODIES,
    OFFICIAL_TITLES,
    PERSON_TITLES,
    as_speaker,
    inside_relative_clause,
    main_subject,
    official_words,
    topics_of,
)

REQUEST_VERBS = frozenset(["건의", "요청", "제안", "촉구", "주문", "요구", "제언", "요망", "호소"])
LIST_VERBS = frozenset(["전달", "제시", "논의", "거론"])  # frame only a list ("… 등이 논의됐다")
SAYING_VERBS = frozenset(
    ["주장", "강조", "언급", "당부", "설명", "말", "밝히", "토로", "지적"]
)  # frame a need or a plea
NEED_WORDS = frozenset({"필요", "시급", "절실", "필요하", "시급하", "절실하"})
BULLETS = "▲△▴◇◆"
ANGLE_BULLET = "<>"

# Nouns of a plea with no identifiable object ("적극적인 지원", "관심", "정부 차원의 대책").
_GENERIC_NOUNS = frozenset(
    """
    적극 적극적 발굴 애로점 지원 관심 배려 협조 노력 의지 대책 정책 방안 협력 소통 도움 지원책 마련 강구 검토 해결 정부 차원 다양 과감 실질 실질적 특단 종합 종합대책
    조치 역할 개선 당부 뒷받침 필요 필요성 위하 강화 확대 현안 과제 현안과제 사항 애로 애로사항 의견 건의 건의사항 요청 어려움 홍보 집중 집중적
    시급 절실 중요 엄격
    """.split()  # noqa: SIM905 (a word list staff can read and extend)
)
# Words without which no sentence can frame a request: lines without any are never analysed.
_MAY_ASK = re.compile(
    r"건의|요청|제안|촉구|주문|요구|제언|요망|호소|당부|달라|주길|주기|주시|주십|줄 ?것|필요|시급|절실|야 ?한다|야 ?합니다"
    r"|전달|제시|논의|거론|있었|[▲△▴◇◆]|<>"
)
_CAPTION = re.compile(r"사진\s*=|사진제공|\(사진|\[사진|출처\s*=|제공\s*=")
_CONTACT = re.compile(r"\*{3,}|연락|문의|전화")
_LEAD_WORDS = frozenset(
    "이날 또 또한 특히 아울러 한편 이어 이에 이밖에 이외 최근 구체적 조속히 보다 더욱 적극 이를 위해 그밖에".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class FoundRequest:
    start: int
    end: int
    speaker: str | None
    rank: int  # 3 bullet item, 2 list item, 1 single request: the most specific mention wins


@dataclass(frozen=True)
class Turn:
    """A line of minutes that names its speaker ("김민수(㈜대성정밀 대표): …")."""

    said_start: int
    line_end: int
    speaker: str | None
    organisation: str | None
    is_official: bool


def find_requests(text: str, turns: list[Turn] | None = None) -> list[FoundRequest]:
    """Every request in `text` outside headlines, captions and officials' own words."""
    found: list[FoundRequest] = []
    speaker_before: tuple[str | None, bool] = (None, False)
    participants: str | None = None
    headline_end = _headline_end(text)
    turns = turns or []
    starts = [t.said_start for t in turns]
    for sentence in sentences_of(text, only_if=_MAY_ASK):
        if sentence.end <= headline_end or _CAPTION.search(sentence.text):
            continue
        turn = turn_at(turns, starts, sentence.start, sentence.end)
        bullet = re.search(rf"[{BULLETS}]|{ANGLE_BULLET}", sentence.text)
        limit = sentence.start + bullet.start() if bullet else None
        fallback = (turn.speaker, turn.is_official) if turn is not None else speaker_before
        for request in _requests_in_sentence(text, sentence, fallback, turn):
            if request.speaker is None and participants is not None:
                # "△A △B 등이 건의됐다": the group the article named as asking ("중소기업계가 … 건의했다")
                request = FoundRequest(request.start, request.end, participants, request.rank)
            found.append(request)
        if turn is None:
            found_topics = topics_of(sentence, limit)
            if found_topics:
                # "이번 간담회는 …" says what the meeting was for: it names nobody who speaks next
                speaker_before = (None, False) if found_topics[0][3] else found_topics[0][:2]
            named = [speaker for speaker, official, _, _ in topics_of(sentence) if speaker and not official]
            if named:
                participants = named[-1]
    return found


def turn_at(turns: list[Turn], starts: list[int], start: int, end: int | None = None) -> Turn | None:
    """The minutes' turn that `text[start:end]` belongs to. `turns` are in reading order and `starts`
    their `said_start`s: bisecting keeps a 200,000-line transcript linear."""
    index = bisect.bisect_right(starts, start if end is None else end) - 1
    if index >= 0 and start < turns[index].line_end:
        return turns[index]
    return None


def _headline_end(text: str) -> int:
    """Offset where the body starts: title and subtitle lines at the top are not requests (a request
    named in a headline is restated, more specifically, in the body)."""
    offset = 0
    for index, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if index >= 6:
            return offset
        if stripped and (len(stripped) >= 40 or re.search(r"[다요]\.?\s*$|\.\s*$", stripped)):
            return offset
        offset += len(line) + 1
    return offset


def _requests_in_sentence(
    text: str, sentence: Sentence, fallback: tuple[str | None, bool], turn: Turn | None
) -> Iterator[FoundRequest]:
    """The requests of one sentence. Who asks is the closest topic ("…은/는") before the request,
    else the minutes' speaker or the previous sentence's subject."""
    tokens = list(sentence.tokens)
    floor = max(turn.said_start, sentence.start) if turn else sentence.start

    def who(position: int) -> tuple[str | None, bool]:
        if turn is not None:
            return fallback
        return main_subject(sentence, position) or fallback

    bullet = re.search(rf"[{BULLETS}]|{ANGLE_BULLET}", sentence.text)
    if bullet:
        first_mark = sentence.start + bullet.start()
        named = [t for t in topics_of(sentence, first_mark) if not t[3]]  # "이번 회의에서는" names nobody
        marked = [t for t in named if t[2] == "JX"] or named
        speaker, official = marked[-1][:2] if marked else (fallback[0], False)
        asked_by = _asker_before(text, tokens, first_mark)
        if asked_by is not None:  # "국토부는 … 업계가 건의한 △A △B 등에 대해 검토": the industry's asks
            speaker, official = asked_by, False
        if not official and not _is_attendance(sentence):
            yield from _bullet_items(text, sentence, tokens, speaker)
        return
    if any(official for _, official, _, _ in topics_of(sentence)):
        yield from _asked_by_others(text, sentence, tokens)
    seen_ends: set[int] = set()
    for frame in _frames(tokens):
        region = _object_region(text, tokens, frame, floor)
        if region is None or region[1] in seen_ends:
            continue
        seen_ends.add(region[1])
        start, end, is_list = _list_named_for_purpose(text, tokens, region, floor) or region
        speaker, official = who(start)
        if official:
            continue
        conjuncts = split_conjuncts(text, tokens, start, end, is_list)
        spans = [_clean(text, tokens, c.start, c.end) for c in conjuncts]
        concrete = [span is not None and _is_concrete(text, tokens, *span) for span in spans]
        for conjunct, span, is_concrete in zip(conjuncts, spans, concrete, strict=True):
            listed_by = _topic_at_start(text, tokens, conjunct.start, conjunct.end)
            if listed_by:
                speaker = listed_by  # "…을, 대형기저수협은 A 및 B 등을 건의했다"
            # "펫산업 정보 제공 및 지원확대": a conjunct may take its object from a concrete sibling
            if span is None or not (is_concrete or (any(concrete) and _names_a_measure(text, tokens, *span))):
                continue
            if len(conjuncts) == 1 and _plea_for_purpose(text, tokens, *span):
                continue
            yield FoundRequest(span[0], span[1], speaker, 2 if is_list else 1)


# --- frames ---------------------------------------------------------------------------------------------


def _frames(tokens: list[Token]) -> list[int]:
    """Indexes of tokens that frame a request, in order."""
    frames: list[int] = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if token.form in NEED_WORDS and i > 0 and tokens[i - 1].tag == "JKS":
            frames.append(i)
        elif token.tag == "NNG" and following is not None and following.form in ("하", "되", "드리"):
            if (
                (token.form in REQUEST_VERBS and _reported_as_asked(tokens, i))
                or (
                    token.form in LIST_VERBS
                    and (
                        following.form == "되"
                        or token.form in ("전달", "제시")
                        or _continues_requests(tokens, i)
                    )
                    and _object_has_list(tokens, i)
                )
                or (token.form in SAYING_VERBS and _follows_need(tokens, i))
            ):
                frames.append(i)
        elif token.tag == "VX" and token.form in ("주", "달") and i > 0 and tokens[i - 1].tag == "EC":
            if (
                following is None
                or following.tag in ("EF", "EC", "ETN")
                or (following.tag == "EP" and following.form in ("시", "으시", "었", "았"))
                or (following.tag == "ETM" and following.form == "라는")
                or (  # "…해 줄 것", not "…해 줄 사람"
                    following.tag == "ETM" and i + 2 < len(tokens) and tokens[i + 2].form in ("것", "수")
                )
            ):
                frames.append(i)
        elif token.tag == "EC" and token.form in ("어야", "아야", "여야") and following is not None:
            if following.form in ("하", "되") and _said_as_request(tokens, i):
                frames.append(i)
        elif (
            token.form in _ASKED_NOUNS | {"요구", "요청", "제안", "의견"}
            and i > 0
            and tokens[i - 1].form
            in (
                "다는",
                "라는",
                "ᆫ다는",
                "는다는",
            )
        ):
            frames.append(i)  # "… 선제적인 조치가 필요하다는 건의", "… 해달라는 의견"
        elif _named_as_asked(tokens, i):
            frames.append(i)  # "어촌계의 현안사항인 A, B, C 등 건의사항과 … 의견을 수렴했다"
        elif _wished(tokens, i):
            frames.append(i)  # "…받도록 했으면 한다", "…혜택이 있었으면 좋겠다"
        elif _listed_as_asked(tokens, i):
            frames.append(i)  # "주요 내용으로는 A, B 등이 있었다"
    return frames


_ASKED_NOUNS = frozenset({"건의사항", "건의", "요청사항", "요구사항", "제안사항", "건의안"})


def _named_as_asked(tokens: list[Token], i: int) -> bool:
    """'A, B 등 건의사항', 'A, B 등 다양한 건의 사항이 쏟아졌다'."""
    if tokens[i].form not in _ASKED_NOUNS or i < 1:
        return False
    j = i - 1
    while (
        j >= 0 and i - j <= 4 and (tokens[j].tag in ("JKG", "ETM", "XSA", "MM") or tokens[j].form == "다양")
    ):
        j -= 1
    return j >= 0 and tokens[j].tag == "NNB" and tokens[j].form == "등"


def _wished(tokens: list[Token], i: int) -> bool:
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        tokens[i].tag == "EC"
        and tokens[i].form in ("으면", "면")
        and i > 0
        and tokens[i - 1].tag == "EP"
        and following is not None
        and following.form in ("좋", "하")
    )


def _listed_as_asked(tokens: list[Token], i: int) -> bool:
    if tokens[i].form != "있" or i < 2 or tokens[i - 1].tag != "JKS" or tokens[i - 2].form != "등":
        return False
    if i >= 3 and tokens[i - 3].form in ("의견", "요청", "건의", "제안", "요구"):
        return False  # "…해달라는 의견과 …해달라는 의견 등이 있었다": each 의견 frames its own request
    return any(t.form in ("건의", "요청", "제안", "의견", "내용", "과제", "애로") for t in tokens[: i - 2])


def _reported_as_asked(tokens: list[Token], frame: int) -> bool:
    """'요구' is also what customers do ("바이어가 … 이력을 요구하기 시작했습니다"): it frames a request only
    when reported as done ("요구했다", "요구합니다" in minutes is the speaker's own ask: "요구드립니다")."""
    after = tokens[frame + 1 : frame + 4]
    if any(t.tag == "ETN" for t in after) and any(t.form in ("로", "으로") for t in after):
        return False  # "협조요청하기로 하였습니다": a plan to ask, not an ask
    if tokens[frame].form != "요구":
        return True
    return any(t.tag == "EP" and t.form in ("었", "았", "였") for t in after) or any(
        t.form == "드리" for t in after
    )


def _continues_requests(tokens: list[Token], frame: int) -> bool:
    """'이밖에 A, B 등도 논의했다' after a participant's requests: the list goes on."""
    opening = tokens[0].form if tokens else ""
    also = any(
        t.form == "등" and n.tag == "JX" and n.form == "도" for t, n in itertools.pairwise(tokens[:frame])
    )
    return also or opening in ("이밖에", "이외", "그밖에", "아울러", "또한", "또")


def _object_has_list(tokens: list[Token], frame: int) -> bool:
    return any(t.tag == "NNB" and t.form == "등" for t in tokens[max(0, frame - 20) : frame])


def _follows_need(tokens: list[Token], frame: int) -> bool:
    """'…해야 한다고 주장했다', '…이 시급하다고 강조했다', '… 필요성을 언급했다'."""
    window = tokens[max(0, frame - 8) : frame]
    return any(
        t.form in NEED_WORDS or t.form in ("어야", "아야", "여야") or (t.tag == "VX" and t.form == "달")
        for t in window
    )


def _said_as_request(tokens: list[Token], index: int) -> bool:
    """'…해야 한다' is a request only when reported as one (…고 주장/강조/요청/건의했다, or in a quote)."""
    rest = tokens[index + 1 : index + 8]
    return any(t.form in REQUEST_VERBS or t.form in SAYING_VERBS or t.tag == "SSC" for t in rest)


# --- the object of a request ----------------------------------------------------------------------------

_FRAMING_TAGS = frozenset(
    {"JKO", "JKQ", "EC", "EF", "EP", "ETM", "ETN", "VX", "XSV", "SSC", "SSO", "SF", "JX"}
)
_FRAMING_NOUNS = frozenset(
    {"것", "수", "건의", "요청", "의견", "요구", "필요", "필요성", "성", "정부", "주문"}
)
_BOUNDARY_ENDINGS = frozenset(
    {"다면서", "라면서", "므로", "으므로", "는데도", "다며", "라며", "지만", "면서", "으면서"}
) | frozenset(
    {
        "며",
        "으며",
        "면서",
        "으면서",
        "는데",
        "은데",
        "지만",
        "도록",
        "니까",
        "라며",
        "다며",
        "이라며",
        "면서도",
    }
)
# Verbs whose "…고" closes a clause of its own ("간담회를 갖고 …", "애로사항을 전하고 …"); after other
# verbs "…고" joins two requests ("환급행사장을 늘리고 예산도 확대해 줄 것").
CLAUSE_VERBS = frozenset(
    "갖 가지 열 전하 밝히 말하 듣 나누 찾 받 보 겪 이루 지적하 토로하 설명하 강조하 호소하".split()  # noqa: SIM905
)
_REQUEST_ETM_VERBS = frozenset({"건의", "요청", "제시", "요구", "제기", "발굴", "제안", "전달"})


def _object_region(text: str, tokens: list[Token], frame: int, floor: int) -> tuple[int, int, bool] | None:
    """(start, end, is_list) of what the frame at `frame` asks for."""
    i = frame - 1
    while i >= 0:
        token = tokens[i]
        if token.start < floor:
            return None
        if token.tag == "NNB" and token.form == "등":
            end = _end_before_framing(tokens, i)
            if end is None:
                return None
            return _with_start(text, tokens, end, floor, is_list=True)
        if (
            token.tag in _FRAMING_TAGS
            or token.form in _FRAMING_NOUNS
            or token.form in NEED_WORDS | {"바라", "중요", "중요하"}
        ):
            i -= 1
            continue
        if token.tag == "JKS" and (
            (i + 1 < len(tokens) and tokens[i + 1].form in NEED_WORDS) or tokens[i - 1].form == "등"
        ):
            i -= 1
            continue
        if (
            token.tag == "JKB"
            and token.form in ("에", "에게", "께")
            and i > 0
            and _is_addressee(tokens[i - 1])
        ):
            i -= 2
            continue
        if token.tag == "VV" and token.form in ("대하", "관하") and i > 0 and tokens[i - 1].form == "에":
            i -= 2  # "… 완화에 대한 건의도", "… 과제에 대해 건의했다"
            continue
        if token.form == "있" and i >= 2 and tokens[i - 1].form == "수" and tokens[i - 2].tag == "ETM":
            i -= 3  # "… 될 수 있도록 요청했다"
            continue
        if token.form == "있" and i >= 1 and tokens[i - 1].tag == "JKS":
            i -= 2  # "… 혜택이 있었으면 좋겠다": what should exist is asked for
            continue
        break
    if i < 0:
        return None
    anchor = tokens[i]
    if anchor.form in ("이같이", "이와같이", "이렇게", "그같이"):
        return None  # "이같이 건의했다" restates the sentence before
    if anchor.tag == "JKB":
        return None  # "… 집중적으로 논의됐다": an adverb, not what was asked
    listed = _gathered_by(tokens, i)
    if listed is not None:
        end = _end_before_framing(tokens, listed)
        if end is None:
            return None
        return _with_start(text, tokens, end, floor, is_list=True)
    return _with_start(text, tokens, anchor.end, floor, is_list=False)


def _list_named_for_purpose(
    text: str, tokens: list[Token], region: tuple[int, int, bool], floor: int
) -> tuple[int, int, bool] | None:
    """'A, B 등을 위해 정부가 적극 나서줄 것을 건의했다', 'A, B 등 스마트공장 구축을 위해 다양한 지원책을
    강구해 줄 것을': the requests are the listed items, not the generic plea that follows them."""
    start, end, is_list = region
    if is_list:
        return None
    concrete = _is_concrete(text, tokens, start, end)
    lists = [
        k
        for k, t in enumerate(tokens)
        if t.tag == "NNB"
        and t.form == "등"
        and (
            start <= t.start < end or (not concrete and floor <= t.start < start and _for_purpose(tokens, k))
        )
    ]
    if not lists:
        return _named_before_generic_support(text, tokens, region)
    last = lists[-1]
    tail_tokens = [t for t in tokens if tokens[last].end <= t.start and t.end <= end]
    purposes = [k for k, t in enumerate(tail_tokens) if t.form in ("위하", "위해", "도록")]
    tail_nouns = [t for t in tail_tokens if t.tag in ("NNG", "NNP")]
    generic_tail = (
        not _is_concrete(text, tokens, max(start, tokens[last].end), end)
        or bool(
            purposes
            and all(
                t.form in _GENERIC_NOUNS
                for t in tail_tokens[purposes[-1] + 1 :]
                if t.tag in ("NNG", "NNP", "XR")
            )
        )
        # "인식개선, 인재양성, 판로지원 등 보다 세심하고 촘촘한 지원이 필요하다"
        or bool(
            tail_nouns and tail_nouns[-1].form in _SUPPORT_NOUNS and ends_in_measure(tokens[last - 4 : last])
        )
    )
    if not generic_tail:
        return None
    list_end = _end_before_framing(tokens, last)
    return _with_start(text, tokens, list_end, floor, is_list=True) if list_end else None


_SUPPORT_NOUNS = frozenset({"지원", "정부", "차원", "적극", "적극적", "관심", "투자", "예산", "정책", "배려"})


def _for_purpose(tokens: list[Token], index: int) -> bool:
    """'… 등을 위해', '… 등의 발전을 위한': the list is what the plea after it is for; so is a list of
    measures the plea is about ('A 조기 추진, B 마련 등이 해결될 수 있도록 적극적인 지원을 요청')."""
    if any(t.form in ("위하", "위해") for t in tokens[index + 1 : index + 4]):
        return True
    return ends_in_measure(tokens[max(0, index - 6) : index])


def _named_before_generic_support(
    text: str, tokens: list[Token], region: tuple[int, int, bool]
) -> tuple[int, int, bool] | None:
    """'가공시설 현대화와 수산식품 우수성 홍보에 정부 차원의 적극적인 지원이 필요하다': the requests are
    what the generic support is for."""
    start, end, _ = region
    inside = [t for t in tokens if t.start >= start and t.end <= end]
    targets = [k for k, t in enumerate(inside) if t.tag == "JKB" and t.form == "에"]
    if not targets:
        return None
    last = targets[-1]
    tail = [t for t in inside[last + 1 :] if t.tag in ("NNG", "NNP", "XR", "SL")]
    if tail and all(t.form in _SUPPORT_NOUNS for t in tail) and last > 0:
        return start, inside[last - 1].end, True
    return None


def _is_addressee(token: Token) -> bool:
    return token.tag in ("NNG", "NNP") and (
        any(token.form.endswith(b) for b in GOVERNMENT_BODIES) or token.form.endswith(OFFICIAL_TITLES)
    )


def _gathered_by(tokens: list[Token], index: int) -> int | None:
    """Index of a '등' that ends a list inside the object NP ending at `index` ('A, B 등 14개 과제를')."""
    j = index
    while j >= 0 and index - j <= 12:
        token = tokens[j]
        if token.tag == "NNB" and token.form == "등":
            inner = j + 1 < len(tokens) and tokens[j + 1].form == "의" and tokens[index].form in MEASURE_HEADS
            return None if inner else j  # "봉황대와 황성공원 등의 지속적인 장소 제공" is one measure
        if token.tag in ("JKS", "JX", "JKO", "EC", "EF", "SF") or (token.tag == "JKB" and token.form != "에"):
            return None
        j -= 1
    return None


def _end_before_framing(tokens: list[Token], index: int) -> int | None:
    """End offset of the last content word before tokens[index] ('… 신설해 줄 것 등' -> after 신설)."""
    j = index - 1
    while j >= 0:
        token = tokens[j]
        if token.tag in ("SP", "JKO", "JKQ", "EC", "EF", "EP", "ETM", "VX", "XSV", "SSC", "JKS", "JC") or (
            token.form in ("것", "수")
        ):
            j -= 1
            continue
        return token.end
    return None


def _with_start(
    text: str, tokens: list[Token], end: int, floor: int, is_list: bool
) -> tuple[int, int, bool] | None:
    """Walk back from `end` to where the object starts.

    A *hard* boundary ends the walk: a quote mark, the clause's topic or subject, a request verb's
    adnominal ("업계가 건의한 …"), the previous sentence. *Soft* boundaries on the way (a connective
    ending "…하며", "…있어", a purpose "…위해", a place or addressee "간담회에서", "장관에게") start the
    object only when they come before its first list separator ("아이들을 키우면서 … 환경조성" is
    inside the last item), and not when what follows them is a generic plea ("… 알 수 있도록 적극
    홍보": the purpose is the request).
    """
    before = [t for t in tokens if t.end <= end and t.start >= floor]
    hard = floor
    soft: list[int] = []
    purposes: set[int] = set()  # soft boundaries that only state a purpose ("… 알 수 있도록")
    for k in range(len(before) - 1, -1, -1):
        kind = _boundary(before, k, is_list)
        if kind == "hard":
            hard = before[k].end
            break
        if kind == "soft":
            soft.append(before[k].end)
            if before[k].form == "도록":
                purposes.add(before[k].end)
    separators = [
        t.start
        for t in before
        if t.start >= hard and (t.tag == "JC" or t.form == "및" or (t.tag == "SP" and t.form in ",，、"))
    ]
    # in a list, a soft boundary inside the last item ("… 아이들을 키우면서 … 환경조성") is not the start
    candidates = [
        p
        for p in soft
        if not is_list or not any(s < p for s in separators) or any(s >= p for s in separators)
    ] + [hard]  # nearest first
    start = candidates[0]
    if start in purposes and not _is_concrete(text, tokens, start, end):
        start = candidates[1]  # "바뀐 제도를 쉽게 알 수 있도록 적극 홍보": the purpose names the request
    if end - start > 400:
        return None
    return start, end, is_list


_MEETING_PLACES = ("간담회", "자리", "회의", "행사", "설명회", "토론회", "만찬", "면담", "협의회")


def _boundary(before: list[Token], k: int, is_list: bool) -> str | None:
    """'hard', 'soft' or None for the token at `k` (see `_with_start`)."""
    token = before[k]
    previous = before[k - 1] if k > 0 else None
    following = before[k + 1] if k + 1 < len(before) else None
    if (token.tag == "SSO" and token.form in '“"「『') or token.tag == "SF":
        return "hard"
    if token.tag == "JX" and token.form in ("은", "는"):
        return None if is_list and _continued_list(before, k) else "hard"
    if (
        token.tag == "JKS"
        and not inside_relative_clause(before, k)
        and not (previous is not None and not is_list and _is_addressee(previous))
    ):
        return "hard"
    if token.tag == "ETM" and k > 1 and previous.tag == "XSV" and before[k - 2].form in _REQUEST_ETM_VERBS:
        return "hard"
    if token.tag == "JKB" and (
        (token.form in ("에게", "께"))
        or (token.form == "에서" and previous is not None and previous.form in _MEETING_PLACES)
        or (
            is_list
            and token.form in ("에서", "으로", "로")
            and (token.form == "에서" or (following is not None and following.tag in ("JX", "SP")))
        )
    ):
        return "soft"
    if token.tag != "EC" or previous is None:
        return None
    if token.form in ("어", "아", "여") and previous.form in ("있", "없"):
        return "soft"  # "역할이 확대되고 있어 ‘여성어업인의 날’ 제정 …"
    if token.form in ("어", "아", "여", "어서") and (
        previous.form in ("고려하", "감안하")
        or (previous.tag == "XSV" and k > 1 and before[k - 2].form in ("고려", "감안"))
        or (is_list and previous.form == "위하")
    ):
        return "soft"  # "… 어려운 점을 고려해 …", a list "… 육성을 위해서 A와 B"
    if token.form == "고" and previous.tag == "XSV" and not ends_in_measure(before[: k - 1]):
        return "soft"  # "간담회를 개최하고 …"
    if (
        token.form in _BOUNDARY_ENDINGS
        or (token.form == "고" and previous.form in CLAUSE_VERBS)
        or (token.form == "고" and following is not None and following.form == "," and previous.tag != "XSV")
    ):
        return "soft"
    return None


def _leading_topic(inside: list[Token]) -> int | None:
    """Index of a topic particle that only a noun phrase precedes ("대형기저수협은 …"): a speaker named
    at the head of a list, not part of the request."""
    topic = next((k for k, t in enumerate(inside[:4]) if t.tag == "JX" and t.form in ("은", "는")), None)
    if topic is None or not all(t.tag in ("NNG", "NNP", "XSN", "SL") for t in inside[:topic]):
        return None
    return topic


def _topic_at_start(text: str, tokens: list[Token], start: int, end: int) -> str | None:
    inside = [t for t in tokens if t.start >= start and t.end <= end]
    topic = _leading_topic(inside)
    return text[inside[0].start : inside[topic - 1].end] if topic else None


def _continued_list(tokens: list[Token], topic: int) -> bool:
    """Is the topic at `topic` preceded by an object and a comma ("…을, 대형기저수협은 …")?"""
    j = topic - 1
    while j >= 0 and tokens[j].tag in ("NNG", "NNP", "XSN", "SL", "SH", "SN", "SSO", "SSC"):
        j -= 1
    return j >= 1 and tokens[j].tag == "SP" and tokens[j - 1].tag == "JKO"


# --- bullets ----------------------------------------------------------------------------------------------


def _bullet_items(
    text: str, sentence: Sentence, tokens: list[Token], speaker: str | None
) -> Iterator[FoundRequest]:
    frames = _frames(tokens) or [i for i, t in enumerate(tokens) if t.tag == "NNG" and t.form in LIST_VERBS]
    if not frames and not any(w in sentence.text for w in ("건의", "요청", "제안", "요구", "과제")):
        return
    marks = [m.start() + sentence.start for m in re.finditer(rf"[{BULLETS}]|{ANGLE_BULLET}", sentence.text)]
    last_frame_at = tokens[frames[-1]].start if frames else sentence.end
    lead = _item_before_bullets(text, tokens, marks[0], sentence.start)
    if lead is not None:
        yield FoundRequest(lead[0], lead[1], speaker, 2)
    for index, mark in enumerate(marks):
        start = mark + (2 if text.startswith(ANGLE_BULLET, mark) else 1)
        if index + 1 < len(marks):
            end = marks[index + 1]
        else:
            tail = [t for t in tokens if t.start >= start and t.tag == "NNB" and t.form == "등"]
            end = tail[0].start if tail else min(last_frame_at, sentence.end)
            if not tail and frames:
                end = _end_before_framing(tokens, frames[-1]) or end
        end = _before_summary(tokens, start, end)
        framed = _ITEM_FRAMING_TAIL.search(text, start, end)
        if framed and framed.start() > start:
            end = framed.start()  # "△벤처투자 활성화가 제시됐으며, 상생 과제로는"
        if end <= start or _is_caption_item(tokens, start, end):
            continue
        for conjunct in split_conjuncts(text, tokens, start, end, is_list=True):
            span = _clean(text, tokens, conjunct.start, conjunct.end)
            if span and _is_concrete(text, tokens, *span) and not _names_a_person(text, tokens, *span):
                yield FoundRequest(span[0], span[1], speaker, 3)


_ITEM_FRAMING_TAIL = re.compile(
    r"\s*(?:등(?:을|이|의|도|에)?|[이가을를]|에 대한)?\s*(?:요구가|요청이|건의가|의견이|"
    r"(?:제시|논의|건의|요청|요구|거론|언급|제안|촉구)(?:됐|되었|했|하였|되|하))"
)


def _before_summary(tokens: list[Token], start: int, end: int) -> int:
    """'▲…병역특례와 비자 제도 개선, 학생 인건비 상향 등 유인책 제공': a '등' after a measure closes the
    list; what follows it only sums the items up. ('▲플랫폼 등 신산업 분야 진입규제 개선' is one item.)"""
    inside = [t for t in tokens if t.start >= start and t.end <= end]
    for k, token in enumerate(inside):
        if token.tag == "NNB" and token.form == "등" and k > 0 and ends_in_measure(inside[:k]):
            return token.start
    return end


def _item_before_bullets(
    text: str, tokens: list[Token], first_mark: int, floor: int
) -> tuple[int, int] | None:
    """'주요 건의사항은 매출액 기준의 대출한도 설정방식 개선 외 ▲…': the item named before '외'."""
    before = [t for t in tokens if t.end <= first_mark]
    if not before or before[-1].form != "외" or before[-1].tag != "NNB":
        return None
    region = _with_start(text, tokens, before[-1].start, floor, is_list=True)
    if region is None:
        return None
    return _clean(text, tokens, region[0], region[1])


def _asker_before(text: str, tokens: list[Token], first_mark: int) -> str | None:
    """'업계가 건의한 △…': who asked for the listed items, when a request verb's adnominal introduces them."""
    before = [t for t in tokens if t.end <= first_mark][-6:]
    for k in range(len(before) - 1, 1, -1):
        if (
            before[k].tag == "ETM"
            and before[k - 1].tag == "XSV"
            and before[k - 2].form in _REQUEST_ETM_VERBS
            and k >= 3
            and before[k - 3].tag == "JKS"
        ):
            words = text[: before[k - 3].start].split()
            return words[-1] if words else None
    return None


def _is_caption_item(tokens: list[Token], start: int, end: int) -> bool:
    """'▲중소벤처기업진흥공단이 19일 부산 벡스코에서 … 열었다': a clause with a subject and a finite verb."""
    inside = [t for t in tokens if t.start >= start and t.end <= end]
    has_subject = any(t.tag in ("JKS", "JX") for t in inside)
    return has_subject and any(t.tag in ("EF", "EP") for t in inside)


_ATTENDED = re.compile(r"참석(?:했|하였|한 가운데|해|하고|하여|했으며|했고|했습니다)")


def _is_attendance(sentence: Sentence) -> bool:
    """'△홍두선 차관보 △김진명 정책조정국장 등이 참석했고': a list of people, not of requests."""
    return bool(_ATTENDED.search(sentence.text)) and not any(
        w in sentence.text for w in ("건의", "요청", "제안", "요구")
    )


def _names_a_person(text: str, tokens: list[Token], start: int, end: int) -> bool:
    """'△홍두선 차관보', '△김기문 중기중앙회장': an attendee, not a request."""
    words = text[start:end].split()
    inside = [t for t in tokens if t.start >= start and t.end <= end]
    return 2 <= len(words) <= 4 and words[-1].endswith(PERSON_TITLES) and not ends_in_measure(inside)


# --- requests reported inside an official's sentence ----------------------------------------------------


def _asked_by_others(text: str, sentence: Sentence, tokens: list[Token]) -> Iterator[FoundRequest]:
    """'남장관은 업계가 요청한 금리인하 문제는 …': what the participants asked for, named by an official."""
    for i in range(2, len(tokens)):
        if not (
            tokens[i].tag == "ETM" and tokens[i - 1].tag == "XSV" and tokens[i - 2].form in _REQUEST_ETM_VERBS
        ):
            continue
        if i < 3 or tokens[i - 3].tag != "JKS":
            continue
        asker = text[sentence.start : tokens[i - 3].start].split()
        asker_phrase = " ".join(asker[-3:])
        if not asker or official_words(asker_phrase):
            continue
        start = tokens[i].end
        end = None
        last_coordinator = None
        for token in tokens[i + 1 :]:
            if token.tag == "JC" or token.form == "및":
                last_coordinator = token
            if (token.tag == "NNB" and token.form == "등") or token.form in ("문제", "과제", "사항", "현안"):
                end = token.start
                break
            if token.tag in ("JX", "JKO", "SF"):
                end = token.start
                break
            if token.tag == "JKS":
                end = last_coordinator.start if last_coordinator else None
                break
        if end is None or end <= start:
            continue
        for conjunct in split_conjuncts(text, tokens, start, end, is_list=True):
            span = _clean(text, tokens, conjunct.start, conjunct.end)
            if span and _is_concrete(text, tokens, *span):
                yield FoundRequest(span[0], span[1], as_speaker(asker[-1]), 2)


# --- speakers -------------------------------------------------------------------------------------------


# --- spans ----------------------------------------------------------------------------------------------

_LEAD_PHRASE = re.compile(r"(?:이|그) ?밖에(?:도)? |이외에(?:도)? |이와 함께 |이러한 |이런 |이 같은 ")
_TRAILING_FRAMING = re.compile(r"(?:\s*(?:등|건의|요청|제안|촉구|의견|문제는)?['’”\"]?\s*)$")
_LEADING_JUNK = " \t\n,，、;:·-–—'\"“”‘’"
_TRAILING_JUNK = ' \t\n,，、;:·-–—"“”'


def _clean(text: str, tokens: list[Token], start: int, end: int) -> tuple[int, int] | None:
    """Trim framing words, particles, quote marks and lead-in adverbs off a conjunct."""
    while True:
        before = (start, end)
        while start < end and text[start] in _LEADING_JUNK:
            start += 1
        while end > start and text[end - 1] in _TRAILING_JUNK:
            end -= 1
        inside = [t for t in tokens if t.start >= start and t.end <= end]
        topic = _leading_topic(inside)
        lead = _LEAD_PHRASE.match(text, start, end)
        if lead:
            start = lead.end()
        elif topic is not None:
            start = inside[topic].end  # "대형기저수협은 고유가에 대응한 …": the speaker is not the request
        elif (inside and inside[0].form in _LEAD_WORDS) or (
            inside and inside[0].tag in ("MAJ", "MM", "JC", "JKB", "JX")
        ):
            start = inside[1].start if len(inside) > 1 else end
        elif (
            inside
            and inside[-1].tag in ("JKO", "JKS", "JC", "JX", "JKG", "JKB", "SP", "EC")
            and len(inside) > 1
        ) or (inside and inside[-1].form in ("등", "건의", "요청", "제안", "촉구") and len(inside) > 1):
            end = inside[-2].end
        if (start, end) == before:
            break
    match = _TRAILING_FRAMING.search(text, start, end)
    if match and match.start() > start and match.group().strip():
        end = match.start()
    if end - start < 2 or not re.search(r"[가-힣A-Za-z]", text[start:end]):
        return None
    for opener, closer in (("‘", "’"), ("“", "”"), ("'", "'")):  # keep a quoted name whole
        inside = text[start:end]
        if (
            start > 0
            and text[start - 1] == opener
            and (
                inside.count(closer) > inside.count(opener) if opener != closer else inside.count(closer) % 2
            )
        ):
            start -= 1
            break
    if text.count("(", start, end) > text.count(")", start, end):
        closing = text.find(")", end, end + 30)
        if closing != -1:
            end = closing + 1
    return start, end


def _is_concrete(text: str, tokens: list[Token], start: int, end: int) -> bool:
    """Guide rule 3: a plea with no identifiable object ('적극적인 지원', '관심') is not a suggestion."""
    if _CONTACT.search(text, start, end):
        return False
    nouns = [
        t.form for t in tokens if t.start >= start and t.end <= end and t.tag in ("NNG", "NNP", "SL", "XR")
    ]
    if (nouns and nouns[-1] in _COMPLAINTS) or _UMBRELLA.search(text, start, end):
        return False  # "경제난에 대한 어려움을 호소했다", "애로점에 대한 개선을 건의했다"
    return any(n not in _GENERIC_NOUNS for n in nouns) and len("".join(text[start:end].split())) >= 3


def _names_a_measure(text: str, tokens: list[Token], start: int, end: int) -> bool:
    inside = [t for t in tokens if t.start >= start and t.end <= end]
    return ends_in_measure(inside) and not _CONTACT.search(text, start, end)


_COMPLAINTS = frozenset({"어려움", "애로", "고충", "애로사항", "불만", "우려", "애로점", "어려운", "감사"})
_UMBRELLA = re.compile(r"애로\S*\s*(?:에 대한|의)?\s*(?:개선|해결|해소)\s*$")


def _plea_for_purpose(text: str, tokens: list[Token], start: int, end: int) -> bool:
    """'체질 개선을 위한 과감한 정책 지원': a purpose followed by generic support only."""
    inside = [t for t in tokens if t.start >= start and t.end <= end]
    purposes = [k for k, t in enumerate(inside) if t.form in ("위하", "위해")]
    if not purposes:
        return False
    tail = [t for t in inside[purposes[-1] + 1 :] if t.tag in ("NNG", "NNP", "XR", "SL")]
    return bool(tail) and all(t.form in _GENERIC_NOUNS for t in tail)
