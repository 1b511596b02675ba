"""Scaling of the evaluators on an expensive synthetic problem: local vs process pool vs Ray, 1 and 2 workers.

    .venv/bin/python benchmarks/ray_scaling.py            # writes benchmarks/results/ray_scaling.{json,md}

Two problems: ``sleep`` (each row costs ``delay`` seconds of waiting, like a remote simulator or a GPU
job: pure parallelism, no CPU contention) and ``numpy`` (each row costs a CPU-bound matrix product, so
it competes for the machine's cores). Ray's overhead is measured on a trivial problem (no work per
row): (wall with Ray − wall local) / evaluations, and per generation (one round trip of all chunks).
Every configuration must give the same front as the local run (checked).
"""
from __future__ import annotations

import json
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one core per worker, also locally
    os.environ.setdefault(_v, "1")
import platform
import sys
import time
from pathlib import Path

import numpy as np

import lsmoo


class Expensive(lsmoo.Problem):
    """ZDT1-like objectives after ``delay`` s of sleep or ``work`` matrix products of size 200 per row."""

    def __init__(self, n_var=30, delay=0.0, work=0):
        super().__init__(n_var=n_var, n_obj=2, name="expensive")
        self.delay, self.work = float(delay), int(work)

    def evaluate(self, X):
        if self.delay:
            time.sleep(self.delay * len(X))
        if self.work:
            A = np.full((200, 200), 1.0 / 200)
            for _ in range(self.work * len(X)):
                A = A @ A
        f1 = X[:, 0]
        g = 1 + 9 * X[:, 1:].mean(1)
        return np.column_stack([f1, g * (1 - np.sqrt(f1 / g))])


def timed(problem, evals, pop, reps=2, **kw):
    """Best wall time of ``reps`` runs (the machine is shared), actor/pool start-up included."""
    best = None
    for _ in range(reps):
        t = time.perf_counter()
        res = lsmoo.minimize(problem, "nsga2", max_evals=evals, pop_size=pop, seed=1, **kw)
        wall = time.perf_counter() - t
        best = wall if best is None else min(best, wall)
    return best, res


def main():
    import ray

    pop, evals = 20, 400
    out = {"machine": platform.platform(), "cpus": os.cpu_count(), "python": sys.version.split()[0],
           "ray": ray.__version__, "pop_size": pop, "evaluations": evals, "runs": []}
    t = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    out["ray_init_s"] = time.perf_counter() - t

    timed(Expensive(), evals, pop, reps=1)  # compile the Numba kernels before timing anything
    cases = [("trivial", Expensive()), ("sleep 10 ms/row", Expensive(delay=0.01)),
             ("numpy 4 matmul/row", Expensive(work=4))]
    for label, prob in cases:
        base_t, base = timed(prob, evals, pop)
        out["runs"].append({"problem": label, "evaluator": "local", "workers": 1, "wall_s": base_t, "same": True})
        print(f"{label:20s} local          {base_t:7.2f} s", flush=True)
        for ev, w in (("ray", 1), ("ray", 2), ("process", 2)):
            wall, res = timed(prob, evals, pop, evaluator=ev, workers=w)
            same = bool(np.array_equal(res.F, base.F) and np.array_equal(res.X, base.X))
            out["runs"].append({"problem": label, "evaluator": ev, "workers": w, "wall_s": wall, "same": same})
            print(f"{label:20s} {ev:7s} x{w}      {wall:7.2f} s  same front: {same}", flush=True)
    # round-trip overhead measured directly: one started evaluator, many batches of a trivial problem
    from lsmoo.evaluators import LocalEvaluator, ProcessEvaluator, RayEvaluator

    prob = Expensive()
    X = np.random.default_rng(0).random((pop, prob.n_var))
    for name, make in (("local", LocalEvaluator), ("ray1", lambda: RayEvaluator(1)),
                       ("ray2", lambda: RayEvaluator(2)), ("process2", lambda: ProcessEvaluator(2))):
        t = time.perf_counter()
        ev = make().start(prob)
        ev.evaluate(X)
        start = time.perf_counter() - t
        reps = 200
        t = time.perf_counter()
        for _ in range(reps):
            ev.evaluate(X)
        per_batch = (time.perf_counter() - t) / reps
        ev.close()
        out[f"batch_{name}_start_s"] = start
        out[f"batch_{name}_ms_per_batch_of_{pop}"] = 1e3 * per_batch
        print(f"{name:9s} start {start:6.2f} s, {1e3 * per_batch:7.3f} ms per batch of {pop}", flush=True)
    # steady state on the expensive problem (evaluators already started): the speed-up W workers give
    slow = Expensive(delay=0.01)
    for name, make in (("local", LocalEvaluator), ("ray1", lambda: RayEvaluator(1)),
                       ("ray2", lambda: RayEvaluator(2)), ("process2", lambda: ProcessEvaluator(2))):
        ev = make().start(slow)
        ev.evaluate(X)
        t = time.perf_counter()
        for _ in range(10):
            ev.evaluate(X)
        out[f"steady_sleep_{name}_s_per_batch_of_{pop}"] = (time.perf_counter() - t) / 10
        ev.close()
    out["speedup_ray_2_vs_1_steady (sleep 10 ms/row)"] = (out[f"steady_sleep_ray1_s_per_batch_of_{pop}"]
                                                          / out[f"steady_sleep_ray2_s_per_batch_of_{pop}"])
    loc = out[f"batch_local_ms_per_batch_of_{pop}"]
    for name in ("ray1", "ray2", "process2"):
        extra = out[f"batch_{name}_ms_per_batch_of_{pop}"] - loc
        out[f"overhead_{name}_roundtrip_ms_per_batch"] = extra
        out[f"overhead_{name}_roundtrip_ms_per_eval"] = extra / pop
    ray.shutdown()

    def wall(label, ev, w):
        return next(r["wall_s"] for r in out["runs"] if r["problem"] == label and r["evaluator"] == ev
                    and r["workers"] == w)

    gens = evals // pop
    for ev, w in (("ray", 1), ("ray", 2), ("process", 2)):
        extra = wall("trivial", ev, w) - wall("trivial", "local", 1)
        out[f"overhead_{ev}{w}_per_eval_ms"] = 1e3 * extra / evals
        out[f"overhead_{ev}{w}_per_generation_ms"] = 1e3 * extra / gens
    for label, _ in cases[1:]:
        out[f"speedup_ray_2_vs_1 ({label})"] = wall(label, "ray", 1) / wall(label, "ray", 2)
        out[f"speedup_process2_vs_local ({label})"] = wall(label, "local", 1) / wall(label, "process", 2)

    res_dir = Path(__file__).parent / "results"
    res_dir.mkdir(exist_ok=True)
    (res_dir / "ray_scaling.json").write_text(json.dumps(out, indent=2))
    lines = ["# Evaluator scaling (benchmarks/ray_scaling.py)", "",
             f"{out['machine']}, {out['cpus']} CPUs (shared with other jobs while measured), Python "
             f"{out['python']}, Ray {out['ray']}; NSGA-II, N={pop}, {evals} evaluations ({gens} generations), "
             f"ray.init {out['ray_init_s']:.1f} s (not in the timings; actor start-up is).", "",
             "| problem | evaluator | workers | wall (s) | same front as local |", "|---|---|---|---|---|"]
    for r in out["runs"]:
        lines.append(f"| {r['problem']} | {r['evaluator']} | {r['workers']} | {r['wall_s']:.2f} | {r['same']} |")
    lines += ["", "| measure | value |", "|---|---|"]
    for k, v in out.items():
        if k.startswith(("overhead", "speedup", "batch_", "steady_")):
            lines.append(f"| {k} | {v:.3g} |")
    (res_dir / "ray_scaling.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
