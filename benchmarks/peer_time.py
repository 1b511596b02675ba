"""Time one run of every algorithm (lsmoo's and the installed peers') on one problem at a small budget.

    .venv/bin/python benchmarks/peer_time.py --out benchmarks/results/peer_time.md

The runs go through the bench harness's ``run_cell`` (the same code path as ``lsmoo bench``), one at a
time in this process with one BLAS thread, after one small warm-up run of each algorithm (JIT
compilation, first calls), so each wall time is the algorithm alone. The grids'
per-run times (``summary.csv``, two runs in parallel) are at the full budget; this table answers
"what does one run cost at D = 1,000 and at D = 10,000", which decides which peers a grid at
D = 10,000 can afford. Peers that are not installed, or refuse the problem (evomo's SparseEA needs
5·D evaluations for its probe before the budget starts), are listed with the reason.
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
import argparse
import platform
import sys
import tempfile
import time

import lsmoo
from lsmoo.bench import is_peer, run_cell

from _timing import emit  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ALGOS = ("hierarchical,nsga2,pymoo.nsga2,pymoo.moead,deap.nsga2,"
         "evomo.lmocso,evomo.wof,evomo.lsmof,evomo.sparseea")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--problem", default="lsmop1")
    ap.add_argument("--n-vars", default="1000,10000")
    ap.add_argument("--algos", default=ALGOS)
    ap.add_argument("--evals", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="Markdown file to write (default: print only)")
    a = ap.parse_args(argv)
    dims = [int(d) for d in a.n_vars.split(",")]
    algos = a.algos.split(",")
    from lsmoo.peers import PEERS, check_peer
    from lsmoo.registry import algorithms

    missing = {}  # peer -> why it cannot run here (package not installed): a skipped row, not an error
    for algo in algos:
        if not is_peer(algo):
            algorithms.entry(algo)
        elif algo not in PEERS:
            ap.error(f"unknown peer {algo!r}; known: {', '.join(PEERS)}")
        else:
            try:
                check_peer(algo)
            except lsmoo.ConfigError as exc:
                missing[algo] = str(exc)
    rows = {algo: {} for algo in algos}
    with tempfile.TemporaryDirectory() as tmp:
        def one(algo, n_var, evals):
            if algo in missing:
                return {"skipped": missing[algo]}
            return run_cell((a.problem, algo, n_var, 2, evals, a.seed, tmp))

        for algo in algos:  # warm-up: JIT compilation and first-call costs are not the run's
            one(algo, 100, 1000)
        for d in dims:
            for algo in algos:
                rec = one(algo, d, a.evals)
                rows[algo][d] = rec
                what = (f"skipped: {rec['skipped']}" if rec.get("skipped")
                        else f"{rec['wall_s']:.1f} s, IGD {rec['igd']:.3g}")
                print(f"{a.problem} D={d} {algo}: {what}", flush=True)
    head = "| algorithm | " + " | ".join(f"D = {d:,}: wall (s) | IGD" for d in dims) + " |"
    lines = [f"# Time per run: {a.problem}, M = 2, {a.evals:,} evaluations, seed {a.seed}, one run at a time",
             "",
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()}, "
             f"python {platform.python_version()}, lsmoo {lsmoo.__version__}, {os.cpu_count()} cores; "
             "one BLAS thread; the IGD only shows the run did something at this small budget.",
             "", head, "|---|" + "---:|---:|" * len(dims)]
    notes = []
    for algo in algos:
        cells = []
        for d in dims:
            rec = rows[algo][d]
            if rec.get("skipped"):
                cells += ["skipped", "—"]
                notes.append(f"* `{algo}` at D = {d:,}: {rec['skipped']}")
            else:
                cells += [f"{rec['wall_s']:.1f}", f"{rec['igd']:.3g}"]
        lines.append(f"| `{algo}` | " + " | ".join(cells) + " |")
    cmd = "python benchmarks/peer_time.py " + " ".join(sys.argv[1:] if argv is None else argv)
    lines += [""] + notes + ([""] if notes else []) + [f"Command: `{cmd.strip()}`", ""]
    emit("\n".join(lines), a.out)


if __name__ == "__main__":
    main()
