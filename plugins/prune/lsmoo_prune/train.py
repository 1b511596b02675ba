"""Base-model training (a short CPU-friendly recipe) and a cache so that the demo trains once.

Recipe (default): SGD, Nesterov momentum 0.9, weight decay 5e-4 (not on BN/bias), one-cycle learning
rate peaking at 0.1, batch 128, label smoothing 0.05, augmentation = random 2-pixel shifts (+ horizontal
flips for Fashion-MNIST / CIFAR), 4 epochs. ResNet-20 on Fashion-MNIST: about 92 % test accuracy.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from lsmoo.errors import LsmooError

from . import models


@dataclass
class Recipe:
    epochs: int = 4
    batch_size: int = 128
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 5e-4
    label_smoothing: float = 0.05
    shift: int = 2
    hflip: bool = True
    sizes: tuple = ()     # progressive resizing: training input side per epoch (empty: the native size)

    def __post_init__(self):
        self.sizes = tuple(int(s) for s in self.sizes)
        if self.sizes and len(self.sizes) != self.epochs:
            raise LsmooError(f"Recipe.sizes gives {len(self.sizes)} sizes for {self.epochs} epochs")
        if any(s < 8 for s in self.sizes):
            raise LsmooError(f"Recipe.sizes must be >= 8 pixels, got {self.sizes}")

    def size_at(self, epoch: int, native: int) -> int:
        return self.sizes[epoch] if self.sizes and epoch < len(self.sizes) else native

    def key(self) -> str:
        d = asdict(self)
        if not d["sizes"]:          # recipes without resizing keep the cache keys they had before
            del d["sizes"]
        else:
            d["sizes"] = list(d["sizes"])
        return json.dumps(d, sort_keys=True)


def default_cache_dir() -> Path:
    env = os.environ.get("LSMOO_PRUNE_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lsmoo_prune"


def pick_device(device: str | None = "auto") -> torch.device:
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except RuntimeError:
        raise LsmooError(f"unknown device {device!r} (use auto, cpu, cuda, cuda:0)") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise LsmooError(f"device {device!r} requested but CUDA is not available")
    return dev


def set_threads(n: int | None = None):
    """Use the cores we have without OpenMP spinning (see docs/prune.md)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if n:
        torch.set_num_threads(int(n))


def augment(x: torch.Tensor, gen: torch.Generator, shift: int, hflip: bool) -> torch.Tensor:
    B, C, H, W = x.shape
    if shift:
        p = F.pad(x, (shift, shift, shift, shift))
        dy = torch.randint(0, 2 * shift + 1, (B,), generator=gen)
        dx = torch.randint(0, 2 * shift + 1, (B,), generator=gen)
        rows = (dy[:, None] + torch.arange(H)[None, :]).to(x.device)
        cols = (dx[:, None] + torch.arange(W)[None, :]).to(x.device)
        b = torch.arange(B, device=x.device)[:, None, None]
        x = p.permute(0, 2, 3, 1)[b, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)
    if hflip:
        flip = (torch.rand(B, generator=gen) < 0.5).to(x.device)
        x = torch.where(flip[:, None, None, None], x.flip(3), x)
    return x.contiguous()


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int = 1000,
             device=None) -> float:
    device = device or next(model.parameters()).device
    model.eval()
    correct = 0
    for i in range(0, len(y), batch_size):
        xb = x[i:i + batch_size].to(device)
        if device.type == "cpu" or True:
            xb = xb.contiguous(memory_format=torch.channels_last)
        out = model(xb)
        correct += int((out.argmax(1).cpu() == y[i:i + batch_size]).sum())
    return correct / max(1, len(y))


def train_model(model: nn.Module, splits, recipe: Recipe = Recipe(), seed: int = 0, device=None,
                progress: bool = True, epochs: int | None = None, lr: float | None = None,
                masks: dict | None = None) -> dict:
    """Train ``model`` in place on ``splits.train_*``; returns a small log (val accuracy per epoch).
    ``masks`` (parameter name → bool tensor) are re-applied after every step (fine-tuning a pruned net)."""
    device = device or torch.device("cpu")
    sized = epochs is None                  # progressive resizing only for the recipe's own schedule
    epochs = recipe.epochs if epochs is None else epochs
    peak = recipe.lr if lr is None else lr
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model.to(device).to(memory_format=torch.channels_last)
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    opt = torch.optim.SGD([{"params": decay, "weight_decay": recipe.weight_decay},
                           {"params": no_decay, "weight_decay": 0.0}], lr=peak, momentum=recipe.momentum,
                          nesterov=True)
    n = len(splits.train_y)
    steps_per_epoch = math.ceil(n / recipe.batch_size)
    total = max(1, epochs * steps_per_epoch)
    if total >= 8:
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=peak, total_steps=total, pct_start=0.25,
                                                    div_factor=10.0, final_div_factor=100.0)
    else:  # too few steps for a cycle (smoke tests): constant rate
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0)
    params = dict(model.named_parameters())
    fixed = [(params[n], m.to(device, params[n].dtype)) for n, m in (masks or {}).items()]
    hist = []
    t0 = time.perf_counter()
    step = 0
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        run_loss = 0.0
        for i in range(0, n, recipe.batch_size):
            idx = perm[i:i + recipe.batch_size]
            xb = augment(splits.train_x[idx], gen, recipe.shift, recipe.hflip).to(device)
            side = recipe.size_at(ep, xb.shape[-1]) if sized else xb.shape[-1]
            if side != xb.shape[-1]:
                xb = F.interpolate(xb, size=(side, side), mode="bilinear", antialias=True, align_corners=False)
            xb = xb.contiguous(memory_format=torch.channels_last)
            yb = splits.train_y[idx].to(device)
            loss = F.cross_entropy(model(xb), yb, label_smoothing=recipe.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            if fixed:
                with torch.no_grad():
                    for p, m in fixed:
                        p.mul_(m)
            step += 1
            run_loss += float(loss.detach())
            if progress and (step % 20 == 0 or step == total):
                el = time.perf_counter() - t0
                eta = el / step * (total - step)
                print(f"\r  train epoch {ep + 1}/{epochs}  step {step}/{total}  loss {run_loss / (i // recipe.batch_size + 1):.3f}"
                      f"  {el:.0f}s elapsed, ETA {eta:.0f}s   ", end="", file=sys.stderr, flush=True)
        va = accuracy(model, splits.val_x, splits.val_y, device=device)
        hist.append({"epoch": ep + 1, "val_accuracy": va, "elapsed_s": time.perf_counter() - t0})
        if progress:
            print(f"\r  train epoch {ep + 1}/{epochs}: val accuracy {va:.4f} ({time.perf_counter() - t0:.0f}s)"
                  + " " * 30, file=sys.stderr, flush=True)
    model.to(memory_format=torch.contiguous_format)
    return {"epochs": hist, "seconds": time.perf_counter() - t0}


def cache_key(model_name, dataset, seed, recipe: Recipe, width=16, val_size=None) -> str:
    s = json.dumps({"model": model_name, "dataset": dataset, "seed": seed, "recipe": recipe.key(),
                    "width": width, "val_size": val_size, "v": 1}, sort_keys=True)
    return hashlib.sha256(s.encode()).hexdigest()[:16]


def load_state(path, model: nn.Module):
    """Load a user checkpoint: a state_dict, or a dict holding one under 'state_dict' / 'model'.
    torch.nn.utils.prune checkpoints (``*_orig`` + ``*_mask``) are folded into plain weights."""
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise LsmooError(f"checkpoint not found: {path}") from None
    except Exception as exc:
        raise LsmooError(f"cannot load checkpoint {path}: {exc}") from None
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    elif isinstance(obj, dict) and "model" in obj and isinstance(obj["model"], dict):
        obj = obj["model"]
    if not isinstance(obj, dict):
        raise LsmooError(f"{path} does not hold a state_dict")
    from .interop import fold_prune_state_dict

    sd = fold_prune_state_dict({k.removeprefix("module."): v for k, v in obj.items()})
    try:
        model.load_state_dict(sd)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()
        raise LsmooError(f"checkpoint {path} does not fit the model: {' '.join(first[:2])[:300]}") from None
    return model


def base_model(model_name: str, splits, seed: int = 0, recipe: Recipe = Recipe(), width: int = 16,
               checkpoint=None, cache_dir=None, device=None, progress: bool = True, retrain: bool = False):
    """The dense model to prune: a user checkpoint, else the cached model trained with ``recipe``
    (trained now and cached when missing). Returns (model, info)."""
    device = device or torch.device("cpu")
    model = models.build(model_name, in_channels=splits.in_channels, num_classes=splits.num_classes, width=width)
    if checkpoint:
        load_state(checkpoint, model)
        return model.to(device), {"source": "checkpoint", "path": str(checkpoint)}
    cdir = Path(cache_dir) if cache_dir else default_cache_dir()
    key = cache_key(model_name, splits.name, seed, recipe, width, len(splits.val_y))
    path = cdir / f"{model_name}-{splits.name}-s{seed}-{key}.pt"
    if path.exists() and not retrain:
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        return model.to(device), {"source": "cache", "path": str(path)}
    if progress:
        print(f"training the base model {model_name} on {splits.name} ({recipe.epochs} epochs; cached in {path})",
              file=sys.stderr, flush=True)
    log = train_model(model, splits, recipe, seed=seed, device=device, progress=progress)
    cdir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, tmp)
    os.replace(tmp, path)
    with open(path.with_suffix(".json"), "w") as f:
        json.dump({"model": model_name, "dataset": splits.name, "seed": seed, "recipe": json.loads(recipe.key()),
                   "width": width, "log": log}, f, indent=1)
    return model.to(device), {"source": "trained", "path": str(path), "log": log}
