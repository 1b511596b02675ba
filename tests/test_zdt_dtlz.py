"""ZDT1–6 and DTLZ1–7: objective values against pymoo and DEAP, PlatEMO reference fronts, bad input.

Oracles (optional dependencies, skipped when absent): pymoo 0.6.x (``pymoo.problems.multi.zdt``,
``pymoo.problems.many.dtlz``) and DEAP 1.4 (``deap.benchmarks``).

Where the oracles disagree with PlatEMO (our operative definition):

* DEAP has no ZDT5.
* DEAP's ``dtlz5`` / ``dtlz6`` compute f_1 with the product of cos θ(x_i) over *every* variable after x_1,
  distance variables included (``ind[1:]`` instead of ``ind[1:M-1]``), so their f_1 is ours times
  Π_{i>=M} cos θ(x_i). f_2..f_M agree. Known and unfixed upstream (DEAP/deap pull request #104, open
  since 2015); jMetal, Shark, pymoo and PlatEMO all use x_2..x_{M-1} only.
* pymoo's ZDT5 normalises both objectives by default (``normalize=True``); with ``normalize=False`` it
  equals ours. pymoo sizes ZDT5 by ``m`` (number of groups including the first), n_var = 30 + 5(m − 1).
* pymoo's default n_var differ (DTLZ2–7: 10; PlatEMO: M + 9, DTLZ7 M + 19), so n_var is passed explicitly.
* pymoo's reference fronts are different point sets (ZDT: 100 points; ZDT3: 5 hard-coded intervals;
  ZDT6 starts at 0.2807753191 whereas PlatEMO starts at 0.280775); only the objective values are compared.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lsmoo
from lsmoo.errors import ProblemError
from lsmoo.problems import dtlz as D
from lsmoo.problems import zdt as Z

ZDT_REAL = ["zdt1", "zdt2", "zdt3", "zdt4", "zdt6"]
DTLZ = [f"dtlz{i}" for i in range(1, 8)]
ALL = ["zdt1", "zdt2", "zdt3", "zdt4", "zdt5", "zdt6"] + DTLZ

TOL = dict(rtol=1e-12, atol=1e-12)


def sample_points(problem, n_random=40, seed=0):
    """Random points, both bounds, the midpoint and random corners of the box."""
    rng = np.random.default_rng(seed)
    xl, xu = problem.xl, problem.xu
    rand = xl + rng.random((n_random, problem.n_var)) * (xu - xl)
    corners = np.where(rng.random((8, problem.n_var)) < 0.5, xl, xu)
    return np.vstack([rand, xl, xu, (xl + xu) / 2, corners])


def zdt5_points(n_var, n_random=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n_random, n_var)) < rng.random((n_random, 1))
    return np.vstack([X, np.zeros((1, n_var), bool), np.ones((1, n_var), bool)])


# ---------------------------------------------------------------------------------------------- registry
def test_all_registered():
    names = lsmoo.list_problems()
    for name in ALL:
        assert name in names


def test_get_problem_case_insensitive_and_defaults():
    p = lsmoo.get_problem("ZDT1", n_var=1000)
    assert isinstance(p, Z.ZDT1) and p.n_var == 1000 and p.n_obj == 2 and p.name == "zdt1"
    p = lsmoo.get_problem("dtlz2", n_var=None, n_obj=None)
    assert (p.n_var, p.n_obj) == (12, 3)


@pytest.mark.parametrize("name, n_obj, n_var", [
    ("zdt1", 2, 30), ("zdt2", 2, 30), ("zdt3", 2, 30), ("zdt4", 2, 10), ("zdt5", 2, 80), ("zdt6", 2, 10),
    ("dtlz1", 3, 7), ("dtlz2", 3, 12), ("dtlz3", 3, 12), ("dtlz4", 3, 12), ("dtlz5", 3, 12),
    ("dtlz6", 3, 12), ("dtlz7", 3, 22),
])
def test_platemo_defaults(name, n_obj, n_var):
    p = lsmoo.get_problem(name)
    assert (p.n_obj, p.n_var) == (n_obj, n_var)


@pytest.mark.parametrize("name, M, n_var", [("dtlz1", 5, 9), ("dtlz2", 5, 14), ("dtlz7", 2, 21), ("dtlz7", 8, 27)])
def test_dtlz_default_n_var_follows_n_obj(name, M, n_var):
    assert lsmoo.get_problem(name, n_obj=M).n_var == n_var


@pytest.mark.parametrize("name", ALL)
def test_class_conventions(name):
    cls = lsmoo.registry.problems.entry(name).factory
    p = cls()
    assert p.name == name
    # ZDT1-4 and 6 have x_2..x_n = 0 on their Pareto sets; DTLZ (x = 0.5) and ZDT5 (all ones) do not
    assert cls.sparse is (name.startswith("zdt") and name != "zdt5")
    assert cls.default_encoding == ("binary" if name == "zdt5" else "real")
    assert p.encoding == cls.default_encoding
    assert cls.default_n_obj == p.n_obj
    first = cls.__doc__.strip().splitlines()[0]
    assert first and first.lower().startswith(name)
    if name.startswith("zdt"):
        assert cls.default_n_var == p.n_var
    else:
        assert cls.default_n_var is None
        assert "default n_var = n_obj +" in cls.__doc__
    # constructor keywords are n_var / n_obj and None means default
    assert cls(n_var=None, n_obj=None).n_var == p.n_var


def test_zdt4_bounds():
    p = lsmoo.get_problem("zdt4", n_var=5)
    np.testing.assert_array_equal(p.xl, [0, -5, -5, -5, -5])
    np.testing.assert_array_equal(p.xu, [1, 5, 5, 5, 5])


# ------------------------------------------------------------------------------------ pymoo as oracle
@pytest.mark.parametrize("name", ZDT_REAL)
@pytest.mark.parametrize("n_var", [2, 10, 30, 257])
def test_zdt_matches_pymoo(name, n_var):
    zdt = pytest.importorskip("pymoo.problems.multi.zdt")
    p = lsmoo.get_problem(name, n_var=n_var)
    X = sample_points(p, seed=n_var)
    ref = getattr(zdt, name.upper())(n_var=n_var)
    np.testing.assert_allclose(p.evaluate(X), ref.evaluate(X), **TOL)


@pytest.mark.parametrize("k", [1, 2, 10, 40])
def test_zdt5_matches_pymoo(k):
    zdt = pytest.importorskip("pymoo.problems.multi.zdt")
    n_var = 30 + 5 * k
    p = lsmoo.get_problem("zdt5", n_var=n_var)
    assert p.k == k
    X = zdt5_points(n_var, seed=k)
    ref = zdt.ZDT5(m=k + 1, normalize=False)
    assert ref.n_var == n_var
    F = p.evaluate(X)
    np.testing.assert_allclose(F, ref.evaluate(X.astype(float)), **TOL)
    # a 0/1 numeric array is accepted as well
    np.testing.assert_array_equal(p.evaluate(X.astype(np.int8)), F)


@pytest.mark.parametrize("name", DTLZ)
@pytest.mark.parametrize("M", [2, 3, 5])
@pytest.mark.parametrize("extra", [0, None, 40])
def test_dtlz_matches_pymoo(name, M, extra):
    dtlz = pytest.importorskip("pymoo.problems.many.dtlz")
    n_var = None if extra is None else M + extra  # extra=0 → a single distance variable
    p = lsmoo.get_problem(name, n_var=n_var, n_obj=M)
    X = sample_points(p, seed=M)
    ref = getattr(dtlz, name.upper())(n_var=p.n_var, n_obj=M)
    np.testing.assert_allclose(p.evaluate(X), ref.evaluate(X), **TOL)


# ------------------------------------------------------------------------------------- DEAP as oracle
def _deap_eval(fn, X, *args):
    return np.array([fn(list(x), *args) for x in X], dtype=float)


@pytest.mark.parametrize("name", ZDT_REAL)
@pytest.mark.parametrize("n_var", [2, 30])
def test_zdt_matches_deap(name, n_var):
    bm = pytest.importorskip("deap.benchmarks")
    p = lsmoo.get_problem(name, n_var=n_var)
    X = sample_points(p, n_random=15, seed=n_var)
    np.testing.assert_allclose(p.evaluate(X), _deap_eval(getattr(bm, name), X), **TOL)


def test_deap_has_no_zdt5():
    bm = pytest.importorskip("deap.benchmarks")
    assert not hasattr(bm, "zdt5")


@pytest.mark.parametrize("name", ["dtlz1", "dtlz2", "dtlz3", "dtlz4", "dtlz7"])
@pytest.mark.parametrize("M", [2, 3, 5])
def test_dtlz_matches_deap(name, M):
    bm = pytest.importorskip("deap.benchmarks")
    p = lsmoo.get_problem(name, n_obj=M)
    X = sample_points(p, n_random=15, seed=M)
    args = (M, 100) if name == "dtlz4" else (M,)
    np.testing.assert_allclose(p.evaluate(X), _deap_eval(getattr(bm, name), X, *args), **TOL)


@pytest.mark.parametrize("name", ["dtlz5", "dtlz6"])
@pytest.mark.parametrize("M", [2, 3, 5])
def test_dtlz56_deap_differs_only_in_f1(name, M):
    """DEAP's f_1 multiplies in cos θ(x_i) of the distance variables too (DEAP PR #104); f_2..f_M agree."""
    bm = pytest.importorskip("deap.benchmarks")
    p = lsmoo.get_problem(name, n_obj=M)
    X = sample_points(p, n_random=15, seed=M)
    F = p.evaluate(X)
    Fd = _deap_eval(getattr(bm, name), X, M)
    np.testing.assert_allclose(F[:, 1:], Fd[:, 1:], **TOL)
    Xm = X[:, M - 1:]
    g = np.sum((Xm - 0.5) ** 2, axis=1) if name == "dtlz5" else np.sum(Xm ** 0.1, axis=1)
    theta = np.pi / (4 * (1 + g[:, None])) * (1 + 2 * g[:, None] * Xm)
    np.testing.assert_allclose(F[:, 0] * np.prod(np.cos(theta), axis=1), Fd[:, 0], **TOL)


# --------------------------------------------------------------------------------- reference fronts
@pytest.mark.parametrize("name, M, size", [
    ("zdt1", 2, 10000), ("zdt2", 2, 10000), ("zdt3", 2, 2658), ("zdt4", 2, 10000), ("zdt5", 2, 31),
    ("zdt6", 2, 10000),
    ("dtlz1", 2, 10000), ("dtlz1", 3, 9870), ("dtlz1", 5, 8855), ("dtlz1", 10, 7007),
    ("dtlz2", 3, 9870), ("dtlz3", 4, 9880), ("dtlz4", 8, 6435),
    ("dtlz5", 2, 10000), ("dtlz5", 3, 10000), ("dtlz6", 5, 10000),
    ("dtlz7", 2, 10000), ("dtlz7", 3, 10000), ("dtlz7", 4, 10648), ("dtlz7", 5, 10000),
])
def test_front_sizes_platemo(name, M, size):
    kw = {} if name.startswith("zdt") else {"n_obj": M}
    R = lsmoo.get_problem(name, **kw).pareto_front()
    assert R.shape == (size, M)
    assert R.dtype == np.float64 and np.all(np.isfinite(R))


@pytest.mark.parametrize("name, n, size", [("zdt1", 500, 500), ("zdt3", 1, 1), ("zdt5", 7, 31),
                                           ("dtlz2", 500, 496), ("dtlz5", 77, 77), ("dtlz7", 500, 529)])
def test_front_n_points(name, n, size):
    assert lsmoo.get_problem(name).pareto_front(n).shape[0] == size


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad", [0, -3, 2.5, "100", True])
def test_front_bad_n_points(name, bad):
    with pytest.raises(ProblemError, match=name):
        lsmoo.get_problem(name).pareto_front(bad)


def test_zdt_fronts_analytic():
    for name, curve in [("zdt1", lambda f: 1 - np.sqrt(f)), ("zdt2", lambda f: 1 - f ** 2),
                        ("zdt4", lambda f: 1 - np.sqrt(f)), ("zdt6", lambda f: 1 - f ** 2)]:
        R = lsmoo.get_problem(name).pareto_front()
        np.testing.assert_allclose(R[:, 1], curve(R[:, 0]), **TOL)
        assert np.all(np.diff(R[:, 0]) > 0)
    R = lsmoo.get_problem("zdt1").pareto_front()
    assert R[0, 0] == 0 and R[-1, 0] == 1
    R = lsmoo.get_problem("zdt6").pareto_front()
    assert R[0, 0] == 0.280775 and R[-1, 0] == 1


def test_zdt3_front_is_nondominated_subset_in_five_pieces():
    p = lsmoo.get_problem("zdt3")
    R = p.pareto_front()
    np.testing.assert_allclose(R[:, 1], 1 - np.sqrt(R[:, 0]) - R[:, 0] * np.sin(10 * np.pi * R[:, 0]), **TOL)
    # f1 strictly increases along R, so mutual non-dominance ⇔ f2 strictly decreases
    assert np.all(np.diff(R[:, 0]) > 0) and np.all(np.diff(R[:, 1]) < 0)
    # every discarded sample of the 10000 is dominated by a kept point with smaller f1 and f2 <= its own
    f1 = np.linspace(0, 1, 10000)
    dropped = ~np.isin(f1, R[:, 0])
    S = np.column_stack([f1[dropped], Z.zdt3_curve(f1[dropped])])
    last_kept = np.searchsorted(R[:, 0], S[:, 0], side="right") - 1
    assert np.all(last_kept >= 0)
    assert np.all(R[last_kept, 1] <= S[:, 1])
    # five disconnected pieces, starting where the known intervals start
    gaps = np.flatnonzero(np.diff(R[:, 0]) > 1.5 / 9999)
    assert gaps.size == 4
    starts = np.r_[R[0, 0], R[gaps + 1, 0]]
    np.testing.assert_allclose(starts, [0, 0.18223, 0.40931, 0.61840, 0.82333], atol=2e-4)


@pytest.mark.parametrize("name", ["zdt1", "zdt2", "zdt3", "zdt4"])
@pytest.mark.parametrize("n_var", [2, 30, 1000])
def test_zdt_pareto_set_maps_onto_front(name, n_var):
    p = lsmoo.get_problem(name, n_var=n_var)
    R = p.pareto_front()
    if n_var > 100:
        R = R[::13]
    X = np.zeros((R.shape[0], n_var))
    X[:, 0] = R[:, 0]
    np.testing.assert_allclose(p.evaluate(X), R, **TOL)


def test_zdt6_pareto_set_and_min_f1():
    p = lsmoo.get_problem("zdt6", n_var=10)
    X = np.zeros((100001, 10))
    X[:, 0] = np.linspace(0, 1, 100001)
    F = p.evaluate(X)
    np.testing.assert_allclose(F[:, 1], 1 - F[:, 0] ** 2, **TOL)
    # the attainable minimum of f1 is 0.28077531…; PlatEMO's front starts at 0.280775, 3e-7 below it
    assert 0.280775 < F[:, 0].min() < 0.2807754
    # its shape is the same curve: f1 over the whole [0.2808, 1]
    assert F[:, 0].max() == 1.0


@pytest.mark.parametrize("k", [1, 10])
def test_zdt5_front(k):
    p = lsmoo.get_problem("zdt5", n_var=30 + 5 * k)
    R = p.pareto_front()
    np.testing.assert_array_equal(R[:, 0], np.arange(1, 32))
    np.testing.assert_allclose(R[:, 1], k / R[:, 0], **TOL)
    # Pareto set: u0 = 0..30 ones in the first 30 bits, every 5-bit group all ones (v = 1)
    X = np.ones((31, p.n_var), bool)
    X[:, :30] = np.arange(30)[None, :] < np.arange(31)[:, None]
    np.testing.assert_array_equal(p.evaluate(X), R)
    # any other group content is worse: v(u) >= 2 for u < 5
    X[:, 30] = False
    assert np.all(p.evaluate(X)[:, 1] > R[:, 1])


def _inverse_linear(R):
    """x^f such that h^L(x^f) = 2R for a point R on DTLZ1's front (Σ R = 1/2)."""
    M = R.shape[1]
    S = 2 * np.cumsum(R, axis=1)  # S[:, j-1] = 2 Σ_{i<=j} f_i = Π_{i<=M-j} x_i
    P = S[:, ::-1]  # P[:, i] = Π_{j<=i} x_j (i = 0..M-1), P[:, 0] = 1
    return P[:, 1:] / P[:, :-1]


def _inverse_spherical(R):
    """x^f ∈ [0,1]^(M−1) such that h^S(x^f) = R for a unit vector R ≥ 0."""
    M = R.shape[1]
    cols = []
    for j in range(1, M):  # θ_j from f_{M-j+1} and the norm of f_1..f_{M-j}
        cols.append(np.arctan2(R[:, M - j], np.linalg.norm(R[:, :M - j], axis=1)))
    return np.column_stack(cols) * (2 / np.pi)


@pytest.mark.parametrize("M", [2, 3, 5])
def test_dtlz1_front(M):
    p = lsmoo.get_problem("dtlz1", n_obj=M)
    R = p.pareto_front()
    # PlatEMO clamps the lattice to >= 1e-6 before halving, so points on the simplex's boundary sit up to
    # (M − 1)·0.5e-6 off the plane Σf = 1/2; every other point is on it
    assert R.min() >= 0.5e-6 - 1e-18
    excess = R.sum(axis=1) - 0.5
    assert np.all(excess > -1e-12) and np.all(excess < (M - 1) * 0.5e-6 + 1e-12)
    interior = np.all(R > 0.5e-6, axis=1)
    np.testing.assert_allclose(excess[interior], 0, atol=1e-12)
    P = R / (2 * R.sum(axis=1, keepdims=True))  # projection onto the plane
    X = np.hstack([_inverse_linear(P), np.full((R.shape[0], p.k), 0.5)])
    assert X.min() >= 0 and X.max() <= 1
    np.testing.assert_allclose(p.evaluate(X), P, **TOL)


@pytest.mark.parametrize("name", ["dtlz2", "dtlz3", "dtlz4"])
@pytest.mark.parametrize("M", [2, 3, 5])
def test_dtlz_sphere_fronts(name, M):
    p = lsmoo.get_problem(name, n_obj=M)
    R = p.pareto_front()
    np.testing.assert_allclose((R ** 2).sum(axis=1), 1, **TOL)
    np.testing.assert_allclose(R, D.DTLZ2(n_obj=M).pareto_front(), **TOL)
    Xf = _inverse_spherical(R)
    if name == "dtlz4":
        Xf = Xf ** (1 / 100)
    X = np.hstack([Xf, np.full((R.shape[0], p.k), 0.5)])
    np.testing.assert_allclose(p.evaluate(X), R, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", ["dtlz5", "dtlz6"])
@pytest.mark.parametrize("M", [2, 3, 5])
def test_dtlz56_degenerate_fronts(name, M):
    p = lsmoo.get_problem(name, n_obj=M)
    R = p.pareto_front()
    np.testing.assert_allclose((R ** 2).sum(axis=1), 1, **TOL)
    # the curve: f_1 = f_2 and f_{j+1} = √2·f_j for 2 <= j <= M−2
    if M >= 3:
        np.testing.assert_allclose(R[:, 0], R[:, 1], **TOL)
        for j in range(1, M - 2):
            np.testing.assert_allclose(R[:, j + 1], np.sqrt(2) * R[:, j], **TOL)
    # the endpoints: t = 0 → (0,…,0,1)·… and t = 1 → f_M = 0
    np.testing.assert_allclose(R[0, -1], 1.0, **TOL)
    np.testing.assert_allclose(R[-1, -1], 0.0, **TOL)
    # Pareto set: distance variables at their optimum (g = 0), x_2..x_{M-1} arbitrary
    rng = np.random.default_rng(M)
    opt = 0.5 if name == "dtlz5" else 0.0
    Xf = np.column_stack([np.arcsin(np.clip(R[:, -1], 0, 1)) * 2 / np.pi,
                          rng.random((R.shape[0], M - 2))])
    X = np.hstack([Xf, np.full((R.shape[0], p.k), opt)])
    np.testing.assert_allclose(p.evaluate(X), R, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("M", [2, 3, 4, 5])
def test_dtlz7_front(M):
    p = lsmoo.get_problem("dtlz7", n_obj=M)
    R = p.pareto_front()
    x = R[:, :-1]
    in_first = (x >= 0) & (x <= 0.251412)
    in_second = (x >= 0.631627) & (x <= 0.859401 + 1e-12)
    assert np.all(in_first | in_second)
    np.testing.assert_allclose(R[:, -1], 2 * (M - np.sum(x / 2 * (1 + np.sin(3 * np.pi * x)), axis=1)), **TOL)
    X = np.hstack([x, np.zeros((R.shape[0], p.k))])  # g = 1 at x^m = 0
    np.testing.assert_allclose(p.evaluate(X), R, **TOL)
    if M == 2:  # no filter is applied, and none is needed: f2 strictly decreases along f1
        order = np.argsort(R[:, 0])
        assert np.all(np.diff(R[order, 0]) > 0) and np.all(np.diff(R[order, 1]) < 0)


def test_fronts_are_not_shared_state():
    p = lsmoo.get_problem("dtlz2")
    R = p.pareto_front()
    R[:] = -1
    assert p.pareto_front().min() >= 0


# -------------------------------------------------------------------------------------- evaluation
@pytest.mark.parametrize("name", ALL)
def test_evaluate_shapes_and_checked(name):
    p = lsmoo.get_problem(name)
    if name == "zdt5":
        X = zdt5_points(p.n_var)
    else:
        X = sample_points(p)
    F, G = p.evaluate_checked(X)
    assert F.shape == (X.shape[0], p.n_obj) and G is None
    assert p.evaluate(X[:0]).shape == (0, p.n_obj)
    np.testing.assert_array_equal(p.evaluate(X[:1]), F[:1])
    with pytest.raises(ProblemError, match=name):
        p.evaluate(X[:, :-1])
    with pytest.raises(ProblemError, match=name):
        p.evaluate(X[0])


def test_optimum_values():
    # DTLZ1/3 at the midpoint have g = 0; DTLZ6 at x^m = 0; DTLZ7 at x^m = 0 has g = 1
    X = np.full((1, 7), 0.5)
    np.testing.assert_allclose(D.DTLZ1().evaluate(X).sum(), 0.5, **TOL)
    X = np.full((1, 12), 0.5)
    np.testing.assert_allclose((D.DTLZ3().evaluate(X) ** 2).sum(), 1, **TOL)
    X = np.zeros((1, 12))
    X[0, :2] = 0.3
    np.testing.assert_allclose((D.DTLZ6().evaluate(X) ** 2).sum(), 1, **TOL)
    # ZDT4: g = 1 at x_2..x_D = 0, and a local front at x_i = ±1 (cos 4π·1 = 1 → g = 1 + Σ 1)
    p = Z.ZDT4(n_var=4)
    np.testing.assert_allclose(p.evaluate(np.array([[0.25, 0, 0, 0]])), [[0.25, 0.5]], **TOL)
    np.testing.assert_allclose(p.evaluate(np.array([[0.0, 1, -1, 0]])), [[0.0, 3.0]], **TOL)


def test_large_population_and_dimension_fast():
    p = lsmoo.get_problem("zdt1", n_var=100_000)
    X = np.random.default_rng(0).random((50, 100_000))
    F = p.evaluate(X)
    np.testing.assert_allclose(F[:, 1], (1 + 9 * X[:, 1:].mean(1)) * (1 - np.sqrt(X[:, 0] / (1 + 9 * X[:, 1:].mean(1)))))
    p = lsmoo.get_problem("dtlz2", n_var=10_000, n_obj=10)
    assert p.evaluate(np.random.default_rng(1).random((200, 10_000))).shape == (200, 10)


def test_zdt5_rejects_non_binary():
    p = lsmoo.get_problem("zdt5")
    X = np.zeros((2, 80))
    X[1, 3] = 0.5
    with pytest.raises(ProblemError, match="zdt5"):
        p.evaluate(X)


# -------------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("name", ["zdt1", "zdt2", "zdt3", "zdt4", "zdt5", "zdt6"])
@pytest.mark.parametrize("n_obj", [1, 3])
def test_zdt_wrong_n_obj(name, n_obj):
    with pytest.raises(ProblemError, match=f"{name} has exactly 2 objectives"):
        lsmoo.get_problem(name, n_obj=n_obj)


@pytest.mark.parametrize("name", ZDT_REAL)
def test_zdt_n_var_too_small(name):
    with pytest.raises(ProblemError, match=f"{name} needs n_var >= 2"):
        lsmoo.get_problem(name, n_var=1)


@pytest.mark.parametrize("n_var", [1, 30, 33, 34, 36, 81])
def test_zdt5_bad_length(n_var):
    with pytest.raises(ProblemError, match=r"zdt5 needs n_var = 30 \+ 5k"):
        lsmoo.get_problem("zdt5", n_var=n_var)


@pytest.mark.parametrize("name", DTLZ)
def test_dtlz_bad_sizes(name):
    with pytest.raises(ProblemError, match=f"{name} needs n_obj >= 2"):
        lsmoo.get_problem(name, n_obj=1)
    with pytest.raises(ProblemError, match=f"{name} needs n_var >= n_obj"):
        lsmoo.get_problem(name, n_var=2, n_obj=3)
    assert lsmoo.get_problem(name, n_var=3, n_obj=3).k == 1


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad", [0, -1, 2.5, "ten", True])
def test_bad_n_var_type(name, bad):
    with pytest.raises(ProblemError, match=name):
        lsmoo.get_problem(name, n_var=bad)


@pytest.mark.parametrize("name", ALL)
def test_bad_n_obj_type(name):
    with pytest.raises(ProblemError, match=name):
        lsmoo.get_problem(name, n_obj="three")


def test_integral_floats_accepted():
    assert lsmoo.get_problem("zdt5", n_var=85.0).n_var == 85
    assert lsmoo.get_problem("dtlz2", n_obj=4.0).n_var == 13


# ------------------------------------------------------------------------------------ properties


@settings(derandomize=True, max_examples=60, deadline=None)
@given(M=st.integers(2, 8), k=st.integers(1, 12), data=st.data())
def test_optimal_distance_variables_land_on_front(M, k, data):
    """Whatever the position variables, g at its optimum puts f on the analytic front."""
    xf = data.draw(arrays(np.float64, (3, M - 1), elements=st.floats(0, 1)))
    n = xf.shape[0]
    for cls, opt, check in [
        (D.DTLZ1, 0.5, lambda F: F.sum(1) - 0.5),
        (D.DTLZ2, 0.5, lambda F: (F ** 2).sum(1) - 1),
        (D.DTLZ3, 0.5, lambda F: (F ** 2).sum(1) - 1),
        (D.DTLZ4, 0.5, lambda F: (F ** 2).sum(1) - 1),
        (D.DTLZ5, 0.5, lambda F: (F ** 2).sum(1) - 1),
        (D.DTLZ6, 0.0, lambda F: (F ** 2).sum(1) - 1),
        (D.DTLZ7, 0.0, lambda F: F[:, -1] - 2 * (M - np.sum(F[:, :-1] / 2 * (1 + np.sin(3 * np.pi * F[:, :-1])), 1))),
    ]:
        p = cls(n_var=M - 1 + k, n_obj=M)
        F = p.evaluate(np.hstack([xf, np.full((n, k), opt)]))
        assert np.all(F >= 0) or cls is D.DTLZ7
        np.testing.assert_allclose(check(F), 0, atol=1e-12)
