"""Task functions for the sweep tests: cheap, deterministic in (setting, seed), BLAS-bound."""

from __future__ import annotations

import os
import time

import numpy as np
import scipy.linalg  # noqa: F401  (loads a second BLAS for blas_threads)
from threadpoolctl import threadpool_info

from modelcollapse import Setting


def noisy(setting: Setting, seed_index: int, base_seed: int, method: str) -> dict:
    """A least-squares fit on random data: its value depends on every bit of the arithmetic."""
    rng = np.random.default_rng([base_seed, seed_index, setting.n, setting.d])
    X = rng.standard_normal((setting.n, setting.d))
    y = X @ np.ones(setting.d) + setting.sigma * rng.standard_normal(setting.n)
    w = np.linalg.solve(X.T @ X + np.eye(setting.d), X.T @ y)
    return {"test_error": float(np.sum((w - 1.0) ** 2)), "p2_seen": setting.p2}


def sleepy(setting: Setting, seed_index: int, base_seed: int, method: str) -> float:
    """Slow enough that a SIGKILL lands mid-sweep; logs each finished task to $SLEEPY_LOG."""
    time.sleep(0.05)
    if "SLEEPY_LOG" in os.environ:
        with open(os.environ["SLEEPY_LOG"], "a") as log:
            log.write(f"{setting.n} {seed_index}\n")
    return float(setting.n + seed_index / 1000)


def picky(setting: Setting, seed_index: int, base_seed: int, method: str) -> float:
    """Fails for odd seed indices: failures must be reported, not stored."""
    if seed_index % 2:
        raise RuntimeError(f"seed {seed_index} refused")
    return float(seed_index)


def blas_threads(setting: Setting, seed_index: int, base_seed: int, method: str) -> float:
    """The largest thread count of any BLAS/OpenMP pool loaded in the worker."""
    return float(max(pool["num_threads"] for pool in threadpool_info()))
