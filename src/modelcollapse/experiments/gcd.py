"""A small transformer on the GCD task, retrained on its own labels (TG §A.7.2).

For operands uniform on [1, N], P(gcd = k) → 6/(π² k²) (TG eq. (A.25)): a Zipf law with
β = 2 over outcomes. Protocol (the paper's protocol is [OPEN], TG §A.7.2; this is the package's choice):

1. generation 0 trains on ``train_size`` clean pairs (a, b) labelled with gcd(a, b);
2. generation g ≥ 1 trains a fresh model on ``train_size`` fresh pairs labelled by model g − 1,
   except a fraction ``pi`` of them that keep their true label (mixing, TG §A.4.2);
3. every generation is scored on one clean test set: accuracy, and the "skills" it has, i.e.
   the gcd values k it predicts correctly on at least ``skill_threshold`` of the test pairs
   with gcd k (Charton's measure; "un-learning" is the loss of skills over generations).

The model reads a and b as base-``base`` digit tokens, most significant first, separated by a
token, and classifies gcd ∈ {1, …, max_gcd} (larger gcds share one extra class). PyTorch is
imported lazily (``pip install '.[nn]'``), so the family registers without it.

One run (:func:`gcd_one`, the family's per-seed function) draws every pair, label choice and
initialisation from its seed index (:mod:`modelcollapse.seeds`); the defaults take a few
minutes on one CPU thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..config import check_number, check_size
from ..configbase import ConfigBase
from ..seeds import seed_generator, seed_integers


def sample_pairs(rng: np.random.Generator, n: int, max_operand: int) -> tuple[np.ndarray, np.ndarray]:
    """n pairs (a, b) uniform on [1, max_operand]² and their gcds."""
    ab = rng.integers(1, max_operand + 1, size=(n, 2))
    return ab, np.gcd(ab[:, 0], ab[:, 1])


@dataclass(frozen=True)
class GCDConfig(ConfigBase):
    """Sizes of the GCD experiment; the defaults are a CPU scale of a few minutes (Charton's
    scale is about ``max_operand=10_000, max_gcd=100, train_size=300_000, epochs=30``)."""

    max_operand: int = 100
    base: int = 10
    max_gcd: int = 50
    train_size: int = 8_000
    test_size: int = 4_000
    generations: int = 3
    pi: float = 0.0
    epochs: int = 25
    batch_size: int = 256
    lr: float = 2e-3
    d_model: int = 64
    heads: int = 4
    layers: int = 2
    skill_threshold: float = 0.5

    def __post_init__(self) -> None:
        for name in ("max_operand", "base", "max_gcd", "train_size", "test_size", "epochs",
                     "batch_size", "d_model", "heads", "layers"):
            object.__setattr__(self, name, int(check_number(name, getattr(self, name), low=1, integer=True)))
        object.__setattr__(self, "generations",
                           int(check_number("generations", self.generations, low=0, integer=True)))
        if self.base < 2:
            raise ValueError(f"base must be >= 2, got {self.base}")
        for name in ("train_size", "test_size"):  # a row of 2·digits + 1 tokens per pair
            rows = getattr(self, name)
            check_size(name, rows * (2 * self.digits + 1), f"{rows} encoded pairs")
        if self.d_model % self.heads:
            raise ValueError(f"heads must divide d_model = {self.d_model}, got {self.heads}")
        object.__setattr__(self, "pi", check_number("pi", self.pi, low=0.0, high=1.0))
        object.__setattr__(self, "lr", check_number("lr", self.lr, low=0.0, low_open=True))
        object.__setattr__(self, "skill_threshold",
                           check_number("skill_threshold", self.skill_threshold, low=0.0, high=1.0))

    @property
    def digits(self) -> int:
        return len(np.base_repr(self.max_operand, self.base))


@dataclass
class GCDGeneration:
    """Clean-test scores of one generation."""

    generation: int
    accuracy: float
    skills: list[int] = field(default_factory=list)
    label_agreement: float = 1.0  # fraction of its training labels that were correct


def encode(ab: np.ndarray, config: GCDConfig) -> np.ndarray:
    """Digit tokens of a, a separator (token ``base``), digits of b: shape (n, 2·digits + 1)."""
    D, B = config.digits, config.base
    powers = B ** np.arange(D - 1, -1, -1)
    digits = (ab[:, :, None] // powers) % B  # (n, 2, D)
    sep = np.full((ab.shape[0], 1), B)
    return np.concatenate([digits[:, 0], sep, digits[:, 1]], axis=1)


def classes(g: np.ndarray, config: GCDConfig) -> np.ndarray:
    """Class index of a gcd: k − 1 for k ≤ max_gcd, max_gcd for larger ones."""
    return np.minimum(g, config.max_gcd + 1) - 1


def _model(config: GCDConfig) -> Any:
    import torch
    from torch import nn

    class GCDTransformer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            length = 2 * config.digits + 1
            self.embed = nn.Embedding(config.base + 1, config.d_model)
            self.position = nn.Parameter(torch.randn(length, config.d_model) * 0.02)
            layer = nn.TransformerEncoderLayer(config.d_model, config.heads, 4 * config.d_model,
                                               dropout=0.0, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, config.layers)
            self.head = nn.Linear(config.d_model, config.max_gcd + 1)

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            h = self.encoder(self.embed(tokens) + self.position)
            return self.head(h.mean(dim=1))

    return GCDTransformer()


def train(tokens: np.ndarray, labels: np.ndarray, config: GCDConfig, seed: int) -> Any:
    """Train a fresh model with AdamW on (tokens, class labels); returns the model."""
    import torch

    torch.manual_seed(seed)
    model = _model(config)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr)
    x, y = torch.as_tensor(tokens), torch.as_tensor(labels)
    gen = torch.Generator().manual_seed(seed)
    steps = config.epochs * math.ceil(len(x) / config.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, config.lr, total_steps=steps)
    model.train()
    for _ in range(config.epochs):
        for batch in torch.randperm(len(x), generator=gen).split(config.batch_size):
            loss = torch.nn.functional.cross_entropy(model(x[batch]), y[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    return model


def predict(model: Any, tokens: np.ndarray) -> np.ndarray:
    """Predicted class of each row of tokens."""
    import torch

    model.eval()
    with torch.no_grad():
        out = [model(chunk).argmax(dim=1) for chunk in torch.as_tensor(tokens).split(4096)]
    return torch.cat(out).numpy()


def skills(predicted: np.ndarray, truth: np.ndarray, config: GCDConfig) -> list[int]:
    """gcd values k ≤ max_gcd predicted correctly on ≥ skill_threshold of their test pairs."""
    out = []
    for k in np.unique(truth[truth < config.max_gcd]):
        mask = truth == k
        if np.mean(predicted[mask] == k) >= config.skill_threshold:
            out.append(int(k) + 1)
    return out


def run_generations(config: GCDConfig, seed_index: int = 0, base_seed: int = 0) -> list[GCDGeneration]:
    """Generation 0 on clean labels, then ``generations`` rounds on the previous model's labels.

    Pairs, test set and label choices come from the seed's generator, each generation's
    initialisation and batch order from its own integer seed of the same seed index. Runs
    on one CPU thread, so a seed reproduces its result exactly.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    rng = seed_generator(base_seed, seed_index)
    model_seeds = seed_integers(base_seed, seed_index, config.generations + 2)[1:]
    try:
        test_ab, test_g = sample_pairs(rng, config.test_size, config.max_operand)
        test_x, test_y = encode(test_ab, config), classes(test_g, config)
        results: list[GCDGeneration] = []
        model = None
        for g in range(config.generations + 1):
            ab, true_g = sample_pairs(rng, config.train_size, config.max_operand)
            x, labels = encode(ab, config), classes(true_g, config)
            if model is not None:
                synthetic = predict(model, x)
                keep_true = rng.random(len(labels)) < config.pi
                labels = np.where(keep_true, labels, synthetic)
            agreement = float(np.mean(labels == classes(true_g, config)))
            model = train(x, labels, config, seed=model_seeds[g])
            predicted = predict(model, test_x)
            results.append(GCDGeneration(g, float(np.mean(predicted == test_y)),
                                         skills(predicted, test_y, config), agreement))
    finally:
        torch.set_num_threads(threads)
    return results


def gcd_one(config: GCDConfig, seed_index: int, base_seed: int = 0) -> dict[str, Any]:
    """One run of the experiment: ``test_error`` is the last generation's misclassification
    rate on clean test pairs; the per-generation accuracy, skills and label agreement
    follow."""
    gens = run_generations(config, seed_index, base_seed)
    return {"test_error": 1.0 - gens[-1].accuracy,
            "accuracy_by_generation": [g.accuracy for g in gens],
            "skills_by_generation": [g.skills for g in gens],
            "label_agreement_by_generation": [g.label_agreement for g in gens]}
