"""The pruning problem: one bit per prunable weight (conv + FC weights), two objectives, both minimised:
f1 = validation error (validation split carved from the training data), f2 = remaining prunable weights /
total prunable weights. ``groups()`` = one group per layer, ``importance()`` = |w| (or Taylor |w·∂L/∂w|)."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

import lsmoo
from lsmoo.errors import ProblemError

from .evaluator import MaskEvaluator


class PruningProblem(lsmoo.Problem):
    """Unstructured CNN pruning: validation error vs remaining-weight ratio (needs lsmoo-prune)."""

    sparse = True
    default_encoding = "binary"
    default_n_obj = 2
    default_n_var = "per model"  # shown by `lsmoo list` (never build a model just to list it)

    def __init__(self, evaluator: MaskEvaluator | None = None, *, model: str = "resnet20",
                 dataset: str = "digits", seed: int = 0, width: int | None = None, data_root=None,
                 importance: str = "magnitude", n_var=None, n_obj=None, **eval_kwargs):
        if evaluator is None:
            evaluator = build_evaluator(model=model, dataset=dataset, seed=seed, width=width,
                                        data_root=data_root, **eval_kwargs)
        self.evaluator = evaluator
        if n_obj not in (None, 2):
            raise ProblemError(f"cnn_prune has exactly 2 objectives, got n_obj={n_obj}")
        if n_var not in (None, evaluator.n_var):
            raise ProblemError(f"cnn_prune: n_var is fixed by the model ({evaluator.n_var}), got {n_var}")
        super().__init__(n_var=evaluator.n_var, n_obj=2, encoding="binary", name="cnn_prune")
        if importance not in ("magnitude", "taylor", "lamp"):
            raise ProblemError(f"cnn_prune: importance must be 'magnitude', 'taylor' or 'lamp', got {importance!r}")
        self.importance_kind = importance
        self._importance = None

    def evaluate(self, X):
        return self.evaluator.evaluate(X)

    def importance(self):
        if self._importance is None:
            kind = self.importance_kind
            self._importance = (self.evaluator.importance() if kind == "magnitude" else
                                lamp_importance(self.evaluator) if kind == "lamp" else taylor_importance(self.evaluator))
        return self._importance

    def groups(self):
        return self.evaluator.groups()


def lamp_importance(ev: MaskEvaluator) -> np.ndarray:
    """LAMP scores (Lee et al., 2021): w_u^2 / sum of w_v^2 over the weights of the same layer that are at
    least as large. Same order as |w| inside a layer; comparable across layers."""
    out = []
    for w in ev.w0:
        a = w.detach().float().cpu().numpy().ravel() ** 2
        order = np.argsort(a)
        tail = np.cumsum(a[order][::-1])[::-1]
        s = np.empty_like(a)
        s[order] = a[order] / np.maximum(tail, 1e-30)
        out.append(s)
    return np.concatenate(out)


def taylor_importance(ev: MaskEvaluator, n_images: int = 256) -> np.ndarray:
    """|w · ∂L/∂w| from one backward pass over a calibration batch (dense model)."""
    ev.apply(None)
    ev.restore_bn()
    model = ev.model
    model.eval()
    model.zero_grad(set_to_none=True)
    x = ev.calib_x[:n_images] if ev.calib_x is not None else ev.val_x[:n_images]
    # labels for the calibration batch are not stored: use the model's own predictions (self-distillation)
    with torch.no_grad():
        y = model(x).argmax(1)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    out = np.concatenate([(w.detach() * w.grad).abs().float().cpu().numpy().ravel() for w in ev.weights])
    model.zero_grad(set_to_none=True)
    return out + 1e-12 * ev.importance()


def build_evaluator(model="resnet20", dataset="digits", seed=0, width=None, data_root=None, checkpoint=None,
                    val_size=None, eval_size=1000, calib_size=256, bn_recal=True, device="auto",
                    race_size=0, recipe=None, progress=False, cache_dir=None, splits=None):
    from . import data, train

    dev = train.pick_device(device)
    if splits is None:
        key = data.canonical(dataset)
        if val_size is None:
            val_size = 300 if key == "digits" else 5000
        splits = data.load(key, root=data_root, val_size=val_size, seed=seed)
    if width is None:
        width = 16
    if recipe is None:
        recipe = train.Recipe(epochs=15, batch_size=64, hflip=False) if splits.name == "digits" else train.Recipe()
    net, _ = train.base_model(model, splits, seed=seed, recipe=recipe, width=width, checkpoint=checkpoint,
                              cache_dir=cache_dir, device=dev, progress=progress)
    return MaskEvaluator(net, splits.val_x, splits.val_y, splits.train_x[:calib_size], eval_size=eval_size,
                         calib_size=calib_size, bn_recal=bn_recal, device=dev, race_size=race_size)
