"""The fast mask evaluator.

* The dense weights ``w0`` are kept; a mask is applied by writing ``w.copy_(w0 * m)`` into the same
  tensors (no ``torch.nn.utils.prune`` hooks in the loop; CUDA graphs stay valid).
* BN recalibration (default on): running statistics are reset and re-estimated from a fixed calibration
  batch of training images in train mode under ``no_grad`` (cumulative average, ``momentum=None``).
* A fixed validation subset (the first ``eval_size`` images of the validation split); optional racing:
  a candidate is first scored on ``race_size`` images and only promoted to the full subset when it could
  still be non-dominated (its error's lower confidence bound is not beaten by a known solution at equal
  or smaller size).
* Fitness cache keyed by a hash of the packed mask.
* Scoring runs on an inference twin of the model in which every BatchNorm that directly follows a
  convolution is folded into it (``fold_bn``; refolded from the masked weights and the current BN
  statistics before each scoring pass): about 1.25× more images/s on CPU (2 cores, ResNet-20, batches
  of 200). Default: on for CPU and inside CUDA graphs; off for eager CUDA, where the ~150 small refold
  kernels cost more than the BN layers they remove.
* CPU: fp32, channels_last. CUDA: bf16 autocast, channels_last, ``cudnn.benchmark``, and (``graphs``,
  default on for CUDA) one CUDA graph per evaluation: BN reset + calibration forward + refold +
  validation forward + correct count, replayed after each in-place mask write (about 2× the eager loop
  on an H200, benchmarks/results/prune_gpu_h200.jsonl). The graph needs one calibration batch
  (calib_size ≤ 1024) and no racing; otherwise the eager path runs.
"""
from __future__ import annotations

import copy
import hashlib
import math
import time

import numpy as np
import torch
import torch.nn as nn

from .models import prunable_names


class MaskEvaluator:
    def __init__(self, model: nn.Module, val_x, val_y, calib_x=None, *, eval_size: int = 1000,
                 calib_size: int = 256, bn_recal: bool = True, batch_size: int = 200, device=None,
                 dtype: str = "auto", race_size: int = 0, race_z: float = 2.0, fold_bn: bool | None = None,
                 graphs: bool | None = None):
        self.device = torch.device(device) if device is not None else next(model.parameters()).device
        self.model = model.to(self.device).to(memory_format=torch.channels_last).eval()
        if dtype == "auto":
            dtype = "bf16" if self.device.type == "cuda" else "fp32"
        self.dtype = dtype
        self.autocast = dtype == "bf16"
        if self.device.type == "cuda":
            torch.backends.cudnn.benchmark = True
        self.names = prunable_names(model)
        params = dict(model.named_parameters())
        self.weights = [params[n] for n in self.names]
        self.w0 = [w.detach().clone() for w in self.weights]
        self.sizes = [w.numel() for w in self.weights]
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)
        self.n_var = int(self.offsets[-1])
        self.bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        self.bn_state0 = {k: v.detach().clone() for k, v in model.state_dict().items()
                          if "running_" in k or "num_batches" in k}
        n = min(int(eval_size), len(val_y))
        cl = torch.channels_last
        self.val_x = val_x[:n].to(self.device).contiguous(memory_format=cl)
        self.val_y = val_y[:n].to(self.device)
        self.bn_recal = bool(bn_recal) and calib_x is not None and len(self.bns) > 0
        self.calib_x = (calib_x[:calib_size].to(self.device).contiguous(memory_format=cl)
                        if calib_x is not None else None)
        self.batch_size = int(batch_size)
        self.race_size = int(race_size) if race_size and race_size < n else 0
        self.race_z = float(race_z)
        self.cache: dict[bytes, float] = {}
        self.bn_cache: dict | None = None     # off during the search (every mask is new there)
        self.known: list[tuple[float, float]] = []      # (remaining, full-subset error) seen so far
        self.stats = {"evaluations": 0, "cache_hits": 0, "raced_out": 0, "images": 0, "seconds": 0.0}
        if graphs is None:
            graphs = self.device.type == "cuda"
        self.graphs = bool(graphs) and self.device.type == "cuda"
        if fold_bn is None:     # measured: faster on CPU and inside CUDA graphs, slower in eager CUDA
            fold_bn = self.device.type == "cpu" or self.graphs
        self.folded = _FoldedTwin.build(self.model) if fold_bn else None
        self._graph = None

    # ------------------------------------------------------------------ masks
    def importance(self) -> np.ndarray:
        return np.concatenate([w.detach().abs().float().cpu().numpy().ravel() for w in self.w0])

    def groups(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.sizes)), self.sizes).astype(np.int64)

    @torch.no_grad()
    def apply(self, mask) -> None:
        """Write ``w0 * mask`` into the model's weights (mask: flat bool array, or None = dense)."""
        if mask is None:
            for w, w0 in zip(self.weights, self.w0):
                w.copy_(w0)
            return
        m = torch.from_numpy(np.ascontiguousarray(mask, dtype=bool))
        if self.device.type != "cpu":
            m = m.to(self.device, non_blocking=True)
        for i, (w, w0) in enumerate(zip(self.weights, self.w0)):
            mi = m[self.offsets[i]:self.offsets[i + 1]].view(w0.shape)
            w.copy_(w0 * mi)

    @torch.no_grad()
    def recalibrate(self) -> None:
        if not self.bn_recal:
            return
        moms = []
        for bn in self.bns:
            bn.reset_running_stats()
            moms.append(bn.momentum)
            bn.momentum = None
        self.model.train()
        n = len(self.calib_x)
        step = -(-n // -(-n // 1024))            # equal chunks of at most 1024 images (equally weighted)
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.autocast):
            for i in range(0, n, step):
                self.model(self.calib_x[i:i + step])
        for bn, mo in zip(self.bns, moms):
            bn.momentum = mo
        self.model.eval()

    def restore_bn(self) -> None:
        self.model.load_state_dict(self.bn_state0, strict=False)

    @torch.inference_mode()
    def correct(self, x, y) -> int:
        """Correctly classified images of ``x`` with the model as it stands (mask and BN statistics)."""
        self.model.eval()
        net = self.model
        if self.folded is not None:
            self.folded.refold()
            net = self.folded.net
        c = 0
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.autocast):
            for i in range(0, len(y), self.batch_size):
                out = net(x[i:i + self.batch_size])
                c += int((out.argmax(1) == y[i:i + self.batch_size]).sum())
        return c

    # ------------------------------------------------------------------ CUDA graph
    def _graph_body(self):
        if self.bn_recal:
            for bn in self.bns:
                bn.reset_running_stats()            # in-place zero_/fill_: capturable
            self.model.train()
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.autocast, cache_enabled=False):
                self.model(self.calib_x)
            self.model.eval()
        net = self.model
        if self.folded is not None:
            self.folded.refold()
            net = self.folded.net
        c = torch.zeros((), dtype=torch.int64, device=self.device)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.autocast, cache_enabled=False):
            for i in range(0, len(self.val_y), self.batch_size):
                out = net(self.val_x[i:i + self.batch_size])
                c += (out.argmax(1) == self.val_y[i:i + self.batch_size]).sum()
        return c

    def _graph_usable(self) -> bool:
        """The graph path applies to plain scoring (no racing) with at most one calibration batch; a graph
        captured for other inputs or settings is dropped and captured again."""
        if not self.graphs or self.race_size or (self.bn_recal and len(self.calib_x) > 1024):
            return False
        if self._graph is not None and not all(a is b if isinstance(a, torch.Tensor) else a == b
                                               for a, b in zip(self._graph[2], self._graph_key())):
            self._graph = None
        return True

    def _graph_key(self):
        # the tensors themselves (not their ids): the graph reads their memory, so it keeps them alive
        return (self.calib_x, self.val_x, self.bn_recal, self.batch_size, self.folded is not None)

    @torch.no_grad()
    def _graph_correct(self) -> int:
        """Replay (capturing on first use) the graph of one evaluation on the mask already written.
        Inside the graph BN uses momentum 1 on the single calibration batch, which equals the eager
        path's cumulative average over that batch."""
        moms = [bn.momentum for bn in self.bns]
        for bn in self.bns:
            bn.momentum = 1.0
        try:
            if self._graph is None:
                side = torch.cuda.Stream()
                side.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(side):
                    for _ in range(3):                      # warm-up: cudnn autotuning, allocator
                        self._graph_body()
                torch.cuda.current_stream().wait_stream(side)
                g = torch.cuda.CUDAGraph()
                with torch.cuda.graph(g):
                    out = self._graph_body()
                self._graph = (g, out, self._graph_key())
            g, out, _ = self._graph
            g.replay()
            return int(out)
        finally:
            for bn, mo in zip(self.bns, moms):
                bn.momentum = mo
            self.model.eval()

    def prepare(self, mask) -> None:
        """Apply a mask and recalibrate BN (or restore the dense BN statistics when recalibration is off).
        With ``bn_cache`` (a dict) set, recalibrated statistics are memoised per mask and calibration batch."""
        self.apply(mask)
        if not self.bn_recal:
            self.restore_bn()
            return
        if self.bn_cache is None or mask is None:
            self.recalibrate()
            return
        k = (self.key(mask), self.calib_x.data_ptr(), len(self.calib_x))
        hit = self.bn_cache.get(k)
        if hit is not None:
            self.model.load_state_dict(hit, strict=False)
            return
        self.recalibrate()
        self.bn_cache[k] = {n: v.detach().clone() for n, v in self.model.state_dict().items()
                            if "running_" in n or "num_batches" in n}

    # ------------------------------------------------------------------ fitness
    @staticmethod
    def key(mask) -> bytes:
        return hashlib.blake2b(np.packbits(np.asarray(mask, dtype=bool)).tobytes(), digest_size=16).digest()

    def error(self, mask) -> float:
        """Validation error of one flat bool mask (cached)."""
        k = self.key(mask)
        hit = self.cache.get(k)
        if hit is not None:
            self.stats["cache_hits"] += 1
            return hit
        t0 = time.perf_counter()
        graph = self._graph_usable()
        if not graph:
            self.prepare(mask)
        n = len(self.val_y)
        remaining = float(np.count_nonzero(mask)) / self.n_var
        if self.race_size:
            r = self.race_size
            c = self.correct(self.val_x[:r], self.val_y[:r])
            e = 1.0 - c / r
            lcb = e - self.race_z * math.sqrt(max(e * (1 - e), 1.0 / r) / r)
            self.stats["images"] += r
            if any(rem <= remaining and err < lcb for rem, err in self.known):
                self.stats["raced_out"] += 1
                self._done(k, e, t0)
                return e
            c += self.correct(self.val_x[r:], self.val_y[r:])
            self.stats["images"] += n - r
        elif graph:
            self.apply(mask)
            if not self.bn_recal:
                self.restore_bn()
            c = self._graph_correct()
            self.stats["images"] += n
        else:
            c = self.correct(self.val_x, self.val_y)
            self.stats["images"] += n
        e = 1.0 - c / n
        self.known.append((remaining, e))
        if len(self.known) > 4096:
            self.known = _front(self.known)
        self._done(k, e, t0)
        return e

    def _done(self, k, e, t0):
        self.cache[k] = e
        self.stats["evaluations"] += 1
        self.stats["seconds"] += time.perf_counter() - t0

    def evaluate(self, X) -> np.ndarray:
        """F (N × 2): validation error, remaining-weight ratio, for bool rows X (N × n_var)."""
        X = np.asarray(X, dtype=bool)
        F = np.empty((len(X), 2))
        for i, row in enumerate(X):
            F[i, 0] = self.error(row)
            F[i, 1] = np.count_nonzero(row) / self.n_var
        return F

    def accuracy_on(self, mask, x, y) -> float:
        """Accuracy of a mask (BN recalibrated as in the search) on other data, e.g. the test set."""
        self.prepare(mask)
        x = x.to(self.device).contiguous(memory_format=torch.channels_last)
        return self.correct(x, y.to(self.device)) / max(1, len(y))

    # ------------------------------------------------------------------ checkpoint/resume
    def state_dict(self) -> dict:
        """Fitness cache, racing memory and statistics as arrays and numbers (for checkpoints: with
        racing, a cached error depends on what was known when it was computed, so a resumed run needs
        the same cache to reach the bit-identical result)."""
        keys = list(self.cache)
        return {"cache_keys": np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 16).copy(),
                "cache_values": np.array([self.cache[k] for k in keys], dtype=np.float64),
                "known": np.array(self.known, dtype=np.float64).reshape(-1, 2),
                "stats": dict(self.stats)}

    def load_state_dict(self, state: dict) -> None:
        K, V = np.asarray(state["cache_keys"], dtype=np.uint8), np.asarray(state["cache_values"], dtype=np.float64)
        self.cache = {K[i].tobytes(): float(V[i]) for i in range(len(V))}
        self.known = [(float(a), float(b)) for a, b in np.asarray(state["known"], dtype=np.float64).reshape(-1, 2)]
        self.stats = dict(state["stats"])

    def evals_per_second(self) -> float:
        s = self.stats
        return s["evaluations"] / s["seconds"] if s["seconds"] else float("nan")


class _FoldedTwin:
    """An inference twin of a model: every BatchNorm whose input is a convolution used by nothing else is
    folded into that convolution (weight · γ/σ, bias β − μ·γ/σ); all other modules are the model's own
    (shared, so masks written in place and other BN statistics are seen as they are). ``refold()`` copies
    the current weights and BN statistics into the twin's convolutions (in place: CUDA-graph safe)."""

    def __init__(self, model, pairs):
        self.net = copy.deepcopy(model)
        folded = {c for c, _ in pairs} | {b for _, b in pairs}
        for name, mod in model.named_modules():              # share every other leaf module
            if name and name not in folded and not any(True for _ in mod.children()):
                _set(self.net, name, mod)
        self.items = []
        for cname, bname in pairs:
            conv, bn = model.get_submodule(cname), model.get_submodule(bname)
            tconv = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                              conv.dilation, conv.groups, bias=True, padding_mode=conv.padding_mode)
            tconv = tconv.to(conv.weight.device, conv.weight.dtype).to(memory_format=torch.channels_last)
            tconv.requires_grad_(False)
            _set(self.net, cname, tconv)
            _set(self.net, bname, nn.Identity())
            self.items.append((conv, bn, tconv))
        self.net.eval()

    @classmethod
    def build(cls, model):
        """The twin, or None when the model cannot be traced or has no conv → BN pair (then scoring
        runs on the model itself)."""
        try:
            import torch.fx as fx

            gm = fx.symbolic_trace(model)
        except Exception:
            return None
        mods = dict(gm.named_modules())
        pairs = []
        for node in gm.graph.nodes:
            if node.op != "call_module" or not isinstance(mods.get(node.target), nn.BatchNorm2d):
                continue
            bn, src = mods[node.target], node.args[0]
            if (len(node.args) == 1 and not node.kwargs and bn.track_running_stats
                    and getattr(src, "op", None) == "call_module" and len(src.users) == 1
                    and type(mods.get(src.target)) is nn.Conv2d):
                pairs.append((src.target, node.target))
        return cls(model, pairs) if pairs else None

    @torch.no_grad()
    def refold(self) -> None:
        for conv, bn, tconv in self.items:
            scale = torch.rsqrt(bn.running_var + bn.eps)
            if bn.weight is not None:
                scale = scale * bn.weight
            shift = -bn.running_mean * scale
            if bn.bias is not None:
                shift = shift + bn.bias
            if conv.bias is not None:
                shift = shift + conv.bias * scale
            tconv.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1))
            tconv.bias.copy_(shift)


def _set(root, dotted, module):
    parent, _, child = dotted.rpartition(".")
    setattr(root.get_submodule(parent) if parent else root, child, module)


def _front(points):
    pts = sorted(set(points))
    out, best = [], float("inf")
    for rem, err in pts:
        if err < best:
            out.append((rem, err))
            best = err
    return out


def global_magnitude_mask(importance: np.ndarray, remaining: float) -> np.ndarray:
    """Keep the ``round(remaining · D)`` largest-magnitude weights over all layers (one threshold)."""
    D = importance.size
    k = int(round(float(remaining) * D))
    mask = np.zeros(D, dtype=bool)
    if k > 0:
        idx = np.argpartition(-importance, min(k, D) - 1)[:k]
        mask[idx] = True
    return mask
