import numpy as np
import pytest

import lsmoo
from lsmoo.errors import ConfigError


def test_zdt1_reaches_target_igd():
    """Issue target: IGD <= 0.0065 on ZDT1 (30 variables, N=100, 25,000 evaluations), per seed."""
    p = lsmoo.get_problem("zdt1", n_var=30)
    for seed in (1, 2):
        res = lsmoo.minimize(p, "nsga2", max_evals=25_000, pop_size=100, seed=seed, indicators_every=0)
        assert lsmoo.igd(res.F, p.pareto_front()) <= 0.0065


def test_binary_nsga2_solves_zdt5_partly():
    p = lsmoo.get_problem("zdt5")
    res = lsmoo.minimize(p, "nsga2", max_evals=6000, pop_size=60, seed=1, indicators_every=0)
    assert res.X.dtype == bool and res.X.shape[1] == p.n_var
    F0 = p.evaluate_checked(np.zeros((1, p.n_var), dtype=bool))[0]
    assert len(res.F) >= 5
    assert res.F[:, 1].min() < F0[0, 1]  # better than the all-zero string in f2


def test_two_point_crossover_option_runs():
    p = lsmoo.get_problem("zdt5")
    res = lsmoo.minimize(p, lsmoo.NSGA2(pop_size=20, crossover="two_point"), max_evals=400, seed=1)
    assert res.evaluations == 400


class ConstrainedSphere(lsmoo.Problem):
    """Two spheres with the constraint x_0 >= 0.5 (g = 0.5 - x_0 <= 0)."""

    def __init__(self):
        super().__init__(n_var=3, n_obj=2, n_constr=1, xl=-1, xu=2, name="csphere")

    def evaluate(self, X):
        F = np.column_stack([(X ** 2).sum(1), ((X - 1) ** 2).sum(1)])
        return F, (0.5 - X[:, :1])


def test_constraints_respected():
    res = lsmoo.minimize(ConstrainedSphere(), "nsga2", max_evals=3000, pop_size=40, seed=1)
    assert np.all(res.X[:, 0] >= 0.5 - 1e-12)
    # the unconstrained optimum of f1 (x = 0) is infeasible: f1 on the front stays >= 0.25
    assert res.F[:, 0].min() >= 0.25 - 1e-9


def test_offspring_stay_in_bounds(sphere2):
    algo = lsmoo.NSGA2(pop_size=30, eta_c=1.0, eta_m=1.0, prob_m=0.9)
    algo.setup(sphere2, seed=5)
    for _ in range(5):
        X = algo.ask()
        assert np.all(X >= sphere2.xl) and np.all(X <= sphere2.xu)
        algo.tell(*sphere2.evaluate_checked(X))


@pytest.mark.parametrize("kw", [dict(prob_c=1.5), dict(eta_c=-1), dict(prob_m="x"), dict(crossover="one")])
def test_bad_parameters(kw):
    with pytest.raises(ConfigError):
        lsmoo.NSGA2(**kw)


def test_odd_population_size(sphere2):
    res = lsmoo.minimize(sphere2, "nsga2", max_gen=5, pop_size=15, seed=1)
    assert res.evaluations == 75 and len(res.pop_F) == 15


def test_survival_truncation_options():
    from lsmoo.algorithms.nsga2 import survival

    rng = np.random.default_rng(4)
    w = rng.dirichlet(np.ones(3), 60)  # one front on the 3-objective simplex
    F = np.vstack([w, w[:5] + 1.0])  # plus a dominated front of 5
    for tr in ("crowding", "mnn"):
        idx, rank, _ = survival(F, None, 30, tr)
        assert len(idx) == 30 and (rank == 0).all() and (idx < 60).all()
    a = survival(F, None, 30, "crowding")[0]
    b = survival(F, None, 30, "mnn")[0]
    assert not np.array_equal(a, b)

    # M-NN removal leaves the survivors further apart (largest gap to a survivor is smaller)
    def worst_gap(keep):
        d = np.linalg.norm(w[:, None] - w[None, keep], axis=2).min(1)
        return d.max()

    assert worst_gap(b) < worst_gap(a)
    # the whole first front fits: both keep it and fill up from the next front alike
    assert np.array_equal(survival(F, None, 62, "crowding")[0][:60], survival(F, None, 62, "mnn")[0][:60])
    with pytest.raises(ValueError, match="truncation"):
        survival(F, None, 30, "spea2")
