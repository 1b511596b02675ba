"""Slow, obviously-correct numpy twins of :mod:`lsmoo.kernels.packed`, for tests only.

They work on **unpacked** bool masks ``X`` (N, n_var); the tests compare
``kernel(pack(X), ...)`` with ``pack(twin(X, ...))``.  Random inputs given to a kernel in packed form
(``rand_bytes``) are given to its twin unpacked.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "pack_ref",
    "unpack_ref",
    "popcount_ref",
    "hamming_ref",
    "hamming_matrix_ref",
    "duplicate_mask_ref",
    "unique_rows_ref",
    "uniform_crossover_ref",
    "two_point_crossover_ref",
    "flip_sites_ref",
    "weighted_flip_ref",
]


def pack_ref(X):
    """Bit d of row i → byte d // 8, bit value 2**(7 - d % 8); zero padding."""
    X = np.asarray(X, dtype=bool)
    N, D = X.shape
    P = np.zeros((N, (D + 7) // 8), dtype=np.uint8)
    for d in range(D):
        P[:, d // 8] |= (X[:, d].astype(np.uint8) << (7 - d % 8)).astype(np.uint8)
    return P


def unpack_ref(P, n_var):
    P = np.asarray(P, dtype=np.uint8)
    X = np.zeros((P.shape[0], n_var), dtype=bool)
    for d in range(n_var):
        X[:, d] = (P[:, d // 8] >> (7 - d % 8)) & 1
    return X


def popcount_ref(X):
    return np.asarray(X, dtype=bool).sum(axis=1).astype(np.int64)


def hamming_ref(X, Y):
    X, Y = np.asarray(X, dtype=bool), np.asarray(Y, dtype=bool)
    return (X != Y).sum(axis=1).astype(np.int64)


def hamming_matrix_ref(X):
    X = np.asarray(X, dtype=bool)
    return (X[:, None, :] != X[None, :, :]).sum(axis=2).astype(np.int64)


def duplicate_mask_ref(X, Y=None):
    """Row i of X is a duplicate iff it equals some row of Y or some row j < i of X."""
    X = np.asarray(X, dtype=bool)
    seen = set()
    if Y is not None:
        seen.update(tuple(r) for r in np.asarray(Y, dtype=bool))
    out = np.zeros(X.shape[0], dtype=bool)
    for i, r in enumerate(X):
        key = tuple(r)
        out[i] = key in seen
        seen.add(key)
    return out


def unique_rows_ref(X):
    return np.flatnonzero(~duplicate_mask_ref(X)).astype(np.int64)


def uniform_crossover_ref(X1, X2, swap, cross):
    """``swap`` bool (K, n_var): the unpacked random bits."""
    X1, X2 = np.asarray(X1, dtype=bool), np.asarray(X2, dtype=bool)
    s = np.asarray(cross, dtype=bool)[:, None] & np.asarray(swap, dtype=bool)
    return np.where(s, X2, X1), np.where(s, X1, X2)


def two_point_crossover_ref(X1, X2, a, b, cross):
    C1, C2 = np.array(X1, dtype=bool), np.array(X2, dtype=bool)
    for k in range(C1.shape[0]):
        if cross[k]:
            lo, hi = int(a[k]), int(b[k])
            C1[k, lo:hi], C2[k, lo:hi] = X2[k, lo:hi], X1[k, lo:hi]
    return C1, C2


def flip_sites_ref(X, sites):
    X = np.array(X, dtype=bool)
    flat = X.reshape(-1)
    flat[np.asarray(sites, dtype=np.int64)] ^= True
    return X


def _draw(cand, w, u):
    """Index into ``cand`` picked by inverse CDF: first with cumulative weight > u * total."""
    cs = np.cumsum(w[cand])
    return int(np.searchsorted(cs, u * cs[-1], side="right"))


def weighted_flip_ref(X, rows, w_on, w_off, u_on, u_off, n_on, n_off):
    """Returns ``(X_new, done_on, done_off)``; mirrors :func:`lsmoo.kernels.packed.weighted_flip`.

    ``w_on``/``w_off``: float (n_var,) (no None); ``n_on``/``n_off``: int (K,).
    """
    X = np.array(X, dtype=bool)
    N, D = X.shape
    rows = np.arange(N) if rows is None else np.asarray(rows, dtype=np.int64)
    w_on, w_off = np.asarray(w_on, dtype=float), np.asarray(w_off, dtype=float)
    done_on = np.zeros(len(rows), dtype=np.int64)
    done_off = np.zeros(len(rows), dtype=np.int64)
    for k, r in enumerate(rows):
        before = X[r].copy()
        for state, w, u, n, done in ((False, w_on, u_on, n_on, done_on), (True, w_off, u_off, n_off, done_off)):
            eligible = (before == state) & (w > 0) if n[k] > 0 else np.zeros(D, dtype=bool)
            for j in range(int(n[k])):
                cand = np.flatnonzero(eligible)
                if cand.size == 0:
                    break
                d = cand[_draw(cand, w, u[k, j])]
                eligible[d] = False
                X[r, d] = not state
                done[k] += 1
    return X, done_on, done_off
