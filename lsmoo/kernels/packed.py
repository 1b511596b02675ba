"""Bit-packed binary populations: masks over millions of variables at one bit per variable.

Layout
------
A population of ``N`` masks over ``n_var`` variables is a C-contiguous ``uint8`` array of shape
``(N, ceil(n_var / 8))``, **byte-identical to** ``np.packbits(M, axis=1)`` (bit order "big"): variable
``d`` of row ``i`` is bit ``7 - d % 8`` (0 = least significant) of byte ``P[i, d // 8]``, and the last
``8 * ceil(n_var / 8) - n_var`` bits of every row (the *padding*) are always 0.  This is the layout of
run directories (:func:`lsmoo.result.pack_rows`) too, so masks move between a run and the kernels
without conversion.  100 masks of 10^7 variables take 125 MB (a bool array takes 1 GB).

Rows stay ``uint8`` rather than ``uint64`` words: the kernels read 8 bytes at a time with one unaligned
64-bit load (``llvm.ctpop`` for popcounts), which is as fast as a ``uint64`` layout (memory-bound on
both), and it keeps one layout for the library, the run directories and numpy's own
``packbits``/``unpackbits``.

Functions that need to know where the padding starts take ``n_var`` and reject an input whose shape
does not match or whose padding bits are set (a sign of corruption); everything that writes keeps the
padding at 0.

Every kernel is a stateless ``@numba.njit(cache=True)`` function behind a numpy-facing wrapper that
validates its inputs; randomness is always drawn beforehand by the caller (``rand_bytes``, ``a``/``b``,
``sites``, ``u_on``/``u_off``).  Plain numpy twins on unpacked bool arrays live in
:mod:`lsmoo.kernels.packed_reference`.  Importing this module compiles nothing.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic

__all__ = [
    "n_bytes",
    "zeros",
    "pack",
    "unpack",
    "unpack_rows",
    "get_columns",
    "random_bits",
    "check_packed",
    "popcount",
    "hamming",
    "hamming_matrix",
    "unique_rows",
    "duplicate_mask",
    "uniform_crossover",
    "two_point_crossover",
    "flip_sites",
    "FlipWeights",
    "flip_weights",
    "weighted_flip",
]

_U64 = np.uint64
_MASK64 = (1 << 64) - 1
_MIX_MUL = 0x9E3779B97F4A7C15  # odd constant (2^64 / golden ratio) for the row hash
_HAMMING_CHUNK = 4096          # bytes per row and column block in hamming_matrix (cache blocking)


# --------------------------------------------------------------------------------------------------
# low-level primitives: 8-byte unaligned load, popcount, hash mixing
# (plain-Python versions when NUMBA_DISABLE_JIT is set, so the kernels run as ordinary Python)
# --------------------------------------------------------------------------------------------------
if numba.config.DISABLE_JIT:  # pragma: no cover - exercised by the NUMBA_DISABLE_JIT coverage run

    def _load8(a, i):
        """The 8 bytes ``a[i:i+8]`` as one little-endian uint64."""
        return _U64(int.from_bytes(a[i:i + 8].tobytes(), "little"))

    def _ctpop(x):
        return bin(int(x)).count("1")

    def _cttz(x):
        x = int(x)
        return (x & -x).bit_length() - 1

    def _mix(h, w):
        x = ((int(h) ^ int(w)) * _MIX_MUL) & _MASK64
        return _U64(x ^ (x >> 32))

else:
    from llvmlite import ir

    @intrinsic
    def _load8(typingctx, arr, idx):
        """The 8 bytes ``arr[idx:idx+8]`` as one uint64 (little-endian machines; unaligned load, no
        bounds check).  Only for 1-D C-contiguous uint8 arrays."""
        if not (isinstance(arr, types.Array) and arr.dtype == types.uint8 and arr.ndim == 1
                and arr.layout == "C" and isinstance(idx, types.Integer)):
            return None
        sig = types.uint64(arr, types.intp)

        def codegen(context, builder, signature, args):
            a, i = args
            ary = context.make_array(signature.args[0])(context, builder, a)
            ptr = builder.gep(ary.data, [i])
            return builder.load(builder.bitcast(ptr, ir.IntType(64).as_pointer()), align=1)

        return sig, codegen

    @intrinsic
    def _ctpop(typingctx, x):
        """Number of set bits of a uint64 (``llvm.ctpop``: one POPCNT instruction on x86-64)."""
        if x != types.uint64:
            return None
        sig = types.int64(types.uint64)

        def codegen(context, builder, signature, args):
            fn = builder.module.declare_intrinsic("llvm.ctpop", [ir.IntType(64)])
            return builder.call(fn, [args[0]])

        return sig, codegen

    @intrinsic
    def _cttz(typingctx, x):
        """Index of the lowest set bit of a non-zero uint64 (``llvm.cttz``: one TZCNT/BSF)."""
        if x != types.uint64:
            return None
        sig = types.int64(types.uint64)

        def codegen(context, builder, signature, args):
            fn = builder.module.declare_intrinsic("llvm.cttz", [ir.IntType(64), ir.IntType(1)])
            return builder.call(fn, [args[0], ir.Constant(ir.IntType(1), 0)])

        return sig, codegen

    if sys.byteorder != "little":  # pragma: no cover - the canonical block words assume little-endian

        @numba.njit(cache=True)
        def _load8(a, i):
            x = _U64(0)
            for j in range(8):
                x |= _U64(a[i + j]) << _U64(8 * j)
            return x

    @numba.njit(cache=True)
    def _mix(h, w):
        x = (h ^ w) * _U64(_MIX_MUL)
        return x ^ (x >> _U64(32))


# --------------------------------------------------------------------------------------------------
# row primitives
# --------------------------------------------------------------------------------------------------
@numba.njit(cache=True)
def _tail_word(a, start, stop):
    """Bytes ``a[start:stop]`` (fewer than 8) as a uint64, little-endian."""
    x = _U64(0)
    for j in range(start, stop):
        x |= _U64(a[j]) << _U64(8 * (j - start))
    return x


@numba.njit(cache=True)
def _popcount_row(a):
    B = a.shape[0]
    nw = B >> 3
    s = 0
    for w in range(nw):
        s += _ctpop(_load8(a, 8 * w))
    if B > 8 * nw:
        s += _ctpop(_tail_word(a, 8 * nw, B))
    return s


@numba.njit(cache=True)
def _xor_popcount(a, b, start, stop):
    """popcount(a[start:stop] ^ b[start:stop]); ``start`` a multiple of 8."""
    nw = (stop - start) >> 3
    s = 0
    for w in range(nw):
        o = start + 8 * w
        s += _ctpop(_load8(a, o) ^ _load8(b, o))
    o = start + 8 * nw
    if stop > o:
        s += _ctpop(_tail_word(a, o, stop) ^ _tail_word(b, o, stop))
    return s


@numba.njit(cache=True)
def _row_hash(a):
    """64-bit hash of a row's bytes (four independent lanes, so it runs at memory speed)."""
    B = a.shape[0]
    nw = B >> 3
    h0 = _U64(0x243F6A8885A308D3)
    h1 = _U64(0x13198A2E03707344)
    h2 = _U64(0xA4093822299F31D0)
    h3 = _U64(0x082EFA98EC4E6C89)
    w = 0
    while w + 4 <= nw:
        o = 8 * w
        h0 = _mix(h0, _load8(a, o))
        h1 = _mix(h1, _load8(a, o + 8))
        h2 = _mix(h2, _load8(a, o + 16))
        h3 = _mix(h3, _load8(a, o + 24))
        w += 4
    while w < nw:
        h0 = _mix(h0, _load8(a, 8 * w))
        w += 1
    h1 = _mix(h1, _tail_word(a, 8 * nw, B))
    h = _mix(_mix(_mix(_mix(h0, h1), h2), h3), _U64(B))
    return h


@numba.njit(cache=True)
def _rows_equal(a, b):
    B = a.shape[0]
    nw = B >> 3
    for w in range(nw):
        if _load8(a, 8 * w) != _load8(b, 8 * w):
            return False
    for j in range(8 * nw, B):
        if a[j] != b[j]:
            return False
    return True


# --------------------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------------------
@numba.njit(cache=True)
def _popcount_kernel(P):
    N = P.shape[0]
    out = np.empty(N, dtype=np.int64)
    for i in range(N):
        out[i] = _popcount_row(P[i])
    return out


@numba.njit(cache=True)
def _hamming_kernel(P, Q):
    N, B = P.shape
    out = np.empty(N, dtype=np.int64)
    one = Q.shape[0] == 1
    for i in range(N):
        out[i] = _xor_popcount(P[i], Q[0] if one else Q[i], 0, B)
    return out


@numba.njit(cache=True)
def _hamming_matrix_kernel(P, chunk):
    N, B = P.shape
    H = np.zeros((N, N), dtype=np.int64)
    for c0 in range(0, B, chunk):        # column blocks: the N row pieces stay in cache
        c1 = min(B, c0 + chunk)
        for i in range(N):
            a = P[i]
            for j in range(i + 1, N):
                H[i, j] += _xor_popcount(a, P[j], c0, c1)
    for i in range(N):
        for j in range(i + 1, N):
            H[j, i] = H[i, j]
    return H


@numba.njit(cache=True)
def _rows_equal_idx(P, Q, M, i, j):
    """Row i == row j of the virtual stack [Q; P] (Q's M rows first)."""
    if i < M:
        if j < M:
            return _rows_equal(Q[i], Q[j])
        return _rows_equal(Q[i], P[j - M])
    if j < M:
        return _rows_equal(P[i - M], Q[j])
    return _rows_equal(P[i - M], P[j - M])


@numba.njit(cache=True)
def _duplicate_kernel(P, Q):
    N = P.shape[0]
    M = Q.shape[0]
    T = M + N
    h = np.empty(T, dtype=np.uint64)
    for i in range(M):
        h[i] = _row_hash(Q[i])
    for i in range(N):
        h[M + i] = _row_hash(P[i])
    order = np.argsort(h, kind="mergesort")  # stable: inside a hash group, Q rows first, then P by index
    dup = np.zeros(N, dtype=np.bool_)
    reps = np.empty(T, dtype=np.int64)       # distinct rows seen so far in the current hash group
    g = 0
    while g < T:
        hg = h[order[g]]
        e = g + 1
        while e < T and h[order[e]] == hg:
            e += 1
        n_rep = 0
        for t in range(g, e):
            idx = order[t]
            found = False
            for r in range(n_rep):
                if _rows_equal_idx(P, Q, M, idx, reps[r]):
                    found = True
                    break
            if found:
                if idx >= M:
                    dup[idx - M] = True
            else:
                reps[n_rep] = idx
                n_rep += 1
        g = e
    return dup


@numba.njit(cache=True)
def _uniform_crossover_kernel(P1, P2, R, cross):
    K, B = P1.shape
    C1 = np.empty((K, B), dtype=np.uint8)
    C2 = np.empty((K, B), dtype=np.uint8)
    for k in range(K):
        a = P1[k]
        b = P2[k]
        c1 = C1[k]
        c2 = C2[k]
        if cross[k]:
            r = R[k]
            for j in range(B):
                x = (a[j] ^ b[j]) & r[j]
                c1[j] = a[j] ^ x
                c2[j] = b[j] ^ x
        else:
            for j in range(B):
                c1[j] = a[j]
                c2[j] = b[j]
    return C1, C2


@numba.njit(cache=True)
def _two_point_crossover_kernel(P1, P2, a, b, cross):
    C1 = P1.copy()
    C2 = P2.copy()
    for k in range(P1.shape[0]):
        lo = a[k]
        hi = b[k]
        if not cross[k] or lo >= hi:
            continue
        j0 = lo >> 3
        j1 = (hi - 1) >> 3
        for j in range(j0, j1 + 1):
            m = 0xFF
            if j == j0:
                m &= 0xFF >> (lo - 8 * j0)
            if j == j1:
                m &= (0xFF << (8 - (hi - 8 * j1))) & 0xFF
            x = (C1[k, j] ^ C2[k, j]) & m
            C1[k, j] ^= x
            C2[k, j] ^= x
    return C1, C2


@numba.njit(cache=True)
def _flip_sites_kernel(P, sites, n_var):
    for i in range(sites.shape[0]):
        s = sites[i]
        k = s // n_var
        j = s - k * n_var
        P[k, j >> 3] ^= 0x80 >> (j & 7)


# ---- importance-weighted flips --------------------------------------------------------------------
# Variables are grouped in blocks of 64.  A block of a row is read as one canonical uint64 word whose
# bit p (0 = least significant) is variable 64*b + p: an 8-byte load with the bit order reversed inside
# each byte, so that iterating the set bits with count-trailing-zeros visits variables in increasing
# order.  For one row and one direction (turn ON among the OFF bits, or OFF among the ON bits), a
# segment tree over the blocks holds each block's *eligible weight*: the sum of the weights of its
# eligible bits.  One draw = descend the tree with t = u * total (O(log(D/64))), then walk the chosen
# block's eligible bits for the first whose running weight exceeds the remainder of t; the bit is
# marked taken and its block's leaf recomputed (O(64 + log(D/64))).  Building the tree costs O(D/64)
# plus O(#ON bits): a block's eligible OFF weight is its precomputed total minus the weights of its ON
# bits (or the direct sum when that would cancel), its eligible ON weight the sum over its ON bits.
_M55 = _U64(0x5555555555555555)
_M33 = _U64(0x3333333333333333)
_M0F = _U64(0x0F0F0F0F0F0F0F0F)
_ALL = _U64(0xFFFFFFFFFFFFFFFF)
_ONE = _U64(1)


@numba.njit(cache=True)
def _rev8(x):
    """Reverse the bit order inside each byte of a uint64."""
    x = ((x >> _ONE) & _M55) | ((x & _M55) << _ONE)
    x = ((x >> _U64(2)) & _M33) | ((x & _M33) << _U64(2))
    x = ((x >> _U64(4)) & _M0F) | ((x & _M0F) << _U64(4))
    return x


@numba.njit(cache=True)
def _block_word(row, b, B):
    """Block b of a packed row as a canonical word: bit p = variable 64*b + p (0 past the row)."""
    j0 = 8 * b
    if j0 + 8 <= B:
        return _rev8(_load8(row, j0))
    return _rev8(_tail_word(row, j0, B))


@numba.njit(cache=True)
def _valid_word(b, n_var):
    n = n_var - 64 * b
    if n >= 64:
        return _ALL
    return (_ONE << _U64(n)) - _ONE


@numba.njit(cache=True)
def _sum_bits(e, base, w):
    """Sum of w[base + p] over the set bits p of e."""
    s = 0.0
    while e:
        s += w[base + _cttz(e)]
        e &= e - _ONE
    return s


@numba.njit(cache=True)
def _block_sums_kernel(w, nb):
    out = np.zeros(nb, dtype=np.float64)
    for d in range(w.shape[0]):
        out[d >> 6] += w[d]
    return out


@numba.njit(cache=True)
def _block_leaf(x, valid, state, b, w, blk):
    """Eligible weight of block b (canonical word x) of a row with nothing taken yet."""
    base = 64 * b
    if state == 1:
        return _sum_bits(x, base, w)
    if not x:
        return blk[b]
    e = ~x & valid
    if not e:
        return 0.0
    if _ctpop(x) <= 32:          # few ON bits: block total minus their weights ...
        s = blk[b] - _sum_bits(x, base, w)
        if s > 1e-3 * blk[b]:
            return s
        # ... unless that cancels (the ON bits carry nearly all the weight): then the direct sum, so a
        # tiny but positive eligible weight is never rounded away to 0
    return _sum_bits(e, base, w)


@numba.njit(cache=True)
def _tree_set(tree, S, b, value):
    i = S + b
    tree[i] = value
    i >>= 1
    while i >= 1:
        tree[i] = tree[2 * i] + tree[2 * i + 1]
        i >>= 1


@numba.njit(cache=True)
def _pick_in_block(e, base, w, t):
    """First eligible positive-weight bit (set bits of e, in increasing order) whose running weight
    exceeds t, or the last one when rounding leaves t at or above their sum; -1 when there is none.
    Also returns the eligible weight of the block without the picked bit."""
    pick = -1
    last = -1
    acc = 0.0
    f = e
    while f:
        d = base + _cttz(f)
        f &= f - _ONE
        wd = w[d]
        if wd > 0.0:
            last = d
            acc += wd
            if acc > t:
                pick = d
                break
    if pick < 0:
        pick = last
    if pick < 0:
        return -1, 0.0
    return pick, _sum_bits(e & ~(_ONE << _U64(pick - base)), base, w)


@numba.njit(cache=True)
def _select(row, taken, B, n_var, state, w, blk, tree, S, nb, u, n_want, chosen, c0):
    """Choose up to n_want eligible bits of one row (see weighted_flip); mark them in ``taken`` and
    store them in chosen[c0:]; return how many were chosen."""
    for b in range(nb):
        tree[S + b] = _block_leaf(_block_word(row, b, B), _valid_word(b, n_var), state, b, w, blk)
    for i in range(S - 1, 0, -1):
        tree[i] = tree[2 * i] + tree[2 * i + 1]
    done = 0
    while done < n_want:
        total = tree[1]
        if not total > 0.0:
            break
        t = u[done] * total
        i = 1
        while i < S:                 # descend: left when t falls in the left subtree's weight
            left = tree[2 * i]
            if t < left or not tree[2 * i + 1] > 0.0:
                i = 2 * i
            else:
                t -= left
                i = 2 * i + 1
        b = i - S
        x = _block_word(row, b, B)
        e = x if state == 1 else ~x & _valid_word(b, n_var)
        e &= ~taken[b]
        d, rest = _pick_in_block(e, 64 * b, w, t)
        if d < 0:                    # rounding residue on a block with nothing eligible: drop it, redraw
            _tree_set(tree, S, b, 0.0)
            continue
        taken[b] |= _ONE << _U64(d - 64 * b)
        chosen[c0 + done] = d
        _tree_set(tree, S, b, rest)
        done += 1
    return done


@numba.njit(cache=True)
def _weighted_flip_kernel(P, rows, n_var, w_on, blk_on, w_off, blk_off, u_on, u_off, n_on, n_off,
                          cap):
    B = P.shape[1]
    K = rows.shape[0]
    nb = (B + 7) >> 3
    S = 1
    while S < nb:
        S *= 2
    tree = np.zeros(2 * S, dtype=np.float64)
    taken = np.zeros(nb, dtype=np.uint64)
    chosen = np.empty(cap, dtype=np.int64)
    done_on = np.zeros(K, dtype=np.int64)
    done_off = np.zeros(K, dtype=np.int64)
    for k in range(K):
        row = P[rows[k]]
        c = 0
        if n_on[k] > 0:
            c = _select(row, taken, B, n_var, 0, w_on, blk_on, tree, S, nb, u_on[k], n_on[k], chosen, 0)
            done_on[k] = c
        if n_off[k] > 0:
            c2 = _select(row, taken, B, n_var, 1, w_off, blk_off, tree, S, nb, u_off[k], n_off[k],
                         chosen, c)
            done_off[k] = c2
            c += c2
        for i in range(c):           # apply, and clear the scratch
            d = chosen[i]
            row[d >> 3] ^= 0x80 >> (d & 7)
            taken[d >> 6] = 0
    return done_on, done_off


# --------------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------------
def n_bytes(n_var) -> int:
    """Bytes per packed row: ``ceil(n_var / 8)``."""
    return (_n_var(n_var, "n_bytes") + 7) // 8


def _n_var(n_var, fn, what="n_var"):
    if isinstance(n_var, (bool, np.bool_)) or not isinstance(n_var, (int, np.integer)) or n_var < 0:
        raise ValueError(f"{fn}: {what} must be a non-negative integer, got {n_var!r}")
    return int(n_var)


def _last_mask(n_var):
    """Bits of the last byte that hold variables (0xFF when n_var is a multiple of 8)."""
    r = n_var - 8 * ((n_var + 7) // 8 - 1)
    return (0xFF << (8 - r)) & 0xFF


def _packed(P, fn, name="P"):
    """A read-only use of a packed array: uint8, 2-D, made C-contiguous."""
    if not isinstance(P, np.ndarray):
        P = np.asarray(P)
    if P.dtype != np.uint8:
        raise ValueError(f"{fn}: {name} must be a uint8 array of packed rows (see pack()), got dtype {P.dtype}")
    if P.ndim != 2:
        raise ValueError(f"{fn}: {name} must be 2-D (rows x bytes), got shape {P.shape}")
    return np.ascontiguousarray(P)


def _check_layout(P, n_var, fn, name="P"):
    B = (n_var + 7) // 8
    if P.shape[1] != B:
        raise ValueError(f"{fn}: {name} has {P.shape[1]} bytes per row, but n_var={n_var} needs {B}")
    if n_var % 8 and P.shape[0] and (P[:, -1] & ~np.uint8(_last_mask(n_var))).any():
        i = int(np.flatnonzero(P[:, -1] & ~np.uint8(_last_mask(n_var)))[0])
        raise ValueError(f"{fn}: {name} row {i} has padding bits set (bits past n_var={n_var} must be 0)")


def _packed_n(P, n_var, fn, name="P"):
    n_var = _n_var(n_var, fn)
    P = _packed(P, fn, name)
    _check_layout(P, n_var, fn, name)
    return P, n_var


def _inplace(P, n_var, fn):
    if not isinstance(P, np.ndarray) or P.dtype != np.uint8 or P.ndim != 2 or not P.flags.c_contiguous:
        raise ValueError(f"{fn}: P must be a C-contiguous 2-D uint8 array (modified in place)")
    if not P.flags.writeable:
        raise ValueError(f"{fn}: P is read-only")
    n_var = _n_var(n_var, fn)
    _check_layout(P, n_var, fn)
    return P, n_var


def _same_shape(fn, P1, P2, names=("P1", "P2")):
    if P1.shape != P2.shape:
        raise ValueError(f"{fn}: {names[1]} has shape {P2.shape}, expected {P1.shape} (like {names[0]})")


def _index_vec(x, n, fn, name):
    x = np.asarray(x)
    if x.ndim != 1 or not (x.dtype.kind in "iu" or x.size == 0):
        raise ValueError(f"{fn}: {name} must be a 1-D integer array, got shape {x.shape}, dtype {x.dtype}")
    x = np.ascontiguousarray(x, dtype=np.int64)
    if x.size and (x.min() < 0 or x.max() >= n):
        raise ValueError(f"{fn}: {name} must lie in [0, {n})")
    return x


def check_packed(P, n_var):
    """Raise ``ValueError`` unless ``P`` is a valid packed population over ``n_var`` variables (uint8,
    2-D, ``ceil(n_var/8)`` bytes per row, padding bits 0); return it C-contiguous."""
    return _packed_n(P, n_var, "check_packed")[0]


# --------------------------------------------------------------------------------------------------
# layout: pack / unpack / columns
# --------------------------------------------------------------------------------------------------
def zeros(n_rows, n_var):
    """An all-OFF packed population: ``uint8`` zeros of shape ``(n_rows, ceil(n_var/8))``."""
    n_rows = _n_var(n_rows, "zeros", "n_rows")
    return np.zeros((n_rows, n_bytes(n_var)), dtype=np.uint8)


def pack(M):
    """Pack bool masks: ``M`` (N, n_var) → ``uint8`` (N, ceil(n_var/8)).

    Exactly ``np.packbits(M, axis=1)`` (bit order "big", last byte zero-padded).  ``M`` may be bool or
    integer (non-zero = ON); other dtypes are rejected.  Needs no memory beyond the result; to pack a
    population too large to hold unpacked, pack it row by row into :func:`zeros`
    (``P[i] = pack(row[None])[0]``).
    """
    M = np.asarray(M)
    if M.ndim != 2:
        raise ValueError(f"pack: M must be 2-D (rows x variables), got shape {M.shape}")
    if M.dtype != np.bool_ and M.dtype.kind not in "iu":
        raise ValueError(f"pack: M must be a bool (or integer 0/1) array, got dtype {M.dtype}")
    return np.packbits(M, axis=1)


def unpack(P, n_var):
    """Unpack a packed population to bool masks (N, n_var): the inverse of :func:`pack`.

    The result takes ``N * n_var`` bytes; use :func:`unpack_rows` or :func:`get_columns` to look at a
    few rows or columns of a large population.
    """
    P, n_var = _packed_n(P, n_var, "unpack")
    return np.unpackbits(P, axis=1, count=n_var).view(np.bool_)


def unpack_rows(P, rows, n_var):
    """Unpack only the given rows: bool (len(rows), n_var); costs O(len(rows) * n_var), whatever N."""
    fn = "unpack_rows"
    n_var = _n_var(n_var, fn)
    P = _packed(P, fn)
    rows = _index_vec(rows, P.shape[0], fn, "rows")
    sub = P[rows]
    _check_layout(sub, n_var, fn)
    return np.unpackbits(sub, axis=1, count=n_var).view(np.bool_)


def get_columns(P, cols, n_var=None):
    """Bits of the given variables for every row: bool (N, len(cols)), ``out[i, c] = M[i, cols[c]]``.

    ``cols`` are variable indices in ``[0, n_var)`` (``[0, 8 * bytes per row)`` when ``n_var`` is
    omitted), any order, repeats allowed.  O(N * len(cols)).
    """
    fn = "get_columns"
    P = _packed(P, fn)
    if n_var is None:
        n_var = 8 * P.shape[1]
    else:
        n_var = _n_var(n_var, fn)
        _check_layout(P, n_var, fn)
    cols = _index_vec(cols, n_var, fn, "cols")
    return ((P[:, cols >> 3] >> (7 - (cols & 7)).astype(np.uint8)) & 1).astype(np.bool_)


def random_bits(rng, n_rows, n_var):
    """Packed rows of independent fair random bits (padding 0), drawn as ``rng.bytes``.

    Use as ``rand_bytes`` for :func:`uniform_crossover`, or as random masks with density 1/2.
    """
    n_rows = _n_var(n_rows, "random_bits", "n_rows")
    n_var = _n_var(n_var, "random_bits")
    B = (n_var + 7) // 8
    R = np.frombuffer(rng.bytes(n_rows * B), dtype=np.uint8).reshape(n_rows, B).copy()
    if n_var % 8 and n_rows:
        R[:, -1] &= np.uint8(_last_mask(n_var))
    return R


# --------------------------------------------------------------------------------------------------
# counting and comparing
# --------------------------------------------------------------------------------------------------
def popcount(P):
    """Number of ON bits per row: int64 (N,).  O(N * bytes), 8 bytes per POPCNT."""
    return _popcount_kernel(_packed(P, "popcount"))


def hamming(P, Q):
    """Row-wise Hamming distance: int64 (N,), ``out[i] = popcount(P[i] ^ Q[i])``.

    ``Q`` has the shape of ``P``, or one row (distance of every row of ``P`` to it).
    """
    fn = "hamming"
    P = _packed(P, fn)
    Q = _packed(Q, fn, "Q")
    if Q.shape != P.shape and not (Q.shape[0] == 1 and Q.shape[1] == P.shape[1]):
        raise ValueError(f"hamming: Q has shape {Q.shape}, expected {P.shape} or (1, {P.shape[1]})")
    return _hamming_kernel(P, Q)


def hamming_matrix(P):
    """All pairwise Hamming distances: int64 (N, N), symmetric, zero diagonal.

    O(N^2 * bytes / 8), blocked over columns so the N row pieces stay in cache.
    """
    return _hamming_matrix_kernel(_packed(P, "hamming_matrix"), _HAMMING_CHUNK)


def duplicate_mask(P, Q=None):
    """bool (N,): ``True`` for the rows of ``P`` equal to an earlier row of ``P`` or to any row of ``Q``.

    ``Q`` (optional) is a packed array with as many bytes per row as ``P`` (e.g. the current
    population, when ``P`` holds offspring).  Rows are hashed (64-bit, at memory speed), sorted by hash,
    and rows with equal hashes compared byte for byte, so the answer is exact: O((N + M) * bytes)
    plus O((N + M) log(N + M)).
    """
    fn = "duplicate_mask"
    P = _packed(P, fn)
    if Q is None:
        Q = np.zeros((0, P.shape[1]), dtype=np.uint8)
    else:
        Q = _packed(Q, fn, "Q")
        if Q.shape[1] != P.shape[1]:
            raise ValueError(f"{fn}: Q has {Q.shape[1]} bytes per row, P has {P.shape[1]}")
    return _duplicate_kernel(P, Q)


def unique_rows(P):
    """Indices of the first occurrence of every distinct row, increasing: int64.

    ``P[unique_rows(P)]`` keeps one copy of each mask, in the order they first appear.
    """
    return np.flatnonzero(~duplicate_mask(P)).astype(np.int64)


# --------------------------------------------------------------------------------------------------
# variation
# --------------------------------------------------------------------------------------------------
def _cross_vec(cross, K, fn):
    cross = np.ascontiguousarray(cross, dtype=np.bool_)
    if cross.shape != (K,):
        raise ValueError(f"{fn}: cross must have shape ({K},), got {cross.shape}")
    return cross


def uniform_crossover(P1, P2, rand_bytes, cross):
    """Uniform crossover of packed masks; returns new arrays ``(C1, C2)``.

    ``P1``, ``P2``, ``rand_bytes``: uint8 (K, B); ``cross``: bool (K,).  ``rand_bytes`` holds one
    random bit per variable, in the packed layout (e.g. :func:`random_bits`): where ``cross[k]`` and
    the bit of variable d is set, ``C1`` takes ``P2``'s bit and ``C2`` takes ``P1``'s; elsewhere they
    copy.  Children's padding equals the parents' (0), whatever ``rand_bytes`` holds there.
    The unpacked equivalent is :func:`lsmoo.kernels.uniform_crossover` with ``u < 0.5`` ⇔ bit set.
    """
    fn = "uniform_crossover"
    P1 = _packed(P1, fn, "P1")
    P2 = _packed(P2, fn, "P2")
    R = _packed(rand_bytes, fn, "rand_bytes")
    _same_shape(fn, P1, P2)
    _same_shape(fn, P1, R, ("P1", "rand_bytes"))
    return _uniform_crossover_kernel(P1, P2, R, _cross_vec(cross, P1.shape[0], fn))


def two_point_crossover(P1, P2, a, b, cross, n_var):
    """Two-point crossover of packed masks; returns new arrays ``(C1, C2)``.

    ``P1``, ``P2``: packed (K, ceil(n_var/8)); ``a``, ``b``: int (K,) with ``0 <= a <= b <= n_var``;
    ``cross``: bool (K,).  For rows with ``cross[k]`` the variables ``[a[k], b[k])`` are swapped
    between the children (whole bytes at once, masks on the two edge bytes); elsewhere they copy.
    """
    fn = "two_point_crossover"
    P1, n_var = _packed_n(P1, n_var, fn, "P1")
    P2, _ = _packed_n(P2, n_var, fn, "P2")
    _same_shape(fn, P1, P2)
    K = P1.shape[0]
    a = np.ascontiguousarray(a, dtype=np.int64)
    b = np.ascontiguousarray(b, dtype=np.int64)
    if a.shape != (K,) or b.shape != (K,):
        raise ValueError(f"{fn}: a and b must have shape ({K},), got {a.shape} and {b.shape}")
    if K and not ((a >= 0).all() and (a <= b).all() and (b <= n_var).all()):
        raise ValueError(f"{fn}: need 0 <= a <= b <= n_var={n_var} in every row")
    return _two_point_crossover_kernel(P1, P2, a, b, _cross_vec(cross, K, fn))


def flip_sites(P, sites, n_var):
    """Flip bits **in place**; returns None.

    ``P``: C-contiguous writable packed (K, ceil(n_var/8)); ``sites``: int, strictly increasing flat
    indices ``row * n_var + col`` in ``[0, K * n_var)``.  Bit-flip mutation at rate p in O(K·n_var·p):
    ``flip_sites(P, bernoulli_sites(rng, K * n_var, p), n_var)``.
    """
    fn = "flip_sites"
    P, n_var = _inplace(P, n_var, fn)
    sites = np.ascontiguousarray(sites, dtype=np.int64)
    if sites.ndim != 1:
        raise ValueError(f"{fn}: sites must be 1-D, got shape {sites.shape}")
    n_total = P.shape[0] * n_var
    if sites.size:
        if sites[0] < 0 or sites[-1] >= n_total:
            raise ValueError(f"{fn}: sites must lie in [0, {n_total})")
        if sites.size > 1 and not (sites[1:] > sites[:-1]).all():
            raise ValueError(f"{fn}: sites must be strictly increasing (sorted, no duplicates)")
        _flip_sites_kernel(P, sites, n_var)


@dataclass(frozen=True, eq=False)
class FlipWeights:
    """Validated selection weights for :func:`weighted_flip`, with their per-64-variable block sums.

    Build once with :func:`flip_weights` and reuse every generation (importance rarely changes): it
    saves the O(n_var) validation and summation on each call.
    """

    weights: np.ndarray        # float64 (n_var,), finite, >= 0, read-only
    block_sums: np.ndarray     # float64 (ceil(n_var/64),), read-only

    @property
    def n_var(self) -> int:
        return self.weights.shape[0]


def flip_weights(weights) -> FlipWeights:
    """Validate ``weights`` (1-D, finite, >= 0; length n_var) into a reusable :class:`FlipWeights`."""
    fn = "flip_weights"
    w = np.array(weights, dtype=np.float64)  # a private copy
    if w.ndim != 1:
        raise ValueError(f"{fn}: weights must be 1-D (one per variable), got shape {w.shape}")
    if not np.isfinite(w).all():
        raise ValueError(f"{fn}: weights must be finite (got NaN or inf)")
    if (w < 0).any():
        raise ValueError(f"{fn}: weights must be >= 0 (variable {int(np.flatnonzero(w < 0)[0])} is negative)")
    blk = _block_sums_kernel(w, (w.shape[0] + 63) // 64)
    w.flags.writeable = False
    blk.flags.writeable = False
    return FlipWeights(w, blk)


def _weights_arg(w, n_var, fn, name):
    if w is None:
        w = flip_weights(np.ones(n_var))
    elif not isinstance(w, FlipWeights):
        w = flip_weights(w)
    if w.n_var != n_var:
        raise ValueError(f"{fn}: {name} has {w.n_var} weights, expected n_var={n_var}")
    return w


def _counts(n, K, fn, name):
    n = np.asarray(n)
    if n.ndim == 0:
        n = np.full(K, n)
    if n.shape != (K,) or not (n.dtype.kind in "iu" or n.size == 0):
        raise ValueError(f"{fn}: {name} must be an integer or an integer array of shape ({K},), got "
                         f"shape {n.shape}, dtype {n.dtype}")
    n = np.ascontiguousarray(n, dtype=np.int64)
    if (n < 0).any():
        raise ValueError(f"{fn}: {name} must be >= 0")
    return n


def _uniforms(u, n, K, fn, name):
    need = int(n.max()) if n.size else 0
    if u is None:
        if need:
            raise ValueError(f"{fn}: {name} is None but up to {need} draws per row are needed")
        return np.zeros((K, 0))
    u = np.ascontiguousarray(u, dtype=np.float64)
    if u.ndim != 2 or u.shape[0] != K or u.shape[1] < need:
        raise ValueError(f"{fn}: {name} must have shape ({K}, m) with m >= {need}, got {u.shape}")
    if u.size and not ((u >= 0.0) & (u < 1.0)).all():
        raise ValueError(f"{fn}: {name} must hold uniforms in [0, 1)")
    return u


def weighted_flip(P, rows, on_weights, off_weights, u_on, u_off, n_on, n_off, n_var):
    """Importance-weighted bit flips **in place**; returns ``(done_on, done_off)``, int64 (K,).

    For the k-th entry ``r = rows[k]`` (``rows=None``: every row, K = N; rows are processed in order,
    a repeated row again on its updated state), looking at row r as it is before this call:

    * turn ON ``n_on[k]`` distinct bits drawn among the *eligible ON candidates* — bits that are OFF
      and have ``on_weights[d] > 0`` — with probability proportional to ``on_weights``, without
      replacement (sequential draws, each among the candidates not yet drawn);
    * turn OFF ``n_off[k]`` distinct bits drawn the same way among the bits that are ON and have
      ``off_weights[d] > 0``, proportionally to ``off_weights``.

    A bit turned ON is never also turned OFF in the same call and vice versa.  When fewer candidates
    exist than asked, all of them flip: ``done_on[k] = min(n_on[k], #candidates)``, likewise
    ``done_off``.  Zero-weight bits and padding are never touched.

    Draw j of row k uses ``u_on[k, j]`` (resp. ``u_off[k, j]``), uniforms in [0, 1): it picks the
    candidate d with the smallest index such that the sum of the weights of the remaining candidates
    ``<= d`` exceeds ``u * W`` (W = their total weight), i.e. inverse-CDF sampling in index order.
    This is exact for integer weights; for general floats the block sums may round differently from
    a linear cumulative sum, which can move a draw that lands within rounding error of a boundary.

    Arguments: ``P`` C-contiguous writable packed (N, ceil(n_var/8)); ``rows`` int (K,) or None;
    ``on_weights``/``off_weights``: float (n_var,) finite >= 0, a :class:`FlipWeights` (prepared once,
    cheaper), or None for equal weights; ``u_on``/``u_off`` float (K, m) with m >= max(n_on) (resp.
    n_off), or None when that maximum is 0; ``n_on``/``n_off`` int (K,) or a scalar, >= 0.

    Design and cost.  The variables are cut into blocks of 64, each read as one 64-bit word.  For
    each row and direction a segment tree over the blocks holds each block's eligible weight: for
    turning ON, the block's total weight (precomputed once, shared by all rows: :class:`FlipWeights`)
    minus the weights of its ON bits (the direct sum when that would cancel); for turning OFF, the sum
    over its ON bits.  Building it costs O(n_var/64 + #ON bits of the row); each draw descends the
    tree (O(log(n_var/64))), walks the set bits of one block (<= 64, count-trailing-zeros) and updates
    one leaf.  Per row: O(n_var/64 + #ON + n_flips * (64 + log n_var)), no per-row allocation, instead of
    the O(n_var) cumulative sum (and copies) of the numpy way.  A row whose ``n_on[k]`` (``n_off[k]``)
    is 0 skips that direction entirely.
    """
    fn = "weighted_flip"
    P, n_var = _inplace(P, n_var, fn)
    if rows is None:
        rows = np.arange(P.shape[0], dtype=np.int64)
    else:
        rows = _index_vec(rows, P.shape[0], fn, "rows")
    K = rows.shape[0]
    n_on = _counts(n_on, K, fn, "n_on")
    n_off = _counts(n_off, K, fn, "n_off")
    u_on = _uniforms(u_on, n_on, K, fn, "u_on")
    u_off = _uniforms(u_off, n_off, K, fn, "u_off")
    on = _weights_arg(on_weights, n_var, fn, "on_weights") if n_on.any() else None
    off = _weights_arg(off_weights, n_var, fn, "off_weights") if n_off.any() else None
    if K == 0 or n_var == 0 or (on is None and off is None):
        return np.zeros(K, dtype=np.int64), np.zeros(K, dtype=np.int64)
    empty = np.zeros(0)
    w_on, blk_on = (on.weights, on.block_sums) if on is not None else (empty, empty)
    w_off, blk_off = (off.weights, off.block_sums) if off is not None else (empty, empty)
    cap = int(min(int((n_on + n_off).max()), n_var))
    return _weighted_flip_kernel(P, rows, n_var, w_on, blk_on, w_off, blk_off, u_on, u_off, n_on,
                                 n_off, cap)
