"""The staff page in a real browser (headless Chromium via selenium, phone-sized) against the
real ``signage run`` process: upload, a broken file's line, preview, urgent notice, the report."""

from __future__ import annotations

import base64
import io
import os
import shutil
from pathlib import Path

import pygame
import pytest
from drophelpers import eventually, listing_yaml
from openpyxl import Workbook

from tests.playerproc import PlayerProcess

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.expected_conditions import staleness_of  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
                                reason="chromium and chromium-driver (scripts/setup.sh --test)")


def _xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["岗位", "单位", "电话", "工资"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    """The player with its staff page, and a browser on it."""
    tmp = tmp_path_factory.mktemp("staff")
    (tmp / "jobs").mkdir()
    (tmp / "jobs" / "a.yaml").write_text(listing_yaml("开场岗位"), encoding="utf-8")
    player = PlayerProcess(tmp, "station: {name: 测试驿站, hotline: 028-2333 1234}\ncontent: jobs\nwatch: native\n"
                           "display: {size: [640, 360]}\npages: {seconds: 3600, transition: none}\n"
                           "status: {port: 0}\nplaylog: {folder: plays, screen: tv1}\n", size=None)
    base, status = player.base, player.status

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 f"--user-data-dir={tmp / 'chromium'}", "--window-size=390,844"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(tmp / "downloads")})
    driver = None
    try:
        eventually(lambda: status().get("frames"), timeout=30)
        driver = webdriver.Chrome(options=options,
                                  service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
        driver.set_page_load_timeout(30)
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",  # a phone's screen
                               {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        driver.execute_cdp_cmd("Page.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(tmp / "downloads")})
        driver.get(base + "/")
        yield driver, tmp, base, status
    finally:
        if driver is not None:
            driver.quit()
        player.stop()
        print(player.log.read_text(errors="replace")[-2000:])


def _submit(driver, button) -> None:
    """Click a form's button and wait for the page that answers it."""
    old = driver.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(driver, 60).until(staleness_of(old))


def _upload(driver, base: str, path: Path, button: str = "do-upload") -> None:
    """From the page's top (the tests run in any order), upload ``path`` with ``button``."""
    for attempt in range(3):
        driver.get(base + "/")
        try:
            driver.find_element(By.ID, "file").send_keys(str(path))
            break
        except WebDriverException:  # the page was still being replaced (a busy machine)
            if attempt == 2:
                raise
    _submit(driver, driver.find_element(By.ID, button))


def _settled(check):
    """``check`` for ``eventually``, None while the page is being replaced under it."""

    def attempt():
        try:
            return check()
        except StaleElementReferenceException:
            return None

    return attempt


def _flash(driver) -> str:
    """The page's messages, once the page after a form has them."""
    return eventually(_settled(lambda: " ".join(
        e.text for e in driver.find_elements(By.CSS_SELECTOR, ".flash"))), timeout=20, interval=0.1)


def test_an_uploaded_workbook_goes_on_air(box):
    driver, tmp, base, status = box
    loaded = status()["listings_loaded"]
    _upload(driver, base, _xlsx(tmp / "夜班岗位.xlsx", [["夜班保安", "物业公司", "13812345678", "4000元/月"]]))
    assert "已上传“夜班岗位.xlsx”" in _flash(driver)
    eventually(lambda: status().get("listings_loaded") == loaded + 1, timeout=20)
    assert (tmp / "jobs" / "夜班岗位.xlsx").exists()
    driver.save_screenshot(str(tmp / "page-after-upload.png"))


def test_a_broken_file_shows_its_line(box):
    driver, tmp, base, status = box
    _upload(driver, base, _xlsx(tmp / "坏表.xlsx", [["保洁", "物业", "13812345678", "3000"],
                                             ["", "物业", "123", "3000"]]))

    def problems():
        driver.get(base + "/")
        rows = [e for e in driver.find_elements(By.CSS_SELECTOR, ".file")
                if e.get_attribute("data-name") == "坏表.xlsx"]
        return rows and "第 3 行" in rows[0].text and rows[0]

    row = eventually(_settled(problems), timeout=20, interval=0.5)
    text = row.text
    driver.execute_script("arguments[0].scrollIntoView()", row)
    assert "有错误" in text and "电话号码“123”不对" in text
    driver.save_screenshot(str(tmp / "page-broken.png"))


def test_preview_draws_the_cards_before_they_go_live(box):
    driver, tmp, base, status = box
    before = status()["listings_loaded"]
    _upload(driver, base, _xlsx(tmp / "预览.xlsx", [["面点师", "早餐店", "13812345678", "5000"]]),
            button="do-preview")
    images = eventually(lambda: driver.find_elements(By.CSS_SELECTOR, "img.page"), timeout=60,
                        interval=0.2)
    assert len(images) == 1
    png = base64.b64decode(images[0].get_attribute("src").split(",", 1)[1])
    page = pygame.image.load(io.BytesIO(png), "page.png")
    assert page.get_size() == (960, 540)
    (tmp / "preview-page-1.png").write_bytes(png)
    colours = {page.get_at((x, y))[:3] for x in range(0, 960, 6) for y in range(0, 540, 6)}
    assert len(colours) > 20  # text drawn, not a blank page
    assert not (tmp / "jobs" / "预览.xlsx").exists()
    assert status()["listings_loaded"] == before
    driver.save_screenshot(str(tmp / "page-preview.png"))


def test_urgent_notice_on_and_off(box):
    driver, tmp, base, status = box
    driver.get(base + "/")
    driver.find_element(By.NAME, "title").send_keys("今天下午停电")
    driver.find_element(By.NAME, "text").send_keys("驿站 14:00 后暂停服务")
    _submit(driver, driver.find_element(By.ID, "post-urgent"))
    assert "紧急通知已发布" in _flash(driver)
    eventually(lambda: status().get("slide") == "urgent", timeout=20)
    assert "今天下午停电" in driver.find_element(By.ID, "urgent").text
    driver.execute_script("document.getElementById('urgent').scrollIntoView()")
    driver.save_screenshot(str(tmp / "page-urgent.png"))
    _submit(driver, driver.find_element(By.ID, "withdraw"))
    assert "紧急通知已撤下" in _flash(driver)
    eventually(lambda: status().get("slide") == "jobs", timeout=20)


def test_the_report_downloads_as_csv_for_chinese_excel(box):
    driver, tmp, base, status = box
    driver.get(base + "/")
    driver.find_element(By.ID, "report-csv").click()
    downloads = tmp / "downloads"
    done = eventually(lambda: [p for p in downloads.glob("*.csv")] if downloads.exists() else [],
                      timeout=20)
    data = done[0].read_bytes()
    assert done[0].name.startswith("播放报表-本周-")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "编号,岗位,单位,播放次数,播放分钟" in text
    assert "开场岗位" in text  # the play log has the first page's listing
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(tmp / "page-top.png"))
