import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lsmoo
from lsmoo.errors import ConfigError
from lsmoo.kernels.guided import guided_flips
from lsmoo.kernels.reference import guided_flips_ref


@st.composite
def flip_case(draw):
    K = draw(st.integers(0, 5))
    D = draw(st.integers(1, 12))
    M = draw(hnp.arrays(bool, (K, D)))
    c_on = draw(hnp.arrays(bool, (K, D)))
    score = draw(hnp.arrays(float, D, elements=st.sampled_from([0.0, 0.5, 1.0, 0.25])))
    n_on = draw(hnp.arrays(np.int64, K, elements=st.integers(0, 4)))
    n_off = draw(hnp.arrays(np.int64, K, elements=st.integers(0, 4)))
    T = int((n_on + n_off).max()) if K else 0
    U = draw(hnp.arrays(float, (K, T, 2), elements=st.floats(0, 1, exclude_max=True)))
    return M, c_on & ~M, M.copy(), score, n_on, n_off, U


@given(flip_case())
def test_guided_flips_matches_twin(case):
    M, c_on, c_off, score, n_on, n_off, U = case
    expected = guided_flips_ref(M, c_on, c_off, score, n_on, n_off, U)
    got = M.copy()
    guided_flips(got, c_on, c_off, score, n_on, n_off, U)
    assert np.array_equal(got, expected)
    # counts: exactly min(n, available) bits change in each direction
    turned_on = (got & ~M).sum(1)
    turned_off = (M & ~got).sum(1)
    assert np.array_equal(turned_on, np.minimum(n_on, c_on.sum(1)))
    assert np.array_equal(turned_off, np.minimum(n_off, c_off.sum(1)))


def test_guided_flips_prefers_important_variables():
    rng = np.random.default_rng(0)
    D, K = 50, 4000
    score = np.linspace(0, 1, D)
    M = np.zeros((K, D), dtype=bool)
    guided_flips(M, ~M, M.copy(), score, np.ones(K, np.int64), np.zeros(K, np.int64), rng.random((K, 1, 2)))
    freq = M.mean(0)
    # binary tournament: P(pick j) = (2j + 1) / D^2 — the top half is chosen about 3 times as often
    assert freq[D // 2:].sum() > 2.5 * freq[: D // 2].sum()


def smop(name, d=200):
    return lsmoo.get_problem(name, n_var=d, n_obj=2)


def test_hierarchical_beats_nsga2_on_smop1_and_is_sparse():
    p = smop("smop1")
    pf = p.pareto_front()
    h = lsmoo.minimize(p, "hierarchical", max_evals=10_000, seed=1, indicators_every=0)
    n = lsmoo.minimize(p, "nsga2", max_evals=10_000, seed=1, indicators_every=0)
    assert lsmoo.igd(h.F, pf) < 0.5 * lsmoo.igd(n.F, pf)
    nonzero = (h.X[:, 1:] != 0).mean(1)
    assert np.median(nonzero) < 0.3
    assert h.evaluations == 10_000


def test_phases_reported_and_recorded():
    p = smop("smop2")
    res = lsmoo.minimize(p, "hierarchical", max_evals=6000, seed=2)
    ex = res.extra
    assert ex["importance_source"].startswith("probe")
    assert 0 < ex["heavy_anchor"] <= ex["corridor"] <= p.n_var
    assert ex["light_anchor"] <= ex["heavy_anchor"]
    assert ex["phase1_evaluations"] <= 0.3 * 6000 + 100
    phases = [h["phase"] for h in res.history]
    assert phases[0] == "importance" and "phase1" in phases and phases[-1] == "phase2"
    assert phases == sorted(phases, key=["importance", "phase1", "local probe", "phase2"].index)


def test_local_probe_finds_support_variables_the_stage0_probes_ranked_out():
    """SMOP1 (D = 1,000): the optimal support is y_1..y_K (x_2..x_101); switching a tail variable on
    can never dominate (its g2 term is > 0 off zero), switching the position variable on trades f1 for
    f2. So every variable the local probe calls useful is a support variable, and each one is in the
    corridor. Seed 1 is a run where four support variables ranked below the corridor without it."""
    p = smop("smop1", 1000)
    algo = lsmoo.get_algorithm("hierarchical")
    res = lsmoo.minimize(p, algo, max_evals=100_000, seed=1, indicators_every=0)
    useful = algo.local_useful_
    assert res.extra["local_probe_useful"] == len(useful) > 0
    assert 0 < res.extra["local_probe_evaluations"] <= 2 * p.n_var  # two values per variable off in the reference
    assert "local probe" in [h["phase"] for h in res.history]
    assert ((useful >= 1) & (useful <= 100)).all()
    assert np.isin(useful, algo.cols).all()
    assert np.isin(np.arange(1, 101), algo.cols).all()  # the whole support reaches Phase 2
    assert lsmoo.igd(res.F, p.pareto_front()) < 0.008  # 0.0100 without the local probe


def test_no_local_probe_when_it_does_not_fit_the_budget():
    p = smop("smop1", 200)
    res = lsmoo.minimize(p, lsmoo.get_algorithm("hierarchical", local_probe_share=0.01), max_evals=10_000,
                         seed=1, indicators_every=0)
    assert "local_probe_evaluations" not in res.extra
    assert "local probe" not in [h["phase"] for h in res.history]


def test_deterministic_per_seed():
    p = smop("smop3", 100)
    a = lsmoo.minimize(p, "hierarchical", max_evals=3000, seed=7, indicators_every=0)
    b = lsmoo.minimize(p, "hierarchical", max_evals=3000, seed=7, indicators_every=0)
    assert np.array_equal(a.F, b.F) and np.array_equal(a.X, b.X)


def test_sampled_importance_when_probes_do_not_fit():
    p = smop("smop1", 2000)
    res = lsmoo.minimize(p, "hierarchical", max_evals=4000, seed=1, indicators_every=0)
    assert res.extra["importance_source"] == "sample"
    assert any("random sparse samples" in n for n in res.extra["notes"])
    assert res.evaluations == 4000


def test_collapsed_phase1_is_recovered_by_one_probe_round():
    """ZDT4's Rastrigin g drowns x1's effect in random sparse samples: the sampled importance misses x1
    and Phase 1 ends on the single point (0, 1) (IGD 0.84). One probe round finds x1 (alone it is
    Pareto-optimal) and Phase 2 spreads along the front."""
    p = lsmoo.get_problem("zdt4", n_var=1000)
    res = lsmoo.minimize(p, "hierarchical", max_evals=2500, seed=1, indicators_every=0)
    assert res.extra["collapse_probe_at"] == 500 and res.extra["phase1_evaluations"] == 1500
    assert res.extra["importance_source"] == "sample, then one probe round after a collapsed Phase 1"
    assert any("single point" in n for n in res.extra["notes"])
    assert len(res.F) > 5 and res.F[:, 0].max() > 0.2  # x1 switched on
    assert lsmoo.igd(res.F, p.pareto_front()) < 0.5  # 0.32 here; 0.84 for the collapsed point
    assert res.evaluations == 2500


def test_no_probe_round_after_a_collapse_without_the_budget_for_it():
    p = lsmoo.get_problem("zdt4", n_var=500)  # 1,200 evaluations left after Phase 1: not 500 + 10 N
    res = lsmoo.minimize(p, "hierarchical", max_evals=1500, seed=1, indicators_every=0)
    assert "collapse_probe_at" not in res.extra and res.extra["importance_source"] == "sample"
    assert res.F.tolist() == [[0.0, 1.0]]


def test_dense_path_prefers_fewer_pivots_at_full_resolution_to_blocks():
    """Above sweep_rows, a budget of ten evaluations per variable buys sweeps of one row per variable
    with fewer pivots; below it, rows move blocks of variables as before (and stay at the collapse
    value 0.707 here)."""
    p = lsmoo.get_problem("lsmop1", n_var=400, n_obj=2)
    blocks = lsmoo.minimize(p, "hierarchical", max_evals=3999, seed=1, indicators_every=0, sweep_rows=100)
    full = lsmoo.minimize(p, "hierarchical", max_evals=4000, seed=1, indicators_every=0, sweep_rows=100)
    two = lsmoo.minimize(p, "hierarchical", max_evals=8000, seed=1, indicators_every=0, sweep_rows=100)
    assert (blocks.extra["n_pivots"], blocks.extra["sweep_rows"]) == (3, 100)
    assert (full.extra["n_pivots"], full.extra["sweep_rows"]) == (1, 400)
    assert (two.extra["n_pivots"], two.extra["sweep_rows"]) == (2, 400)
    assert any("one sweep row per variable" in n for n in full.extra["notes"])
    assert not any("sweep row" in n for n in blocks.extra["notes"])
    pf = p.pareto_front()
    assert lsmoo.igd(full.F, pf) < 0.2 and lsmoo.igd(blocks.F, pf) > 0.6
    assert full.evaluations == 4000


def test_binary_problem_uses_problem_importance_and_returns_masks():
    p = lsmoo.get_problem("fs_wine")
    res = lsmoo.minimize(p, "hierarchical", max_evals=1500, pop_size=30, seed=1, indicators_every=0)
    assert res.X.dtype == bool and res.extra["importance_source"] == "problem"
    assert res.F[:, 0].min() < 0.5  # found small feature subsets


def test_problem_groups_are_used():
    class Grouped(lsmoo.Problem):
        def __init__(self):
            super().__init__(n_var=40, n_obj=2, encoding="binary", name="grouped")

        def evaluate(self, X):
            k = X.sum(1).astype(float)
            return np.column_stack([k, (X[:, :5] == 0).sum(1) + 0.01 * (40 - k)])

        def groups(self):
            return np.repeat(np.arange(4), 10)

        def importance(self):
            return np.r_[np.ones(5), np.zeros(35)]

    res = lsmoo.minimize(Grouped(), "hierarchical", max_evals=2000, pop_size=20, seed=0, indicators_every=0)
    assert res.extra["group_source"] == "problem" and res.extra["n_groups"] == 4
    assert (res.F[:, 1] < 1).any()  # the five needed variables found together


@pytest.mark.parametrize("kw", [dict(phase1_share=1.5), dict(importance="magic"), dict(target_success=0),
                                dict(n_groups=0), dict(local_probe_share=-0.1), dict(truncation="spea2")])
def test_bad_parameters(kw):
    with pytest.raises(ConfigError):
        lsmoo.get_algorithm("hierarchical", **kw)


def test_importance_problem_required_when_asked():
    with pytest.raises(ConfigError, match="defines no importance"):
        lsmoo.minimize(smop("smop1", 50), lsmoo.get_algorithm("hierarchical", importance="problem"), max_evals=500)


def test_instance_reused_across_runs_gives_the_same_result():
    p = smop("smop1", 100)
    algo = lsmoo.get_algorithm("hierarchical")
    a = lsmoo.minimize(p, algo, max_evals=2500, seed=3, indicators_every=0)
    b = lsmoo.minimize(p, algo, max_evals=2500, seed=3, indicators_every=0)
    assert np.array_equal(a.F, b.F)


def test_moead_selection_option():
    p = smop("smop1")
    pf = p.pareto_front()
    res = lsmoo.minimize(p, lsmoo.get_algorithm("hierarchical", selection="moead"), max_evals=10_000, seed=1,
                         indicators_every=0)
    nsga = lsmoo.minimize(p, "nsga2", max_evals=10_000, seed=1, indicators_every=0)
    assert res.extra["selection"] == "moead" and res.evaluations == 10_000
    assert lsmoo.igd(res.F, pf) < 0.5 * lsmoo.igd(nsga.F, pf)
    again = lsmoo.minimize(p, lsmoo.get_algorithm("hierarchical", selection="moead"), max_evals=10_000, seed=1,
                           indicators_every=0)
    assert np.array_equal(res.F, again.F)


def test_moead_three_objectives_population_follows_weights():
    p = lsmoo.get_problem("smop1", n_var=100, n_obj=3)
    algo = lsmoo.get_algorithm("hierarchical", selection="moead", pop_size=50)
    res = lsmoo.minimize(p, algo, max_evals=4000, seed=2, indicators_every=0)
    assert len(algo.W) == len(res.pop_F) <= 50 and res.F.shape[1] == 3


def test_phase2_hv_gain_reported():
    p = smop("smop1", 100)
    res = lsmoo.minimize(p, "hierarchical", max_evals=5000, seed=1, indicators_every=0)
    ex = res.extra
    assert ex["phase2_hv_gain"] == pytest.approx(ex["final_hv"] - ex["phase1_hv"])
    assert ex["final_hv"] >= ex["phase1_hv"] - 1e-9


@given(st.integers(1, 4), st.integers(1, 30), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_threshold_masks_matches_twin(n, d, g, seed):
    from lsmoo.kernels.guided import threshold_masks
    from lsmoo.kernels.reference import threshold_masks_ref

    rng = np.random.default_rng(seed)
    gid = rng.integers(0, g, d)
    rig = rng.integers(0, d, d)
    keep = rng.integers(0, d + 1, (n, g))
    assert np.array_equal(threshold_masks(rig, gid, keep), threshold_masks_ref(rig, gid, keep))


# ---------------------------------------------------------------- the dense path (pivots)
from lsmoo.algorithms.pivots import pivot_weights  # noqa: E402


@pytest.mark.parametrize("name, collapse", [("lsmop1", 0.707), ("lsmop5", 0.742), ("lsmop9", 0.810)])
def test_dense_path_covers_lsmop_fronts_where_nsga2_does_not(name, collapse):
    """LSMOP's optimal distance variables are affine in x_1: two converged pivots span the Pareto set.
    A population collapsed on the all-lower-bound point scores the `collapse` IGD; NSGA-II at this
    budget is far above it."""
    p = lsmoo.get_problem(name, n_var=100, n_obj=2)
    h = lsmoo.minimize(p, "hierarchical", max_evals=20_000, seed=1, indicators_every=0)
    n = lsmoo.minimize(p, "nsga2", max_evals=20_000, seed=1, indicators_every=0)
    assert h.extra["path"] == "dense"
    ig_h, ig_n = lsmoo.igd(h.F, p.pareto_front()), lsmoo.igd(n.F, p.pareto_front())
    assert ig_h < 0.05 < collapse and ig_h < ig_n / 10
    assert len(h.F) >= 50  # real coverage, not one point
    assert np.ptp(h.F[:, 0]) > 0.8


@pytest.mark.parametrize("sweep_rows", [1000, 7])  # one variable per sweep row / blocks of 8 (last 2)
def test_dense_path_is_deterministic_and_respects_the_budget(sweep_rows):
    p = lsmoo.get_problem("lsmop2", n_var=50, n_obj=2)
    algo = dict(sweep_rows=sweep_rows, dense="on")
    a = lsmoo.minimize(p, lsmoo.get_algorithm("hierarchical", **algo), max_evals=3001, seed=4, indicators_every=0)
    b = lsmoo.minimize(p, lsmoo.get_algorithm("hierarchical", **algo), max_evals=3001, seed=4, indicators_every=0)
    assert a.evaluations == 3001 and np.array_equal(a.F, b.F) and np.array_equal(a.X, b.X)
    assert np.all((a.X >= p.xl) & (a.X <= p.xu))
    first = lsmoo.minimize(p, lsmoo.get_algorithm("hierarchical", **algo), max_evals=300, seed=4,
                           indicators_every=0)
    assert lsmoo.igd(a.F, p.pareto_front()) < lsmoo.igd(first.F, p.pareto_front())


def test_path_choice():
    algo = lsmoo.get_algorithm("hierarchical")
    lsmop = lsmoo.get_problem("lsmop1", n_var=100, n_obj=2)
    algo.setup(lsmop, seed=1, max_evals=100_000)
    assert algo.path == "dense"
    algo.setup(lsmop, seed=1, max_evals=2_000)  # too small for ten sweeps per pivot
    assert algo.path == "sparse"
    algo.setup(lsmoo.get_problem("smop1", n_var=100), seed=1, max_evals=100_000)
    assert algo.path == "sparse"  # declared sparse
    algo.setup(lsmoo.get_problem("zdt1", n_var=100), seed=1, max_evals=100_000)
    assert algo.path == "sparse"  # ZDT's Pareto set has x_2..x_n = 0
    forced = lsmoo.get_algorithm("hierarchical", dense="on")
    forced.setup(lsmoo.get_problem("dtlz2", n_var=12, n_obj=3), seed=1, max_evals=100)
    assert forced.path == "dense"
    with pytest.raises(ConfigError, match="dense='on' needs a real-coded problem"):
        forced.setup(lsmoo.get_problem("zdt5"), seed=1, max_evals=1000)
    with pytest.raises(ConfigError, match="dense must be"):
        lsmoo.get_algorithm("hierarchical", dense="yes")


def test_pivot_weights_are_interior():
    W2 = pivot_weights(2, 3)
    assert np.allclose(W2, [[0.25, 0.75], [0.5, 0.5], [0.75, 0.25]])
    W3 = pivot_weights(3, 6)
    assert np.allclose(W3.sum(1), 1.0) and (W3 > 0.05).all()


@pytest.mark.parametrize("name, n_var, n_obj, evals, path, factor", [
    ("lsmop1", 100, 3, 20_000, "dense", 0.85),  # M = 3: the crowding distance leaves holes inside the front
    ("smop4", 500, 2, 30_000, "sparse", 1.0),  # M = 2, sparse path: a smaller but consistent gain
])
def test_nearest_neighbour_truncation_covers_the_front_better(name, n_var, n_obj, evals, path, factor):
    """The default M-nearest-neighbour removal gives a lower IGD than the crowding distance on every seed."""
    p = lsmoo.get_problem(name, n_var=n_var, n_obj=n_obj)
    pf = p.pareto_front()
    for seed in (1, 2, 3):
        mnn = lsmoo.minimize(p, "hierarchical", max_evals=evals, seed=seed, indicators_every=0)
        crowd = lsmoo.minimize(p, lsmoo.get_algorithm("hierarchical", truncation="crowding"), max_evals=evals,
                               seed=seed, indicators_every=0)
        assert mnn.extra["truncation"] == "mnn" and crowd.extra["truncation"] == "crowding"
        assert mnn.extra["path"] == path
        assert lsmoo.igd(mnn.F, pf) < factor * lsmoo.igd(crowd.F, pf)
