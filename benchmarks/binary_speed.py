"""Time per generation on a cheap binary problem with 10^6 variables: lsmoo vs pymoo's NSGA-II.

    python benchmarks/binary_speed.py [--n-var 1000000] [--gens 10] [--out FILE]

The problem (the same object for both libraries): f1 = share of ones, f2 = 1 − w·x / Σw with fixed
random weights w — evaluation is one popcount and one dot product per row, so the operators dominate.
pymoo: NSGA2(pop_size=100, BinaryRandomSampling, TwoPointCrossover, BitflipMutation), as its docs set up
binary problems, with its default duplicate elimination and without it (the ratio column uses the
faster of the two). lsmoo: NSGA-II with two-point crossover, and the
hierarchical engine (problem.importance() = w, so no probes). Seconds per generation = (time of a run of
1 + G generations − time of a run of 1 generation) / G, so set-up and the first population are excluded.
"""
from __future__ import annotations

import argparse
import platform
import time
from datetime import datetime, timezone

import numpy as np

import lsmoo

from _timing import emit  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


class WeightedOnes(lsmoo.Problem):
    """f1 = share of ones; f2 = 1 − share of the weight kept."""

    def __init__(self, n_var, seed=0):
        super().__init__(n_var=n_var, n_obj=2, encoding="binary", name="weighted_ones")
        self.w = np.random.default_rng(seed).random(n_var).astype(np.float32)
        self.total = float(self.w.sum(dtype=np.float64))

    def importance(self):
        return self.w.astype(float)

    def evaluate(self, X):
        X = np.asarray(X, dtype=bool)
        ones = np.count_nonzero(X, axis=1) / self.n_var
        kept = X.astype(np.float32) @ self.w
        return np.column_stack([ones, 1.0 - kept / self.total])


def lsmoo_run(problem, algo, gens, seed=1):
    t = time.perf_counter()
    lsmoo.minimize(problem, algo, max_gen=gens, seed=seed, indicators_every=0)
    return time.perf_counter() - t


def pymoo_run(problem, gens, seed=1, dedup=True):
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.operators.crossover.pntx import TwoPointCrossover
    from pymoo.operators.mutation.bitflip import BitflipMutation
    from pymoo.operators.sampling.rnd import BinaryRandomSampling
    from pymoo.optimize import minimize

    class P(Problem):
        def __init__(self):
            super().__init__(n_var=problem.n_var, n_obj=2, xl=0, xu=1, vtype=bool)

        def _evaluate(self, X, out, *args, **kwargs):
            out["F"] = problem.evaluate(X)

    algo = NSGA2(pop_size=100, sampling=BinaryRandomSampling(), crossover=TwoPointCrossover(),
                 mutation=BitflipMutation(), eliminate_duplicates=dedup)
    t = time.perf_counter()
    minimize(P(), algo, ("n_gen", gens), seed=seed, verbose=False)
    return time.perf_counter() - t


def per_gen(fn, gens):
    t1 = fn(1)
    tg = fn(1 + gens)
    return (tg - t1) / gens


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-var", type=int, default=1_000_000)
    ap.add_argument("--gens", type=int, default=10)
    ap.add_argument("--pymoo-gens", type=int, default=3)
    ap.add_argument("--out")
    a = ap.parse_args()
    p = WeightedOnes(a.n_var)
    lsmoo_run(WeightedOnes(1000), lsmoo.NSGA2(crossover="two_point"), 3)  # Numba kernels loaded once
    lsmoo_run(WeightedOnes(1000), "hierarchical", 3)
    rows = []
    import pymoo

    t_dedup = per_gen(lambda g: pymoo_run(p, g), a.pymoo_gens)
    t_py = per_gen(lambda g: pymoo_run(p, g, dedup=False), a.pymoo_gens)
    for label, make in (("lsmoo NSGA-II (two-point, bit-flip)", lambda: lsmoo.NSGA2(crossover="two_point")),
                        ("lsmoo hierarchical", lambda: lsmoo.get_algorithm("hierarchical"))):
        t = per_gen(lambda g: lsmoo_run(p, make(), g), a.gens)
        rows.append((label, t, t_py / t))
    lines = [f"# Binary problem, D = {a.n_var:,}, N = 100: seconds per generation",
             "",
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, numpy {np.__version__}, "
             f"lsmoo {lsmoo.__version__}, pymoo {pymoo.__version__}; lsmoo over {a.gens} generations, "
             f"pymoo over {a.pymoo_gens}.",
             "",
             "| algorithm | s / generation | pymoo (no duplicate elimination) ÷ this |",
             "|---|---:|---:|",
             f"| pymoo NSGA-II (two-point, bit-flip, duplicate elimination: its default) | {t_dedup:.3f} | "
             f"{t_py / t_dedup:.2f}x |",
             f"| pymoo NSGA-II (two-point, bit-flip, eliminate_duplicates=False) | {t_py:.3f} | 1.0 |"]
    lines += [f"| {label} | {t:.3f} | {r:.1f}x |" for label, t, r in rows]
    lines += ["", f"Command: `python benchmarks/binary_speed.py --n-var {a.n_var} --gens {a.gens} "
                  f"--pymoo-gens {a.pymoo_gens}" + (f" --out {a.out}`" if a.out else "`")]
    text = "\n".join(lines) + "\n"
    emit(text, a.out)


if __name__ == "__main__":
    main()
