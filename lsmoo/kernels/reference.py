"""Slow, obviously-correct numpy twins of the kernels, for tests only.

Each function mirrors the documented semantics of its kernel in :mod:`lsmoo.kernels.sorting` /
:mod:`lsmoo.kernels.variation` as directly as possible, trading speed for clarity.
"""
from __future__ import annotations

import numpy as np

from .sorting import RANK_UNRANKED

__all__ = [
    "nd_sort_ref",
    "crowding_distance_ref",
    "mnn_truncate_ref",
    "sbx_ref",
    "polynomial_mutation_ref",
    "bitflip_ref",
    "uniform_crossover_ref",
    "two_point_crossover_ref",
    "binary_tournament_ref",
    "guided_flips_ref",
    "threshold_masks_ref",
]


def dominance_matrix(F):
    """``dom[i, j]`` is True iff row i dominates row j (minimization)."""
    F = np.asarray(F, dtype=np.float64)
    le = (F[:, None, :] <= F[None, :, :]).all(axis=2)
    lt = (F[:, None, :] < F[None, :, :]).any(axis=2)
    return le & lt


def nd_sort_ref(F, n_stop=-1):
    """Front index per row by peeling: front k = the rows left that no row left dominates."""
    F = np.asarray(F, dtype=np.float64)
    N = F.shape[0]
    rank = np.full(N, RANK_UNRANKED, dtype=np.int64)
    dom = dominance_matrix(F)
    n_dominators = dom.sum(axis=0)          # among the rows not yet ranked
    remaining = np.ones(N, dtype=bool)
    k = 0
    while remaining.any():
        if n_stop > 0 and (~remaining).sum() >= n_stop:
            break
        front = np.flatnonzero(remaining & (n_dominators == 0))
        rank[front] = k
        remaining[front] = False
        n_dominators -= dom[front].sum(axis=0)
        k += 1
    return rank


def crowding_distance_ref(F, rank):
    F = np.asarray(F, dtype=np.float64)
    rank = np.asarray(rank, dtype=np.int64)
    N, M = F.shape
    cd = np.zeros(N)
    for r in np.unique(rank):
        if r == RANK_UNRANKED:
            continue
        front = np.flatnonzero(rank == r)
        n = len(front)
        if n <= 2:
            cd[front] = np.inf
            continue
        for j in range(M):
            f = F[front, j]
            order = np.argsort(f, kind="stable")
            fmin, fmax = f.min(), f.max()
            cd[front[order[0]]] = np.inf
            cd[front[order[-1]]] = np.inf
            if fmax == fmin:
                continue
            for i in range(1, n - 1):
                cd[front[order[i]]] += (f[order[i + 1]] - f[order[i - 1]]) / (fmax - fmin)
    return cd


def mnn_truncate_ref(F, n_keep):
    """Every score recomputed from scratch after each removal (the kernel updates only those that changed)."""
    F = np.asarray(F, dtype=np.float64)
    N, M = F.shape
    if n_keep >= N or M == 0:
        return np.arange(min(n_keep, N), dtype=np.int64)
    lo, hi = F.min(axis=0), F.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    Z = (F - lo) / span
    protected = np.zeros(N, dtype=bool)
    protected[np.argmin(F, axis=0)] = True
    sq = np.zeros((N, N))
    for j in range(M):  # summed objective by objective, in order, as the kernel does
        sq += (Z[:, j, None] - Z[None, :, j]) ** 2
    D = np.sqrt(sq)
    alive = np.ones(N, dtype=bool)
    while alive.sum() > n_keep:
        idx = np.flatnonzero(alive)
        k = min(M, len(idx) - 1)
        scores = []
        for i in idx:
            d = np.sort(D[i, idx[idx != i]])[:k]
            s = 1.0
            for v in d:
                s *= v
            scores.append(s)
        # smallest (protected, score), lowest index first
        order = sorted(range(len(idx)), key=lambda t: (protected[idx[t]], scores[t], idx[t]))
        alive[idx[order[0]]] = False
    return np.flatnonzero(alive).astype(np.int64)


def sbx_ref(P1, P2, xl, xu, u, v, cross, eta):
    P1, P2, u, v = (np.asarray(a, dtype=np.float64) for a in (P1, P2, u, v))
    xl, xu = np.asarray(xl, dtype=np.float64), np.asarray(xu, dtype=np.float64)
    cross = np.asarray(cross, dtype=bool)
    e = 1.0 / (eta + 1.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        beta = np.where(u <= 0.5, (2.0 * u) ** e, (2.0 - 2.0 * u) ** (-e))
    beta = np.where(v >= 0.75, -beta, beta)
    active = cross[:, None] & (v >= 0.5)
    C1 = np.where(active, (P1 + P2) / 2.0 + beta * (P1 - P2) / 2.0, P1)
    C2 = np.where(active, (P1 + P2) / 2.0 - beta * (P1 - P2) / 2.0, P2)
    return np.clip(C1, xl, xu), np.clip(C2, xl, xu)


def polynomial_mutation_ref(X, xl, xu, sites, mu, eta):
    """Returns a mutated copy of ``X`` (the kernel works in place)."""
    X = np.array(X, dtype=np.float64)
    K, D = X.shape
    for s, m in zip(np.asarray(sites, dtype=np.int64), np.asarray(mu, dtype=np.float64)):
        k, j = divmod(int(s), D)
        lower, upper = float(xl[j]), float(xu[j])
        if upper == lower:
            continue
        x = min(max(X[k, j], lower), upper)
        s_ = upper - lower
        if m <= 0.5:
            x = x + s_ * ((2 * m + (1 - 2 * m) * (1 - (x - lower) / s_) ** (eta + 1)) ** (1 / (eta + 1)) - 1)
        else:
            x = x + s_ * (1 - (2 * (1 - m) + 2 * (m - 0.5) * (1 - (upper - x) / s_) ** (eta + 1)) ** (1 / (eta + 1)))
        X[k, j] = min(max(x, lower), upper)
    return X


def bitflip_ref(X, sites):
    """Returns a flipped copy of ``X`` (the kernel works in place)."""
    X = np.array(X, dtype=bool)
    flat = X.reshape(-1)
    flat[np.asarray(sites, dtype=np.int64)] ^= True
    return X


def uniform_crossover_ref(P1, P2, u, cross):
    P1, P2 = np.asarray(P1, dtype=bool), np.asarray(P2, dtype=bool)
    swap = np.asarray(cross, dtype=bool)[:, None] & (np.asarray(u) < 0.5)
    return np.where(swap, P2, P1), np.where(swap, P1, P2)


def two_point_crossover_ref(P1, P2, a, b, cross):
    P1, P2 = np.asarray(P1, dtype=bool), np.asarray(P2, dtype=bool)
    D = P1.shape[1]
    cols = np.arange(D)[None, :]
    a, b = np.asarray(a)[:, None], np.asarray(b)[:, None]
    swap = np.asarray(cross, dtype=bool)[:, None] & (cols >= a) & (cols < b)
    return np.where(swap, P2, P1), np.where(swap, P1, P2)


def binary_tournament_ref(rank, crowd, cand):
    rank, crowd, cand = np.asarray(rank), np.asarray(crowd), np.asarray(cand)
    out = []
    for a, b in cand:
        if (rank[b], -crowd[b]) < (rank[a], -crowd[a]):
            out.append(b)
        else:
            out.append(a)
    return np.asarray(out, dtype=np.int64)


def guided_flips_ref(M, cand_on, cand_off, score, n_on, n_off, U):
    """Twin of :func:`lsmoo.kernels.guided.guided_flips` (returns a new array)."""
    M = np.array(M, dtype=bool, copy=True)
    for k in range(M.shape[0]):
        t = 0
        for cands, count, turn_on in ((cand_on, n_on, True), (cand_off, n_off, False)):
            L = list(np.flatnonzero(cands[k]))
            t = 0 if turn_on else int(n_on[k])
            for _ in range(int(count[k])):
                if not L:
                    break
                a, b = (min(int(U[k, t, i] * len(L)), len(L) - 1) for i in (0, 1))
                t += 1
                if turn_on:
                    w = a if score[L[a]] >= score[L[b]] else b
                else:
                    w = a if score[L[a]] <= score[L[b]] else b
                M[k, L[w]] = turn_on
                L[w] = L[-1]
                L.pop()
    return M


def threshold_masks_ref(rank_in_group, gid, keep):
    """Twin of :func:`lsmoo.kernels.guided.threshold_masks`."""
    return np.asarray(rank_in_group)[None, :] < np.asarray(keep)[:, np.asarray(gid)]
