"""Importance-guided bit flips on (unpacked) boolean masks.

``guided_flips`` turns ON ``n_on[k]`` bits of row k chosen among ``cand_on[k]`` and turns OFF ``n_off[k]``
bits chosen among ``cand_off[k]``; every pick is a binary tournament on ``score`` (higher = more
important): the more important candidate is turned on, the less important one turned off. This is
SparseEA's score-guided mask operator generalized to several flips per row, and the flip operator of
the hierarchical engine (crossover: candidates p1&~p2 / ~p1&p2; mutation: mask / ~mask).

Exact semantics (shared by the kernel and its numpy twin :func:`guided_flips_ref`): per row k, the
on-candidates are the indices j with ``cand_on[k, j]`` in increasing order, forming a list L. For
t = 0 … n_on[k]−1 while L is not empty: a = min(⌊U[k,t,0]·|L|⌋, |L|−1), b likewise from U[k,t,1]; the winner is a if
score[L[a]] >= score[L[b]] else b; set M[k, L[winner]] = True; remove it from L by moving the last
element of L into its place. Then the off-candidates likewise with t continuing after the last on-pick
(t = n_on[k] … n_on[k]+n_off[k]−1); the loser is a if score[L[a]] <= score[L[b]] else b and is set False.
Candidates are taken from ``cand_on``/``cand_off`` as given at the call (so pass disjoint sets).
"""
from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def _guided_flips_kernel(M, cand_on, cand_off, score, n_on, n_off, U):
    K, D = M.shape
    buf_on = np.empty(D, dtype=np.int64)
    buf_off = np.empty(D, dtype=np.int64)
    for k in range(K):
        no = 0
        nf = 0
        for j in range(D):
            if cand_on[k, j]:
                buf_on[no] = j
                no += 1
            if cand_off[k, j]:
                buf_off[nf] = j
                nf += 1
        t = 0
        for _ in range(n_on[k]):
            if no == 0:
                break
            a = min(int(U[k, t, 0] * no), no - 1)
            b = min(int(U[k, t, 1] * no), no - 1)
            t += 1
            w = a if score[buf_on[a]] >= score[buf_on[b]] else b
            M[k, buf_on[w]] = True
            no -= 1
            buf_on[w] = buf_on[no]
        t = n_on[k]
        for _ in range(n_off[k]):
            if nf == 0:
                break
            a = min(int(U[k, t, 0] * nf), nf - 1)
            b = min(int(U[k, t, 1] * nf), nf - 1)
            t += 1
            w = a if score[buf_off[a]] <= score[buf_off[b]] else b
            M[k, buf_off[w]] = False
            nf -= 1
            buf_off[w] = buf_off[nf]


def guided_flips(M, cand_on, cand_off, score, n_on, n_off, U):
    """In place on the bool array ``M`` (K × D); see the module docstring. ``U`` is float64
    (K × T × 2) with T >= max(n_on + n_off) and values in [0, 1)."""
    K, D = M.shape
    if M.dtype != np.bool_ or not M.flags.c_contiguous:
        raise ValueError("guided_flips: M must be a C-contiguous bool array")
    cand_on = np.ascontiguousarray(cand_on, dtype=np.bool_)
    cand_off = np.ascontiguousarray(cand_off, dtype=np.bool_)
    score = np.ascontiguousarray(score, dtype=np.float64)
    n_on = np.ascontiguousarray(n_on, dtype=np.int64)
    n_off = np.ascontiguousarray(n_off, dtype=np.int64)
    U = np.ascontiguousarray(U, dtype=np.float64)
    if cand_on.shape != (K, D) or cand_off.shape != (K, D) or score.shape != (D,):
        raise ValueError("guided_flips: cand_on/cand_off must be K × D and score of length D")
    if n_on.shape != (K,) or n_off.shape != (K,) or (n_on < 0).any() or (n_off < 0).any():
        raise ValueError("guided_flips: n_on/n_off must be non-negative of length K")
    need = int((n_on + n_off).max()) if K else 0
    if U.ndim != 3 or U.shape[0] != K or U.shape[1] < need or U.shape[2] != 2:
        raise ValueError(f"guided_flips: U must be K × T × 2 with T >= {need}")
    if K and D:
        _guided_flips_kernel(M, cand_on, cand_off, score, n_on, n_off, U)


@numba.njit(cache=True)
def _threshold_masks_kernel(rank_in_group, gid, keep):
    N = keep.shape[0]
    D = rank_in_group.shape[0]
    M = np.empty((N, D), dtype=np.bool_)
    for k in range(N):
        row = keep[k]
        for i in range(D):
            M[k, i] = rank_in_group[i] < row[gid[i]]
    return M


def threshold_masks(rank_in_group, gid, keep):
    """Masks from per-group keep counts: ``M[k, i] = rank_in_group[i] < keep[k, gid[i]]`` (variable i is
    kept when its importance rank inside its group is below the row's count for that group).

    ``rank_in_group``, ``gid``: int64 (D,); ``keep``: int64 (N, G). Returns bool (N, D). The numpy twin is
    the expression itself (it gathers an N × D int64 array, 8 bytes per variable and row, which this
    kernel avoids).
    """
    rank_in_group = np.ascontiguousarray(rank_in_group, dtype=np.int64)
    gid = np.ascontiguousarray(gid, dtype=np.int64)
    keep = np.ascontiguousarray(keep, dtype=np.int64)
    if rank_in_group.shape != gid.shape or rank_in_group.ndim != 1 or keep.ndim != 2:
        raise ValueError("threshold_masks: rank_in_group and gid must be (D,), keep (N, G)")
    if gid.size and (gid.min() < 0 or gid.max() >= keep.shape[1]):
        raise ValueError("threshold_masks: group ids must lie in [0, G)")
    return _threshold_masks_kernel(rank_in_group, gid, keep)
