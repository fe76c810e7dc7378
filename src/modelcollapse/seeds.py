"""The one seed rule of every family: a base seed and seed indices 0..K-1.

Seed index i of base seed s draws from ``SeedSequence(s, spawn_key=(i,))``, so a result
depends only on (configuration, s, i): not on how many seeds run, in which order, or on
which worker. An in-process run of K seeds and a stored sweep of K seeds are the same K
calls of the family's ``run_one`` and give the same numbers, bit for bit.

>>> float(seed_generator(0, 3).random()) == float(seed_generator(0, 3).random())
True
>>> seed_integers(0, 3, 2) == seed_integers(0, 3, 2) != seed_integers(0, 4, 2)
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np


def seed_sequence(base_seed: int, seed_index: int) -> np.random.SeedSequence:
    """``SeedSequence(base_seed, spawn_key=(seed_index,))``: the root of one seed's randomness."""
    return np.random.SeedSequence(int(base_seed), spawn_key=(int(seed_index),))


def seed_generator(base_seed: int, seed_index: int) -> np.random.Generator:
    """The NumPy generator of seed index ``seed_index`` of ``base_seed``."""
    return np.random.default_rng(seed_sequence(base_seed, seed_index))


def seed_integers(base_seed: int, seed_index: int, count: int) -> tuple[int, ...]:
    """``count`` independent integer seeds of one seed index (for libraries that take an
    integer seed, such as PyTorch: one per independent stream of the run)."""
    return tuple(int(s) for s in seed_sequence(base_seed, seed_index).generate_state(count))


class SeedStack:
    """The generators of several seed indices drawing as one batch.

    A draw of shape (k, ...) stacks each generator's own draw of shape (...), so a
    computation vectorised over k seeds draws, seed by seed and in program order, exactly
    what k single-seed runs draw: batching changes the speed, never the numbers.

    >>> stack = SeedStack([seed_generator(0, i) for i in (3, 4)])
    >>> bool((stack.standard_normal((2, 5))[0] == seed_generator(0, 3).standard_normal(5)).all())
    True
    """

    def __init__(self, generators: Iterable[np.random.Generator]) -> None:
        self.generators = list(generators)

    def __len__(self) -> int:
        return len(self.generators)

    def each(self, draw: Callable[[np.random.Generator], np.ndarray]) -> np.ndarray:
        """``draw`` applied to every generator, the results stacked on a new first axis."""
        return np.stack([draw(g) for g in self.generators])

    def standard_normal(self, shape: tuple[int, ...]) -> np.ndarray:
        if shape[0] != len(self):
            raise ValueError(f"shape: a stack of {len(self)} seeds draws shape ({len(self)}, ...), "
                             f"got {shape}")
        return self.each(lambda g: g.standard_normal(shape[1:]))
