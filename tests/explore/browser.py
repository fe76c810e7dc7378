"""Headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driving the explorer:
shared by the browser tests and ``benchmarks/bench_explore.py``."""

from __future__ import annotations

import shutil
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Slider positions the latency run alternates between (of 0..1000).
LATENCY_POSITIONS = (200, 800)


def missing() -> str | None:
    """Why the browser cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install 'modelcollapse[explore]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if shutil.which(path) is None:
            return f"{path} is missing (Debian packages chromium and chromium-driver)"
    return None


@contextmanager
def serving() -> Iterator[Any]:
    """The explorer's server on a free port of 127.0.0.1, in a thread."""
    from modelcollapse.explore import make_server

    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """A headless Chromium session."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def renders(driver: Any) -> int:
    return int(driver.execute_script("return window.explorer ? window.explorer.renders : 0"))


def wait(condition: Any, timeout: float = 20.0, what: str = "the page") -> Any:
    """Poll ``condition()`` until it is truthy (its value), or fail after ``timeout`` s."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise TimeoutError(f"{what} did not happen within {timeout:g} s")


def open_view(driver: Any, url: str) -> None:
    """Load ``url`` and wait for its first drawing or its refusal."""
    driver.get(url)
    wait(lambda: renders(driver) > 0 or driver.execute_script(
        "return !document.getElementById('message').hidden"), what=f"drawing {url}")


def slide(driver: Any, name: str, position: int) -> None:
    """Move the slider of parameter ``name`` to ``position`` (0..1000) as a user would, and
    wait for the redrawn figure."""
    before = renders(driver)
    driver.execute_script(
        "const s = document.getElementById(arguments[0]); s.value = arguments[1];"
        "s.dispatchEvent(new Event('input'));", f"slider-{name}", position)
    wait(lambda: renders(driver) > before, what=f"redraw after moving {name}")


def readout(driver: Any) -> dict[str, float]:
    """The numbers printed under the plot, by curve label, at full precision."""
    cells = driver.execute_script(
        "return [...document.querySelectorAll('#readout td.value')]"
        ".map(c => [c.dataset.label, c.dataset.value]);")
    return {label: float(value) for label, value in cells}


def slider_latency(driver: Any, name: str, changes: int = 20) -> float:
    """Median milliseconds from a slider change to the redrawn figure, measured in the
    browser (``performance.now()`` at the input event, read after the next frame)."""
    driver.execute_script("window.explorer.latencies = [];")
    for i in range(changes):
        slide(driver, name, LATENCY_POSITIONS[i % 2])
    latencies = driver.execute_script("return window.explorer.latencies;")
    return statistics.median(latencies)
