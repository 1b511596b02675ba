"""Benchmark grids: problems × algorithms × seeds, resumable, with statistics, tables and plots.

    lsmoo bench --suite smop --n-var 1000 --algos hierarchical,sparseea,nsga2 --runs 5 \
                --max-evals 100000 --out bench/smop [--workers 2] [--baseline hierarchical]

Every finished cell (problem, algorithm, seed) is one JSON file under OUT/runs/ (written atomically):
rerunning the same command skips them, so an interrupted grid resumes. OUT/summary.csv and
OUT/summary.md hold the median and IQR of IGD and HV per problem × algorithm, the median wall time and
evaluations, and the Wilcoxon rank-sum test of every algorithm against the baseline (Holm-corrected over
the problems; "+" baseline significantly better, "−" worse, "=" no significant difference at 0.05).
OUT/convergence_<problem>.png draws the median IGD over evaluations beside each algorithm's median-IGD
front over the problem's Pareto front (zoomed to it when some front lies far away; see
:func:`front_view`).

Algorithm names with a dot are peers from other libraries (``pymoo.nsga2``, ``deap.nsga2``,
``evomo.lmocso``, ...; see :mod:`lsmoo.peers`): they run in the same cell function on the same problem
objects and budget, timed the same way, and their records add ``peer_version``. A peer that cannot
handle a problem (e.g. a binary encoding) leaves a record with ``skipped`` (the reason) instead of
failing the grid.
"""
from __future__ import annotations

import csv
import io
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from .errors import ConfigError
from .peers import is_peer  # names with a dot (``pymoo.nsga2``) are peers from other libraries

SUITES = {
    "zdt": ["zdt1", "zdt2", "zdt3", "zdt4", "zdt6"],
    "dtlz": [f"dtlz{i}" for i in range(1, 8)],
    "lsmop": [f"lsmop{i}" for i in range(1, 10)],
    "smop": [f"smop{i}" for i in range(1, 9)],
}
SUITES["all"] = SUITES["zdt"] + SUITES["dtlz"] + SUITES["lsmop"] + SUITES["smop"]


def _cell_path(out: Path, problem: str, algo: str, seed: int) -> Path:
    return out / "runs" / problem / algo / f"seed{seed}.json"


def run_cell(job) -> dict:
    """One run: (problem, algo, n_var, n_obj, max_evals, seed, out). Writes and returns the record."""
    import lsmoo
    from .indicators import hv_normalized
    from .result import atomic_write_bytes

    problem, algo, n_var, n_obj, max_evals, seed, out = job
    p = lsmoo.get_problem(problem, n_var=n_var, n_obj=n_obj)
    rec = {"problem": problem, "algo": algo, "n_var": p.n_var, "n_obj": p.n_obj, "seed": seed}
    if is_peer(algo):
        from . import peers

        rec["peer_version"] = peers.peer_version(algo)
        peers.load_peer(algo)  # the library's import time is not the algorithm's
        t = time.perf_counter()
        try:
            F, evaluations, curve = peers.run_peer(algo, p, max_evals, seed)
        except peers.PeerUnsupported as exc:
            F = None
            rec.update(skipped=str(exc), evaluations=0, wall_s=None, igd=None, hv=None, curve=[], front=[])
        wall = time.perf_counter() - t
    else:
        t = time.perf_counter()
        res = lsmoo.minimize(p, algo, max_evals=max_evals, seed=seed)
        wall = time.perf_counter() - t
        F, evaluations = res.F, res.evaluations
        curve = [[h["evaluations"], h["igd"]] for h in res.history if h.get("igd") is not None]
    if F is not None:
        pf = p.pareto_front()
        rec.update(evaluations=evaluations, wall_s=wall,
                   igd=None if pf is None or not len(F) else lsmoo.igd(F, pf),
                   hv=None if pf is None or not len(F) else hv_normalized(F, pf),
                   curve=curve, front=np.asarray(F).tolist())
    path = _cell_path(Path(out), problem, algo, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps(rec).encode())
    return rec


def holm(pvalues):
    """Holm–Bonferroni adjusted p-values (same order as given)."""
    p = np.asarray(pvalues, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def _one_thread_per_worker():
    """Pool workers: one BLAS/OpenMP thread each (torch-based peers would otherwise each start one per
    core and slow every cell down)."""
    import os

    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"


class _InProcess:
    """The executor interface for one worker: runs the cells here, in order."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    map = staticmethod(map)


def run_grid(problems, algos, n_var, n_obj, runs, max_evals, out, workers=1, baseline=None,
             progress=False, log=print, run=True) -> list[dict]:
    """Run the grid (skipping finished cells), then write the summary, tables and plots.

    ``run=False`` runs nothing and reports on the finished cells only (an interrupted or still-running
    grid): a problem × algorithm with fewer runs says how many, one with none says "not run"."""
    import lsmoo
    from .registry import algorithms as algorithm_registry

    if not problems or not algos:
        raise ConfigError("bench needs at least one problem and one algorithm")
    for a in algos:
        if is_peer(a):
            from .peers import check_peer

            check_peer(a)  # unknown peer / package not installed: fail before any run
        else:
            algorithm_registry.entry(a)
    for p in problems:
        lsmoo.get_problem(p, n_var=n_var, n_obj=n_obj)  # unknown names / bad sizes fail before any run
    baseline = baseline or algos[0]
    if baseline not in algos:
        raise ConfigError(f"baseline {baseline!r} is not among the algorithms {algos}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(p, a, n_var, n_obj, max_evals, s, str(out)) for p in problems for a in algos
            for s in range(1, runs + 1) if not _cell_path(out, p, a, s).is_file()]
    log(f"bench: {len(problems) * len(algos) * runs - len(jobs)} cells done, {len(jobs)} to run"
        + ("" if run or not jobs else " (not running them: summary of the finished cells)"))
    if not run:
        jobs = []
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_one_thread_per_worker) if workers > 1 and jobs \
        else _InProcess()
    with pool as ex:
        for done, rec in enumerate(ex.map(run_cell, jobs), 1):
            if progress:
                what = (f"skipped: {rec['skipped']}" if rec.get("skipped") else
                        f"IGD {rec['igd']:.4g} ({rec['wall_s']:.1f} s)" if rec["igd"] is not None else
                        f"no reference front ({rec['wall_s']:.1f} s)")
                log(f"  [{done}/{len(jobs)}] {rec['problem']} {rec['algo']} seed {rec['seed']}: {what}")
    records = [json.loads(_cell_path(out, p, a, s).read_text())
               for p in problems for a in algos for s in range(1, runs + 1) if _cell_path(out, p, a, s).is_file()]
    if not records:
        raise ConfigError(f"no finished cells of this grid in {out}")
    rows = summarize(records, problems, algos, baseline)
    write_summary(rows, out, baseline, n_var, max_evals, runs)
    plot_grid(records, problems, algos, out)
    return rows


def summarize(records, problems, algos, baseline):
    from scipy.stats import ranksums

    by = {}
    for r in records:
        by.setdefault((r["problem"], r["algo"]), []).append(r)
    rows = []
    for p in problems:
        for a in algos:
            skipped = [r["skipped"] for r in by.get((p, a), []) if r.get("skipped")]
            rs = [r for r in by.get((p, a), []) if not r.get("skipped")]
            igd = np.array([r["igd"] for r in rs if r["igd"] is not None], dtype=float)
            hv = np.array([r["hv"] for r in rs if r["hv"] is not None], dtype=float)
            row = {"problem": p, "algo": a, "runs": len(rs),
                   "wall_median_s": float(np.median([r["wall_s"] for r in rs])) if rs else float("nan"),
                   "evaluations": int(np.median([r["evaluations"] for r in rs])) if rs else 0,
                   "p_value": None, "mark": "", "skipped": skipped[0] if skipped else None}
            for name, v in (("igd", igd), ("hv", hv)):
                q = np.percentile(v, [25, 50, 75]) if v.size else [np.nan] * 3
                row.update({f"{name}_q1": float(q[0]), f"{name}_median": float(q[1]), f"{name}_q3": float(q[2])})
            if a != baseline and igd.size:
                base = [r["igd"] for r in by.get((p, baseline), []) if r.get("igd") is not None]
                if base:
                    row["p_value"] = float(ranksums(base, igd).pvalue) if len(igd) > 1 else 1.0
            rows.append(row)
    for a in algos:
        if a == baseline:
            continue
        mine = [r for r in rows if r["algo"] == a and r["p_value"] is not None]
        for r, adj in zip(mine, holm([r["p_value"] for r in mine])):
            base = next(x for x in rows if x["problem"] == r["problem"] and x["algo"] == baseline)
            r["p_holm"] = float(adj)
            r["mark"] = "=" if adj >= 0.05 else ("+" if base["igd_median"] < r["igd_median"] else "−")
    return rows


def write_summary(rows, out: Path, baseline, n_var, max_evals, runs):
    from .result import atomic_write_bytes

    cols = ["problem", "algo", "runs", "igd_median", "igd_q1", "igd_q3", "hv_median", "hv_q1", "hv_q3",
            "wall_median_s", "evaluations", "p_value", "p_holm", "mark", "skipped"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in cols})
    atomic_write_bytes(out / "summary.csv", buf.getvalue().encode())
    algos = list(dict.fromkeys(r["algo"] for r in rows))
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    lines = [f"# Benchmark: D = {n_var}, {max_evals} evaluations, {runs} runs per cell",
             "", f"Median IGD [IQR]; marks vs {baseline} (Wilcoxon rank-sum, Holm-corrected over problems, "
             f"0.05): + {baseline} better, − worse, = no significant difference.", "",
             "| problem | " + " | ".join(algos) + " |", "|---|" + "---|" * len(algos)]
    for p in problems:
        cells = []
        for a in algos:
            r = next(x for x in rows if x["problem"] == p and x["algo"] == a)
            if r["runs"] == 0:
                cells.append("skipped" if r.get("skipped") else "not run")
                continue
            few = f" ({r['runs']} of {runs} runs)" if r["runs"] < runs and not r.get("skipped") else ""
            cells.append(f"{r['igd_median']:.3e} [{r['igd_q1']:.2e}, {r['igd_q3']:.2e}] {r['mark']}".rstrip() + few)
        lines.append(f"| {p} | " + " | ".join(cells) + " |")
    lines.append("")
    p_min = _smallest_p(runs)
    lines += [f"With {runs} runs per cell the smallest p-value the rank-sum test can give is {p_min:.2g} "
              f"(complete separation); Holm over {len(problems)} problems needs ≤ {0.05 / len(problems):.2g} "
              f"for the first mark{' — no mark can differ from = here' if p_min > 0.05 / len(problems) else ''}.",
              ""]
    for a in algos:
        if a != baseline:
            marks = [r["mark"] for r in rows if r["algo"] == a]
            med = {r["problem"]: r["igd_median"] for r in rows if r["algo"] == a}
            base = {r["problem"]: r["igd_median"] for r in rows if r["algo"] == baseline}
            both = [p for p in problems if np.isfinite(base[p]) and np.isfinite(med[p])]
            lower = sum(base[p] < med[p] for p in both)
            higher = sum(base[p] > med[p] for p in both)
            lines.append(f"{baseline} vs {a}: +{marks.count('+')} ={marks.count('=')} −{marks.count('−')} "
                         f"(median IGD lower on {lower}, higher on {higher} of {len(both)})")
    atomic_write_bytes(out / "summary.md", ("\n".join(lines) + "\n").encode())


def _smallest_p(runs: int) -> float:
    """The rank-sum test's p-value for two completely separated samples of ``runs`` values each."""
    from scipy.stats import ranksums

    return float(ranksums(np.arange(runs), np.arange(runs) + runs).pvalue) if runs > 1 else 1.0


def front_view(pf, fronts, margin=1.0):
    """The (f1, f2) box a front plot shows: the reference front's box, widened by ``margin`` times its
    range above and 5 % below, so that a front near the Pareto front stays readable when another
    algorithm's points lie orders of magnitude away. Returns ((lo1, hi1), (lo2, hi2)) and, per front,
    how many of its points fall outside; ``None`` limits (plot everything) when nothing falls outside
    or there is no reference front."""
    counts = [0] * len(fronts)
    if pf is None or not len(pf):
        return None, counts
    pf = np.asarray(pf, dtype=float)[:, :2]
    ideal, nadir = pf.min(axis=0), pf.max(axis=0)
    span = np.maximum(nadir - ideal, 1e-12)
    lo, hi = ideal - 0.05 * span, nadir + margin * span
    for i, F in enumerate(fronts):
        F = np.asarray(F, dtype=float)
        if F.ndim == 2 and len(F):
            counts[i] = int(np.sum(np.any((F[:, :2] < lo) | (F[:, :2] > hi), axis=1)))
    if not any(counts):
        return None, counts
    return ((lo[0], hi[0]), (lo[1], hi[1])), counts


def plot_grid(records, problems, algos, out: Path):
    """Per problem: the median convergence curve of every algorithm, and the front of its median-IGD
    run over the problem's Pareto front (grey), zoomed to the front's neighbourhood when some
    algorithm's points lie far away (the legend says how many of each front's points are off view)."""
    import lsmoo
    from .plot import _pyplot

    plt = _pyplot()
    colour = {a: f"C{i % 10}" for i, a in enumerate(algos)}  # one colour per algorithm in both panels
    for p in problems:
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8), dpi=90)
        try:
            fronts = []
            for a in algos:
                rs = [r for r in records if r["problem"] == p and r["algo"] == a and r["curve"]]
                if not rs:
                    continue
                grid = np.array([e for e, _ in rs[0]["curve"]], dtype=float)
                curves = [np.interp(grid, *np.array(r["curve"], dtype=float).T) for r in rs]
                ax1.plot(grid, np.median(curves, axis=0), label=a, color=colour[a])
                med = sorted(rs, key=lambda r: r["igd"])[len(rs) // 2]
                F = np.asarray(med["front"], dtype=float)
                if F.ndim == 2 and F.shape[1] >= 2:
                    fronts.append((a, F))
            pr = next((r for r in records if r["problem"] == p), None)
            pf = None if pr is None else \
                lsmoo.get_problem(p, n_var=pr["n_var"], n_obj=pr["n_obj"]).pareto_front()
            if pf is not None:
                ax2.plot(pf[:, 0], pf[:, 1], ".", ms=1, color="0.7", label="Pareto front", zorder=0)
            box, off = front_view(pf, [F for _, F in fronts])
            for i, (a, F) in enumerate(fronts):
                ax2.plot(F[:, 0], F[:, 1], "o", ms=3, color=colour[a],
                         label=a + (f" ({off[i]} of {len(F)} off view)" if box and off[i] else ""))
            title = "median-IGD run's front"
            if box:
                ax2.set_xlim(*box[0])
                ax2.set_ylim(*box[1])
                title += " (zoomed to the Pareto front)"
            ax1.set_yscale("log")
            ax1.set_xlabel("evaluations")
            ax1.set_ylabel("median IGD")
            ax1.legend(fontsize=8)
            ax2.set_xlabel("f1")
            ax2.set_ylabel("f2")
            ax2.set_title(title, fontsize=9)
            ax2.legend(fontsize=7)
            ax1.set_title(p, fontsize=9)
            fig.tight_layout()
            fig.savefig(out / f"convergence_{p}.png")
        finally:
            plt.close(fig)
