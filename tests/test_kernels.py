"""Kernels against their plain-numpy twins (lsmoo.kernels.reference), plus a few direct checks."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lsmoo.kernels import (
    RANK_UNRANKED,
    bernoulli_sites,
    bernoulli_sites_mu,
    binary_tournament,
    bitflip,
    crowding_distance,
    mnn_truncate,
    nd_sort,
    polynomial_mutation,
    sbx,
    two_point_crossover,
    uniform_crossover,
)
from lsmoo.kernels.reference import (
    binary_tournament_ref,
    bitflip_ref,
    crowding_distance_ref,
    mnn_truncate_ref,
    nd_sort_ref,
    polynomial_mutation_ref,
    sbx_ref,
    two_point_crossover_ref,
    uniform_crossover_ref,
)

JIT_DISABLED = os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0")


def cfg(n):
    """Deterministic hypothesis settings (no global profile: other test files keep their own)."""
    return settings(derandomize=True, deadline=None, max_examples=n, database=None)


# --------------------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------------------
@st.composite
def objectives(draw, max_n=40, max_m=5):
    """(N, M) objective matrices: integer-valued (many ties and duplicates) or general floats."""
    n = draw(st.integers(0, max_n))
    m = draw(st.integers(1, max_m))
    kind = draw(st.sampled_from(["small_int", "int", "float", "dup"]))
    if kind == "small_int":
        elems = st.integers(0, 2).map(float)
    elif kind == "int":
        elems = st.integers(-5, 5).map(float)
    else:
        elems = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)
    F = draw(hnp.arrays(np.float64, (n, m), elements=elems))
    if kind == "dup" and n > 1:
        # repeat some rows verbatim, in shuffled positions
        idx = draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n))
        F = F[np.asarray(idx, dtype=np.int64)]
    return F


unit = st.floats(0.0, 1.0, allow_nan=False, exclude_max=True, width=64)
eta_s = st.one_of(st.sampled_from([0.0, 1.0, 15.0, 20.0, 100.0]), st.floats(0.0, 200.0))


@st.composite
def bounds(draw, d):
    """xl <= xu (D,), some columns with xl == xu."""
    lo = draw(hnp.arrays(np.float64, d, elements=st.floats(-100, 100)))
    width = draw(hnp.arrays(np.float64, d, elements=st.one_of(st.just(0.0), st.floats(0, 200))))
    return lo, lo + width


@st.composite
def real_pair(draw, min_k=0):
    k = draw(st.integers(min_k, 6))
    d = draw(st.integers(1, 6))
    xl, xu = draw(bounds(d))
    vals = st.floats(-150, 350, allow_nan=False)
    P1 = draw(hnp.arrays(np.float64, (k, d), elements=vals))
    P2 = draw(hnp.arrays(np.float64, (k, d), elements=st.one_of(vals, st.just(0.0))))
    return P1, P2, xl, xu


@st.composite
def sorted_sites(draw, n_total):
    sel = draw(st.sets(st.integers(0, max(n_total - 1, 0)), max_size=n_total)) if n_total else set()
    return np.array(sorted(sel), dtype=np.int64)


def assert_float_equal(a, b):
    """Same shape, inf at the same places, finite values within rtol 1e-12."""
    assert a.shape == b.shape and a.dtype == b.dtype == np.float64
    np.testing.assert_array_equal(np.isinf(a), np.isinf(b))
    np.testing.assert_array_equal(a[np.isinf(a)], b[np.isinf(b)])
    np.testing.assert_allclose(a[np.isfinite(a)], b[np.isfinite(b)], rtol=1e-12, atol=0)


# --------------------------------------------------------------------------------------------------
# non-dominated sorting
# --------------------------------------------------------------------------------------------------
@cfg(300)
@given(objectives())
def test_nd_sort_equals_twin(F):
    r = nd_sort(F)
    assert r.dtype == np.int64 and r.shape == (F.shape[0],)
    np.testing.assert_array_equal(r, nd_sort_ref(F))


@cfg(150)
@given(objectives(max_n=120, max_m=4), st.integers(0, 2**31 - 1))
def test_nd_sort_larger_fronts_equal_twin(F, seed):
    """Bigger inputs (blocks grow and move in the arena, long staircases for M == 3)."""
    rng = np.random.default_rng(seed)
    G = np.concatenate([F, rng.integers(0, 6, size=(200, F.shape[1])).astype(float)])
    G[:, 0] -= G[:, -1]  # anti-correlate two objectives: larger fronts
    np.testing.assert_array_equal(nd_sort(G), nd_sort_ref(G))


@cfg(200)
@given(objectives(max_n=50), st.data())
def test_nd_sort_n_stop(F, data):
    N = F.shape[0]
    n_stop = data.draw(st.integers(-2, N + 2))
    full = nd_sort(F)
    r = nd_sort(F, n_stop)
    np.testing.assert_array_equal(r, nd_sort_ref(F, n_stop))
    if n_stop <= 0 or n_stop >= N:
        np.testing.assert_array_equal(r, full)
        return
    ranked = r != RANK_UNRANKED
    np.testing.assert_array_equal(r[ranked], full[ranked])  # same ranks where ranked
    kmax = r[ranked].max()
    np.testing.assert_array_equal(ranked, full <= kmax)    # complete fronts 0..kmax, nothing else
    assert ranked.sum() >= n_stop
    assert (full < kmax).sum() < n_stop                    # stopped as soon as possible


def test_nd_sort_edge_cases():
    assert nd_sort(np.zeros((0, 3))).shape == (0,)
    np.testing.assert_array_equal(nd_sort(np.zeros((1, 2))), [0])
    np.testing.assert_array_equal(nd_sort(np.array([[3.0], [1.0], [3.0], [2.0], [1.0]])), [2, 0, 2, 1, 0])
    np.testing.assert_array_equal(nd_sort(np.ones((4, 3))), [0, 0, 0, 0])
    F = np.array([[1.0, 2.0], [1.0, 3.0], [2.0, 2.0], [0.0, 5.0], [1.0, 2.0]])
    np.testing.assert_array_equal(nd_sort(F), [0, 1, 1, 0, 0])
    F = np.array([[-np.inf, 1.0], [np.inf, 0.0], [0.0, np.inf]])
    np.testing.assert_array_equal(nd_sort(F), nd_sort_ref(F))
    # int input, non-contiguous input
    np.testing.assert_array_equal(nd_sort(np.array([[2, 1], [1, 2], [2, 2]])), [0, 0, 1])
    G = np.asfortranarray(np.random.default_rng(0).random((30, 3)))
    np.testing.assert_array_equal(nd_sort(G), nd_sort_ref(G))
    with pytest.raises(ValueError, match="NaN"):
        nd_sort(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="2-D"):
        nd_sort(np.zeros(3))


@pytest.mark.parametrize("m", [2, 3, 5])
def test_nd_sort_first_front_matches_pymoo(m):
    pytest.importorskip("pymoo")
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    rng = np.random.default_rng(m)
    for n in (1, 7, 300):
        F = rng.random((n, m))
        ours = set(np.flatnonzero(nd_sort(F) == 0).tolist())
        theirs = set(NonDominatedSorting().do(F, only_non_dominated_front=True).tolist())
        assert ours == theirs


@pytest.mark.parametrize("m", [1, 2, 3, 4, 6])
def test_nd_sort_random_large(m):
    """N = 1200 continuous, heavily tied and many-front data against the O(N^2) twin."""
    rng = np.random.default_rng(10 + m)
    n = 1200
    chain = np.arange(float(n))[:, None] / 4 + rng.integers(0, 3, size=(n, m))  # ~300 small fronts
    for F in (rng.random((n, m)), rng.integers(0, 8, size=(n, m)).astype(float), chain):
        np.testing.assert_array_equal(nd_sort(F), nd_sort_ref(F))
        for n_stop in (1, n // 3):
            np.testing.assert_array_equal(nd_sort(F, n_stop), nd_sort_ref(F, n_stop))


# --------------------------------------------------------------------------------------------------
# M-nearest-neighbour truncation
# --------------------------------------------------------------------------------------------------
@cfg(200)
@given(objectives(max_n=30), st.data())
def test_mnn_truncate_equals_twin(F, data):
    N = F.shape[0]
    n_keep = data.draw(st.integers(0, N + 2))
    got = mnn_truncate(F, n_keep)
    np.testing.assert_array_equal(got, mnn_truncate_ref(F, n_keep))
    assert len(got) == min(n_keep, N)
    assert (np.diff(got) > 0).all()


def test_mnn_truncate_thins_clusters_and_keeps_extremes():
    # a 3-objective simplex grid plus a tight cluster off its points: truncating back to the grid's
    # size must remove the cluster (all but one), never a corner
    g = [(a / 6, b / 6, (6 - a - b) / 6) for a in range(7) for b in range(7 - a)]
    rng = np.random.default_rng(0)
    cluster = np.array([0.25, 0.4, 0.35]) + rng.normal(0, 1e-3, (10, 3))  # between grid points
    F = np.vstack([np.array(g), cluster])
    keep = mnn_truncate(F, len(g) + 1)
    assert (np.isin(np.arange(len(g)), keep)).all()
    assert np.isin(np.arange(len(g), len(F)), keep).sum() == 1
    # the crowding distance, asked the same, keeps cluster members and drops grid points
    cd = crowding_distance(F, np.zeros(len(F), dtype=np.int64))
    by_cd = np.argsort(-cd, kind="stable")[: len(g) + 1]
    assert np.isin(np.arange(len(g), len(F)), by_cd).sum() > 1
    # the corners (each objective's minimum) survive even when almost everything goes
    corners = np.argmin(F, axis=0)
    assert set(corners) <= set(mnn_truncate(F, 3))


def test_mnn_truncate_rejects_bad_input():
    with pytest.raises(ValueError, match="NaN or inf"):
        mnn_truncate(np.array([[np.nan, 0.0, 1.0]]), 1)
    with pytest.raises(ValueError, match="n_keep"):
        mnn_truncate(np.zeros((3, 3)), -1)
    np.testing.assert_array_equal(mnn_truncate(np.zeros((0, 3)), 2), np.zeros(0, dtype=np.int64))


# --------------------------------------------------------------------------------------------------
# crowding distance
# --------------------------------------------------------------------------------------------------
@cfg(200)
@given(objectives(), st.data())
def test_crowding_equals_twin(F, data):
    N = F.shape[0]
    how = data.draw(st.sampled_from(["nd_sort", "n_stop", "labels"]))
    if how == "nd_sort":
        rank = nd_sort(F)
    elif how == "n_stop":
        rank = nd_sort(F, data.draw(st.integers(1, max(N, 1))))
    else:
        labels = st.sampled_from([0, 1, 5, -3, RANK_UNRANKED])
        rank = np.array(data.draw(st.lists(labels, min_size=N, max_size=N)), dtype=np.int64)
    cd = crowding_distance(F, rank)
    assert_float_equal(cd, crowding_distance_ref(F, rank))
    assert (cd[rank == RANK_UNRANKED] == 0.0).all()
    assert (cd >= 0).all()


def test_crowding_hand_example():
    F = np.array([[0.0, 4.0], [1.0, 3.0], [2.0, 1.0], [4.0, 0.0], [5.0, 5.0], [9.0, 9.0]])
    rank = np.array([0, 0, 0, 0, 1, RANK_UNRANKED])
    cd = crowding_distance(F, rank)
    # objective 0 span 4, objective 1 span 4: member 1 -> 2/4 + 3/4, member 2 -> 3/4 + 3/4
    np.testing.assert_allclose(cd, [np.inf, 1.25, 1.5, np.inf, np.inf, 0.0])
    # constant objective: only the boundaries (stable order: first and last index) get inf
    F = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    cd = crowding_distance(F, np.zeros(4, dtype=np.int64))
    np.testing.assert_allclose(cd, [np.inf, 2 / 3, 2 / 3, np.inf])
    with pytest.raises(ValueError, match="NaN or inf"):
        crowding_distance(np.array([[np.inf, 0.0]]), np.zeros(1, dtype=np.int64))
    with pytest.raises(ValueError, match="rank"):
        crowding_distance(np.zeros((3, 2)), np.zeros(2, dtype=np.int64))


# --------------------------------------------------------------------------------------------------
# real-valued variation
# --------------------------------------------------------------------------------------------------
@cfg(200)
@given(real_pair(), st.data())
def test_sbx_equals_twin(pair, data):
    P1, P2, xl, xu = pair
    K, D = P1.shape
    u = data.draw(hnp.arrays(np.float64, (K, D), elements=st.one_of(unit, st.sampled_from([0.0, 0.5, 0.75]))))
    v = data.draw(hnp.arrays(np.float64, (K, D), elements=st.one_of(unit, st.sampled_from([0.5, 0.75]))))
    cross = data.draw(hnp.arrays(np.bool_, K))
    eta = data.draw(eta_s)
    C1, C2 = sbx(P1, P2, xl, xu, u, v, cross, eta)
    R1, R2 = sbx_ref(P1, P2, xl, xu, u, v, cross, eta)
    assert_float_equal(C1, R1)
    assert_float_equal(C2, R2)
    assert (C1 >= xl).all() and (C1 <= xu).all() and (C2 >= xl).all() and (C2 <= xu).all()
    # no crossover -> exact (clipped) copies
    keep = ~cross[:, None] | (v < 0.5)
    np.testing.assert_array_equal(C1[keep], np.clip(P1, xl, xu)[keep])
    np.testing.assert_array_equal(C2[keep], np.clip(P2, xl, xu)[keep])


@cfg(200)
@given(real_pair(), st.data())
def test_polynomial_mutation_equals_twin(pair, data):
    X, _, xl, xu = pair
    K, D = X.shape
    sites = data.draw(sorted_sites(K * D))
    mu = data.draw(hnp.arrays(np.float64, sites.shape[0], elements=st.one_of(unit, st.just(0.5))))
    eta = data.draw(eta_s)
    expected = polynomial_mutation_ref(X, xl, xu, sites, mu, eta)
    Y = X.copy()
    assert polynomial_mutation(Y, xl, xu, sites, mu, eta) is None
    assert_float_equal(Y, expected)
    untouched = np.ones(K * D, dtype=bool)
    untouched[sites] = False
    np.testing.assert_array_equal(Y.reshape(-1)[untouched], X.reshape(-1)[untouched])
    mutated = Y.reshape(-1)[sites]
    cols = sites % D if D else sites
    live = xl[cols] < xu[cols]
    assert (mutated[live] >= xl[cols][live]).all() and (mutated[live] <= xu[cols][live]).all()
    np.testing.assert_array_equal(mutated[~live], X.reshape(-1)[sites][~live])


def test_real_variation_errors():
    X = np.zeros((2, 3))
    xl, xu = np.zeros(3), np.ones(3)
    with pytest.raises(ValueError, match="lower bound above upper bound"):
        sbx(X, X, xu, xl, X, X, np.ones(2, bool), 20)
    with pytest.raises(ValueError, match="shape"):
        sbx(X, np.zeros((2, 2)), xl, xu, X, X, np.ones(2, bool), 20)
    with pytest.raises(ValueError, match="eta"):
        sbx(X, X, xl, xu, X, X, np.ones(2, bool), -1.0)
    with pytest.raises(ValueError, match="C-contiguous"):
        polynomial_mutation(np.asfortranarray(X), xl, xu, np.array([0]), np.array([0.3]), 20)
    with pytest.raises(ValueError, match="strictly increasing"):
        polynomial_mutation(X, xl, xu, np.array([2, 1]), np.array([0.3, 0.2]), 20)
    with pytest.raises(ValueError, match=r"\[0, 6\)"):
        polynomial_mutation(X, xl, xu, np.array([6]), np.array([0.3]), 20)
    with pytest.raises(ValueError, match="finite"):
        polynomial_mutation(X, xl, np.full(3, np.inf), np.array([1]), np.array([0.3]), 20)


# --------------------------------------------------------------------------------------------------
# binary variation and selection
# --------------------------------------------------------------------------------------------------
@st.composite
def bool_pair(draw):
    k = draw(st.integers(0, 6))
    d = draw(st.integers(1, 9))
    return draw(hnp.arrays(np.bool_, (k, d))), draw(hnp.arrays(np.bool_, (k, d)))


@cfg(200)
@given(bool_pair(), st.data())
def test_bitflip_equals_twin(pair, data):
    X, _ = pair
    sites = data.draw(sorted_sites(X.size))
    expected = bitflip_ref(X, sites)
    Y = X.copy()
    assert bitflip(Y, sites) is None
    np.testing.assert_array_equal(Y, expected)
    assert (Y != X).sum() == sites.size


@cfg(200)
@given(bool_pair(), st.data())
def test_uniform_crossover_equals_twin(pair, data):
    P1, P2 = pair
    K, D = P1.shape
    u = data.draw(hnp.arrays(np.float64, (K, D), elements=st.one_of(unit, st.just(0.5))))
    cross = data.draw(hnp.arrays(np.bool_, K))
    C1, C2 = uniform_crossover(P1, P2, u, cross)
    R1, R2 = uniform_crossover_ref(P1, P2, u, cross)
    assert C1.dtype == C2.dtype == np.bool_
    np.testing.assert_array_equal(C1, R1)
    np.testing.assert_array_equal(C2, R2)
    np.testing.assert_array_equal(C1 ^ C2, P1 ^ P2)  # bits are exchanged, never invented


@cfg(200)
@given(bool_pair(), st.data())
def test_two_point_crossover_equals_twin(pair, data):
    P1, P2 = pair
    K, D = P1.shape
    ab = [sorted(data.draw(st.lists(st.integers(0, D), min_size=2, max_size=2))) for _ in range(K)]
    a = np.array([x[0] for x in ab], dtype=np.int64)
    b = np.array([x[1] for x in ab], dtype=np.int64)
    cross = data.draw(hnp.arrays(np.bool_, K))
    C1, C2 = two_point_crossover(P1, P2, a, b, cross)
    R1, R2 = two_point_crossover_ref(P1, P2, a, b, cross)
    np.testing.assert_array_equal(C1, R1)
    np.testing.assert_array_equal(C2, R2)


def test_two_point_crossover_errors():
    P = np.zeros((2, 4), dtype=bool)
    with pytest.raises(ValueError, match="0 <= a <= b <= D"):
        two_point_crossover(P, P, np.array([0, 3]), np.array([5, 3]), np.ones(2, bool))
    with pytest.raises(ValueError, match="0 <= a <= b <= D"):
        two_point_crossover(P, P, np.array([2, 0]), np.array([1, 3]), np.ones(2, bool))


@cfg(200)
@given(st.integers(1, 12), st.data())
def test_binary_tournament_equals_twin(n, data):
    rank = np.array(data.draw(st.lists(st.sampled_from([0, 1, 2, RANK_UNRANKED]), min_size=n, max_size=n)))
    crowd = data.draw(hnp.arrays(np.float64, n, elements=st.sampled_from([0.0, 0.5, 1.0, 2.5, np.inf]))
                      | hnp.arrays(np.float64, n, elements=st.floats(0, 10)))
    k = data.draw(st.integers(0, 10))
    cand = np.array(data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                                       min_size=k, max_size=k)), dtype=np.int64).reshape(k, 2)
    w = binary_tournament(rank, crowd, cand)
    assert w.dtype == np.int64 and w.shape == (k,)
    np.testing.assert_array_equal(w, binary_tournament_ref(rank, crowd, cand))


def test_binary_tournament_rules():
    rank = np.array([0, 1, 0, 0])
    crowd = np.array([1.0, 9.0, np.inf, 1.0])
    cand = np.array([[1, 0], [0, 2], [0, 3], [3, 0], [2, 2]])
    np.testing.assert_array_equal(binary_tournament(rank, crowd, cand), [0, 2, 0, 3, 2])
    with pytest.raises(ValueError, match="cand indices"):
        binary_tournament(rank, crowd, np.array([[0, 4]]))


# --------------------------------------------------------------------------------------------------
# sparse Bernoulli sites
# --------------------------------------------------------------------------------------------------
def test_bernoulli_sites_count_and_uniformity():
    rng = np.random.default_rng(12345)
    n, p = 1_000_000, 0.01
    s = bernoulli_sites(rng, n, p)
    assert s.dtype == np.int64
    assert (np.diff(s) > 0).all() and s[0] >= 0 and s[-1] < n
    sd = np.sqrt(n * p * (1 - p))
    assert abs(s.size - n * p) < 6 * sd
    counts = np.bincount(s * 20 // n, minlength=20)
    expected = s.size / 20
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 60  # 19 degrees of freedom: p-value ~ 1e-6


def test_bernoulli_sites_exact_marginals():
    """Small n, many draws: every position has frequency p, and positions are independent."""
    rng = np.random.default_rng(7)
    n, p, reps = 10, 0.3, 20_000
    hits = np.zeros((reps, n), dtype=bool)
    for i in range(reps):
        hits[i, bernoulli_sites(rng, n, p)] = True
    tol = 6 * np.sqrt(p * (1 - p) / reps)
    assert np.abs(hits.mean(axis=0) - p).max() < tol
    both = (hits[:, 0] & hits[:, -1]).mean()
    assert abs(both - p * p) < 6 * np.sqrt(p * p * (1 - p * p) / reps)
    # the number of hits is Binomial(n, p)
    from math import comb

    k = hits.sum(axis=1)
    for j in range(n + 1):
        pj = comb(n, j) * p**j * (1 - p) ** (n - j)
        assert abs((k == j).mean() - pj) < 6 * np.sqrt(pj * (1 - pj) / reps) + 1e-3


def test_bernoulli_sites_edges_and_determinism():
    rng = np.random.default_rng(0)
    assert bernoulli_sites(rng, 100, 0.0).size == 0
    assert bernoulli_sites(rng, 100, -1.0).size == 0
    assert bernoulli_sites(rng, 0, 0.5).size == 0
    np.testing.assert_array_equal(bernoulli_sites(rng, 7, 1.0), np.arange(7))
    np.testing.assert_array_equal(bernoulli_sites(rng, 7, 2.0), np.arange(7))
    for p in (1e-12, 1e-4, 0.5, 0.999):
        a = bernoulli_sites(np.random.default_rng(3), 5000, p)
        b = bernoulli_sites(np.random.default_rng(3), 5000, p)
        np.testing.assert_array_equal(a, b)
        assert a.size == 0 or (a[0] >= 0 and a[-1] < 5000 and (np.diff(a) > 0).all())
    s, mu = bernoulli_sites_mu(np.random.default_rng(1), 10_000, 0.05)
    assert mu.shape == s.shape and mu.dtype == np.float64 and (mu >= 0).all() and (mu < 1).all()
    with pytest.raises(ValueError, match="NaN"):
        bernoulli_sites(rng, 10, float("nan"))
    with pytest.raises(ValueError, match="n_total"):
        bernoulli_sites(rng, -1, 0.5)


def test_sampled_sites_drive_kernels():
    """The intended pipeline: sites/mu from the generator, then the in-place kernels."""
    rng = np.random.default_rng(2)
    K, D = 20, 50
    X = rng.random((K, D))
    xl, xu = np.zeros(D), np.ones(D)
    sites, mu = bernoulli_sites_mu(rng, X.size, 1.0 / D)
    expected = polynomial_mutation_ref(X, xl, xu, sites, mu, 20.0)
    polynomial_mutation(X, xl, xu, sites, mu, 20.0)
    np.testing.assert_allclose(X, expected, rtol=1e-12)
    B = rng.random((K, D)) < 0.5
    sites = bernoulli_sites(rng, B.size, 0.1)
    expected = bitflip_ref(B, sites)
    bitflip(B, sites)
    np.testing.assert_array_equal(B, expected)


# --------------------------------------------------------------------------------------------------
# import hygiene
# --------------------------------------------------------------------------------------------------
@pytest.mark.skipif(JIT_DISABLED, reason="no dispatchers when NUMBA_DISABLE_JIT is set")
def test_import_compiles_nothing():
    code = (
        "import numba, lsmoo.kernels\n"
        "from lsmoo.kernels import sorting, variation\n"
        "from numba.core.dispatcher import Dispatcher\n"
        "ds = [(m.__name__, n, o) for m in (sorting, variation) for n, o in vars(m).items()\n"
        "      if isinstance(o, Dispatcher)]\n"
        "assert len(ds) >= 9, ds\n"
        "bad = [(m, n) for m, n, o in ds if o.signatures or o.overloads]\n"
        "assert not bad, bad\n"
        "print(len(ds))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_DISABLE_JIT"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) >= 9
