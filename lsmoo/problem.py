"""The Problem contract.

A problem evaluates a whole population at once: ``evaluate(X)`` receives an ``N × n_var`` array (float
for ``encoding="real"``, bool for ``encoding="binary"``) and returns ``F`` (``N × n_obj`` floats), or a pair
``(F, G)`` where ``G`` (``N × n_constr``) holds constraint violations (``<= 0`` means satisfied).

Subclass it::

    class Sphere2(lsmoo.Problem):
        def __init__(self, n_var=10):
            super().__init__(n_var=n_var, n_obj=2, xl=-1.0, xu=1.0)

        def evaluate(self, X):
            return np.column_stack([(X ** 2).sum(1), ((X - 1) ** 2).sum(1)])

Optional structure the sparse algorithms use when a problem knows it:

* ``importance()`` → a float array of length ``n_var``, larger = more likely to be needed (non-zero) in
  good solutions (e.g. |w| for a network weight, a filter score for a feature);
* ``groups()`` → an int array of length ``n_var`` with a group id per variable (e.g. the layer of a weight);
* ``pareto_front(n_points)`` → the reference front as an ``K × n_obj`` array, or ``None`` when unknown.
"""
from __future__ import annotations

import numbers

import numpy as np

from .errors import ProblemError

ENCODINGS = ("real", "binary")


def _positive_int(value, what: str, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ProblemError(f"{owner}: {what} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ProblemError(f"{owner}: {what} must be a positive integer, got {value}")
    return int(value)


class Problem:
    """Base class of every problem. See the module docstring for the contract."""

    #: registry metadata, filled in by subclasses (shown by ``lsmoo list``)
    sparse: bool = False
    #: binary problems only: True → evaluate() receives bit-packed rows (uint8, np.packbits layout,
    #: N × ceil(n_var/8)) instead of bool rows; see docs/packed.md
    packed_input: bool = False

    def __init__(self, n_var, n_obj, xl=0.0, xu=1.0, encoding: str = "real", n_constr: int = 0,
                 name: str | None = None):
        self.name = name or getattr(self, "name", None) or type(self).__name__.lower()
        self.n_var = _positive_int(n_var, "n_var", self.name)
        self.n_obj = _positive_int(n_obj, "n_obj", self.name)
        if isinstance(n_constr, bool) or not isinstance(n_constr, numbers.Integral) or n_constr < 0:
            raise ProblemError(f"{self.name}: n_constr must be a non-negative integer, got {n_constr!r}")
        self.n_constr = int(n_constr)
        if encoding not in ENCODINGS:
            raise ProblemError(f"{self.name}: encoding must be one of {ENCODINGS}, got {encoding!r}")
        self.encoding = encoding
        if encoding == "binary":
            xl, xu = 0.0, 1.0
        self.xl = self._bound(xl, "xl")
        self.xu = self._bound(xu, "xu")
        bad = np.flatnonzero(self.xl > self.xu)
        if bad.size:
            i = bad[0]
            raise ProblemError(f"{self.name}: lower bound above upper bound at variable {i} "
                               f"(xl={self.xl[i]!r} > xu={self.xu[i]!r}; {bad.size} such variables)")

    def _bound(self, b, what: str) -> np.ndarray:
        try:
            arr = np.asarray(b, dtype=float)
        except (TypeError, ValueError):
            raise ProblemError(f"{self.name}: {what} must be a number or an array of numbers") from None
        if arr.ndim == 0:
            arr = np.full(self.n_var, float(arr))
        if arr.shape != (self.n_var,):
            raise ProblemError(f"{self.name}: {what} must be a scalar or have length n_var={self.n_var}, "
                               f"got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ProblemError(f"{self.name}: {what} must be finite")
        arr = arr.copy()
        arr.setflags(write=False)
        return arr

    # ------------------------------------------------------------------ to override
    def evaluate(self, X):
        """Return F (N × n_obj), or (F, G). Must be overridden."""
        raise NotImplementedError(f"{type(self).__name__} must implement evaluate(X)")

    def pareto_front(self, n_points: int = 10000):
        """The reference Pareto front (K × n_obj), or None when it is not known."""
        return None

    def importance(self):
        """Prior importance per variable (length n_var), or None when the problem knows none."""
        return None

    def groups(self):
        """Group id per variable (length n_var), or None when the problem has no natural groups."""
        return None

    # ------------------------------------------------------------------ used by the engine
    def __call__(self, X):
        return self.evaluate_checked(X)

    def evaluate_checked(self, X, packed: bool = False):
        """Evaluate and validate: returns ``(F, G)`` with ``F`` float64 ``N × n_obj`` and ``G`` or None.

        ``X`` is ``N × n_var`` (bool rows for binary problems), or for binary problems with
        ``packed=True`` bit-packed rows (uint8, ``N × ceil(n_var/8)``). Rows reach ``evaluate()`` packed
        when the problem declares ``packed_input = True`` and as bool rows otherwise, converted as needed.

        Raises :class:`ProblemError` naming the problem when the input or the result has the wrong
        shape, the result is not numeric, or it contains NaN/inf.
        """
        X = np.asarray(X)
        width = (self.n_var + 7) // 8 if packed else self.n_var
        if packed and self.encoding != "binary":
            raise ProblemError(f"{self.name}: packed rows are only for binary problems")
        if X.ndim != 2 or X.shape[1] != width:
            what = f"N × {width} packed" if packed else f"N × {self.n_var}"
            raise ProblemError(f"{self.name}: evaluate() needs an {what} array, got shape {X.shape}")
        n = X.shape[0]
        if self.encoding == "binary":
            from .kernels import packed as pk

            if self.packed_input and not packed:
                X = pk.pack(X)
            elif packed and not self.packed_input:
                X = pk.unpack(X, self.n_var)
        out = self.evaluate(X)
        G = None
        if isinstance(out, tuple):
            if len(out) != 2:
                raise ProblemError(f"{self.name}: evaluate() returned a tuple of {len(out)} items; "
                                   "expected F or (F, G)")
            out, G = out
        F = self._check_array(out, n, self.n_obj, "F (objectives)", "n_obj")
        if G is not None or self.n_constr:
            if G is None:
                raise ProblemError(f"{self.name}: declares n_constr={self.n_constr} but evaluate() returned no G")
            G = self._check_array(G, n, self.n_constr, "G (constraints)", "n_constr")
        return F, G

    def _check_array(self, A, n, m, what, mname):
        try:
            A = np.asarray(A)
            if np.iscomplexobj(A):  # casting would silently drop the imaginary part
                raise ProblemError(f"{self.name}: evaluate() returned complex {what}; expected real numbers")
            A = np.asarray(A, dtype=float)
        except ProblemError:
            raise
        except (TypeError, ValueError):
            raise ProblemError(f"{self.name}: evaluate() returned non-numeric {what}") from None
        if A.ndim == 1 and m == 1 and A.shape[0] == n:
            A = A[:, None]
        if A.shape != (n, m):
            raise ProblemError(f"{self.name}: evaluate() returned {what} of shape {A.shape}, "
                               f"expected ({n}, {m}) for {n} solutions and {mname}={m}")
        if not np.all(np.isfinite(A)):
            bad = np.argwhere(~np.isfinite(A))[0]
            raise ProblemError(f"{self.name}: evaluate() returned NaN or inf in {what} "
                               f"(first at row {bad[0]}, column {bad[1]}: {A[bad[0], bad[1]]})")
        return A

    def __repr__(self):
        return f"{type(self).__name__}(n_var={self.n_var}, n_obj={self.n_obj}, encoding={self.encoding!r})"


def check_n_obj(name: str, n_obj, fixed: int | None = None, minimum: int = 2) -> int:
    """Helper for problem constructors: validate n_obj against a fixed value or a minimum."""
    n_obj = _positive_int(n_obj, "n_obj", name)
    if fixed is not None and n_obj != fixed:
        raise ProblemError(f"{name} has exactly {fixed} objectives, got n_obj={n_obj}")
    if n_obj < minimum:
        raise ProblemError(f"{name} needs n_obj >= {minimum}, got {n_obj}")
    return n_obj


def check_n_var(name: str, n_var, minimum: int = 1) -> int:
    """Helper for problem constructors: validate n_var against a minimum."""
    n_var = _positive_int(n_var, "n_var", name)
    if n_var < minimum:
        raise ProblemError(f"{name} needs n_var >= {minimum}, got {n_var}")
    return n_var
