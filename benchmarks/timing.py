"""The one timing rule of the benchmarks: median wall time over repeats (machines are shared)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[int], object], repeats: int) -> float:
    """Median wall time of ``fn(i)`` for i = 0 .. repeats-1 (the index lets each repeat differ)."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
