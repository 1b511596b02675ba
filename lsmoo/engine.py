"""The driver: ``minimize()`` is a thin loop over an algorithm's ask/tell.

    res = lsmoo.minimize(lsmoo.get_problem("zdt1"), "nsga2", max_evals=25_000, seed=1)

Termination by evaluations, generations and/or wall time (whichever comes first). Per generation the
history records evaluations, elapsed seconds, front size and — when the problem knows its reference
front — HV (PlatEMO-normalized), IGD and IGD+. Indicator time is excluded from ``elapsed_s`` and
``wall_seconds`` (it is reported as ``extra["indicator_seconds"]``).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .algorithms.base import Algorithm, positive_int
from .errors import ConfigError
from .problem import Problem
from .registry import get_algorithm
from .result import Result


class Termination:
    """Stop after ``max_evals`` evaluations, ``max_gen`` generations or ``max_time`` seconds."""

    def __init__(self, max_evals=None, max_gen=None, max_time=None):
        self.max_evals = None if max_evals is None else positive_int(max_evals, "max_evals", "termination")
        self.max_gen = None if max_gen is None else positive_int(max_gen, "max_gen", "termination")
        if max_time is not None:
            try:
                max_time = float(max_time)
            except (TypeError, ValueError):
                raise ConfigError(f"termination: max_time must be a number of seconds, got {max_time!r}") from None
            if not max_time > 0:
                raise ConfigError(f"termination: max_time must be positive, got {max_time}")
        self.max_time = max_time
        if self.max_evals is None and self.max_gen is None and self.max_time is None:
            raise ConfigError("termination: give at least one of max_evals, max_gen, max_time")

    def done(self, evals: int, gen: int, elapsed: float) -> bool:
        return ((self.max_evals is not None and evals >= self.max_evals)
                or (self.max_gen is not None and gen >= self.max_gen)
                or (self.max_time is not None and elapsed >= self.max_time))

    def rows_left(self, evals: int):
        return None if self.max_evals is None else self.max_evals - evals

    def as_dict(self):
        return {"max_evals": self.max_evals, "max_gen": self.max_gen, "max_time": self.max_time}


class _Progress:
    """A tqdm bar over evaluations (or generations), with gen / front / indicator in the postfix."""

    def __init__(self, term: Termination, enabled: bool, desc: str):
        self.bar = None
        self.last = {}
        if not enabled:
            return
        from tqdm.auto import tqdm

        if term.max_evals is not None:
            total, self.unit = term.max_evals, "evals"
        elif term.max_gen is not None:
            total, self.unit = term.max_gen, "gen"
        else:
            total, self.unit = None, "evals"
        self.bar = tqdm(total=total, desc=desc, unit=" " + self.unit, dynamic_ncols=True, leave=True)

    def update(self, rec: dict):
        if self.bar is None:
            return
        target = rec["evaluations"] if self.unit == "evals" else rec["gen"]
        if self.bar.total is not None:
            target = min(target, self.bar.total)
        self.bar.update(target - self.bar.n)
        if rec.get("igd") is not None:  # indicators are not computed every generation: keep the last
            self.last = {"front": rec["front_size"], "IGD": f"{rec['igd']:.4g}", "HV": f"{rec['hv']:.4g}"}
        post = {"gen": rec["gen"]}
        if rec.get("phase"):
            post["phase"] = rec["phase"]
        post.update(self.last)
        self.bar.set_postfix(post, refresh=False)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def resolve_algorithm(algorithm, pop_size=None, **kwargs) -> Algorithm:
    if isinstance(algorithm, str):
        return get_algorithm(algorithm, pop_size=pop_size, **kwargs)
    if isinstance(algorithm, Algorithm):
        if kwargs:
            raise ConfigError(f"unexpected settings {sorted(kwargs)} for an algorithm instance; "
                              "pass them to its constructor")
        if pop_size is not None:
            algorithm.pop_size = positive_int(pop_size, "pop_size", algorithm.name, minimum=2)
        return algorithm
    raise ConfigError(f"algorithm must be a registered name or an lsmoo.Algorithm, got {type(algorithm).__name__}")


def _indicator_period(every, term: Termination, pop_size: int) -> int:
    if every == "auto":
        if term.max_evals is not None:
            gens = -(-term.max_evals // pop_size)
        elif term.max_gen is not None:
            gens = term.max_gen
        else:
            return 1
        return max(1, -(-gens // 100))
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 0:
        raise ConfigError(f"indicators_every must be 'auto' or an integer >= 0, got {every!r}")
    return int(every)


def minimize(problem: Problem, algorithm="nsga2", *, max_evals=None, max_gen=None, max_time=None,
             termination: Termination | None = None, seed=None, pop_size=None, callback=None,
             progress: bool = False, indicators_every="auto", reference_front=None,
             checkpoint=None, checkpoint_every: int = 0, resume: bool = False,
             evaluator="local", workers=None, address=None, **algo_kwargs) -> Result:
    """Minimize ``problem`` with ``algorithm`` (a registered name such as ``"nsga2"`` or an instance).

    ``callback(algorithm, record)`` is called after every generation with the history record; returning
    True stops the run. ``indicators_every=k`` computes HV/IGD/IGD+ every k generations and at the last
    one (0: never) when a reference front is known (from ``reference_front`` or
    ``problem.pareto_front()``); ``"auto"`` picks k for about 100 points over an evaluation or
    generation budget (every generation otherwise).

    **Checkpoints.** With ``checkpoint=DIR`` the run state (algorithm state, RNG state, history,
    evaluations, elapsed time and a fingerprint of problem, algorithm, seed and termination) is written
    atomically to ``DIR/checkpoint.npz`` every ``checkpoint_every`` generations (0: never periodically),
    when a callback stops the run, at the end, and on SIGINT/SIGTERM — after which the run stops at the
    end of the current generation and raises :class:`lsmoo.checkpoint.RunInterrupted` (a second signal
    aborts at once). ``resume=True`` continues from that checkpoint to the bit-identical result of an
    uninterrupted run; different arguments, a missing or a damaged checkpoint raise
    :class:`~lsmoo.errors.CheckpointError`.

    **Evaluators.** ``evaluator="local"`` (default), ``"process"`` or ``"ray"`` (with ``workers`` and,
    for Ray, ``address``) or an :class:`lsmoo.evaluators.Evaluator`; see :mod:`lsmoo.evaluators`.
    """
    from . import checkpoint as ckpt
    from .evaluators import get_evaluator

    if not isinstance(problem, Problem):
        raise ConfigError(f"problem must be an lsmoo.Problem, got {type(problem).__name__}")
    term = termination or Termination(max_evals, max_gen, max_time)
    algo = resolve_algorithm(algorithm, pop_size=pop_size, **algo_kwargs)
    if isinstance(seed, (bool, float)) or (seed is not None and not isinstance(seed, (int, np.integer))):
        raise ConfigError(f"seed must be an integer or None, got {seed!r}")
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, (int, np.integer)) \
            or checkpoint_every < 0:
        raise ConfigError(f"checkpoint_every must be an integer >= 0, got {checkpoint_every!r}")
    if (resume or checkpoint_every) and checkpoint is None:
        raise ConfigError("resume and checkpoint_every need checkpoint=DIR")
    indicators_every = _indicator_period(indicators_every, term, algo.pop_size)
    ev = get_evaluator(evaluator, workers=workers, address=address)
    pf = None
    if indicators_every > 0:
        pf = problem.pareto_front() if reference_front is None else np.asarray(reference_front, dtype=float)
    from .indicators import hv_normalized, igd, igd_plus

    ck_path = fp = None
    if checkpoint is not None:
        from .result import prepare_out_dir

        ck_dir = Path(checkpoint)
        if not resume:
            ck_dir = prepare_out_dir(ck_dir, clear_meta=False)
        ck_path = ck_dir / ckpt.FILENAME
        fp = ckpt.fingerprint(problem, algo, seed, term)

    history = []
    t_ind = elapsed0 = 0.0
    if resume:
        saved = ckpt.load_run(ck_path, fp)
        algo.setup(problem, seed=seed, max_evals=term.max_evals)
        algo.load_state_dict(saved["algorithm"])
        history, elapsed0, t_ind = saved["history"], saved["elapsed_s"], saved["indicator_seconds"]
    else:
        algo.setup(problem, seed=seed, max_evals=term.max_evals)

    def save(elapsed):
        ckpt.save_run(ck_path, fp, algo, history, elapsed, t_ind)

    bar = _Progress(term, progress, f"{algo.name} on {problem.name}")
    if history:
        bar.update(history[-1])
    t0 = time.perf_counter() - elapsed0 - t_ind
    finished = bool(history) and term.done(algo.n_evals, algo.n_gen, elapsed0)
    try:
        with ckpt.SignalGuard(enabled=ck_path is not None) as guard:
            if not finished:
                ev.start(problem)
            while not finished:
                X = algo.ask(term.rows_left(algo.n_evals))
                F, G = ev.evaluate(X)
                algo.tell(F, G)
                elapsed = time.perf_counter() - t0 - t_ind
                done = term.done(algo.n_evals, algo.n_gen, elapsed)
                rec = {"gen": algo.n_gen, "evaluations": algo.n_evals, "elapsed_s": elapsed,
                       "front_size": None, "hv": None, "igd": None, "igd_plus": None,
                       "phase": getattr(algo, "phase", None)}
                if pf is not None and (done or (algo.n_gen - 1) % indicators_every == 0):
                    ti = time.perf_counter()
                    _, Fb = algo.result()
                    rec.update(front_size=len(Fb), hv=hv_normalized(Fb, pf), igd=igd(Fb, pf),
                               igd_plus=igd_plus(Fb, pf))
                    t_ind += time.perf_counter() - ti
                history.append(rec)
                bar.update(rec)
                stop = callback(algo, rec) if callback is not None else False
                if ck_path is not None:
                    if guard.signum is not None:
                        save(elapsed)
                        raise ckpt.RunInterrupted(guard.signum, ck_path)
                    if stop is True or done or (checkpoint_every and algo.n_gen % checkpoint_every == 0):
                        save(elapsed)
                if stop is True or done:
                    break
    finally:
        bar.close()
        ev.close()
    wall = time.perf_counter() - t0 - t_ind
    if finished:
        wall = elapsed0
    Xb, Fb = algo.result()
    if history:
        history[-1]["front_size"] = len(Fb)
    name = getattr(problem, "name", type(problem).__name__)
    return Result(X=Xb, F=Fb, pop_X=algo.X, pop_F=algo.F, problem=name, algo=algo.name,
                  n_var=problem.n_var, n_obj=problem.n_obj, encoding=problem.encoding, seed=seed,
                  evaluations=algo.n_evals, generations=algo.n_gen, wall_seconds=wall, history=history,
                  config={"algorithm": algo.config(), "termination": term.as_dict()},
                  extra={"indicator_seconds": t_ind, **algo.report()})
