"""The phone remote end to end: a real TV process (offscreen) serves the page
on 127.0.0.1, a real headless Chromium pairs with the code and drives the
class, and the TV's own saved state shows that it obeyed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from backbeat.store.classes import running_classes
from backbeat.store.db import Database
from backbeat.store.remote import shown_codes

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout=30.0, what="it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def browser(tmp_path, size=(390, 844)):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM and DRIVER, "needs Debian's chromium and chromium-driver (scripts/system-deps.sh)"

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'chromium'}",
                f"--window-size={size[0]},{size[1]}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    emulate(driver, *size)
    return driver


def emulate(driver, width: int, height: int) -> None:
    """The viewport of a phone (or tablet) held by the coach, exactly."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800})


#: 15 mm in CSS pixels (96 per inch): what a gloved finger needs.
TARGET_PX = 15 / 25.4 * 96


def _small_targets(page) -> list:
    sizes = page.execute_script(
        "return [...document.querySelectorAll('button, input')].filter(b => b.offsetParent)"
        ".map(b => { const r = b.getBoundingClientRect(); return [b.id || b.textContent, r.width, r.height]; });")
    return [s for s in sizes if min(s[1], s[2]) < TARGET_PX]


@pytest.fixture
def tv(tmp_path):
    url = f"sqlite:///{tmp_path / 'gym.db'}"
    Database(url).close()
    port = _free_port()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-m", "backbeat", "--db", url, "tv", "--windowed",
                             "--remote", f"127.0.0.1:{port}"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = Database(url)
    try:
        _wait_for(lambda: shown_codes(db), what="the TV to serve the remote")
        yield db, port
    finally:
        proc.terminate()
        proc.wait(10)
        db.close()


def _tv_state(db):
    """The TV's class as the store has it (state, extensions, a frozen position)."""
    running = running_classes(db)
    if not running:
        return {}
    t = running[-1].timing
    return {"state": t.state.value, "extensions": {str(k): v for k, v in t.extensions},
            "position_ms": None if t.state.value == "running" else t.frozen_ns / 1e6}


@pytest.mark.slow
def test_a_phone_pairs_and_drives_the_tv(tv, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    db, port = tv
    page = browser(tmp_path)
    wait = WebDriverWait(page, 15)
    try:
        page.get(f"http://127.0.0.1:{port}/")
        wait.until(ec.visibility_of_element_located((By.ID, "code")))
        assert _small_targets(page) == []
        page.find_element(By.ID, "code").send_keys("000000")  # a wrong code first
        page.find_element(By.ID, "pair-button").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "pair-message"), "wrong code"))
        (shown,) = shown_codes(db)
        field = page.find_element(By.ID, "code")
        field.clear()
        field.send_keys(shown.code)
        page.find_element(By.ID, "pair-button").click()

        # before the start: the class list, as on the TV
        wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#class-list button")))
        assert _small_targets(page) == []
        choices = page.find_elements(By.CSS_SELECTOR, "#class-list button")
        assert [c.text for c in choices] == ["Precision Back · day 1", "Precision Back · day 2"]
        choices[0].click()
        _wait_for(lambda: _tv_state(db).get("state") == "running", what="the TV to start")
        wait.until(ec.text_to_be_present_in_element((By.ID, "toggle"), "PAUSE"))
        assert _small_targets(page) == []

        page.find_element(By.ID, "extend").click()  # +15 s on the get-ready
        _wait_for(lambda: _tv_state(db).get("extensions") == {"0": 15000}, what="the TV to extend")
        page.find_element(By.ID, "toggle").click()
        _wait_for(lambda: _tv_state(db).get("state") == "paused", what="the TV to pause")
        wait.until(ec.text_to_be_present_in_element((By.ID, "phase"), "PAUSED"))
        page.find_element(By.ID, "forward").click()
        _wait_for(lambda: _tv_state(db).get("position_ms") == 25000, what="the TV to go to the next step")
        wait.until(ec.text_to_be_present_in_element((By.ID, "exercise"), "90/90 breathing"))

        # the page's own call without its token is refused, and changes nothing
        status = page.execute_script(
            "return fetch('/api/command', {method: 'POST', headers: {'Content-Type': 'application/json'},"
            " body: JSON.stringify({command: 'resume'})}).then(r => r.status);")
        assert status == 401
        time.sleep(0.3)
        assert _tv_state(db).get("state") == "paused"

        # ending the class asks first
        page.find_element(By.ID, "stop").click()
        wait.until(ec.visibility_of_element_located((By.ID, "confirm")))
        page.find_element(By.ID, "confirm-no").click()
        assert _tv_state(db).get("state") == "paused"
        emulate(page, 1024, 768)
        assert _small_targets(page) == []
        emulate(page, 390, 844)
        shots = os.environ.get("BACKBEAT_REMOTE_SHOTS")
        if shots:
            page.save_screenshot(os.path.join(shots, "remote-390x844.png"))
            emulate(page, 1024, 768)
            time.sleep(0.3)
            page.save_screenshot(os.path.join(shots, "remote-1024x768.png"))
    finally:
        page.quit()
