"""Masks as ``dict[str, BoolTensor]`` keyed by parameter name; interop with ``torch.nn.utils.prune``;
save/load as .npz (bit-packed) with a JSON-able summary."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.utils.prune as tprune

from lsmoo.errors import LsmooError

from .models import prunable_names


def flat_to_dict(model: nn.Module, flat, names=None) -> dict:
    """Split a flat bool mask (length = prunable weights, in ``prunable_names`` order) per parameter."""
    names = names or prunable_names(model)
    params = dict(model.named_parameters())
    flat = np.asarray(flat, dtype=bool).ravel()
    total = sum(params[n].numel() for n in names)
    if total != flat.size:
        raise LsmooError(f"mask has {flat.size} entries, the model has {total} prunable weights")
    out, off = {}, 0
    for n in names:
        w = params[n]
        k = w.numel()
        out[n] = torch.from_numpy(flat[off:off + k].copy()).view(w.shape)
        off += k
    return out


def dict_to_flat(model: nn.Module, masks: dict, names=None) -> np.ndarray:
    names = names or prunable_names(model)
    return np.concatenate([masks[n].detach().cpu().numpy().astype(bool).ravel() for n in names])


def bake(model: nn.Module, masks: dict) -> nn.Module:
    """Write zeros into the weights (plain state_dict afterwards)."""
    params = dict(model.named_parameters())
    with torch.no_grad():
        for n, m in masks.items():
            params[n].mul_(m.to(params[n].device, params[n].dtype))
    return model


def _module_of(model, pname):
    mod_name, _, attr = pname.rpartition(".")
    return model.get_submodule(mod_name) if mod_name else model, attr


def apply_torch_prune(model: nn.Module, masks: dict) -> nn.Module:
    """Attach the masks with ``torch.nn.utils.prune.custom_from_mask`` (``weight_orig`` + ``weight_mask``)."""
    for n, m in masks.items():
        mod, attr = _module_of(model, n)
        tprune.custom_from_mask(mod, attr, m.to(getattr(mod, attr).device))
    return model


def masks_from_torch_prune(model: nn.Module) -> dict:
    """Read ``*_mask`` buffers of a model pruned with ``torch.nn.utils.prune`` (parameter-name keys)."""
    out = {}
    for bname, b in model.named_buffers():
        if bname.endswith("_mask"):
            out[bname[: -len("_mask")]] = b.detach().bool().cpu()
    return out


def remove_torch_prune(model: nn.Module) -> nn.Module:
    """Make the pruning permanent (``prune.remove``): plain parameters with zeros baked in."""
    for mname, mod in list(model.named_modules()):
        for hook in list(mod._forward_pre_hooks.values()):
            if isinstance(hook, tprune.BasePruningMethod) or hasattr(hook, "_tensor_name"):
                tprune.remove(mod, hook._tensor_name)
    return model


def fold_prune_state_dict(sd: dict) -> dict:
    """Turn a state_dict with ``X_orig`` / ``X_mask`` pairs into a plain one (``X = X_orig * X_mask``)."""
    out = {}
    for k, v in sd.items():
        if k.endswith("_orig"):
            base = k[: -len("_orig")]
            m = sd.get(base + "_mask")
            out[base] = v * m if m is not None else v
        elif k.endswith("_mask") and (k[: -len("_mask")] + "_orig") in sd:
            continue
        else:
            out[k] = v
    return out


def save_masks_npz(path, masks: dict, summary: dict | None = None):
    arrays = {}
    for n, m in masks.items():
        a = m.cpu().numpy().astype(bool)
        arrays[n + "::bits"] = np.packbits(a.ravel())
        arrays[n + "::shape"] = np.asarray(a.shape, dtype=np.int64)
    if summary is not None:
        import json
        arrays["__summary__"] = np.frombuffer(json.dumps(summary).encode(), dtype=np.uint8)
    np.savez_compressed(path, **arrays)


def load_masks_npz(path) -> dict:
    try:
        z = np.load(path)
    except (OSError, ValueError) as exc:
        raise LsmooError(f"cannot read mask file {path}: {exc}") from None
    out = {}
    for k in z.files:
        if k.endswith("::bits"):
            n = k[: -len("::bits")]
            shape = tuple(int(s) for s in z[n + "::shape"])
            bits = np.unpackbits(z[k], count=int(np.prod(shape))).astype(bool)
            out[n] = torch.from_numpy(bits.reshape(shape))
    return out


def summary(model: nn.Module, masks: dict) -> dict:
    layers = {n: {"size": int(m.numel()), "kept": int(m.sum()), "sparsity": round(1 - float(m.float().mean()), 6)}
              for n, m in masks.items()}
    total = sum(v["size"] for v in layers.values())
    kept = sum(v["kept"] for v in layers.values())
    return {"prunable": total, "kept": kept, "remaining": kept / max(total, 1), "layers": layers}
