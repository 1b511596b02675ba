"""Mask evaluations per second for CNN pruning (lsmoo-prune), on CUDA when present, else (slowly) on CPU.

    python benchmarks/prune_gpu.py                          # GPU defaults: ResNet-56, 1,000 images/eval
    python benchmarks/prune_gpu.py --eval-size 64 --calib-size 32 --masks 3 --k 2 --e2e-evals 30   # CPU smoke

Measures, for ResNet-56 (random weights: throughput does not depend on them; 3×32×32 inputs):
  * loop:      one mask at a time — in-place mask write + BN recalibration + validation forward, fp32 and
               bf16, with and without BN recalibration (MaskEvaluator with fold_bn=False, graphs=False);
  * loop_fold: the same scoring through the BN-folded inference twin (fold_bn=True);
  * graph:     the evaluator's CUDA-graph path (graphs=True: recalibration, refold and scoring replayed
               as one graph per mask; CUDA only);
  * batched: K masks at once through torch.func.vmap over the masked weights (BN in eval mode, no
             recalibration — recalibrating inside vmap is not supported), fp32 and bf16;
and a small end-to-end run (ResNet-20 on scikit-learn digits, hierarchical engine). Prints one JSON
object per line; --out FILE also writes them there.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch


def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize()


def bench_loop(ev, masks, reps=1):
    """Mask evaluations/s over distinct masks (the cache is cleared before each pass, so nothing hits it;
    afterwards it holds every mask's error)."""
    ev.cache.clear()
    ev.error(masks[0])                      # warm-up (cudnn autotune, allocator, graph capture)
    sync(ev.device)
    t = time.perf_counter()
    for _ in range(reps):
        ev.cache.clear()
        for m in masks:
            ev.error(m)
    sync(ev.device)
    return len(masks) * reps / (time.perf_counter() - t)


def bench_batched(ev, masks, k, dtype):
    from torch.func import functional_call, vmap

    import copy

    # vmap cannot query channels_last strides: run a contiguous-format copy of the model
    model = copy.deepcopy(ev.model).eval().to(memory_format=torch.contiguous_format)
    params = {n: p.detach() for n, p in model.named_parameters()}
    buffers = {n: b for n, b in model.named_buffers()}
    names = ev.names
    w0 = {n: w.contiguous() for n, w in zip(names, ev.w0)}
    x = ev.val_x.contiguous()
    dev = ev.device

    def one(stacked_w, xb):
        p = dict(params)
        p.update(stacked_w)
        return functional_call(model, (p, buffers), (xb,))

    def run(group):
        mt = torch.from_numpy(np.stack(group)).to(dev)
        sw = {}
        for i, n in enumerate(names):
            a, b = int(ev.offsets[i]), int(ev.offsets[i + 1])
            sw[n] = w0[n].unsqueeze(0) * mt[:, a:b].view(len(group), *w0[n].shape)
        with torch.no_grad(), torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dtype == "bf16"):
            out = vmap(one, in_dims=(0, None))(sw, x)
        return (out.argmax(-1) == ev.val_y).float().mean(-1)

    run(masks[:k])
    sync(dev)
    t = time.perf_counter()
    n = 0
    for i in range(0, len(masks), k):
        run(masks[i:i + k])
        n += len(masks[i:i + k])
    sync(dev)
    return n / (time.perf_counter() - t)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="auto")
    ap.add_argument("--model", default="resnet56")
    ap.add_argument("--eval-size", type=int, default=1000)
    ap.add_argument("--calib-size", type=int, default=256)
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--masks", type=int, default=20, help="masks timed per setting")
    ap.add_argument("--k", type=int, default=8, help="masks per vmap batch")
    ap.add_argument("--e2e-evals", type=int, default=300)
    ap.add_argument("--e2e-width", type=int, default=16)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    from lsmoo_prune import models, train
    from lsmoo_prune.evaluator import MaskEvaluator

    dev = train.pick_device(a.device)
    lines = []

    def emit(d):
        d = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in d.items()}
        print(json.dumps(d), flush=True)
        lines.append(d)
        if a.out:                                   # line by line: a run cut short keeps what it measured
            with open(a.out, "a" if len(lines) > 1 else "w") as f:
                f.write(json.dumps(d) + "\n")

    emit({"what": "machine", "device": str(dev), "gpu": torch.cuda.get_device_name(0) if dev.type == "cuda" else None,
          "cpu": platform.processor() or platform.machine(), "threads": torch.get_num_threads(),
          "torch": torch.__version__, "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY")})
    g = torch.Generator().manual_seed(0)
    net = models.build(a.model, in_channels=3, num_classes=10)
    x = torch.randn(max(a.eval_size, a.calib_size), 3, 32, 32, generator=g)
    y = torch.randint(0, 10, (len(x),), generator=g)
    rng = np.random.default_rng(0)
    n_var = models.count_params(net)["prunable"]
    variants = [("loop", {"graphs": False, "fold_bn": False}), ("loop_fold", {"graphs": False, "fold_bn": True})]
    if dev.type == "cuda":
        variants.append(("graph", {"graphs": True, "fold_bn": True}))
    for dtype in ("fp32", "bf16"):
        for recal in (True, False):
            masks = [rng.random(n_var) < rng.uniform(0.2, 0.8) for _ in range(a.masks)]
            ref = None
            for what, kw in variants:
                ev = MaskEvaluator(net, x, y, x, eval_size=a.eval_size, calib_size=a.calib_size, bn_recal=recal,
                                   batch_size=a.batch_size, device=dev, dtype=dtype, **kw)
                r = bench_loop(ev, masks)
                errs = np.array([ev.cache[ev.key(m)] for m in masks])
                ref = errs if ref is None else ref
                imgs = a.eval_size + (a.calib_size if recal else 0)
                emit({"what": what, "model": a.model, "dtype": dtype, "bn_recal": recal, "eval_size": a.eval_size,
                      "calib_size": a.calib_size if recal else 0, "mask_evals_per_s": r, "images_per_s": r * imgs,
                      "max_error_diff_vs_loop": float(np.abs(errs - ref).max())})
                ev.apply(None)
                ev.restore_bn()
        ev = MaskEvaluator(net, x, y, x, eval_size=a.eval_size, calib_size=a.calib_size, bn_recal=False,
                           batch_size=a.batch_size, device=dev, dtype=dtype)
        masks = [rng.random(ev.n_var) < 0.5 for _ in range(a.masks)]
        try:
            r = bench_batched(ev, masks, a.k, dtype)
            emit({"what": "batched", "model": a.model, "dtype": dtype, "k": a.k, "bn_recal": False,
                  "eval_size": a.eval_size, "mask_evals_per_s": r, "images_per_s": r * a.eval_size})
        except Exception as exc:  # vmap over this model may fail on some builds: say so
            emit({"what": "batched", "dtype": dtype, "error": f"{type(exc).__name__}: {exc}"[:300]})
        ev.apply(None)

    # small end-to-end run: ResNet-20 on digits, hierarchical engine
    import lsmoo
    from lsmoo_prune import data
    from lsmoo_prune.problem import PruningProblem

    s = data.load("digits", val_size=300, seed=0)
    t0 = time.perf_counter()
    base, _ = train.base_model("resnet20", s, seed=0, recipe=train.Recipe(epochs=15, batch_size=64, hflip=False),
                               width=a.e2e_width, device=dev, progress=False,
                               cache_dir=os.environ.get("LSMOO_PRUNE_CACHE", "/tmp/lsmoo_prune_bench"))
    t_train = time.perf_counter() - t0
    ev = MaskEvaluator(base, s.val_x, s.val_y, s.train_x, eval_size=300, calib_size=128, device=dev)
    t0 = time.perf_counter()
    res = lsmoo.minimize(PruningProblem(ev), "hierarchical", max_evals=a.e2e_evals, seed=1, pop_size=20)
    t_search = time.perf_counter() - t0
    F = res.F[np.argsort(res.F[:, 1])]
    emit({"what": "end_to_end", "model": "resnet20", "width": a.e2e_width, "dataset": "digits",
          "train_s": t_train, "evaluations": res.evaluations, "search_s": t_search,
          "evals_per_s": res.evaluations / t_search, "front": [[round(float(r), 4), round(float(e), 4)] for e, r in F]})


if __name__ == "__main__":
    sys.exit(main())
