"""End to end in a real browser: `fieldvoice app` on 127.0.0.1, headless Debian Chromium, Hangul on screen.

Skipped (with the reason) where Chromium or ChromeDriver is not installed; `.ci/run` installs
both, and under CI a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from fieldvoice import accounts

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parent.parent / ".artifacts"
BROWSER_USER, BROWSER_PASSWORD = "브라우저관리자", "현장-목소리-2026"

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    if os.environ.get("CI"):
        pytest.fail(
            "CI must run the browser test: install Debian's chromium and chromium-driver", pytrace=False
        )
    pytest.skip("Debian's chromium and chromium-driver are not installed", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served_app(flow_run: dict[str, object]):
    users = accounts.accounts_file(Path(flow_run["db_path"]))
    if BROWSER_USER not in {u.name for u in accounts.users(users)}:
        accounts.add_user(users, BROWSER_USER, "admin", BROWSER_PASSWORD)
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "fieldvoice.cli",
        "app",
        "--db",
        str(flow_run["db_path"]),
        "--port",
        str(port),
    ]
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode(errors="replace") if server.stdout else ""
                    pytest.fail(f"fieldvoice app did not start: {output[-2000:]}")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def browser(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,1800", f"--user-data-dir={tmp_path / 'profile'}", "--lang=ko-KR",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_themes_then_a_suggestions_source_in_chromium(
    served_app: str, browser, flow_run: dict[str, object]
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    with duckdb.connect(str(flow_run["db_path"]), read_only=True) as con:
        largest = con.execute(
            "SELECT label FROM themes WHERE run_id = (SELECT max(run_id) FROM themes) AND NOT is_unassigned "
            "ORDER BY size DESC LIMIT 1"
        ).fetchone()[0]
    wait = WebDriverWait(browser, 90)
    browser.get(served_app)
    # nothing shows before signing in; a wrong password is refused
    name_box = wait.until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "input[aria-label='사용자 이름']"))
    )
    assert not browser.find_elements(By.XPATH, f"//*[contains(text(), '{largest}')]")
    name_box.send_keys(BROWSER_USER)
    browser.find_element(By.CSS_SELECTOR, "input[aria-label='비밀번호']").send_keys(BROWSER_PASSWORD)
    browser.find_element(By.XPATH, "//button[contains(., '로그인')]").click()
    wait.until(ec.presence_of_element_located((By.XPATH, f"//*[contains(text(), '{largest}')]")))
    headings = [h.get_attribute("textContent") for h in browser.find_elements(By.TAG_NAME, "h1")]
    assert any("테마 개요" in h for h in headings), headings

    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "browser-themes.png"))

    browser.find_element(By.XPATH, "//a[contains(., '건의 탐색')]").click()
    highlighted = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".fv-source mark")))
    wait.until(lambda _: highlighted.text.strip())
    sentence = highlighted.text.strip()
    with duckdb.connect(str(flow_run["db_path"]), read_only=True) as con:
        stored = {row[0] for row in con.execute("SELECT text FROM suggestions").fetchall()}
    assert sentence in stored, "the highlighted sentence is a stored suggestion"
    browser.save_screenshot(str(ARTIFACTS / "browser-source.png"))
    assert (ARTIFACTS / "browser-source.png").stat().st_size > 10_000


def test_leadership_reads_the_briefing_on_desktop_and_phone(
    served_app: str, browser, flow_run: dict[str, object]
) -> None:
    """The leadership journey: sign in, open 브리핑 (four exports offered), then the same on a phone."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    browser.get(served_app)
    wait.until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "input[aria-label='사용자 이름']"))
    ).send_keys(BROWSER_USER)
    browser.find_element(By.CSS_SELECTOR, "input[aria-label='비밀번호']").send_keys(BROWSER_PASSWORD)
    browser.find_element(By.XPATH, "//button[contains(., '로그인')]").click()
    wait.until(ec.presence_of_element_located((By.XPATH, "//a[contains(., '브리핑')]"))).click()
    wait.until(ec.presence_of_element_located((By.XPATH, "//*[contains(text(), '한눈에 보기')]")))

    def download_buttons(driver) -> list[str]:
        return [
            b.text for b in driver.find_elements(By.CSS_SELECTOR, "[data-testid='stDownloadButton'] button")
        ]

    # the exports render after the summary (the page builds the DOCX and HWPX files): waited for, not
    # read at once (CI read none once, under load)
    with contextlib.suppress(TimeoutException):  # the assertion below says what was there
        wait.until(lambda driver: sum("내려받기" in b for b in download_buttons(driver)) >= 4)
    buttons = download_buttons(browser)
    assert sum("내려받기" in b for b in buttons) >= 4, buttons
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "browser-briefing-desktop.png"))

    browser.set_window_size(390, 844)  # the same session reflows (a reload would sign out)
    time.sleep(2)
    wait.until(ec.presence_of_element_located((By.XPATH, "//*[contains(text(), '한눈에 보기')]")))
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400, f"the phone page scrolls sideways ({width}px)"
    browser.save_screenshot(str(ARTIFACTS / "browser-briefing-phone.png"))
    assert (ARTIFACTS / "browser-briefing-phone.png").stat().st_size > 10_000
