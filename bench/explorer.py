"""Explorer speed at scale: 70,072 real petition titles as suggestion forms over synthetic tours.

    python -m bench.explorer [--rebuild] [--limit N]

Builds (once, cached under .bench-cache/) a warehouse by running the real pipeline over CSV
suggestion forms, one per tour (the petitions of one day make one tour: 283 tours), then measures with Streamlit's
AppTest: each page's first and repeat render, filter and keyword-search response, semantic
search (top 20), and the process's memory. Targets: pages < 1 s after the first load,
searches < 300 ms.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from bench.data import SHARED_BENCH
from settings import PROJECT_ROOT

PETITIONS_ALL = SHARED_BENCH / "petitions_2019_all.csv"
CACHE = PROJECT_ROOT / ".bench-cache" / "explorer"
REGIONS = [
    "서울 금천구",
    "경기 안산시",
    "대구 달서구",
    "광주 광산구",
    "부산 강서구",
    "인천 남동구",
    "경남 창원시",
    "충북 청주시",
]
INDUSTRIES = [
    "자동차부품 제조업",
    "금형 제조업",
    "식품 가공업",
    "화장품 제조업",
    "반도체 장비 제조업",
    "물류업",
    "섬유 제조업",
]


def write_forms(folder: Path, limit: int | None) -> int:
    """One CSV form per day of the petitions' dates, with a sidecar naming the tour."""
    days: dict[str, list[dict[str, str]]] = defaultdict(list)
    with PETITIONS_ALL.open(encoding="utf-8", newline="") as fh:
        for count, row in enumerate(csv.DictReader(fh)):
            if limit and count >= limit:
                break
            days[row["date"]].append(row)
    folder.mkdir(parents=True, exist_ok=True)
    for number, (day_text, rows) in enumerate(sorted(days.items()), 1):
        day = date.fromisoformat(day_text)
        name = f"{day.isoformat()}_벤치투어{number:03d}.csv"
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["번호", "일자", "제안자", "소속", "업종", "지역", "건의내용"])
            for i, row in enumerate(rows, 1):
                writer.writerow([i, day.isoformat(), f"제안자{i}", f"㈜벤치기업{i % 97:02d}",
                                 INDUSTRIES[number % len(INDUSTRIES)], REGIONS[number % len(REGIONS)], row["text"]])  # fmt: skip
        (folder / f"{name}.meta.toml").write_text(
            f'date = "{day.isoformat()}"\ntour_name = "벤치 투어 {number:03d}"\ntour_number = {number}\n'
            f'company = "㈜벤치투어{number:03d}"\nregion = "{REGIONS[number % len(REGIONS)]}"\n',
            encoding="utf-8",
        )
    return len(days)


def build_warehouse(rebuild: bool, limit: int | None) -> Path:
    db_path = CACHE / "explorer.duckdb"
    if db_path.exists() and not rebuild:
        return db_path
    from flows.prefect_env import configure_prefect

    for stale in CACHE.glob("explorer.duckdb*"):
        stale.unlink()
    shutil.rmtree(CACHE / "forms", ignore_errors=True)
    tours = write_forms(CACHE / "forms", limit)
    configure_prefect(CACHE / "state")
    from flows.pipeline import pipeline

    start = time.perf_counter()
    summary = pipeline(data_dir=CACHE / "forms", db_path=db_path)
    print(f"built warehouse: {summary['suggestions_total']:,} suggestions, {tours} tours, "
          f"{summary['themes']} themes in {time.perf_counter() - start:.0f} s")  # fmt: skip
    return db_path


def _timed(fn, repeat: int = 5) -> tuple[float, float]:
    """(first, median of the repeats) in milliseconds."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times[0], statistics.median(times[1:])


def measure(db_path: Path) -> list[dict[str, object]]:
    os.environ["FIELDVOICE_DB"] = str(db_path)
    from streamlit.testing.v1 import AppTest

    app = str(PROJECT_ROOT / "app" / "main.py")
    rows = []
    for page, title in [
        ("views/themes.py", "테마 개요"),
        ("views/suggestions.py", "건의 탐색"),
        ("views/trends.py", "추이 분석"),
        ("views/tours.py", "투어 상세"),
        ("views/briefing.py", "브리핑"),
    ]:
        at = AppTest.from_file(app, default_timeout=300)
        at.run()

        def render(at=at, page=page) -> None:
            at.switch_page(page).run()
            assert not at.exception, at.exception

        first, repeat = _timed(render, repeat=3)
        assert title in [t.value for t in at.title]
        rows.append({"measure": f"page {title}", "first_ms": round(first), "repeat_ms": round(repeat)})

    at = AppTest.from_file(app, default_timeout=300)
    at.run()
    at.switch_page("views/suggestions.py").run()
    theme = at.multiselect(key="filter_themes").options[0]
    rows.append(
        _interaction(
            at, "filter by theme", lambda: at.multiselect(key="filter_themes").set_value([theme]).run()
        )
    )
    at.multiselect(key="filter_themes").set_value([]).run()
    for word in ("인력", "미세먼지 대책"):
        rows.append(
            _interaction(
                at, f"keyword search '{word}'", lambda w=word: at.text_input(key="keyword").input(w).run()
            )
        )
    at.text_input(key="keyword").input("").run()
    queries = ["어린이집 교사 처우 개선", "미세먼지 저감 대책을 세워 주세요", "청년 일자리 지원 확대"]
    for query in queries:
        rows.append(
            _interaction(
                at, f"semantic search '{query}'", lambda q=query: at.text_input(key="semantic").input(q).run()
            )
        )
    rows.append(
        {
            "measure": "process peak memory (MB)",
            "first_ms": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "repeat_ms": None,
        }
    )
    return rows


def _interaction(at, name: str, action) -> dict[str, object]:
    start = time.perf_counter()
    action()
    elapsed = (time.perf_counter() - start) * 1000
    assert not at.exception, at.exception
    return {"measure": name, "first_ms": round(elapsed), "repeat_ms": None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached warehouse")
    parser.add_argument("--limit", type=int, help="use only the first N petitions")
    args = parser.parse_args(argv)
    if not PETITIONS_ALL.exists():
        print(f"skipped: {PETITIONS_ALL} not found")
        return 0
    db_path = build_warehouse(args.rebuild, args.limit)
    rows = measure(db_path)
    print("\n## Explorer speed (AppTest, server side; ms)")
    print(f"{'measure':<48}{'first':>8}{'repeat':>8}")
    for row in rows:
        repeat = "" if row["repeat_ms"] is None else row["repeat_ms"]
        print(f"{row['measure']:<48}{row['first_ms']:>8}{repeat:>8}")
    for row in rows:
        print(json.dumps({"benchmark": "explorer", **row}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    os._exit(status)  # AppTest's script threads and konlpy's JVM would otherwise keep the process alive
