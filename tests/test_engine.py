import numpy as np
import pytest

import lsmoo
from lsmoo.errors import ConfigError, RegistryError
from lsmoo.result import Result


def run(problem, **kw):
    kw.setdefault("max_evals", 1000)
    kw.setdefault("seed", 3)
    kw.setdefault("pop_size", 20)
    return lsmoo.minimize(problem, "nsga2", **kw)


def test_same_seed_bit_identical(sphere2):
    a, b = run(sphere2), run(sphere2)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.F, b.F)
    assert np.array_equal(a.pop_X, b.pop_X)
    c = run(sphere2, seed=4)
    assert not np.array_equal(a.pop_F, c.pop_F)


def test_evaluation_budget_exact_even_when_not_a_multiple(sphere2):
    res = run(sphere2, max_evals=1010)
    assert res.evaluations == 1010
    assert res.history[-1]["evaluations"] == 1010
    assert [h["gen"] for h in res.history] == list(range(1, len(res.history) + 1))


def test_generation_and_time_budgets(sphere2):
    res = lsmoo.minimize(sphere2, "nsga2", max_gen=7, pop_size=10, seed=1)
    assert res.generations == 7 and res.evaluations == 70
    res = lsmoo.minimize(sphere2, "nsga2", max_time=0.2, pop_size=10, seed=1)
    assert res.wall_seconds >= 0.2 and res.generations > 1


def test_callback_can_stop(sphere2):
    seen = []

    def cb(algo, rec):
        seen.append(rec["gen"])
        return rec["gen"] == 4

    res = run(sphere2, callback=cb)
    assert seen == [1, 2, 3, 4] and res.generations == 4


def test_ask_tell_loop_equals_minimize(sphere2):
    algo = lsmoo.NSGA2(pop_size=20)
    algo.setup(sphere2, seed=3)
    while algo.n_evals < 1000:
        X = algo.ask()
        algo.tell(*sphere2.evaluate_checked(X))
    X, F = algo.result()
    res = run(sphere2)
    assert np.array_equal(F, res.F) and np.array_equal(X, res.X)


def test_ask_tell_misuse(sphere2):
    algo = lsmoo.NSGA2(pop_size=10)
    with pytest.raises(ConfigError, match="setup"):
        algo.ask()
    algo.setup(sphere2, seed=0)
    with pytest.raises(ConfigError, match="without a pending ask"):
        algo.tell(np.zeros((10, 2)))
    algo.ask()
    with pytest.raises(ConfigError, match="twice"):
        algo.ask()
    with pytest.raises(ConfigError, match="shape"):
        algo.tell(np.zeros((9, 2)))


def test_result_front_is_nondominated(sphere2):
    from lsmoo.kernels.reference import nd_sort_ref

    res = run(sphere2)
    assert np.all(nd_sort_ref(res.F) == 0)
    assert len(np.unique(res.F, axis=0)) == len(res.F)


def test_history_has_indicators_when_front_known():
    p = lsmoo.get_problem("zdt1", n_var=10)
    res = lsmoo.minimize(p, "nsga2", max_evals=600, pop_size=20, seed=1)
    assert all(h["igd"] is not None and h["hv"] is not None for h in res.history)
    assert res.history[-1]["igd"] == pytest.approx(lsmoo.igd(res.F, p.pareto_front()))
    sparse = lsmoo.minimize(p, "nsga2", max_evals=600, pop_size=20, seed=1, indicators_every=3)
    assert [h["igd"] is not None for h in sparse.history[:4]] == [True, False, False, True]
    assert sparse.history[-1]["igd"] is not None  # the last generation always has them
    assert np.array_equal(sparse.F, res.F)  # indicators never touch the run's randomness


def test_auto_indicator_period():
    from lsmoo.engine import Termination, _indicator_period

    assert _indicator_period("auto", Termination(max_evals=25_000), 100) == 3
    assert _indicator_period("auto", Termination(max_gen=50), 100) == 1
    assert _indicator_period("auto", Termination(max_time=5), 100) == 1
    with pytest.raises(ConfigError):
        _indicator_period(-1, Termination(max_gen=5), 10)


@pytest.mark.parametrize("kw, err, msg", [
    (dict(), ConfigError, "at least one of"),
    (dict(max_evals=0), ConfigError, "max_evals must be an integer >= 1"),
    (dict(max_evals=100, seed=1.5), ConfigError, "seed must be an integer"),
    (dict(max_evals=100, pop_size=1), ConfigError, "pop_size"),
    (dict(max_time=-1), ConfigError, "max_time must be positive"),
])
def test_bad_settings(sphere2, kw, err, msg):
    with pytest.raises(err, match=msg):
        lsmoo.minimize(sphere2, "nsga2", **kw)


def test_unknown_algorithm_suggests(sphere2):
    with pytest.raises(RegistryError, match="did you mean nsga2"):
        lsmoo.minimize(sphere2, "nsga3", max_evals=10)


def test_save_and_load_roundtrip(tmp_path, sphere2):
    res = run(sphere2)
    out = res.save(tmp_path / "run")
    for f in ("front.csv", "meta.json", "history.csv", "result.npz", "front.png"):
        assert (out / f).is_file(), f
    header = (out / "front.csv").read_text().splitlines()[0]
    assert header == "f1,f2"
    back = Result.load(out)
    assert np.array_equal(back.F, res.F) and np.array_equal(back.X, res.X)
    assert back.evaluations == res.evaluations and len(back.history) == len(res.history)
    assert not list(out.glob(".*tmp*"))


def test_binary_result_is_bit_packed(tmp_path):
    class Ones(lsmoo.Problem):
        def __init__(self):
            super().__init__(n_var=37, n_obj=2, encoding="binary", name="ones")

        def evaluate(self, X):
            k = X.sum(1)
            return np.column_stack([k, 37 - k]).astype(float)

    res = lsmoo.minimize(Ones(), "nsga2", max_evals=400, pop_size=20, seed=2)
    assert res.X.dtype == bool
    out = res.save(tmp_path / "b", plot=False)
    with np.load(out / "result.npz") as z:
        assert z["X"].dtype == np.uint8 and z["X"].shape[1] == 5 and bool(z["packed"])
    assert np.array_equal(Result.load(out).X, res.X)


def test_incomplete_run_dir_is_not_loadable(tmp_path):
    from lsmoo.errors import CheckpointError

    with pytest.raises(CheckpointError, match="not a finished"):
        Result.load(tmp_path)
