"""The synthetic-label generator of Figure 7 (SMC §7, paper §4.1; quality per spec §4).

A two-layer ReLU network trained with cross-entropy on n0 real samples labels fresh real
inputs; its argmax becomes a one-hot regression target, so synthetic rows differ from real
ones only in their labels (the label-shift model of SMC §1.1). The quality of these
labels is measured on the real test set, in the toolkit's convention (SMC eq. (1.5)):

    c² = E_x ||onehot(labeller(x)) − onehot(y(x))||² = 2 · (labeller's test error),

since two different one-hot vectors are at squared distance 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .two_layer import predict_two_layer, train_two_layer


@dataclass(frozen=True)
class Labeller:
    """A trained labelling network and its measured quality on real test data."""

    net: nn.Module
    n0: int
    test_error: float  # fraction of real test inputs it labels wrongly
    c2: float  # E||synthetic one-hot − real one-hot||² on real test inputs (SMC eq. (1.5))

    def label(self, x: np.ndarray) -> np.ndarray:
        """Class indices the labeller assigns to the rows of ``x``."""
        return predict_two_layer(self.net, x).argmax(axis=1)


def train_labeller(x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray, *,
                   width: int = 256, epochs: int = 30, seed: int = 0,
                   device: torch.device | str = "cpu", progress: bool = False) -> Labeller:
    """Train the labeller on the n0 real rows ``(x, y)`` and measure it on the test set."""
    net = train_two_layer(x, y, width=width, loss="cross-entropy", epochs=epochs, seed=seed,
                          device=device, desc=f"labeller n0={len(x)}" if progress else None)
    wrong = float(np.mean(predict_two_layer(net, x_test).argmax(axis=1) != y_test))
    return Labeller(net=net, n0=len(x), test_error=wrong, c2=2.0 * wrong)
