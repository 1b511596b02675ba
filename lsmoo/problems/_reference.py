"""Point sets used to build reference fronts, following PlatEMO's ``UniformPoint`` conventions."""
from __future__ import annotations

import itertools
import math

import numpy as np


def _lattice(H: int, M: int) -> np.ndarray:
    """All points of the simplex lattice with denominator H in M dimensions (Das–Dennis), in
    MATLAB ``nchoosek`` order."""
    combos = np.array(list(itertools.combinations(range(1, H + M), M - 1)), dtype=float)
    combos = combos - np.arange(M - 1) - 1
    n = combos.shape[0]
    W = (np.hstack([combos, np.full((n, 1), H)]) - np.hstack([np.zeros((n, 1)), combos])) / H
    return W


def uniform_point(n: int, M: int) -> np.ndarray:
    """PlatEMO ``UniformPoint(N, M)`` (NBI): one lattice layer, or two when the first has H < M;
    every coordinate clamped to >= 1e-6. Returns about ``n`` points (never more)."""
    if M == 1:
        return np.ones((1, 1))
    H1 = 1
    while math.comb(H1 + M, M - 1) <= n:
        H1 += 1
    W = _lattice(H1, M)
    if H1 < M:
        H2 = 0
        while math.comb(H1 + M - 1, M - 1) + math.comb(H2 + M, M - 1) <= n:
            H2 += 1
        if H2 > 0:
            W2 = _lattice(H2, M)
            W = np.vstack([W, W2 / 2 + 1 / (2 * M)])
    return np.maximum(W, 1e-6)


def grid_point(n: int, M: int) -> np.ndarray:
    """PlatEMO ``UniformPoint(N, M, 'grid')``: ceil(n^(1/M)) points per axis on [0,1], first axis fastest."""
    k = int(math.ceil(n ** (1.0 / M)))
    gap = np.linspace(0.0, 1.0, k)
    mesh = np.meshgrid(*([gap] * M), indexing="ij")
    return np.column_stack([m.ravel(order="F") for m in mesh])


def disconnected_front(n: int, M: int) -> np.ndarray:
    """The DTLZ7 / LSMOP9 reference front: a grid on [0,1]^(M-1) mapped onto the two optimal intervals
    [0, 0.251412] ∪ [0.631627, 0.859401], last objective 2·(M − Σ (x/2)(1 + sin 3πx))."""
    a0, a1, b0, b1 = 0.0, 0.251412, 0.631627, 0.859401
    median = (a1 - a0) / (b1 - b0 + a1 - a0)
    X = grid_point(n, M - 1)
    low = X <= median
    X = np.where(low, X * (a1 - a0) / median + a0, (X - median) * (b1 - b0) / (1 - median) + b0)
    last = 2 * (M - np.sum(X / 2 * (1 + np.sin(3 * np.pi * X)), axis=1))
    return np.column_stack([X, last])
