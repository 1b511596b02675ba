"""Peak memory of a binary problem with N = 100 as D grows, towards D = 10^7.

    .venv/bin/python benchmarks/memory_1e7.py [--dims 100000,1000000,2000000] [--gens 3]

Each (algorithm, D) runs in a fresh subprocess (peak RSS = ``ru_maxrss`` of that process, which
includes the interpreter, numpy, numba and the compiled kernels: the baseline at small D). The problem
reads bit-packed rows (``packed_input = True``), so it adds almost nothing. The peak at D = 10^7 is
projected linearly from the measured points (memory is linear in D for a fixed N); results go to
benchmarks/results/memory_1e7.{json,md}.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import resource, sys, time, warnings
import numpy as np
import lsmoo
from lsmoo.kernels.packed import popcount
warnings.simplefilter("ignore")

class Ones(lsmoo.Problem):
    packed_input = True
    def __init__(self, n_var):
        super().__init__(n_var=n_var, n_obj=2, encoding="binary", name="ones")
    def evaluate(self, P):
        k = popcount(P).astype(float)
        head = popcount(np.ascontiguousarray(P[:, :125])).astype(float)   # the first 1000 variables
        return np.column_stack([k / self.n_var, 1.0 - head / 1000.0])

algo, D, gens = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
res = lsmoo.minimize(Ones(D), algo, max_gen=gens, pop_size=100, seed=1)
print(base / 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.perf_counter() - t,
      res.evaluations)
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dims", default="100000,1000000,2000000")
    ap.add_argument("--algos", default="nsga2,sparseea,hierarchical")
    ap.add_argument("--gens", type=int, default=3)
    a = ap.parse_args()
    dims = [int(d) for d in a.dims.split(",")]
    rows = []
    for algo in a.algos.split(","):
        for D in dims:
            p = subprocess.run([sys.executable, "-c", CHILD, algo, str(D), str(a.gens)], capture_output=True,
                               text=True, timeout=1800)
            if p.returncode != 0:
                rows.append({"algo": algo, "D": D, "error": (p.stderr.strip().splitlines() or ["?"])[-1]})
                print(rows[-1], flush=True)
                continue
            base, peak, wall, evals = p.stdout.split()
            rows.append({"algo": algo, "D": D, "baseline_mb": float(base), "peak_mb": float(peak),
                         "wall_s": float(wall), "evaluations": int(evals)})
            print(rows[-1], flush=True)
    proj = {}
    for algo in a.algos.split(","):
        pts = [(r["D"], r["peak_mb"]) for r in rows if r["algo"] == algo and "peak_mb" in r]
        if len(pts) >= 2:
            (d0, m0), (d1, m1) = pts[-2], pts[-1]
            slope = (m1 - m0) / (d1 - d0)
            proj[algo] = {"bytes_per_variable": slope * 2**20, "projected_peak_mb_at_1e7": m1 + slope * (10**7 - d1)}
    out = {"machine": platform.platform(), "python": sys.version.split()[0], "pop_size": 100,
           "generations": a.gens, "runs": rows, "projection": proj}
    res = Path(__file__).parent / "results"
    res.mkdir(exist_ok=True)
    (res / "memory_1e7.json").write_text(json.dumps(out, indent=2))
    lines = ["# Peak RSS, binary problem (packed input), N = 100 (benchmarks/memory_1e7.py)", "",
             f"{out['machine']}, Python {out['python']}; {a.gens} generations; peak RSS of a fresh process",
             "", "| algorithm | D | peak RSS (MB) | wall (s) |", "|---|---:|---:|---:|"]
    for r in rows:
        if "peak_mb" in r:
            lines.append(f"| {r['algo']} | {r['D']:,} | {r['peak_mb']:.0f} | {r['wall_s']:.1f} |")
        else:
            lines.append(f"| {r['algo']} | {r['D']:,} | failed: {r['error']} | |")
    lines += ["", "| algorithm | bytes per variable (slope) | projected peak at D = 10^7 (MB) |", "|---|---:|---:|"]
    for algo, p in proj.items():
        lines.append(f"| {algo} | {p['bytes_per_variable']:.0f} | {p['projected_peak_mb_at_1e7']:.0f} |")
    (res / "memory_1e7.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
