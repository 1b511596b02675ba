"""Slow, obviously-correct numpy twins of :mod:`lsmoo.kernels.sparse_ops`, for tests only."""
from __future__ import annotations

import numpy as np

__all__ = ["tournament_masks_ref", "mask_crossover_ref", "mask_mutation_ref"]


def _tournament(members, fitness, ua, ub, worse):
    """PlatEMO's TournamentSelection(2, 1, ±fitness) among ``members`` (ascending variable indices)."""
    n = len(members)
    a = members[min(int(np.floor(ua * n)), n - 1)]
    b = members[min(int(np.floor(ub * n)), n - 1)]
    key = (lambda j: -fitness[j]) if worse else (lambda j: fitness[j])
    return b if key(b) < key(a) else a


def tournament_masks_ref(fitness, counts, cand):
    fitness = np.asarray(fitness, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.int64)
    cand = np.asarray(cand, dtype=np.int64).reshape(-1, 2)
    M = np.zeros((len(counts), len(fitness)), dtype=bool)
    starts = np.concatenate([[0], np.cumsum(counts)])
    for i in range(len(counts)):
        for a, b in cand[starts[i]:starts[i + 1]]:
            M[i, b if fitness[b] < fitness[a] else a] = True
    return M


def mask_crossover_ref(P1, P2, fitness, u_choice, u_a, u_b):
    P1, P2 = np.asarray(P1, dtype=bool), np.asarray(P2, dtype=bool)
    fitness = np.asarray(fitness, dtype=np.float64)
    C = P1.copy()
    for k in range(P1.shape[0]):
        if u_choice[k] < 0.5:
            members = np.flatnonzero(P1[k] & ~P2[k])
            if members.size:
                C[k, _tournament(members, fitness, u_a[k], u_b[k], worse=True)] = False
        else:
            members = np.flatnonzero(~P1[k] & P2[k])
            if members.size:
                C[k, _tournament(members, fitness, u_a[k], u_b[k], worse=False)] = True
    return C


def mask_mutation_ref(M, fitness, u_choice, u_a, u_b):
    """Returns a mutated copy of ``M`` (the kernel works in place)."""
    M = np.array(M, dtype=bool)
    fitness = np.asarray(fitness, dtype=np.float64)
    for k in range(M.shape[0]):
        if u_choice[k] < 0.5:
            members = np.flatnonzero(M[k])
            if members.size:
                M[k, _tournament(members, fitness, u_a[k], u_b[k], worse=True)] = False
        else:
            members = np.flatnonzero(~M[k])
            if members.size:
                M[k, _tournament(members, fitness, u_a[k], u_b[k], worse=False)] = True
    return M
