"""LSMOP1–9 (Cheng, Jin, Olhofer and Sendhoff, IEEE TCYB 47(12):4108–4121, 2017).

Large-scale multi- and many-objective test problems. Definitions, grouping rule and reference fronts
follow PlatEMO (``Problems/Multi-objective optimization/LSMOP``); the original grouping of Cheng's code
and MOEA Framework is available as ``grouping="original"``. See ``docs/problems/lsmop_smop.md``.

Every evaluation is vectorized over the whole population: the distance variables of a group are reshaped
to ``N × n_k × s_k`` and each basic function reduces the last axis, so there is no Python loop over
individuals or subcomponents (only over the M groups).
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ..errors import ProblemError
from ..problem import Problem, check_n_obj, check_n_var
from ..registry import register_problem
from ._reference import disconnected_front, uniform_point

__all__ = ["LSMOP1", "LSMOP2", "LSMOP3", "LSMOP4", "LSMOP5", "LSMOP6", "LSMOP7", "LSMOP8", "LSMOP9",
           "lsmop_grouping", "GROUPINGS"]

GROUPINGS = ("platemo", "original")


# ---------------------------------------------------------------------------------------------- grouping
def _chaos(M: int) -> list[float]:
    """Logistic map values c_1..c_M, in PlatEMO's (and MOEA Framework's) order of operations."""
    c = [3.8 * 0.1 * (1 - 0.1)]
    for _ in range(M - 1):
        c.append(3.8 * c[-1] * (1 - c[-1]))
    return c


def _seq_sum(values) -> float:
    total = 0.0
    for v in values:  # left to right, as MATLAB's and Java's sums of a short vector
        total += v
    return total


def _platemo_sizes(M: int, n_var: int, nk: int) -> list[int]:
    c = _chaos(M)
    total = _seq_sum(c)
    n_s = n_var - M + 1
    return [int(math.floor(ck / total * n_s / nk)) for ck in c]


def _original_sizes(M: int, nk: int) -> list[int]:
    c = _chaos(M)
    total = _seq_sum(c)
    # Java's Math.round is floor(x + 0.5), not Python's round-half-even
    return [int(math.ceil(math.floor(ck / total * (100 * M) + 0.5) / nk)) for ck in c]


def _min_n_var_platemo(M: int, nk: int) -> int:
    """Smallest n_var for which every group of the PlatEMO rule has subcomponents of size >= 1."""
    c = _chaos(M)
    n_s = max(1, int(math.ceil(nk * _seq_sum(c) / min(c))) - 2)
    while min(_platemo_sizes(M, n_s + M - 1, nk)) < 1:
        n_s += 1
    return n_s + M - 1


def lsmop_grouping(n_obj: int, n_var: int | None = None, nk: int = 5, grouping: str = "platemo") -> dict:
    """The LSMOP variable layout for ``n_obj`` objectives.

    Returns a dict with ``sizes`` (subcomponent size s_k of each of the M groups), ``n_var`` (D; derived
    for the original rule), ``used`` (number of variables that affect an objective: M − 1 + n_k·Σs_k),
    ``tail`` (D − used, the ignored last variables of the PlatEMO rule) and ``starts`` (0-based column of
    the first variable of each group).
    """
    M = check_n_obj("lsmop", n_obj)
    nk = _check_nk(nk)
    if grouping == "platemo":
        if n_var is None:
            n_var = 100 * M
        sizes = _platemo_sizes(M, int(n_var), nk)
    elif grouping == "original":
        sizes = _original_sizes(M, nk)
        if n_var is None:
            n_var = M - 1 + nk * sum(sizes)
    else:
        raise ProblemError(f"lsmop: grouping must be one of {GROUPINGS}, got {grouping!r}")
    used = M - 1 + nk * sum(sizes)
    starts = [M - 1 + nk * sum(sizes[:k]) for k in range(M)]
    return {"sizes": sizes, "n_var": int(n_var), "used": used, "tail": int(n_var) - used, "starts": starts}


def _check_nk(nk) -> int:
    if isinstance(nk, bool) or not isinstance(nk, numbers.Integral) or nk < 1:
        raise ProblemError(f"lsmop: nk (subcomponents per group) must be a positive integer, got {nk!r}")
    return int(nk)


# ---------------------------------------------------------------------------------------------- basic functions
# Each takes Z of shape (N, n_k, s) (one row of subcomponents per individual) and reduces the last axis.

def _sphere(Z):
    return np.einsum("ijk,ijk->ij", Z, Z)


def _schwefel(Z):
    return np.abs(Z).max(axis=-1)


def _rosenbrock(Z):
    a = Z[..., :-1]
    t = a * a - Z[..., 1:]
    u = a - 1.0
    return (100.0 * (t * t) + u * u).sum(axis=-1)


def _rastrigin(Z):
    return (Z * Z - 10.0 * np.cos(2.0 * np.pi * Z) + 10.0).sum(axis=-1)


def _griewank(Z):
    root = np.sqrt(np.arange(1, Z.shape[-1] + 1, dtype=float))  # restarts at 1 in every subcomponent
    return _sphere(Z) / 4000.0 - np.prod(np.cos(Z / root), axis=-1) + 1.0


def _ackley(Z):
    s = Z.shape[-1]
    return (20.0 - 20.0 * np.exp(-0.2 * np.sqrt(_sphere(Z) / s))
            - np.exp(np.cos(2.0 * np.pi * Z).sum(axis=-1) / s) + np.e)


#: basic functions whose minimiser is z = 1 (all others have it at z = 0)
_MIN_AT_ONE = (_rosenbrock,)


# ---------------------------------------------------------------------------------------------- problems
class _LSMOP(Problem):
    """Shared machinery of LSMOP1–9 (see the module docstring)."""

    name = "lsmop"
    default_n_var: int | None = None  # 100 · n_obj (PlatEMO); derived for grouping="original"
    default_n_obj = 3
    default_encoding = "real"
    sparse = False

    _eta_odd = staticmethod(_sphere)   # η of groups 1, 3, 5, …
    _eta_even = staticmethod(_sphere)  # η of groups 2, 4, …
    _linkage = "linear"                # "linear" (LSMOP1–4) or "nonlinear" (LSMOP5–9)
    _shape = "linear"                  # "linear", "spherical" or "disconnected"

    def __init__(self, n_var=None, n_obj=None, nk: int = 5, grouping: str = "platemo"):
        name = self.name
        M = check_n_obj(name, self.default_n_obj if n_obj is None else n_obj)
        if isinstance(nk, bool) or not isinstance(nk, numbers.Integral) or nk < 1:
            raise ProblemError(f"{name}: nk (subcomponents per group) must be a positive integer, got {nk!r}")
        nk = int(nk)
        if grouping not in GROUPINGS:
            raise ProblemError(f"{name}: grouping must be one of {GROUPINGS}, got {grouping!r}")
        if grouping == "platemo":
            n_var = check_n_var(name, 100 * M if n_var is None else n_var, minimum=1)
            need = _min_n_var_platemo(M, nk)
            if n_var < need:
                raise ProblemError(
                    f"{name}: n_var={n_var} is too small for n_obj={M} and nk={nk}: the PlatEMO grouping "
                    f"needs n_var >= {need} so that every one of the {M} groups has {nk} subcomponents of "
                    f"at least one variable")
        else:
            derived = M - 1 + nk * sum(_original_sizes(M, nk))
            if n_var is not None:
                n_var = check_n_var(name, n_var)
                if n_var != derived:
                    raise ProblemError(
                        f"{name}: grouping='original' derives the number of variables from n_obj and nk: "
                        f"n_obj={M}, nk={nk} imply n_var={derived}, got n_var={n_var} "
                        f"(leave n_var out, or use grouping='platemo' for a free n_var)")
            n_var = derived
        layout = lsmop_grouping(M, n_var, nk, grouping)
        self.nk = nk
        self.grouping = grouping
        self.sublen = np.array(layout["sizes"], dtype=np.int64)
        self.n_used = layout["used"]
        self.group_starts = np.array(layout["starts"], dtype=np.int64)
        xl = np.zeros(n_var)
        xu = np.concatenate([np.ones(M - 1), np.full(n_var - M + 1, 10.0)])
        super().__init__(n_var=n_var, n_obj=M, xl=xl, xu=xu, encoding=self.default_encoding, name=name)
        # linkage factors L_i for the used distance variables (global 1-based index i = M … used), as
        # PlatEMO computes them: 1 + i/D and 1 + cos(i/D·π/2)
        i = np.arange(M, self.n_used + 1, dtype=float)
        if self._linkage == "linear":
            L = 1.0 + i / n_var
        else:
            L = 1.0 + np.cos(i / n_var * np.pi / 2)
        L.setflags(write=False)
        self._L = L

    # -------------------------------------------------------------- structure
    def groups(self):
        """Group id per variable: 0 for the M − 1 position variables, k (1..M) for the variables of
        group k, and −1 for the ignored tail of the PlatEMO rule."""
        g = np.full(self.n_var, -1, dtype=np.int64)
        M = self.n_obj
        g[: M - 1] = 0
        for k in range(M):
            start = self.group_starts[k]
            g[start: start + self.nk * self.sublen[k]] = k + 1
        return g

    def _eta(self, k: int):
        """Basic function of group k (0-based): η_odd for groups 1, 3, … (k even), η_even otherwise."""
        return self._eta_odd if k % 2 == 0 else self._eta_even

    # -------------------------------------------------------------- evaluation
    def _matrix(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_var:
            raise ProblemError(f"{self.name}: evaluate() needs an N × {self.n_var} array, got shape {X.shape}")
        return X

    def _G(self, X) -> np.ndarray:
        """The N × M per-group convergence values G_k (before the correlation and shape)."""
        N = X.shape[0]
        M = self.n_obj
        # linkage on the used distance variables only (the dead tail cannot change F)
        Z = X[:, M - 1: self.n_used] * self._L - (X[:, :1] * 10.0)
        G = np.empty((N, M))
        for k in range(M):
            s = int(self.sublen[k])
            a = self.group_starts[k] - (M - 1)
            block = Z[:, a: a + self.nk * s].reshape(N, self.nk, s)
            G[:, k] = self._eta(k)(block).sum(axis=1) / s / self.nk
        return G

    def evaluate(self, X):
        X = self._matrix(X)
        G = self._G(X)
        return self._objectives(X[:, : self.n_obj - 1], G)

    def _objectives(self, xf, G):
        N, M = G.shape
        ones = np.ones((N, 1))
        if self._shape == "linear":
            head = np.cumprod(np.hstack([ones, xf]), axis=1)[:, ::-1]
            tail = np.hstack([ones, 1.0 - xf[:, ::-1]])
            return (1.0 + G) * head * tail
        if self._shape == "spherical":
            head = np.cumprod(np.hstack([ones, np.cos(xf * np.pi / 2)]), axis=1)[:, ::-1]
            tail = np.hstack([ones, np.sin(xf[:, ::-1] * np.pi / 2)])
            Gn = np.hstack([G[:, 1:], np.zeros((N, 1))])
            return (1.0 + G + Gn) * head * tail
        # disconnected (LSMOP9): one scalar Ĝ = 1 + Σ G_k
        g = 1.0 + G.sum(axis=1, keepdims=True)
        last = (1.0 + g) * (M - np.sum(xf / (1.0 + g) * (1.0 + np.sin(3 * np.pi * xf)), axis=1, keepdims=True))
        return np.hstack([xf, last])

    # -------------------------------------------------------------- optimum
    def _optimal_x(self, xf, tail=0.0) -> np.ndarray:
        """Pareto-optimal decision vectors for the given position variables ``xf`` (K × (M−1)): every
        transformed variable at its basic function's minimiser (0, or 1 for Rosenbrock), i.e.
        x_i = 10·x_1/L_i or (10·x_1 + 1)/L_i. The ignored tail gets the value ``tail``.
        (Rosenbrock groups can exceed the upper bound 10 where L_i < 1.1; see the spec, §1.8.)"""
        xf = np.atleast_2d(np.asarray(xf, dtype=float))
        K, M = xf.shape[0], self.n_obj
        X = np.full((K, self.n_var), float(tail))
        X[:, : M - 1] = xf
        target = np.zeros(self.n_used - (M - 1))
        for k in range(M):
            if self._eta(k) in _MIN_AT_ONE:
                a = self.group_starts[k] - (M - 1)
                target[a: a + self.nk * self.sublen[k]] = 1.0
        X[:, M - 1: self.n_used] = (10.0 * xf[:, :1] + target) / self._L
        return X

    def pareto_front(self, n_points: int = 10000):
        """PlatEMO's ``GetOptimum(n_points)``: the simplex lattice (clamped to >= 1e-6) for LSMOP1–4,
        the same lattice normalised to unit length for LSMOP5–8, the mapped grid for LSMOP9."""
        if isinstance(n_points, bool) or not isinstance(n_points, numbers.Integral) or n_points < 1:
            raise ProblemError(f"{self.name}: pareto_front() needs a positive integer n_points, got {n_points!r}")
        n_points = int(n_points)
        if self._shape == "disconnected":
            return disconnected_front(n_points, self.n_obj)
        R = uniform_point(n_points, self.n_obj)
        if self._shape == "spherical":
            R = R / np.sqrt(np.sum(R ** 2, axis=1))[:, None]
        return R

    def __repr__(self):
        return (f"{type(self).__name__}(n_var={self.n_var}, n_obj={self.n_obj}, nk={self.nk}, "
                f"grouping={self.grouping!r})")


@register_problem("lsmop1", suite="lsmop")
class LSMOP1(_LSMOP):
    """LSMOP1: Sphere/Sphere, linear linkage, separable, linear front Σf = 1 (x_s ∈ [0,10])."""

    name = "lsmop1"


@register_problem("lsmop2", suite="lsmop")
class LSMOP2(_LSMOP):
    """LSMOP2: Griewank/Schwefel 2.21, linear linkage, separable, linear front Σf = 1."""

    name = "lsmop2"
    _eta_odd = staticmethod(_griewank)
    _eta_even = staticmethod(_schwefel)


@register_problem("lsmop3", suite="lsmop")
class LSMOP3(_LSMOP):
    """LSMOP3: Rastrigin/Rosenbrock, linear linkage, separable, linear front Σf = 1."""

    name = "lsmop3"
    _eta_odd = staticmethod(_rastrigin)
    _eta_even = staticmethod(_rosenbrock)


@register_problem("lsmop4", suite="lsmop")
class LSMOP4(_LSMOP):
    """LSMOP4: Ackley/Griewank, linear linkage, separable, linear front Σf = 1."""

    name = "lsmop4"
    _eta_odd = staticmethod(_ackley)
    _eta_even = staticmethod(_griewank)


@register_problem("lsmop5", suite="lsmop")
class LSMOP5(_LSMOP):
    """LSMOP5: Sphere/Sphere, nonlinear linkage, overlapped groups, spherical front Σf² = 1."""

    name = "lsmop5"
    _linkage = "nonlinear"
    _shape = "spherical"


@register_problem("lsmop6", suite="lsmop")
class LSMOP6(_LSMOP):
    """LSMOP6: Rosenbrock/Schwefel 2.21, nonlinear linkage, overlapped groups, spherical front Σf² = 1."""

    name = "lsmop6"
    _eta_odd = staticmethod(_rosenbrock)
    _eta_even = staticmethod(_schwefel)
    _linkage = "nonlinear"
    _shape = "spherical"


@register_problem("lsmop7", suite="lsmop")
class LSMOP7(_LSMOP):
    """LSMOP7: Ackley/Rosenbrock, nonlinear linkage, overlapped groups, spherical front Σf² = 1."""

    name = "lsmop7"
    _eta_odd = staticmethod(_ackley)
    _eta_even = staticmethod(_rosenbrock)
    _linkage = "nonlinear"
    _shape = "spherical"


@register_problem("lsmop8", suite="lsmop")
class LSMOP8(_LSMOP):
    """LSMOP8: Griewank/Sphere, nonlinear linkage, overlapped groups, spherical front Σf² = 1."""

    name = "lsmop8"
    _eta_odd = staticmethod(_griewank)
    _eta_even = staticmethod(_sphere)
    _linkage = "nonlinear"
    _shape = "spherical"


@register_problem("lsmop9", suite="lsmop")
class LSMOP9(_LSMOP):
    """LSMOP9: Sphere/Ackley, nonlinear linkage, fully correlated, disconnected front (2^(M−1) pieces)."""

    name = "lsmop9"
    _eta_odd = staticmethod(_sphere)
    _eta_even = staticmethod(_ackley)
    _linkage = "nonlinear"
    _shape = "disconnected"
