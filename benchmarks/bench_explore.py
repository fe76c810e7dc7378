"""The explorer's latency: a slider change to the redrawn figure, measured in the browser.

Run: ``python benchmarks/bench_explore.py [--changes K] [--points P]``. Needs the
``[explore]`` extra and Debian's ``chromium`` and ``chromium-driver``.

For each view, headless Chromium loads the page, then moves one slider K times between two
positions; each time the page records ``performance.now()`` at the input event and again
one frame after Plotly has redrawn (the request, the library's answer, the JSON, the
drawing). The table gives the median and the largest of the K latencies, and the server's
share (the same view computed in this process, median of K). Target (issue 15): under
150 ms for 200-point curves on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' browser helpers

from modelcollapse.explore import VIEWS
from tests.explore import browser

# view, slider moved, query (points per curve: each view's default unless given or --points)
CASES = (("smc-n", "c2", {}), ("smc-m", "c2", {"points": "200"}),
         ("workflows", "sigma", {"generations": "50"}), ("tails", "beta", {}))


def server_ms(view: str, slider: str, query: dict[str, str], changes: int) -> float:
    """The median time the library takes to answer the view, in this process."""
    default = float(next(p.default for p in VIEWS[view].params if p.name == slider))
    times = []
    for i in range(changes):
        values = VIEWS[view].values({**query, slider: str(default * (1 + 0.1 * (i % 2)))})
        start = time.perf_counter()
        VIEWS[view].draw(values)
        times.append(1e3 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--points", type=int, default=None,
                        help="points per curve for every view (default: each view's)")
    args = parser.parse_args()
    reason = browser.missing()
    if reason:
        sys.exit(f"bench_explore: {reason}")
    print(f"{'view':<10} {'slider':<7} {'points':>6} {'median ms':>10} {'max ms':>8} "
          f"{'server ms':>10}")
    with browser.serving() as server, browser.chromium() as driver:
        for view, slider, query in CASES:
            if args.points:
                query = {**query, "points": str(args.points)}
            points = VIEWS[view].values(query).get("points", "-")
            url = f"{server.url}?view={view}&" + "&".join(f"{k}={v}" for k, v in query.items())
            browser.open_view(driver, url)
            median = browser.slider_latency(driver, slider, args.changes)
            worst = max(driver.execute_script("return window.explorer.latencies;"))
            print(f"{view:<10} {slider:<7} {points:>6} {median:>10.1f} {worst:>8.1f} "
                  f"{server_ms(view, slider, query, args.changes):>10.1f}")


if __name__ == "__main__":
    main()
