"""Tour metadata (date, place, company, industry, region, tour name and number, participants, host).

Sources, strongest first: a sidecar `<file>.meta.toml` written by staff, the document's own
header lines ("일시: 2024년 5월 21일(화)", "▶ (일시·장소) 8. 14(목) ..., ㈜아이디모드 (편직의류 가공업,
서울 금천구)"), the columns of a suggestion form, and finally the file's date. A date without a
year takes it from the sidecar, else from the weekday it names (8.14 목요일 -> the nearest year
in which 14 August is a Thursday), else from the file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date

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
_WEEKDAYS = "월화수목금토일"
_FULL_DATE = re.compile(
    r"(20\d{2})\s*[년.\-/]\s*(\d{1,2})\s*[월.\-/]\s*(\d{1,2})\s*일?\.?\s*(?:\(([월화수목금토일])\))?"
)
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*(?:월|\.)\s*(\d{1,2})\s*일?\.?\s*\(([월화수목금토일])\)")
_MONTH_DAY_WORDS = re.compile(r"(?<!\d)(\d{1,2})월\s*(\d{1,2})일")
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
_TOUR_TITLE = re.compile(r"(제\s?\d{1,3}\s?(?:회|차)[^\n<>]{0,40}?(?:투어|간담회))")
_HEADER_LINE = re.compile(
    r"^\s*(?:[-▶■○*•]\s*)*(?:\(\s*(?P<paren>[가-힣·\s]{2,8}?)\s*\)|(?P<plain>[가-힣·\s]{2,8}?)\s*[:：])"
    r"\s*(?P<value>.+?)\s*$",
    re.MULTILINE,
)
_HOSTS = ("중소벤처기업부", "산업통상자원부", "고용노동부", "과학기술정보통신부", "중소기업중앙회")

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
    """Combine sidecar, header lines, form columns and file date into one `TourMetadata`."""
    header = _header_fields(document.text)
    sidecar = document.sidecar
    form = _form_columns(document)

    when_text = header.get("when") or header.get("when_where") or ""
    sidecar_date = _sidecar_date(sidecar.get("date"))
    tour_date = sidecar_date or _parse_date(when_text, document, sidecar) or form.get("date")
    if tour_date is None:
        tour_date = _parse_date(document.text[:2000], document, sidecar)

    where = header.get("when_where", "")
    company = _first_company(header.get("company"), where, header.get("place"), document.text[:3000])
    industry = (
        header.get("industry") or _industry_from(where or header.get("company", "")) or form.get("industry")
    )
    region = header.get("region") or _region_from(
        header.get("place", "") + " " + where + " " + header.get("company", "")
    )
    region = region or form.get("region") or _region_from(document.text[:3000])
    place = header.get("place") or (where.split(",", 1)[-1].strip() if where else None)

    participants = _split_people(header.get("participants", ""))
    host = header.get("host") or next((h for h in _HOSTS if h in document.text), None)
    title_match = _TOUR_TITLE.search(document.text[:4000])
    tour_name = title_match.group(1).strip() if title_match else None
    number = _tour_number(tour_name or "", document.text[:4000])

    def pick(key: str, value: object) -> object:
        return sidecar.get(key, value)

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
    )


def _header_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for match in _HEADER_LINE.finditer(text[:3000]):
        key = " ".join((match.group("paren") or match.group("plain")).split())
        name = _HEADER_KEYS.get(key) or _HEADER_KEYS.get(key.replace(" ", ""))
        if name and name not in fields:
            fields[name] = match.group("value").strip()
    return fields


def _form_columns(document: ParsedDocument) -> dict[str, object]:
    """Most common values of a form's 일자/업종/지역 columns."""
    if not document.rows:
        return {}

    def common(names: Iterable[str]) -> str | None:
        values = [row.cells[n] for row in document.rows for n in names if row.cells.get(n)]
        return Counter(values).most_common(1)[0][0] if values else None

    found: dict[str, object] = {}
    day = common(("일자", "날짜", "일시", "접수일"))
    if day:
        parsed = _parse_date(day, document, document.sidecar)
        if parsed:
            found["date"] = parsed
    for key, names in (("industry", ("업종",)), ("region", ("지역", "소재지"))):
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


def _parse_date(text: str, document: ParsedDocument, sidecar: dict[str, object]) -> date | None:
    match = _FULL_DATE.search(text)
    if match:
        year, month, day = (int(g) for g in match.group(1, 2, 3))
        return _safe_date(year, month, day)
    match = _MONTH_DAY.search(text)
    weekday = None
    if match:
        month, day, weekday = int(match.group(1)), int(match.group(2)), match.group(3)
    else:
        match = _MONTH_DAY_WORDS.search(text)
        if not match:
            return None
        month, day = int(match.group(1)), int(match.group(2))
    return _infer_year(month, day, weekday, document, sidecar)


def _infer_year(
    month: int, day: int, weekday: str | None, document: ParsedDocument, sidecar: dict[str, object]
) -> date | None:
    if isinstance(sidecar.get("year"), int):
        return _safe_date(int(sidecar["year"]), month, day)  # type: ignore[arg-type]
    reference = document.modified.year if document.modified else date.today().year
    if weekday:
        for offset in (0, -1, 1, -2, 2, -3, -4, -5, -6):
            candidate = _safe_date(reference + offset, month, day)
            if candidate and _WEEKDAYS[candidate.weekday()] == weekday:
                return candidate
    return _safe_date(reference, month, day)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


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
