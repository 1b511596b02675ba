"""``lsmoo prune``: base model → pruning problem → hierarchical engine → exported Pareto networks,
the global-magnitude baseline at the same sparsities, a plot and a summary."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

import lsmoo
from lsmoo.errors import LsmooError

from . import data, interop, models, train
from .evaluator import MaskEvaluator, global_magnitude_mask
from .problem import PruningProblem
from .search import PruneSearch, nondominated, seed_allocations

STANDARD_PRUNED = (0.5, 0.6, 0.7, 0.8)


@dataclass
class Settings:
    model: str = "resnet20"
    dataset: str = "fashion-mnist"
    seed: int = 1
    out: str = "runs/prune"
    max_evals: int = 300
    pop_size: int = 20
    eval_size: int = 1000
    calib_size: int = 128
    val_size: int | None = None
    race_size: int = 0
    bn_recal: bool = True
    importance: str = "magnitude"
    device: str = "auto"
    data_root: str | None = None
    checkpoint: str | None = None
    cache_dir: str | None = None
    width: int = 16
    epochs: int | None = None
    max_networks: int = 6
    finetune_epochs: int = 0
    progress: bool = True
    threads: int | None = None
    phase1_share: float = 0.9
    checkpoint_every: int = 0       # generations between checkpoints (DIR/checkpoint.npz); 0: only at the end / on a signal
    resume: bool = False            # continue from DIR/checkpoint.npz
    callback: object = None         # callback(algorithm, record) after every generation (API, tests)
    seeds: str = "magnitude,ends,lamp,erk"   # seed kinds for Phase 1 (search.seed_allocations); "none"
    rescore_top: int = 4            # candidates per standard level re-scored on the rest of the validation split
    final_calib_size: int = 4096    # BN calibration images for re-scoring, export and baseline (>= calib_size)
    focus: tuple = (0.1, 0.7)       # remaining-ratio band the engine concentrates on (search.PruneSearch.focused)


CHECKPOINT = "checkpoint.npz"

#: settings that change the search, and the option that sets each (a resume must match them all)
SEARCH_OPTIONS = {
    "model": "--model", "dataset": "--dataset", "seed": "--seed", "width": "--width", "epochs": "--epochs",
    "val_size": "--val-size", "eval_size": "--eval-size", "calib_size": "--calib-size",
    "race_size": "--race-size", "bn_recal": "--no-bn-recal", "importance": "--importance",
    "phase1_share": "--phase1-share", "pop_size": "--pop-size", "max_evals": "--max-evals", "seeds": "--seeds",
    "focus": "--focus",
    "device": "--device", "base_model_sha256": "the base model (--checkpoint, --cache-dir, --epochs)",
    "data_sha256": "the data (--data-root)",
}


def _sha(tensors) -> str:
    h = hashlib.sha256()
    for t in tensors:
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


def run_settings(s: Settings, ev=None, dev=None) -> dict:
    """Everything that changes the search (compared on --resume). Without ``ev``: only the options."""
    out = {"model": s.model, "dataset": data.canonical(s.dataset), "seed": s.seed, "width": s.width,
           "epochs": s.epochs, "val_size": s.val_size, "eval_size": s.eval_size, "calib_size": s.calib_size,
           "race_size": s.race_size, "bn_recal": s.bn_recal, "importance": s.importance,
           "phase1_share": s.phase1_share, "pop_size": s.pop_size, "max_evals": s.max_evals, "seeds": s.seeds,
           "focus": list(s.focus)}
    if ev is not None:
        out["device"] = f"{dev.type}/{ev.dtype}"
        out["base_model_sha256"] = _sha(ev.w0 + [b for b in ev.bn_state0.values()])
        out["data_sha256"] = _sha([ev.val_x, ev.val_y] + ([ev.calib_x] if ev.calib_x is not None else []))
    return out


def read_checkpoint_settings(path) -> dict:
    """The run settings stored in an ``lsmoo prune`` checkpoint (CheckpointError when missing, damaged or
    written by another command)."""
    from lsmoo import checkpoint as ckpt
    from lsmoo.errors import CheckpointError

    meta, arrays = ckpt.read(path)
    try:
        state = ckpt.decode(meta["algorithm"], arrays)
        rs = dict(state["run_settings"])
        rs["_n_gen"], rs["_n_evals"] = int(meta["n_gen"]), int(meta["n_evals"])
    except Exception:
        raise CheckpointError(f"checkpoint {str(path)!r} is not a checkpoint of lsmoo prune (or is damaged)") from None
    return rs


def compare_settings(saved: dict, now: dict, path) -> None:
    from lsmoo.errors import CheckpointError

    diff = [k for k in now if k in SEARCH_OPTIONS and saved.get(k, "<unset>") != now[k]]
    if diff:
        shown = "; ".join(f"{SEARCH_OPTIONS[k]}: {saved.get(k, '<unset>')!r} in the checkpoint, {now[k]!r} now"
                          for k in diff[:3])
        more = f" (and {len(diff) - 3} more)" if len(diff) > 3 else ""
        raise CheckpointError(f"checkpoint {str(path)!r} belongs to a run with different arguments: {shown}{more}; "
                              "resume with the same arguments, or start afresh without --resume")


def candidate_pool(algo, ev, S, labels):
    """The masks the report chooses from: the engine's near-front candidates plus every seed (the seeds'
    search error comes from the fitness cache). Returns (masks, F, labels: seed label or None)."""
    M, F = algo.near_front()
    lab = [None] * len(M)
    if S is not None and len(S):
        where = {ev.key(m): i for i, m in enumerate(M)}
        extra_M, extra_F = [], []
        for m, name in zip(algo._masks_from_thresholds(1.0 - S / algo.group_size[None, :]), labels):
            k = ev.key(m)
            if k in where:
                lab[where[k]] = lab[where[k]] or name
                continue
            where[k] = len(lab)
            lab.append(name)
            extra_M.append(m)
            extra_F.append([ev.error(m), np.count_nonzero(m) / ev.n_var])
        if extra_M:
            M, F = np.vstack([M, np.array(extra_M)]), np.vstack([F, np.array(extra_F)])
    return M, F, lab


def choose_at_levels(F, kept, labels, D, top: int, err_rest=None, levels=STANDARD_PRUNED, window=0.05):
    """For each pruned level p: the network to compare with global magnitude pruning there. Candidates keep
    no more weights than the baseline (round((1 - p)·D)); without re-scoring the best by search error,
    otherwise the ``top`` best by search error among those keeping at least (1 − p − window), plus the seeds
    at that level, re-scored by ``err_rest(i)`` (validation images the search did not use)."""
    picks = {}
    for p in levels:
        lvl = 1 - p
        ok = np.flatnonzero(kept <= int(round(lvl * D)))
        if not ok.size:
            continue
        if not top or err_rest is None:
            picks[p] = int(ok[np.argmin(F[ok, 0])])
            continue
        near = ok[F[ok, 1] >= lvl - window]
        cands = set(near[np.argsort(F[near, 0], kind="stable")[:top]].tolist())
        cands |= {int(i) for i in ok if labels[i] and labels[i].endswith(f"@{lvl:g}")}
        if not cands:
            cands = {int(ok[np.argmin(F[ok, 0])])}
        picks[p] = min(sorted(cands), key=lambda i: (err_rest(i), F[i, 0], F[i, 1]))
    return picks


def _log(msg, progress):
    if progress:
        print(msg, file=sys.stderr, flush=True)


def _select(F, k, must=()):
    """Indices of up to k rows spread evenly over f2 (remaining), plus ``must``."""
    order = np.argsort(F[:, 1])
    if len(order) <= k:
        chosen = set(order.tolist())
    else:
        pos = np.unique(np.round(np.linspace(0, len(order) - 1, k)).astype(int))
        chosen = set(order[pos].tolist())
    chosen |= set(int(i) for i in must)
    return sorted(chosen, key=lambda i: F[i, 1])


def _atomic_json(path, obj):
    tmp = Path(str(path) + ".tmp")
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def run(s: Settings) -> dict:
    from lsmoo.result import prepare_out_dir

    t_start = time.perf_counter()
    train.set_threads(s.threads)
    out = prepare_out_dir(s.out)
    ck_path = out / CHECKPOINT
    saved = read_checkpoint_settings(ck_path) if s.resume else None   # fails before any training
    if saved is not None:
        compare_settings(saved, run_settings(s), ck_path)
    for sub in ("models", "masks"):
        (out / sub).mkdir(exist_ok=True)
    dev = train.pick_device(s.device)
    key = data.canonical(s.dataset)
    val_size = s.val_size or (300 if key == "digits" else 5000)
    splits = data.load(key, root=s.data_root, val_size=val_size, seed=s.seed)
    recipe = train.Recipe(epochs=15, batch_size=64, hflip=False) if key == "digits" else train.Recipe()
    if s.epochs:
        recipe.epochs = s.epochs
    t0 = time.perf_counter()
    net, binfo = train.base_model(s.model, splits, seed=s.seed, recipe=recipe, width=s.width,
                                  checkpoint=s.checkpoint, cache_dir=s.cache_dir, device=dev, progress=s.progress)
    t_base = time.perf_counter() - t0
    ev = MaskEvaluator(net, splits.val_x, splits.val_y, splits.train_x, eval_size=s.eval_size,
                       calib_size=s.calib_size, bn_recal=s.bn_recal, device=dev, race_size=s.race_size)
    D = ev.n_var
    input_shape = splits.input_shape
    mpw = models.layer_macs_per_weight(net, input_shape)
    per_layer_macs = np.array([mpw[n] for n in ev.names], dtype=np.int64)
    dense_macs = models.count_macs(net, input_shape)
    total_params = sum(p.numel() for p in net.parameters())
    other_params = total_params - D

    # dense reference (original BN statistics)
    ev.apply(None); ev.restore_bn()
    dense_val = 1.0 - ev.correct(ev.val_x, ev.val_y) / len(ev.val_y)
    dense_test = ev.correct(splits.test_x.to(dev).contiguous(memory_format=torch.channels_last),
                            splits.test_y.to(dev)) / len(splits.test_y)
    torch.save({k: v.detach().cpu().clone() for k, v in net.state_dict().items()}, out / "models" / "dense.pt")
    _log(f"dense {s.model} on {key}: val error {dense_val:.4f}, test accuracy {dense_test:.4f}; "
         f"{D:,} prunable weights in {len(ev.names)} layers", s.progress)

    settings = run_settings(s, ev=ev, dev=dev)
    if saved is not None:
        compare_settings(saved, settings, ck_path)
        _log(f"resuming the search from {ck_path} (generation {saved['_n_gen']}, "
             f"{saved['_n_evals']} evaluations done)", s.progress)
    problem = PruningProblem(ev, importance=s.importance)
    kinds = [k for k in s.seeds.split(",") if k.strip()] if s.seeds and s.seeds != "none" else []
    S, labels = seed_allocations(ev, [k.strip() for k in kinds])
    algo = PruneSearch(pop_size=s.pop_size, phase1_share=s.phase1_share, seeds=S, run_settings=settings,
                       focus_lo=s.focus[0], focus_hi=s.focus[1])
    t0 = time.perf_counter()
    res = lsmoo.minimize(problem, algo, max_evals=s.max_evals, seed=s.seed, progress=s.progress,
                         checkpoint=out, checkpoint_every=s.checkpoint_every, resume=s.resume,
                         callback=s.callback)
    t_search = time.perf_counter() - t0
    search_stats = dict(ev.stats)
    _log(f"search: {res.evaluations} evaluations in {t_search:.1f} s "
         f"({search_stats['evaluations']} computed, {search_stats['cache_hits']} cache hits, "
         f"{ev.evals_per_second():.2f} mask evaluations/s)", s.progress)

    search_calib = final_calib = ev.calib_x
    masks_all, F, pool_labels = candidate_pool(algo, ev, S, labels)   # near-front masks and the seeds
    n_final = max(s.final_calib_size or 0, s.calib_size)
    if ev.bn_recal and n_final > len(ev.calib_x):
        # the networks reported (and the baseline) are recalibrated on more images than the search used
        final_calib = splits.train_x[:n_final].to(dev).contiguous(memory_format=torch.channels_last)
        ev.calib_x = final_calib
    ev.bn_cache = {}   # re-scoring, export and baseline share recalibrations of the same mask
    # the rest of the validation split (not seen by the search) re-scores the candidates at the standard levels
    rest_x = splits.val_x[len(ev.val_y):].to(dev).contiguous(memory_format=torch.channels_last)
    rest_y = splits.val_y[len(ev.val_y):].to(dev)
    rescore = bool(s.rescore_top and len(rest_y))
    rest_err = {}

    def err_rest(i):
        if i not in rest_err:
            rest_err[i] = 1.0 - ev.accuracy_on(masks_all[i], rest_x, rest_y)
        return rest_err[i]

    t0 = time.perf_counter()
    picks = choose_at_levels(F, masks_all.sum(1), pool_labels, D, s.rescore_top if rescore else 0,
                             err_rest if rescore else None)
    nd = np.flatnonzero(nondominated(F) & (F[:, 1] >= s.focus[0] / 2))
    chosen = sorted(set(nd[_select(F[nd], s.max_networks)].tolist()) | set(picks.values()), key=lambda i: F[i, 1])
    dense_rest = None
    if rescore:
        for i in chosen:
            err_rest(i)
        ev.apply(None); ev.restore_bn()
        dense_rest = 1.0 - ev.correct(rest_x, rest_y) / len(rest_y)
        _log(f"re-scored {len(rest_err)} candidates on the other {len(rest_y)} validation images "
             f"({time.perf_counter() - t0:.1f} s)", s.progress)

    rows = []
    test_x = splits.test_x.to(dev).contiguous(memory_format=torch.channels_last)
    test_y = splits.test_y.to(dev)
    t0 = time.perf_counter()
    for rank, i in enumerate(chosen):
        m = masks_all[i]
        rid = f"p{rank:02d}"
        ev.prepare(m)
        acc = ev.correct(test_x, test_y) / len(test_y)
        kept = np.add.reduceat(m.astype(np.int64), ev.offsets[:-1])
        md = interop.flat_to_dict(net, m, ev.names)
        torch.save({k: v.detach().cpu().clone() for k, v in net.state_dict().items()}, out / "models" / f"{rid}.pt")
        summ = interop.summary(net, md)
        summ.update(id=rid, val_error=float(F[i, 0]), val_error_rest=rest_err.get(i), test_accuracy=acc)
        interop.save_masks_npz(out / "masks" / f"{rid}.npz", md, summ)
        rows.append({"id": rid, "remaining": float(F[i, 1]), "val_error": float(F[i, 0]),
                     "val_error_rest": rest_err.get(i), "test_accuracy": acc,
                     "params_nonzero": int(other_params + kept.sum()),
                     "macs_nonzero": int((kept * per_layer_macs).sum()),
                     "seed": pool_labels[i],
                     "picked_for": " ".join(f"{round(100 * p)}%" for p, j in picks.items() if j == i),
                     "layer_sparsity": {n: round(1 - k / sz, 4) for n, k, sz in zip(ev.names, kept, ev.sizes)},
                     "_index": i})
    _log(f"exported {len(rows)} Pareto networks ({time.perf_counter() - t0:.1f} s)", s.progress)

    # baseline: global magnitude pruning (+ BN recalibration) at the same sparsities and at 50/60/70/80 %
    imp = ev.importance()
    # one baseline row per kept count: the four standard levels and the exported networks' ratios
    wanted = {int(round((1 - p) * D)): p for p in STANDARD_PRUNED}
    for r in rows:
        wanted.setdefault(int(round(r["remaining"] * D)), None)
    base = []
    for k in sorted(wanted):
        p = wanted[k]
        m = global_magnitude_mask(imp, k / D)
        ev.calib_x = search_calib           # val_error: the search's objective (its subset and calibration)
        ve = ev.error(m)
        ev.calib_x = final_calib
        ev.prepare(m)
        acc = ev.correct(test_x, test_y) / len(test_y)
        row = {"remaining": float(m.mean()), "val_error": ve, "test_accuracy": acc, "bn_recal": ev.bn_recal,
               "pruned_level": p}
        if p is not None:
            if rescore:
                row["val_error_rest"] = 1.0 - ev.accuracy_on(m, rest_x, rest_y)
            if ev.bn_recal:
                ev.apply(m); ev.restore_bn()
                row["test_accuracy_no_recal"] = ev.correct(test_x, test_y) / len(test_y)
        base.append(row)

    comparison = []
    for p in STANDARD_PRUNED:
        b = next(r for r in base if r["pruned_level"] == p)
        prow = next((r for r in rows if p in picks and r["_index"] == picks[p]), None)
        comparison.append({"pruned": p, "pareto_id": prow["id"] if prow else None,
                           "pareto_remaining": prow["remaining"] if prow else None,
                           "pareto_test_accuracy": prow["test_accuracy"] if prow else None,
                           "pareto_val_error_rest": prow["val_error_rest"] if prow else None,
                           "pareto_seed": prow["seed"] if prow else None,
                           "magnitude_test_accuracy": b["test_accuracy"],
                           "magnitude_val_error_rest": b.get("val_error_rest"),
                           "magnitude_no_recal_test_accuracy": b.get("test_accuracy_no_recal"),
                           "beats": bool(prow and prow["test_accuracy"] > b["test_accuracy"])})
    within = [r for r in rows if r["remaining"] <= 0.4 and r["test_accuracy"] >= dense_test - 0.01 - 1e-9]

    _write_csv(out / "pareto.csv", rows, ["id", "remaining", "val_error", "val_error_rest", "test_accuracy",
                                          "params_nonzero", "macs_nonzero", "seed", "picked_for"])
    _write_csv(out / "baseline.csv", base, ["remaining", "val_error", "val_error_rest", "test_accuracy",
                                            "test_accuracy_no_recal"])
    plot_front(out / "front.png", rows, base, dense_test, f"{s.model} on {key} (seed {s.seed}, no fine-tuning)")

    finetune = []
    if s.finetune_epochs:
        finetune = finetune_rows(net, ev, splits, masks_all, rows, [c["pareto_id"] for c in comparison if c["pareto_id"]],
                                 s, out, dev, recipe)
        # restore dense weights for any later use
    ev.apply(None); ev.restore_bn()

    wall = time.perf_counter() - t_start
    meta = {
        "command": "lsmoo prune", "out": str(out), "model": s.model, "dataset": key, "seed": s.seed, "device": str(dev),
        "threads": torch.get_num_threads(), "normalize": [splits.mean[0], splits.std[0]] if len(splits.mean) == 1
        else [splits.mean, splits.std],
        "data": splits.describe(), "input_shape": list(input_shape), "width": s.width,
        "build": {"name": s.model, "in_channels": splits.in_channels, "num_classes": splits.num_classes, "width": s.width},
        "base_model": {k: v for k, v in binfo.items() if k != "log"}, "base_seconds": t_base,
        "recipe": json.loads(recipe.key()),
        "prunable_weights": D, "total_params": total_params, "dense_macs": dense_macs,
        "prunable_layers": ev.names,
        "dense": {"val_error": dense_val, "val_error_rest": dense_rest, "test_accuracy": dense_test},
        "search": {"algorithm": "hierarchical", "max_evals": s.max_evals, "pop_size": s.pop_size,
                   "phase1_share": s.phase1_share, "evaluations": res.evaluations, "seconds": t_search, "eval_size": len(ev.val_y),
                   "calib_size": s.calib_size if ev.bn_recal else 0, "bn_recal": ev.bn_recal, "race_size": s.race_size,
                   "importance": s.importance, "seeds": s.seeds, "n_seeds": int(len(S)),
                   "rescore_top": s.rescore_top, "final_calib_size": len(final_calib) if ev.bn_recal else 0, "rescore_images": int(len(rest_y)) if s.rescore_top else 0,
                   "checkpoint_every": s.checkpoint_every, "resumed": bool(s.resume), "evaluator": search_stats,
                   "mask_evals_per_second": search_stats["evaluations"] / max(search_stats["seconds"], 1e-9),
                   "archive_size": int(len(algo.archive_F)) if algo.archive_F is not None else 0,
                   "candidates": int(len(F)), "rescored": len(rest_err), "engine_front_size": len(res.F),
                   "extra": {k: v for k, v in res.extra.items() if isinstance(v, (int, float, str, bool))}},
        "pareto": [{k: v for k, v in r.items() if k != "_index"} for r in rows],
        "baseline": base, "comparison": comparison,
        "criteria": {"keeps_le_40pct_within_1pt": bool(within), "candidates": [r["id"] for r in within],
                     "beats_magnitude_at": [c["pruned"] for c in comparison if c["beats"]]},
        "finetune": finetune, "wall_seconds": wall,
    }
    _atomic_json(out / "meta.json", meta)
    return meta


def _write_csv(path, rows, cols):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow([_fmt(r.get(c)) for c in cols])


def _fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def plot_front(path, rows, base, dense_acc, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    r = sorted(rows, key=lambda x: x["remaining"])
    b = sorted(base, key=lambda x: x["remaining"])
    ax.plot([100 * x["remaining"] for x in b], [100 * x["test_accuracy"] for x in b], "s--", color="tab:gray",
            label="global magnitude + BN recalibration")
    ax.plot([100 * x["remaining"] for x in r], [100 * x["test_accuracy"] for x in r], "o-", color="tab:blue",
            label="Pareto set (hierarchical)")
    ax.axhline(100 * dense_acc, color="k", lw=0.8, ls=":", label=f"dense {100 * dense_acc:.2f} %")
    lo = min([100 * x["test_accuracy"] for x in r + b if x["remaining"] >= 0.15] + [100 * dense_acc - 5])
    ax.set_ylim(max(0, lo - 2), min(100, 100 * dense_acc + 2))
    ax.set_xlabel("remaining prunable weights (%)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def finetune_rows(net, ev, splits, masks_all, rows, ids, s, out, dev, recipe):
    """Fine-tune chosen Pareto networks with their masks fixed; written as models/<id>-ft.pt."""
    res = []
    test_x, test_y = splits.test_x, splits.test_y
    for rid in ids:
        r = next(x for x in rows if x["id"] == rid)
        m = masks_all[r["_index"]]
        ev.prepare(m)
        md = interop.flat_to_dict(net, m, ev.names)
        state0 = {k: v.detach().clone() for k, v in net.state_dict().items()}
        train.train_model(net, splits, recipe, seed=s.seed, device=dev, progress=s.progress,
                          epochs=s.finetune_epochs, lr=recipe.lr * 0.1, masks=md)
        acc = train.accuracy(net, test_x, test_y, device=dev)
        torch.save({k: v.detach().cpu().clone() for k, v in net.state_dict().items()}, out / "models" / f"{rid}-ft.pt")
        res.append({"id": rid, "remaining": r["remaining"], "test_accuracy": r["test_accuracy"],
                    "finetuned_test_accuracy": acc, "epochs": s.finetune_epochs})
        net.load_state_dict(state0)
    if res:
        _write_csv(out / "finetune.csv", res, ["id", "remaining", "test_accuracy", "finetuned_test_accuracy", "epochs"])
    return res


def export(run_dir, rid: str, fmt: str = "pt", out=None) -> Path:
    """Export Pareto network ``rid`` of a run directory as a plain state_dict (.pt) or ONNX."""
    run_dir = Path(run_dir)
    try:
        meta = json.loads((run_dir / "meta.json").read_text())
    except FileNotFoundError:
        raise LsmooError(f"{run_dir} is not a finished prune run (no meta.json)") from None
    except json.JSONDecodeError as exc:
        raise LsmooError(f"{run_dir}/meta.json is corrupt: {exc}") from None
    ids = [r["id"] for r in meta.get("pareto", [])] + ["dense"]
    if rid not in ids:
        raise LsmooError(f"no network {rid!r} in {run_dir}; ids: {', '.join(ids)}")
    b = meta["build"]
    net = models.build(b["name"], in_channels=b["in_channels"], num_classes=b["num_classes"], width=b["width"])
    sd = torch.load(run_dir / "models" / f"{rid}.pt", map_location="cpu", weights_only=True)
    net.load_state_dict(sd)
    net.eval()
    if fmt == "pt":
        dst = Path(out) if out else run_dir / "export" / f"{rid}.pt"
        dst.parent.mkdir(parents=True, exist_ok=True)
        torch.save(net.state_dict(), dst)
        return dst
    if fmt == "onnx":
        dst = Path(out) if out else run_dir / "export" / f"{rid}.onnx"
        dst.parent.mkdir(parents=True, exist_ok=True)
        x = torch.zeros((1, *meta["input_shape"]))
        import warnings

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(net, (x,), str(dst), input_names=["input"], output_names=["logits"],
                                  dynamo=False, dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        except Exception as exc:
            raise LsmooError(f"ONNX export failed ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); "
                             "install the `onnx` package for torch.onnx, or use --format pt") from None
        return dst
    raise LsmooError(f"unknown export format {fmt!r}; use pt or onnx")
