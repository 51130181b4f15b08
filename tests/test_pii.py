"""nlp.pii: contacts are masked, length is preserved (spans stay valid), dates and money are left alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.ingest import mask_document
from nlp.pii import mask_personal_data
from nlp.records import ParsedDocument, TableRow


@pytest.mark.parametrize(
    "secret",
    [
        "010-1234-5678",
        "044-204-7260",
        "+82 10-1234-5678",
        "+82-10-9876-5432",
        "02-123-4567",
        "031.555.0116",
        "010 4821 3307",
        "1588-1234",
    ],
)
def test_phone_numbers_are_masked(secret: str) -> None:
    text = f"문의: 제조혁신과 홍길동 사무관 ({secret}) 으로 연락 바랍니다."
    masked = mask_personal_data(text)
    assert len(masked) == len(text)
    assert secret not in masked
    start = text.index(secret)
    hidden = masked[start : start + len(secret)]
    assert "*" in hidden
    # the subscriber digits are gone; only the area code or prefix may remain
    assert sum(ch.isdigit() for ch in hidden) <= 4
    assert masked[:start] == text[:start] and masked[start + len(secret) :] == text[start + len(secret) :]


def test_email_local_part_is_masked() -> None:
    text = "담당: minsu.kim@daesung-sample.example.com, gildong@example.go.kr 로 회신"
    masked = mask_personal_data(text)
    assert len(masked) == len(text)
    assert "minsu.kim@" not in masked and "gildong@" not in masked
    assert "@daesung-sample.example.com" in masked and "@example.go.kr" in masked


@pytest.mark.parametrize("rrn", ["900101-1234567", "851231-2345678"])
def test_resident_registration_number_is_masked(rrn: str) -> None:
    text = f"주민등록번호 {rrn} 확인"
    masked = mask_personal_data(text)
    assert len(masked) == len(text)
    assert rrn not in masked
    assert rrn[7:] not in masked  # the back seven digits identify the person


@pytest.mark.parametrize(
    "text",
    [
        "간담회는 2024-05-21 14:00~15:30에 열렸다.",
        "2024.05.21. 개최, 2025. 8. 14.(목) 보도",
        "정책자금 1,000,000원, 총 2,500억원 규모, 예산 30,000,000원",
        "가동률 71%에서 84%로, 생산직 46명 중 11명",
        "E-7-4 비자, 50인 미만 사업장, 제3회 투어",
        "사업자등록번호 없이 20240521 접수",
    ],
)
def test_dates_money_and_counts_are_not_masked(text: str) -> None:
    assert mask_personal_data(text) == text


def test_masking_is_idempotent() -> None:
    text = "연락처 010-1234-5678, minsu@example.com, 900101-1234567"
    once = mask_personal_data(text)
    assert mask_personal_data(once) == once


def test_masked_document_keeps_spans_valid() -> None:
    text = "번호 | 건의내용\n번호: 1 | 건의내용: 교육 과정 개설 (연락처 010-2233-4455)\n"
    cell = "교육 과정 개설 (연락처 010-2233-4455)"
    start = text.index(cell)
    document = ParsedDocument(
        path="양식.csv",
        content_hash="0" * 64,
        format="csv",
        encoding="utf-8",
        text=text,
        rows=(TableRow(cells={"건의내용": cell}, spans={"건의내용": (start, start + len(cell))}),),
    )
    masked = mask_document(document)
    (row,) = masked.rows
    a, b = row.spans["건의내용"]
    assert masked.text[a:b] == row.cells["건의내용"]
    assert not re.search(r"\d{4}-\d{4}", masked.text)
    assert masked.content_hash == document.content_hash  # identity stays the original bytes


def test_mobile_number_without_separators_is_masked() -> None:
    text = "연락처 01048213307 (김민수)"
    masked = mask_personal_data(text)
    assert len(masked) == len(text)
    assert "48213307" not in masked


# --- issue 13: more kinds of personal data, and the ordinary numbers they must not touch -------


@pytest.mark.parametrize(
    ("secret", "masked_form"),
    [
        ("9001011234567", "900101*******"),  # resident number typed without the hyphen
        ("8512316234567", "851231*******"),  # foreign resident number (back digits 5-8)
        ("1577 1234", "1577 ****"),
        ("1588.1234", "1588.****"),
        ("(02) 555-0123", "(02) ***-****"),
        ("02)555-0123", "02)***-****"),
        ("０１０－１２３４－５６７８", "０１０－****－****"),  # full-width, as some forms are typed
        ("９００１０１－１２３４５６７", "９００１０１－*******"),
        ("M12345678", "M********"),
        ("M123A4567", "M********"),
        ("123-456789-01-234", "123-******-**-***"),
        ("110-123-456789", "110-***-******"),
        ("3333-01-1234567", "3333-**-*******"),
        ("4123-5678-9012-3456", "4123-****-****-****"),
        ("9410 5678 9012 3456", "9410 **** **** ****"),
        ("11-12-345678-90", "11-**-******-**"),
        ("서울 12-345678-90", "서울 **-******-**"),
        ("123-45-67890", "123-**-*****"),
    ],
)
def test_more_personal_numbers_are_masked(secret: str, masked_form: str) -> None:
    text = f"신청인 정보: {secret} (확인 완료)"
    masked = mask_personal_data(text)
    assert masked == text.replace(secret, masked_form)
    assert mask_personal_data(masked) == masked


@pytest.mark.parametrize(
    "text",
    [
        "2024년 매출 1,000억원, 2025년 목표 1,200억원",
        "간담회 2025-05-20, 후속 회의 2025.06.03, 보고 2025/07/01",
        "가동률 12.5% 상승, 불량률 0.3% 감소, 전년 대비 -4.2%",
        "참석 기업 15개사, 건의 1577건 중 1234건 처리",  # counts next to each other stay
        "2020-2021-2022 3년간 지원, 2019~2024년 누적",
        "정책자금 30,000,000원, 보증 한도 5억원, 금리 3.5%",
        "법률 제19315호, 시행령 제2024-123호, 고시 제2023-45호",
        "1600 1700 1800 2000년, 1800.2000 단위",
        "제품 모델 AB-1234, 규격 100-200-300",
        "면적 1,234.5㎡, 종업원 46명 중 11명",
        "접수번호 20240521001",
        "E-7-4 비자, 50인 미만 사업장, 제3회 투어, 3.1절",
    ],
)
def test_ordinary_numbers_in_suggestions_are_not_masked(text: str) -> None:
    assert mask_personal_data(text) == text


@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "010",
                    "02",
                    "(02)",
                    "+82",
                    "1577",
                    "-",
                    " ",
                    ".",
                    "－",
                    "０",
                    "１",
                    "M",
                    "서울",
                    "@",
                    "900101",
                    "1234",
                    "123-456789-01-234",
                    "11-12-345678-90",
                ]
            ),
            st.text(alphabet="0123456789０１２３", min_size=1, max_size=14),
            st.text(alphabet="abM._-", min_size=1, max_size=5),
            st.text(min_size=1, max_size=3),
        ),
        max_size=16,
    ).map("".join)
)
@settings(max_examples=300, deadline=None)
def test_masking_is_idempotent_and_length_preserving(text: str) -> None:
    masked = mask_personal_data(text)
    assert len(masked) == len(text)
    assert mask_personal_data(masked) == masked
    assert all(a == b or b == "*" for a, b in zip(text, masked, strict=True))  # only ever stars
