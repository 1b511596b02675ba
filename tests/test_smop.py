"""SMOP1–8: hand-derived values from shared/specs/problems.md §2 (no external oracle ships SMOP).

A slow, obviously-correct scalar twin of every g (written from the spec, one loop per individual) is
compared with the vectorized code; the traps of §2.4 are tested one by one; optimal vectors land on the
reference fronts, whose sizes and equations are checked too.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import lsmoo
from lsmoo.errors import ProblemError
from lsmoo.problems import smop as S

NAMES = [f"smop{k}" for k in range(1, 9)]
PI3 = math.pi / 3


# ------------------------------------------------------------------------------------------- scalar twin
def g1(y, t):
    return (y - t) ** 2


def g2(y, t):
    return 2 * (y - t) ** 2 + math.sin(2 * math.pi * (y - t)) ** 2


def g3(y, t):
    return 4 - (y - t) - 4 * math.exp(-100 * (y - t) ** 2)


def g4(y, t):
    return (y - PI3) ** 2 + t * math.sin(6 * math.pi * (y - PI3)) ** 2


def ref_g(k: int, y, K: int) -> float:
    """g of SMOPk for one distance vector y (a list), straight from §2.3."""
    n = len(y)
    if k == 1:
        return sum(g1(v, PI3) for v in y[:K]) + sum(g2(v, 0) for v in y[K:])
    if k == 2:
        return sum(g2(v, PI3) for v in y[:K]) + sum(g3(v, 0) for v in y[K:])
    if k == 3:
        g = sum(g1(v, PI3) for v in y[:K])
        tail = y[K:]
        for b in range(0, len(tail), 10):
            block = tail[b: b + 10]
            if any(v != 0 for v in block):
                g += 50 - sum(v * v for v in block)
        return g
    if k == 4:
        terms = sorted(g3(v, 0) for v in y)
        return sum(terms[: n - K])
    if k == 5:
        return sum(g1(v, PI3) * g2(v, 0) for v in y) + abs(K - sum(v != 0 for v in y))
    if k == 6:
        t = [i / (n - 1) for i in range(n)] if n > 1 else [1.0]
        v = [g4(y[i], t[i]) for i in range(n)]
        order = sorted(range(n), key=lambda i: v[i])  # Python's sort is stable
        return sum(v[i] for r, i in enumerate(order) if r < K or y[i] != 0)
    if k == 7:
        g = sum(g2(v, PI3) for v in y[:K])
        for i in range(K, n):
            nxt = y[i + 1] if i + 1 < n else y[K]
            g += g2(y[i], 0.9 * nxt)
        return g
    if k == 8:
        g = sum(g3(y[i], (y[i + 1] + math.pi) % 2) for i in range(K))
        g += sum(g3(y[i], 0.9 * y[i + 1]) for i in range(K, n - 1))
        return g
    raise ValueError(k)


def ref_h(shape: str, xf) -> list[float]:
    M = len(xf) + 1
    if shape == "linear":
        a, b = (lambda v: v), (lambda v: 1 - v)
    elif shape == "convex":
        a, b = (lambda v: 1 - math.cos(math.pi * v / 2)), (lambda v: 1 - math.sin(math.pi * v / 2))
    else:
        a, b = (lambda v: math.cos(math.pi * v / 2)), (lambda v: math.sin(math.pi * v / 2))
    h = []
    for m in range(1, M + 1):
        val = math.prod(a(xf[j]) for j in range(M - m))
        if m >= 2:
            val *= b(xf[M - m])
        h.append(val)
    return h


def ref_F(p, x) -> np.ndarray:
    k = int(p.name[-1])
    M = p.n_obj
    g = ref_g(k, list(x[M - 1:]), p.K)
    return np.array([(1 + g / p.n_dist) * h for h in ref_h(p._shape, list(x[: M - 1]))])


def g_of(p, y) -> float:
    """g of a problem for one distance vector y."""
    y = np.asarray(y, dtype=float)
    return float(p._g(y[None, :])[0])


def sparse_population(p, rng, N=12, density=0.2):
    X = p.xl + rng.random((N, p.n_var)) * (p.xu - p.xl)
    Y = X[:, p.n_obj - 1:]
    Y[rng.random(Y.shape) > density] = 0.0
    X[0, p.n_obj - 1:] = 0.0  # an all-zero row
    return X


# ------------------------------------------------------------------------------------------- vs the twin
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("M,D,theta", [(2, 23, 0.1), (2, 41, 0.3), (3, 35, 0.1), (4, 30, 0.5), (2, 12, 1 / 11)])
def test_matches_scalar_twin(name, M, D, theta):
    p = lsmoo.get_problem(name, n_var=D, n_obj=M, theta=theta)
    rng = np.random.default_rng(D * 7 + M)
    X = sparse_population(p, rng)
    F = p.evaluate(X)
    expect = np.array([ref_F(p, x) for x in X])
    np.testing.assert_allclose(F, expect, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------------------- construction
def test_defaults_and_metadata():
    for k, name in enumerate(NAMES, 1):
        p = lsmoo.get_problem(name)
        cls = type(p)
        assert p.name == name and cls.__name__ == f"SMOP{k}"
        assert (p.n_var, p.n_obj, p.theta, p.K, p.n_dist) == (100, 2, 0.1, 10, 99)
        assert cls.default_n_var == 100 and cls.default_n_obj == 2 and cls.default_encoding == "real"
        assert cls.sparse is True and p.encoding == "real"
        assert cls.__doc__.strip().splitlines()[0].startswith(f"SMOP{k}:")
        np.testing.assert_array_equal(p.xl, [0.0] + [-1.0] * 99)
        np.testing.assert_array_equal(p.xu, [1.0] + [2.0] * 99)
        assert name in lsmoo.list_problems()
    p = lsmoo.get_problem("smop3", n_var=1000, n_obj=3, theta=None)  # None → default theta
    assert (p.n_var, p.n_obj, p.K, p.theta) == (1000, 3, 100, 0.1)
    np.testing.assert_array_equal(p.xl[:3], [0, 0, -1])


@pytest.mark.parametrize("n", [1, 7, 10, 99, 100, 999, 1000, 4321, 9999, 10000])
def test_K_is_ceil_theta_n(n):
    p = S.SMOP1(n_var=n + 1, n_obj=2)
    assert p.K == math.ceil(n / 10) == math.ceil(0.1 * n)


@pytest.mark.parametrize("theta", [0, -0.1, 1.5, float("nan"), float("inf"), "0.1", True, None])
def test_bad_theta(theta):
    with pytest.raises(ProblemError, match=r"smop2: theta"):
        S.SMOP2(theta=theta)


def test_bad_sizes():
    with pytest.raises(ProblemError, match="smop1"):
        S.SMOP1(n_var=2, n_obj=3)  # no distance variable left
    with pytest.raises(ProblemError, match="smop1"):
        S.SMOP1(n_obj=1)
    with pytest.raises(ProblemError, match="smop8"):
        S.SMOP8(n_var=2)  # n = 1: nothing to chain to
    with pytest.raises(ProblemError, match=r"smop8: K = ceil\(theta·n\) = 3"):
        S.SMOP8(n_var=4, theta=1.0)
    S.SMOP8(n_var=3)  # n = 2, K = 1 is fine
    S.SMOP7(n_var=5, theta=1.0)  # K = n: no tail, no chain
    with pytest.raises(ProblemError, match=r"smop1: evaluate\(\) needs an N × 100"):
        S.SMOP1().evaluate(np.zeros((3, 99)))


def test_theta_one_edge_cases():
    rng = np.random.default_rng(3)
    for name in NAMES[:7]:
        p = lsmoo.get_problem(name, n_var=12, theta=1.0)
        assert p.K == p.n_dist == 11
        X = sparse_population(p, rng, N=4)
        np.testing.assert_allclose(p.evaluate(X), [ref_F(p, x) for x in X], rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------------------- small hand computations
def test_smop1_by_hand():
    p = S.SMOP1(n_var=4)  # n = 3, K = 1
    F = p.evaluate([[0.5, PI3, 0.25, 0.0]])
    # g = g1(π/3, π/3) + g2(0.25, 0) + g2(0, 0) = 0 + (2/16 + sin²(π/2)) + 0 = 1.125
    np.testing.assert_allclose(F, [[(1 + 1.125 / 3) * 0.5] * 2], rtol=1e-15)


def test_smop2_by_hand():
    p = S.SMOP2(n_var=4)
    F = p.evaluate([[0.25, PI3 + 0.25, 0.0, 2.0]])
    # g = g2(d = 0.25) + g3(0) + g3(2) = 1.125 + 0 + (2 − 4e^-400) = 3.125
    np.testing.assert_allclose(F, [[(1 + 3.125 / 3) * 0.25, (1 + 3.125 / 3) * 0.75]], rtol=1e-15)


def test_smop4_by_hand():
    p = S.SMOP4(n_var=4)  # K = 1: the largest g3 term is discarded
    # g3(2) = 2, g3(0) = 0, g3(-1) = 5 − 4e^-100 ≈ 5 → keep 2 + 0
    assert g_of(p, [2.0, 0.0, -1.0]) == pytest.approx(2.0, abs=1e-15)
    assert g_of(p, [2.0, 0.0, 0.0]) == 0.0


def test_smop6_by_hand():
    p = S.SMOP6(n_var=4)  # n = 3, K = 1, t = (0, 0.5, 1)
    assert g_of(p, [0.0, PI3, 0.0]) == 0.0
    v = [(PI3) ** 2, 0.0, PI3 ** 2 + math.sin(-2 * math.pi ** 2) ** 2]
    # all zero: the smallest (v_1 = (π/3)², t = 0) counts, the two others are exact zeros
    assert g_of(p, [0.0, 0.0, 0.0]) == pytest.approx(v[0], rel=1e-14)


def test_smop8_by_hand():
    p = S.SMOP8(n_var=5)  # n = 4, K = 1
    # all zero: only the first term is non-zero: g3(0, (0 + π) mod 2) = 4 + (π − 2) − 4·e^(−100(π−2)²)
    expect = 4 + (math.pi - 2) - 4 * math.exp(-100 * (math.pi - 2) ** 2)
    assert g_of(p, [0.0, 0.0, 0.0, 0.0]) == pytest.approx(expect, rel=1e-15)


def test_smop7_by_hand_and_wrap():
    p = S.SMOP7(n_var=5)  # n = 4, K = 1, tail y2..y4 with targets 0.9·(y3, y4, y2)
    a = 0.25
    got = g_of(p, [PI3, a, 0.0, 0.0])
    wrap = 2 * (0.9 * a) ** 2 + math.sin(2 * math.pi * 0.9 * a) ** 2  # g2(y4 = 0, target 0.9·y2)
    assert got == pytest.approx(1.125 + wrap, rel=1e-14)
    assert wrap == pytest.approx(0.10125 + math.sin(0.45 * math.pi) ** 2, rel=1e-14)
    # without the wrap the value would be g2(a, 0) = 1.125 only
    assert got - 1.125 > 1.0


# ------------------------------------------------------------------------------------------- optimal vectors
def optimal_y(name, n, K, rng, positions=None, free=None):
    y = np.zeros(n)
    if name in ("smop1", "smop2", "smop3", "smop7"):
        y[:K] = PI3
    elif name in ("smop5", "smop6"):
        pos = rng.choice(n, size=K, replace=False) if positions is None else positions
        y[pos] = PI3
    elif name == "smop4":
        pos = rng.choice(n, size=K, replace=False)
        y[pos] = rng.uniform(-1, 2, size=K) if free is None else free
        y[pos[y[pos] > 0]] = np.maximum(y[pos[y[pos] > 0]], 0.5)  # keep g3 > 0 on the free entries
    elif name == "smop8":
        y[n - 1] = rng.uniform(-1, 2) if free is None else free  # y_n is free
        for i in range(n - 2, K - 1, -1):
            y[i] = 0.9 * y[i + 1]
        for i in range(K - 1, -1, -1):
            y[i] = np.mod(y[i + 1] + np.pi, 2)
    return y


def on_front(shape, F, M):
    """Residual of the front equation for objective vectors F."""
    if shape == "linear":
        return F.sum(axis=1) - 1
    if shape == "spherical":
        return (F ** 2).sum(axis=1) - 1
    # convex: 1 − f_M = sin(π x_1/2) = s, the other objectives divided by (1 − cos) = 1 − √(1 − s²) lie on the
    # (M−1)-objective convex front; for M = 2 the quarter circle (1 − f1)² + (1 − f2)² = 1
    if M == 2:
        return (1 - F[:, 0]) ** 2 + (1 - F[:, 1]) ** 2 - 1
    s = 1 - F[:, -1]
    scale = 1 - np.sqrt(np.clip(1 - s ** 2, 0, None))
    flat = scale == 0  # x_1 = 0: the corner (0, …, 0, 1)
    safe = np.where(flat, 1.0, scale)
    inner = on_front("convex", F[:, :-1] / safe[:, None], M - 1)
    return np.where(flat, np.abs(F[:, :-1]).max(axis=1), inner)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("M,D", [(2, 100), (3, 203), (2, 1000)])
def test_optimal_vectors_give_g_zero_and_land_on_front(name, M, D):
    p = lsmoo.get_problem(name, n_var=D, n_obj=M)
    rng = np.random.default_rng(M * D)
    N = 20
    X = np.zeros((N, D))
    X[:, : M - 1] = rng.random((N, M - 1))
    X[0, : M - 1] = 0.0
    X[1, : M - 1] = 1.0
    for r in range(N):
        X[r, M - 1:] = optimal_y(name, p.n_dist, p.K, rng)
    assert np.all(X >= p.xl) and np.all(X <= p.xu)
    assert np.all(p._g(X[:, M - 1:]) == 0.0)
    F = p.evaluate(X)
    np.testing.assert_allclose(F, S._h(p._shape, X[:, : M - 1]), rtol=0, atol=0)
    np.testing.assert_allclose(on_front(p._shape, F, M), 0, atol=1e-12)


def test_optimal_vectors_m3_convex_front_equation_is_sound():
    # the convex-front residual used above really detects points off the front
    p = S.SMOP5(n_var=102, n_obj=3)
    X = np.zeros((1, 102))
    X[0, :2] = [0.3, 0.6]
    X[0, 2 + np.arange(p.K)] = PI3
    F = p.evaluate(X)
    assert abs(on_front("convex", F, 3)[0]) < 1e-12
    assert abs(on_front("convex", F * 1.01, 3)[0]) > 1e-4


# ------------------------------------------------------------------------------------------- the traps of §2.4
def test_g3_minimum_is_negative():
    d = np.linspace(0.0, 0.004, 400001)
    v = S._g3(d, 0.0)
    i = np.argmin(v)
    assert d[i] == pytest.approx(0.00125, abs=2e-5)
    assert v[i] == pytest.approx(-6.25e-4, rel=2e-3)
    assert S._g3(np.array([0.0]), 0.0)[0] == 0.0
    assert S._g3(np.array([2.0]), 0.0)[0] == 2.0 and S._g3(np.array([-1.0]), 0.0)[0] == 5.0
    # far from the target exp overflows: 4/inf = 0, no warning, no NaN
    with np.errstate(all="raise"):
        assert S._g3(np.array([2.0]), -1.0)[0] == 1.0


@pytest.mark.parametrize("name", ["smop2", "smop4", "smop8"])
def test_g3_problems_go_below_the_nominal_front(name):
    p = lsmoo.get_problem(name, n_var=100)
    n, K = p.n_dist, p.K
    d = 0.00125
    g3min = float(S._g3(np.array([d]), 0.0)[0])
    y = np.full(n, d)
    if name == "smop2":
        y[:K] = PI3  # g2 part at 0, every g3 term at its minimum
        expect = (n - K) * g3min
    elif name == "smop4":
        expect = (n - K) * g3min  # all terms equal: K of them dropped
    else:  # every link of the chain d = 0.00125 above its target
        y[n - 1] = 0.0
        for i in range(n - 2, K - 1, -1):
            y[i] = 0.9 * y[i + 1] + d
        for i in range(K - 1, -1, -1):
            y[i] = np.mod(y[i + 1] + np.pi, 2) + d
        assert np.all(y >= -1) and np.all(y <= 2)
        expect = (n - 1) * g3min
    g = g_of(p, y)
    assert g < 0
    assert g == pytest.approx(expect, rel=1e-9)
    x = np.concatenate([[0.5], y])
    F = p.evaluate(x[None])[0]
    nominal = S._h(p._shape, [[0.5]])[0]
    assert np.all(F < nominal)
    assert np.all(F > nominal * (1 - 6.3e-4))  # at most ≈ 6.25e-4 relative below the front


@pytest.mark.parametrize("name", ["smop5", "smop6"])
def test_exact_zero_matters(name):
    p = lsmoo.get_problem(name, n_var=100)
    rng = np.random.default_rng(0)
    y = optimal_y(name, p.n_dist, p.K, rng)
    assert g_of(p, y) == 0.0
    zero = np.flatnonzero(y == 0)[5]
    y2 = y.copy()
    y2[zero] = 1e-16
    if name == "smop5":
        # one more non-zero: |K − (K + 1)| = 1 (+ a 1e-33 landscape term)
        assert g_of(p, y2) == pytest.approx(1.0, abs=1e-12)
    else:
        t = zero / (p.n_dist - 1)
        assert g_of(p, y2) == pytest.approx(PI3 ** 2 + t * math.sin(6 * math.pi * PI3) ** 2, rel=1e-12)
    # -0.0 is zero (y == 0 is true for it)
    y3 = y.copy()
    y3[zero] = -0.0
    assert g_of(p, y3) == 0.0


def test_smop5_counts_exactly_K_nonzeros_anywhere():
    p = S.SMOP5(n_var=100)
    rng = np.random.default_rng(1)
    for _ in range(5):
        assert g_of(p, optimal_y("smop5", p.n_dist, p.K, rng)) == 0.0
    y = np.zeros(p.n_dist)
    y[:9] = PI3  # K − 1 non-zeros
    assert g_of(p, y) == 1.0
    assert g_of(p, np.zeros(p.n_dist)) == p.K


def test_smop6_positions_free():
    p = S.SMOP6(n_var=100)
    for pos in ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], list(range(89, 99)), [0, 10, 20, 30, 40, 50, 60, 70, 80, 98]):
        y = np.zeros(p.n_dist)
        y[pos] = PI3
        assert g_of(p, y) == 0.0


def stable_sort_sum(v, nonzero, K):
    order = sorted(range(len(v)), key=lambda i: v[i])
    return sum(v[i] for r, i in enumerate(order) if r < K or nonzero[i])


def test_smop6_selection_is_a_stable_sort_with_ties():
    # SMOP6's selection (the K first entries of a stable ascending sort count always, the rest only where
    # y != 0) on values with many ties, where the stable order decides the result
    rng = np.random.default_rng(5)
    for K in (1, 2, 3, 5, 8, 9):
        V = rng.integers(0, 3, size=(300, 8)).astype(float)
        NZ = rng.random(V.shape) < 0.5
        got = S._stable_k_smallest_plus_nonzero(V, NZ, K)
        expect = [stable_sort_sum(list(v), list(nz), K) for v, nz in zip(V, NZ)]
        np.testing.assert_array_equal(got, expect)
    # a tie straddling the K-th place: the lower index wins, so the zero at index 0 is counted and the
    # non-zero at index 1 too (2·v); with the order swapped only the first one would be (v)
    V = np.array([[1.0, 1.0, 5.0]])
    assert S._stable_k_smallest_plus_nonzero(V, np.array([[False, True, False]]), 1)[0] == 2.0
    assert S._stable_k_smallest_plus_nonzero(V, np.array([[True, False, False]]), 1)[0] == 1.0


def test_smop6_on_tie_prone_inputs():
    # repeated values at repeated positions: the whole g against the scalar twin
    p = S.SMOP6(n_var=41, theta=0.2)  # n = 40, K = 8
    rng = np.random.default_rng(9)
    Y = np.zeros((50, 40))
    choices = np.array([0.0, PI3, 2 * PI3, 0.5, -1.0])
    Y[:] = rng.choice(choices, size=Y.shape, p=[0.6, 0.1, 0.1, 0.1, 0.1])
    got = p._g(Y)
    expect = [ref_g(6, list(y), p.K) for y in Y]
    np.testing.assert_allclose(got, expect, rtol=1e-13, atol=1e-13)


def test_smop3_blocks():
    p = S.SMOP3(n_var=27)  # n = 26, K = 3: tail of 23 = blocks of 10, 10, 3
    n, K = p.n_dist, p.K
    assert (n, K) == (26, 3)
    assert n - K - 10 * ((n - K - 1) // 10) == 3
    base = np.zeros(n)
    base[:K] = PI3
    assert g_of(p, base) == 0.0
    for j, blk in [(K, 0), (K + 9, 0), (K + 10, 1), (K + 19, 1), (K + 20, 2), (n - 1, 2)]:
        y = base.copy()
        y[j] = 1.0
        assert g_of(p, y) == 49.0, (j, blk)  # β = 50 − Σy² of the touched block
    y = base.copy()
    y[K:K + 10] = 2.0  # a full block at the box edge still costs 50 − 40 = 10
    assert g_of(p, y) == 10.0
    y = base.copy()
    y[[K, K + 10, n - 1]] = 0.5  # three blocks touched
    assert g_of(p, y) == pytest.approx(3 * 49.75)
    # PlatEMO's test is 50 − Σy² < 50: a block whose squares vanish next to 50 counts as untouched
    y = base.copy()
    y[K] = 1e-10
    assert g_of(p, y) == 0.0
    y[K] = 1e-7
    assert g_of(p, y) == pytest.approx(50.0)


@pytest.mark.parametrize("n,K,sizes", [(99, 10, [10] * 8 + [9]), (100, 10, [10] * 9), (101, 11, [10] * 9),
                                       (23, 3, [10, 10]), (12, 2, [10]), (11, 2, [9])])
def test_smop3_last_block_size(n, K, sizes):
    p = S.SMOP3(n_var=n + 1)
    assert p.K == K
    assert n - K - 10 * ((n - K - 1) // 10) == sizes[-1]
    # touching the last variable and the first of the last block both cost one β term of that block
    first_of_last = K + 10 * (len(sizes) - 1)
    base = np.zeros(n)
    base[:K] = PI3
    for j in (first_of_last, n - 1):
        y = base.copy()
        y[j] = 1.0
        assert g_of(p, y) == 49.0
    y = base.copy()
    y[first_of_last: n] = 1.0
    assert g_of(p, y) == 50.0 - sizes[-1]


def test_smop4_ignores_the_K_largest():
    p = S.SMOP4(n_var=100)
    n, K = p.n_dist, p.K
    y = np.zeros(n)
    y[-K:] = -1.0  # K terms of g3 = 5: all discarded
    assert g_of(p, y) == 0.0
    y[0] = -1.0  # K + 1 such terms: one is kept
    assert g_of(p, y) == pytest.approx(5.0)
    y = np.zeros(n)
    y[:K] = 2.0  # position-free
    assert g_of(p, y) == 0.0


def test_smop7_chain_and_wrap():
    p = S.SMOP7(n_var=100)
    n, K = p.n_dist, p.K
    y = np.zeros(n)
    y[:K] = PI3
    assert g_of(p, y) == 0.0
    a = 0.3
    y[K] = a  # y_{K+1}: x of one term and the wrap target of the last one
    expect = g2(a, 0) + g2(0, 0.9 * a)
    assert g_of(p, y) == pytest.approx(expect, rel=1e-13)
    y[K] = 0.0
    y[n - 1] = a  # y_n: x of the wrap term and target of y_{n-1}
    assert g_of(p, y) == pytest.approx(g2(a, 0.0) + g2(0.0, 0.9 * a), rel=1e-13)


def test_smop8_last_variable_is_free_and_no_wrap():
    p = S.SMOP8(n_var=100)
    n, K = p.n_dist, p.K
    rng = np.random.default_rng(2)
    for c in (-1.0, 0.0, 0.7, 2.0):
        y = optimal_y("smop8", n, K, rng, free=c)
        assert y[K - 1] == pytest.approx(np.mod(y[K] + np.pi, 2))
        assert np.all(y >= -1) and np.all(y <= 2)
        assert g_of(p, y) == 0.0
    y = optimal_y("smop8", n, K, rng, free=0.0)
    assert y[K - 1] == pytest.approx(np.pi - 2)  # ≈ 1.1416
    assert y[K - 2] == pytest.approx(np.mod(np.pi - 2 + np.pi, 2))  # ≈ 0.2832
    # y_n enters only as a target: moving it alone costs the g3 term of y_{n-1} only
    y2 = y.copy()
    y2[-1] = 1.0
    assert g_of(p, y2) == pytest.approx(g3(0.0, 0.9), rel=1e-14)
    # no wrap: y_1 is never a target (changing it costs its own term only)
    y3 = y.copy()
    y3[0] += 0.5
    assert g_of(p, y3) == pytest.approx(g3(y3[0], (y[1] + math.pi) % 2), rel=1e-13)


def test_smop8_mod_is_floored():
    # (y + π) mod 2 for y ∈ [−1, 2] lies in [0, 2): the target of y_K from y_{K+1} = −1 is π − 1 − 2·0
    p = S.SMOP8(n_var=3)  # n = 2, K = 1: g = g3(y1, (y2 + π) mod 2)
    for y2_ in (-1.0, 0.0, 0.8584073464102069, 2.0):
        target = (y2_ + math.pi) - 2 * math.floor((y2_ + math.pi) / 2)
        assert g_of(p, [target, y2_]) == pytest.approx(0.0, abs=1e-15)


# ------------------------------------------------------------------------------------------- reference fronts
@pytest.mark.parametrize("name", NAMES)
def test_front_sizes_and_equations(name):
    for M, size in [(2, 10000), (3, 9870)]:
        p = lsmoo.get_problem(name, n_obj=M, n_var=100)
        R = p.pareto_front()
        assert R.shape == (size, M)
        assert np.all(np.isfinite(R)) and np.all(R >= 0)
        # the lattice is clamped to >= 1e-6 (PlatEMO), so Σf exceeds 1 by up to (M − 1)·1e-6 at the corners
        tol = (M - 1) * 1e-6 + 1e-12 if p._shape == "linear" else 1e-10
        np.testing.assert_allclose(on_front(p._shape, R, M), 0, atol=tol)
    assert lsmoo.get_problem(name, n_obj=4, n_var=100).pareto_front().shape == (9880, 4)
    assert lsmoo.get_problem(name).pareto_front(100).shape == (100, 2)


def test_linear_and_spherical_fronts_are_the_clamped_lattice():
    from lsmoo.problems._reference import uniform_point
    W = uniform_point(10000, 2)
    np.testing.assert_array_equal(S.SMOP1().pareto_front(), W)
    assert W.min() == 1e-6
    np.testing.assert_allclose(S.SMOP7().pareto_front(), W / np.linalg.norm(W, axis=1)[:, None], rtol=1e-15)


@pytest.mark.parametrize("M", [2, 3, 4])
def test_convex_front_is_the_ray_intersection(M):
    from lsmoo.problems._reference import uniform_point
    W = uniform_point(2000, M)
    R = S.SMOP4(n_obj=M, n_var=50).pareto_front(2000)
    assert R.shape == W.shape
    # each point lies on the ray of its lattice direction: f_j / f_1 = w_j / w_1
    np.testing.assert_allclose(R[:, 1:] * W[:, :1], R[:, :1] * W[:, 1:], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(on_front("convex", R, M), 0, atol=1e-10)
    if M == 2:  # τ = w2/w1, c = (τ² − τ + √(2τ))/(τ² + 1), f = (1 − c, 1 − √(1 − c²))
        tau = W[:, 1] / W[:, 0]
        c = (tau ** 2 - tau + np.sqrt(2 * tau)) / (tau ** 2 + 1)
        np.testing.assert_allclose(R, np.column_stack([1 - c, 1 - np.sqrt(1 - c ** 2)]), atol=1e-12)


def test_bad_n_points():
    for bad in (0, -5, 2.5, "10", True):
        with pytest.raises(ProblemError, match="smop4: pareto_front"):
            S.SMOP4().pareto_front(bad)


def test_evaluate_checked_and_dtypes():
    p = S.SMOP1(n_var=20)
    X = np.zeros((3, 20), dtype=np.float32)
    F, G = p.evaluate_checked(X)
    assert F.dtype == np.float64 and F.shape == (3, 2) and G is None
    F1 = p.evaluate(X.tolist())
    np.testing.assert_array_equal(F, F1)
