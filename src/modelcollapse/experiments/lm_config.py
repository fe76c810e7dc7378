"""Configuration types of the Figure 8 language-model experiment (SMC §7, paper §4.2).

Plain dataclasses without PyTorch, so the sweep layer can hash, store and rebuild a language
model point (``setting = "lm"``) on a machine without the ``[nn]`` extra:

- :data:`MODEL_SIZES`, :class:`TrainConfig` (optimisation of one model), :class:`Sampling`
  (the generator's sampler);
- :class:`LMRecipe`: everything one seed's data, tokenizer, generator and synthetic corpus
  depend on, plus the optimisation every mixture run shares;
- :class:`LMPoint`: a recipe and one (model size, p2) run: one stored task per seed;
- :class:`LMConfig`: a recipe and the grids of the whole experiment (what
  ``modelcollapse experiment lm`` runs).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from ..budget import check_memory
from ..config import check_number
from ..configbase import ConfigBase

# name: (layers, embedding width, heads). The gpt2-* sizes are the paper's (SMC §7:
# width 768, 12 heads; 12, 18 and 24 layers); the others fit a CPU.
MODEL_SIZES: dict[str, tuple[int, int, int]] = {
    "micro": (1, 32, 2),
    "tiny": (2, 64, 2),
    "small": (4, 128, 4),
    "medium": (6, 256, 8),
    "gpt2-12L": (12, 768, 12),
    "gpt2-18L": (18, 768, 12),
    "gpt2-24L": (24, 768, 12),
}


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation of one language model; defaults follow SMC §7 (App. A.3)."""

    steps: int = 20000
    batch_size: int = 32
    lr: float = 5e-3
    min_lr: float = 1e-4
    warmup: int = 2000
    weight_decay: float = 0.1
    beta1: float = 0.9
    beta2: float = 0.95
    dropout: float = 0.05
    grad_clip: float = 1.0
    eval_every: int = 500  # steps between held-out evaluations
    checkpoint_every: int = 500  # steps between checkpoints

    def __post_init__(self) -> None:
        for name in ("steps", "batch_size", "eval_every", "checkpoint_every"):
            check_number(name, getattr(self, name), low=1, integer=True)
        check_number("warmup", self.warmup, low=0, integer=True)
        for name in ("lr", "min_lr", "grad_clip"):
            check_number(name, getattr(self, name), low=0.0, low_open=True)
        check_number("weight_decay", self.weight_decay, low=0.0)
        for name in ("beta1", "beta2", "dropout"):
            check_number(name, getattr(self, name), low=0.0, high=1.0)


@dataclass(frozen=True)
class Sampling:
    """Sampling settings; the paper's generator uses temperature 1 and top-p 1 (SMC §7)."""

    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0  # 0: no top-k truncation
    max_new_tokens: int = 256

    def __post_init__(self) -> None:
        check_number("temperature", self.temperature, low=0.0, low_open=True)
        check_number("top_p", self.top_p, low=0.0, high=1.0, low_open=True)
        check_number("top_k", self.top_k, low=0, integer=True)
        check_number("max_new_tokens", self.max_new_tokens, low=1, integer=True)


def _check_size(name: str, value: str) -> None:
    if value not in MODEL_SIZES:
        raise ValueError(f"{name} must be one of {', '.join(MODEL_SIZES)}, got {value!r}")


@dataclass(frozen=True)
class LMRecipe(ConfigBase):
    """What every run of one seed shares; the defaults are the full (GPU) run.

    Architecture and optimiser follow SMC §7 (App. A.3): width 768, 12 heads, context
    512, lr 5e-3 with 2,000 warm-up steps and cosine decay to 1e-4, weight decay 0.1,
    dropout 0.05, AdamW(0.9, 0.95). Each mixture run trains for ``steps`` steps on exactly
    ``steps·batch_size`` blocks of ``context + 1`` tokens, each block seen once.
    """

    # -- data -------------------------------------------------------------------------------
    source: str = "tinystories"  # see experiments.data.text.load_documents
    test_fraction: float = 0.01  # held-out real documents (the test loss)
    generator_fraction: float = 0.1  # share of the real documents the generator learns from
    vocab_size: int = 8192
    context: int = 512
    # -- generator and synthetic corpus ---------------------------------------------------------
    generator_size: str = "gpt2-12L"
    generator_steps: int = 20000
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    keep_fraction: float = 0.9  # likelihood filter: share of generated documents kept
    sample_batch_size: int = 64
    # -- optimisation (each mixture run and the generator): TrainConfig's defaults ----------
    steps: int = TrainConfig.steps
    batch_size: int = TrainConfig.batch_size
    lr: float = TrainConfig.lr
    min_lr: float = TrainConfig.min_lr
    warmup: int = TrainConfig.warmup
    weight_decay: float = TrainConfig.weight_decay
    dropout: float = TrainConfig.dropout
    eval_every: int = TrainConfig.eval_every
    eval_blocks: int = 512  # held-out blocks of context + 1 tokens

    def __post_init__(self) -> None:
        for name in ("context", "generator_steps", "sample_batch_size", "steps", "batch_size",
                     "eval_every", "eval_blocks"):
            check_number(name, getattr(self, name), low=1, integer=True)
        check_number("vocab_size", self.vocab_size, low=257, integer=True)
        check_number("test_fraction", self.test_fraction, low=0.0, high=0.5, low_open=True)
        check_number("generator_fraction", self.generator_fraction, low=0.0, high=0.5, low_open=True)
        check_number("keep_fraction", self.keep_fraction, low=0.0, high=1.0, low_open=True)
        if not isinstance(self.source, str) or not self.source:
            raise ValueError(f"source must be a non-empty string, got {self.source!r}")
        _check_size("generator_size", self.generator_size)
        self.train_config()
        self.sampling()

    def recipe(self) -> LMRecipe:
        """The shared part alone (the key of one seed's data, generator and corpus)."""
        return LMRecipe(**{f.name: getattr(self, f.name) for f in fields(LMRecipe)})

    def train_config(self, steps: int | None = None, checkpoint_every: int | None = None) -> TrainConfig:
        """Optimisation of a mixture run (or, with ``steps=generator_steps``, the generator)."""
        return TrainConfig(steps=steps or self.steps, batch_size=self.batch_size, lr=self.lr,
                           min_lr=min(self.min_lr, self.lr), warmup=self.warmup,
                           weight_decay=self.weight_decay, dropout=self.dropout,
                           eval_every=self.eval_every,
                           checkpoint_every=checkpoint_every or self.eval_every)

    def sampling(self) -> Sampling:
        return Sampling(temperature=self.temperature, top_p=self.top_p, top_k=self.top_k,
                        max_new_tokens=self.context)

    @property
    def mixture_blocks(self) -> int:
        """Training blocks of every mixture run: ``steps·batch_size`` (each seen once)."""
        return self.steps * self.batch_size


# The CPU-minutes scale of ``experiment lm --quick`` and ``reproduce nn-lm --quick``:
# Shakespeare, a BPE vocabulary of 512, context 64, tiny models, 150 steps of 16 blocks
# (156k training tokens, each seen once). The generator trains for 100 steps only: its text
# is clearly worse than real text (held-out loss about 4.7 nats against 4.5 for a tiny
# model trained on real text), the large-c² regime in which collapse shows within CPU
# minutes. The paper's generator is strong (GPT-2 small on BabiStories, SMC §7).
QUICK_RECIPE: dict[str, Any] = dict(
    source="shakespeare", test_fraction=0.05, vocab_size=512, context=64, generator_size="tiny",
    generator_steps=100, sample_batch_size=512, steps=150, batch_size=16, lr=3e-3, warmup=20,
    dropout=0.0, eval_every=25, eval_blocks=128)


@dataclass(frozen=True)
class LMPoint(LMRecipe):
    """One stored run of the Figure 8 experiment: a ``size`` model trained on a mixture with
    synthetic fraction ``p2`` (task ``experiments.lm_task:lm_one``, one per seed index).

    >>> LMPoint(size="tiny", p2=0.5, **QUICK_RECIPE).mixture_blocks
    2400
    """

    size: str = "gpt2-12L"
    p2: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_size("size", self.size)
        object.__setattr__(self, "p2", check_number("p2", self.p2, low=0.0, high=1.0))


@dataclass(frozen=True)
class LMConfig(LMRecipe):
    """The whole Figure 8 experiment: a recipe, the p2 grid on ``mixture_size``, the model-size
    study (``sizes`` at ``size_p2_grid``; the paper compares sizes at p2 = 1) and the seed
    indices to repeat it for.

    :meth:`quick` shrinks everything to CPU minutes; ``checkpoint_every`` only sets how often
    a run saves (results do not depend on it).
    """

    p2_grid: tuple[float, ...] = (0.0, 0.01, 0.1, 0.5, 1.0)
    mixture_size: str = "gpt2-12L"  # the model trained on every p2
    sizes: tuple[str, ...] = ("gpt2-12L", "gpt2-18L", "gpt2-24L")  # the model-size study ...
    size_p2_grid: tuple[float, ...] = (0.0, 1.0)  # ... at these p2 (the paper: p2 = 1)
    seeds: tuple[int, ...] = (0,)  # seed indices (see language.run_seed)
    base_seed: int = 0
    checkpoint_every: int = TrainConfig.checkpoint_every

    @classmethod
    def quick(cls, **overrides: Any) -> LMConfig:
        """A few CPU minutes on Shakespeare (:data:`QUICK_RECIPE`): the p2 grid on the tiny
        model, and micro, tiny and small models at p2 = 0 and 1."""
        small = dict(QUICK_RECIPE, mixture_size="tiny", sizes=("micro", "tiny", "small"),
                     checkpoint_every=50)
        return cls(**{**small, **overrides})

    def __post_init__(self) -> None:
        super().__post_init__()
        check_number("checkpoint_every", self.checkpoint_every, low=1, integer=True)
        check_number("base_seed", self.base_seed, low=0, integer=True)
        if not isinstance(self.seeds, tuple) or not self.seeds or len(set(self.seeds)) < len(self.seeds):
            raise ValueError(f"seeds must be a non-empty tuple of distinct indices, got {self.seeds!r}")
        for value in self.seeds:
            check_number("seeds", value, low=0, integer=True)
        _check_size("mixture_size", self.mixture_size)
        for name in ("sizes", "p2_grid", "size_p2_grid"):
            if not isinstance(getattr(self, name), tuple) or not getattr(self, name):
                raise ValueError(f"{name} must be a non-empty tuple, got {getattr(self, name)!r}")
        for size in self.sizes:
            _check_size("sizes", size)
        # the position table (weights, gradients, two Adam moments) and a causal mask
        width = max(MODEL_SIZES[s][1] for s in (self.mixture_size, self.generator_size, *self.sizes))
        check_memory("context", 16.0 * self.context * width + float(self.context) * self.context,
                     f"a model with {self.context:.3g} positions")
        for name in ("p2_grid", "size_p2_grid"):
            for value in getattr(self, name):
                check_number(name, value, low=0.0, high=1.0)

    def train_config(self, steps: int | None = None, checkpoint_every: int | None = None) -> TrainConfig:
        return super().train_config(steps, checkpoint_every or self.checkpoint_every)

    def runs(self) -> list[tuple[str, float]]:
        """The (size, p2) pairs trained: the p2 grid on ``mixture_size``, then the size study."""
        pairs = [(self.mixture_size, p2) for p2 in self.p2_grid]
        pairs += [(s, p2) for s in self.sizes for p2 in self.size_p2_grid]
        return list(dict.fromkeys(pairs))

    def points(self) -> list[LMPoint]:
        """One :class:`LMPoint` per run of :meth:`runs`."""
        recipe = self.recipe().to_dict()
        return [LMPoint(**recipe, size=size, p2=p2) for size, p2 in self.runs()]
