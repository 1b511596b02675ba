"""Datasets, read from local files only (no downloads, ever).

* ``fashion-mnist``: the Debian package ``dataset-fashion-mnist`` (IDX .gz files under
  /usr/share/datasets/fashion-mnist/), or a folder given by ``root`` / ``LSMOO_FASHION_MNIST``;
* ``digits``: scikit-learn's bundled 8×8 digits (1,797 images; a fixed 1,297/500 train/test split);
* ``cifar10`` / ``cifar100``: a user's folder in torchvision layout (``root/cifar-10-batches-py/...``,
  ``root/cifar-100-python/...``), read by our own pickle reader (no md5 checks, no torchvision).

``load(name, root=None, val_size=..., seed=...)`` returns a :class:`Splits` with uint8/float tensors
normalised by the training-set mean/std (per channel), a validation split carved from the training set
with a seeded permutation, and the test set (only for reporting).
"""
from __future__ import annotations

import gzip
import os
import pickle
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from lsmoo.errors import LsmooError

DATASETS = ("fashion-mnist", "digits", "cifar10", "cifar100")
FASHION_DIRS = ("/usr/share/datasets/fashion-mnist",)
_ALIASES = {"fashion_mnist": "fashion-mnist", "fashionmnist": "fashion-mnist", "fmnist": "fashion-mnist",
            "cifar-10": "cifar10", "cifar-100": "cifar100"}


class DatasetError(LsmooError):
    pass


@dataclass
class Splits:
    name: str
    train_x: torch.Tensor
    train_y: torch.Tensor
    val_x: torch.Tensor
    val_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    num_classes: int
    mean: list = field(default_factory=list)
    std: list = field(default_factory=list)

    @property
    def in_channels(self) -> int:
        return int(self.train_x.shape[1])

    @property
    def input_shape(self) -> tuple:
        return tuple(self.train_x.shape[1:])

    def describe(self) -> dict:
        return {"dataset": self.name, "train": len(self.train_y), "val": len(self.val_y),
                "test": len(self.test_y), "num_classes": self.num_classes,
                "input_shape": list(self.input_shape), "normalize": [self.mean, self.std]}


def canonical(name: str) -> str:
    key = str(name).lower()
    key = _ALIASES.get(key, key)
    if key not in DATASETS:
        raise DatasetError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    return key


# ------------------------------------------------------------------------------------------ readers
def read_idx(path) -> np.ndarray:
    """Read an IDX file (optionally .gz): magic (2 zero bytes, type code, ndim), big-endian dims, data."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as exc:
        raise DatasetError(f"cannot read {path}: {exc}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DatasetError(f"{path} is not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise DatasetError(f"{path}: header says {dims} but holds {data.size} bytes")
    return data.reshape(dims)


def _fashion_dir(root):
    cands = [root] if root else [os.environ.get("LSMOO_FASHION_MNIST"), *FASHION_DIRS]
    for d in cands:
        if d and (Path(d) / "train-images-idx3-ubyte.gz").exists():
            return Path(d)
    where = root or " or ".join(FASHION_DIRS)
    raise DatasetError(f"Fashion-MNIST not found in {where}: install it with "
                       "`apt-get install dataset-fashion-mnist` (or put train/t10k-*-ubyte.gz in a folder "
                       "and pass --data-root / set LSMOO_FASHION_MNIST)")


def load_fashion_raw(root=None):
    d = _fashion_dir(root)
    get = lambda stem: read_idx(d / f"{stem}-ubyte.gz")
    xtr, ytr = get("train-images-idx3"), get("train-labels-idx1")
    xte, yte = get("t10k-images-idx3"), get("t10k-labels-idx1")
    if len(xtr) != len(ytr) or len(xte) != len(yte):
        raise DatasetError(f"Fashion-MNIST in {d}: image and label counts differ")
    return xtr[:, None], ytr, xte[:, None], yte, 10


def load_digits_raw(root=None):
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise DatasetError("the digits data set needs scikit-learn: pip install scikit-learn") from None
    d = load_digits()
    x = (d.images * (255.0 / 16.0)).round().astype(np.uint8)[:, None]   # 0..16 → 0..255
    y = d.target.astype(np.int64)
    perm = np.random.default_rng(0).permutation(len(y))               # fixed test split
    te, tr = perm[:500], perm[500:]
    return x[tr], y[tr], x[te], y[te], 10


def _unpickle(path):
    try:
        with open(path, "rb") as f:
            return pickle.load(f, encoding="latin1")
    except FileNotFoundError:
        raise
    except Exception as exc:
        raise DatasetError(f"cannot read CIFAR batch {path}: {exc}") from None


def _cifar_arrays(d, key):
    x = np.asarray(d["data"], dtype=np.uint8)
    if x.ndim != 2 or x.shape[1] != 3072:
        raise DatasetError(f"CIFAR batch has data of shape {x.shape}, expected N×3072")
    return x.reshape(-1, 3, 32, 32), np.asarray(d[key], dtype=np.int64)


def load_cifar_raw(root, which: str):
    folder = "cifar-10-batches-py" if which == "cifar10" else "cifar-100-python"
    base = Path(root or ".") / folder
    hint = (f"{which} not found: put the python version of the data set (torchvision layout) so that "
            f"{base} exists, and pass --data-root ROOT (nothing is downloaded)")
    if not root or not base.is_dir():
        raise DatasetError(hint)
    try:
        if which == "cifar10":
            parts = [_cifar_arrays(_unpickle(base / f"data_batch_{i}"), "labels") for i in range(1, 6)]
            xtr = np.concatenate([p[0] for p in parts]); ytr = np.concatenate([p[1] for p in parts])
            xte, yte = _cifar_arrays(_unpickle(base / "test_batch"), "labels")
            nc = 10
        else:
            xtr, ytr = _cifar_arrays(_unpickle(base / "train"), "fine_labels")
            xte, yte = _cifar_arrays(_unpickle(base / "test"), "fine_labels")
            nc = 100
    except FileNotFoundError as exc:
        raise DatasetError(f"{which}: missing file {exc.filename}; {hint}") from None
    return xtr, ytr, xte, yte, nc


# ------------------------------------------------------------------------------------------ splits
def load(name: str = "fashion-mnist", root=None, val_size: int = 5000, seed: int = 0,
         train_limit: int | None = None) -> Splits:
    """Load a data set and carve a seeded validation split of ``val_size`` images out of its training
    set. ``train_limit`` keeps only that many training images (tests)."""
    key = canonical(name)
    if key == "fashion-mnist":
        xtr, ytr, xte, yte, nc = load_fashion_raw(root)
    elif key == "digits":
        xtr, ytr, xte, yte, nc = load_digits_raw(root)
    else:
        xtr, ytr, xte, yte, nc = load_cifar_raw(root, key)
    n = len(ytr)
    if not 0 < val_size < n:
        raise DatasetError(f"val_size must be between 1 and {n - 1} for {key}, got {val_size}")
    perm = np.random.default_rng(seed).permutation(n)
    vi, ti = perm[:val_size], perm[val_size:]
    if train_limit:
        ti = ti[:train_limit]
    xt = xtr[ti].astype(np.float32) / 255.0
    mean = xt.mean(axis=(0, 2, 3)).astype(float)
    std = xt.std(axis=(0, 2, 3)).astype(float)
    std[std == 0] = 1.0

    def norm(a):
        a = torch.from_numpy(np.asarray(a, dtype=np.float32) / np.float32(255.0))
        m = torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1)
        s = torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1)
        return (a - m) / s

    lab = lambda a: torch.from_numpy(np.asarray(a, dtype=np.int64))
    return Splits(key, norm(xtr[ti]), lab(ytr[ti]), norm(xtr[vi]), lab(ytr[vi]), norm(xte), lab(yte), nc,
                  [round(float(v), 6) for v in mean], [round(float(v), 6) for v in std])


def write_cifar_like(root, which: str, n_train_per_batch: int = 8, n_test: int = 8, seed: int = 0):
    """Write a tiny synthetic data set in torchvision's CIFAR layout (used by the tests)."""
    rng = np.random.default_rng(seed)
    nc = 10 if which == "cifar10" else 100
    key = "labels" if which == "cifar10" else "fine_labels"

    def batch(n):
        return {"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), key: rng.integers(0, nc, n).tolist()}

    if which == "cifar10":
        base = Path(root) / "cifar-10-batches-py"
        base.mkdir(parents=True, exist_ok=True)
        files = {f"data_batch_{i}": batch(n_train_per_batch) for i in range(1, 6)}
        files["test_batch"] = batch(n_test)
        files["batches.meta"] = {"label_names": [f"c{i}" for i in range(10)]}
    else:
        base = Path(root) / "cifar-100-python"
        base.mkdir(parents=True, exist_ok=True)
        files = {"train": batch(5 * n_train_per_batch), "test": batch(n_test),
                 "meta": {"fine_label_names": [f"c{i}" for i in range(100)]}}
    for fname, obj in files.items():
        with open(base / fname, "wb") as f:
            pickle.dump(obj, f)
    return base
