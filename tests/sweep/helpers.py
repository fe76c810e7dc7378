"""Test families for the sweep tests: cheap, deterministic in (config, seed), BLAS-bound.

Each is a family of its own (a configuration type and a ``run_one``), registered when this
module is imported, which a worker process does when it unpickles a task's configuration.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np
import scipy.linalg  # noqa: F401  (loads a second BLAS for blas_threads)
from threadpoolctl import threadpool_info

from modelcollapse.configbase import ConfigBase
from modelcollapse.family import Family, register
from modelcollapse.seeds import seed_generator


@dataclass(frozen=True)
class Probe(ConfigBase):
    """A sample size n, a dimension d, a noise level and a synthetic share (read by noisy)."""

    n: int
    d: int = 8
    sigma: float = 0.5
    p2: float = 0.0


@dataclass(frozen=True)
class Noisy(Probe):
    pass


@dataclass(frozen=True)
class Sleepy(Probe):
    pass


@dataclass(frozen=True)
class Picky(Probe):
    pass


@dataclass(frozen=True)
class Threads(Probe):
    pass


def noisy(setting: Noisy, seed_index: int, base_seed: int) -> dict:
    """A least-squares fit on random data: its value depends on every bit of the arithmetic."""
    rng = seed_generator(base_seed, seed_index)
    X = rng.standard_normal((setting.n, setting.d))
    y = X @ np.ones(setting.d) + setting.sigma * rng.standard_normal(setting.n)
    w = np.linalg.solve(X.T @ X + np.eye(setting.d), X.T @ y)
    return {"test_error": float(np.sum((w - 1.0) ** 2)), "p2_seen": setting.p2}


def sleepy(setting: Sleepy, seed_index: int, base_seed: int) -> float:
    """Slow enough that a SIGKILL lands mid-sweep; logs each finished task to $SLEEPY_LOG."""
    time.sleep(0.05)
    if "SLEEPY_LOG" in os.environ:
        with open(os.environ["SLEEPY_LOG"], "a") as log:
            log.write(f"{setting.n} {seed_index}\n")
    return float(setting.n + seed_index / 1000)


def picky(setting: Picky, seed_index: int, base_seed: int) -> float:
    """Fails for odd seed indices: failures must be reported, not stored."""
    if seed_index % 2:
        raise RuntimeError(f"seed {seed_index} refused")
    return float(seed_index)


def blas_threads(setting: Threads, seed_index: int, base_seed: int) -> float:
    """The largest thread count of any BLAS/OpenMP pool loaded in the worker."""
    return float(max(pool["num_threads"] for pool in threadpool_info()))


def noise_level(setting: Noisy) -> float:
    return float(setting.sigma**2)


NOISY = register(Family("test-noisy", Noisy, noisy, predict=noise_level))
SLEEPY = register(Family("test-sleepy", Sleepy, sleepy))
PICKY = register(Family("test-picky", Picky, picky))
THREADS = register(Family("test-threads", Threads, blas_threads))
