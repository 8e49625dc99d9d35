"""The monitor page in a real browser (headless Chromium driven by selenium): a throttled job appears,
its progress grows, Abort asks for confirmation, and the job ends aborted.

Skips, saying why, when selenium, Chromium or its driver is missing or cannot start (``.ci/run``
installs Debian's ``chromium`` and ``chromium-driver``). The screenshot it takes goes to the path in
``AEROLITE_MONITOR_SCREENSHOT`` when that is set (the README's ``docs/monitor.png`` is made this way).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aerolite.sync import Cluster, DataSet
from tests.monitor.conftest import Monitor, picky_udf_job, throttled_update

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
DRIVER = "chromedriver"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    binary = next((path for name in CHROMIUM if (path := shutil.which(name))), None)
    driver_path = shutil.which(DRIVER) or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
    if binary is None or driver_path is None:
        pytest.skip("no Chromium or chromedriver on this machine (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,1240", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    try:
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver_path))
    except WebDriverException as exc:
        pytest.skip(f"Chromium did not start: {exc.msg}")
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def card(driver: Any, task_id: int) -> Any:
    return driver.find_element(By.CSS_SELECTOR, f'article.job[data-job-id="{task_id}"]')


CUSTOMERS, CLICKS = "customers", "clickstream"
"""Sets of this test alone, named for a readable screenshot."""


def test_watch_a_job_grow_then_abort_it_from_the_page(browser: Any, monitor: Monitor, cluster: Cluster,
                                                      tmp_path: Path) -> None:
    udf_job = picky_udf_job(cluster, CLICKS, 400)
    indexed = DataSet.of("test", CUSTOMERS)
    task = throttled_update(cluster, CUSTOMERS, 2400, 150)  # ~16 s unless aborted
    session = cluster.create_session()
    session.create_index(indexed, "customers_by_age", "age")
    try:
        browser.get(monitor.url)
        # The page re-renders as snapshots arrive: an element found a moment ago may have been replaced.
        wait = WebDriverWait(browser, 20, poll_frequency=0.1,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'article.job[data-job-id="{task.task_id}"]'))
        first = float(card(browser, task.task_id).get_attribute("data-percent"))
        wait.until(lambda d: float(card(d, task.task_id).get_attribute("data-percent")) > max(15.0, first + 3))
        assert card(browser, task.task_id).get_attribute("data-status") == "running"
        assert card(browser, task.task_id).find_element(By.CSS_SELECTOR, ".status").text == "running"
        assert browser.find_element(By.ID, "live-text").text == "live"
        assert browser.find_element(By.CSS_SELECTOR, "article.job").get_attribute("data-job-id") == str(task.task_id)

        card(browser, udf_job.task_id).find_element(By.CSS_SELECTOR, "details.failures summary").click()
        wait.until(lambda d: "no score for user" in card(d, udf_job.task_id).find_element(By.CSS_SELECTOR, "td.msg").text)
        shot = tmp_path / "monitor.png"
        assert browser.save_screenshot(str(shot))
        if target := os.environ.get("AEROLITE_MONITOR_SCREENSHOT"):
            shutil.copyfile(shot, target)

        card(browser, task.task_id).find_element(By.CSS_SELECTOR, "button.abort").click()  # first: change our mind
        wait.until(lambda d: d.find_element(By.ID, "confirm").is_displayed())
        browser.find_element(By.ID, "confirm-cancel").click()
        wait.until(lambda d: not d.find_element(By.ID, "confirm").is_displayed())
        assert not task.progress().done

        card(browser, task.task_id).find_element(By.CSS_SELECTOR, "button.abort").click()
        wait.until(lambda d: d.find_element(By.ID, "confirm").is_displayed())
        assert f"#{task.task_id}" in browser.find_element(By.ID, "confirm-title").text
        browser.find_element(By.ID, "confirm-abort").click()
        wait.until(lambda d: card(d, task.task_id).get_attribute("data-status") == "user-aborted")
        assert card(browser, task.task_id).find_element(By.CSS_SELECTOR, ".status").text == "aborted"
        assert not card(browser, task.task_id).find_element(By.CSS_SELECTOR, "button.abort").is_displayed()
        final = task.progress()
        assert final.aborted and final.written < 2400
    finally:
        task.abort()
        session.drop_index(indexed, "customers_by_age")
