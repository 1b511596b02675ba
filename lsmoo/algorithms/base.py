"""The Algorithm base class: ask/tell over array populations.

``setup(problem, seed)`` starts a run; then ``X = ask()`` returns the rows to evaluate and ``tell(F, G)``
hands back their objectives (and constraint violations). :func:`lsmoo.minimize` is a thin loop over
exactly these calls, so users who own the loop can drive an algorithm themselves::

    algo = lsmoo.NSGA2(pop_size=100)
    algo.setup(problem, seed=1)
    while algo.n_evals < 10_000:
        X = algo.ask()
        algo.tell(*problem.evaluate_checked(X))
    F = algo.result()[1]

All random numbers come from one numpy Generator (``self.rng``) created from the seed, so the same seed
and configuration give a bit-identical run.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..errors import ConfigError
from ..problem import Problem


def positive_int(value, what: str, owner: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ConfigError(f"{owner}: {what} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ConfigError(f"{owner}: {what} must be an integer >= {minimum}, got {value}")
    return int(value)


def real_in(value, what: str, owner: str, lo: float, hi: float, lo_open=False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{owner}: {what} must be a number, got {value!r}") from None
    if not np.isfinite(v) or v < lo or v > hi or (lo_open and v == lo):
        bracket = "(" if lo_open else "["
        raise ConfigError(f"{owner}: {what} must lie in {bracket}{lo}, {hi}], got {value!r}")
    return v


def constraint_violation(G) -> np.ndarray | None:
    """Total violation per row (PlatEMO's CV: sum of positive parts); None when unconstrained."""
    if G is None:
        return None
    return np.maximum(G, 0.0).sum(axis=1)


class Algorithm:
    """Base class. Subclasses implement ``_initialize()`` (first population), ``_offspring(n)`` and
    ``_survive(X, F, G)``; or override ``ask``/``tell`` entirely."""

    name = "algorithm"

    def __init__(self, pop_size: int = 100):
        self.pop_size = positive_int(pop_size, "pop_size", self.name, minimum=2)
        self.problem: Problem | None = None
        self.rng: np.random.Generator | None = None

    # ------------------------------------------------------------------ lifecycle
    def setup(self, problem: Problem, seed=None, max_evals: int | None = None):
        """Start a run. ``max_evals`` (optional) tells the algorithm its evaluation budget, for
        algorithms that split it between phases or size their probes by it."""
        if not isinstance(problem, Problem):
            raise ConfigError(f"{self.name}: expected an lsmoo.Problem, got {type(problem).__name__}")
        self.problem = problem
        self.seed = seed
        self.max_evals = max_evals
        self.rng = np.random.default_rng(seed)
        self.n_evals = 0
        self.n_gen = 0
        self.X = None  # current population (decision vectors)
        self.F = None
        self.G = None
        self._pending = None
        self._setup()
        return self

    def _setup(self):
        """Hook for per-run state after problem and rng are known."""

    def ask(self, max_rows: int | None = None) -> np.ndarray:
        """The next rows to evaluate (at most ``max_rows`` when given)."""
        if self.problem is None:
            raise ConfigError(f"{self.name}: call setup(problem, seed) before ask()")
        if self._pending is not None:
            raise ConfigError(f"{self.name}: ask() called twice without tell()")
        X = self._produce()
        if max_rows is not None and X.shape[0] > max_rows:
            X = X[:max_rows]
        self._pending = X
        return X

    def tell(self, F, G=None):
        """Objectives (and constraint violations) of the rows returned by the last ``ask()``."""
        if self._pending is None:
            raise ConfigError(f"{self.name}: tell() called without a pending ask()")
        X, self._pending = self._pending, None
        F = np.asarray(F, dtype=float)
        if F.shape != (X.shape[0], self.problem.n_obj):
            raise ConfigError(f"{self.name}: tell() got F of shape {F.shape}, expected "
                              f"{(X.shape[0], self.problem.n_obj)}")
        self.n_evals += X.shape[0]
        first = self.X is None
        self._survive(X, F, None if G is None else np.asarray(G, dtype=float), first)
        self.n_gen += 1

    # ------------------------------------------------------------------ results
    def result(self):
        """(X, F) of the best rows found: feasible, non-dominated, duplicates in F removed."""
        from ..kernels import nd_sort

        X, F, G = self.X, self.F, self.G
        if F is None:
            return None, None
        keep = np.ones(len(F), dtype=bool)
        cv = constraint_violation(G)
        if cv is not None and (cv <= 0).any():
            keep = cv <= 0
        elif cv is not None:  # nothing feasible: the least violating rows
            keep = cv == cv.min()
        idx = np.flatnonzero(keep)
        rank = nd_sort(np.ascontiguousarray(F[idx]))
        idx = idx[rank == 0]
        _, first = np.unique(F[idx], axis=0, return_index=True)
        idx = idx[np.sort(first)]
        return X[idx], F[idx]

    # ------------------------------------------------------------------ helpers for subclasses
    def _random_population(self, n: int) -> np.ndarray:
        p = self.problem
        if p.encoding == "binary":
            return self.rng.random((n, p.n_var)) < 0.5
        return p.xl + self.rng.random((n, p.n_var)) * (p.xu - p.xl)

    def _produce(self) -> np.ndarray:
        """The next batch: the first population, then offspring."""
        return self._initialize() if self.X is None else self._offspring()

    def report(self) -> dict:
        """Algorithm-specific facts about the run, stored in ``Result.extra`` (e.g. phase boundaries)."""
        return {}

    def _initialize(self) -> np.ndarray:
        return self._random_population(self.pop_size)

    def _offspring(self) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _survive(self, X, F, G, first: bool):  # pragma: no cover - abstract
        raise NotImplementedError

    # ------------------------------------------------------------------ checkpoint/resume
    #: attributes never saved in a checkpoint (the problem is supplied again on resume)
    _state_exclude = ("problem",)

    def state_dict(self) -> dict:
        """The complete run state between generations: every attribute (arrays, numbers, strings,
        lists, tuples, dicts, numpy Generators) except the problem. Used by :mod:`lsmoo.checkpoint`,
        which stores arrays in an npz and the rest as JSON (no pickling)."""
        if self.problem is None:
            raise ConfigError(f"{self.name}: nothing to save before setup()")
        if self._pending is not None:
            raise ConfigError(f"{self.name}: cannot save state between ask() and tell()")
        return {k: v for k, v in vars(self).items() if k not in self._state_exclude}

    def load_state_dict(self, state: dict):
        """Restore a state from :meth:`state_dict` after ``setup(problem, seed, max_evals)`` with the
        same problem and settings."""
        if self.problem is None:
            raise ConfigError(f"{self.name}: call setup(problem, seed) before load_state_dict()")
        missing = {"rng", "n_evals", "n_gen", "X", "F"} - set(state)
        if missing:
            raise ConfigError(f"{self.name}: saved state lacks {sorted(missing)}")
        for k in [k for k in vars(self) if k not in self._state_exclude and k not in state]:
            delattr(self, k)
        for k, v in state.items():
            if k not in self._state_exclude:
                setattr(self, k, v)
        return self

    def config(self) -> dict:
        """The settings of this algorithm, for meta.json."""
        return {k: v for k, v in vars(self).items()
                if not k.startswith("_") and isinstance(v, (int, float, str, bool, type(None)))
                and k not in ("n_evals", "n_gen", "seed", "max_evals")}
