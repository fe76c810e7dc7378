"""Trained two-layer ReLU network, the second model of Figure 7 (SMC §7, paper §4.1).

f(x) = W2·relu(W1·x + b1) + b2 with hidden width up to 2,000 (the paper's width), trained
with Adam on the mean squared error to one-hot targets, the loss that matches the regression
theory of SMC §1.3. The same network trained with cross-entropy is the labeller
(:mod:`.labeller`).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

Loss = Literal["mse", "cross-entropy"]


def two_layer_net(d: int, width: int, k: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d, width), nn.ReLU(), nn.Linear(width, k))


def train_two_layer(x: np.ndarray, targets: np.ndarray, *, width: int, loss: Loss = "mse",
                    epochs: int = 20, min_steps: int = 200, batch_size: int = 128,
                    lr: float = 1e-3, seed: int = 0, device: torch.device | str = "cpu",
                    desc: str | None = None) -> nn.Sequential:
    """Train a two-layer network on ``x`` (n×d) and return it (in eval mode).

    ``targets`` are one-hot rows (n×k) for ``"mse"`` and class indices for
    ``"cross-entropy"``. Training runs ``max(epochs·⌈n/batch⌉, min_steps)`` Adam steps, so
    tiny training sets still get enough updates; the seed fixes the initialisation and
    the batch order.
    """
    torch.manual_seed(seed)
    n = len(x)
    k = targets.shape[1] if loss == "mse" else int(targets.max()) + 1
    net = two_layer_net(x.shape[1], width, k).to(device)
    xt = torch.as_tensor(x, dtype=torch.float32, device=device)
    yt = torch.as_tensor(targets, device=device)
    yt = yt.float() if loss == "mse" else yt.long()
    criterion = nn.MSELoss(reduction="none") if loss == "mse" else nn.CrossEntropyLoss()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    batch = min(batch_size, n)
    steps = max(epochs * math.ceil(n / batch), min_steps)
    order = torch.Generator().manual_seed(seed)
    perm, pos = torch.randperm(n, generator=order), 0
    bar = tqdm(range(steps), desc=desc or f"two-layer w={width} n={n}", leave=False,
               disable=desc is None)
    for _ in bar:
        if pos + batch > n:
            perm, pos = torch.randperm(n, generator=order), 0
        idx = perm[pos:pos + batch].to(device)
        pos += batch
        out = criterion(net(xt[idx]), yt[idx])
        # MSE summed over the k outputs and averaged over rows: E||f(x) - y||^2 (SMC §0 item 5)
        value = out.sum(dim=1).mean() if loss == "mse" else out
        opt.zero_grad(set_to_none=True)
        value.backward()
        opt.step()
        bar.set_postfix(loss=f"{value.item():.4f}", refresh=False)
    return net.eval()


@torch.no_grad()
def predict_two_layer(net: nn.Module, x: np.ndarray, batch_size: int = 8192) -> np.ndarray:
    """Network outputs (n×k) as a float32 array."""
    device = next(net.parameters()).device
    outs = [net(torch.as_tensor(x[i:i + batch_size], device=device)).float().cpu().numpy()
            for i in range(0, len(x), batch_size)]
    return np.concatenate(outs)
