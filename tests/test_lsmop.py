"""LSMOP1–9 against shared/specs/problems.md §1, evomo 0.3.1 (PlatEMO-identical) values stored in
tests/data/lsmop_evomo.npz (and a live evomo when it is importable), MOEA Framework's unit-test vectors for
the original grouping, and a slow scalar twin written from the spec."""
from __future__ import annotations

import math
import os

import numpy as np
import pytest

import lsmoo
from lsmoo.errors import ProblemError
from lsmoo.problems import lsmop as L

NAMES = [f"lsmop{k}" for k in range(1, 10)]
DATA = os.path.join(os.path.dirname(__file__), "data", "lsmop_evomo.npz")
CASES = [(2, 200), (2, 1000), (3, 300), (5, 1000)]


# ------------------------------------------------------------------------------------------- scalar twin
def sphere(z):
    return sum(v * v for v in z)


def schwefel(z):
    return max(abs(v) for v in z)


def rosenbrock(z):
    return sum(100 * (z[i] ** 2 - z[i + 1]) ** 2 + (z[i] - 1) ** 2 for i in range(len(z) - 1))


def rastrigin(z):
    return sum(v * v - 10 * math.cos(2 * math.pi * v) + 10 for v in z)


def griewank(z):
    return sum(v * v for v in z) / 4000 - math.prod(math.cos(v / math.sqrt(i + 1)) for i, v in enumerate(z)) + 1


def ackley(z):
    n = len(z)
    return (20 - 20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in z) / n))
            - math.exp(sum(math.cos(2 * math.pi * v) for v in z) / n) + math.e)


TABLE = {  # §1.7: η_odd, η_even, linkage, shape
    1: (sphere, sphere, "linear", "linear"),
    2: (griewank, schwefel, "linear", "linear"),
    3: (rastrigin, rosenbrock, "linear", "linear"),
    4: (ackley, griewank, "linear", "linear"),
    5: (sphere, sphere, "nonlinear", "spherical"),
    6: (rosenbrock, schwefel, "nonlinear", "spherical"),
    7: (ackley, rosenbrock, "nonlinear", "spherical"),
    8: (griewank, sphere, "nonlinear", "spherical"),
    9: (sphere, ackley, "nonlinear", "disconnected"),
}


def ref_F(k: int, x, M: int, sizes, nk: int):
    odd, even, link, shape = TABLE[k]
    D = len(x)
    xt = list(x)
    for i in range(M, D + 1):  # global 1-based index, divided by D
        Li = 1 + i / D if link == "linear" else 1 + math.cos(math.pi * i / (2 * D))
        xt[i - 1] = Li * x[i - 1] - 10 * x[0]
    G = []
    pos = M - 1
    for k_ in range(M):
        eta = odd if k_ % 2 == 0 else even
        s = sizes[k_]
        total = 0.0
        for j in range(nk):
            total += eta(xt[pos: pos + s]) / s
            pos += s
        G.append(total / nk)
    xf = x[: M - 1]
    F = []
    if shape == "disconnected":
        gh = 1 + sum(G)
        F = list(xf)
        F.append((1 + gh) * (M - sum(f / (1 + gh) * (1 + math.sin(3 * math.pi * f)) for f in xf)))
        return F
    for m in range(1, M + 1):
        if shape == "linear":
            h = math.prod(xf[: M - m]) * ((1 - xf[M - m]) if m >= 2 else 1)
            F.append((1 + G[m - 1]) * h)
        else:
            h = math.prod(math.cos(math.pi * v / 2) for v in xf[: M - m])
            h *= math.sin(math.pi * xf[M - m] / 2) if m >= 2 else 1
            F.append((1 + G[m - 1] + (G[m] if m < M else 0)) * h)
    return F


def random_population(p, rng, N=8):
    X = p.xl + rng.random((N, p.n_var)) * (p.xu - p.xl)
    X[0] = p.xl
    X[1] = p.xu
    return X


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("M,D,nk,grouping", [(2, 60, 3, "platemo"), (3, 97, 2, "platemo"), (4, 150, 5, "platemo"),
                                            (2, None, 5, "original"), (3, None, 4, "original")])
def test_matches_scalar_twin(name, M, D, nk, grouping):
    p = lsmoo.get_problem(name, n_var=D, n_obj=M, nk=nk, grouping=grouping)
    rng = np.random.default_rng(M * 100 + nk)
    X = random_population(p, rng)
    X[2] = rng.random(p.n_var) * 0.2  # small values: Rosenbrock and Griewank away from their plateaus
    F = p.evaluate(X)
    expect = np.array([ref_F(int(name[-1]), list(x), M, list(p.sublen), nk) for x in X])
    np.testing.assert_allclose(F, expect, rtol=1e-11, atol=1e-12)


# ------------------------------------------------------------------------------------------- grouping
@pytest.mark.parametrize("M,D,sizes,used,tail", [
    (2, 200, [11, 28], 196, 4),
    (2, 1000, [57, 142], 996, 4),
    (2, 5000, [285, 714], 4996, 4),
    (3, 300, [12, 30, 16], 292, 8),
    (3, 1000, [40, 102, 56], 992, 8),
    (3, 5000, [204, 512, 282], 4992, 8),
    (5, 1000, [24, 60, 33, 67, 13], 989, 11),
])
def test_platemo_grouping_table(M, D, sizes, used, tail):
    lay = L.lsmop_grouping(M, D)
    assert (lay["sizes"], lay["used"], lay["tail"], lay["n_var"]) == (sizes, used, tail, D)
    p = L.LSMOP1(n_var=D, n_obj=M)
    assert list(p.sublen) == sizes and p.n_used == used
    g = p.groups()
    assert np.count_nonzero(g == -1) == tail and np.all(g[used:] == -1)
    assert np.all(g[: M - 1] == 0)
    for k in range(M):
        assert np.count_nonzero(g == k + 1) == 5 * sizes[k]
    assert np.all(np.diff(g[: used]) >= 0)  # group 1, then group 2, … consecutively


def test_chaos_values():
    expect = [0.342, 0.855137, 0.470736, 0.946746, 0.191589, 0.588555, 0.920200, 0.279040, 0.764472, 0.684208]
    np.testing.assert_allclose(L._chaos(10), expect, atol=1e-6)


@pytest.mark.parametrize("M,D,sizes", [(2, 206, [12, 29]), (3, 307, [13, 31, 17]), (4, 413, [11, 27, 15, 29])])
def test_original_grouping_derives_D(M, D, sizes):
    lay = L.lsmop_grouping(M, grouping="original")
    assert (lay["sizes"], lay["n_var"], lay["tail"]) == (sizes, D, 0)
    for name in NAMES:
        p = lsmoo.get_problem(name, n_obj=M, grouping="original")
        assert p.n_var == D and list(p.sublen) == sizes and p.n_used == D
        assert lsmoo.get_problem(name, n_obj=M, n_var=D, grouping="original").n_var == D
    with pytest.raises(ProblemError, match=rf"lsmop4: grouping='original' .* imply n_var={D}, got n_var={D + 1}"):
        lsmoo.get_problem("lsmop4", n_obj=M, n_var=D + 1, grouping="original")


def test_defaults_and_metadata():
    for k, name in enumerate(NAMES, 1):
        p = lsmoo.get_problem(name)
        cls = type(p)
        assert p.name == name and cls.__name__ == f"LSMOP{k}"
        assert (p.n_var, p.n_obj, p.nk, p.grouping) == (300, 3, 5, "platemo")
        assert cls.default_n_var is None and cls.default_n_obj == 3 and cls.default_encoding == "real"
        assert cls.sparse is False and p.encoding == "real"
        assert cls.__doc__.strip().splitlines()[0].startswith(f"LSMOP{k}:")
        np.testing.assert_array_equal(p.xl, np.zeros(300))
        np.testing.assert_array_equal(p.xu, [1.0, 1.0] + [10.0] * 298)
        assert name in lsmoo.list_problems()
    assert lsmoo.get_problem("lsmop1", n_obj=2).n_var == 200
    assert lsmoo.get_problem("lsmop1", n_obj=5, n_var=None, nk=None).n_var == 500


def test_minimum_n_var():
    for M, nk in [(2, 5), (3, 5), (5, 5), (3, 1), (8, 3)]:
        need = L._min_n_var_platemo(M, nk)
        assert min(L.lsmop_grouping(M, need, nk)["sizes"]) >= 1
        assert min(L.lsmop_grouping(M, need - 1, nk)["sizes"]) == 0
        L.LSMOP3(n_var=need, n_obj=M, nk=nk).evaluate(np.zeros((2, need)))
        with pytest.raises(ProblemError, match=rf"lsmop3: n_var={need - 1} is too small .* n_var >= {need}"):
            L.LSMOP3(n_var=need - 1, n_obj=M, nk=nk)


@pytest.mark.parametrize("kwargs,match", [
    ({"n_obj": 1}, "lsmop1 needs n_obj >= 2"),
    ({"nk": 0}, "lsmop1: nk"),
    ({"nk": 2.5}, "lsmop1: nk"),
    ({"nk": True}, "lsmop1: nk"),
    ({"grouping": "cheng"}, "lsmop1: grouping must be one of"),
    ({"n_var": -3}, "lsmop1: n_var must be a positive integer"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ProblemError, match=match):
        L.LSMOP1(**kwargs)


def test_bad_shapes_and_n_points():
    p = L.LSMOP1()
    with pytest.raises(ProblemError, match=r"lsmop1: evaluate\(\) needs an N × 300"):
        p.evaluate(np.zeros((2, 299)))
    for bad in (0, 1.5, "10", True):
        with pytest.raises(ProblemError, match="lsmop1: pareto_front"):
            p.pareto_front(bad)


# ------------------------------------------------------------------------------------------- PlatEMO oracle (evomo)
@pytest.fixture(scope="module")
def oracle():
    return np.load(DATA)


@pytest.mark.parametrize("M,D", CASES)
@pytest.mark.parametrize("name", NAMES)
def test_matches_evomo_file(oracle, name, M, D):
    X = oracle[f"X_M{M}_D{D}"]
    F = oracle[f"F_{name}_M{M}_D{D}"]
    p = lsmoo.get_problem(name, n_var=D, n_obj=M)
    np.testing.assert_allclose(p.evaluate(X), F, rtol=1e-10, atol=0)


def _same_set(A, B, tol):
    assert A.shape == B.shape
    a = A[np.lexsort(np.round(A, 9).T[::-1])]
    b = B[np.lexsort(np.round(B, 9).T[::-1])]
    np.testing.assert_allclose(a, b, rtol=0, atol=tol)


@pytest.mark.parametrize("M", [2, 3])
@pytest.mark.parametrize("k", [1, 5, 9])
def test_front_matches_evomo_file(oracle, k, M):
    # evomo's pf() requests 1000·M points (PlatEMO requests 10000): same construction, smaller size
    pf = oracle[f"pf_lsmop{k}_M{M}"]
    _same_set(lsmoo.get_problem(f"lsmop{k}", n_obj=M).pareto_front(1000 * M), pf, 1e-14)


def test_oracle_file_is_small(oracle):
    assert os.path.getsize(DATA) < 2_000_000
    assert "evomo 0.3.1" in str(oracle["meta"])


def test_matches_live_evomo():
    torch = pytest.importorskip("torch")
    numerical = pytest.importorskip("evomo.problems.numerical")
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # evomo builds its linkage factors in the default dtype
    try:
        rng = np.random.default_rng(11)
        for M, D in [(2, 137), (3, 300), (4, 411)]:
            for k in range(1, 10):
                p = lsmoo.get_problem(f"lsmop{k}", n_var=D, n_obj=M)
                X = random_population(p, rng, N=5)
                ref = getattr(numerical, f"LSMOP{k}")(d=D, m=M)
                F = ref.evaluate(torch.tensor(X, dtype=torch.float64)).numpy()
                np.testing.assert_allclose(p.evaluate(X), F, rtol=1e-10, atol=0)
    finally:
        torch.set_default_dtype(old)


# ------------------------------------------------------------------------------------------- MOEA Framework vectors
# MOEA Framework's LSMOP unit tests (test/org/moeaframework/problem/LSMOP/LSMOP{k}Test.java): the original
# grouping (D = 206, 307, 413), evaluated at the lower bounds, the upper bounds and at x = 0.5 everywhere.
MOEAF = {
    1: {2: ([0.0, 1.0], [4.0449, 0.0], [10.2848, 9.2195], 1e-4),
        3: ([0.0, 0.0, 1.0], [2.6732, 0.0, 0.0], [5.1853, 4.7964, 8.7768], 1e-4),
        4: ([0.0, 0.0, 0.0, 1.0], [1.7111, 0.0, 0.0, 0.0], [2.6143, 2.4878, 4.7030, 8.8538], 1e-4)},
    2: {2: ([0.0, 1.0], [1.0635, 0.0], [0.5441, 0.57265], 1e-4),
        3: ([0.0, 0.0, 1.0], [1.0526, 0.0, 0.0], [0.2705, 0.2846, 0.5315], 1e-4),
        4: ([0.0, 0.0, 0.0, 1.0], [1.0462, 0.0, 0.0, 0.0], [0.1370, 0.1452, 0.2678, 0.5708], 1e-4)},
    3: {2: ([0.0, 1.9655], [14.3374, 0.0], [20.0, 22628.0], (1e-4, 1e-4, 1.0)),
        3: ([0.0, 0.0, 1.0], [12.3276, 0.0, 0.0], [10.0, 12218.0, 9.0], (1e-4, 1e-4, 1.0)),
        4: ([0.0, 0.0, 0.0, 1.9655], [11.71900, 0.0, 0.0, 0.0], [5.0, 6515.0, 7.0, 20907.0], (1e-4, 1e-4, 1.0))},
    4: {2: ([0.0, 1.0], [1.5649, 0.0], [1.0847, 0.5194], 1e-4),
        3: ([0.0, 0.0, 1.0], [1.4265, 0.0, 0.0], [0.5210, 0.2592, 0.8361], 1e-4),
        4: ([0.0, 0.0, 0.0, 1.0], [1.3913, 0.0, 0.0, 0.0], [0.2857, 0.1302, 0.4651, 0.5193], 1e-4)},
    5: {2: ([1.0, 0.0], [0.0, 32.5957], [24.9239, 13.5047], 1e-4),
        3: ([1.0, 0.0, 0.0], [0.0, 0.0, 6.9666], [17.1180, 18.7333, 14.3634], 1e-4),
        4: ([1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 10.4444], [11.8544, 12.3688, 18.7809, 14.1931], 1e-4)},
    6: {2: ([1.9167, 0.0], [0.0, 1.2001], [26374.0, 1.0], (1e-4, 1e-4, 1.0)),
        3: ([1.9231, 0.0, 0.0], [0.0, 0.0, 3115.6], [18642.0, 26458.0, 37417.0], (1e-4, 1.0, 1.0)),
        4: ([1.9091, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.1094], [12915.0, 15503.0, 21924.0, 1.0], (1e-4, 1e-4, 1.0))},
    7: {2: ([1.9655, 0.0], [0.0, 120761.0], [34197.0, 34197.0], (1e-4, 1.0, 1.0)),
        3: ([1.9677, 0.0, 0.0], [0.0, 0.0, 1.4864], [21967.0, 21967.0, 1.0], (1e-4, 1e-4, 1.0)),
        4: ([1.9630, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 9086.0], [14394.0, 14394.0, 26546.0, 37541.0],
            (1e-4, 1.0, 1.0))},
    8: {2: ([1.0, 0.0], [0.0, 32.5957], [13.5664, 13.5047], 1e-4),
        3: ([1.0, 0.0, 0.0], [0.0, 0.0, 1.0551], [9.1173, 9.1087, 0.7521], 1e-4),
        4: ([1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 10.4444], [6.2188, 6.2103, 10.0715, 14.1931], 1e-4)},
    9: {2: ([0.0, 4.0], [1.0, 189.54], [0.5, 37.1903], (1e-4, 0.01, 1e-4)),
        3: ([0.0, 0.0, 6.0], [1.0, 1.0, 311.42], [0.5, 0.5, 113.3573], (1e-4, 0.01, 1e-4)),
        4: ([0.0, 0.0, 0.0, 8.0], [1.0, 1.0, 1.0, 565.51], [0.5, 0.5, 0.5, 145.6829], (1e-4, 0.01, 1e-4))},
}


@pytest.mark.parametrize("M", [2, 3, 4])
@pytest.mark.parametrize("k", range(1, 10))
def test_moea_framework_vectors(k, M):
    lower, upper, half, tol = MOEAF[k][M]
    tols = tol if isinstance(tol, tuple) else (tol, tol, tol)
    p = lsmoo.get_problem(f"lsmop{k}", n_obj=M, grouping="original")
    F = p.evaluate(np.vstack([p.xl, p.xu, np.full(p.n_var, 0.5)]))
    for row, expect, t in zip(F, (lower, upper, half), tols):
        np.testing.assert_allclose(row, expect, rtol=0, atol=t)


# ------------------------------------------------------------------------------------------- optimum and front
def front_residual(shape, F, M):
    if shape == "linear":
        return F.sum(axis=1) - 1
    if shape == "spherical":
        return (F ** 2).sum(axis=1) - 1
    x = F[:, : M - 1]
    return F[:, -1] - 2 * (M - np.sum(x / 2 * (1 + np.sin(3 * np.pi * x)), axis=1))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("M,D,grouping", [(2, 200, "platemo"), (3, 300, "platemo"), (5, 1000, "platemo"),
                                         (3, None, "original")])
def test_optimal_vectors_give_G_zero_and_land_on_front(name, M, D, grouping):
    p = lsmoo.get_problem(name, n_var=D, n_obj=M, grouping=grouping)
    rng = np.random.default_rng(M)
    xf = rng.random((30, M - 1))
    xf[0] = 0.0
    xf[1] = 1.0
    X = p._optimal_x(xf, tail=3.0)
    np.testing.assert_allclose(p._G(X), 0.0, atol=1e-12)
    F = p.evaluate(X)
    np.testing.assert_allclose(front_residual(p._shape, F, M), 0.0, atol=1e-11)
    # the optimum of the non-Rosenbrock groups lies inside the box
    if not any(f in L._MIN_AT_ONE for f in (p._eta_odd, p._eta_even)):
        assert np.all(X >= p.xl) and np.all(X <= p.xu)


def test_rosenbrock_optimum_can_leave_the_box():
    # §1.8: x_i = (10·x_1 + 1)/L_i exceeds 10 where L_i < 1.1 and x_1 > 0.9 (nonlinear linkage), i.e. when a
    # Rosenbrock group is the last one: LSMOP6 (odd groups) for odd M ≥ 3, LSMOP7 (even groups) for even M
    for p in (L.LSMOP6(n_var=300, n_obj=3), L.LSMOP7(n_var=200, n_obj=2), L.LSMOP7(n_var=400, n_obj=4)):
        X = p._optimal_x([[0.95] * (p.n_obj - 1)])
        assert X.max() > 10
        np.testing.assert_allclose(p._G(X), 0.0, atol=1e-12)
    for p in (L.LSMOP7(n_var=300, n_obj=3), L.LSMOP3(n_var=200, n_obj=2), L.LSMOP3(n_var=300, n_obj=3)):
        X = p._optimal_x([[1.0] * (p.n_obj - 1)])
        assert X.max() <= 10


@pytest.mark.parametrize("name", NAMES)
def test_dead_tail_does_not_change_F(name):
    p = lsmoo.get_problem(name, n_var=1000, n_obj=5)
    assert p.n_var - p.n_used == 11
    rng = np.random.default_rng(4)
    X = random_population(p, rng)
    Y = X.copy()
    Y[:, p.n_used:] = rng.random((X.shape[0], 11)) * 10
    np.testing.assert_array_equal(p.evaluate(X), p.evaluate(Y))
    Y[:, p.n_used - 1] += 1.0  # the last used variable does change F
    assert np.any(p.evaluate(X) != p.evaluate(Y))


def test_griewank_sqrt_restarts_in_each_subcomponent():
    # one subcomponent of size s = 3, two subcomponents: z = (a, 0, 0 | a, 0, 0) and (0, 0, a | 0, 0, a)
    a = 2.0
    Z = np.zeros((2, 2, 3))
    Z[0, :, 0] = a
    Z[1, :, 2] = a
    v = L._griewank(Z)
    np.testing.assert_allclose(v[0], [a * a / 4000 - math.cos(a) + 1] * 2, rtol=1e-15)
    np.testing.assert_allclose(v[1], [a * a / 4000 - math.cos(a / math.sqrt(3)) + 1] * 2, rtol=1e-15)


def test_basic_function_minimisers():
    z0 = np.zeros((1, 2, 7))
    for f in (L._sphere, L._schwefel, L._rastrigin, L._griewank):
        assert np.all(f(z0) == 0.0)
    assert np.all(np.abs(L._ackley(z0)) < 1e-15)
    assert np.all(L._rosenbrock(z0 + 1) == 0.0) and np.all(L._rosenbrock(z0) == 6.0)
    assert np.all(L._rosenbrock(np.zeros((1, 1, 1))) == 0.0)  # a single variable: empty sum


def test_linkage_uses_global_index_over_D():
    p = L.LSMOP1(n_var=200, n_obj=2)
    i = np.arange(2, 197)
    np.testing.assert_allclose(p._L, 1 + i / 200, rtol=1e-15)
    p = L.LSMOP5(n_var=200, n_obj=2)
    np.testing.assert_allclose(p._L, 1 + np.cos(np.pi * i / 400), rtol=1e-15)


def test_lsmop9_uses_one_plus_G_hat():
    # at the optimum Ĝ = 1, so f_M = 2·(M − Σ f_m/2·(1 + sin 3πf_m)); x_f = 0 gives f_M = 2M
    for M in (2, 3, 4):
        p = L.LSMOP9(n_obj=M, n_var=100 * M)
        F = p.evaluate(p._optimal_x(np.zeros((1, M - 1))))
        np.testing.assert_allclose(F[0], [0.0] * (M - 1) + [2.0 * M], atol=1e-12)


@pytest.mark.parametrize("name,M,size", [
    ("lsmop1", 2, 10000), ("lsmop1", 3, 9870), ("lsmop4", 4, 9880), ("lsmop2", 5, 8855),
    ("lsmop5", 2, 10000), ("lsmop8", 3, 9870), ("lsmop6", 5, 8855),
    ("lsmop9", 2, 10000), ("lsmop9", 3, 10000), ("lsmop9", 4, 10648),
])
def test_front_sizes_and_equations(name, M, size):
    p = lsmoo.get_problem(name, n_obj=M)
    R = p.pareto_front()
    assert R.shape == (size, M) and np.all(np.isfinite(R))
    tol = (M - 1) * 1e-6 + 1e-12 if p._shape == "linear" else 1e-12  # the lattice clamp (≥ 1e-6)
    np.testing.assert_allclose(front_residual(p._shape, R, M), 0, atol=tol)
    if p._shape == "linear":
        assert R.min() == 1e-6  # zeros clamped, as PlatEMO's UniformPoint


def test_lsmop9_front_interval_mapping():
    R = L.LSMOP9(n_obj=2).pareto_front()
    x = R[:, 0]
    low, high = x[x <= 0.251412 + 1e-12], x[x > 0.251412 + 1e-12]
    assert low.min() == 0.0 and 0.2514 < low.max() <= 0.251412
    assert 0.631627 <= high.min() < 0.6317 and high.max() == pytest.approx(0.859401, abs=1e-12)
    assert low.size + high.size == 10000
    # PlatEMO applies no non-dominance filter: the points span both intervals, dominated ones included
    a = 0.251412 / (0.251412 + 0.859401 - 0.631627)
    u = np.linspace(0, 1, 10000)
    np.testing.assert_allclose(np.sort(x), np.where(u <= a, u * 0.251412 / a,
                                                    0.631627 + (u - a) * (0.859401 - 0.631627) / (1 - a)),
                               atol=1e-15)
