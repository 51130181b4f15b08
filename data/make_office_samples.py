"""Write the Office-format sample inputs (two .docx minutes, two .xlsx forms) into data/raw/.

Everything written here is fictional SAMPLE DATA for the fieldvoice demo: companies,
people and contact details are invented. The text samples (.txt, .md, .csv) are kept
in data/raw/ as they are; only the binary formats need a generator.

Run from the repository root:  .venv/bin/python data/make_office_samples.py
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx import Document
from openpyxl import Workbook

RAW_DIR = Path(__file__).resolve().parent / "raw"
SAMPLE_NOTE = "※ 본 회의록은 fieldvoice 시연용 가상 샘플 데이터입니다. 기업·인물·연락처는 모두 허구입니다."
FORM_HEADER = ["번호", "일자", "제안자", "소속", "업종", "지역", "건의내용"]


@dataclass(frozen=True)
class ParagraphMinutes:
    """Minutes written as paragraphs only: title, header lines, then titled sections."""

    title: str
    header: list[str]
    sections: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class TableMinutes:
    """Minutes whose 건의사항 section is a table of (제안자, 소속, 건의내용) rows."""

    title: str
    header: list[str]
    intro: list[str]
    table_heading: str
    table_rows: list[tuple[str, str, str]]
    outro: list[str]


@dataclass(frozen=True)
class SuggestionForm:
    """A 건의사항 접수 양식 for one tour: its date and (제안자, 소속, 업종, 지역, 건의내용) rows."""

    date: str
    rows: list[tuple[str, str, str, str, str]]


FOOD_MINUTES = ParagraphMinutes(
    title="현장 소통 간담회 제1차 회의록",
    header=[
        "일시: 2025년 1월 14일(화) 14:00~15:30",
        "장소: ㈜온새미식품 제1공장 회의실 (전북 전주시 덕진구)",
        "방문기업: ㈜온새미식품 (김치·반찬류 제조업)",
        "참석자: 중소벤처기업부 장관, 지역기업정책관, 전북지방중소벤처기업청장, ㈜온새미식품 대표 송미란, "
        "㈜한결푸드 대표 고병철, ㈜전주발효 생산이사 양승태, 전북식품산업협회 사무국장 하지원 등 10명",
        "주관: 중소벤처기업부",
    ],
    sections=[
        (
            "■ 개요",
            [
                "- 설 명절 성수기를 앞둔 식품 제조 현장의 안전 관리와 스마트 HACCP 운영 실태 점검",
                "- ㈜온새미식품은 직원 73명, 2021년 스마트 HACCP와 스마트공장(기초)을 도입",
            ],
        ),
        (
            "■ 주요 건의사항",
            [
                "○ 절임·세척 공정 컨베이어 끼임 사고를 막는 자동 정지 "
                "센서·방호장치 설치 지원 (㈜온새미식품 송미란 대표)",
                "○ 식품 제조 현장에 맞춘 산업안전 교육 콘텐츠를 외국어판까지 제작·보급",
                "○ 스마트 HACCP 센서 데이터와 생산관리시스템(MES) 연계 지원",
                "○ 스마트공장 구축 3년이 지난 기업의 노후 센서·태블릿 "
                "교체 및 유지보수 비용 지원 (㈜한결푸드 고병철 대표)",
                "○ 배추·고춧가루 등 농산물 원료 가격 급등 시 납품가격 조정 협의 절차 마련",
                "○ 외국인 근로자 기숙사 신축·개보수 비용 지원",
                "○ 대형 유통사 PB 상품 납품단가 산정 시 원재료 가격 연동 적용",
                "○ 해외 한식 박람회 참가 및 현지 대형마트 입점 지원 확대",
            ],
        ),
        (
            "■ 발언 요지",
            [
                "송미란(㈜온새미식품 대표): "
                "작년 가을 배춧값이 두 배 가까이 오르면서 석 달 동안 적자를 봤습니다. "
                "대형마트 납품 단가는 1년 단위로 묶여 있어 원가 상승분을 반영할 방법이 없습니다. "
                "농산물 원료에도 납품대금 연동제가 적용될 수 있도록 제도 보완을 건의드립니다.",
                "고병철(㈜한결푸드 대표): "
                "2021년에 스마트 HACCP를 도입했는데 온도 센서 절반이 고장 난 상태입니다. "
                "센서 하나 바꾸는 데도 공급업체 출장비가 따로 붙습니다. "
                "지역 단위로 스마트공장 유지보수를 맡아 줄 거점 센터를 만들어 주시기 바랍니다.",
                "양승태(㈜전주발효 생산이사): 발효 숙성실 온도·습도 데이터를 3년째 쌓고 있습니다. "
                "이 데이터로 숙성 품질을 예측해 보고 싶어도 분석할 직원이 없습니다. "
                "식품 제조 데이터 분석을 도와주는 바우처 사업이 필요합니다.",
                "장관: 식품 제조 현장의 끼임 사고는 작업자의 생명과 직결된 문제입니다. "
                "안전장치 지원과 유지보수 거점 마련 방안을 관계기관과 검토하겠습니다.",
                "하지원(전북식품산업협회 사무국장): "
                "회원사 대부분이 외국인 근로자 없이는 공장을 돌릴 수 없는 상황입니다. "
                "한국어로 된 안전 수칙을 이해하지 못해 사고 위험도 높습니다. "
                "식품업종 외국인 근로자 대상 모국어 안전교육 지원을 요청드립니다.",
            ],
        ),
        (
            "■ 기타",
            [
                "- 문의: 전북지방중소벤처기업청 성장지원과 나유리 주무관 "
                "(063-555-0152, yuri.na@example.go.kr)",
                "- 참석 기업 연락처: ㈜온새미식품 송미란 대표 (010-3905-6618, "
                "miran.song@onsaemi-sample.example.com)",
                "- " + SAMPLE_NOTE,
            ],
        ),
    ],
)

AGRIFOOD_MINUTES = TableMinutes(
    title="제7회 중소기업 분야 정책현장투어 간담회 회의록",
    header=[
        "일시: 2025년 11월 13일(목) 10:30~12:00",
        "장소: ㈜하회팜푸드 본사 회의실 (경북 안동시)",
        "방문기업: ㈜하회팜푸드 (농산물 가공식품 제조업)",
        "참석자: 중소벤처기업부 장관, 지역기업정책관, 대구경북지방중소벤처기업청장, "
        "㈜하회팜푸드 대표 권오성, ㈜안동참마을 대표 유미숙, ㈜풍산식품 공장장 남상욱, "
        "경북농식품가공협회 과장 이다현 등 9명",
        "주관: 중소벤처기업부",
    ],
    intro=[
        "■ 개요",
        "- 이상기후에 따른 원료 작황 변동과 스마트공장 노후화 등 농식품 가공기업의 현장 애로 청취",
        "- ㈜하회팜푸드는 직원 41명, 지역 농가 200여 곳과 계약재배한 마·사과로 즙·분말 제품을 생산",
    ],
    table_heading="■ 주요 건의사항",
    table_rows=[
        (
            "권오성",
            "㈜하회팜푸드 대표",
            "농산물 원료 수매가 변동을 가공식품 납품가에 반영하는 연동 약정 확산 지원",
        ),
        ("유미숙", "㈜안동참마을 대표", "이상기후로 원료 작황이 부진할 때 원료 비축에 쓰는 구매자금 지원"),
        ("권오성", "㈜하회팜푸드 대표", "2020년 구축한 스마트공장 설비 노후화에 따른 고도화·재구축 지원"),
        ("남상욱", "㈜풍산식품 공장장", "스마트공장 공급기업과의 연간 유지보수 계약 비용 일부 지원"),
        ("유미숙", "㈜안동참마을 대표", "생산이력과 HACCP 기록을 자동화하는 데이터 수집 장비 보급"),
        (
            "이다현",
            "경북농식품가공협회 과장",
            "지역 농식품 가공업체의 생산·판매 데이터를 모은 공동 데이터 플랫폼 구축",
        ),
        (
            "남상욱",
            "㈜풍산식품 공장장",
            "계절근로자(E-8)를 농산물 가공 공정에도 활용할 수 있도록 허용 범위 확대",
        ),
        ("권오성", "㈜하회팜푸드 대표", "농촌 지역 가공공장 외국인 근로자의 정착을 위한 주거 지원"),
        ("이다현", "경북농식품가공협회 과장", "가공 부산물 재활용 설비 지원 등 자원순환·탄소중립 전환 지원"),
        ("유미숙", "㈜안동참마을 대표", "중소 식품기업 ESG 경영 진단과 공급망 ESG 요구 대응 컨설팅 지원"),
        ("남상욱", "㈜풍산식품 공장장", "온라인 직거래 플랫폼 및 해외 한인마트 판로 개척 지원"),
        ("이다현", "경북농식품가공협회 과장", "지역 농식품 공동 브랜드의 수출 마케팅 지원"),
    ],
    outro=[
        "■ 발언 요지",
        "권오성(㈜하회팜푸드 대표): 올해 마 수매가가 작년보다 40% 올랐습니다. "
        "원료 비중이 높은 업종이라 가격 변동이 그대로 적자로 이어집니다.",
        "장관: 농식품 가공기업은 지역 농가와 함께 성장하는 구조입니다. "
        "원료 가격 연동과 스마트공장 재구축 문제는 농림축산식품부와 함께 살펴보겠습니다.",
        "■ 기타",
        "- 문의: 대구경북지방중소벤처기업청 지역혁신과 곽도윤 주무관 "
        "(053-555-0168, doyun.kwak@example.go.kr)",
        "- " + SAMPLE_NOTE,
    ],
)

COSMETICS_FORM = SuggestionForm(
    date="2024-11-12",
    rows=[
        (
            "최유진",
            "㈜코스랩",
            "화장품 제조업(ODM)",
            "인천 남동구",
            "미국 화장품 규제 현대화법(MoCRA) 시설 등록·제품 리스팅 대응 컨설팅 지원",
        ),
        (
            "김도윤",
            "㈜뷰티앤랩",
            "화장품 책임판매업",
            "인천 연수구",
            "유럽 CPNP 등록 및 제품 안전성 평가 보고서 작성 비용 지원 확대",
        ),
        (
            "서하늘",
            "㈜그린코스메틱",
            "화장품 제조업",
            "인천 남동구",
            "중국 신규 원료 등록 절차에 대한 정보 제공 및 현지 대응 창구 운영",
        ),
        (
            "최유진",
            "㈜코스랩",
            "화장품 제조업(ODM)",
            "인천 남동구",
            "수출바우처 한도 상향 및 해외 인증 비용까지 사용 범위 확대",
        ),
        (
            "이준호",
            "㈜라움코리아",
            "화장품 수출 무역업",
            "인천 남동구",
            "중동·중남미 신시장 온라인 플랫폼 입점 지원",
        ),
        ("김도윤", "㈜뷰티앤랩", "화장품 책임판매업", "인천 연수구", "K-뷰티 해외 팝업스토어 공동 운영 지원"),
        (
            "서하늘",
            "㈜그린코스메틱",
            "화장품 제조업",
            "인천 남동구",
            "브랜드사가 OEM 처방을 받아 간 뒤 다른 제조사로 옮기는 처방 유출 방지 대책 마련",
        ),
        (
            "박은정",
            "㈜에코팩",
            "화장품 용기 제조업",
            "인천 남동구",
            "용기 금형·디자인 도용 피해 기업에 대한 법률 자문 및 분쟁조정 지원",
        ),
        (
            "이준호",
            "㈜라움코리아",
            "화장품 수출 무역업",
            "인천 남동구",
            "해외 온라인몰 판매 데이터를 분석해 수출 유망 품목을 알려주는 데이터 서비스 제공",
        ),
        (
            "최유진",
            "㈜코스랩",
            "화장품 제조업(ODM)",
            "인천 남동구",
            "배합·충진 공정 데이터를 자동 기록하는 스마트공장 구축 지원",
        ),
        (
            "박은정",
            "㈜에코팩",
            "화장품 용기 제조업",
            "인천 남동구",
            "수출 물량 증가에 대비한 설비 증설 시 정책자금 우선 배정",
        ),
        (
            "김도윤",
            "㈜뷰티앤랩",
            "화장품 책임판매업",
            "인천 연수구",
            "수출 계약서를 근거로 한 수출 보증 한도 확대",
        ),
        (
            "서하늘",
            "㈜그린코스메틱",
            "화장품 제조업",
            "인천 남동구",
            "원료 성분 분석 데이터를 중소 제조사가 공동 활용하는 성분 데이터베이스 구축",
        ),
    ],
)

SEMICON_FORM = SuggestionForm(
    date="2025-06-17",
    rows=[
        (
            "류성민",
            "㈜세진세미텍",
            "반도체 장비 제조업",
            "충남 천안시 서북구",
            "대기업이 협력 과정에서 요구하는 장비 설계 자료의 제출 "
            "범위 제한 및 기술자료 요구 서면 원칙 준수 점검",
        ),
        (
            "남궁현",
            "㈜나노클린",
            "반도체 세정장비 제조업",
            "충남 아산시",
            "퇴직 인력을 통한 핵심 기술 유출 방지를 위한 기술보호 바우처 확대",
        ),
        (
            "하은비",
            "㈜티에스솔루션",
            "반도체 장비 소프트웨어 개발업",
            "경기 평택시",
            "해외 경쟁사와의 특허 분쟁 대응 비용 지원",
        ),
        (
            "류성민",
            "㈜세진세미텍",
            "반도체 장비 제조업",
            "충남 천안시 서북구",
            "반도체 장비 현장 경험을 갖춘 AI 예지보전 인력 양성 프로그램 운영",
        ),
        (
            "조민철",
            "㈜에이치피부품",
            "반도체 장비 부품 가공업",
            "충남 천안시 동남구",
            "지역 대학과 연계한 장비 엔지니어 계약학과 신설",
        ),
        (
            "하은비",
            "㈜티에스솔루션",
            "반도체 장비 소프트웨어 개발업",
            "경기 평택시",
            "장비 가동 데이터를 고객사와 공유할 때 적용할 데이터 소유권·활용 기준 마련",
        ),
        (
            "남궁현",
            "㈜나노클린",
            "반도체 세정장비 제조업",
            "충남 아산시",
            "장비 부품 불량 이미지를 학습용으로 공동 축적하는 데이터셋 구축 지원",
        ),
        (
            "류성민",
            "㈜세진세미텍",
            "반도체 장비 제조업",
            "충남 천안시 서북구",
            "미국 수출통제 강화에 따른 수출 허가 절차 안내 및 전문 컨설팅 지원",
        ),
        (
            "조민철",
            "㈜에이치피부품",
            "반도체 장비 부품 가공업",
            "충남 천안시 동남구",
            "동남아 반도체 후공정 시장 진출을 위한 해외 바이어 매칭 지원",
        ),
        (
            "하은비",
            "㈜티에스솔루션",
            "반도체 장비 소프트웨어 개발업",
            "경기 평택시",
            "개발 기간이 긴 장비 업종 특성을 반영한 정책자금 거치기간 연장",
        ),
        (
            "남궁현",
            "㈜나노클린",
            "반도체 세정장비 제조업",
            "충남 아산시",
            "기술보증기금 기술평가 보증 한도 상향",
        ),
        (
            "조민철",
            "㈜에이치피부품",
            "반도체 장비 부품 가공업",
            "충남 천안시 동남구",
            "기술임치 수수료 감면 및 임치 대상 기술자료 범위 확대",
        ),
    ],
)


def write_paragraph_minutes(minutes: ParagraphMinutes, path: Path) -> None:
    """Write minutes in which every line, 건의사항 items included, is a plain paragraph."""
    doc = Document()
    doc.add_heading(minutes.title, level=1)
    for line in minutes.header:
        doc.add_paragraph(line)
    for heading, lines in minutes.sections:
        doc.add_heading(heading, level=2)
        for line in lines:
            doc.add_paragraph(line)
    doc.save(str(path))


def write_table_minutes(minutes: TableMinutes, path: Path) -> None:
    """Write minutes whose 건의사항 are a table: 번호 | 제안자 | 소속 | 건의내용."""
    doc = Document()
    doc.add_heading(minutes.title, level=1)
    for line in [*minutes.header, *minutes.intro, minutes.table_heading]:
        doc.add_paragraph(line)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["번호", "제안자", "소속", "건의내용"], strict=True):
        cell.text = text
    for number, (name, org, text) in enumerate(minutes.table_rows, start=1):
        for cell, value in zip(table.add_row().cells, [str(number), name, org, text], strict=True):
            cell.text = value
    for line in minutes.outro:
        doc.add_paragraph(line)
    doc.save(str(path))


def write_form(form: SuggestionForm, path: Path) -> None:
    """Write a 건의사항 접수 양식: one sheet, a header row, one row per suggestion."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "건의사항"
    sheet.append(FORM_HEADER)
    for number, (name, org, industry, region, text) in enumerate(form.rows, start=1):
        sheet.append([number, form.date, name, org, industry, region, text])
    sheet.column_dimensions["G"].width = 80
    workbook.save(str(path))


def main() -> None:
    """Write the four Office samples next to the text samples."""
    RAW_DIR.mkdir(parents=True, exist_ok=True)
    write_paragraph_minutes(FOOD_MINUTES, RAW_DIR / "2025-01-14_식품가공_전주.docx")
    write_table_minutes(AGRIFOOD_MINUTES, RAW_DIR / "2025-11-13_농식품가공_안동.docx")
    write_form(COSMETICS_FORM, RAW_DIR / "2024-11-12_화장품_인천.xlsx")
    write_form(SEMICON_FORM, RAW_DIR / "2025-06-17_반도체장비_천안.xlsx")


if __name__ == "__main__":
    main()
