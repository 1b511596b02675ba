"""Base-model recipes for lsmoo-prune: test accuracy against training cost.

    python benchmarks/prune_recipe.py --recipes 4:128:0.1,2:128:0.1,3:128:0.1:14/20/28 --out FILE.jsonl
    python benchmarks/prune_recipe.py --cpu-probe --threads 2          # CPU training speed per input side

A recipe is EPOCHS:BATCH:PEAK_LR[:SIDE/SIDE/...] (one training input side per epoch: progressive resizing;
the other settings are train.Recipe's defaults). Each recipe trains ResNet-20 (seed --seed) on the data set
and reports validation accuracy per epoch, test accuracy and training seconds on this device. Accuracy does
not depend much on the device, so a GPU can sweep recipes whose CPU cost --cpu-probe then prices: it
times training steps on CPU at each input side and prints images per second, from which a recipe's CPU
time is the sum over its epochs of train-set size / speed at that epoch's side.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch
import torch.nn.functional as F


def parse_recipe(spec: str):
    from lsmoo_prune import train

    parts = spec.split(":")
    if len(parts) not in (3, 4):
        raise SystemExit(f"bad recipe {spec!r}: want EPOCHS:BATCH:LR[:SIDE/SIDE/...]")
    sizes = tuple(int(v) for v in parts[3].split("/")) if len(parts) == 4 else ()
    return train.Recipe(epochs=int(parts[0]), batch_size=int(parts[1]), lr=float(parts[2]), sizes=sizes)


def cpu_probe(sides, batch_size=128, steps=8, in_channels=1):
    from lsmoo_prune import models

    torch.manual_seed(0)
    m = models.build("resnet20", in_channels=in_channels, num_classes=10).to(memory_format=torch.channels_last)
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    out = {}
    for s in sides:
        x = torch.randn(batch_size, in_channels, s, s).contiguous(memory_format=torch.channels_last)
        y = torch.randint(0, 10, (batch_size,))
        for i in range(steps + 2):
            if i == 2:
                t = time.perf_counter()
            loss = F.cross_entropy(m(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        out[s] = batch_size * steps / (time.perf_counter() - t)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="fashion-mnist")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--recipes", default="4:128:0.1")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--cpu-probe", action="store_true", help="time CPU training steps per input side instead")
    ap.add_argument("--sides", default="14,16,18,20,22,24,28")
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    lines = []

    def emit(d):
        print(json.dumps(d), flush=True)
        lines.append(d)
        if a.out:                                   # line by line: a run cut short keeps what it measured
            with open(a.out, "a" if len(lines) > 1 else "w") as f:
                f.write(json.dumps(d) + "\n")

    if a.cpu_probe:
        speeds = cpu_probe([int(s) for s in a.sides.split(",")])
        emit({"what": "cpu_probe", "threads": torch.get_num_threads(), "batch_size": 128,
              "images_per_s": {str(k): round(v, 1) for k, v in speeds.items()}})
    else:
        from lsmoo_prune import data, train

        dev = train.pick_device(a.device)
        splits = data.load(a.dataset, seed=a.seed, val_size=300 if a.dataset == "digits" else 5000)
        emit({"what": "machine", "device": str(dev), "torch": torch.__version__,
              "gpu": torch.cuda.get_device_name(0) if dev.type == "cuda" else None})
        for spec in a.recipes.split(","):
            r = parse_recipe(spec)
            model = train.models.build("resnet20", in_channels=splits.in_channels, num_classes=splits.num_classes)
            t0 = time.perf_counter()
            log = train.train_model(model, splits, r, seed=a.seed, device=dev, progress=False)
            secs = time.perf_counter() - t0
            test = train.accuracy(model.to(memory_format=torch.channels_last), splits.test_x, splits.test_y,
                                  device=dev)
            emit({"what": "recipe", "recipe": spec, "dataset": a.dataset, "seed": a.seed, "epochs": r.epochs,
                  "sizes": list(r.sizes), "val_accuracy": [round(e["val_accuracy"], 4) for e in log["epochs"]],
                  "test_accuracy": round(test, 4), "train_s": round(secs, 1), "device": str(dev)})


if __name__ == "__main__":
    sys.exit(main())
