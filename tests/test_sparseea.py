"""SparseEA: its mask kernels against their numpy twins, operator properties, budget accounting,
determinism, the large-D fallback, and a convergence check on SMOP1 against NSGA-II."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lsmoo
from lsmoo.algorithms.sparseea import SparseEA
from lsmoo.errors import ConfigError
from lsmoo.kernels.sparse_ops import mask_crossover, mask_mutation, tournament_masks
from lsmoo.kernels.sparse_ops_reference import mask_crossover_ref, mask_mutation_ref, tournament_masks_ref


def cfg(n):
    return settings(derandomize=True, deadline=None, max_examples=n, database=None)


unit = st.floats(0.0, 1.0, allow_nan=False, exclude_max=True, width=64)


@st.composite
def mask_case(draw, max_k=6, max_d=12):
    """Two parent mask arrays, a fitness with many ties, and the three uniforms per row."""
    k = draw(st.integers(0, max_k))
    d = draw(st.integers(1, max_d))
    density = draw(st.sampled_from(["sparse", "dense", "any"]))
    bits = {"sparse": st.sampled_from([False, False, False, True]),
            "dense": st.sampled_from([True, True, True, False]), "any": st.booleans()}[density]
    P1 = draw(hnp.arrays(np.bool_, (k, d), elements=bits))
    P2 = draw(hnp.arrays(np.bool_, (k, d), elements=bits))
    fit = draw(hnp.arrays(np.float64, d, elements=st.one_of(st.integers(0, 3).map(float),
                                                             st.floats(-1e3, 1e3, allow_nan=False))))
    us = [draw(hnp.arrays(np.float64, k, elements=unit)) for _ in range(3)]
    return P1, P2, fit, us


# --------------------------------------------------------------------------------------------------
# kernels = numpy twins
# --------------------------------------------------------------------------------------------------
@cfg(200)
@given(mask_case())
def test_mask_crossover_equals_twin(case):
    P1, P2, fit, (uc, ua, ub) = case
    C = mask_crossover(P1, P2, fit, uc, ua, ub)
    assert C.dtype == np.bool_ and C.shape == P1.shape
    np.testing.assert_array_equal(C, mask_crossover_ref(P1, P2, fit, uc, ua, ub))


@cfg(200)
@given(mask_case())
def test_mask_mutation_equals_twin(case):
    M, _, fit, (uc, ua, ub) = case
    expected = mask_mutation_ref(M, fit, uc, ua, ub)
    M = np.ascontiguousarray(M.copy())
    assert mask_mutation(M, fit, uc, ua, ub) is None
    np.testing.assert_array_equal(M, expected)


@cfg(200)
@given(st.data())
def test_tournament_masks_equal_twin(data):
    d = data.draw(st.integers(1, 15))
    fit = data.draw(hnp.arrays(np.float64, d, elements=st.integers(0, 4).map(float)))
    counts = np.asarray(data.draw(st.lists(st.integers(0, 2 * d), max_size=6)), dtype=np.int64)
    cand = data.draw(hnp.arrays(np.int64, (int(counts.sum()), 2), elements=st.integers(0, d - 1)))
    M = tournament_masks(fit, counts, cand)
    assert M.dtype == np.bool_ and M.shape == (len(counts), d)
    np.testing.assert_array_equal(M, tournament_masks_ref(fit, counts, cand))
    assert (M.sum(1) <= counts).all() and (M.sum(1) >= np.minimum(counts, 1)).all()


# --------------------------------------------------------------------------------------------------
# operator properties
# --------------------------------------------------------------------------------------------------
@cfg(200)
@given(mask_case(max_k=8, max_d=30))
def test_mask_crossover_properties(case):
    P1, P2, fit, (uc, ua, ub) = case
    C = mask_crossover(P1, P2, fit, uc, ua, ub)
    diff = C ^ P1
    assert (diff.sum(1) <= 1).all()                 # at most one bit changed relative to parent 1
    assert not (C & ~(P1 | P2)).any()                # nothing outside p1 | p2 switched on
    off = uc < 0.5
    # turning off happens only in p1 & ~p2, turning on only in ~p1 & p2, and only on the drawn branch
    assert not (diff[off] & ~(P1[off] & ~P2[off])).any()
    assert not (diff[~off] & ~(~P1[~off] & P2[~off])).any()
    assert not (C[off] & ~P1[off]).any() and not (P1[~off] & ~C[~off]).any()
    # a change happens whenever the set is non-empty
    nonempty = np.where(off, (P1 & ~P2).any(1), (~P1 & P2).any(1))
    np.testing.assert_array_equal(diff.any(1), nonempty)


@cfg(200)
@given(mask_case(max_k=8, max_d=30))
def test_mask_mutation_properties(case):
    M0, _, fit, (uc, ua, ub) = case
    M = np.ascontiguousarray(M0.copy())
    mask_mutation(M, fit, uc, ua, ub)
    diff = M ^ M0
    off = uc < 0.5
    assert (diff.sum(1) <= 1).all()
    assert not (M[off] & ~M0[off]).any()            # off-branch only removes
    assert not (M0[~off] & ~M[~off]).any()          # on-branch only adds
    nonempty = np.where(off, M0.any(1), (~M0).any(1))
    np.testing.assert_array_equal(diff.any(1), nonempty)


def test_tournaments_pick_the_right_winner():
    fit = np.array([5.0, 1.0, 3.0, 3.0, 9.0])
    # crossover, turn-on branch: set ~p1 & p2 = {0, 1, 4}; candidates at positions 0 (var 0) and 1 (var 1)
    P1 = np.zeros((1, 5), bool)
    P2 = np.array([[1, 1, 0, 0, 1]], bool)
    C = mask_crossover(P1, P2, fit, [0.9], [0.0], [0.4])
    assert np.flatnonzero(C[0]).tolist() == [1]      # the lower score wins
    C = mask_crossover(P1, P2, fit, [0.9], [0.4], [0.0])
    assert np.flatnonzero(C[0]).tolist() == [1]
    # turn-off branch: set p1 & ~p2 = {0, 1, 4}: the higher score (worse) is switched off
    C = mask_crossover(P2, P1, fit, [0.1], [0.0], [0.99])
    assert np.flatnonzero(C[0]).tolist() == [0, 1]
    # ties: the first candidate wins (PlatEMO's TournamentSelection)
    M = np.zeros((1, 5), bool)
    mask_mutation(M, fit, [0.9], [0.7], [0.5])       # vars 3 and 2 (score 3 each): first = var 3
    assert np.flatnonzero(M[0]).tolist() == [3]
    # the same candidate twice
    M = np.ones((1, 5), bool)
    mask_mutation(M, fit, [0.2], [0.5], [0.5])
    assert np.flatnonzero(~M[0]).tolist() == [2]


def test_kernel_input_errors():
    fit = np.zeros(4)
    with pytest.raises(ValueError, match="fitness"):
        mask_crossover(np.zeros((2, 4), bool), np.zeros((2, 4), bool), np.zeros(3), [0, 0], [0, 0], [0, 0])
    with pytest.raises(ValueError, match="\\[0, 1\\)"):
        mask_crossover(np.zeros((2, 4), bool), np.zeros((2, 4), bool), fit, [0, 1.0], [0, 0], [0, 0])
    with pytest.raises(ValueError, match="NaN"):
        mask_mutation(np.zeros((1, 4), bool), np.array([0, np.nan, 0, 0]), [0], [0], [0])
    with pytest.raises(ValueError, match="in place"):
        mask_mutation(np.zeros((1, 4), int), fit, [0], [0], [0])
    with pytest.raises(ValueError, match="cand"):
        tournament_masks(fit, [2], np.zeros((1, 2), int))


# --------------------------------------------------------------------------------------------------
# the algorithm
# --------------------------------------------------------------------------------------------------
def smop1(D=100):
    return lsmoo.get_problem("smop1", n_var=D, n_obj=2)


def test_registered_and_config_errors():
    assert "sparseea" in lsmoo.list_algorithms()
    assert isinstance(lsmoo.get_algorithm("sparseea"), SparseEA)
    for kwargs, match in [({"scores": "magic"}, "scores"), ({"probe_rounds": 0}, "probe_rounds"),
                          ({"probe_share": 0.0}, "probe_share"), ({"eta_c": -1}, "eta_c"),
                          ({"pop_size": 1}, "pop_size"), ({"probe_memory": 0}, "probe_memory")]:
        with pytest.raises(ConfigError, match=match):
            SparseEA(**kwargs)
    with pytest.raises(ConfigError, match="importance"):
        SparseEA(scores="problem").setup(smop1(), seed=1)


def test_probes_are_counted_and_join_the_first_selection():
    D, N, budget = 60, 20, 1537
    res = lsmoo.minimize(smop1(D), "sparseea", pop_size=N, max_evals=budget, seed=3, indicators_every=0)
    assert res.evaluations == budget
    evals = [h["evaluations"] for h in res.history]
    assert evals[0] == 5 * D                       # generation 1: the 5·D probes
    assert evals[1] == 5 * D + N                   # generation 2: + the initial population
    assert all(b - a == N for a, b in zip(evals[1:-2], evals[2:-1]))
    assert res.extra["probe_evaluations"] == 5 * D and res.extra["notes"] == []


def test_probe_scores_and_initial_population_follow_platemo():
    """Ask/tell by hand: the probe batch is 5 identity blocks, the scores are sums of 5 front numbers,
    and after the first selection the population is drawn from initial rows ∪ probes."""
    D, N = 30, 10
    p = smop1(D)
    algo = SparseEA(pop_size=N).setup(p, seed=5)
    X = algo.ask()
    assert X.shape == (5 * D, D)
    nz = X != 0
    np.testing.assert_array_equal(nz.sum(1) <= 1, True)
    np.testing.assert_array_equal(np.argmax(nz, 1)[nz.any(1)], np.tile(np.arange(D), 5)[nz.any(1)])
    F, _ = p.evaluate_checked(X)
    algo.tell(F)
    expected = sum(lsmoo.kernels.nd_sort(F[r * D:(r + 1) * D]) for r in range(5))
    np.testing.assert_array_equal(algo.fitness, expected)
    X0 = algo.ask()
    assert X0.shape == (N, D)
    algo.tell(p.evaluate_checked(X0)[0])
    pool = np.concatenate([X0, X])
    assert all((pool == x).all(1).any() for x in algo.X)  # survivors come from initial ∪ probes
    assert len(np.unique(algo.F, axis=0)) == len(algo.F)   # no duplicate objective vectors
    np.testing.assert_array_equal(algo.X, np.clip(algo.dec * algo.mask, p.xl, p.xu))


def test_determinism():
    kw = dict(pop_size=20, max_evals=2000, indicators_every=0)
    a = lsmoo.minimize(smop1(50), "sparseea", seed=7, **kw)
    b = lsmoo.minimize(smop1(50), "sparseea", seed=7, **kw)
    c = lsmoo.minimize(smop1(50), "sparseea", seed=8, **kw)
    np.testing.assert_array_equal(a.F, b.F)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.pop_F, c.pop_F)


def test_beats_nsga2_on_smop1_and_is_sparse():
    p = smop1(100)
    pf = p.pareto_front()
    kw = dict(pop_size=50, max_evals=10_000, seed=1, indicators_every=0)
    sea = lsmoo.minimize(p, "sparseea", **kw)
    ns = lsmoo.minimize(p, "nsga2", **kw)
    igd_sea, igd_ns = lsmoo.igd(sea.F, pf), lsmoo.igd(ns.F, pf)
    assert igd_sea < 0.3 * igd_ns, (igd_sea, igd_ns)    # measured: 0.019 vs 0.143
    ratio = np.median((sea.X != 0).mean(1))
    assert 0.05 <= ratio <= 0.2, ratio                   # theta = 0.1 (+ the position variable)


def test_binary_problem_runs_with_bool_masks():
    p = lsmoo.get_problem("fs_wine")
    res = lsmoo.minimize(p, "sparseea", pop_size=20, max_evals=600, seed=1, indicators_every=0)
    assert res.X.dtype == np.bool_ and res.X.shape[1] == p.n_var and res.evaluations == 600
    assert res.history[0]["evaluations"] == p.n_var          # binary: 1 probe round
    assert res.pop_X.dtype == np.bool_


def test_fewer_rounds_when_probes_exceed_the_share():
    D = 100
    with pytest.warns(UserWarning, match="using 3 round"):
        res = lsmoo.minimize(smop1(D), "sparseea", pop_size=20, max_evals=1500, seed=1, indicators_every=0)
    assert res.history[0]["evaluations"] == 3 * D and res.evaluations == 1500
    assert "3 round" in res.extra["score_method"] and res.extra["notes"]


def test_block_probes_for_large_D_without_importance():
    D = 2000
    with pytest.warns(UserWarning, match="random variable blocks"):
        res = lsmoo.minimize(smop1(D), "sparseea", pop_size=20, max_evals=1000, seed=1, indicators_every=0)
    assert res.history[0]["evaluations"] == 200                # 20 % of the budget
    assert res.extra["probe_evaluations"] == 200 and "block" in res.extra["score_method"]
    assert res.evaluations == 1000


def test_memory_cap_also_triggers_the_fallback():
    algo = SparseEA(pop_size=10, probe_memory=8 * 100 * 250)   # room for 250 rows of D=100
    with pytest.warns(UserWarning, match="bytes"):
        algo.setup(smop1(100), seed=1)                          # no budget given
    assert algo.ask().shape == (200, 100)                       # 2 full rounds fit


class SparseQuad(lsmoo.Problem):
    """Tiny sparse problem that knows which variables matter (the first k)."""

    def __init__(self, n_var=400, k=8):
        super().__init__(n_var=n_var, n_obj=2, xl=-1.0, xu=1.0, name="sparse_quad")
        self.k = k

    def evaluate(self, X):
        t = np.zeros(self.n_var)
        t[: self.k] = 0.5
        return np.column_stack([(X != 0).mean(1), ((X - t) ** 2).sum(1)])

    def importance(self):
        return np.r_[np.ones(self.k), np.zeros(self.n_var - self.k)]


def test_importance_fallback_and_scores_problem():
    p = SparseQuad()
    with pytest.warns(UserWarning, match="importance"):
        res = lsmoo.minimize(p, "sparseea", pop_size=20, max_evals=1000, seed=1, indicators_every=0)
    assert res.history[0]["evaluations"] == 20 and "importance" in res.extra["score_method"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = lsmoo.minimize(p, "sparseea", pop_size=20, max_evals=1000, seed=1, indicators_every=0,
                             scores="problem")
    assert res.history[0]["evaluations"] == 20 and res.extra["probe_evaluations"] == 0
    # the important variables dominate the masks of the final population
    assert res.pop_X[:, :8].astype(bool).mean() > 5 * res.pop_X[:, 8:].astype(bool).mean()


class ConstrainedSparse(SparseQuad):
    def __init__(self):
        super().__init__(n_var=30, k=3)
        self.n_constr = 1

    def evaluate(self, X):
        F = super().evaluate(X)
        return F, (0.05 - F[:, :1])          # at least 5 % of the variables on


def test_constraints_and_budget_cut_during_probes():
    p = ConstrainedSparse()
    with pytest.warns(UserWarning, match="using 2 round"):
        res = lsmoo.minimize(p, "sparseea", pop_size=10, max_evals=400, seed=2, indicators_every=0)
    assert res.evaluations == 400 and (res.X != 0).mean(1).min() >= 0.05
    # a budget that ends inside the probe batch: the missing probes score worst, the run goes on
    algo = SparseEA(pop_size=10).setup(p, seed=2)
    X = algo.ask(max_rows=40)                      # 40 of the 150 probes
    algo.tell(*p.evaluate_checked(X))
    assert algo.fitness.shape == (30,) and algo.F is not None and algo.result()[1].shape[1] == 2
    F = p.evaluate_checked(X)[0]
    nd = lsmoo.kernels.nd_sort
    r1 = nd(F[30:40])                               # round 2 saw only variables 0..9
    np.testing.assert_array_equal(algo.fitness, nd(F[:30]) + np.r_[r1, np.full(20, r1.max() + 1)])
    for _ in range(3):
        X = algo.ask()
        algo.tell(*p.evaluate_checked(X))
    assert algo.n_evals == 70 and len(algo.F) == 10


def test_minimize_and_cli(tmp_path, capsys):
    from lsmoo.cli import main

    out = tmp_path / "run"
    with pytest.warns(UserWarning, match="using 4 round"):   # 5 rounds = 25 % of 20,000 > probe_share
        rc = main(["solve", "smop1", "--n-var", "1000", "--algo", "sparseea", "--max-evals", "20000",
                   "--seed", "1", "--out", str(out), "--quiet"])
    assert rc == 0
    meta = json.loads((out / "meta.json").read_text())
    assert meta["algo"] == "sparseea" and meta["evaluations"] == 20000
    assert meta["extra"]["probe_evaluations"] == 4000 and meta["extra"]["notes"]
    assert "IGD" in capsys.readouterr().out
