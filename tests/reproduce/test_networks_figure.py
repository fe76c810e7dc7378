"""Figure 7 (networks on real images) in the report: the paper's claims from the quick data.

One module-scoped run of the ``nn-images`` quick sweep (per-seed
``experiments.tasks:images_one`` tasks on scikit-learn's digits, into a DuckDB store) feeds
every test; the claims are read from the stored points (mean and SEM over seeds per (n, p2)).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from threadpoolctl import threadpool_limits  # noqa: E402

from modelcollapse.experiments.images_task import images_one  # noqa: E402
from modelcollapse.experiments.points import ImagesPoint  # noqa: E402
from modelcollapse.reproduce import FIGURES  # noqa: E402

from .quick import assert_claims_hold, check_drawn_from_store, run_quick_sweep  # noqa: E402

FIGURE = FIGURES["nn-images"]


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return run_quick_sweep(tmp_path_factory, "nn-images")


def test_quick_run_is_complete(produced):
    _, points, rows = produced
    assert len(points) == 5 * 4 * 2 and {p.seeds for p in points} == {3}
    assert {p.config["model"] for p in points} == {"random-features", "two-layer"}
    assert all(isinstance(p.setting(), ImagesPoint) for p in points)
    # the labeller's quality is stored next to each error (SMC eq. (1.5): c2 = 2·error)
    assert all(np.isclose(r["result"]["c2"], 2 * r["result"]["labeller_error"]) for r in rows)


def test_the_figures_own_claims_hold_on_the_quick_data(produced):
    """Error rising with p2 for both models, synthetic labels that stop scaling while clean
    ones keep improving: the figure's claims (reproduce/networks.py)."""
    assert_claims_hold(produced[0], "nn-images")


def test_stored_value_is_reproduced_from_setting_and_seed(produced):
    _, _, rows = produced
    row = rows[-1]
    setting = ImagesPoint.from_dict(row["config"])
    assert row["family"] == "images" and setting.to_dict() == row["config"]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            again = images_one(setting, row["seed_index"], row["base_seed"])
    finally:
        torch.set_num_threads(threads)
    assert again["test_error"] == row["test_error"]


def test_figure_draws_markers_on_log_axes(produced):
    _, points, _ = produced
    drawing = FIGURE.draw(points, True)
    assert len(drawing.figure.axes) == 2 and drawing.curves == []
    for ax in drawing.figure.axes:
        assert ax.get_xscale() == "log"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "$p_2$ = 0", "$p_2$ = 0.2", "$p_2$ = 0.5", "$p_2$ = 1"]
    assert [m["model"] for m in drawing.parameters["models"]] == ["random-features", "two-layer"]
    assert drawing.parameters["theory"].startswith("none")


def test_reproduce_writes_the_figure_and_report(produced, tmp_path):
    path, *_ = produced
    check_drawn_from_store(path, "nn-images", tmp_path)


def test_full_mode_needs_fashion_mnist(monkeypatch, tmp_path):
    from modelcollapse.reproduce import networks

    monkeypatch.setattr(networks, "DEBIAN_FASHION_MNIST", tmp_path / "missing")
    with pytest.raises(ValueError, match="apt-get install dataset-fashion-mnist"):
        FIGURE.sweep(False)
    monkeypatch.setattr(networks, "DEBIAN_FASHION_MNIST", tmp_path)
    full = FIGURE.sweep(False)
    assert {s.dataset for s in full.settings} == {"fashion-mnist"} and len(full.settings) == 2 * 36
