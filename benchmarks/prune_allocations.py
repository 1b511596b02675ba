"""Cheap one-shot masks for ResNet-20 on Fashion-MNIST (seed 1, the cached base model of the demo),
scored on the whole 5,000-image validation split — never the test set — after BN recalibration on N
training images: which layer allocations and how much calibration the search should start from (issue 5).

    python benchmarks/prune_allocations.py --calib 128,512,2048 --out benchmarks/results/prune_allocations.jsonl

kinds: magnitude (global |w|: the baseline), ends (the same with the first conv and the classifier dense),
lamp (LAMP scores), lamp_ends, erk (Erdős–Rényi-kernel allocation, |w| inside a layer), obd (w² × empirical
Fisher diagonal from 2,000 training images in mini-batches of 8).
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
import torch.nn.functional as Fn

from lsmoo_prune import data, train
from lsmoo_prune.evaluator import MaskEvaluator, global_magnitude_mask
from lsmoo_prune.problem import lamp_importance
from lsmoo_prune.search import erk_counts


def fisher_obd(ev, x, y, bs=8):
    ev.apply(None)
    ev.restore_bn()
    model = ev.model.eval()
    fis = [torch.zeros_like(w) for w in ev.weights]
    for i in range(0, len(y), bs):
        model.zero_grad(set_to_none=True)
        Fn.cross_entropy(model(x[i:i + bs]), y[i:i + bs], reduction="sum").backward()
        for f, w in zip(fis, ev.weights):
            f += w.grad.detach() ** 2
    model.zero_grad(set_to_none=True)
    return np.concatenate([(w0.float() ** 2 * f).numpy().ravel() for w0, f in zip(ev.w0, fis)])


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--calib", default="128,512,2048")
    ap.add_argument("--kinds", default="magnitude,ends,lamp,lamp_ends,erk,obd")
    ap.add_argument("--levels", default="0.5,0.4,0.3,0.2", help="remaining ratios")
    ap.add_argument("--out", default="benchmarks/results/prune_allocations.jsonl")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    splits = data.load("fashion-mnist", val_size=5000, seed=1)
    net, _ = train.base_model("resnet20", splits, seed=1, recipe=train.Recipe(), progress=False)
    ev = MaskEvaluator(net, splits.val_x, splits.val_y, splits.train_x, eval_size=5000, calib_size=max(
        int(c) for c in a.calib.split(",")), device="cpu")
    off = ev.offsets
    mag = ev.importance()
    lamp = lamp_importance(ev)

    def ends(sc):
        sc = sc.copy()
        sc[off[0]:off[1]] = sc[off[-2]:off[-1]] = sc.max() + 1
        return sc

    def from_counts(c):
        m = np.zeros(ev.n_var, bool)
        for i, k in enumerate(c):
            m[off[i] + np.argsort(-mag[off[i]:off[i + 1]], kind="stable")[:k]] = True
        return m

    kinds = a.kinds.split(",")
    scores = {"magnitude": mag, "ends": ends(mag), "lamp": lamp, "lamp_ends": ends(lamp)}
    if "obd" in kinds:
        x = splits.train_x[-2000:].contiguous(memory_format=torch.channels_last)
        scores["obd"] = fisher_obd(ev, x, splits.train_y[-2000:])
    full_calib = ev.calib_x
    ev.apply(None)
    ev.restore_bn()
    dense = 1 - ev.correct(ev.val_x, ev.val_y) / len(ev.val_y)
    with open(a.out, "a") as f:
        f.write(json.dumps({"kind": "dense", "val_err": dense}) + "\n")
        for c in (int(v) for v in a.calib.split(",")):
            ev.calib_x = full_calib[:c]
            for rem in (float(v) for v in a.levels.split(",")):
                for kind in kinds:
                    m = (from_counts(erk_counts([tuple(w.shape) for w in ev.w0], rem)) if kind == "erk"
                         else global_magnitude_mask(scores[kind], rem))
                    t0 = time.perf_counter()
                    ev.prepare(m)
                    err = 1 - ev.correct(ev.val_x, ev.val_y) / len(ev.val_y)
                    rec = {"calib": c, "kind": kind, "remaining": round(float(m.mean()), 5), "val_err": err,
                           "seconds": round(time.perf_counter() - t0, 2)}
                    f.write(json.dumps(rec) + "\n")
                    f.flush()
                    print(rec, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
