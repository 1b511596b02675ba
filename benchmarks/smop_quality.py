"""Quality on SMOP1–8 (or any 2-objective problems): hierarchical vs SparseEA vs NSGA-II (median IGD).

    python benchmarks/smop_quality.py --n-var 1000 --evals 100000 --seeds 1,2,3,4,5 \
        --out benchmarks/results/smop_d1000 [--workers 2]

Every run (problem × algorithm × seed) is one line of OUT.jsonl (IGD against the problem's own
10,000-point reference front, HV, wall seconds, evaluations); runs already in the file are not
repeated, so an interrupted benchmark resumes. OUT.md gets the table: median IGD [IQR] per problem and
algorithm, wall time, and the Wilcoxon rank-sum test (scipy) of each algorithm against hierarchical
(+ hierarchical significantly better, − worse, = no significant difference at 0.05).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone

import numpy as np


def one_run(job):
    import lsmoo

    name, algo, n_var, evals, seed = job
    p = lsmoo.get_problem(name, n_var=n_var, n_obj=2)
    t = time.perf_counter()
    res = lsmoo.minimize(p, algo, max_evals=evals, seed=seed, indicators_every=0)
    wall = time.perf_counter() - t
    pf = p.pareto_front()
    from lsmoo.indicators import hv_normalized

    return {"problem": name, "algo": algo, "n_var": n_var, "evals": res.evaluations, "seed": seed,
            "igd": lsmoo.igd(res.F, pf), "hv": hv_normalized(res.F, pf), "wall_s": wall,
            "front_size": len(res.F),
            "corridor": res.extra.get("corridor"), "nonzero_median": float(np.median((res.X != 0).mean(1)))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-var", type=int, default=1000)
    ap.add_argument("--evals", type=int, default=100_000)
    ap.add_argument("--seeds", default="1,2,3,4,5")
    ap.add_argument("--problems", default=",".join(f"smop{i}" for i in range(1, 9)))
    ap.add_argument("--algos", default="hierarchical,sparseea,nsga2")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", required=True, help="path prefix: OUT.jsonl and OUT.md are written")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    problems, algos = a.problems.split(","), a.algos.split(",")
    path = a.out + ".jsonl"
    done = {}
    if os.path.exists(path):
        for line in open(path):
            r = json.loads(line)
            done[(r["problem"], r["algo"], r["n_var"], r["evals"], r["seed"])] = r
    jobs = [(p, al, a.n_var, a.evals, s) for p in problems for al in algos for s in seeds
            if (p, al, a.n_var, a.evals, s) not in done]
    print(f"{len(done)} runs on file, {len(jobs)} to do", flush=True)
    with ProcessPoolExecutor(max_workers=a.workers) as ex, open(path, "a") as fh:
        for r in ex.map(one_run, jobs):
            fh.write(json.dumps(r) + "\n")
            fh.flush()
            done[(r["problem"], r["algo"], r["n_var"], r["evals"], r["seed"])] = r
            print(f"{r['problem']:6s} {r['algo']:12s} seed {r['seed']}: IGD {r['igd']:.4g} ({r['wall_s']:.1f} s)",
                  flush=True)
    write_table(a, problems, algos, seeds, done)


def write_table(a, problems, algos, seeds, done):
    from scipy.stats import ranksums

    import lsmoo

    base = algos[0]
    head = (f"# {', '.join(p.upper() for p in problems)}; M = 2, D = {a.n_var}, N = 100, {a.evals} evaluations, "
            f"seeds {seeds}\n\n"
            f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, lsmoo {lsmoo.__version__}. "
            f"Median IGD [IQR] against each problem's 10,000-point reference front; marks compare each "
            f"algorithm with {base} (Wilcoxon rank-sum, p < 0.05): + {base} better, − {base} worse, = no "
            f"significant difference. Time: median seconds per run ({a.workers} run(s) in parallel on 2 cores).\n\n")
    lines = ["| problem | " + " | ".join(algos) + " | " + " | ".join(f"{x} s" for x in algos) + " |",
             "|---|" + "---|" * (2 * len(algos))]
    wins = {al: [0, 0, 0] for al in algos[1:]}
    for p in problems:
        cells, times = [], []
        ref = [done[(p, base, a.n_var, a.evals, s)]["igd"] for s in seeds]
        for al in algos:
            v = np.array([done[(p, al, a.n_var, a.evals, s)]["igd"] for s in seeds])
            t = np.median([done[(p, al, a.n_var, a.evals, s)]["wall_s"] for s in seeds])
            q1, q3 = np.percentile(v, [25, 75])
            mark = ""
            if al != base:
                pval = ranksums(ref, v).pvalue if len(seeds) > 1 else 1.0
                if pval < 0.05 and np.median(ref) < np.median(v):
                    mark, k = " +", 0
                elif pval < 0.05:
                    mark, k = " −", 2
                else:
                    mark, k = " =", 1
                wins[al][k] += 1
            cells.append(f"{np.median(v):.3e} [{q1:.2e}, {q3:.2e}]{mark}")
            times.append(f"{t:.1f}")
        lines.append(f"| {p} | " + " | ".join(cells) + " | " + " | ".join(times) + " |")
    lines.append("")
    for al, (b, e, w) in wins.items():
        lines.append(f"{base} vs {al}: better on {b}, equal on {e}, worse on {w} of {len(problems)} "
                     f"(median IGD lower on {sum(np.median([done[(p, base, a.n_var, a.evals, s)]['igd'] for s in seeds]) < np.median([done[(p, al, a.n_var, a.evals, s)]['igd'] for s in seeds]) for p in problems)}).")
    cmd = (f"python benchmarks/smop_quality.py --n-var {a.n_var} --evals {a.evals} --seeds {a.seeds} "
           f"--problems {a.problems} --algos {a.algos} --out {a.out}")
    text = head + "\n".join(lines) + f"\n\nCommand: `{cmd}`\n"
    with open(a.out + ".md", "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
