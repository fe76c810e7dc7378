"""Pick the compute device for the network experiments (SMC §7).

The same code runs the laptop-scale ``quick`` configurations on a CPU and the paper-scale
ones on a GPU; ``device="auto"`` is what makes that one word.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda", "mps")


def resolve_device(device: str = "auto") -> torch.device:
    """Return a ``torch.device``: a CUDA GPU if present, else Apple MPS, else the CPU.

    An explicit ``"cuda"`` or ``"mps"`` that is not available raises ``ValueError`` rather
    than quietly running on the CPU.
    """
    if device not in DEVICES and not device.startswith("cuda:"):
        raise ValueError(f"device must be one of {', '.join(DEVICES)} or cuda:N, got {device!r}")
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} requested but no CUDA GPU is available")
    if device == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device 'mps' requested but MPS is not available")
    return torch.device(device)


@contextmanager
def task_threads(device: torch.device) -> Iterator[None]:
    """One torch thread while a stored task runs on the CPU (the sweep runs one task per
    core); the caller's thread count is restored afterwards."""
    threads = torch.get_num_threads()
    if device.type == "cpu":
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
