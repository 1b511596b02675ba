"""Variation and selection operators (Numba kernels behind thin numpy wrappers).

Kernels are stateless and deterministic: every random number they use is drawn beforehand by the
caller from the run's numpy Generator and passed in (``u``, ``v``, ``mu``, ``sites``, ``a``/``b``,
``cand``).  The public functions validate shapes / dtypes, make the arrays C-contiguous and call
private ``@numba.njit(cache=True)`` kernels, which compile lazily on first call.

Plain-numpy twins used by the tests live in :mod:`lsmoo.kernels.reference`.
"""
from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "sbx",
    "polynomial_mutation",
    "bitflip",
    "uniform_crossover",
    "two_point_crossover",
    "binary_tournament",
]


# --------------------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------------------
@numba.njit(cache=True)
def _sbx_kernel(P1, P2, xl, xu, u, v, cross, eta):
    K, D = P1.shape
    C1 = np.empty((K, D), dtype=np.float64)
    C2 = np.empty((K, D), dtype=np.float64)
    e = 1.0 / (eta + 1.0)
    for k in range(K):
        ck = cross[k]
        for d in range(D):
            p1 = P1[k, d]
            p2 = P2[k, d]
            vv = v[k, d]
            if ck and vv >= 0.5:
                uu = u[k, d]
                if uu <= 0.5:
                    beta = (2.0 * uu) ** e
                else:
                    beta = (2.0 - 2.0 * uu) ** (-e)
                if vv >= 0.75:
                    beta = -beta
                c1 = (p1 + p2) / 2.0 + beta * (p1 - p2) / 2.0
                c2 = (p1 + p2) / 2.0 - beta * (p1 - p2) / 2.0
            else:
                c1 = p1
                c2 = p2
            lo = xl[d]
            hi = xu[d]
            C1[k, d] = min(max(c1, lo), hi)
            C2[k, d] = min(max(c2, lo), hi)
    return C1, C2


@numba.njit(cache=True)
def _pm_kernel(X, xl, xu, sites, mu, eta):
    D = X.shape[1]
    e = eta + 1.0
    inv = 1.0 / e
    for i in range(sites.shape[0]):
        s = sites[i]
        k = s // D
        j = s - k * D
        lo = xl[j]
        hi = xu[j]
        if hi == lo:
            continue
        span = hi - lo
        x = min(max(X[k, j], lo), hi)
        m = mu[i]
        if m <= 0.5:
            x = x + span * ((2.0 * m + (1.0 - 2.0 * m) * (1.0 - (x - lo) / span) ** e) ** inv - 1.0)
        else:
            x = x + span * (1.0 - (2.0 * (1.0 - m) + 2.0 * (m - 0.5) * (1.0 - (hi - x) / span) ** e) ** inv)
        X[k, j] = min(max(x, lo), hi)


@numba.njit(cache=True)
def _bitflip_kernel(X, sites):
    D = X.shape[1]
    for i in range(sites.shape[0]):
        s = sites[i]
        k = s // D
        j = s - k * D
        X[k, j] = not X[k, j]


@numba.njit(cache=True)
def _uniform_crossover_kernel(P1, P2, u, cross):
    K, D = P1.shape
    C1 = P1.copy()
    C2 = P2.copy()
    for k in range(K):
        if cross[k]:
            for d in range(D):
                if u[k, d] < 0.5:
                    C1[k, d] = P2[k, d]
                    C2[k, d] = P1[k, d]
    return C1, C2


@numba.njit(cache=True)
def _two_point_crossover_kernel(P1, P2, a, b, cross):
    K = P1.shape[0]
    C1 = P1.copy()
    C2 = P2.copy()
    for k in range(K):
        if cross[k]:
            for d in range(a[k], b[k]):
                C1[k, d] = P2[k, d]
                C2[k, d] = P1[k, d]
    return C1, C2


@numba.njit(cache=True)
def _binary_tournament_kernel(rank, crowd, cand):
    K = cand.shape[0]
    win = np.empty(K, dtype=np.int64)
    for k in range(K):
        a = cand[k, 0]
        b = cand[k, 1]
        if rank[b] < rank[a] or (rank[b] == rank[a] and crowd[b] > crowd[a]):
            win[k] = b
        else:
            win[k] = a
    return win


# --------------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------------
def _arr(x, dtype, ndim, name, fn):
    x = np.ascontiguousarray(x, dtype=dtype)
    if x.ndim != ndim:
        raise ValueError(f"{fn}: {name} must be {ndim}-D, got shape {x.shape}")
    return x


def _same_shape(fn, ref_name, ref, **others):
    for name, arr in others.items():
        if arr.shape != ref.shape:
            raise ValueError(f"{fn}: {name} has shape {arr.shape}, expected {ref.shape} (like {ref_name})")


def _bounds(xl, xu, D, fn, finite=False):
    xl = _arr(xl, np.float64, 1, "xl", fn)
    xu = _arr(xu, np.float64, 1, "xu", fn)
    if xl.shape != (D,) or xu.shape != (D,):
        raise ValueError(f"{fn}: xl and xu must have shape ({D},), got {xl.shape} and {xu.shape}")
    if np.isnan(xl).any() or np.isnan(xu).any():
        raise ValueError(f"{fn}: bounds contain NaN")
    if finite and not (np.isfinite(xl).all() and np.isfinite(xu).all()):
        raise ValueError(f"{fn}: bounds must be finite")
    if (xl > xu).any():
        j = int(np.flatnonzero(xl > xu)[0])
        raise ValueError(f"{fn}: lower bound above upper bound in column {j} ({xl[j]} > {xu[j]})")
    return xl, xu


def _cross_vec(cross, K, fn):
    cross = np.ascontiguousarray(cross, dtype=np.bool_)
    if cross.shape != (K,):
        raise ValueError(f"{fn}: cross must have shape ({K},), got {cross.shape}")
    return cross


def _eta(eta, fn):
    eta = float(eta)
    if not (np.isfinite(eta) and eta >= 0.0):
        raise ValueError(f"{fn}: eta must be a finite number >= 0, got {eta}")
    return eta


def _sites(sites, n_total, fn):
    sites = np.ascontiguousarray(sites, dtype=np.int64)
    if sites.ndim != 1:
        raise ValueError(f"{fn}: sites must be 1-D, got shape {sites.shape}")
    if sites.size:
        if sites[0] < 0 or sites[-1] >= n_total:
            raise ValueError(f"{fn}: sites must lie in [0, {n_total})")
        if sites.size > 1 and not (sites[1:] > sites[:-1]).all():
            raise ValueError(f"{fn}: sites must be strictly increasing (sorted, no duplicates)")
    return sites


def _inplace_2d(X, dtype, fn):
    if not isinstance(X, np.ndarray) or X.dtype != dtype or X.ndim != 2 or not X.flags.c_contiguous:
        raise ValueError(f"{fn}: X must be a C-contiguous 2-D {np.dtype(dtype).name} array (modified in place)")
    if not X.flags.writeable:
        raise ValueError(f"{fn}: X is read-only")
    return X


# --------------------------------------------------------------------------------------------------
# public wrappers
# --------------------------------------------------------------------------------------------------
def sbx(P1, P2, xl, xu, u, v, cross, eta):
    """Simulated binary crossover, PlatEMO style; returns new arrays ``(C1, C2)``.

    ``P1``, ``P2``, ``u``, ``v``: float arrays (K, D); ``xl``, ``xu``: (D,) with ``xl <= xu``;
    ``cross``: bool (K,); ``eta`` >= 0 the distribution index.  For every element (k, d):

    * if ``not cross[k]`` or ``v < 0.5``: the children copy the parents exactly
      (``c1 = p1``, ``c2 = p2``; PlatEMO's beta = 1);
    * else ``beta = (2u)^(1/(eta+1))`` if ``u <= 0.5`` else ``(2-2u)^(-1/(eta+1))``, negated if
      ``v >= 0.75``, and ``c1 = (p1+p2)/2 + beta*(p1-p2)/2``, ``c2 = (p1+p2)/2 - beta*(p1-p2)/2``;

    then both children are clipped to ``[xl[d], xu[d]]``.  ``u`` is expected in [0, 1).
    """
    fn = "sbx"
    P1 = _arr(P1, np.float64, 2, "P1", fn)
    P2 = _arr(P2, np.float64, 2, "P2", fn)
    u = _arr(u, np.float64, 2, "u", fn)
    v = _arr(v, np.float64, 2, "v", fn)
    _same_shape(fn, "P1", P1, P2=P2, u=u, v=v)
    K, D = P1.shape
    xl, xu = _bounds(xl, xu, D, fn)
    cross = _cross_vec(cross, K, fn)
    return _sbx_kernel(P1, P2, xl, xu, u, v, cross, _eta(eta, fn))


def polynomial_mutation(X, xl, xu, sites, mu, eta):
    """Polynomial mutation (PlatEMO's OperatorGA), **in place** on ``X``; returns None.

    ``X``: C-contiguous float64 (K, D), modified in place; ``xl``, ``xu``: finite (D,) with
    ``xl <= xu``; ``sites``: int sorted, duplicate-free flat indices into ``X.ravel()`` (the elements to
    mutate); ``mu``: float (len(sites),) uniform [0, 1) draws, one per site; ``eta`` >= 0.

    For a site with column bounds ``lower < upper`` (columns with ``upper == lower`` are left
    unchanged), with ``x`` first clipped to ``[lower, upper]`` (a no-op for feasible ``x``; PlatEMO
    clips the whole population first) and ``s = upper - lower``:

    * ``mu <= 0.5``: ``x += s*((2mu + (1-2mu)(1-(x-lower)/s)^(eta+1))^(1/(eta+1)) - 1)``
    * ``mu > 0.5``:  ``x += s*(1 - (2(1-mu) + 2(mu-0.5)(1-(upper-x)/s)^(eta+1))^(1/(eta+1)))``

    and the result is clipped to ``[lower, upper]``.  Elements not in ``sites`` are untouched.
    """
    fn = "polynomial_mutation"
    X = _inplace_2d(X, np.float64, fn)
    K, D = X.shape
    xl, xu = _bounds(xl, xu, D, fn, finite=True)
    sites = _sites(sites, K * D, fn)
    mu = _arr(mu, np.float64, 1, "mu", fn)
    if mu.shape != sites.shape:
        raise ValueError(f"{fn}: mu must have the shape of sites {sites.shape}, got {mu.shape}")
    _pm_kernel(X, xl, xu, sites, mu, _eta(eta, fn))


def bitflip(X, sites):
    """Flip the bits ``X.ravel()[sites]`` **in place**; returns None.

    ``X``: C-contiguous bool array (K, D); ``sites``: int sorted, duplicate-free flat indices in
    ``[0, K*D)``.
    """
    fn = "bitflip"
    X = _inplace_2d(X, np.bool_, fn)
    sites = _sites(sites, X.size, fn)
    _bitflip_kernel(X, sites)


def uniform_crossover(P1, P2, u, cross):
    """Uniform crossover of bool masks; returns new arrays ``(C1, C2)``.

    ``P1``, ``P2``: bool (K, D); ``u``: float (K, D); ``cross``: bool (K,).  Where ``cross[k]`` and
    ``u[k, d] < 0.5``, ``C1`` takes ``P2``'s bit and ``C2`` takes ``P1``'s; elsewhere they copy.
    """
    fn = "uniform_crossover"
    P1 = _arr(P1, np.bool_, 2, "P1", fn)
    P2 = _arr(P2, np.bool_, 2, "P2", fn)
    u = _arr(u, np.float64, 2, "u", fn)
    _same_shape(fn, "P1", P1, P2=P2, u=u)
    cross = _cross_vec(cross, P1.shape[0], fn)
    return _uniform_crossover_kernel(P1, P2, u, cross)


def two_point_crossover(P1, P2, a, b, cross):
    """Two-point crossover of bool masks; returns new arrays ``(C1, C2)``.

    ``P1``, ``P2``: bool (K, D); ``a``, ``b``: int (K,) with ``0 <= a <= b <= D``; ``cross``: bool
    (K,).  For rows with ``cross[k]``, columns ``[a[k], b[k])`` are swapped between the children;
    elsewhere they copy the parents.
    """
    fn = "two_point_crossover"
    P1 = _arr(P1, np.bool_, 2, "P1", fn)
    P2 = _arr(P2, np.bool_, 2, "P2", fn)
    _same_shape(fn, "P1", P1, P2=P2)
    K, D = P1.shape
    a = _arr(a, np.int64, 1, "a", fn)
    b = _arr(b, np.int64, 1, "b", fn)
    if a.shape != (K,) or b.shape != (K,):
        raise ValueError(f"{fn}: a and b must have shape ({K},), got {a.shape} and {b.shape}")
    if K and not ((a >= 0).all() and (a <= b).all() and (b <= D).all()):
        raise ValueError(f"{fn}: need 0 <= a <= b <= D={D} in every row")
    cross = _cross_vec(cross, K, fn)
    return _two_point_crossover_kernel(P1, P2, a, b, cross)


def binary_tournament(rank, crowd, cand):
    """Binary tournament on (rank, crowding distance); returns the winners' indices, int64 (K,).

    ``rank``: int (N,); ``crowd``: float (N,); ``cand``: int (K, 2) indices into ``rank``/``crowd``.
    For each row k, the winner ``cand[k, 0]`` or ``cand[k, 1]`` is the one with the lower rank; on
    equal rank the one with the larger crowding distance; on a full tie (or NaN) ``cand[k, 0]``.
    """
    fn = "binary_tournament"
    rank = _arr(rank, np.int64, 1, "rank", fn)
    crowd = _arr(crowd, np.float64, 1, "crowd", fn)
    if crowd.shape != rank.shape:
        raise ValueError(f"{fn}: crowd has shape {crowd.shape}, expected {rank.shape} (like rank)")
    cand = _arr(cand, np.int64, 2, "cand", fn)
    if cand.shape[1] != 2:
        raise ValueError(f"{fn}: cand must have shape (K, 2), got {cand.shape}")
    if cand.size and (cand.min() < 0 or cand.max() >= rank.shape[0]):
        raise ValueError(f"{fn}: cand indices must lie in [0, {rank.shape[0]})")
    return _binary_tournament_kernel(rank, crowd, cand)
