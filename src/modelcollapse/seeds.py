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
