"""nlp.splitting: documents into suggestions with exact spans, speakers and organisations."""

from __future__ import annotations

import itertools
import re
from datetime import date
from pathlib import Path

import pytest
from samples import (
    FORM_HEADER,
    FORM_ROWS,
    MINUTES_SUGGESTIONS,
    OFFICIAL_SENTENCES,
    RAW,
    SEED_SUGGESTIONS,
    form_csv_text,
    write_minutes,
    write_seed,
    xlsx_bytes,
)

from nlp.metadata import extract_tour_metadata
from nlp.readers import discover_documents, read_document
from nlp.records import ParsedDocument, TourMetadata
from nlp.splitting import is_official, split_into_suggestions


def _split_file(path: Path):
    document = read_document(path, max_bytes=20_000_000)
    tour = extract_tour_metadata(document)
    return document, tour, split_into_suggestions(document, tour)


def _split_text(text: str):
    document = ParsedDocument(
        path="메모.txt", content_hash="0" * 64, format="txt", encoding="utf-8", text=text
    )
    return split_into_suggestions(document, TourMetadata())


def _assert_exact_spans(document: ParsedDocument, suggestions) -> None:
    for s in suggestions:
        assert s.text == document.text[s.span_start : s.span_end]
        assert s.text == s.text.strip() and s.text
        assert s.document_hash == document.content_hash
    spans = sorted((s.span_start, s.span_end) for s in suggestions)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans)), "overlap"
    assert len({s.suggestion_id for s in suggestions}) == len(suggestions)


def test_seed_yields_exactly_its_five_inline_items(tmp_path: Path) -> None:
    document, tour, suggestions = _split_file(write_seed(tmp_path, year=2026))
    assert [s.text for s in suggestions] == SEED_SUGGESTIONS
    _assert_exact_spans(document, suggestions)
    assert all(s.tour_id == tour.tour_id and s.raised_on == date(2025, 8, 14) for s in suggestions)
    # the minister's quotes and the contact table are not suggestions
    assert not any("장관" in s.text or "044-" in s.text for s in suggestions)


def test_minutes_items_and_participant_asks_with_speakers(tmp_path: Path) -> None:
    document, _, suggestions = _split_file(write_minutes(tmp_path))
    assert [(s.text, s.speaker, s.organisation) for s in suggestions] == MINUTES_SUGGESTIONS
    _assert_exact_spans(document, suggestions)
    assert all(s.raised_on == date(2024, 5, 21) for s in suggestions)


def test_minister_and_officials_never_raise_suggestions(tmp_path: Path) -> None:
    document, _, suggestions = _split_file(write_minutes(tmp_path))
    for sentence in OFFICIAL_SENTENCES:
        assert sentence in document.text  # the sentence is there and ends like an ask ...
        assert not any(sentence in s.text or s.text in sentence for s in suggestions)  # ... but is not one
    assert not any(s.speaker in {"장관", "지역기업정책관"} for s in suggestions)


def test_context_sentences_of_a_turn_are_not_suggestions(tmp_path: Path) -> None:
    _, _, suggestions = _split_file(write_minutes(tmp_path))
    texts = " ".join(s.text for s in suggestions)
    assert "폐업하면서" not in texts
    assert "분석할 사람이 없습니다" not in texts
    assert "운영 실태를 점검" not in texts  # a bullet outside the 건의사항 section


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_form_rows_map_one_suggestion_per_row(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"양식{suffix}"
    if suffix == ".csv":
        path.write_bytes(form_csv_text().encode("cp949"))
    else:
        path.write_bytes(xlsx_bytes([FORM_HEADER, *FORM_ROWS]))
    document, _, suggestions = _split_file(path)
    assert [(s.text, s.speaker, s.organisation) for s in suggestions] == [
        (r[6], r[2], r[3]) for r in FORM_ROWS
    ]
    assert all(s.raised_on == date(2024, 6, 11) for s in suggestions)
    _assert_exact_spans(document, suggestions)


@pytest.mark.parametrize("bullet", ["○", "-", "•", "1.", "1)", "(1)", "①", "가."])
def test_bullet_styles_under_a_suggestion_heading(bullet: str) -> None:
    line = f"{bullet} 스마트공장 유지보수 비용 지원"
    suggestions = _split_text(f"■ 건의사항\n{line}\n\n■ 현장 확인\n{line.replace('지원', '현황')}\n")
    assert [s.text for s in suggestions] == ["스마트공장 유지보수 비용 지원"]


def test_reported_asks_in_prose_but_not_the_ministrys_own() -> None:
    suggestions = _split_text(
        "참석 기업들은 정책자금 금리 인하를 요청했다.\n중기부는 관계부처에 제도 개선을 요청했다.\n"
    )
    assert [s.text for s in suggestions] == ["정책자금 금리 인하"]  # the measure, without the framing verb


def test_is_official() -> None:
    assert is_official("장관")
    assert is_official("지역기업정책관")
    assert is_official("심재웅 청장")
    assert is_official("제조혁신과장")
    assert not is_official("김민수", "㈜대성정밀 대표")
    assert not is_official("이정훈", "한국기계연구원 책임연구원")
    assert not is_official("박과장", "㈜한빛오토 과장")  # a company's 과장 is a participant


def test_every_sample_document_yields_suggestions_with_exact_spans() -> None:
    total = 0
    for path in discover_documents(RAW):
        document, _, suggestions = _split_file(path)
        assert suggestions, f"{path.name} yields no suggestion"
        _assert_exact_spans(document, suggestions)
        total += len(suggestions)
    assert total >= 150


def _readme_counts() -> dict[str, int]:
    counts = {}
    for line in (RAW / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([^`]+)`\s*\|.*\|\s*(\d+)(?:\s*\([^)]*\))?\s*\|\s*$", line)
        if match:
            counts[match.group(1)] = int(match.group(2))
    return counts


def test_suggestion_counts_match_the_data_readme() -> None:
    expected = _readme_counts()
    found = {path.name: len(_split_file(path)[2]) for path in discover_documents(RAW)}
    assert len(expected) == len(found) >= 10
    assert found == expected


# --- regressions of bugs found and fixed ----------------------------------------------------------------


def test_official_with_ministry_in_parentheses_is_not_a_suggestion() -> None:
    suggestions = _split_text(
        "■ 발언 요지\n"
        "한성숙(중소벤처기업부 장관): 현장 의견을 정리해 보내 주시기 바랍니다.\n"
        "김철수(지역기업정책관): 관련 자료를 제출해 주시기 바랍니다.\n"
    )
    assert suggestions == []


def test_decimal_numbers_do_not_cut_a_sentence() -> None:
    suggestions = _split_text(
        "이영희(㈜한빛오토 대표): 정책자금 금리를 2.5% 수준으로 낮춰 주시기 바랍니다.\n"
    )
    assert [s.text for s in suggestions] == ["정책자금 금리를 2.5% 수준으로 낮춰"]


def test_the_ministers_reported_request_is_not_a_suggestion() -> None:
    assert _split_text("한성숙 장관은 대기업의 적극적인 상생 협력을 요청했다.\n") == []


def test_triangle_items_in_a_suggestion_section_get_their_attribution() -> None:
    suggestions = _split_text("■ 주요 건의사항\n▲ 원격 유지보수 서비스 지원 (㈜효문이브이텍 엄정호 대표)\n")
    assert [(s.text, s.speaker, s.organisation) for s in suggestions] == [
        ("원격 유지보수 서비스 지원", "엄정호 대표", "㈜효문이브이텍")
    ]


def test_compound_job_titles_are_not_part_of_the_organisation() -> None:
    suggestions = _split_text("최동욱(㈜성산테크 생산팀장): 전환 요건을 완화해 주실 것을 건의드립니다.\n")
    assert [(s.speaker, s.organisation) for s in suggestions] == [("최동욱", "㈜성산테크")]
