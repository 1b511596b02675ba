"""DTLZ1–7 (Deb, Thiele, Laumanns and Zitzler, "Scalable test problems for evolutionary multiobjective
optimization", 2005).

Definitions, default sizes and reference fronts follow PlatEMO (``Problems/Multi-objective
optimization/DTLZ``). All bounds are [0,1]^D; x^f = x_1..x_{M−1} are the position variables and
x^m = x_M..x_D the k = D − M + 1 distance variables. Every evaluation is vectorized over the population.
See ``docs/problems/zdt_dtlz.md`` for the table and the differences to pymoo.
"""
from __future__ import annotations

import numpy as np

from ..errors import ProblemError
from ..problem import Problem, check_n_obj, check_n_var
from ..registry import register_problem
from ._reference import disconnected_front, uniform_point
from .zdt import _n_points

__all__ = ["DTLZ1", "DTLZ2", "DTLZ3", "DTLZ4", "DTLZ5", "DTLZ6", "DTLZ7",
           "linear_shape", "spherical_shape"]


def linear_shape(Xf: np.ndarray) -> np.ndarray:
    """h^L: f_1 = Π x_j, f_m = (Π_{j≤M−m} x_j)(1 − x_{M−m+1}); Xf is N × (M−1), the result N × M."""
    n = Xf.shape[0]
    ones = np.ones((n, 1))
    prod = np.cumprod(np.hstack([ones, Xf]), axis=1)[:, ::-1]
    return prod * np.hstack([ones, 1.0 - Xf[:, ::-1]])


def spherical_shape(Xf: np.ndarray) -> np.ndarray:
    """h^S: f_1 = Π cos(πx_j/2), f_m = (Π_{j≤M−m} cos(πx_j/2))·sin(πx_{M−m+1}/2); N × (M−1) → N × M."""
    n = Xf.shape[0]
    ones = np.ones((n, 1))
    angle = Xf * (np.pi / 2)
    prod = np.cumprod(np.hstack([ones, np.cos(angle)]), axis=1)[:, ::-1]
    return prod * np.hstack([ones, np.sin(angle[:, ::-1])])


def _g_rastrigin(Xm: np.ndarray) -> np.ndarray:
    """DTLZ1/3: 100·[k + Σ((x − 0.5)² − cos(20π(x − 0.5)))]."""
    d = Xm - 0.5
    return 100.0 * (Xm.shape[1] + np.sum(d ** 2 - np.cos(20.0 * np.pi * d), axis=1))


def _g_sphere(Xm: np.ndarray) -> np.ndarray:
    """DTLZ2/4/5: Σ (x − 0.5)²."""
    return np.sum((Xm - 0.5) ** 2, axis=1)


class _DTLZ(Problem):
    """Shared constructor of the DTLZ problems: n_obj >= 2 (default 3), n_var = n_obj + extra by default."""

    name = "dtlz"
    default_n_var: int | None = None
    default_n_obj = 3
    default_encoding = "real"
    sparse = False
    #: default n_var = n_obj + _extra_var (PlatEMO)
    _extra_var = 9

    def __init__(self, n_var=None, n_obj=None):
        name = self.name
        n_obj = check_n_obj(name, self.default_n_obj if n_obj is None else n_obj, minimum=2)
        if n_var is None:
            n_var = n_obj + self._extra_var
        n_var = check_n_var(name, n_var)
        if n_var < n_obj:
            raise ProblemError(f"{name} needs n_var >= n_obj (at least one distance variable), "
                               f"got n_var={n_var} for n_obj={n_obj}")
        super().__init__(n_var=n_var, n_obj=n_obj, xl=0.0, xu=1.0, encoding="real", name=name)
        #: number of distance variables x_M..x_D
        self.k = n_var - n_obj + 1

    def _split(self, X):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_var:
            raise ProblemError(f"{self.name}: evaluate() needs an N × {self.n_var} array, got shape {X.shape}")
        m = self.n_obj - 1
        return X[:, :m], X[:, m:]

    def _sphere_front(self, n_points):
        W = uniform_point(_n_points(self.name, n_points), self.n_obj)
        return W / np.linalg.norm(W, axis=1, keepdims=True)


def _degenerate_front(n_points: int, M: int) -> np.ndarray:
    """PlatEMO's DTLZ5/6 front: n_points on the curve of θ_1 ∈ [0, π/2] with θ_2..θ_{M−1} = π/4.

    Points [t, 1 − t] (t equally spaced in [0, 1]) are normalised to unit length into (r1, r2); the
    result is (r1/√2^(M−2), r1/√2^(M−2), r1/√2^(M−3), …, r1/√2, r2).
    """
    t = np.linspace(0.0, 1.0, n_points)
    R = np.column_stack([t, np.linspace(1.0, 0.0, n_points)])
    R = R / np.linalg.norm(R, axis=1, keepdims=True)
    R = np.hstack([np.repeat(R[:, :1], M - 2, axis=1), R])
    expo = np.concatenate([[M - 2], np.arange(M - 2, -1, -1)])
    return R / np.sqrt(2.0) ** expo


@register_problem("dtlz1", suite="dtlz")
class DTLZ1(_DTLZ):
    """DTLZ1: linear front Σ f = 1/2, multimodal g (11^k − 1 local fronts); default n_var = n_obj + 4.

    f = ½(1 + g)·h^L(x^f), g = 100·[k + Σ((x_i − 0.5)² − cos(20π(x_i − 0.5)))].
    """

    name = "dtlz1"
    _extra_var = 4

    def evaluate(self, X):
        Xf, Xm = self._split(X)
        g = _g_rastrigin(Xm)
        return 0.5 * (1.0 + g)[:, None] * linear_shape(Xf)

    def pareto_front(self, n_points: int = 10000):
        return uniform_point(_n_points(self.name, n_points), self.n_obj) / 2


@register_problem("dtlz2", suite="dtlz")
class DTLZ2(_DTLZ):
    """DTLZ2: spherical front Σ f² = 1; default n_var = n_obj + 9.

    f = (1 + g)·h^S(x^f), g = Σ (x_i − 0.5)².
    """

    name = "dtlz2"

    def evaluate(self, X):
        Xf, Xm = self._split(X)
        return (1.0 + _g_sphere(Xm))[:, None] * spherical_shape(Xf)

    def pareto_front(self, n_points: int = 10000):
        return self._sphere_front(n_points)


@register_problem("dtlz3", suite="dtlz")
class DTLZ3(_DTLZ):
    """DTLZ3: spherical front Σ f² = 1 with DTLZ1's multimodal g (3^k − 1 local fronts); default n_var = n_obj + 9."""

    name = "dtlz3"

    def evaluate(self, X):
        Xf, Xm = self._split(X)
        return (1.0 + _g_rastrigin(Xm))[:, None] * spherical_shape(Xf)

    def pareto_front(self, n_points: int = 10000):
        return self._sphere_front(n_points)


@register_problem("dtlz4", suite="dtlz")
class DTLZ4(_DTLZ):
    """DTLZ4: spherical front Σ f² = 1 with biased density (x_j ↦ x_j^100); default n_var = n_obj + 9."""

    name = "dtlz4"
    #: the density bias exponent α
    alpha = 100

    def evaluate(self, X):
        Xf, Xm = self._split(X)
        return (1.0 + _g_sphere(Xm))[:, None] * spherical_shape(Xf ** self.alpha)

    def pareto_front(self, n_points: int = 10000):
        return self._sphere_front(n_points)


def _degenerate_angles(Xf: np.ndarray, g: np.ndarray) -> np.ndarray:
    """DTLZ5/6: θ_1 = x_1, θ_j = (1 + 2g·x_j)/(2 + 2g) for j = 2..M−1 (in units of π/2)."""
    T = Xf.copy()
    gg = g[:, None]
    T[:, 1:] = (1.0 + 2.0 * gg * Xf[:, 1:]) / (2.0 + 2.0 * gg)
    return T


@register_problem("dtlz5", suite="dtlz")
class DTLZ5(_DTLZ):
    """DTLZ5: degenerate front (a curve on the unit sphere); default n_var = n_obj + 9.

    f = (1 + g)·h^S(θ), g = Σ (x_i − 0.5)², θ_1 = x_1, θ_j = (1 + 2g·x_j)/(2 + 2g) for j = 2..M−1.
    """

    name = "dtlz5"

    def evaluate(self, X):
        Xf, Xm = self._split(X)
        g = _g_sphere(Xm)
        return (1.0 + g)[:, None] * spherical_shape(_degenerate_angles(Xf, g))

    def pareto_front(self, n_points: int = 10000):
        return _degenerate_front(_n_points(self.name, n_points), self.n_obj)


@register_problem("dtlz6", suite="dtlz")
class DTLZ6(_DTLZ):
    """DTLZ6: DTLZ5's degenerate front with the harder g = Σ x_i^0.1; default n_var = n_obj + 9."""

    name = "dtlz6"

    def evaluate(self, X):
        Xf, Xm = self._split(X)
        g = np.sum(Xm ** 0.1, axis=1)
        return (1.0 + g)[:, None] * spherical_shape(_degenerate_angles(Xf, g))

    def pareto_front(self, n_points: int = 10000):
        return _degenerate_front(_n_points(self.name, n_points), self.n_obj)


@register_problem("dtlz7", suite="dtlz")
class DTLZ7(_DTLZ):
    """DTLZ7: disconnected front of 2^(M−1) pieces; default n_var = n_obj + 19.

    f_m = x_m (m < M), g = 1 + 9·mean(x^m), f_M = (1 + g)·[M − Σ_{m<M} f_m/(1 + g)·(1 + sin(3π f_m))].
    """

    name = "dtlz7"
    _extra_var = 19

    def evaluate(self, X):
        Xf, Xm = self._split(X)
        g1 = 2.0 + 9.0 * Xm.mean(axis=1)  # 1 + g
        h = self.n_obj - np.sum(Xf / g1[:, None] * (1.0 + np.sin(3.0 * np.pi * Xf)), axis=1)
        return np.column_stack([Xf, g1 * h])

    def pareto_front(self, n_points: int = 10000):
        """PlatEMO's grid construction (no non-dominance filter): ⌈n^(1/(M−1))⌉ points per axis."""
        return disconnected_front(_n_points(self.name, n_points), self.n_obj)
