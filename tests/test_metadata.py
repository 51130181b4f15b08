"""nlp.metadata: tour date, company, industry, region and number from headers, forms, sidecars and weekdays."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from samples import MINUTES, form_csv_text, timestamp, write_minutes, write_seed

from nlp.metadata import extract_tour_metadata, tour_title
from nlp.readers import read_document


def _read(path: Path):
    return read_document(path, max_bytes=10_000_000)


@pytest.mark.parametrize(
    ("file_year", "expected"),
    [(2026, date(2025, 8, 14)), (2023, None), (2025, None)],
)
def test_seed_year_is_inferred_from_the_weekday(
    tmp_path: Path, file_year: int, expected: date | None
) -> None:
    # The press release says only "8. 14(목)"; 14 August was a Thursday in 2025 (not in 2023 or 2026).
    # A file dated 1 March 2023 or 2025 cannot report a meeting of 14 August 2025, and no year within
    # five before it has a Thursday 14 August: no date rather than a wrong one.
    path = write_seed(tmp_path, year=file_year)
    document = _read(path)
    assert document.modified is not None and document.modified.year == file_year
    assert document.sidecar == {}
    tour = extract_tour_metadata(document)
    assert tour.date == expected


def test_seed_company_industry_region_and_number(tmp_path: Path) -> None:
    tour = extract_tour_metadata(_read(write_seed(tmp_path, year=2026)))
    assert tour.company == "㈜아이디모드"
    assert tour.industry == "편직의류 가공업"
    assert tour.region == "서울 금천구"
    assert tour.tour_number == 3
    assert tour.tour_name is not None and "제3회" in tour.tour_name
    assert tour.host == "중소벤처기업부"


def test_year_without_weekday_comes_from_the_file_date(tmp_path: Path) -> None:
    path = tmp_path / "메모.txt"
    path.write_text(
        "현장 메모\n9월 10일 ㈜오송바이오젠 방문\n배양 공정 데이터 수집 장비 지원을 요청했다.\n",
        encoding="utf-8",
    )
    december = dt.datetime(2024, 12, 1, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(path, (december, december))
    assert extract_tour_metadata(_read(path)).date == date(2024, 9, 10)
    # a file of 1 March 2024 reports the 10 September before it, never one after it
    os.utime(path, (timestamp(2024), timestamp(2024)))
    assert extract_tour_metadata(_read(path)).date == date(2023, 9, 10)


def test_minutes_header(tmp_path: Path) -> None:
    tour = extract_tour_metadata(_read(write_minutes(tmp_path)))
    assert tour.date == date(2024, 5, 21)
    assert tour.company == "㈜대성정밀"
    assert tour.industry == "자동차부품 제조업"
    assert tour.region == "경남 창원시 성산구"
    assert tour.place is not None and tour.place.startswith("㈜대성정밀 본사 회의실")
    assert tour.tour_number == 3
    assert "㈜대성정밀 대표 김민수" in tour.participants
    assert tour.host == "중소벤처기업부"


def test_minutes_header_in_markdown_bullets(tmp_path: Path) -> None:
    text = MINUTES.replace("일시:", "- 일시:").replace("장소:", "- 장소:").replace("방문기업:", "- 방문기업:")
    text = text.replace("2024년 5월 21일(화)", "2024. 5. 21.(화)").replace("㈜대성정밀 (", "(주)대성정밀 (")
    tour = extract_tour_metadata(_read(write_minutes(tmp_path, name="회의록.md", text=text)))
    assert tour.date == date(2024, 5, 21)
    assert tour.company == "㈜대성정밀"
    assert tour.industry == "자동차부품 제조업"


def test_form_columns_give_date_industry_region(tmp_path: Path) -> None:
    path = tmp_path / "양식.csv"
    path.write_bytes(form_csv_text().encode("cp949"))
    tour = extract_tour_metadata(_read(path))
    assert tour.date == date(2024, 6, 11)
    assert tour.industry == "금속가공업"
    assert tour.region == "경기 시흥시"


def test_sidecar_overrides_the_document(tmp_path: Path) -> None:
    path = write_minutes(tmp_path)
    (tmp_path / (path.name + ".meta.toml")).write_text(
        'date = "2024-05-22"\ncompany = "㈜대성정밀기계"\nindustry = "금형 제조업"\nregion = "경남 김해시"\n'
        'tour_number = 7\nparticipants = ["㈜대성정밀 대표 김민수"]\n',
        encoding="utf-8",
    )
    tour = extract_tour_metadata(_read(path))
    assert tour.date == date(2024, 5, 22)
    assert tour.company == "㈜대성정밀기계"
    assert tour.industry == "금형 제조업"
    assert tour.region == "경남 김해시"
    assert tour.tour_number == 7
    assert tour.participants == ("㈜대성정밀 대표 김민수",)
    assert (
        tour.place is not None and "본사 회의실" in tour.place
    )  # keys the sidecar lacks still come from the text


def test_sidecar_year_completes_a_date_without_year(tmp_path: Path) -> None:
    path = write_seed(tmp_path, year=2026)
    (tmp_path / (path.name + ".meta.toml")).write_text("year = 2030\n", encoding="utf-8")
    assert extract_tour_metadata(_read(path)).date == date(2030, 8, 14)


def test_same_visit_in_two_documents_is_one_tour_when_a_sidecar_ties_them(tmp_path: Path) -> None:
    minutes = write_minutes(tmp_path)
    release = tmp_path / "보도자료.txt"
    release.write_text(
        "보도자료\n▶ (일시·장소) 5. 21(화) 14:00~15:30, ㈜대성정밀 (자동차부품 제조업, 경남 창원시)\n",
        encoding="utf-8",
    )
    # same day and company, but nothing explicit ties them: two meetings as far as anyone can tell
    assert extract_tour_metadata(_read(release)).tour_id != extract_tour_metadata(_read(minutes)).tour_id
    for path in (minutes, release):
        (tmp_path / (path.name + ".meta.toml")).write_text(
            'tour_id = "2024-스마트제조-3"\n', encoding="utf-8"
        )
    assert extract_tour_metadata(_read(release)).tour_id == extract_tour_metadata(_read(minutes)).tour_id


def test_same_tour_name_and_date_is_one_tour(tmp_path: Path) -> None:
    minutes = extract_tour_metadata(_read(write_minutes(tmp_path)))
    release = tmp_path / "보도자료.txt"
    release.write_text(
        "보도자료\n- 제3차 스마트제조 현장간담회 개최 -\n▶ (일시·장소) 2024. 5. 21.(화) 14:00, ㈜대성정밀\n",
        encoding="utf-8",
    )
    other = extract_tour_metadata(_read(release))
    assert other.date == minutes.date == date(2024, 5, 21)
    assert other.tour_id == minutes.tour_id  # "2024년 제3차 스마트제조 현장간담회" names the same tour
    assert extract_tour_metadata(_read(write_seed(tmp_path, year=2026))).tour_id != minutes.tour_id


def test_unrelated_meetings_on_the_same_day_are_two_tours(tmp_path: Path) -> None:
    # https://m.etoday.co.kr/view.php?idxno=725810 and https://m1.etoday.co.kr/view.php?idxno=1964841
    one = _document(
        tmp_path, "a.txt", "입력 2020-11-20 09:35\n중진공은 19일 부산 벡스코에서 간담회를 열었다."
    )
    two = _document(
        tmp_path, "b.txt", "입력 2020-11-20 10:00\n법제처는 19일 서울산업진흥원을 방문해 간담회를 개최했다."
    )
    assert one.date == two.date == date(2020, 11, 19)
    assert one.tour_id != two.tour_id


def test_a_new_version_of_a_document_stays_the_same_meeting(tmp_path: Path) -> None:
    first = _document(
        tmp_path, "메모.txt", "입력 2020-11-20 09:35\n중진공은 19일 부산 벡스코에서 간담회를 열었다."
    )
    again = _document(
        tmp_path, "메모.txt", "입력 2020-11-20 09:35\n중진공은 19일 부산 벡스코에서 간담회를 가졌다."
    )
    assert first.tour_id == again.tour_id


# --- dates the text states, resolved against the document's own date ------------------------------


def _document(folder: Path, name: str, text: str, modified: date | None = None):
    """The metadata of a file holding `text`, read as the bench reads it (no file date unless given)."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return extract_tour_metadata(replace(_read(path), modified=modified))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # http://taxtimes.co.kr/mobile/article.html?no=190504 (a dateline with seconds, the meeting the day before)
        (
            "2014.05.29 09:48:30\n중소기업중앙회는 28일 여의도 중소기업회관에서 중소기업 현장의 숨은 규제를 "
            "발굴·개선하기 위해 신제윤 금융위원장을 초청, 간담회를 개최했다고 밝혔다.",
            date(2014, 5, 28),
        ),
        # https://terradarcobaleno.com/news/articleViewAmp.html?idxno=1158425 (a byline date)
        (
            "2025-09-10 신승엽 기자\n최 옴부즈만은 10일 중소벤처기업진흥공단 강원지역본부에서 "
            "‘S.O.S. TALK(중소기업 간담회)’를 개최했다.",
            date(2025, 9, 10),
        ),
        # https://m.etoday.co.kr/view.php?idxno=725810 ("30일 밝혔다" is the announcement: the dateline's day)
        (
            "입력 2013-04-30 18:00\n중소기업중앙회는 ‘정홍원 국무총리와의 간담회’를 개최했다고 30일 밝혔다.",
            date(2013, 4, 30),
        ),
        # https://www.hankyung.com/article/1998030502031 (the paper's date, printed at the end)
        (
            "간담회를 갖고 금리인하를 위한 특단의 종합대책을 강구해 줄 것을 정부에 촉구했다.\n"
            "(한국경제신문 1998년 3월 6일자).",
            date(1998, 3, 6),
        ),
        # http://sjbnews.com/news/news.php?code=li_news&number=850546 ("지난 N일", a byline with 년 월 일)
        (
            "기사 작성:  고병하 - 2025년 05월 21일 14시50분\n부안군 해양수산과는 지난 16일부터 20일까지 "
            "관내 수산물 제조·가공업체를 직접 방문해 현장 애로사항을 청취했다.",
            date(2025, 5, 16),
        ),
        # https://m1.etoday.co.kr/view.php?idxno=1964841 (the meeting day, then the day it was announced)
        (
            "입력 2020-11-20 09:35\n중소벤처기업진흥공단은 19일 부산 벡스코에서 간담회를 열었다고 20일 밝혔다.",
            date(2020, 11, 19),
        ),
        # https://www.mbn.co.kr/news/politics/397295 ("어젯밤(17일)"; the dateline is written for the test)
        (
            "입력 2008-12-18 09:00\n어젯밤(17일) 중소기업인들의 송년회를 '깜짝 방문'한 이명박 대통령.",
            date(2008, 12, 17),
        ),
        # https://www.ytn.co.kr/_ln/0103_202101212325039710 ("오늘(21일)"; the dateline is written for the test)
        (
            "2021-01-21 23:25\n이재갑 고용노동부 장관은 오늘(21일) 인천의 한 중소기업에서 현장 간담회를 열었습니다.",
            date(2021, 1, 21),
        ),
        # https://www.fnnews.com/ampNews/202509031833210313 (a day after the dateline's is last month's)
        (
            "입력 2025-10-02 18:33\n김윤덕 국토부 장관은 지난 30일 서울 중구 정동 국토발전전시관에서 "
            "10대 건설사 대표들과 비공개 간담회를 개최했다.",
            date(2025, 9, 30),
        ),
        # http://piece.bcci.or.kr/html/EcoBrief/ecobrief02.php?idx=570&mode=view&pg=46 (month and day: the
        # year before the dateline when it would lie after it; the dateline is written for the test)
        (
            "2007.01.05 10:00\n부산상공회의소는 지난 10월 13일(월) 오후 2시 30분, 부산상공회의소 2층 상의홀에서 "
            "김성진 해양수산부장관 초청 상공인 간담회를 개최했다.",
            date(2006, 10, 13),
        ),
        # http://m.etoday.co.kr/view.php?idxno=1745289 ("지난달 6일" is a month before the dateline)
        (
            "입력 2019-04-15 15:44\n이날 간담회에서 관세청은 지난달 6일 전국세관장회의에서 논의했던 "
            "수출지원 종합대책을 설명했다.",
            date(2019, 3, 6),
        ),
        # https://pro1.co.kr/n3_doc/gongjinew/proboard_view.asp?ggubun=1103&num=505018&pageno=186
        (
            "□ 조달청(청장 김상규)은 2015년 3월 10일(화) 서울지방조달청에서 여성기업 대표자들을 초청하여 "
            "간담회를 개최했다.",
            date(2015, 3, 10),
        ),
    ],
)
def test_meeting_date_the_text_states(tmp_path: Path, text: str, expected: date) -> None:
    assert _document(tmp_path, "기사.txt", text).date == expected


@pytest.mark.parametrize(
    "text",
    [
        # http://hanwoonews.kr/mobile/article.html?no=25608: a day, but no month or year anywhere
        "송미령 농식품부 장관은 지난 5일 서울 프레스센터에서 ‘농업인 단체장과의 소통 간담회’를 가졌다.",
        # http://www.cargotimes.net/news/articleView.html?idxno=69732: a weekday alone does not give the year
        "송상근 해양수산부 차관은 10월 25일(화) 오후 2시 K-씨푸드 미디어 스튜디오에서 간담회를 개최하였다.",
        # https://www.hankyung.com/article/1998030502031-like text: a year in passing is not the meeting's
        "중소기업의 생산직 부족인력은 2000년 기준으로 10만명에 달한다. 기협중앙회는 4일 오후 간담회에서 건의했다.",
    ],
)
def test_no_date_rather_than_a_wrong_one(tmp_path: Path, text: str) -> None:
    assert _document(tmp_path, "기사.txt", text).date is None


def test_the_file_date_gives_a_year_to_a_month_and_day_but_no_month_to_a_bare_day(tmp_path: Path) -> None:
    # http://www.cargotimes.net/news/articleView.html?idxno=69732: 25 October was a Tuesday in 2022
    weekday = "송상근 해양수산부 차관은 10월 25일(화) 오후 2시 간담회를 개최하였다."
    assert _document(tmp_path, "a.txt", weekday, modified=date(2024, 3, 20)).date == date(2022, 10, 25)
    # http://hanwoonews.kr/mobile/article.html?no=25608
    bare = "송미령 농식품부 장관은 지난 5일 서울 프레스센터에서 ‘농업인 단체장과의 소통 간담회’를 가졌다."
    assert _document(tmp_path, "b.txt", bare, modified=date(2024, 3, 20)).date is None


def test_never_a_date_after_the_document_the_file_or_today(tmp_path: Path) -> None:
    # a plan printed in a dateline-dated article: the meeting cannot lie after the article
    planned = "입력 2025-09-01 10:00\n장관은 2025년 9월 15일 현장 간담회를 개최할 예정이다."
    assert _document(tmp_path, "a.txt", planned).date is None
    # a full date after the file's own date
    stated = "일시: 2024년 5월 21일(화) 14:00\n현장 간담회"
    assert _document(tmp_path, "b.txt", stated, modified=date(2024, 5, 1)).date is None
    assert _document(tmp_path, "b.txt", stated, modified=date(2024, 5, 21)).date == date(2024, 5, 21)
    # a dateline in the future of today is no dateline
    future = date.today().replace(year=date.today().year + 1)
    assert _document(tmp_path, "c.txt", f"입력 {future.isoformat()} 10:00\n3일 간담회를 열었다.").date is None


@pytest.mark.parametrize(
    ("text", "host"),
    [
        # https://m.etoday.co.kr/view.php?idxno=1745289
        (
            "관세청장은 15일 대전 유성호텔에서 7개 광역지자체의 경제통상 관계자들과 ‘수출지원 간담회’를 열었다.",
            "관세청",
        ),
        # http://taxtimes.co.kr/mobile/article.html?no=190504 (the association invites; the ministry is the host)
        ("중소기업중앙회는 28일 신제윤 금융위원장을 초청, 간담회를 개최했다고 밝혔다.", "금융위원회"),
        # https://xn--s39a6ijg872h.com/94725
        (
            "김영록 전라남도지사는 20일 도내 21개 수협조합장과 소통 간담회를 갖고 발전 방안을 논의했다.",
            "전라남도",
        ),
        # https://m.ajunews.com/amp/20181002155958786
        ("“전북지역 규제혁신”…국무조정실, 현장간담회 개최", "국무조정실"),
        # http://www.cargotimes.net/news/articleView.html?idxno=69732
        (
            "송상근 해양수산부 차관은 10월 25일(화) 오후 2시 ‘수산식품 가공·수출업계 간담회‘를 개최하였다.",
            "해양수산부",
        ),
    ],
)
def test_host_place_and_participants_from_prose(tmp_path: Path, text: str, host: str) -> None:
    assert _document(tmp_path, "기사.txt", text).host == host


def test_place_and_participants_from_prose(tmp_path: Path) -> None:
    # https://m.etoday.co.kr/view.php?idxno=1745289 and https://www.hankookilbo.com/News/Read/200008010011898057
    tour = _document(
        tmp_path,
        "기사.txt",
        "관세청장은 15일 대전 유성호텔에서 ‘수출지원 간담회’를 열었다.\n"
        "간담회에는 전하진 한글과컴퓨터사장, 손승현 심마니사장, 이강인 예스24사장 등이 참석했다.",
    )
    assert tour.place == "대전 유성호텔"
    assert tour.participants == ("전하진 한글과컴퓨터사장", "손승현 심마니사장", "이강인 예스24사장")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "현장 소통 간담회 제3차 회의록",
            "2025년 제3차 현장 소통 간담회",
        ),  # series first, year from the date
        ("2024년 제3차 스마트제조 현장간담회 회의록", "2024년 제3차 스마트제조 현장간담회"),  # its own year
        ("- 제3회 중소기업 분야 정책현장투어 개최 -", "2025년 제3회 중소기업 분야 정책현장투어"),
    ],
)
def test_tour_titles_read_alike_with_their_year(title: str, expected: str) -> None:
    assert tour_title(title, date(2025, 5, 20)) == expected
    assert tour_title("지난 간담회에서 나온 의견", date(2025, 5, 20)) is None
