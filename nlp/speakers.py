"""Who raises a request, and whether they are the government side.

A request belongs to the clause's topic ("…은/는") or subject ("…이/가"), or to the group the article
named as asking. The minister, officials, agencies and the meeting itself ("이번 간담회는 …") are
never participants; a participant is named by a head noun for people or organisations ("기업 대표들",
"송 회장", "대한상의", "서핑보드를 생산하는 A기업"). `nlp.requests` asks these questions of each
request it finds.
"""

from __future__ import annotations

import re

from nlp.sentences import Sentence, Token

OFFICIAL_TITLES = (
    "장관", "차관", "청장", "총리", "대통령", "위원장", "처장", "지사", "군수", "구청장", "의원", "의장",
    "실장", "국장", "정책관", "차관보", "옴부즈만", "부단장", "단장", "이사장", "사무관", "서기관", "주무관",
    "과장", "소장", "시장", "수석", "비서관", "당국", "정부", "관계자",
)  # fmt: skip


GOVERNMENT_BODIES = (
    "중기부", "중소벤처기업부", "산업부", "산업통상자원부", "고용부", "고용노동부", "국토부", "국토교통부",
    "해수부", "해양수산부", "농식품부", "농림축산식품부", "기재부", "기획재정부", "과기정통부", "금융위",
    "금감원", "관세청", "조달청", "특허청", "국세청", "법제처", "중진공", "산단공", "소진공", "추진단",
    "국정위", "인수위", "국무조정실", "청와대", "대통령실", "정부", "부처", "도청", "시청",
    "군청", "위원회",
)  # fmt: skip


PARTICIPANT_WORDS = (
    "기업", "업계", "업체", "대표", "회장", "협회", "조합", "단체", "참석자", "농가", "농업인", "어업인", "상인",
    "소상공인", "상의", "전경련", "경제계", "중앙회", "연합회", "전문가", "㈜", "(주)", "협의회", "경영인",
)  # fmt: skip


SUBJECT_TRIM = re.compile(
    r"^(?:이날|한편|또한|또|특히|이어|이에|아울러|이와 함께|이 자리에서|이에 대해)\s*,?\s*"
)


def inside_relative_clause(tokens: list[Token], index: int) -> bool:
    """'인재들이 모이는 행사': a subject followed shortly by an adnominal ending belongs to the object."""
    for token in tokens[index + 1 : index + 7]:
        if token.tag == "ETM":
            return True
        if token.tag in ("EC", "EF", "JKS", "JX", "JKO", "SP"):
            return False
    return False


PERSON_TITLES = (
    "차관보", "국장", "실장", "회장", "협회장", "본부장", "차관", "장관", "위원", "의원", "대표", "이사", "사장",
    "단장", "원장", "청장", "총리", "과장", "조합장", "부장", "관장", "센터장", "소장", "총무", "지부장",
    "지회장", "상임대표", "공동대표", "이사장", "전문가", "상인회장", "조합원",
)  # fmt: skip


def topics_of(sentence: Sentence, before: int | None = None) -> list[tuple[str | None, bool, str, bool]]:
    """(speaker, is_official, particle tag, is a meeting) of each topic or subject before `before`."""
    tokens = [t for t in sentence.tokens if before is None or t.end <= before]
    found = []
    quoted = inside_quotes(sentence.text)
    for k, token in enumerate(tokens):
        if token.tag not in ("JX", "JKS") or (token.tag == "JX" and token.form not in ("은", "는")):
            continue
        if quoted[token.start - sentence.start]:
            continue  # “강원도는 …” inside a quote is what the speaker said, not who speaks
        if (
            k > 0
            and tokens[k - 1].tag in ("JKB", "EC", "ETM", "XSV", "EF")
            and not body_as_subject(tokens, k)
        ):
            continue
        if token.tag == "JKS" and inside_relative_clause(tokens, k):
            continue
        phrase = sentence.text[: token.start - sentence.start]
        phrase = re.split(r"[,“\"]|(?<=[다면며])\s", phrase)[-1].strip()
        phrase = SUBJECT_TRIM.sub("", phrase).strip(" ‘’'()")
        words = phrase.split()[-6:]
        while len(words) > 1 and words[-1] in ("등", "등이", "등은"):
            words.pop()  # "현장의 전문가 등은"
        found.append((as_speaker(" ".join(words)), official_words(phrase), token.tag, is_meeting(phrase)))
    return found


def inside_quotes(text: str) -> list[bool]:
    """For each character: is it inside a quotation (“…”, "…")?"""
    flags = []
    depth = 0
    straight_open = False
    for char in text:
        if char == "“":
            depth += 1
        elif char == "”":
            depth = max(0, depth - 1)
        elif char == '"':
            straight_open = not straight_open
        flags.append(depth > 0 or straight_open)
    return flags


BODY_ENDINGS = ("위원회", "의회", "부", "청", "처", "공단", "시", "군", "구청", "도청", "정부", "당국")


def body_as_subject(tokens: list[Token], k: int) -> bool:
    """'경제복지위원회에서는 … 당부했다', '정부에서는 …': an organisation speaks through '에서는'
    ('간담회에서는' is a place)."""
    return (
        k >= 2
        and tokens[k - 1].form == "에서"
        and tokens[k - 2].tag in ("NNG", "NNP")
        and tokens[k - 2].form.endswith(BODY_ENDINGS)
    )


def main_subject(sentence: Sentence, before: int | None = None) -> tuple[str | None, bool] | None:
    """(speaker, is_official) of the last topic ("…은/는") before `before`, else of the first subject:
    in "최부총리는 … 기업들이 … 자제해 달라고 당부했다" the speaker is the topic."""
    topics = topics_of(sentence, before)
    if not topics:
        return None
    marked = [t for t in topics if t[2] == "JX"]
    speaker, official, _, _ = marked[-1] if marked else topics[0]
    return speaker, official


def is_meeting(phrase: str | None) -> bool:
    return bool(phrase) and phrase.split()[-1].endswith(("간담회", "행사", "회의", "자리", "방문", "투어"))


def as_speaker(phrase: str) -> str | None:
    """A subject names a speaker when it names people or an organisation ('기업 대표들', '송 회장',
    '대한상의'), not when it is a place or a thing ('현장에서는 다양한 애로사항')."""
    if not phrase:
        return None
    head = phrase.split()[-1]  # the head noun names who it is: "여성어업인의 어촌사회 역할" is a role
    names_someone = (
        head.endswith("들")
        or any(w in head for w in PARTICIPANT_WORDS)
        or head.endswith(PERSON_TITLES)
        or head.endswith(("계", "측", "상의", "연합회", "협의회", "전경련", "수협", "단장", "농협"))
    )
    return phrase if names_someone else None


def official_words(phrase: str) -> bool:
    """Does this subject name the government side (a minister, an agency, its staff), or the meeting
    itself ('이번 간담회는 … 건의하고 … 마련됐다': a purpose, not a request)?"""
    if not phrase:
        return False
    words = phrase.split()
    last = words[-1] if words else ""
    if last.endswith(("간담회", "행사", "회의", "자리", "방문", "투어")):
        return True
    if re.search(r"(?:정부|부처|장관|당국)(?:와|과)\s", phrase + " "):
        return True  # "정부와 업계는 … 의견을 교환했다": a joint position, not a request
    if "참석한" in phrase or "참석자" in phrase:
        return False
    if any(
        p in phrase for p in ("업체", "기업", "협회", "조합", "업계", "대표", "단체", "농가", "상인")
    ) and not any(body in phrase for body in GOVERNMENT_BODIES):
        return False
    if any(
        p in last
        for p in ("회장", "대표", "조합장", "협회", "업계", "기업", "업체", "단체", "참석자", "농가", "상인")
    ):
        return False
    if any(body in phrase for body in GOVERNMENT_BODIES) and not any(p in last for p in PARTICIPANT_WORDS):
        return True
    return any(last.endswith(title) or title in last for title in OFFICIAL_TITLES)
