"""The explorer in a real browser (headless Chromium): the page draws, a slider redraws the
curve with the number ``modelcollapse predict`` gives, a URL reproduces its view, an uploaded
CSV is drawn, a simulation overlays markers, and bad values are refused on the page.

Screenshots of every view go to ``$MODELCOLLAPSE_SCREENSHOTS`` when it is set (the README's
``docs/figures/explore-*.png`` are made so), else to a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from modelcollapse import Setting, predict

from . import browser

pytestmark = pytest.mark.skipif(browser.missing() is not None, reason=str(browser.missing()))

# The in-browser latency bound asserted here is generous (a shared CI machine); the target
# (< 150 ms) is measured by benchmarks/bench_explore.py.
LATENCY_BOUND_MS = 1500


@pytest.fixture(scope="module")
def page():
    with browser.serving() as server, browser.chromium() as driver:
        yield driver, server.url


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("MODELCOLLAPSE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)

    def shoot(driver, name):
        path = folder / f"explore-{name}.png"
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(path))
        assert path.stat().st_size > 10_000
    return shoot


def plotted(driver) -> list[dict]:
    return driver.execute_script(
        "return document.getElementById('plot').data.map(t => ({name: t.name, x: t.x, y: t.y,"
        " mode: t.mode}));")


def message(driver) -> str | None:
    return driver.execute_script(
        "const m = document.getElementById('message'); return m.hidden ? null : m.textContent;")


def test_slider_redraws_the_curve_with_the_library_number(page, shots):
    driver, url = page
    browser.open_view(driver, f"{url}?view=smc-n")
    assert message(driver) is None
    names = [t["name"] for t in plotted(driver)]
    assert names[:2] == ["p2 = 0", "p2 = 0.001"] and "floor, p2 = 0.1" in names
    shots(driver, "smc")
    before = next(t["y"] for t in plotted(driver) if t["name"] == "p2 = 0.1")
    browser.slide(driver, "c2", 700)
    c2 = float(driver.find_element("id", "param-c2").get_attribute("value"))
    after = next(t["y"] for t in plotted(driver) if t["name"] == "p2 = 0.1")
    assert after != before and c2 != 1.0
    shown = browser.readout(driver)["p2 = 0.1"]
    assert shown == predict(Setting(d=100, n=10_000, p2=0.1, c2=c2)).test_error
    cli = subprocess.run([sys.executable, "-m", "modelcollapse", "predict", "--d", "100", "--n",
                          "10000", "--p2", "0.1", "--c2", str(c2), "--json"],
                         capture_output=True, text=True, check=True)
    assert shown == json.loads(cli.stdout)["test_error"]
    assert f"c2={c2:g}" in driver.current_url


def test_a_typed_value_moves_its_slider_and_redraws(page):
    """The number box beside a slider: a typed value is stored, redrawn and placed on the
    slider (c² runs linearly over [0, 4] on 1000 steps)."""
    driver, url = page
    browser.open_view(driver, f"{url}?view=smc-n")
    for typed, position in (("3", 750), ("0.5", 125)):
        before = browser.renders(driver)
        driver.execute_script(
            "const t = document.getElementById('param-c2'); t.value = arguments[0];"
            "t.dispatchEvent(new Event('change'));", typed)
        browser.wait(lambda b=before: browser.renders(driver) > b, what="redraw after typing c2")
        assert driver.execute_script("return document.getElementById('slider-c2').value") \
            == str(position)
        assert browser.readout(driver)["p2 = 0.1"] == \
            predict(Setting(d=100, n=10_000, p2=0.1, c2=float(typed))).test_error


def test_the_figure_exports_as_png_and_svg(page):
    driver, url = page
    browser.open_view(driver, f"{url}?view=smc-n&points=20")
    images = driver.execute_async_script(
        "const done = arguments[arguments.length - 1], plot = document.getElementById('plot');"
        "Promise.all(['png', 'svg'].map(f => Plotly.toImage(plot, {format: f}))).then(done);")
    assert images[0].startswith("data:image/png;base64,")
    assert images[1].startswith("data:image/svg+xml,")


def test_latency_of_a_slider_change(page):
    driver, url = page
    browser.open_view(driver, f"{url}?view=smc-n&points=200")
    median = browser.slider_latency(driver, "c2", changes=20)
    print(f"explore: slider change to redrawn 200-point curves, median of 20: {median:.1f} ms")
    assert median < LATENCY_BOUND_MS


def test_a_url_reproduces_its_view(page):
    driver, url = page
    browser.open_view(driver, f"{url}?view=smc-n&d=200&p2=0.05,0.2&c2=2&n=50000&sigma=0.5")
    assert driver.find_element("id", "param-d").get_attribute("value") == "200"
    assert driver.find_element("id", "param-p2").get_attribute("value") == "0.05,0.2"
    shown = browser.readout(driver)
    for p2 in (0.05, 0.2):
        setting = Setting(d=200, n=50_000, p2=p2, c2=2.0, sigma=0.5)
        assert shown[f"p2 = {p2:g}"] == predict(setting).test_error


def test_bad_values_are_refused_on_the_page(page, capfd):
    driver, url = page
    browser.open_view(driver, f"{url}?view=smc-n&p2=0.1,2")
    assert "p2 must be <= 1" in browser.wait(lambda: message(driver))
    browser.open_view(driver, f"{url}?view=smc-n&d=100000")
    assert "d must be <= 10000" in browser.wait(lambda: message(driver))
    browser.open_view(driver, f"{url}?view=smc-n")
    field = driver.find_element("id", "param-n")
    field.clear()
    field.send_keys("12.5\n")
    driver.execute_script("document.getElementById('param-n').dispatchEvent(new Event('change'))")
    assert "n must be a whole number" in browser.wait(lambda: message(driver))
    assert driver.find_elements("css selector", '.param.invalid[data-param="n"]')
    assert "Traceback" not in capfd.readouterr().err


def test_uploaded_csv_is_drawn_with_its_fit(page, tmp_path, shots):
    driver, url = page
    n = np.tile([1e3, 2e3, 4e3, 8e3, 16e3], 3)
    p2 = np.repeat([0.0, 0.1, 0.3], 5)
    loss = 0.05 + 0.5 * p2**2 + (2 + 3 * p2 * (1 - p2)) * n**-0.5
    path = tmp_path / "curves.csv"
    path.write_text("n,p2,loss\n" + "".join(f"{a},{b},{c}\n" for a, b, c in zip(n, p2, loss, strict=True)))
    browser.open_view(driver, f"{url}?view=data&bootstrap=20")
    before = browser.renders(driver)
    driver.find_element("id", "file").send_keys(str(path))
    browser.wait(lambda: browser.renders(driver) > before, what="drawing the upload")
    points = [t for t in plotted(driver) if t["mode"] == "markers"]
    assert sorted(len(t["x"]) for t in points) == [5, 5, 5]
    assert sorted(y for t in points for y in t["y"]) == pytest.approx(sorted(loss))
    assert "max safe p2" in browser.readout(driver)
    shots(driver, "data")


def test_simulation_overlays_markers(page, shots):
    driver, url = page
    browser.open_view(driver, f"{url}?view=workflows&d=10&T=40&generations=6")
    driver.find_element("id", "seeds").clear()
    driver.find_element("id", "seeds").send_keys("4")
    driver.find_element("id", "simulate").click()
    browser.wait(lambda: "done" in driver.find_element("id", "sim-status").text,
                 what="the simulation")
    simulated = [t for t in plotted(driver) if t["mode"] == "markers"]
    assert len(simulated) == 4 and all(len(t["x"]) == 7 for t in simulated)
    assert "verify (τ = 1)" in [t["name"] for t in simulated]  # no theory: markers only
    shots(driver, "workflows")
    browser.open_view(driver, f"{url}?view=tails")
    shots(driver, "tails")
    browser.open_view(driver, f"{url}?view=smc-m")
    shots(driver, "smc-m")
    browser.open_view(driver, f"{url}?view=smc-m&quantity=test_error")
    driver.find_element("id", "simulate").click()
    driver.find_element("id", "cancel").click()
    assert driver.find_element("id", "sim-status").text == "cancelled"
