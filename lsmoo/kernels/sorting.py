"""Non-dominated sorting, crowding distance and nearest-neighbour truncation (Numba kernels behind thin
numpy wrappers).

Everything here is for **minimization**.  The public functions validate and normalise their inputs
(C-contiguous float64 / int64) and call private ``@numba.njit(cache=True)`` kernels, which compile lazily
on first call: importing this module compiles nothing.

Plain-numpy twins used by the tests live in :mod:`lsmoo.kernels.reference`.
"""
from __future__ import annotations

import numba
import numpy as np

__all__ = ["RANK_UNRANKED", "nd_sort", "crowding_distance", "mnn_truncate"]

#: Rank given by :func:`nd_sort` to rows it did not rank (because ``n_stop`` was reached first).
RANK_UNRANKED = np.iinfo(np.int64).max

_BEYOND = -1  # internal: row lies in a front that can no longer be part of the answer


# --------------------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------------------
_CHUNK = 32  # members tested together (branch-free, vectorizable) by _scan_dominated


@numba.njit(cache=True)
def _scan_dominated(A, start, stop, S, p, buf):
    """True if a member in columns ``start:stop`` of the arena ``A`` (rows = objectives 1..M-1, columns
    = a front's members in insertion order) weakly dominates row ``p`` of ``S`` in objectives 1..M-1.

    Callers guarantee that every member precedes ``p`` lexicographically and none equals it, so this
    is exactly "a member dominates p".  Members are tested in chunks of ``_CHUNK`` from the most
    recently added (the lexicographically closest to ``p``), branch-free inside a chunk.
    """
    W = A.shape[0]
    hi = stop
    while hi > start:
        lo = hi - _CHUNK
        if lo < start:
            lo = start
        n = hi - lo
        col = A[0, lo:hi]
        x = S[p, 1]
        for i in range(n):
            buf[i] = col[i] <= x
        for j in range(1, W):
            col = A[j, lo:hi]
            x = S[p, j + 1]
            for i in range(n):
                buf[i] &= col[i] <= x
        acc = False
        for i in range(n):
            acc |= buf[i]
        if acc:
            return True
        hi = lo
    return False


@numba.njit(cache=True)
def _stair_pos(A, start, stop, x):
    """First column i in [start, stop) with ``A[0, i] >= x`` (``stop`` if none); ``A[0, start:stop]`` ascends."""
    lo = start
    hi = stop
    while lo < hi:
        mid = (lo + hi) >> 1
        if A[0, mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(cache=True)
def _stair_dominated(A, start, stop, a, b):
    """M == 3: True if a point of the staircase in columns ``start:stop`` of ``A`` weakly dominates
    (a, b).

    The staircase holds the non-dominated (f2, f3) projections of a front's members (0-based objectives
    1 and 2) with f2 strictly ascending and f3 strictly descending, so only the last point with
    f2 <= a needs checking.
    """
    i = _stair_pos(A, start, stop, a)
    if i < stop and A[0, i] == a:
        return A[1, i] <= b
    if i == start:
        return False
    return A[1, i - 1] <= b


@numba.njit(cache=True)
def _count_ranked(count, k, cum, limit, n_stop):
    """Count a row placed in front k; with ``n_stop`` shrink ``limit`` (the last front that can still
    be kept) while the fronts before it already hold ``n_stop`` rows. Returns (cum, limit)."""
    count[k] += 1
    cum += 1
    if n_stop > 0:
        while limit > 0 and cum - count[limit] >= n_stop:
            cum -= count[limit]
            limit -= 1
    return cum, limit


@numba.njit(cache=True)
def _nd_sort2_kernel(F, order, n_stop):
    """M <= 2 in O(N log N): ENS-BS where a front is summarised by its last member's second objective.

    Rows are visited in lexicographic ``order``.  Inside a front, members in insertion order have
    strictly increasing first and strictly decreasing second objective, so the front dominates a new
    (non-duplicate) row p iff ``last[k] <= p2``, and ``last`` increases with k: the row's front is
    ``searchsorted(last, p2, side="right")``.  For M == 1 every second objective is taken as 0, so each
    distinct value opens a new front.  ``n_stop`` as in :func:`_nd_sort_kernel`.
    """
    N, M = F.shape
    rank = np.full(N, RANK_UNRANKED, dtype=np.int64)
    last = np.empty(N, dtype=np.float64)        # per front: second objective of its newest member
    count = np.zeros(N + 1, dtype=np.int64)     # per front: members
    front_of = np.full(N, _BEYOND, dtype=np.int64)  # per sorted position
    nf = 0
    limit = N
    cum = 0
    pa = 0.0
    pb = 0.0
    for t in range(N):
        r = order[t]
        a = F[r, 0]
        b = F[r, 1] if M > 1 else 0.0
        if t > 0 and a == pa and b == pb:
            k = front_of[t - 1]
            if k > limit:
                k = _BEYOND
        else:
            lo = 0
            hi = nf if nf < limit + 1 else limit + 1
            while lo < hi:
                mid = (lo + hi) >> 1
                if last[mid] <= b:
                    lo = mid + 1
                else:
                    hi = mid
            k = lo
            if k > limit:
                k = _BEYOND
            else:
                if k == nf:
                    nf += 1
                last[k] = b
        front_of[t] = k
        if k != _BEYOND:
            cum, limit = _count_ranked(count, k, cum, limit, n_stop)
        pa = a
        pb = b
    for t in range(N):
        k = front_of[t]
        if k != _BEYOND and k <= limit:
            rank[order[t]] = k
    return rank


@numba.njit(cache=True)
def _nd_sort_kernel(F, order, n_stop):
    """ENS (Zhang et al., IEEE TEVC 2015) for M >= 3 over the rows of ``F`` in lexicographic ``order``.

    Each row is put into the first front none of whose members dominates it; a row equal to its
    predecessor in ``order`` joins the predecessor's front (and is not stored again).  Every front is
    a block of an arena with one row per objective 1..M-1 and one column per stored member (capacity
    doubling; a growing block moves to the arena's end).  By number of objectives M:

    * M == 3: the front is found by binary search (ENS-BS; valid because a row dominated by a member
      of front k is dominated by a member of every front before k), and a block is a 2-D staircase of
      its members' (f2, f3) projections (members weakly dominated in projection are dropped: whatever
      they dominate, the member dropping them dominates too), so each front test is O(log n);
    * M >= 4: sequential search over fronts (ENS-SS), each block scanned from its newest member, in
      vectorizable chunks; binary search instead while there are many small fronts.

    With ``n_stop > 0`` the kernel keeps ``limit`` = the smallest front index whose fronts 0..limit
    already hold >= n_stop rows; fronts beyond ``limit`` can never be in the answer, so they are not
    stored or searched (a row that would land there is marked beyond and gets RANK_UNRANKED).
    """
    N, M = F.shape
    rank = np.full(N, RANK_UNRANKED, dtype=np.int64)
    if N == 0:
        return rank
    W = M - 1
    stair = M == 3
    binary = M == 3
    # sorted copy: rows visited in order
    S = np.empty((N, M), dtype=np.float64)
    for t in range(N):
        for j in range(M):
            S[t, j] = F[order[t], j]
    A = np.empty((W, max(64, 2 * N)), dtype=np.float64)  # arena of front blocks, objectives 1..M-1
    buf = np.empty(_CHUNK, dtype=np.bool_)
    top = 0                                              # arena columns in use
    off = np.zeros(N + 1, dtype=np.int64)                # per front: first arena column of its block
    size = np.zeros(N + 1, dtype=np.int64)               # per front: columns used by its block
    cap = np.zeros(N + 1, dtype=np.int64)                # per front: capacity of its block
    count = np.zeros(N + 1, dtype=np.int64)              # per front: members
    front_of = np.full(N, _BEYOND, dtype=np.int64)
    nf = 0          # fronts opened so far
    limit = N       # fronts > limit are irrelevant (only shrinks when n_stop > 0)
    cum = 0         # rows in fronts 0..limit
    stored = 0      # rows stored in blocks (all fronts)
    for p in range(N):
        dup = False
        if p > 0:
            dup = True
            for j in range(M):
                if S[p, j] != S[p - 1, j]:
                    dup = False
                    break
        if dup:
            # same front as the predecessor; its block already covers this row
            k = front_of[p - 1]
            if k > limit:
                k = _BEYOND
        else:
            hi = nf if nf < limit + 1 else limit + 1
            # M >= 4: binary search pays when there are many small fronts (a probe of a front that
            # does not dominate costs a full scan, ~ stored / nf members; one that does ~ a chunk)
            if binary or (hi >= 8 and hi * hi * _CHUNK > np.log2(hi) * stored):
                lo = 0
                while lo < hi:
                    mid = (lo + hi) >> 1
                    if stair:
                        d = _stair_dominated(A, off[mid], off[mid] + size[mid], S[p, 1], S[p, 2])
                    else:
                        d = _scan_dominated(A, off[mid], off[mid] + size[mid], S, p, buf)
                    if d:
                        lo = mid + 1
                    else:
                        hi = mid
                k = lo
            else:
                k = 0
                while k < hi and _scan_dominated(A, off[k], off[k] + size[k], S, p, buf):
                    k += 1
            if k > limit:
                k = _BEYOND
            elif k == nf:
                nf += 1
            if k != _BEYOND:
                # add the row to front k's block
                if size[k] == cap[k]:
                    newcap = 4 if cap[k] == 0 else 2 * cap[k]
                    if top + newcap > A.shape[1]:
                        B = np.empty((W, max(2 * A.shape[1], top + newcap)), dtype=np.float64)
                        B[:, :top] = A[:, :top]
                        A = B
                    A[:, top:top + size[k]] = A[:, off[k]:off[k] + size[k]]
                    off[k] = top
                    cap[k] = newcap
                    top += newcap
                o = off[k]
                n = size[k]
                if stair:
                    a = S[p, 1]
                    b = S[p, 2]
                    i = _stair_pos(A, o, o + n, a)       # first point with f2 >= a
                    e = i
                    while e < o + n and A[1, e] >= b:    # ...and those p weakly dominates
                        e += 1
                    if e == i:                           # nothing removed: shift the tail right
                        for r in range(o + n, i, -1):
                            A[0, r] = A[0, r - 1]
                            A[1, r] = A[1, r - 1]
                        size[k] = n + 1
                    elif e > i + 1:                      # several removed: shift the tail left
                        for r in range(e, o + n):
                            A[0, i + 1 + r - e] = A[0, r]
                            A[1, i + 1 + r - e] = A[1, r]
                        size[k] = n - (e - i) + 1
                    A[0, i] = a
                    A[1, i] = b
                else:
                    for j in range(W):
                        A[j, o + n] = S[p, j + 1]
                    size[k] = n + 1
                stored += 1
        front_of[p] = k
        if k != _BEYOND:
            cum, limit = _count_ranked(count, k, cum, limit, n_stop)
    for t in range(N):
        k = front_of[t]
        if k != _BEYOND and k <= limit:
            rank[order[t]] = k
    return rank


@numba.njit(cache=True)
def _crowding_kernel(F, rank):
    N, M = F.shape
    cd = np.zeros(N, dtype=np.float64)
    if N == 0:
        return cd
    by_rank = np.argsort(rank, kind="mergesort")  # stable: a front's members stay in index order
    start = 0
    while start < N:
        r = rank[by_rank[start]]
        stop = start + 1
        while stop < N and rank[by_rank[stop]] == r:
            stop += 1
        if r != RANK_UNRANKED:
            members = by_rank[start:stop]
            n = stop - start
            if n <= 2:
                for i in range(n):
                    cd[members[i]] = np.inf
            else:
                vals = np.empty(n, dtype=np.float64)
                for j in range(M):
                    for i in range(n):
                        vals[i] = F[members[i], j]
                    o = np.argsort(vals, kind="mergesort")
                    fmin = vals[o[0]]
                    fmax = vals[o[n - 1]]
                    cd[members[o[0]]] = np.inf
                    cd[members[o[n - 1]]] = np.inf
                    if fmax > fmin:
                        span = fmax - fmin
                        for i in range(1, n - 1):
                            cd[members[o[i]]] += (vals[o[i + 1]] - vals[o[i - 1]]) / span
        start = stop
    return cd


@numba.njit(cache=True)
def _dist(Z, a, b):
    """Euclidean distance between rows a and b of Z (squares summed objective by objective, in order)."""
    s = 0.0
    for j in range(Z.shape[1]):
        diff = Z[a, j] - Z[b, j]
        s += diff * diff
    return np.sqrt(s)


@numba.njit(cache=True)
def _mnn_row(Z, alive, i, k, near):
    """Product of the ``k`` smallest distances from row ``i`` to the other alive rows (multiplied in
    ascending order) and the largest of them (inf when there are none)."""
    if k <= 0:
        return 1.0, np.inf
    n = 0
    for j in range(Z.shape[0]):
        if j == i or not alive[j]:
            continue
        d = _dist(Z, i, j)
        if n < k:
            n += 1
        elif d >= near[k - 1]:
            continue
        pos = n - 1  # insert d into the sorted prefix near[:n]
        while pos > 0 and near[pos - 1] > d:
            near[pos] = near[pos - 1]
            pos -= 1
        near[pos] = d
    score = 1.0
    for t in range(n):
        score *= near[t]
    return score, (near[n - 1] if n > 0 else np.inf)


@numba.njit(cache=True)
def _mnn_truncate_kernel(F, n_keep):
    N, M = F.shape
    alive = np.ones(N, dtype=np.bool_)
    if n_keep >= N:
        return alive
    protected = np.zeros(N, dtype=np.bool_)
    Z = np.empty((N, M), dtype=np.float64)
    for j in range(M):
        lo = F[0, j]
        hi = F[0, j]
        arg = 0
        for i in range(1, N):
            if F[i, j] < lo:
                lo = F[i, j]
                arg = i
            if F[i, j] > hi:
                hi = F[i, j]
        protected[arg] = True
        span = hi - lo if hi > lo else 1.0
        for i in range(N):
            Z[i, j] = (F[i, j] - lo) / span
    score = np.empty(N, dtype=np.float64)
    reach = np.empty(N, dtype=np.float64)
    near = np.empty(max(M, 1), dtype=np.float64)
    n_alive = N
    k = min(M, n_alive - 1)
    for i in range(N):
        score[i], reach[i] = _mnn_row(Z, alive, i, k, near)
    while n_alive > n_keep:
        worst = -1
        for i in range(N):
            if not alive[i]:
                continue
            if worst < 0 or (protected[worst] and not protected[i]) or (
                    protected[i] == protected[worst] and score[i] < score[worst]):
                worst = i
        alive[worst] = False
        n_alive -= 1
        k_new = min(M, n_alive - 1)
        for i in range(N):
            if alive[i] and (k_new != k or _dist(Z, i, worst) <= reach[i]):
                score[i], reach[i] = _mnn_row(Z, alive, i, k_new, near)
        k = k_new
    return alive


# --------------------------------------------------------------------------------------------------
# public wrappers
# --------------------------------------------------------------------------------------------------
def _objectives(F, name="F"):
    F = np.ascontiguousarray(F, dtype=np.float64)
    if F.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (N x M), got shape {F.shape}")
    return F


def _lex_order(F):
    """Row indices in lexicographic order (np.lexsort is several times slower than one argsort, so it
    is only used when the first objective has ties)."""
    order = np.argsort(F[:, 0])
    f0 = F[order, 0]
    if F.shape[1] > 1 and (f0[1:] == f0[:-1]).any():
        order = np.lexsort(F.T[::-1])
    return order.astype(np.int64, copy=False)


def nd_sort(F, n_stop=-1):
    """Pareto non-dominated sorting (minimization): the 0-based front index of every row of ``F``.

    Row a dominates row b if ``a <= b`` in every objective and ``a < b`` in at least one.  Front 0 holds
    the rows no row dominates; front k the rows dominated only by rows of fronts < k.  Identical rows
    never dominate each other and always share a front.

    Parameters
    ----------
    F : array (N, M) of float
        Objective values; NaN is rejected (``ValueError``), +-inf is ordered as usual.
    n_stop : int
        If > 0, stop as soon as the fronts found so far hold >= ``n_stop`` rows: fronts 0..k are
        returned complete, where k is the smallest index with ``sum(|front 0..k|) >= n_stop``, and all
        other rows get :data:`RANK_UNRANKED`.  The ranks given equal those of the full sort.  ``n_stop``
        <= 0 (default) or >= N ranks every row.

    Returns
    -------
    int64 array (N,)

    Algorithm: rows are sorted lexicographically, then ENS (Zhang et al., "An efficient approach to
    non-dominated sorting for evolutionary multi-objective optimization", IEEE TEVC 2015) assigns each
    row to the first front none of whose members dominates it.  M <= 2: binary search over fronts with
    one comparison per front, O(N log N) (M == 1: the rank is the order of the distinct values).
    M == 3: binary search over fronts, each front kept as a 2-D staircase of its (f2, f3) projections,
    O(log) per front test.  M >= 4: sequential search over fronts with chunked, vectorizable scans of
    each front (binary search while there are many small fronts).  O(N^2 M) in the worst case.
    """
    F = _objectives(F)
    N, M = F.shape
    if N and M == 0:
        # no objectives: every row equals every other
        return np.zeros(N, dtype=np.int64)
    if np.isnan(F).any():
        raise ValueError("nd_sort: F contains NaN")
    if N == 0:
        return np.zeros(0, dtype=np.int64)
    order = _lex_order(F)
    if M <= 2:
        return _nd_sort2_kernel(F, order, int(n_stop))
    return _nd_sort_kernel(F, order, int(n_stop))


def crowding_distance(F, rank):
    """NSGA-II crowding distance, computed separately inside every front (PlatEMO semantics).

    For each front (the rows sharing a value of ``rank``; rows with ``rank == RANK_UNRANKED`` get 0.0)
    and each objective j: the front's members are sorted by ``F[:, j]`` (stable, ties keep row order);
    the first and the last get ``inf``; every interior member adds ``(f[next] - f[prev]) / (fmax -
    fmin)`` where fmax / fmin are the front's extremes in objective j.  An objective with
    ``fmax == fmin`` adds nothing (its first and last members still get ``inf``).  Members of a front of
    size 1 or 2 are all ``inf``.

    ``F`` (N, M) must be finite (``ValueError`` otherwise); ``rank`` is an int array (N,) (any values,
    not necessarily contiguous).  Returns a float64 array (N,).
    """
    F = _objectives(F)
    rank = np.ascontiguousarray(rank, dtype=np.int64)
    if rank.shape != (F.shape[0],):
        raise ValueError(f"crowding_distance: rank must have shape ({F.shape[0]},), got {rank.shape}")
    if not np.isfinite(F).all():
        raise ValueError("crowding_distance: F contains NaN or inf")
    return _crowding_kernel(F, rank)


def mnn_truncate(F, n_keep):
    """Indices of the ``n_keep`` rows of ``F`` kept by iterative M-nearest-neighbour truncation
    (Kukkonen & Deb, "A fast and effective method for pruning of non-dominated solutions in
    many-objective problems", PPSN 2006): the way to thin one front evenly when M >= 3, where the
    crowding distance leaves holes.

    Objectives are scaled to [0, 1] by the rows' minimum and maximum (a constant objective is left
    unscaled).  Every row's score is the product of its Euclidean distances to its ``k = min(M, alive - 1)``
    nearest alive rows (multiplied in ascending order); the row with the smallest score is removed and the
    scores it changed are recomputed, until ``n_keep`` rows remain.  For each objective the first row
    holding its minimum is protected: it is removed only when every alive row is protected.  Ties go to
    the lowest index.

    ``F`` (N, M) must be finite (``ValueError`` otherwise); ``0 <= n_keep`` (``n_keep >= N`` keeps every
    row).  Returns the survivors' indices, sorted, int64.  Time: O(N^2 M) for the first scores, then
    O(N M) per recomputed score (about M of them per removal, all of them in the last M removals or
    among duplicates): O(N^2 M^2) typically, O(N^3 M) at worst.  Memory O(N M): distances are
    recomputed when needed, not stored.
    """
    F = _objectives(F)
    n_keep = int(n_keep)
    if n_keep < 0:
        raise ValueError(f"mnn_truncate: n_keep must be >= 0, got {n_keep}")
    if not np.isfinite(F).all():
        raise ValueError("mnn_truncate: F contains NaN or inf")
    if F.shape[0] == 0 or F.shape[1] == 0:
        return np.arange(min(n_keep, F.shape[0]), dtype=np.int64)
    return np.flatnonzero(_mnn_truncate_kernel(F, n_keep)).astype(np.int64)
