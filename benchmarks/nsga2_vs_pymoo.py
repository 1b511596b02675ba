"""NSGA-II wall time and IGD: lsmoo vs pymoo on ZDT1, measured in the same run.

    python benchmarks/nsga2_vs_pymoo.py [--n-vars 30,1000,10000] [--seeds 1,2,3] [--evals 25000]

Both run N = 100 for the same number of evaluations on the same problem definition; IGD of each final
non-dominated set against the same 10,000-point ZDT1 front (lsmoo's). pymoo runs with its NSGA-II
defaults (SBX p=0.9 η=15, PM η=20, duplicate elimination) as its users get it; lsmoo with PlatEMO's
(SBX p=1 η=20, PM η=20). lsmoo is timed without per-generation indicators (pymoo computes none); a
warm-up run first loads the Numba kernels from cache for both sides' fairness (pymoo's warm-up imports
its compiled modules). Writes a Markdown table to stdout and, with --out, to a file.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import time
from datetime import datetime, timezone

import numpy as np

import lsmoo


def run_lsmoo(n_var, evals, seed):
    p = lsmoo.get_problem("zdt1", n_var=n_var)
    t = time.perf_counter()
    res = lsmoo.minimize(p, "nsga2", max_evals=evals, pop_size=100, seed=seed, indicators_every=0)
    return time.perf_counter() - t, res.F, res.evaluations


def run_pymoo(n_var, evals, seed):
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.optimize import minimize
    from pymoo.problems import get_problem

    t = time.perf_counter()
    res = minimize(get_problem("zdt1", n_var=n_var), NSGA2(pop_size=100), ("n_eval", evals), seed=seed,
                   verbose=False)
    return time.perf_counter() - t, res.F, res.algorithm.evaluator.n_eval


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-vars", default="30,1000,10000")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--evals", type=int, default=25_000)
    ap.add_argument("--out")
    a = ap.parse_args()
    n_vars = [int(v) for v in a.n_vars.split(",")]
    seeds = [int(s) for s in a.seeds.split(",")]
    import pymoo

    run_lsmoo(30, 400, 0)  # warm-up: Numba kernels loaded (or compiled) once
    run_pymoo(30, 400, 0)
    lines = [f"# NSGA-II on ZDT1: lsmoo vs pymoo (N = 100, {a.evals} evaluations)", "",
             f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, "
             f"python {platform.python_version()}, numpy {np.__version__}, lsmoo {lsmoo.__version__}, "
             f"pymoo {pymoo.__version__}; seeds {seeds}; times are medians over seeds, IGD median [min, max].", "",
             "| n_var | lsmoo s | pymoo s | speed-up | lsmoo IGD | pymoo IGD | evals lsmoo / pymoo |",
             "|---:|---:|---:|---:|---|---|---|"]
    print("\n".join(lines), flush=True)
    for n in n_vars:
        pf = lsmoo.get_problem("zdt1", n_var=n).pareto_front()
        rows = {"lsmoo": [], "pymoo": []}
        for s in seeds:
            for name, fn in (("lsmoo", run_lsmoo), ("pymoo", run_pymoo)):
                t, F, ev = fn(n, a.evals, s)
                rows[name].append((t, lsmoo.igd(F, pf), ev))
        med = {k: statistics.median(r[0] for r in v) for k, v in rows.items()}
        igd = {k: sorted(r[1] for r in v) for k, v in rows.items()}
        fmt = lambda x: f"{statistics.median(x):.4g} [{x[0]:.4g}, {x[-1]:.4g}]"  # noqa: E731
        line = (f"| {n} | {med['lsmoo']:.3f} | {med['pymoo']:.3f} | {med['pymoo'] / med['lsmoo']:.1f}x | "
                f"{fmt(igd['lsmoo'])} | {fmt(igd['pymoo'])} | {rows['lsmoo'][0][2]} / {rows['pymoo'][0][2]} |")
        print(line, flush=True)
        lines.append(line)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write("\n".join(lines) + "\n\nCommand: `python benchmarks/nsga2_vs_pymoo.py "
                     f"--n-vars {a.n_vars} --seeds {a.seeds} --evals {a.evals} --out {a.out}`\n")


if __name__ == "__main__":
    main()
