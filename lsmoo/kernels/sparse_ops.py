"""Score-guided mask operators of SparseEA (Numba kernels behind thin numpy wrappers).

SparseEA (Tian et al., IEEE TEVC 2020) keeps, besides the real part ``dec``, a binary ``mask`` per
solution and a score per variable (``fitness``: **lower = better**, i.e. more likely to be non-zero in
good solutions).  Its mask operators never flip random bits: they pick *one* variable by a binary
tournament on the scores, among the variables of a set that depends on the parents, and switch it on or
off.  This module holds those operators:

* :func:`tournament_masks` — the initial masks (each row: a number of tournaments over all variables,
  the winners switched on);
* :func:`mask_crossover` — one child per pair: a copy of parent 1 with one bit changed;
* :func:`mask_mutation` — one bit changed per row, in place.

The two one-bit operators run on :func:`lsmoo.kernels.guided.guided_flips` (the hierarchical engine's
several-bit generalization, score = −fitness) with one flip per row.

"Binary tournament inside a set" is always done the same way (PlatEMO's ``TournamentSelection(2, 1,
fitness)``): two candidates are drawn uniformly *with replacement* from the set's members (listed in
ascending variable order), at positions ``floor(u_a * n)`` and ``floor(u_b * n)`` for pre-drawn
uniforms ``u_a``, ``u_b`` in [0, 1) and ``n`` the set's size; the second candidate wins only if it is
strictly better, otherwise the first wins.  "Better" is the lower score when a variable is switched on
and the higher score (PlatEMO's ``-Fitness``) when one is switched off.  An empty set changes nothing.

Every random number is drawn beforehand by the caller from the run's Generator; kernels are
deterministic.  Plain-numpy twins: :mod:`lsmoo.kernels.sparse_ops_reference`.
"""
from __future__ import annotations

import numba
import numpy as np

__all__ = ["tournament_masks", "mask_crossover", "mask_mutation"]


# --------------------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------------------
@numba.njit(cache=True)
def _tournament_masks_kernel(fitness, counts, cand, D):
    N = counts.shape[0]
    M = np.zeros((N, D), dtype=np.bool_)
    t = 0
    for i in range(N):
        for _ in range(counts[i]):
            a = cand[t, 0]
            b = cand[t, 1]
            t += 1
            if fitness[b] < fitness[a]:
                M[i, b] = True
            else:
                M[i, a] = True
    return M


def _one_flip(M, cand_on, cand_off, fitness, u_choice, u_a, u_b):
    """One tournament flip per row through the shared guided-flip kernel: off (worse = higher
    fitness) when u_choice < 0.5, else on (better = lower fitness); ties keep the first candidate."""
    from .guided import guided_flips

    off = u_choice < 0.5
    U = np.stack([u_a, u_b], axis=-1)[:, None, :]
    guided_flips(M, cand_on, cand_off, -fitness, (~off).astype(np.int64), off.astype(np.int64), U)


# --------------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------------
def _fitness(fitness, D, fn):
    fitness = np.ascontiguousarray(fitness, dtype=np.float64)
    if fitness.shape != (D,):
        raise ValueError(f"{fn}: fitness must have shape ({D},), got {fitness.shape}")
    if np.isnan(fitness).any():
        raise ValueError(f"{fn}: fitness contains NaN")
    return fitness


def _masks(P, name, fn):
    P = np.ascontiguousarray(P, dtype=np.bool_)
    if P.ndim != 2:
        raise ValueError(f"{fn}: {name} must be a 2-D bool array, got shape {P.shape}")
    return P


def _uniforms(K, fn, **us):
    out = []
    for name, u in us.items():
        u = np.ascontiguousarray(u, dtype=np.float64)
        if u.shape != (K,):
            raise ValueError(f"{fn}: {name} must have shape ({K},), got {u.shape}")
        if u.size and not ((u >= 0.0) & (u < 1.0)).all():
            raise ValueError(f"{fn}: {name} must lie in [0, 1)")
        out.append(u)
    return out


# --------------------------------------------------------------------------------------------------
# public wrappers
# --------------------------------------------------------------------------------------------------
def tournament_masks(fitness, counts, cand):
    """SparseEA's initial masks: a new bool array (N, D), N = ``len(counts)``, D = ``len(fitness)``.

    Row i runs ``counts[i]`` binary tournaments, the pairs ``cand[t]`` for ``t`` in
    ``[sum(counts[:i]), sum(counts[:i+1]))``, and switches the winners on: ``cand[t, 1]`` wins if its
    ``fitness`` is strictly lower, otherwise ``cand[t, 0]`` (PlatEMO: ``Mask(i, TournamentSelection(2,
    ceil(rand*D), Fitness)) = 1``, so a row has at most ``counts[i]`` ones).

    ``fitness``: float (D,), no NaN; ``counts``: int (N,) >= 0; ``cand``: int (sum(counts), 2) in
    ``[0, D)``.
    """
    fn = "tournament_masks"
    fitness = np.ascontiguousarray(fitness, dtype=np.float64)
    if fitness.ndim != 1:
        raise ValueError(f"{fn}: fitness must be 1-D, got shape {fitness.shape}")
    D = fitness.shape[0]
    fitness = _fitness(fitness, D, fn)
    counts = np.ascontiguousarray(counts, dtype=np.int64)
    if counts.ndim != 1:
        raise ValueError(f"{fn}: counts must be 1-D, got shape {counts.shape}")
    if counts.size and counts.min() < 0:
        raise ValueError(f"{fn}: counts must be >= 0")
    cand = np.ascontiguousarray(cand, dtype=np.int64)
    total = int(counts.sum())
    if cand.shape != (total, 2):
        raise ValueError(f"{fn}: cand must have shape ({total}, 2) (sum of counts, 2), got {cand.shape}")
    if cand.size and (cand.min() < 0 or cand.max() >= D):
        raise ValueError(f"{fn}: cand indices must lie in [0, {D})")
    return _tournament_masks_kernel(fitness, counts, cand, D)


def mask_crossover(P1, P2, fitness, u_choice, u_a, u_b):
    """SparseEA's mask crossover: one child per pair, a new bool array (K, D).

    The child starts as a copy of ``P1[k]``.  If ``u_choice[k] < 0.5`` one variable of the set
    ``P1 & ~P2`` (on in parent 1 only) chosen by tournament on the **higher** fitness (the worse
    variable) is switched off; otherwise one variable of ``~P1 & P2`` (on in parent 2 only) chosen by
    tournament on the **lower** fitness is switched on.  The tournament picks positions
    ``floor(u_a[k] * n)`` and ``floor(u_b[k] * n)`` of the set's members in ascending order (see the
    module docstring).  So the child differs from ``P1[k]`` in at most one bit, and every bit it has on
    is on in ``P1[k] | P2[k]``.

    ``P1``, ``P2``: bool (K, D); ``fitness``: float (D,) (lower = better, no NaN); ``u_choice``,
    ``u_a``, ``u_b``: float (K,) in [0, 1).
    """
    fn = "mask_crossover"
    P1 = _masks(P1, "P1", fn)
    P2 = _masks(P2, "P2", fn)
    if P2.shape != P1.shape:
        raise ValueError(f"{fn}: P2 has shape {P2.shape}, expected {P1.shape} (like P1)")
    K, D = P1.shape
    fitness = _fitness(fitness, D, fn)
    u_choice, u_a, u_b = _uniforms(K, fn, u_choice=u_choice, u_a=u_a, u_b=u_b)
    C = P1.copy()
    _one_flip(C, ~P1 & P2, P1 & ~P2, fitness, u_choice, u_a, u_b)
    return C


def mask_mutation(M, fitness, u_choice, u_a, u_b):
    """SparseEA's mask mutation, **in place** on ``M``; returns None.

    For every row k: if ``u_choice[k] < 0.5`` one variable that is on, chosen by tournament on the
    **higher** fitness, is switched off; otherwise one variable that is off, chosen by tournament on
    the **lower** fitness, is switched on (nothing happens when the set is empty).  Tournament
    positions as in :func:`mask_crossover`.

    ``M``: C-contiguous, writeable bool (K, D); ``fitness``: float (D,); ``u_*``: float (K,) in [0, 1).
    """
    fn = "mask_mutation"
    if not isinstance(M, np.ndarray) or M.dtype != np.bool_ or M.ndim != 2 or not M.flags.c_contiguous:
        raise ValueError(f"{fn}: M must be a C-contiguous 2-D bool array (modified in place)")
    if not M.flags.writeable:
        raise ValueError(f"{fn}: M is read-only")
    K, D = M.shape
    fitness = _fitness(fitness, D, fn)
    u_choice, u_a, u_b = _uniforms(K, fn, u_choice=u_choice, u_a=u_a, u_b=u_b)
    _one_flip(M, ~M, M.copy(), fitness, u_choice, u_a, u_b)
