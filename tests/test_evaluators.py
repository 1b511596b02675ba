"""Evaluators: local, process pool and Ray give identical results for a given seed; a lost Ray worker
is replaced and its chunk evaluated again."""
import os
import sys

import numpy as np
import pytest

import lsmoo
from lsmoo.errors import ConfigError, LsmooError, ProblemError
from lsmoo.evaluators import RayEvaluator, _chunks, get_evaluator


@pytest.mark.parametrize("n, k", [(1, 4), (10, 1), (10, 3), (7, 7), (100, 8), (5, 9)])
def test_chunks_cover_rows_in_order(n, k):
    ch = _chunks(n, k)
    assert ch[0][0] == 0 and ch[-1][1] == n and len(ch) == min(n, k)
    assert all(a < b for a, b in ch) and all(ch[i][1] == ch[i + 1][0] for i in range(len(ch) - 1))


def test_unknown_evaluator_and_bad_workers():
    with pytest.raises(ConfigError, match="unknown evaluator 'gpu'"):
        get_evaluator("gpu")
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ConfigError, match="workers must be a positive integer"):
            get_evaluator("process", workers=bad)


def test_ray_missing_is_a_clear_error(monkeypatch, sphere2):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    with pytest.raises(ConfigError, match=r"pip install 'lsmoo\[distributed\]'"):
        lsmoo.minimize(sphere2, "nsga2", max_evals=40, pop_size=10, evaluator="ray")


class Unpicklable(lsmoo.Problem):
    def __init__(self):
        super().__init__(n_var=3, n_obj=2, name="unpicklable")
        self.fn = lambda X: X  # lambdas do not pickle

    def evaluate(self, X):
        return np.column_stack([X.sum(1), -X.sum(1)])


def test_process_pool_identical_to_local_and_errors_pass_through():
    prob = lsmoo.get_problem("smop2", n_var=30)
    kw = dict(max_evals=300, pop_size=10, seed=3)
    local = lsmoo.minimize(prob, "sparseea", **kw)
    pooled = lsmoo.minimize(prob, "sparseea", evaluator="process", workers=2, **kw)
    assert np.array_equal(local.X, pooled.X) and np.array_equal(local.F, pooled.F)
    assert [h["evaluations"] for h in local.history] == [h["evaluations"] for h in pooled.history]
    with pytest.raises(ConfigError, match="cannot be pickled"):
        lsmoo.minimize(Unpicklable(), "nsga2", max_evals=20, pop_size=10, evaluator="process", workers=2)


class NaNAfter(lsmoo.Problem):
    """NaN in the last row of every batch."""

    def __init__(self):
        super().__init__(n_var=4, n_obj=2, name="nan_after")

    def evaluate(self, X):
        F = np.column_stack([(X ** 2).sum(1), ((X - 1) ** 2).sum(1)])
        F[-1, 1] = np.nan
        return F


class DiesOnce(lsmoo.Problem):
    """Kills the worker process evaluating it the first time (a marker file remembers it happened)."""

    def __init__(self, marker, n_var=6):
        super().__init__(n_var=n_var, n_obj=2, xl=-1.0, xu=2.0, name="dies_once")
        self.marker = str(marker)

    def evaluate(self, X):
        try:  # atomic: of two workers evaluating their chunks at once, only the one creating it dies
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            pass
        else:
            os._exit(1)
        return np.column_stack([(X ** 2).sum(1), ((X - 1) ** 2).sum(1)])


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    started = not ray.is_initialized()
    if started:
        # the workers import this test module to unpickle its problem classes
        here = os.path.dirname(os.path.abspath(__file__))
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                 runtime_env={"env_vars": {"PYTHONPATH": here}})
    yield ray
    if started:
        ray.shutdown()


def test_ray_identical_to_local_and_replaces_a_lost_worker(ray_local, tmp_path):
    prob = lsmoo.get_problem("smop1", n_var=40)
    kw = dict(max_evals=400, pop_size=10, seed=5)
    local = lsmoo.minimize(prob, "hierarchical", **kw)
    remote = lsmoo.minimize(prob, "hierarchical", evaluator="ray", workers=2, **kw)
    assert np.array_equal(local.X, remote.X) and np.array_equal(local.F, remote.F)

    flaky = DiesOnce(tmp_path / "died")
    ev = RayEvaluator(workers=2)
    a = lsmoo.minimize(flaky, "nsga2", max_evals=100, pop_size=10, seed=1, evaluator=ev)
    assert (tmp_path / "died").exists() and ev.restarts == 1
    b = lsmoo.minimize(flaky, "nsga2", max_evals=100, pop_size=10, seed=1)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.F, b.F)
    assert ray_local.is_initialized()  # a cluster the evaluator did not start is left running


def test_ray_worker_errors_keep_their_message_and_repeated_losses_give_up(ray_local, tmp_path):
    with pytest.raises(ProblemError, match="nan_after: evaluate.. returned NaN"):
        lsmoo.minimize(NaNAfter(), "nsga2", max_evals=200, pop_size=10, seed=1, evaluator="ray", workers=1)

    class AlwaysDies(DiesOnce):
        def evaluate(self, X):
            os._exit(1)

    ev = RayEvaluator(workers=1, max_restarts=1)
    with pytest.raises(LsmooError, match="lost 2 times"):
        lsmoo.minimize(AlwaysDies(tmp_path / "m"), "nsga2", max_evals=20, pop_size=10, evaluator=ev)


def test_process_pool_replaced_after_a_worker_dies(tmp_path):
    flaky = DiesOnce(tmp_path / "died")
    a = lsmoo.minimize(flaky, "nsga2", max_evals=60, pop_size=10, seed=2, evaluator="process", workers=2)
    assert (tmp_path / "died").exists()
    b = lsmoo.minimize(flaky, "nsga2", max_evals=60, pop_size=10, seed=2)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.F, b.F)
