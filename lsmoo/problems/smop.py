"""SMOP1–8 (Tian, Zhang, Wang and Jin, IEEE TEVC 24(2):380–393, 2020): sparse multi-objective problems.

Definitions and reference fronts follow PlatEMO (``Problems/Multi-objective optimization/SMOP``, the
authors' own code), including its quirks: g3's minimum below zero, exact-zero tests in SMOP5/6, blocks of
10 in SMOP3, SMOP4 discarding the K largest g3 terms, SMOP6's stable sort, SMOP7's cyclic wrap and
SMOP8's free last variable. See ``docs/problems/lsmop_smop.md``.

Notation: M objectives, D variables, n = D − M + 1 distance variables y = x_M..x_D ∈ [−1, 2] (position
variables x_1..x_{M−1} ∈ [0, 1]), K = ⌈θ·n⌉ non-zero distance variables in an optimum, and
f_m = (1 + g(y)/n)·h_m(x_1..x_{M−1}). Every evaluation is vectorized over the whole population.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ..errors import ProblemError
from ..problem import Problem, check_n_obj, check_n_var
from ..registry import register_problem
from ._reference import uniform_point

__all__ = ["SMOP1", "SMOP2", "SMOP3", "SMOP4", "SMOP5", "SMOP6", "SMOP7", "SMOP8"]

_PI3 = np.pi / 3


# ---------------------------------------------------------------------------------------------- landscapes
def _diff(x, t):
    """x − t as a new array (t = 0 still copies, so callers may work in place)."""
    return x - t


def _g1(x, t):
    d = _diff(x, t)
    d *= d
    return d


def _g2(x, t):
    d = _diff(x, t)
    s = d * (2 * np.pi)
    np.sin(s, out=s)
    s *= s
    d *= d
    d *= 2
    d += s
    return d


def _g3(x, t):
    d = _diff(x, t)
    e = d * d
    e *= 100
    with np.errstate(over="ignore"):  # exp overflows to inf for |d| > 2.66; 4/inf = 0 as in MATLAB
        np.exp(e, out=e)
    np.divide(4, e, out=e)
    np.subtract(4, d, out=d)
    d -= e
    return d


def _g4(x, t):
    d = x - _PI3
    s = d * (6 * np.pi)
    np.sin(s, out=s)
    s *= s
    s *= t
    d *= d
    d += s
    return d


# ---------------------------------------------------------------------------------------------- shapes
# Each returns the two factors of h (head = reversed cumulative product, tail = [1, b(x_{M−1}), …, b(x_1)]),
# so that f = ((1 + g/n)·head)·tail is multiplied in PlatEMO's order.
def _shape_linear(xf):
    ones = np.ones((xf.shape[0], 1))
    head = np.cumprod(np.hstack([ones, xf]), axis=1)[:, ::-1]
    return head, np.hstack([ones, 1.0 - xf[:, ::-1]])


def _shape_convex(xf):
    ones = np.ones((xf.shape[0], 1))
    head = np.cumprod(np.hstack([ones, 1.0 - np.cos(xf * np.pi / 2)]), axis=1)[:, ::-1]
    return head, np.hstack([ones, 1.0 - np.sin(xf[:, ::-1] * np.pi / 2)])


def _shape_spherical(xf):
    ones = np.ones((xf.shape[0], 1))
    head = np.cumprod(np.hstack([ones, np.cos(xf * np.pi / 2)]), axis=1)[:, ::-1]
    return head, np.hstack([ones, np.sin(xf[:, ::-1] * np.pi / 2)])


_SHAPES = {"linear": _shape_linear, "convex": _shape_convex, "spherical": _shape_spherical}


def _h(shape: str, xf) -> np.ndarray:
    """The shape function h(x_1..x_{M−1}) of SMOP's ``shape`` ("linear", "convex", "spherical")."""
    head, tail = _SHAPES[shape](np.atleast_2d(np.asarray(xf, dtype=float)))
    return head * tail


def convex_front(n_points: int, M: int) -> np.ndarray:
    """PlatEMO's GetOptimum of SMOP4–6: intersect each direction of ``uniform_point(n_points, M)`` with
    the convex front h^V (for M = 2 the quarter circle (1 − f1)² + (1 − f2)² = 1)."""
    W = uniform_point(n_points, M)
    c = np.ones((W.shape[0], M))
    for j in range(2, M + 1):  # 1-based j as in the reference; columns M−j+1 … M−2 (0-based) are done
        tau = W[:, j - 1] / W[:, 0] * np.prod(1.0 - c[:, M - j + 1: M - 1], axis=1)
        c[:, M - j] = (tau ** 2 - tau + np.sqrt(2 * tau)) / (tau ** 2 + 1)
    x = np.arccos(np.clip(c, -1.0, 1.0)) * 2 / np.pi
    return _h("convex", x[:, : M - 1])


# ---------------------------------------------------------------------------------------------- problems
class _SMOP(Problem):
    """Shared machinery of SMOP1–8 (see the module docstring)."""

    name = "smop"
    default_n_var: int | None = 100
    default_n_obj = 2
    default_encoding = "real"
    sparse = True
    _shape = "linear"  # "linear" (SMOP1–3), "convex" (SMOP4–6) or "spherical" (SMOP7–8)
    _min_n = 1         # smallest number of distance variables n = D − M + 1

    def __init__(self, n_var=None, n_obj=None, theta: float = 0.1):
        name = self.name
        M = check_n_obj(name, self.default_n_obj if n_obj is None else n_obj)
        n_var = check_n_var(name, self.default_n_var if n_var is None else n_var,
                            minimum=M - 1 + self._min_n)
        if isinstance(theta, bool) or not isinstance(theta, numbers.Real) or not math.isfinite(theta) \
                or not 0.0 < theta <= 1.0:
            raise ProblemError(f"{name}: theta (the sparsity of the Pareto set) must be a number in (0, 1], "
                               f"got {theta!r}")
        self.theta = float(theta)
        n = n_var - M + 1
        self.n_dist = n
        self.K = int(math.ceil(self.theta * n))  # PlatEMO: ceil(theta*(D-M+1)), a float product
        self._check_K(name)
        xl = np.concatenate([np.zeros(M - 1), np.full(n, -1.0)])
        xu = np.concatenate([np.ones(M - 1), np.full(n, 2.0)])
        super().__init__(n_var=n_var, n_obj=M, xl=xl, xu=xu, encoding=self.default_encoding, name=name)

    def _check_K(self, name):
        pass

    def _matrix(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_var:
            raise ProblemError(f"{self.name}: evaluate() needs an N × {self.n_var} array, got shape {X.shape}")
        return X

    def _g(self, Y):  # pragma: no cover - overridden
        raise NotImplementedError

    def evaluate(self, X):
        X = self._matrix(X)
        M = self.n_obj
        g = self._g(X[:, M - 1:])
        head, tail = _SHAPES[self._shape](X[:, : M - 1])
        return (1.0 + g / self.n_dist)[:, None] * head * tail

    def pareto_front(self, n_points: int = 10000):
        """PlatEMO's ``GetOptimum(n_points)``: the simplex lattice (clamped to >= 1e-6) for SMOP1–3, its
        ray intersections with the convex front for SMOP4–6, the normalised lattice for SMOP7–8."""
        if isinstance(n_points, bool) or not isinstance(n_points, numbers.Integral) or n_points < 1:
            raise ProblemError(f"{self.name}: pareto_front() needs a positive integer n_points, got {n_points!r}")
        n_points = int(n_points)
        if self._shape == "convex":
            return convex_front(n_points, self.n_obj)
        R = uniform_point(n_points, self.n_obj)
        if self._shape == "spherical":
            R = R / np.sqrt(np.sum(R ** 2, axis=1))[:, None]
        return R

    def __repr__(self):
        return f"{type(self).__name__}(n_var={self.n_var}, n_obj={self.n_obj}, theta={self.theta!r})"


@register_problem("smop1", suite="smop")
class SMOP1(_SMOP):
    """SMOP1: sparse optimum y_1..y_K = π/3, rest 0; quadratic + multimodal (sin²) zero part; linear front."""

    name = "smop1"

    def _g(self, Y):
        K = self.K
        return _g1(Y[:, :K], _PI3).sum(axis=1) + _g2(Y[:, K:], 0.0).sum(axis=1)


@register_problem("smop2", suite="smop")
class SMOP2(_SMOP):
    """SMOP2: sparse optimum y_1..y_K = π/3, rest ≈ 0; multimodal non-zero part, deceptive zero part; linear front."""

    name = "smop2"

    def _g(self, Y):
        K = self.K
        return _g2(Y[:, :K], _PI3).sum(axis=1) + _g3(Y[:, K:], 0.0).sum(axis=1)


@register_problem("smop3", suite="smop")
class SMOP3(_SMOP):
    """SMOP3: sparse optimum y_1..y_K = π/3, rest 0; block-deceptive zero part (blocks of 10); linear front."""

    name = "smop3"

    def _g(self, Y):
        K = self.K
        N = Y.shape[0]
        g = _g1(Y[:, :K], _PI3).sum(axis=1)
        tail = Y[:, K:]
        nt = tail.shape[1]
        nfull = nt // 10
        sums = [(tail[:, : 10 * nfull].reshape(N, nfull, 10) ** 2).sum(axis=2)]
        if nt > 10 * nfull:  # the last block is shorter: n − K − 10·⌊(n − K − 1)/10⌋ variables
            sums.append((tail[:, 10 * nfull:] ** 2).sum(axis=1, keepdims=True))
        temp = 50.0 - np.hstack(sums)
        # PlatEMO adds the block term where temp < 50, i.e. where the block has a non-zero entry (an entry
        # so small that its square vanishes next to 50 counts as zero, exactly as in PlatEMO)
        return g + np.where(temp < 50.0, temp, 0.0).sum(axis=1)


@register_problem("smop4", suite="smop")
class SMOP4(_SMOP):
    """SMOP4: any ≤ K entries free, rest ≈ 0; deceptive g3 on every variable, K largest terms dropped; convex front."""

    name = "smop4"
    _shape = "convex"

    def _g(self, Y):
        keep = self.n_dist - self.K  # the n − K smallest g3 values are summed
        if keep <= 0:
            return np.zeros(Y.shape[0])
        v = _g3(Y, 0.0)
        K = self.K
        # drop the K largest terms (which of equal values is dropped does not change the sum); selecting
        # them through -v is also much faster than partitioning v when most y are exactly 0
        largest = np.argpartition(-v, K - 1, axis=1)[:, :K]
        np.put_along_axis(v, largest, 0.0, axis=1)
        return v.sum(axis=1)


@register_problem("smop5", suite="smop")
class SMOP5(_SMOP):
    """SMOP5: exactly K entries = π/3 at any positions, rest exactly 0; exact-count penalty; convex front."""

    name = "smop5"
    _shape = "convex"

    def _g(self, Y):
        nonzero = np.count_nonzero(Y, axis=1)  # exact test y != 0, as PlatEMO's X ~= 0
        return (_g1(Y, _PI3) * _g2(Y, 0.0)).sum(axis=1) + np.abs(self.K - nonzero)


@register_problem("smop6", suite="smop")
class SMOP6(_SMOP):
    """SMOP6: K entries = π/3 anywhere, rest exactly 0; index-weighted multimodal g4; convex front."""

    name = "smop6"
    _shape = "convex"

    def _weights(self):
        n = self.n_dist
        # MATLAB linspace(0,1,n): i/(n-1) for i = 0..n-1, and linspace(0,1,1) = 1
        return np.ones(1) if n == 1 else np.arange(n) / (n - 1)

    def _g(self, Y):
        t = self._weights()
        nonzero = Y != 0  # exact test, as PlatEMO's X == 0
        # g4 at y = 0 depends only on the position: take it from a table and compute sin() only where
        # y != 0 (the same values as computing it everywhere; sparse populations are mostly zeros)
        v = Y - _PI3
        s = v * (6 * np.pi)
        np.sin(s, out=s, where=nonzero)
        s *= s
        s *= t
        v *= v
        v += s
        np.copyto(v, _g4(np.zeros(t.shape), t), where=~nonzero)
        return _stable_k_smallest_plus_nonzero(v, nonzero, self.K)


def _stable_k_smallest_plus_nonzero(v, nonzero, K: int):
    """Row sums of SMOP6: the K first entries of a stable ascending sort of each row of ``v`` count always,
    the other entries only where ``nonzero``.

    The K first entries of a stable sort are every value below the K-th smallest one, then the
    lowest-indexed entries equal to it until K are taken (O(n) with a partition, no full sort)."""
    N, n = v.shape
    if K >= n:
        return v.sum(axis=1)
    kth = np.partition(v, K - 1, axis=1)[:, K - 1: K]
    top = v < kth
    room = K - top.sum(axis=1, keepdims=True)
    tie = v == kth
    top |= tie & (np.cumsum(tie, axis=1) <= room)
    return np.where(top | nonzero, v, 0.0).sum(axis=1)


@register_problem("smop7", suite="smop")
class SMOP7(_SMOP):
    """SMOP7: y_1..y_K = π/3, tail 0; epistatic tail chain y_i ≈ 0.9·y_{i+1} with a cyclic wrap; spherical front."""

    name = "smop7"
    _shape = "spherical"

    def _g(self, Y):
        K = self.K
        g = _g2(Y[:, :K], _PI3).sum(axis=1)
        if Y.shape[1] > K:  # PlatEMO's tail Y[K+1:n] with targets 0.9·(y_{K+2}, …, y_n, y_{K+1})
            tail = Y[:, K:]
            target = np.hstack([tail[:, 1:], tail[:, :1]]) * 0.9
            g = g + _g2(tail, target).sum(axis=1)
        return g


@register_problem("smop8", suite="smop")
class SMOP8(_SMOP):
    """SMOP8: chain y_i ≈ (y_{i+1} + π) mod 2 for i ≤ K, y_i ≈ 0.9·y_{i+1} after; y_n free; spherical front."""

    name = "smop8"
    _shape = "spherical"
    _min_n = 2

    def _check_K(self, name):
        if self.K >= self.n_dist:
            raise ProblemError(
                f"{name}: K = ceil(theta·n) = {self.K} must be smaller than the number of distance variables "
                f"n = {self.n_dist} (the last non-zero variable takes its target from y_(K+1)); lower theta "
                f"or raise n_var")

    def _g(self, Y):
        K = self.K
        head = _g3(Y[:, :K], np.mod(Y[:, 1: K + 1] + np.pi, 2)).sum(axis=1)
        tail = _g3(Y[:, K:-1], Y[:, K + 1:] * 0.9).sum(axis=1)
        return head + tail
