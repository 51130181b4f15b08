"""nlp.metadata: tour date, company, industry, region and number from headers, forms, sidecars and weekdays."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from samples import MINUTES, form_csv_text, timestamp, write_minutes, write_seed

from nlp.metadata import extract_tour_metadata
from nlp.readers import read_document


def _read(path: Path):
    return read_document(path, max_bytes=10_000_000)


@pytest.mark.parametrize("file_year", [2026, 2023, 2025])
def test_seed_year_is_inferred_from_the_weekday(tmp_path: Path, file_year: int) -> None:
    # The press release says only "8. 14(목)"; 14 August was a Thursday in 2025 (not in 2023 or 2026).
    path = write_seed(tmp_path, year=file_year)
    document = _read(path)
    assert document.modified is not None and document.modified.year == file_year
    assert document.sidecar == {}
    tour = extract_tour_metadata(document)
    assert tour.date == date(2025, 8, 14)
    assert tour.date.weekday() == 3  # Thursday


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
    os.utime(path, (timestamp(2024), timestamp(2024)))
    assert extract_tour_metadata(_read(path)).date == date(2024, 9, 10)


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


def test_same_visit_in_two_documents_is_one_tour(tmp_path: Path) -> None:
    minutes = extract_tour_metadata(_read(write_minutes(tmp_path)))
    release = tmp_path / "보도자료.txt"
    release.write_text(
        "보도자료\n▶ (일시·장소) 5. 21(화) 14:00~15:30, ㈜대성정밀 (자동차부품 제조업, 경남 창원시)\n",
        encoding="utf-8",
    )
    os.utime(release, (timestamp(2024), timestamp(2024)))
    other = extract_tour_metadata(_read(release))
    assert other.date == minutes.date
    assert other.tour_id == minutes.tour_id
    assert extract_tour_metadata(_read(write_seed(tmp_path))).tour_id != minutes.tour_id
