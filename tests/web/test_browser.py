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
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver import ActionChains
from selenium.webdriver import Chrome as WebDriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from bench.server import Server
from tests.conftest import ADMIN_AUTH, ADMIN_KEY, IN_CI
from tests.helpers import HEADER, csv_bytes, user_rows

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
        picker_shown = browser.find_element(By.ID, "file-input").is_displayed()
        picked = browser.find_element(By.ID, "file-input").get_attribute("value")
        browser.find_element(By.ID, "check-button").click()
        checked = wait_for_text(browser, "status", "The file is valid")
        browser.find_element(By.ID, "import-button").click()
        imported = wait_for_text(browser, "status", "Imported")
        history = wait_for_text(browser, "history", "completed")
        kept_key = browser.execute_script("return sessionStorage.getItem('userimport.apiKey')")
        address = browser.current_url

    assert (dropped, picked) == ("users.csv", "")  # it came by the drop zone, not the picker
    assert not picker_shown  # one file picker: the drop zone (the input behind it is hidden)
    assert "would add 3" in checked
    assert "added 3" in imported
    assert "check: valid" in history
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

    assert status == "The file was refused: 3 problem(s), listed below; nothing was added."
    assert count == ""  # one sentence per outcome: all three are listed
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
        history = wait_for_text(browser, "history", "hashing")  # live, as the bar
        finished = wait_for_text(browser, "status", "Imported", seconds=120)

    assert "hashing" in running and "hashing" in history
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


def imports_of(server: Server) -> list[dict[str, object]]:
    answer = httpx.get(server.url + "/imports", headers=ADMIN_AUTH, timeout=10)
    items: list[dict[str, object]] = answer.json()["items"]
    return items


def users_of(server: Server) -> list[str]:
    answer = httpx.get(server.url + "/users?limit=500", headers=ADMIN_AUTH, timeout=10)
    return [user["email"] for user in answer.json()["items"]]


def test_a_double_and_a_third_click_on_import_import_once(
    browser: WebDriver, live_service: SERVED, tmp_path: Path
) -> None:
    users = tmp_path / "users.csv"
    users.write_bytes(csv_bytes(user_rows(20)))
    with live_service() as server:
        open_page(browser, server)
        choose(browser, users)
        button = browser.find_element(By.ID, "import-button")
        ActionChains(browser).double_click(button).click(button).perform()
        imported = wait_for_text(browser, "status", "Imported")
        button.click()  # once more, after the answer: nothing is chosen any more
        again = wait_for_text(browser, "status", "Choose a CSV file first")
        recorded = imports_of(server)
        added = users_of(server)

    assert "added 20" in imported and again == "Choose a CSV file first."
    assert [item["status"] for item in recorded] == ["completed"]  # no refused import
    assert len(added) == 20


def test_without_a_key_nothing_is_sent(
    browser: WebDriver, live_service: SERVED, tmp_path: Path
) -> None:
    users = tmp_path / "users.csv"
    users.write_bytes(csv_bytes(user_rows(2)))
    with live_service() as server:
        browser.get(server.url + "/")
        choose(browser, users)
        browser.find_element(By.ID, "check-button").click()
        status = wait_for_text(browser, "status", "API key")
        focused = browser.switch_to.active_element.get_attribute("id")
        recorded = imports_of(server)

    assert status == "Enter the admin API key first."
    assert focused == "api-key"
    assert recorded == []


def test_saving_the_errors_as_csv_adds_no_history_row_and_a_long_file_names_jobs(
    browser: WebDriver, live_service: SERVED, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["not-an-address", "Ana", "Long-Enough-1", "TRUE"]]))
    long = tmp_path / "long.csv"
    long.write_bytes(csv_bytes(user_rows(6)))
    with live_service(USERIMPORT_MAX_ROWS="5") as server:
        open_page(browser, server)
        choose(browser, bad)
        browser.find_element(By.ID, "check-button").click()
        wait_for_text(browser, "status", "refused")
        browser.find_element(By.ID, "download-errors").click()
        saved = wait_for_text(browser, "status", "saved as import-errors.csv")
        after_download = imports_of(server)
        choose(browser, long)
        browser.find_element(By.ID, "import-button").click()
        too_long = wait_for_text(browser, "status", "refused")

    assert "nothing was added" in saved
    assert len(after_download) == 1  # the check; the download replayed it
    assert "background jobs" in too_long and "USERIMPORT_MAX_ROWS" in too_long


def test_the_page_does_not_scroll_sideways_on_a_phone(
    browser: WebDriver, live_service: SERVED, tmp_path: Path
) -> None:
    users = tmp_path / "a-file-with-a-rather-long-name-for-a-phone-screen.csv"
    users.write_bytes(csv_bytes(user_rows(3)))
    with live_service() as server:
        browser.set_window_size(390, 900)
        open_page(browser, server)
        choose(browser, users)
        browser.find_element(By.ID, "import-button").click()
        wait_for_text(browser, "history", "completed")
        wait_for_text(browser, "users", "user2@example.com")
        widths = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        screenshot(browser, tmp_path, "upload-page-phone.png")

    assert widths[0] <= widths[1]


def test_the_users_section_finds_pages_and_exports(
    browser: WebDriver, live_service: SERVED, tmp_path: Path
) -> None:
    users = tmp_path / "users.csv"
    users.write_bytes(csv_bytes(user_rows(25)))
    with live_service() as server:
        open_page(browser, server)
        choose(browser, users)
        browser.find_element(By.ID, "import-button").click()
        wait_for_text(browser, "status", "Imported")
        browser.find_element(By.ID, "all-users").click()
        wait_for_text(browser, "users", "user19@example.com")
        first_page = len(browser.find_elements(By.CSS_SELECTOR, "#users tbody tr"))
        browser.find_element(By.ID, "users-next").click()
        wait_for_text(browser, "users", "user24@example.com")
        second_page = len(browser.find_elements(By.CSS_SELECTOR, "#users tbody tr"))
        browser.find_element(By.ID, "user-email").send_keys("USER7@example.com")
        browser.find_element(By.ID, "search-users").click()
        WebDriverWait(browser, 15).until(
            lambda driver: len(driver.find_elements(By.CSS_SELECTOR, "#users tbody tr")) == 1
        )
        found = browser.find_element(By.CSS_SELECTOR, "#users tbody tr").text
        browser.find_element(By.ID, "all-users").click()
        wait_for_text(browser, "users", "user19@example.com")
        browser.find_element(By.ID, "export-users").click()
        saved = wait_for_text(browser, "status", "saved as users-")
        screenshot(browser, tmp_path, "users-section.png")
        exported = next((tmp_path / "downloads").glob("users-*.csv"), None)
        deadline = time.monotonic() + 15
        while exported is None and time.monotonic() < deadline:
            time.sleep(0.1)
            exported = next((tmp_path / "downloads").glob("users-*.csv"), None)

    assert (first_page, second_page) == (20, 5)
    assert found.startswith("user7@example.com")
    assert "Update them" in saved
    assert exported is not None
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Email", "Name", "Password", "Force Change Password", "Aliases", "Active"]
    assert len(rows) == 26 and all(row[2] == "" for row in rows[1:])


def test_an_import_is_reverted_from_the_history_after_a_confirmation(
    browser: WebDriver, live_service: SERVED, tmp_path: Path
) -> None:
    users = tmp_path / "users.csv"
    users.write_bytes(csv_bytes(user_rows(4)))
    with live_service() as server:
        open_page(browser, server)
        choose(browser, users)
        browser.find_element(By.ID, "import-button").click()
        wait_for_text(browser, "history", "completed")
        browser.find_element(By.CSS_SELECTOR, "#history button.revert").click()
        question = browser.switch_to.alert.text
        browser.switch_to.alert.dismiss()  # no: nothing happens
        kept = users_of(server)
        browser.find_element(By.CSS_SELECTOR, "#history button.revert").click()
        browser.switch_to.alert.accept()
        done = wait_for_text(browser, "status", "reverted")
        history = wait_for_text(browser, "history", "reverted")
        screenshot(browser, tmp_path, "history-reverted.png")
        left = users_of(server)
        [record] = httpx.get(f"{server.url}/imports", headers=ADMIN_AUTH).json()["items"]

    assert "The 4 user(s) it added will be deleted" in question
    assert len(kept) == 4
    assert done == f"Import {record['id']} was reverted: 4 user(s) deleted, 0 restored."
    assert "Revert" not in history.split("reverted", 1)[1].split("\n", 1)[0]
    assert left == []


def user_of(server: Server, email: str) -> dict[str, Any] | None:
    answer = httpx.get(server.url + "/users", params={"address": email}, headers=ADMIN_AUTH)
    items: list[dict[str, Any]] = answer.json()["items"]
    return items[0] if items else None


def user_row(browser: WebDriver, email: str) -> str:
    for row in browser.find_elements(By.CSS_SELECTOR, "#users tbody tr"):
        if row.text.startswith(email):
            return str(row.text)
    return ""


def test_a_user_is_edited_disabled_enabled_and_deleted_in_the_users_section(
    browser: WebDriver, live_service: SERVED, tmp_path: Path
) -> None:
    users = tmp_path / "users.csv"
    rows = [[*row, f"al{n}@example.com"] for n, row in enumerate(user_rows(3))]
    users.write_bytes(csv_bytes(rows, [*HEADER, "Aliases"]))
    with live_service() as server:
        open_page(browser, server)
        choose(browser, users)
        browser.find_element(By.ID, "import-button").click()
        wait_for_text(browser, "status", "Imported")
        listed = wait_for_text(browser, "users", "al0@example.com")
        browser.find_element(By.CSS_SELECTOR, "button[aria-label='Edit user0@example.com']").click()
        name = browser.find_element(By.ID, "edit-name")
        name.clear()
        name.send_keys("Ana Lima")
        aliases = browser.find_element(By.ID, "edit-aliases")
        aliases.send_keys("\nana.lima@example.com")
        browser.find_element(By.ID, "edit-save").click()
        saved = wait_for_text(browser, "status", "saved")
        wait_for_text(browser, "users", "Ana Lima")
        edited_row = user_row(browser, "user0@example.com")
        browser.find_element(
            By.CSS_SELECTOR, "button[aria-label='Disable user1@example.com']"
        ).click()
        wait_for_text(browser, "status", "user1@example.com was disabled")
        disabled_row = user_row(browser, "user1@example.com")
        disabled = user_of(server, "user1@example.com")
        browser.find_element(
            By.CSS_SELECTOR, "button[aria-label='Enable user1@example.com']"
        ).click()
        wait_for_text(browser, "status", "user1@example.com was enabled")
        enabled = user_of(server, "user1@example.com")
        browser.find_element(
            By.CSS_SELECTOR, "button[aria-label='Delete user2@example.com']"
        ).click()
        question = browser.switch_to.alert.text
        browser.switch_to.alert.dismiss()  # no: nothing happens
        kept = user_of(server, "user2@example.com")
        browser.find_element(
            By.CSS_SELECTOR, "button[aria-label='Delete user2@example.com']"
        ).click()
        browser.switch_to.alert.accept()
        wait_for_text(browser, "status", "user2@example.com was deleted")
        screenshot(browser, tmp_path, "users-edited.png")
        gone = user_of(server, "al2@example.com")
        ana = user_of(server, "ana.lima@example.com")
        violations = csp_violations(browser)

    assert "al1@example.com" in listed and "active" in listed
    assert "saved" in saved
    assert "Ana Lima" in edited_row and "ana.lima@example.com" in edited_row
    assert ana is not None and ana["email"] == "user0@example.com"
    assert ana["aliases"] == ["al0@example.com", "ana.lima@example.com"]
    assert "disabled" in disabled_row
    assert disabled is not None and disabled["active"] is False
    assert enabled is not None and enabled["active"] is True
    assert "Delete user2@example.com (User 2)?" in question and "become free" in question
    assert kept is not None and gone is None
    assert violations == []
