"""Random-features ridge regression, the first model of Figure 7 (SMC §7, paper §4.1).

f(x) = v·relu(Sx), with S ∈ R^{m×d} iid N(0, 1/d) drawn from a seed and frozen (SMC
§0 item 4 and eq. (1.7), with a ReLU as in the paper's neural proxy), and v the ridge
solution in the toolkit's normalisation (SMC §0 item 1):

    v = (ΦᵀΦ/n + λI_m)⁻¹ΦᵀY/n = Φᵀ(ΦΦᵀ/n + λI_n)⁻¹Y/n.

The smaller of the two Gram matrices is formed (primal when m ≤ n, dual otherwise), one
chunk of rows or features at a time, so memory is two min(n, m)² float64 matrices (the
Gram matrix and its Cholesky factor) plus one chunk of features, never the full n×m feature
matrix: width m = 16,384 needs about 4.3 GB whatever n is.
"""

from __future__ import annotations

import numpy as np
import torch

from ..config import check_number


class RandomFeatureRidge:
    """Ridge regression on m frozen random ReLU features (SMC eq. (1.7)).

    >>> import numpy as np
    >>> x = np.random.default_rng(0).random((50, 8), dtype=np.float32)
    >>> rf = RandomFeatureRidge(d=8, width=100, ridge=1e-3).fit(x, x[:, :2])
    >>> rf.predict(x).shape
    (50, 2)
    """

    def __init__(self, d: int, width: int, ridge: float, *, seed: int = 0,
                 device: torch.device | str = "cpu", chunk: int = 2048) -> None:
        self.d = int(check_number("d", d, low=1, integer=True))
        self.width = int(check_number("width", width, low=1, integer=True))
        self.ridge = check_number("ridge", ridge, low=0.0, low_open=True)
        self.chunk = int(check_number("chunk", chunk, low=1, integer=True))
        self.device = torch.device(device)
        gen = torch.Generator().manual_seed(seed)
        self.weights = (torch.randn(self.width, self.d, generator=gen) / self.d**0.5).to(self.device)
        self.v: torch.Tensor | None = None

    def _features(self, x: torch.Tensor, cols: slice = slice(None)) -> torch.Tensor:
        return torch.relu(x @ self.weights[cols].T)

    def _rows(self, x: np.ndarray):
        for i in range(0, len(x), self.chunk):
            yield torch.as_tensor(x[i:i + self.chunk], dtype=torch.float32, device=self.device)

    def fit(self, x: np.ndarray, y: np.ndarray) -> RandomFeatureRidge:
        """Fit v on inputs ``x`` (n×d) and targets ``y`` (n×k); returns ``self``."""
        n, m = len(x), self.width
        y64 = torch.as_tensor(y, dtype=torch.float64, device=self.device)
        if m <= n:
            gram = torch.zeros(m, m, dtype=torch.float64, device=self.device)
            rhs = torch.zeros(m, y64.shape[1], dtype=torch.float64, device=self.device)
            for i, xc in zip(range(0, n, self.chunk), self._rows(x), strict=True):
                phi = self._features(xc).double()
                gram += phi.T @ phi
                rhs += phi.T @ y64[i:i + self.chunk]
            gram /= n
            gram.diagonal().add_(self.ridge)
            self.v = torch.cholesky_solve(rhs / n, torch.linalg.cholesky(gram)).float()
            return self
        xt = torch.as_tensor(x, dtype=torch.float32, device=self.device)
        kernel = torch.zeros(n, n, dtype=torch.float64, device=self.device)
        for j in range(0, m, self.chunk):
            phi = self._features(xt, slice(j, j + self.chunk)).double()
            kernel += phi @ phi.T
        kernel /= n
        kernel.diagonal().add_(self.ridge)
        alpha = torch.cholesky_solve(y64 / n, torch.linalg.cholesky(kernel)).float()
        self.v = torch.cat([self._features(xt, slice(j, j + self.chunk)).T @ alpha
                            for j in range(0, m, self.chunk)])
        return self

    @torch.no_grad()
    def predict(self, x: np.ndarray) -> np.ndarray:
        """f(x) = relu(Sx)·v for each row of ``x``, as a float32 array (n×k)."""
        if self.v is None:
            raise ValueError("fit the model before predicting")
        return torch.cat([self._features(xc) @ self.v for xc in self._rows(x)]).cpu().numpy()
