"""The upload page in a real browser: Debian's Chromium and ChromeDriver, driven by Selenium,
against `userimport serve`. Under CI=true a missing browser fails; elsewhere it skips with the
install command. USERIMPORT_SCREENSHOTS_DIR=docs also saves the README's screenshots there."""

import csv
import io
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver import Chrome as WebDriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from bench.server import Server
from tests.conftest import ADMIN_KEY, IN_CI
from tests.helpers import csv_bytes, user_rows

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "apt-get install chromium chromium-driver"
# The browser runs against one server; the database behind it does not change what it shows.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
JOB_SETTINGS = {
    "USERIMPORT_SYNC_MAX_ROWS": "20",
    "USERIMPORT_MAX_ROWS": "5000",
    "USERIMPORT_JOB_CHUNK_ROWS": "50",
    "USERIMPORT_JOB_WORKERS": "1",
    "USERIMPORT_ARGON2_MEMORY_COST": "8192",  # ~5 ms a hash: a 1,500-row job runs a few seconds
}
SERVED = Callable[..., AbstractContextManager[Server]]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if IN_CI:
            pytest.fail(f"CI=true: Chromium and ChromeDriver are required ({INSTALL}).")
        pytest.skip(f"no Chromium here: {INSTALL}")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager downloads nothing
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1200,1400",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_text(driver: WebDriver, element_id: str, text: str, seconds: float = 30) -> str:
    WebDriverWait(driver, seconds).until(
        expected_conditions.text_to_be_present_in_element((By.ID, element_id), text)
    )
    return str(driver.find_element(By.ID, element_id).text)


def open_page(driver: WebDriver, server: Server) -> None:
    driver.get(server.url + "/")
    key = driver.find_element(By.ID, "api-key")
    key.send_keys(ADMIN_KEY)
    driver.find_element(By.ID, "file-heading").click()  # leaves the field: the key is kept


def choose(driver: WebDriver, path: Path) -> None:
    driver.find_element(By.ID, "file-input").send_keys(str(path))


# A drop on the zone, as a file dragged from the desktop arrives (WebDriver cannot drag from
# outside the page): the file is read through a hidden input, then dropped in a DataTransfer.
DROP = """
const [zone, input] = [document.getElementById('drop-zone'), arguments[0]];
const transfer = new DataTransfer();
transfer.items.add(input.files[0]);
zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true}));
zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true}));
input.remove();
"""


def drop(driver: WebDriver, path: Path) -> None:
    carrier = driver.execute_script(
        "const i = document.createElement('input'); i.type = 'file'; i.id = 'carrier';"
        "document.body.appendChild(i); return i;"
    )
    carrier.send_keys(str(path))
    driver.execute_script(DROP, carrier)


def screenshot(driver: WebDriver, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    driver.save_screenshot(str(path))
    if target := os.environ.get("USERIMPORT_SCREENSHOTS_DIR"):
        shutil.copy(path, Path(target) / name)
    return path


def csp_violations(driver: WebDriver) -> list[str]:
    return [
        entry["message"]
        for entry in driver.get_log("browser")  # type: ignore[no-untyped-call]
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


def test_a_valid_file_is_imported(browser: WebDriver, live_service: SERVED, tmp_path: Path) -> None:
    users = tmp_path / "users.csv"
    users.write_bytes(csv_bytes(user_rows(3)))
    with live_service() as server:
        open_page(browser, server)
        drop(browser, users)
        dropped = browser.find_element(By.ID, "chosen-file").text
        picked = browser.find_element(By.ID, "file-input").get_attribute("value")
        browser.find_element(By.ID, "check-button").click()
        checked = wait_for_text(browser, "status", "The file is valid")
        browser.find_element(By.ID, "import-button").click()
        imported = wait_for_text(browser, "status", "Imported")
        history = wait_for_text(browser, "history", "completed")
        kept_key = browser.execute_script("return sessionStorage.getItem('userimport.apiKey')")
        address = browser.current_url

    assert (dropped, picked) == ("users.csv", "")  # it came by the drop zone, not the picker
    assert "would add 3" in checked
    assert "added 3" in imported
    assert "validated (check)" in history
    assert kept_key == ADMIN_KEY
    assert ADMIN_KEY not in address
    assert csp_violations(browser) == []


def test_a_refused_file_shows_its_errors_and_saves_them_as_csv(
    browser: WebDriver, live_service: SERVED, tmp_path: Path
) -> None:
    rows = user_rows(4)
    rows[1][0] = "not-an-address"
    rows[2][3] = "maybe"
    rows[3][1] = '"=HYPERLINK(""http://evil.example/"")"'
    rows[3][2] = "Secret"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(rows))
    with live_service() as server:
        open_page(browser, server)
        choose(browser, bad)
        browser.find_element(By.ID, "import-button").click()
        status = wait_for_text(browser, "status", "refused")
        table = browser.find_elements(By.CSS_SELECTOR, "#error-table tbody tr")
        cells = [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in table]
        count = browser.find_element(By.ID, "error-count").text
        screenshot(browser, tmp_path, "upload-page-refused.png")
        browser.find_element(By.ID, "download-errors").click()
        saved = tmp_path / "downloads" / "import-errors.csv"
        deadline = time.monotonic() + 15
        while not saved.exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    assert "3 problem(s)" in status and count.startswith("3 problem(s)")
    assert [(c[0], c[2]) for c in cells] == [
        ("3", "invalid_email"), ("4", "invalid_boolean"), ("5", "password_too_short"),
    ]  # fmt: skip
    saved_rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert [row[0] for row in saved_rows[1:]] == ["3", "4", "5"]
    assert saved_rows[3][2].startswith("'=HYPERLINK")
    assert not any("Secret-" in cell for row in saved_rows for cell in row)


def start_job(browser: WebDriver, server: Server, tmp_path: Path) -> str:
    """Upload a 1,500-row file and wait until the page shows its job hashing."""
    big = tmp_path / "big.csv"
    big.write_bytes(csv_bytes(user_rows(1500)))
    open_page(browser, server)
    choose(browser, big)
    browser.find_element(By.ID, "import-button").click()
    return wait_for_text(browser, "job-text", "hashing:", seconds=60)


def test_a_job_shows_its_progress_until_it_ends(
    browser: WebDriver, live_service: SERVED, tmp_path: Path
) -> None:
    with live_service(**JOB_SETTINGS) as server:
        running = start_job(browser, server, tmp_path)
        progress = browser.find_element(By.ID, "job-progress")
        seen_max = progress.get_attribute("max")
        screenshot(browser, tmp_path, "upload-page-job.png")
        finished = wait_for_text(browser, "status", "Imported", seconds=120)

    assert "of 1500 rows" in running
    assert seen_max == "1500"
    assert "added 1500" in finished


def test_a_running_job_can_be_cancelled(
    browser: WebDriver, live_service: SERVED, tmp_path: Path
) -> None:
    with live_service(**JOB_SETTINGS) as server:
        start_job(browser, server, tmp_path)
        browser.find_element(By.ID, "cancel-button").click()
        cancelled = wait_for_text(browser, "status", "cancelled", seconds=60)

    assert "nothing was added" in cancelled


def test_the_docs_work_offline(browser: WebDriver, live_service: SERVED) -> None:
    with live_service() as server:
        browser.get(server.url + "/docs")
        WebDriverWait(browser, 30).until(
            expected_conditions.presence_of_element_located(
                (By.CSS_SELECTOR, ".swagger-ui .info .title")
            )
        )
        title = browser.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title").text
        sources = browser.execute_script(
            "return [...document.scripts].map(s => s.src).concat("
            "[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href))"
        )

    assert "User Import Service" in title
    assert sources and all(src.startswith(server.url + "/static/") for src in sources)
    assert csp_violations(browser) == []
