"""``lsmoo prune``: base model → pruning problem → hierarchical engine → exported Pareto networks,
the global-magnitude baseline at the same sparsities, a plot and a summary."""
from __future__ import annotations

import csv
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
    max_networks: int = 8
    finetune_epochs: int = 0
    progress: bool = True
    threads: int | None = None
    phase1_share: float = 0.2


class Archive:
    """Non-dominated set of every evaluated mask (packed), kept beside the engine's population."""

    def __init__(self):
        self.P = None
        self.F = None

    def add(self, X, F):
        P = np.packbits(np.asarray(X, dtype=bool), axis=1)
        self.P = P if self.P is None else np.vstack([self.P, P])
        self.F = F.copy() if self.F is None else np.vstack([self.F, F])
        keep = _nondominated(self.F)
        self.P, self.F = self.P[keep], self.F[keep]
        _, first = np.unique(self.F, axis=0, return_index=True)
        first = np.sort(first)
        self.P, self.F = self.P[first], self.F[first]


def _nondominated(F):
    n = len(F)
    keep = np.ones(n, dtype=bool)
    for i in range(n):
        if keep[i]:
            dom = np.all(F[i] <= F, axis=1) & np.any(F[i] < F, axis=1)
            keep &= ~dom
    return keep


class _ArchivedProblem(PruningProblem):
    def __init__(self, evaluator, archive, **kw):
        super().__init__(evaluator, **kw)
        self.archive = archive

    def evaluate(self, X):
        F = super().evaluate(X)
        self.archive.add(X, F)
        return F


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

    archive = Archive()
    problem = _ArchivedProblem(ev, archive, importance=s.importance)
    t0 = time.perf_counter()
    res = lsmoo.minimize(problem, "hierarchical", max_evals=s.max_evals, seed=s.seed, pop_size=s.pop_size,
                         progress=s.progress, phase1_share=s.phase1_share)
    t_search = time.perf_counter() - t0
    search_stats = dict(ev.stats)
    _log(f"search: {res.evaluations} evaluations in {t_search:.1f} s "
         f"({search_stats['evaluations']} computed, {search_stats['cache_hits']} cache hits, "
         f"{ev.evals_per_second():.2f} mask evaluations/s)", s.progress)

    masks_all = np.unpackbits(archive.P, axis=1, count=D).astype(bool)
    F = archive.F
    # for each standard sparsity: the archive member of lowest validation error with at least that much pruned
    picks = {}
    for p in STANDARD_PRUNED:
        ok = np.flatnonzero(F[:, 1] <= 1 - p + 1e-12)
        if ok.size:
            picks[p] = int(ok[np.argmin(F[ok, 0])])
    chosen = _select(F, s.max_networks, must=picks.values())

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
        summ.update(id=rid, val_error=float(F[i, 0]), test_accuracy=acc)
        interop.save_masks_npz(out / "masks" / f"{rid}.npz", md, summ)
        rows.append({"id": rid, "remaining": float(F[i, 1]), "val_error": float(F[i, 0]), "test_accuracy": acc,
                     "params_nonzero": int(other_params + kept.sum()),
                     "macs_nonzero": int((kept * per_layer_macs).sum()),
                     "layer_sparsity": {n: round(1 - k / sz, 4) for n, k, sz in zip(ev.names, kept, ev.sizes)},
                     "_index": i})
    _log(f"exported {len(rows)} Pareto networks ({time.perf_counter() - t0:.1f} s)", s.progress)

    # baseline: global magnitude pruning (+ BN recalibration) at the same sparsities and at 50/60/70/80 %
    imp = ev.importance()
    levels = sorted({round(r["remaining"], 6) for r in rows} | {round(1 - p, 6) for p in STANDARD_PRUNED})
    base = []
    for rem in levels:
        m = global_magnitude_mask(imp, rem)
        ve = ev.error(m)
        ev.prepare(m)
        acc = ev.correct(test_x, test_y) / len(test_y)
        row = {"remaining": float(m.mean()), "val_error": ve, "test_accuracy": acc, "bn_recal": ev.bn_recal}
        if any(abs(rem - (1 - p)) < 1e-9 for p in STANDARD_PRUNED) and ev.bn_recal:
            ev.apply(m); ev.restore_bn()
            row["test_accuracy_no_recal"] = ev.correct(test_x, test_y) / len(test_y)
        base.append(row)

    comparison = []
    for p in STANDARD_PRUNED:
        b = next(r for r in base if abs(r["remaining"] - (1 - p)) < 1e-5)
        prow = next((r for r in rows if p in picks and r["_index"] == picks[p]), None)
        comparison.append({"pruned": p, "pareto_id": prow["id"] if prow else None,
                           "pareto_remaining": prow["remaining"] if prow else None,
                           "pareto_test_accuracy": prow["test_accuracy"] if prow else None,
                           "magnitude_test_accuracy": b["test_accuracy"],
                           "magnitude_no_recal_test_accuracy": b.get("test_accuracy_no_recal"),
                           "beats": bool(prow and prow["test_accuracy"] > b["test_accuracy"])})
    within = [r for r in rows if r["remaining"] <= 0.4 and r["test_accuracy"] >= dense_test - 0.01]

    _write_csv(out / "pareto.csv", rows, ["id", "remaining", "val_error", "test_accuracy", "params_nonzero", "macs_nonzero"])
    _write_csv(out / "baseline.csv", base, ["remaining", "val_error", "test_accuracy", "test_accuracy_no_recal"])
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
        "dense": {"val_error": dense_val, "test_accuracy": dense_test},
        "search": {"algorithm": "hierarchical", "max_evals": s.max_evals, "pop_size": s.pop_size,
                   "phase1_share": s.phase1_share, "evaluations": res.evaluations, "seconds": t_search, "eval_size": len(ev.val_y),
                   "calib_size": s.calib_size if ev.bn_recal else 0, "bn_recal": ev.bn_recal, "race_size": s.race_size,
                   "importance": s.importance, "evaluator": search_stats,
                   "mask_evals_per_second": search_stats["evaluations"] / max(search_stats["seconds"], 1e-9),
                   "archive_size": len(F), "engine_front_size": len(res.F),
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
