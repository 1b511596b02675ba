"""Where ``problem.evaluate`` runs.

* ``"local"`` (default): one vectorized call in this process, as always.
* ``"process"``: a pool of ``workers`` processes; the problem is pickled once per worker (at pool start)
  and each generation's rows are split into ``workers`` contiguous chunks evaluated in parallel.
* ``"ray"``: ``workers`` long-lived Ray actors, each holding its own copy of the problem (heavy state —
  a model and its data on a GPU — stays on the worker); chunks are evaluated in parallel, and a worker
  lost mid-generation is replaced and its chunk evaluated again. ``address`` connects to an existing
  cluster (``"auto"`` or ``"ray://host:10001"``); without it a local Ray instance is started. Needs the
  ``distributed`` extra (``pip install lsmoo[distributed]``).

Chunks are re-assembled in row order, so as long as ``evaluate`` treats rows independently (the
Problem contract) the result for a given seed is identical whichever evaluator ran it.

    res = lsmoo.minimize(problem, "nsga2", max_evals=10_000, seed=1, evaluator="ray", workers=4)
"""
from __future__ import annotations

import os
import pickle
import signal

import numpy as np

from .errors import ConfigError, LsmooError, ProblemError

EVALUATORS = ("local", "process", "ray")


def _chunks(n: int, k: int):
    """Contiguous, non-empty row ranges splitting ``n`` rows into at most ``k`` parts."""
    k = max(1, min(k, n))
    bounds = np.linspace(0, n, k + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def _join(parts, problem):
    F = np.concatenate([p[0] for p in parts])
    Gs = [p[1] for p in parts]
    if all(g is None for g in Gs):
        return F, None
    if any(g is None for g in Gs):
        raise ProblemError(f"{problem.name}: evaluate() returned G for some rows and not for others")
    return F, np.concatenate(Gs)


class Evaluator:
    """Base class: ``start(problem)``, then ``evaluate(X) -> (F, G)`` per batch, then ``close()``."""

    name = "evaluator"

    def start(self, problem):
        self.problem = problem
        return self

    def evaluate(self, X):  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class LocalEvaluator(Evaluator):
    name = "local"

    def evaluate(self, X):
        return self.problem.evaluate_checked(X)


# ---------------------------------------------------------------------------------------------- process pool
_WORKER_PROBLEM = None


def _process_init(blob):
    global _WORKER_PROBLEM
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C and checkpoints
    _WORKER_PROBLEM = pickle.loads(blob)


def _process_eval(X):
    return _WORKER_PROBLEM.evaluate_checked(X)


class ProcessEvaluator(Evaluator):
    """A process pool (``spawn`` start method by default: safe with threads and Numba)."""

    name = "process"

    def __init__(self, workers: int | None = None, mp_context: str = "spawn"):
        self.workers = int(workers or os.cpu_count() or 1)
        if self.workers < 1:
            raise ConfigError(f"process evaluator: workers must be >= 1, got {workers!r}")
        self.mp_context = mp_context
        self._pool = None

    def start(self, problem):
        super().start(problem)
        try:
            self._blob = pickle.dumps(problem)
        except Exception as exc:
            raise ConfigError(f"process evaluator: problem {problem.name!r} cannot be pickled "
                              f"({type(exc).__name__}: {exc}); use evaluator='local' or 'ray'") from None
        self._open()
        return self

    def _open(self):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context(self.mp_context),
                                         initializer=_process_init, initargs=(self._blob,))

    def evaluate(self, X):
        from concurrent.futures.process import BrokenProcessPool

        for attempt in range(2):
            try:
                futs = [self._pool.submit(_process_eval, X[a:b]) for a, b in _chunks(len(X), self.workers)]
                return _join([f.result() for f in futs], self.problem)
            except BrokenProcessPool:
                self._pool.shutdown(wait=False, cancel_futures=True)
                if attempt:
                    raise LsmooError("process evaluator: a worker process died twice while evaluating the "
                                     "same batch (a script using it needs an `if __name__ == '__main__':` "
                                     "guard)") from None
                self._open()

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


# ---------------------------------------------------------------------------------------------- Ray
def _ray():
    try:
        import ray
    except ImportError:
        raise ConfigError("evaluator='ray' needs Ray: pip install 'lsmoo[distributed]'") from None
    return ray


class _ProblemActor:
    """Holds one copy of the problem for the whole run; evaluates chunks."""

    def __init__(self, problem):
        self.problem = problem

    def evaluate(self, X):
        return self.problem.evaluate_checked(X)

    def pid(self):
        return os.getpid()


class RayEvaluator(Evaluator):
    """``workers`` Ray actors holding the problem. ``actor_options`` go to ``.options()`` (e.g.
    ``{"num_gpus": 1}``); ``max_restarts`` bounds how often a lost worker's chunk is retried."""

    name = "ray"

    def __init__(self, workers: int | None = None, address: str | None = None, actor_options: dict | None = None,
                 max_restarts: int = 3, init_kwargs: dict | None = None):
        self.workers = int(workers or 1)
        if self.workers < 1:
            raise ConfigError(f"ray evaluator: workers must be >= 1, got {workers!r}")
        self.address = address
        self.actor_options = {"num_cpus": 1, **(actor_options or {})}
        self.max_restarts = int(max_restarts)
        self.init_kwargs = init_kwargs or {}
        self._owns_ray = False
        self.actors = []
        self.restarts = 0

    def start(self, problem):
        super().start(problem)
        ray = _ray()
        if not ray.is_initialized():
            kw = dict(include_dashboard=False, log_to_driver=False, **self.init_kwargs)
            if self.address is None:
                kw.setdefault("num_cpus", self.workers)
            try:
                ray.init(address=self.address, **kw)
            except Exception as exc:
                raise LsmooError(f"ray evaluator: cannot start or reach Ray at "
                                 f"{self.address or 'a new local instance'}: {exc}") from None
            self._owns_ray = True
        self._cls = ray.remote(_ProblemActor)
        self._problem_ref = ray.put(problem)
        self.actors = [self._new_actor() for _ in range(self.workers)]
        return self

    def _new_actor(self):
        return self._cls.options(**self.actor_options).remote(self._problem_ref)

    def evaluate(self, X):
        ray = _ray()
        lost = (ray.exceptions.RayActorError,)
        if hasattr(ray.exceptions, "ActorUnavailableError"):
            lost = lost + (ray.exceptions.ActorUnavailableError,)
        chunks = _chunks(len(X), len(self.actors))
        results = [None] * len(chunks)
        tries = [0] * len(chunks)
        futs = {i: self.actors[i].evaluate.remote(X[a:b]) for i, (a, b) in enumerate(chunks)}
        while futs:
            i, fut = next(iter(futs.items()))
            try:
                results[i] = ray.get(fut)
                del futs[i]
            except lost as exc:
                tries[i] += 1
                if tries[i] > self.max_restarts:
                    why = " ".join(str(exc).split())[:300]
                    raise LsmooError(f"ray evaluator: worker {i} was lost {tries[i]} times on the same chunk; "
                                     f"giving up (last: {type(exc).__name__}: {why})") from None
                try:
                    ray.kill(self.actors[i])
                except Exception:
                    pass
                self.actors[i] = self._new_actor()
                self.restarts += 1
                a, b = chunks[i]
                futs[i] = self.actors[i].evaluate.remote(X[a:b])
            except ray.exceptions.RayTaskError as exc:  # the problem raised: re-raise its own error
                cause = getattr(exc, "cause", None)
                if isinstance(cause, BaseException):
                    raise cause from None
                raise LsmooError(f"ray evaluator: evaluate() failed on a worker: {exc}") from None
        return _join(results, self.problem)

    def close(self):
        if not self.actors:
            return
        ray = _ray()
        for a in self.actors:
            try:
                ray.kill(a)
            except Exception:
                pass
        self.actors = []
        if self._owns_ray:
            ray.shutdown()
            self._owns_ray = False


def get_evaluator(evaluator="local", workers=None, address=None) -> Evaluator:
    """An :class:`Evaluator` from a name (``"local"``, ``"process"``, ``"ray"``) or an instance."""
    if isinstance(evaluator, Evaluator):
        return evaluator
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, (int, np.integer))
                                or workers < 1):
        raise ConfigError(f"workers must be a positive integer, got {workers!r}")
    if evaluator == "local":
        return LocalEvaluator()
    if evaluator == "process":
        return ProcessEvaluator(workers)
    if evaluator == "ray":
        return RayEvaluator(workers, address)
    raise ConfigError(f"unknown evaluator {evaluator!r}; choose one of {', '.join(EVALUATORS)}")
