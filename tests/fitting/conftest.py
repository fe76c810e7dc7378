"""Shared fits: fitted once per session, each on curves with a known truth."""

import numpy as np
import pytest

from modelcollapse.fitting import fit_curves

from .generated import Case


@pytest.fixture(scope="session")
def exact_case() -> Case:
    return Case(noise=0.0)


@pytest.fixture(scope="session")
def exact_fit(exact_case):
    """The law fitted to noiseless curves of isotropic ridgeless regression."""
    n, p2, loss = exact_case.curves(np.random.default_rng(0))
    return fit_curves(n, p2, loss, bootstrap=0)


@pytest.fixture(scope="session")
def noisy_fit():
    """The law fitted to 2 %-noisy curves, with bootstrap intervals."""
    case = Case(c2=1.0, sigma=1.0, noise=0.02)
    n, p2, loss = case.curves(np.random.default_rng(3))
    return case, fit_curves(n, p2, loss, bootstrap=60, seed=1)


@pytest.fixture
def stored_study(tmp_path, capsys):
    """Run a sweep file's text into a fresh store (quietly); returns the store's path."""
    from modelcollapse.cli import main

    def run(name: str, toml: str) -> str:
        sweep = tmp_path / f"{name}.toml"
        sweep.write_text(f'name = "{name}"\nseeds = 5\ntask = "simulate"\n{toml}')
        store = str(tmp_path / "store.duckdb")
        assert main(["sweep", str(sweep), "--store", store, "--workers", "1",
                     "--no-progress"]) == 0
        capsys.readouterr()
        return store

    return run
