"""The budgets checked before work (modelcollapse.budget): sizes, limits and estimates."""

from __future__ import annotations

import doctest
import os
import resource

import numpy as np
import pytest

from modelcollapse import budget
from modelcollapse.config import Setting


def test_docstring_examples():
    assert doctest.testmod(budget).failed == 0


@pytest.mark.parametrize(("text", "size"), [("8G", 8 * 2**30), ("512M", 512 * 2**20),
                                            ("1.5TiB", int(1.5 * 2**40)), ("4e9", 4 * 10**9),
                                            ("2gb", 2 * 2**30)])
def test_sizes_parse(text, size):
    assert budget.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "abc", "-1G", "nan", "inf", "10K", "1e308T"])
def test_bad_sizes_name_the_flag(text):
    with pytest.raises(ValueError, match="^max-memory: expected a size of at least 1M"):
        budget.parse_size(text)


def test_the_limit_is_half_the_machine_or_the_environment(monkeypatch):
    monkeypatch.delenv(budget.MEMORY_ENV, raising=False)
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    assert budget.memory_limit() == budget.machine_memory() > 0
    if soft == resource.RLIM_INFINITY:
        assert budget.machine_memory() == os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    monkeypatch.setenv(budget.MEMORY_ENV, "3G")
    assert budget.memory_limit() == 3 * 2**30
    budget.check_memory("d", 3 * 2**30, "exactly the limit")
    with pytest.raises(ValueError, match=r"^d: a thing would need 3 GiB, more than the 3 GiB"):
        budget.check_memory("d", 3 * 2**30 + 2**21, "a thing")
    with pytest.raises(ValueError, match="^d: a thing would need nan"):
        budget.check_memory("d", float("nan"), "a thing")


def test_estimates_follow_the_arrays_each_method_holds():
    """Sufficient statistics: p x p matrices whatever n is; direct rows: n x d when n < d."""
    big_n = budget.smc_simulation_bytes(Setting(d=1000, n=10**8), "sufficient")
    small_n = budget.smc_simulation_bytes(Setting(d=1000, n=10**4), "sufficient")
    assert big_n == small_n and big_n[1] >= 8 * 1000**2
    dual = budget.smc_simulation_bytes(Setting(d=10**6, n=100), "direct-conditional")
    assert dual[0] == "d" and dual[1] >= 8 * 100 * 10**6
    rp = budget.smc_simulation_bytes(Setting(d=1000, n=10**4, model="random-projections", m=50),
                                     "sufficient")
    assert rp[1] >= 8 * 50 * 1000  # S is m x d
    # and the estimate bounds what one draw allocates: a d x d Gram matrix at d = 2000
    assert budget.smc_simulation_bytes(Setting(d=2000, n=10**4), "sufficient")[1] \
        >= np.zeros((2000, 2000)).nbytes


def test_smc_simulations_are_refused_before_any_draw(monkeypatch):
    monkeypatch.setenv(budget.MEMORY_ENV, "1G")
    with pytest.raises(ValueError, match="^d: 3e\\+04x3e\\+04 Wishart draws in each of 2 worker "
                                         "processes would need 107 GiB, more than the 1 GiB"):
        budget.check_smc_simulation(Setting(d=30_000, n=10**6), "conditional", workers=2)
    with pytest.raises(ValueError, match="^n: the simulation draws sample counts up to n"):
        budget.check_smc_simulation(Setting(d=10, n=10**30), "conditional")
    with pytest.raises(ValueError, match="^n: the direct method draws n x d = 1e\\+08 x 10 .*"
                                         "--method sufficient"):
        budget.check_smc_simulation(Setting(d=10, n=10**8), "direct")
    budget.check_smc_simulation(Setting(d=10, n=10**8), "sufficient")
    budget.check_smc_simulation(Setting(d=100, n=10**6), "direct")


def test_steps_beyond_a_limit_name_the_parameter_and_the_fix():
    budget.check_steps("generations", 10, 10, "steps")
    with pytest.raises(ValueError, match="^generations: chain steps: 11, more than the 10 one "
                                         "run may take; use fewer"):
        budget.check_steps("generations", 11, 10, "chain steps", "use fewer")


def test_the_api_and_every_sweep_check_the_family_budget_before_any_work(monkeypatch, tmp_path):
    from modelcollapse import simulate
    from modelcollapse.sweep import Sweep

    monkeypatch.setenv(budget.MEMORY_ENV, "1G")
    huge = Setting(d=30_000, n=10**6)
    with pytest.raises(ValueError, match="^d: 3e\\+04x3e\\+04 Wishart draws .* more than the 1 GiB"):
        simulate(huge, seeds=2)
    with pytest.raises(ValueError, match="^d: 3e\\+04x3e\\+04 Wishart draws"):
        Sweep.grid("too-big", Setting(d=10, n=100), d=[10, 30_000], n=[10**6], seeds=2)
    Sweep.grid("theory-only", huge, task="theory", n=[10**6])  # no draw, so no budget
    assert simulate(Setting(d=10, n=100), seeds=2).test_error > 0


def test_a_configuration_array_is_held_to_an_eighth_of_the_memory_limit(monkeypatch):
    """A configuration's largest array answers to the one memory limit, with headroom for the
    several arrays of that size a run holds: a 12000x12000 Gram matrix (1.07 GiB) is refused
    under --max-memory 8G and accepted under 9G."""
    from modelcollapse.cli.common import family_config
    from modelcollapse.family import get

    monkeypatch.setenv(budget.MEMORY_ENV, "8G")
    with pytest.raises(ValueError, match=r"^d: a 12000x12000 Gram matrix would need 1.07 GiB, "
                                         r"more than 1 GiB \(an eighth of the 8 GiB memory limit"):
        family_config(get("workflow"), ["d=12000", "T=100"])
    monkeypatch.setenv(budget.MEMORY_ENV, "9G")
    assert family_config(get("workflow"), ["d=12000", "T=100"]).d == 12000
