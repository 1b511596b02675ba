"""Bit-packed masks (lsmoo.kernels.packed) against their unpacked numpy twins (packed_reference)."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lsmoo.kernels import packed as pk
from lsmoo.kernels import packed_reference as ref
from lsmoo.kernels.sampling import bernoulli_sites

JIT_DISABLED = os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0")


def cfg(n):
    return settings(derandomize=True, deadline=None, max_examples=n, database=None)


# --------------------------------------------------------------------------------------------------
# strategies and helpers
# --------------------------------------------------------------------------------------------------
n_vars = st.one_of(st.integers(1, 20), st.integers(1, 200), st.sampled_from([1, 7, 8, 9, 63, 64, 65, 129]))


@st.composite
def masks(draw, max_k=6, min_k=0, d=None):
    """Bool (K, D): sparse, dense or mixed rows (hypothesis fills with one value, sprinkles others)."""
    k = draw(st.integers(min_k, max_k))
    d = draw(n_vars) if d is None else d
    return draw(hnp.arrays(np.bool_, (k, d), elements=st.booleans(), fill=st.booleans()))


@st.composite
def masks_with_dups(draw):
    X = draw(masks(max_k=8))
    if X.shape[0] > 1:
        idx = draw(st.lists(st.integers(0, X.shape[0] - 1), min_size=X.shape[0], max_size=X.shape[0]))
        X = X[np.asarray(idx, dtype=np.int64)]
    return X


def padding_zero(P, n_var):
    r = n_var % 8
    return r == 0 or P.shape[0] == 0 or not (P[:, -1] & np.uint8(0xFF >> r)).any()


def packed_random(rng, X):
    """Any uint8 bytes, padding included (kernels must not care what rand_bytes holds there)."""
    return rng.integers(0, 256, size=(X.shape[0], (X.shape[1] + 7) // 8), dtype=np.uint8)


# --------------------------------------------------------------------------------------------------
# layout
# --------------------------------------------------------------------------------------------------
@cfg(150)
@given(masks(max_k=8))
def test_pack_is_packbits_and_round_trips(X):
    K, D = X.shape
    P = pk.pack(X)
    assert P.dtype == np.uint8 and P.shape == (K, pk.n_bytes(D)) and P.flags.c_contiguous
    np.testing.assert_array_equal(P, np.packbits(X, axis=1))
    np.testing.assert_array_equal(P, ref.pack_ref(X))
    assert padding_zero(P, D)
    U = pk.unpack(P, D)
    assert U.dtype == np.bool_ and U.shape == (K, D)
    np.testing.assert_array_equal(U, X)
    np.testing.assert_array_equal(ref.unpack_ref(P, D), X)
    np.testing.assert_array_equal(pk.pack(X.astype(np.int64)), P)   # integer input: non-zero = ON
    check = pk.check_packed(P, D)
    np.testing.assert_array_equal(check, P)


@cfg(150)
@given(masks(max_k=8), st.data())
def test_unpack_rows_and_get_columns(X, data):
    K, D = X.shape
    P = pk.pack(X)
    rows = np.asarray(data.draw(st.lists(st.integers(0, max(K - 1, 0)), max_size=5 if K else 0)), dtype=np.int64)
    np.testing.assert_array_equal(pk.unpack_rows(P, rows, D), X[rows].reshape(len(rows), D))
    cols = np.asarray(data.draw(st.lists(st.integers(0, D - 1), max_size=12)), dtype=np.int64)
    for G in (pk.get_columns(P, cols, D), pk.get_columns(P, cols)):
        assert G.dtype == np.bool_ and G.shape == (K, len(cols))
        np.testing.assert_array_equal(G, X[:, cols])


def test_layout_helpers():
    assert [pk.n_bytes(d) for d in (0, 1, 8, 9, 10**7)] == [0, 1, 1, 2, 1_250_000]
    Z = pk.zeros(3, 13)
    assert Z.shape == (3, 2) and Z.dtype == np.uint8 and not Z.any()
    R = pk.random_bits(np.random.default_rng(0), 50, 13)
    assert R.shape == (50, 2) and padding_zero(R, 13)
    assert 0.35 < pk.unpack(R, 13).mean() < 0.65
    np.testing.assert_array_equal(pk.random_bits(np.random.default_rng(5), 4, 77),
                                  pk.random_bits(np.random.default_rng(5), 4, 77))
    E = pk.pack(np.zeros((2, 0), dtype=bool))
    assert E.shape == (2, 0) and pk.unpack(E, 0).shape == (2, 0)


def test_memory_100_masks_of_ten_million():
    """Built row by row: the unpacked 1 GB population is never allocated."""
    K, D = 100, 10**7
    P = pk.zeros(K, D)
    row = np.zeros(D, dtype=bool)
    for i in range(K):
        row[i * 99_991 % D] = True          # one more ON bit per row
        P[i] = pk.pack(row[None])[0]
    assert P.nbytes == 125_000_000 == K * D // 8
    some = np.array([0, 1, K - 1]) if JIT_DISABLED else np.arange(K)   # pure-Python popcount is slow
    np.testing.assert_array_equal(pk.popcount(P[some]), some + 1)
    one = pk.unpack_rows(P, [K - 1], D)
    assert one.shape == (1, D) and one.sum() == K and (one[0] == row).all()
    np.testing.assert_array_equal(pk.get_columns(P, [0, 99_991, D - 1], D)[:3],
                                  [[True, False, False], [True, True, False], [True, True, False]])


# --------------------------------------------------------------------------------------------------
# counting and comparing
# --------------------------------------------------------------------------------------------------
@cfg(150)
@given(masks(max_k=8), st.data())
def test_popcount_and_hamming_equal_twins(X, data):
    K, D = X.shape
    Y = data.draw(hnp.arrays(np.bool_, (K, D), elements=st.booleans(), fill=st.booleans()))
    P, Q = pk.pack(X), pk.pack(Y)
    c = pk.popcount(P)
    assert c.dtype == np.int64
    np.testing.assert_array_equal(c, ref.popcount_ref(X))
    h = pk.hamming(P, Q)
    assert h.dtype == np.int64 and h.shape == (K,)
    np.testing.assert_array_equal(h, ref.hamming_ref(X, Y))
    if K:
        np.testing.assert_array_equal(pk.hamming(P, Q[:1]), ref.hamming_ref(X, np.repeat(Y[:1], K, 0)))
    H = pk.hamming_matrix(P)
    assert H.dtype == np.int64 and H.shape == (K, K)
    np.testing.assert_array_equal(H, ref.hamming_matrix_ref(X))


def test_hamming_matrix_spans_several_cache_blocks():
    rng = np.random.default_rng(3)
    X = rng.random((7, 8 * 4096 * 2 + 37)) < 0.5     # > 2 column blocks of 4096 bytes
    np.testing.assert_array_equal(pk.hamming_matrix(pk.pack(X)), ref.hamming_matrix_ref(X))


@cfg(200)
@given(masks_with_dups(), st.data())
def test_duplicates_equal_twin(X, data):
    P = pk.pack(X)
    u = pk.unique_rows(P)
    assert u.dtype == np.int64
    np.testing.assert_array_equal(u, ref.unique_rows_ref(X))
    np.testing.assert_array_equal(pk.duplicate_mask(P), ref.duplicate_mask_ref(X))
    # against a second population: some of its rows copied from X, some new
    m = data.draw(st.integers(0, 4))
    Y = data.draw(hnp.arrays(np.bool_, (m, X.shape[1]), elements=st.booleans(), fill=st.booleans()))
    if X.shape[0] and m:
        Y[0] = X[data.draw(st.integers(0, X.shape[0] - 1))]
    np.testing.assert_array_equal(pk.duplicate_mask(P, pk.pack(Y)), ref.duplicate_mask_ref(X, Y))


def test_duplicates_larger_rows():
    rng = np.random.default_rng(7)
    X = rng.random((30, 10_001)) < 0.01
    X[[5, 17, 29]] = X[2]
    X[11] = X[10]
    X[12, :] = False
    X[13, :] = False
    P = pk.pack(X)
    np.testing.assert_array_equal(pk.unique_rows(P), ref.unique_rows_ref(X))
    np.testing.assert_array_equal(pk.duplicate_mask(P[20:], P[:20]), ref.duplicate_mask_ref(X[20:], X[:20]))


# --------------------------------------------------------------------------------------------------
# variation
# --------------------------------------------------------------------------------------------------
@cfg(150)
@given(masks(), st.data())
def test_uniform_crossover_equals_twin(X1, data):
    K, D = X1.shape
    X2 = data.draw(hnp.arrays(np.bool_, (K, D), elements=st.booleans(), fill=st.booleans()))
    R = packed_random(np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))), X1)
    cross = data.draw(hnp.arrays(np.bool_, K))
    C1, C2 = pk.uniform_crossover(pk.pack(X1), pk.pack(X2), R, cross)
    swap = np.unpackbits(R, axis=1, count=D).astype(bool)
    R1, R2 = ref.uniform_crossover_ref(X1, X2, swap, cross)
    np.testing.assert_array_equal(C1, pk.pack(R1))
    np.testing.assert_array_equal(C2, pk.pack(R2))
    assert padding_zero(C1, D) and padding_zero(C2, D)


@cfg(150)
@given(masks(), st.data())
def test_two_point_crossover_equals_twin(X1, data):
    K, D = X1.shape
    X2 = data.draw(hnp.arrays(np.bool_, (K, D), elements=st.booleans(), fill=st.booleans()))
    ab = np.sort(np.asarray(data.draw(st.lists(st.tuples(st.integers(0, D), st.integers(0, D)),
                                                min_size=K, max_size=K)), dtype=np.int64).reshape(K, 2), axis=1)
    a, b = ab[:, 0], ab[:, 1]
    cross = data.draw(hnp.arrays(np.bool_, K))
    C1, C2 = pk.two_point_crossover(pk.pack(X1), pk.pack(X2), a, b, cross, D)
    R1, R2 = ref.two_point_crossover_ref(X1, X2, a, b, cross)
    np.testing.assert_array_equal(C1, pk.pack(R1))
    np.testing.assert_array_equal(C2, pk.pack(R2))
    assert padding_zero(C1, D) and padding_zero(C2, D)


@cfg(150)
@given(masks(), st.data())
def test_flip_sites_equals_twin(X, data):
    K, D = X.shape
    n = K * D
    sites = np.array(sorted(data.draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=n))) if n else [],
                     dtype=np.int64)
    P = pk.pack(X)
    assert pk.flip_sites(P, sites, D) is None
    np.testing.assert_array_equal(P, pk.pack(ref.flip_sites_ref(X, sites)))
    assert padding_zero(P, D)


def test_bitflip_mutation_with_bernoulli_sites():
    rng = np.random.default_rng(11)
    K, D = 40, 1003
    X = rng.random((K, D)) < 0.2
    P = pk.pack(X)
    sites = bernoulli_sites(rng, K * D, 5.0 / D)
    pk.flip_sites(P, sites, D)
    np.testing.assert_array_equal(pk.unpack(P, D), ref.flip_sites_ref(X, sites))
    assert pk.hamming(P, pk.pack(X)).sum() == len(sites)


# ---- weighted flips --------------------------------------------------------------------------------
EDGES = np.array([0.0, 0.25, 0.5, 0.75, 1.0 - 2.0 ** -53])


@st.composite
def weighted_case(draw, integer=True):
    """Masks from hypothesis; weights and uniforms from a drawn seed (cheap for long rows)."""
    X = draw(masks(max_k=5))
    K, D = X.shape
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    p_zero = draw(st.sampled_from([0.0, 0.3, 0.9]))

    def weights():
        if integer:   # exact float sums: the kernel and the twin must agree draw for draw
            w = rng.integers(1, 6, D).astype(float)
        else:         # mixed magnitudes: cancellation and rounding must not lose a candidate
            w = rng.choice([1e-300, 1e-9, 0.3, 1.0, 1e30], size=D) * rng.uniform(0.5, 1.0, D)
        w[rng.random(D) < p_zero] = 0.0
        return w

    def uniforms(m):
        u = rng.random((K, m))
        edge = rng.random((K, m)) < 0.3
        u[edge] = rng.choice(EDGES, size=int(edge.sum()))
        return u

    w_on, w_off = weights(), weights()
    n_max = draw(st.sampled_from([1, 3, 8, 40]))     # 40: often more than available (capped)
    n_on, n_off = rng.integers(0, n_max + 1, K), rng.integers(0, n_max + 1, K)
    u_on, u_off = uniforms(n_max), uniforms(n_max)
    rows = None
    if K and draw(st.booleans()):
        rows = np.asarray(draw(st.lists(st.integers(0, K - 1), min_size=1, max_size=K + 2)), dtype=np.int64)
        K = len(rows)
        n_on, n_off = np.resize(n_on, K), np.resize(n_off, K)
        u_on, u_off = np.resize(u_on, (K, n_max)), np.resize(u_off, (K, n_max))
    return X, rows, w_on, w_off, u_on, u_off, n_on, n_off


def check_weighted_invariants(X, Y, rows, w_on, w_off, n_on, n_off, done_on, done_off):
    """Counts exact (capped by availability), only eligible bits touched, padding untouched."""
    N, D = X.shape
    if rows is None:
        rows = np.arange(N)
    if len(set(rows.tolist())) != len(rows):
        return   # a repeated row flips on its updated state: the per-row bookkeeping below needs distinct rows
    for k, r in enumerate(rows):
        turned_on = ~X[r] & Y[r]
        turned_off = X[r] & ~Y[r]
        assert turned_on.sum() == done_on[k] == min(n_on[k], (~X[r] & (w_on > 0)).sum())
        assert turned_off.sum() == done_off[k] == min(n_off[k], (X[r] & (w_off > 0)).sum())
        assert (w_on[turned_on] > 0).all() and (w_off[turned_off] > 0).all()
    untouched = np.setdiff1d(np.arange(N), rows)
    np.testing.assert_array_equal(Y[untouched], X[untouched])


@cfg(250)
@given(weighted_case())
def test_weighted_flip_equals_twin(case):
    X, rows, w_on, w_off, u_on, u_off, n_on, n_off = case
    D = X.shape[1]
    P = pk.pack(X)
    done_on, done_off = pk.weighted_flip(P, rows, w_on, w_off, u_on, u_off, n_on, n_off, D)
    assert done_on.dtype == done_off.dtype == np.int64
    Xr, ron, roff = ref.weighted_flip_ref(X, rows, w_on, w_off, u_on, u_off, n_on, n_off)
    np.testing.assert_array_equal(pk.unpack(P, D), Xr)
    np.testing.assert_array_equal(done_on, ron)
    np.testing.assert_array_equal(done_off, roff)
    assert padding_zero(P, D)
    check_weighted_invariants(X, Xr, rows, w_on, w_off, n_on, n_off, done_on, done_off)


@cfg(200)
@given(weighted_case(integer=False))
def test_weighted_flip_invariants_float_weights(case):
    X, rows, w_on, w_off, u_on, u_off, n_on, n_off = case
    D = X.shape[1]
    P = pk.pack(X)
    fw_on, fw_off = pk.flip_weights(w_on), pk.flip_weights(w_off)   # the prepared form
    done_on, done_off = pk.weighted_flip(P, rows, fw_on, fw_off, u_on, u_off, n_on, n_off, D)
    assert padding_zero(P, D)
    check_weighted_invariants(X, pk.unpack(P, D), rows, w_on, w_off, n_on, n_off, done_on, done_off)


def test_weighted_flip_tiny_weights_beside_huge_on_weights():
    """A block's eligible weight must not cancel to 0 when its ON bits carry almost all the weight
    (regression: block sum minus ON weights rounded 1e-300 + 1 - 1 to 0, losing the candidate)."""
    for D, on, tiny in ((2, [1], [0]), (70, [3, 64], [0, 5, 65]), (20, list(range(1, 20)), [0])):
        X = np.zeros((1, D), dtype=bool)
        X[0, on] = True
        w = np.zeros(D)
        w[on] = 1e30
        w[tiny] = [1e-300, 1e-9, 1e-300][: len(tiny)]
        P = pk.pack(X)
        done_on, _ = pk.weighted_flip(P, None, w, None, np.zeros((1, 5)), None, 5, 0, D)
        assert done_on[0] == len(tiny)
        Y = pk.unpack(P, D)[0]
        assert Y[tiny].all() and Y.sum() == len(on) + len(tiny)


def test_weighted_flip_large_row_equals_twin():
    """A row long enough for a deep block tree; integer weights with many zeros."""
    rng = np.random.default_rng(2)
    K, D = 3, 200_003
    X = rng.random((K, D)) < np.array([0.001, 0.3, 0.97])[:, None]
    w_on = rng.integers(0, 1000, D) * (rng.random(D) < 0.5)
    w_off = rng.integers(0, 1000, D).astype(float)
    n_on, n_off = np.array([7, 0, 40]), np.array([3, 25, 6])
    u_on, u_off = rng.random((K, 40)), rng.random((K, 25))
    P = pk.pack(X)
    done = pk.weighted_flip(P, None, w_on.astype(float), w_off, u_on, u_off, n_on, n_off, D)
    Xr, ron, roff = ref.weighted_flip_ref(X, None, w_on, w_off, u_on, u_off, n_on, n_off)
    np.testing.assert_array_equal(pk.unpack(P, D), Xr)
    np.testing.assert_array_equal(done[0], ron)
    np.testing.assert_array_equal(done[1], roff)


def test_weighted_flip_caps_and_defaults():
    D = 21
    X = np.zeros((3, D), dtype=bool)
    X[1, :5] = True
    X[2, :] = True
    P = pk.pack(X)
    # None weights = equal weights; asking for more than available flips all candidates
    done_on, done_off = pk.weighted_flip(P, None, None, None, np.zeros((3, 30)), np.zeros((3, 30)), 30, 30, D)
    np.testing.assert_array_equal(done_on, [21, 16, 0])
    np.testing.assert_array_equal(done_off, [0, 5, 21])
    np.testing.assert_array_equal(pk.unpack(P, D), ~X)
    # nothing asked: nothing drawn, u may be None, P untouched
    Q = P.copy()
    assert [d.tolist() for d in pk.weighted_flip(Q, None, None, None, None, None, 0, 0, D)] == [[0] * 3, [0] * 3]
    np.testing.assert_array_equal(Q, P)
    # K = 0
    assert pk.weighted_flip(P, np.zeros(0, dtype=np.int64), None, None, None, None, 0, 0, D)[0].shape == (0,)


def test_weighted_flip_frequencies_follow_weights():
    """First draws land on each candidate with probability w / W; two draws without replacement
    include candidate i with probability p_i + sum_j p_j w_i / (W - w_j)."""
    rng = np.random.default_rng(12345)
    D, R = 203, 20_000
    base = np.zeros(D, dtype=bool)
    base[[70, 140, 141, 150]] = True                               # ON: not candidates for turning on
    w_on = np.zeros(D)
    pos = np.array([0, 5, 63, 64, 70, 100, 127, 128, 141, 190, 202])
    w_on[pos] = [1.0, 2.5, 0.5, 4.0, 100.0, 3.0, 1.5, 2.0, 50.0, 0.25, 6.0]
    w_off = np.zeros(D)
    w_off[[70, 140, 141, 150]] = [1.0, 3.0, 0.0, 6.0]
    elig_on = (~base) & (w_on > 0)
    p_on = np.where(elig_on, w_on, 0) / w_on[elig_on].sum()
    elig_off = base & (w_off > 0)
    p_off = np.where(elig_off, w_off, 0) / w_off[elig_off].sum()
    fw_on, fw_off = pk.flip_weights(w_on), pk.flip_weights(w_off)

    for n in (1, 2):
        P = np.repeat(pk.pack(base[None]), R, axis=0)
        done_on, done_off = pk.weighted_flip(P, None, fw_on, fw_off, rng.random((R, n)), rng.random((R, n)),
                                             n, n, D)
        assert (done_on == n).all() and (done_off == n).all()
        X = pk.unpack(P, D)
        freq_on = (X & ~base).mean(axis=0)
        freq_off = (~X & base).mean(axis=0)
        if n == 1:
            exp_on, exp_off = p_on, p_off
        else:
            def incl(p, w):
                W = w[p > 0].sum()
                second = np.array([sum(p[j] * w[i] / (W - w[j]) for j in np.flatnonzero(p > 0) if j != i)
                                   for i in range(D)])
                return np.where(p > 0, p + second, 0.0)
            exp_on, exp_off = incl(p_on, w_on), incl(p_off, w_off)
        for freq, exp in ((freq_on, exp_on), (freq_off, exp_off)):
            assert (freq[exp == 0] == 0).all()                       # never an ineligible / zero-weight bit
            sd = np.sqrt(exp * (1 - exp) / R)
            assert (np.abs(freq - exp) <= 5 * sd + 1e-3).all(), (n, freq[exp > 0], exp[exp > 0])


# --------------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------------
def test_errors():
    X = np.zeros((2, 13), dtype=bool)
    P = pk.pack(X)
    with pytest.raises(ValueError, match="bool"):
        pk.pack(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="2-D"):
        pk.pack(np.zeros(3, dtype=bool))
    with pytest.raises(ValueError, match="uint8"):
        pk.popcount(X)
    with pytest.raises(ValueError, match="n_var=17 needs 3"):
        pk.unpack(P, 17)
    bad = P.copy()
    bad[1, -1] = 1                                                 # a padding bit
    with pytest.raises(ValueError, match="row 1 has padding bits set"):
        pk.unpack(bad, 13)
    with pytest.raises(ValueError, match="padding"):
        pk.flip_sites(bad, [0], 13)
    with pytest.raises(ValueError, match=r"\[0, 13\)"):
        pk.get_columns(P, [13], 13)
    with pytest.raises(ValueError, match="rows"):
        pk.unpack_rows(P, [2], 13)
    with pytest.raises(ValueError, match="strictly increasing"):
        pk.flip_sites(P, [3, 3], 13)
    with pytest.raises(ValueError, match=r"\[0, 26\)"):
        pk.flip_sites(P, [26], 13)
    with pytest.raises(ValueError, match="C-contiguous"):
        pk.flip_sites(np.asfortranarray(np.zeros((2, 2), np.uint8)), [0], 13)
    ro = P.copy()
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        pk.weighted_flip(ro, None, None, None, np.zeros((2, 1)), None, 1, 0, 13)
    with pytest.raises(ValueError, match="shape"):
        pk.uniform_crossover(P, P[:1], P, np.ones(2, bool))
    with pytest.raises(ValueError, match="0 <= a <= b <= n_var=13"):
        pk.two_point_crossover(P, P, [0, 5], [14, 6], np.ones(2, bool), 13)
    with pytest.raises(ValueError, match="Q has shape"):
        pk.hamming(P, np.zeros((3, 2), np.uint8))
    with pytest.raises(ValueError, match="bytes per row"):
        pk.duplicate_mask(P, np.zeros((1, 3), np.uint8))
    with pytest.raises(ValueError, match=">= 0"):
        pk.flip_weights([1.0, -1.0])
    with pytest.raises(ValueError, match="finite"):
        pk.flip_weights([1.0, np.nan])
    with pytest.raises(ValueError, match="expected n_var=13"):
        pk.weighted_flip(P, None, np.ones(12), None, np.zeros((2, 1)), None, 1, 0, 13)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        pk.weighted_flip(P, None, None, None, np.ones((2, 1)), None, 1, 0, 13)
    with pytest.raises(ValueError, match="m >= 3"):
        pk.weighted_flip(P, None, None, None, np.zeros((2, 2)), None, 3, 0, 13)
    with pytest.raises(ValueError, match="None but up to 1"):
        pk.weighted_flip(P, None, None, None, None, None, 0, 1, 13)
    with pytest.raises(ValueError, match="n_on must be >= 0"):
        pk.weighted_flip(P, None, None, None, None, None, -1, 0, 13)
    with pytest.raises(ValueError, match="n_var must be a non-negative integer"):
        pk.unpack(P, 12.5)


# --------------------------------------------------------------------------------------------------
# import hygiene
# --------------------------------------------------------------------------------------------------
@pytest.mark.skipif(JIT_DISABLED, reason="no dispatchers when NUMBA_DISABLE_JIT is set")
def test_import_compiles_nothing():
    code = (
        "from numba.core.dispatcher import Dispatcher\n"
        "from lsmoo.kernels import packed\n"
        "ds = [n for n, o in vars(packed).items() if isinstance(o, Dispatcher)]\n"
        "assert len(ds) >= 10, ds\n"
        "assert all(not getattr(packed, n).signatures for n in ds), ds\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
