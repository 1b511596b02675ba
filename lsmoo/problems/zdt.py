"""ZDT1–6 (Zitzler, Deb and Thiele, Evolutionary Computation 8(2):173–195, 2000).

Definitions and reference fronts follow PlatEMO (``Problems/Multi-objective optimization/ZDT``), which
matches the original paper; see ``docs/problems/zdt_dtlz.md`` for the table and the differences to pymoo.
All problems have two objectives; every evaluation is vectorized over the whole population.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..errors import ProblemError
from ..problem import Problem, check_n_obj, check_n_var
from ..registry import register_problem

__all__ = ["ZDT1", "ZDT2", "ZDT3", "ZDT4", "ZDT5", "ZDT6"]

#: smallest f1 that PlatEMO's ZDT6 reference front starts from (true minimum of f1 is 0.2807753191…)
ZDT6_MIN_F1 = 0.280775


def _n_points(name: str, n_points) -> int:
    if isinstance(n_points, bool) or not isinstance(n_points, numbers.Integral) or n_points < 1:
        raise ProblemError(f"{name}: pareto_front() needs a positive integer n_points, got {n_points!r}")
    return int(n_points)


class _ZDT(Problem):
    """Shared constructor and helpers of the ZDT problems (two objectives, n_var >= 2)."""

    name = "zdt"
    default_n_var: int | None = 30
    default_n_obj = 2
    default_encoding = "real"
    #: the Pareto set has x_2..x_n = 0 (ZDT1–4, 6): sparse, and the hierarchical engine takes its sparse path
    sparse = True
    min_n_var = 2

    def __init__(self, n_var=None, n_obj=None):
        name = self.name
        n_obj = check_n_obj(name, self.default_n_obj if n_obj is None else n_obj, fixed=2)
        n_var = check_n_var(name, self.default_n_var if n_var is None else n_var, minimum=self.min_n_var)
        xl, xu = self._bounds(n_var)
        super().__init__(n_var=n_var, n_obj=n_obj, xl=xl, xu=xu, encoding=self.default_encoding, name=name)

    def _bounds(self, n_var):
        return 0.0, 1.0

    def _matrix(self, X, dtype=float) -> np.ndarray:
        X = np.asarray(X, dtype=dtype)
        if X.ndim != 2 or X.shape[1] != self.n_var:
            raise ProblemError(f"{self.name}: evaluate() needs an N × {self.n_var} array, got shape {X.shape}")
        return X


class _ZDTMean(_ZDT):
    """ZDT1–3: f1 = x1, g = 1 + 9·mean(x2..xD), f2 = g·h(f1/g, f1)."""

    @staticmethod
    def _h(r, f1):  # pragma: no cover - overridden
        raise NotImplementedError

    def evaluate(self, X):
        X = self._matrix(X)
        f1 = X[:, 0]
        g = 1.0 + 9.0 * X[:, 1:].mean(axis=1)
        return np.column_stack([f1, g * self._h(f1 / g, f1)])


@register_problem("zdt1", suite="zdt")
class ZDT1(_ZDTMean):
    """ZDT1: two objectives, convex front f2 = 1 − √f1 (bounds [0,1]^D, default D = 30)."""

    name = "zdt1"

    @staticmethod
    def _h(r, f1):
        return 1.0 - np.sqrt(r)

    def pareto_front(self, n_points: int = 10000):
        f1 = np.linspace(0.0, 1.0, _n_points(self.name, n_points))
        return np.column_stack([f1, 1.0 - np.sqrt(f1)])


@register_problem("zdt2", suite="zdt")
class ZDT2(_ZDTMean):
    """ZDT2: two objectives, concave front f2 = 1 − f1² (bounds [0,1]^D, default D = 30)."""

    name = "zdt2"

    @staticmethod
    def _h(r, f1):
        return 1.0 - r ** 2

    def pareto_front(self, n_points: int = 10000):
        f1 = np.linspace(0.0, 1.0, _n_points(self.name, n_points))
        return np.column_stack([f1, 1.0 - f1 ** 2])


def zdt3_curve(f1):
    """f2 = 1 − √f1 − f1·sin(10π f1): the curve that contains ZDT3's disconnected front."""
    f1 = np.asarray(f1, dtype=float)
    return 1.0 - np.sqrt(f1) - f1 * np.sin(10.0 * np.pi * f1)


@register_problem("zdt3", suite="zdt")
class ZDT3(_ZDTMean):
    """ZDT3: two objectives, disconnected front of five pieces (bounds [0,1]^D, default D = 30).

    The reference front is PlatEMO's: ``n_points`` samples of the curve f2 = 1 − √f1 − f1·sin(10π f1)
    at equally spaced f1 ∈ [0, 1], of which only the non-dominated ones are kept (2658 of 10000).
    """

    name = "zdt3"

    @staticmethod
    def _h(r, f1):
        return 1.0 - np.sqrt(r) - r * np.sin(10.0 * np.pi * f1)

    def pareto_front(self, n_points: int = 10000):
        f1 = np.linspace(0.0, 1.0, _n_points(self.name, n_points))
        f2 = zdt3_curve(f1)
        # f1 strictly increases, so a point is non-dominated iff its f2 is strictly below every f2 before it
        best_before = np.concatenate([[np.inf], np.minimum.accumulate(f2)[:-1]])
        keep = f2 < best_before
        return np.column_stack([f1[keep], f2[keep]])


@register_problem("zdt4", suite="zdt")
class ZDT4(_ZDT):
    """ZDT4: two objectives, multimodal (21^(D−1) local fronts), front f2 = 1 − √f1.

    Bounds x1 ∈ [0, 1], x2..xD ∈ [−5, 5]; default D = 10.
    """

    name = "zdt4"
    default_n_var = 10

    def _bounds(self, n_var):
        xl = np.full(n_var, -5.0)
        xu = np.full(n_var, 5.0)
        xl[0], xu[0] = 0.0, 1.0
        return xl, xu

    def evaluate(self, X):
        X = self._matrix(X)
        f1 = X[:, 0]
        Y = X[:, 1:]
        g = 1.0 + 10.0 * (self.n_var - 1) + np.sum(Y ** 2 - 10.0 * np.cos(4.0 * np.pi * Y), axis=1)
        return np.column_stack([f1, g * (1.0 - np.sqrt(f1 / g))])

    def pareto_front(self, n_points: int = 10000):
        f1 = np.linspace(0.0, 1.0, _n_points(self.name, n_points))
        return np.column_stack([f1, 1.0 - np.sqrt(f1)])


@register_problem("zdt5", suite="zdt")
class ZDT5(_ZDT):
    """ZDT5: binary, deceptive; 30 + 5k bits (default 80, k = 10), front of 31 points f2 = k / f1.

    ``evaluate`` takes a boolean (or 0/1 numeric) array N × (30 + 5k). With u_0 the number of ones in the first
    30 bits and u_i (i = 1..k) the number of ones in the i-th following 5-bit group:
    f1 = 1 + u_0, g = Σ_i v(u_i) with v(u) = 2 + u for u < 5 and v(5) = 1, f2 = g / f1.
    Unlike PlatEMO (which rounds a bad length up to the next 30 + 5k), a length that is not 30 + 5k with
    k >= 1 is an error.
    """

    name = "zdt5"
    default_n_var = 80
    default_encoding = "binary"
    sparse = False  # the optimal groups are all ones

    def __init__(self, n_var=None, n_obj=None):
        n = check_n_var(self.name, self.default_n_var if n_var is None else n_var)
        if n < 35 or (n - 30) % 5:
            raise ProblemError(f"zdt5 needs n_var = 30 + 5k with k >= 1 (35, 40, 45, ...), got n_var={n}")
        super().__init__(n_var=n, n_obj=n_obj)
        #: number of 5-bit groups after the first 30 bits
        self.k = (n - 30) // 5

    def evaluate(self, X):
        X = np.asarray(X)
        if X.dtype != bool:
            X = self._matrix(X)
            if np.any((X != 0) & (X != 1)):
                raise ProblemError(f"{self.name}: evaluate() needs a boolean or 0/1 array")
            X = X != 0
        else:
            X = self._matrix(X, dtype=bool)
        n = X.shape[0]
        u0 = np.count_nonzero(X[:, :30], axis=1)
        u = np.count_nonzero(X[:, 30:].reshape(n, self.k, 5), axis=2)
        v = np.where(u < 5, 2 + u, 1)
        f1 = 1.0 + u0
        return np.column_stack([f1, v.sum(axis=1) / f1])

    def pareto_front(self, n_points: int = 10000):
        """PlatEMO's 31 points (f1 = 1..31, f2 = k / f1); ``n_points`` is ignored (the front is discrete)."""
        _n_points(self.name, n_points)
        f1 = np.arange(1.0, 32.0)
        return np.column_stack([f1, self.k / f1])


@register_problem("zdt6", suite="zdt")
class ZDT6(_ZDT):
    """ZDT6: two objectives, non-uniform density, concave front f2 = 1 − f1², f1 ∈ [0.280775, 1].

    Bounds [0,1]^D, default D = 10; f1 = 1 − exp(−4x1)·sin⁶(6πx1), g = 1 + 9·mean(x2..xD)^0.25.
    """

    name = "zdt6"
    default_n_var = 10

    def evaluate(self, X):
        X = self._matrix(X)
        x1 = X[:, 0]
        f1 = 1.0 - np.exp(-4.0 * x1) * np.sin(6.0 * np.pi * x1) ** 6
        g = 1.0 + 9.0 * X[:, 1:].mean(axis=1) ** 0.25
        return np.column_stack([f1, g * (1.0 - (f1 / g) ** 2)])

    def pareto_front(self, n_points: int = 10000):
        f1 = np.linspace(ZDT6_MIN_F1, 1.0, _n_points(self.name, n_points))
        return np.column_stack([f1, 1.0 - f1 ** 2])
