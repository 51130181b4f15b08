"""Tour metadata (date, place, company, industry, region, tour name and number, participants, host).

Sources, strongest first: a sidecar `<file>.meta.toml` written by staff, the document's own
header lines ("일시: 2024년 5월 21일(화)", "▶ (일시·장소) 8. 14(목) ..., ㈜아이디모드 (편직의류 가공업,
서울 금천구)"), the columns of a suggestion form, and finally the prose of a press release or a
news article ("중소기업중앙회는 28일 여의도 중소기업회관에서 ... 간담회를 개최했다").

Dates: a news article or press release rarely prints the meeting's year. It prints its own date
(a dateline or byline: "입력 2013-04-30 18:00", "2025-09-10 신승엽 기자", "보도시점 8.14.(목)") and
the meeting's day relative to it ("28일", "지난 17일", "오늘(21일)", "10월 13일(월)"). The meeting
date is resolved against that document date and never lies after it, after the file's date or
after today. Where nothing in the sidecar or the text gives a year, only the file's date can, and
then only for a month and day ("9월 10일"), with a printed weekday choosing among the few years
before the file's date. Without any of these the date stays unknown: no date is better than a
wrong one, so today's year is never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from nlp.records import ParsedDocument, TourMetadata

_PROVINCES = (
    "서울특별시|부산광역시|대구광역시|인천광역시|광주광역시|대전광역시|울산광역시|세종특별자치시|"
    "경기도|강원특별자치도|강원도|충청북도|충청남도|전북특별자치도|전라북도|전라남도|경상북도|경상남도|제주특별자치도|"
    "서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주"
)
_REGION = re.compile(
    rf"(?<![가-힣])({_PROVINCES})(?:\s+([가-힣]{{1,6}}(?:시|군|구)))?(?:\s+([가-힣]{{1,6}}구))?"
)
_COMPANY = re.compile(r"(?:㈜|\(주\)|주식회사\s?)\s?([가-힣A-Za-z0-9&]+)")
_TOUR_NUMBER = re.compile(r"제\s?(\d{1,3})\s?(?:회|차)")
_ORDINALS = {
    "첫": 1,
    "두": 2,
    "세": 3,
    "네": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
}
_ORDINAL_WORD = re.compile(r"(첫|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s?번째")
# A tour's title, number first ("2024년 제3차 스마트제조 현장간담회") or series first ("현장 소통
# 간담회 제3차 회의록"); both become "2024년 제3차 스마트제조 현장간담회" (`canonical_tour_name`).
_TITLE_NUMBER_FIRST = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})년[^\S\n]*)?제[^\S\n]?(?P<n>\d{1,3})[^\S\n]?(?P<unit>회|차)[^\S\n]*"
    r"(?P<series>[^\n<>]{0,40}?(?:투어|간담회))"
)
_TITLE_SERIES_FIRST = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})년[^\S\n]*)?(?P<series>[가-힣A-Za-z0-9·][가-힣A-Za-z0-9· \t]{0,38}?(?:투어|간담회))"
    r"[^\S\n]*제[^\S\n]?(?P<n>\d{1,3})[^\S\n]?(?P<unit>회|차)"
)
_HEADER_LINE = re.compile(
    r"^\s*(?:[-▶■○*•]\s*)*(?:\(\s*(?P<paren>[가-힣·\s]{2,8}?)\s*\)|(?P<plain>[가-힣·\s]{2,8}?)\s*[:：])"
    r"\s*(?P<value>.+?)\s*$",
    re.MULTILINE,
)

_HEADER_KEYS = {
    "일시": "when",
    "일자": "when",
    "날짜": "when",
    "일시·장소": "when_where",
    "장소": "place",
    "방문기업": "company",
    "방문 기업": "company",
    "기업": "company",
    "업종": "industry",
    "지역": "region",
    "참석자": "participants",
    "참 석 자": "participants",
    "참석": "participants",
    "주관": "host",
    "주최": "host",
}


def extract_tour_metadata(document: ParsedDocument) -> TourMetadata:
    """Combine sidecar, header lines, form columns and the text into one `TourMetadata`."""
    header = _header_fields(document.text)
    sidecar = document.sidecar
    form = _form_columns(document)

    tour_date = _sidecar_date(sidecar.get("date")) or _tour_date(document, header, form)

    where = header.get("when_where", "")
    company = _first_company(header.get("company"), where, header.get("place"), document.text[:3000])
    industry = (
        header.get("industry") or _industry_from(where or header.get("company", "")) or form.get("industry")
    )
    region = header.get("region") or _region_from(
        header.get("place", "") + " " + where + " " + header.get("company", "")
    )
    region = region or form.get("region") or _region_from(document.text[:3000])
    place = (
        header.get("place")
        or (where.split(",", 1)[-1].strip() if where else None)
        or _place_in_prose(document.text)
    )

    participants = _split_people(header.get("participants", "")) or _participants_in_prose(document.text)
    host = header.get("host") or host_in_text(document.text)
    tour_name = tour_title(document.text[:4000], tour_date)
    number = _tour_number(tour_name or "", document.text[:4000])

    def pick(key: str, value: object) -> object:
        return sidecar.get(key, value)

    given_name = sidecar.get("tour_name")
    if isinstance(given_name, str) and given_name.strip():  # staff's name, in the same shape as the rest
        sidecar = {**sidecar, "tour_name": tour_title(given_name, tour_date) or given_name.strip()}

    return TourMetadata(
        date=tour_date,
        place=pick("place", place),  # type: ignore[arg-type]
        company=pick("company", company),  # type: ignore[arg-type]
        industry=pick("industry", industry),  # type: ignore[arg-type]
        region=pick("region", region),  # type: ignore[arg-type]
        tour_name=pick("tour_name", tour_name),  # type: ignore[arg-type]
        tour_number=int(pick("tour_number", number)) if pick("tour_number", number) else None,  # type: ignore[arg-type]
        participants=tuple(sidecar.get("participants", participants)),  # type: ignore[arg-type]
        host=pick("host", host),  # type: ignore[arg-type]
        sidecar_tour_id=str(sidecar["tour_id"]) if sidecar.get("tour_id") else None,
        document=document.path,
    )


def tour_title(text: str, tour_date: date | None) -> str | None:
    """The first tour title in `text`, as "YYYY년 제N회|차 series": the year the title states, else
    the tour's own year, so every tour of a series reads and sorts alike."""
    found = [m for m in (_TITLE_NUMBER_FIRST.search(text), _TITLE_SERIES_FIRST.search(text)) if m]
    if not found:
        return None
    match = min(found, key=lambda m: m.start())
    series = " ".join(match.group("series").split())
    year = match.group("year") or (str(tour_date.year) if tour_date else None)
    numbered = f"제{int(match.group('n'))}{match.group('unit')} {series}"
    return f"{year}년 {numbered}" if year else numbered


def _header_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for match in _HEADER_LINE.finditer(text[:3000]):
        key = " ".join((match.group("paren") or match.group("plain")).split())
        name = _HEADER_KEYS.get(key) or _HEADER_KEYS.get(key.replace(" ", ""))
        if name and name not in fields:
            fields[name] = match.group("value").strip()
    return fields


def _form_columns(document: ParsedDocument) -> dict[str, object]:
    """Most common values of a form's 일자/업종/지역 columns (the date stays text until resolved)."""
    if not document.rows:
        return {}

    def common(names: Iterable[str]) -> str | None:
        values = [row.cells[n] for row in document.rows for n in names if row.cells.get(n)]
        return Counter(values).most_common(1)[0][0] if values else None

    found: dict[str, object] = {}
    for key, names in (
        ("date", ("일자", "날짜", "일시", "접수일")),
        ("industry", ("업종",)),
        ("region", ("지역", "소재지")),
    ):
        value = common(names)
        if value:
            found[key] = value
    return found


def _sidecar_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- dates ----------------------------------------------------------------------------------------

_WEEKDAYS = "월화수목금토일"
_WEEKDAY = r"(?:\s*\(\s*(?P<weekday>[월화수목금토일])(?:요일)?\s*\))?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
# 2024년 5월 21일 · 2024. 5. 21. · 2014.05.29 · 2019-04-15 · 2025/07/29
_FULL_DATE = re.compile(
    rf"(?<!\d){_YEAR}\s*(?:년\s*|[.\-/]\s*)(?P<month>\d{{1,2}})\s*(?:월\s*|[.\-/]\s*)(?P<day>\d{{1,2}})"
    rf"(?!\d)(?:\s*일)?\.?{_WEEKDAY}"
)
# 5월 21일(화) · 8. 14(목) · 8.14.(목) (a dotted month and day only with its weekday)
_MONTH_DAY = re.compile(
    rf"(?<![\d.])(?P<month>\d{{1,2}})\s*월\s*(?P<day>\d{{1,2}})\s*일{_WEEKDAY}"
    r"|(?<![\d.])(?P<dmonth>\d{1,2})\s*\.\s*(?P<dday>\d{1,2})(?!\d)\s*\.?\s*\(\s*(?P<dweekday>[월화수목금토일])\s*\)"
)
_LAST_MONTH_DAY = re.compile(r"지난\s*달\s*(?P<day>\d{1,2})\s*일")
# 17일 · 지난 17일 · 오늘(21일) · 어젯밤(17일) · 14일(목); not 3일간, 6일자, 5일째, 30일 만에, 1일부터 시행
_DAY = re.compile(
    r"(?<![\d.~∼\-])(?P<day>\d{1,2})\s*일(?=[\s,.)(]|$|부터|에|께)"
    rf"(?!\s*(?:자|째|간|만에|이내|이후|이전|전|동안|씩)){_WEEKDAY}"
)
# "개최했다고 30일 밝혔다", "3일 정부와 업계에 따르면": the day of the announcement, not of the meeting
_ANNOUNCED = re.compile(r"\s*(?:(?:\S+\s+)?(?:밝혔|발표했|전했|알렸|공개했)|[^.\n]{0,20}?따르면)")
_MEETING_WORDS = re.compile(
    r"간담회|방문|투어|회의|만찬|오찬|조찬|면담|예방|개최|열었|열린|열어|가졌|가진|갖고|찾아|초청|토론회|설명회|협의회|청취|만나"
)
# The document's own date: a dateline or byline, with a year ...
_DATE_TEXT = r"(?:19|20)\d{2}\s*(?:년\s*|[.\-/]\s*)\d{1,2}\s*(?:월\s*|[.\-/]\s*)\d{1,2}(?!\d)(?:\s*일)?\.?"
_DATELINE = re.compile(
    rf"(?:입력|등록|작성|발행|송고|승인|게재)\s*(?:일시|일자)?\s*[:：]?[^\n\d]{{0,20}}?(?P<a>{_DATE_TEXT})"
    rf"|(?P<b>{_DATE_TEXT})\s*(?:\d{{1,2}}\s*[:시]\s*\d{{2}}|[가-힣]{{2,4}}\s*기자)"
    rf"|\(\s*[^()\n]{{0,20}}?\s*(?P<c>{_DATE_TEXT})\s*자\s*\)",
)
# ... or the embargo line of a press release, without one: "보도시점 (전매체) 8.14.(목) 09:30"
_RELEASE_LINE = re.compile(r"(?:보도\s*(?:시점|일시|일자)|배포\s*(?:일시|일자)|엠바고)[^\n]{0,30}")


@dataclass(frozen=True)
class _DateMention:
    """A date as the text prints it: some of year, month, day and weekday, and where it stands."""

    start: int
    end: int
    day: int
    month: int | None = None
    year: int | None = None
    weekday: str | None = None
    last_month: bool = False


@dataclass(frozen=True)
class _DateBasis:
    """What a printed date is resolved against (see the module docstring)."""

    latest: date  # nothing after this: the document's own date, the file's date, today
    document_date: date | None = None
    sidecar_year: int | None = None
    file_date: date | None = None


def _tour_date(document: ParsedDocument, header: dict[str, str], form: dict[str, object]) -> date | None:
    """The meeting date: a header's 일시, a form's 일자, else the one the prose states, else the document's date."""
    sidecar_year = document.sidecar.get("year")
    sidecar_year = sidecar_year if isinstance(sidecar_year, int) else None
    latest = min(d for d in (date.today(), document.modified) if d is not None)
    own, own_span = _document_date(document.text, sidecar_year, document.modified, latest)
    basis = _DateBasis(
        latest=min(latest, own) if own else latest,
        document_date=own,
        sidecar_year=sidecar_year,
        file_date=document.modified,
    )
    for stated in (header.get("when") or header.get("when_where"), form.get("date")):
        if isinstance(stated, str) and stated:
            mentions = _date_mentions(stated)
            if mentions:
                return _resolve_date(mentions[0], basis)
    mention = _meeting_mention(document.text, skip=own_span)
    if mention is not None:
        return _resolve_date(mention, basis)
    return own


def _document_date(
    text: str, sidecar_year: int | None, modified: date | None, latest: date
) -> tuple[date | None, tuple[int, int]]:
    """The document's own date (dateline, byline, embargo line) and where it is printed."""
    match = _DATELINE.search(text)
    if match:
        group = next(g for g in ("a", "b", "c") if match.group(g))
        found = _FULL_DATE.match(text, match.start(group))
        if found:
            day = _safe_date(int(found["year"]), int(found["month"]), int(found["day"]))
            if day and day <= latest:
                return day, (match.start(), match.end())
    line = _RELEASE_LINE.search(text[:1000])
    if line:
        mentions = _date_mentions(line.group(0))
        if mentions:
            basis = _DateBasis(latest=latest, sidecar_year=sidecar_year, file_date=modified)
            return _resolve_date(mentions[0], basis), line.span()
    return None, (0, 0)


def _date_mentions(text: str) -> list[_DateMention]:
    """Every date the text prints, in reading order; a longer form hides the shorter ones inside it."""
    found: list[_DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _FULL_DATE.finditer(text):
        found.append(
            _DateMention(
                match.start(),
                match.end(),
                int(match["day"]),
                int(match["month"]),
                int(match["year"]),
                match["weekday"],
            )
        )
        taken.append(match.span())
    for match in _MONTH_DAY.finditer(text):
        if free(*match.span()):
            month, day = match["month"] or match["dmonth"], match["day"] or match["dday"]
            weekday = match["weekday"] or match["dweekday"]
            found.append(_DateMention(match.start(), match.end(), int(day), int(month), weekday=weekday))
            taken.append(match.span())
    for match in _LAST_MONTH_DAY.finditer(text):
        if free(*match.span()):
            found.append(_DateMention(match.start(), match.end(), int(match["day"]), last_month=True))
            taken.append(match.span())
    for match in _DAY.finditer(text):
        if free(*match.span()) and 1 <= int(match["day"]) <= 31:
            found.append(
                _DateMention(match.start(), match.end(), int(match["day"]), weekday=match["weekday"])
            )
    return sorted(found, key=lambda m: m.start)


def _meeting_mention(text: str, skip: tuple[int, int]) -> _DateMention | None:
    """The first date printed in a sentence about the meeting (not the dateline, not the day of an announcement)."""
    for mention in _date_mentions(text):
        if skip[0] <= mention.start < skip[1] or _ANNOUNCED.match(text, mention.end):
            continue
        if _MEETING_WORDS.search(_sentence_around(text, mention.start, mention.end)):
            return mention
    return None


def _sentence_around(text: str, start: int, end: int) -> str:
    before = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start), text.rfind("다.", 0, start))
    after = [i for i in (text.find("\n", end), text.find(". ", end), text.find("다.", end)) if i >= 0]
    return text[before + 1 : min(after) + 1 if after else len(text)]


def _resolve_date(mention: _DateMention, basis: _DateBasis) -> date | None:
    """The calendar date of a printed date, or None where its year or month cannot be known.

    A year the staff gave in the sidecar is taken as it is; every other date must not lie
    after `basis.latest`.
    """
    if mention.year is not None and mention.month is not None:
        found = _safe_date(mention.year, mention.month, mention.day)
        return found if found and found <= basis.latest else None
    if mention.month is not None and basis.sidecar_year is not None:
        return _safe_date(basis.sidecar_year, mention.month, mention.day)
    anchor = basis.document_date
    if anchor is not None:
        if mention.month is not None:
            year = (
                anchor.year if (mention.month, mention.day) <= (anchor.month, anchor.day) else anchor.year - 1
            )
            return _safe_date(year, mention.month, mention.day)
        month_start = anchor.replace(day=1)
        if mention.last_month or mention.day > anchor.day:
            month_start = (month_start - timedelta(days=1)).replace(day=1)
        return _safe_date(month_start.year, month_start.month, mention.day)
    if mention.month is not None and basis.file_date is not None:
        return _latest_before(mention.month, mention.day, mention.weekday, basis.latest)
    return None


def _latest_before(month: int, day: int, weekday: str | None, latest: date) -> date | None:
    """The latest month-day not after `latest`; with a weekday, the one year within five that has it."""
    for year in range(latest.year, latest.year - 5, -1):
        candidate = _safe_date(year, month, day)
        if candidate is None or candidate > latest:
            continue
        if weekday is None or _WEEKDAYS[candidate.weekday()] == weekday:
            return candidate
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- who, where -----------------------------------------------------------------------------------

# Government bodies that hold field meetings, with the short names the press uses; the earliest
# named in the text is taken as the host (business associations are the other side, not hosts).
_HOST_NAMES: dict[str, tuple[str, ...]] = {
    "중소벤처기업부": ("중소벤처기업부", "중기부"),
    "산업통상자원부": ("산업통상자원부", "산업부(?!문)", "산자부"),
    "기획재정부": ("기획재정부", "기재부", "경제부총리"),
    "금융위원회": ("금융위원회", "금융위원장", "금융위"),
    "해양수산부": ("해양수산부", "해수부"),
    "농림축산식품부": ("농림축산식품부", "농식품부"),
    "과학기술정보통신부": ("과학기술정보통신부", "과기정통부"),
    "고용노동부": ("고용노동부",),
    "국토교통부": ("국토교통부", "국토부"),
    "환경부": ("환경부",),
    "보건복지부": ("보건복지부", "복지부"),
    "행정안전부": ("행정안전부", "행안부"),
    "문화체육관광부": ("문화체육관광부", "문체부"),
    "정보통신부": ("정보통신부",),
    "재정경제부": ("재정경제부",),
    "재무부": ("재무부",),
    "경제기획원": ("경제기획원",),
    "관세청": ("관세청",),
    "조달청": ("조달청",),
    "특허청": ("특허청",),
    "중소기업청": ("중소기업청",),
    "국세청": ("국세청",),
    "식품의약품안전처": ("식품의약품안전처", "식약처"),
    "법제처": ("법제처",),
    "국무조정실": ("국무조정실", "민관합동규제개선추진단"),
    "민관합동규제개혁추진단": ("민관합동규제개혁추진단",),
    "중소기업특별위원회": ("중소기업특별위원회",),
    "대통령직인수위원회": ("대통령직인수위원회", "대통령직 인수위", "인수위"),
    "국무총리실": ("국무총리실", "국무총리", "(?<!부)총리"),
    "대통령실": ("대통령실", "청와대", r"대통령(?!\s*직속|직\s*인수)"),
    "국정기획위원회": ("국정기획위원회", "국정위"),
    "중소기업 옴부즈만": ("중소기업 옴부즈만", "옴부즈만"),
    "중소벤처기업진흥공단": ("중소벤처기업진흥공단", "중진공"),
    "한국산업단지공단": ("한국산업단지공단", "산단공"),
    "소상공인시장진흥공단": ("소상공인시장진흥공단", "소진공"),
    "국립농산물품질관리원": ("국립농산물품질관리원", "농관원"),
    "국회": ("국회 [가-힣]{2,8}위원(?:회|장)", "국회의원"),
}
_PROVINCE_HOSTS = (
    "서울특별시|부산광역시|대구광역시|인천광역시|광주광역시|대전광역시|울산광역시|세종특별자치시|경기도|"
    "강원특별자치도|강원도|충청북도|충청남도|전북특별자치도|전라북도|전라남도|경상북도|경상남도|제주특별자치도"
)
_HOST = re.compile(
    "|".join(f"(?P<h{i}>{'|'.join(names)})" for i, names in enumerate(_HOST_NAMES.values()))
    + rf"|(?P<province>(?:{_PROVINCE_HOSTS})(?:의회|청|지사|(?=[는가]\s)))"
    + r"|(?P<county>[가-힣]{1,3}군)(?=청|는\s|\s+[가-힣]{2,8}과(?:는|장))"
)
_HOST_KEYS = list(_HOST_NAMES)


def host_in_text(text: str) -> str | None:
    """The government body the text names first: the ministry, agency, office or province that held the meeting."""
    match = _HOST.search(text[:4000])
    if not match:
        return None
    if match["province"] or match["county"]:
        return re.sub(r"(?:청|지사)$", "", match["province"] or match["county"])
    index = next(i for i, _ in enumerate(_HOST_KEYS) if match[f"h{i}"])
    if _HOST_KEYS[index] == "국회" and match.group(0).startswith("국회 "):
        return re.sub(r"위원장$", "위원회", match.group(0))
    return _HOST_KEYS[index]


# "19일 부산 벡스코에서", "3월 10일(화) 서울지방조달청에서", "27일 서울산업진흥원을 방문해"
_PLACE = re.compile(
    r"일(?:\s*\([월화수목금토일]\))?\s*(?:(?:오전|오후|하오|저녁|밤)\s*)?(?:\d{1,2}\s*시(?:\s*\d{1,2}\s*분)?\s*,?\s*)?"
    r"(?P<place>(?:[^\s,.\"“”'‘’()]+\s+){0,4}?[^\s,.\"“”'‘’()]+?)(?:에서|을\s+방문|를\s+방문|을\s+찾|를\s+찾)"
)


def _place_in_prose(text: str) -> str | None:
    """Where a report says the meeting was: the words between its day and "에서" (or what was visited)."""
    for match in _PLACE.finditer(text[:3000]):
        place = match["place"].strip()
        if (
            _MEETING_WORDS.search(_sentence_around(text, match.start(), match.end()))
            and not re.search(r"[을를이가은는와과의]$|\d", place.split()[0])
            and not re.search(r"간담회|[과와]의|에게|으로", place)
        ):
            return place
    return None


# "간담회에는 전하진 한글과컴퓨터사장, 손승현 심마니사장 ... 등이 참석했다"
_ATTENDEES = re.compile(
    r"(?:간담회|회의|행사|자리|이날)에(?:는|선|서는)\s+(?P<list>(?:(?!참석)[^.\n]){4,400}?)\s*등(?:이|\s)[^.\n]{0,40}?참석"
)


def _participants_in_prose(text: str) -> tuple[str, ...]:
    """The attendees a report lists ("...에는 A, B, C 등이 참석했다"), each as the text names them."""
    match = _ATTENDEES.search(text)
    if not match:
        return ()
    parts = re.split(r"\s*,\s*|\s*[을를]\s*비롯(?:해|한)\s*|\s+및\s+", match["list"])
    return tuple(p.strip() for p in parts if 2 <= len(p.strip()) <= 40)


def _first_company(*texts: str | None) -> str | None:
    for text in texts:
        if text:
            match = _COMPANY.search(text)
            if match:
                return "㈜" + match.group(1)
    return None


def _industry_from(text: str) -> str | None:
    inside = re.search(r"\(([^()]*?업)\s*(?:,|\))", text)
    return inside.group(1).strip() if inside else None


def _region_from(text: str) -> str | None:
    match = _REGION.search(text)
    if not match:
        return None
    return " ".join(part for part in match.groups() if part)


def _split_people(text: str) -> tuple[str, ...]:
    parts = re.split(r"\s*[,、]\s*", text)
    return tuple(p.strip() for p in parts if p.strip())


def _tour_number(*texts: str) -> int | None:
    for text in texts:
        match = _TOUR_NUMBER.search(text)
        if match:
            return int(match.group(1))
        word = _ORDINAL_WORD.search(text)
        if word:
            return _ORDINALS[word.group(1)]
    return None
