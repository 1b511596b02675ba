"""Search settings of ``lsmoo prune`` measured honestly (issue 5), on validation data only. The search sees
the first ``--eval-size`` validation images; the candidates at 50/60/70/80 % pruned are re-scored (as
``lsmoo prune`` does) on the next ``--rescore-size`` images after BN recalibration on
``--final-calib-size`` training images; the networks it would report are then scored on the remaining
validation images (held out from everything, never the test set) and compared with global magnitude
pruning + BN recalibration on the same images. One JSON line per run.

    python benchmarks/prune_search_experiments.py --label seeds-only --seeds magnitude,ends,lamp,erk \
        --max-evals 68 --phase1-share 0.9 --focus 0.1,0.7 --out benchmarks/results/prune_search.jsonl

(The first five lines of benchmarks/results/prune_search.jsonl came from earlier versions of this script: picks
from the non-dominated archive only, and — in the first three — no final calibration.)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch

import lsmoo
from lsmoo_prune import data, train
from lsmoo_prune.evaluator import MaskEvaluator, global_magnitude_mask
from lsmoo_prune.problem import PruningProblem
from lsmoo_prune.pipeline import candidate_pool, choose_at_levels
from lsmoo_prune.search import PruneSearch, seed_allocations

LEVELS = (0.5, 0.6, 0.7, 0.8)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--out", default="benchmarks/results/prune_search.jsonl")
    ap.add_argument("--max-evals", type=int, default=300)
    ap.add_argument("--pop-size", type=int, default=20)
    ap.add_argument("--phase1-share", type=float, default=0.2)
    ap.add_argument("--eval-size", type=int, default=1000)
    ap.add_argument("--calib-size", type=int, default=128)
    ap.add_argument("--race-size", type=int, default=0)
    ap.add_argument("--importance", default="magnitude")
    ap.add_argument("--seeds", default="magnitude,lamp", help="comma-separated seed kinds ('' = none)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rescore-size", type=int, default=2000, help="validation images for re-scoring picks")
    ap.add_argument("--rescore-top", type=int, default=4, help="candidates per level re-scored")
    ap.add_argument("--final-calib-size", type=int, default=2048, help="calibration images after the search")
    ap.add_argument("--focus", default="0,1", help="remaining-ratio band the engine concentrates on")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--algo-opts", default="{}", help="JSON dict of extra hierarchical options")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    t_all = time.perf_counter()
    splits = data.load("fashion-mnist", val_size=5000, seed=1)
    net, _ = train.base_model("resnet20", splits, seed=1, recipe=train.Recipe(), progress=False)
    ev = MaskEvaluator(net, splits.val_x, splits.val_y, splits.train_x, eval_size=a.eval_size,
                       calib_size=a.calib_size, device="cpu", race_size=a.race_size)
    E, R = a.eval_size, a.rescore_size
    cl = torch.channels_last
    rx, ry = splits.val_x[E:E + R].contiguous(memory_format=cl), splits.val_y[E:E + R]
    hx, hy = splits.val_x[E + R:].contiguous(memory_format=cl), splits.val_y[E + R:]

    def held_err(m):
        ev.prepare(m)
        return 1.0 - ev.correct(hx, hy) / len(hy)

    def rescore_err(m):
        ev.prepare(m)
        return 1.0 - ev.correct(rx, ry) / len(ry)

    kinds = [k for k in a.seeds.split(",") if k]
    S, labels = seed_allocations(ev, kinds) if kinds else (None, [])
    problem = PruningProblem(ev, importance=a.importance)
    lo, hi = (float(v) for v in a.focus.split(","))
    algo = PruneSearch(pop_size=a.pop_size, phase1_share=a.phase1_share, seeds=S, focus_lo=lo, focus_hi=hi,
                       **json.loads(a.algo_opts))
    t0 = time.perf_counter()
    res = lsmoo.minimize(problem, algo, max_evals=a.max_evals, seed=a.seed)
    t_search = time.perf_counter() - t0
    search_calib = ev.calib_x
    M, F, labs = candidate_pool(algo, ev, S, labels)
    if a.final_calib_size > len(search_calib):
        ev.calib_x = splits.train_x[:a.final_calib_size].contiguous(memory_format=cl)
    resc = {}

    def err_r(i):
        if i not in resc:
            resc[i] = rescore_err(M[i])
        return resc[i]

    picks = choose_at_levels(F, M.sum(1), labs, ev.n_var, a.rescore_top, err_r if a.rescore_top else None)
    imp = ev.importance()
    rows = []
    for p in LEVELS:
        base = global_magnitude_mask(imp, 1 - p)
        r = {"pruned": p, "base_held": held_err(base), "base_rescore": rescore_err(base)}
        if p in picks:
            i = picks[p]
            r.update(pick_remaining=float(F[i, 1]), pick_sub=float(F[i, 0]), pick_rescore=resc.get(i),
                     pick_held=held_err(M[i]), pick_is=labs[i] or "searched")
            r["gain_held"] = r["base_held"] - r["pick_held"]
        rows.append(r)
    rec = {"label": a.label, "args": vars(a), "evaluations": res.evaluations, "search_s": round(t_search, 1),
           "computed": ev.stats["evaluations"], "evals_per_s": round(ev.evals_per_second(), 3),
           "archive": len(F), "phase1_evals": res.extra.get("phase1_evaluations"),
           "wins_held": sum(1 for r in rows if r.get("gain_held", -1) > 0),
           "mean_gain_held": float(np.mean([r.get("gain_held", -1) for r in rows])), "levels": rows,
           "rescored": len(resc), "near_front": int(len(algo.near_F)) if algo.near_F is not None else 0,
           "front": [[round(float(f), 5) for f in x] for x in F[np.argsort(F[:, 1])]],
           "wall_s": round(time.perf_counter() - t_all, 1), "load": os.getloadavg()[0]}
    with open(a.out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    print(json.dumps({k: v for k, v in rec.items() if k not in ("front", "args")}, indent=None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
