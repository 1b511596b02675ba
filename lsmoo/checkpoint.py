"""Checkpoints of a run: explicit state, no pickling.

A checkpoint is one ``.npz`` file written atomically (temp file, fsync, rename). It holds

* every array of the algorithm's state (``np.save`` format, dtype and shape exact),
* one JSON document (stored as a ``uint8`` array named ``__meta__``) with everything else: scalars,
  strings, lists, tuples, dicts, the state of every numpy ``Generator`` (``bit_generator.state``), the
  history, evaluations, elapsed time and a *fingerprint* of the configuration (problem, algorithm,
  seed, termination) that a resume must match.

The algorithm state is gathered by walking the algorithm's attributes (:meth:`Algorithm.state_dict`):
arrays go to the npz, everything else is tagged JSON. Objects of any other type are refused with a
:class:`~lsmoo.errors.CheckpointError` naming the attribute, so nothing is silently lost. Loading never
unpickles anything (``allow_pickle=False``).
"""
from __future__ import annotations

import hashlib
import inspect
import json
import signal
import threading
from pathlib import Path

import numpy as np

from .errors import CheckpointError

FORMAT = "lsmoo-checkpoint/1"
FILENAME = "checkpoint.npz"


class RunInterrupted(KeyboardInterrupt):
    """Raised by :func:`lsmoo.minimize` after SIGINT/SIGTERM once the checkpoint is written."""

    def __init__(self, signum: int, path):
        self.signum = int(signum)
        self.path = Path(path)
        name = signal.Signals(signum).name if signum in {s.value for s in signal.Signals} else str(signum)
        self.signame = name
        super().__init__(f"interrupted by {name}; checkpoint saved to {self.path}")


# ---------------------------------------------------------------------------------------------- encoding
def encode(value, arrays: dict, where: str):
    """JSON-able tree for ``value``; arrays are moved into ``arrays`` and referenced by key."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise CheckpointError(f"cannot checkpoint {where}: object arrays are not supported")
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    if isinstance(value, np.generic):
        if isinstance(value, np.object_):  # pragma: no cover - defensive
            raise CheckpointError(f"cannot checkpoint {where}: numpy object scalar")
        return {"__npscalar__": value.dtype.str, "v": value.item()}
    if isinstance(value, (int, float)):
        return value if type(value) in (int, float) else (int(value) if isinstance(value, int) else float(value))
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise CheckpointError(f"cannot checkpoint {where}: dict key {k!r} is not a string")
            out[k] = encode(v, arrays, f"{where}[{k!r}]")
        return {"__dict__": out}
    if isinstance(value, np.random.Generator):
        bg = value.bit_generator
        return {"__rng__": type(bg).__name__, "state": encode(bg.state, arrays, f"{where}.state")}
    raise CheckpointError(f"cannot checkpoint {where}: objects of type {type(value).__name__} are not "
                          "supported (arrays, numbers, strings, lists, tuples, dicts, numpy Generators)")


def decode(tree, arrays):
    if isinstance(tree, list):
        return [decode(v, arrays) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if "__array__" in tree:
        return np.array(arrays[tree["__array__"]])
    if "__npscalar__" in tree:
        return np.dtype(tree["__npscalar__"]).type(tree["v"])
    if "__tuple__" in tree:
        return tuple(decode(v, arrays) for v in tree["__tuple__"])
    if "__dict__" in tree:
        return {k: decode(v, arrays) for k, v in tree["__dict__"].items()}
    if "__rng__" in tree:
        bg_cls = getattr(np.random, tree["__rng__"], None)
        if bg_cls is None or not isinstance(bg_cls, type) or not issubclass(bg_cls, np.random.BitGenerator):
            raise CheckpointError(f"unknown bit generator {tree['__rng__']!r} in checkpoint")
        bg = bg_cls()
        bg.state = decode(tree["state"], arrays)
        return np.random.Generator(bg)
    raise CheckpointError(f"unreadable entry in checkpoint: {sorted(tree)}")


# ---------------------------------------------------------------------------------------------- files
def write(path, meta: dict, arrays: dict):
    """Write a checkpoint atomically (temp file in the same folder, fsync, rename, folder fsync)."""
    import io

    from .result import atomic_write_bytes

    blob = json.dumps(meta, allow_nan=True).encode()
    payload = dict(arrays)
    payload["__meta__"] = np.frombuffer(blob, dtype=np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **payload)
    atomic_write_bytes(Path(path), buf.getvalue())


def read(path):
    """(meta, arrays) of a checkpoint; CheckpointError naming the cause when missing or damaged."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint to resume: {str(path)!r} does not exist")
    import zipfile

    if not zipfile.is_zipfile(path):
        raise CheckpointError(f"checkpoint {str(path)!r} is damaged: not an npz archive (truncated or overwritten?)")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads(arrays.pop("__meta__").tobytes().decode())
    except CheckpointError:
        raise
    except Exception as exc:  # zip, npy, json or key errors: all mean a damaged file
        raise CheckpointError(f"checkpoint {str(path)!r} is damaged: {type(exc).__name__}: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"checkpoint {str(path)!r} is damaged or not an lsmoo checkpoint")
    return meta, arrays


# ---------------------------------------------------------------------------------------------- fingerprint
def _init_params(obj) -> dict:
    """The constructor parameters of ``obj`` that it stores under the same name (scalars only)."""
    out = {}
    try:
        params = inspect.signature(type(obj).__init__).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return out
    for name in params:
        if name == "self" or not hasattr(obj, name):
            continue
        v = getattr(obj, name)
        if isinstance(v, np.generic):
            v = v.item()
        if v is None or isinstance(v, (bool, int, float, str)):
            out[name] = v
    return out


def fingerprint(problem, algo, seed, term) -> dict:
    """What a resume must match: problem (class, name, sizes, parameters, bounds), algorithm settings,
    seed and termination."""
    h = hashlib.sha256(np.ascontiguousarray(problem.xl).tobytes() + np.ascontiguousarray(problem.xu).tobytes())
    prob = {"class": f"{type(problem).__module__}.{type(problem).__qualname__}", "name": problem.name,
            "n_var": problem.n_var, "n_obj": problem.n_obj, "n_constr": problem.n_constr,
            "encoding": problem.encoding, "bounds_sha256": h.hexdigest()[:16], "params": _init_params(problem)}
    fp = {"problem": prob, "algorithm": {"name": algo.name, **_init_params(algo)},
          "seed": None if seed is None else int(seed), "termination": term.as_dict()}
    return json.loads(json.dumps(fp, default=str))


def _flatten(d, prefix=""):
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def compare_fingerprints(saved: dict, now: dict, path) -> None:
    a, b = _flatten(saved), _flatten(now)
    diff = [k for k in sorted(set(a) | set(b)) if a.get(k, "<unset>") != b.get(k, "<unset>")]
    if diff:
        shown = "; ".join(f"{k}: {a.get(k, '<unset>')!r} in the checkpoint, {b.get(k, '<unset>')!r} now"
                          for k in diff[:4])
        more = f" (and {len(diff) - 4} more)" if len(diff) > 4 else ""
        raise CheckpointError(f"checkpoint {str(path)!r} belongs to a run with different arguments: {shown}{more}")


# ---------------------------------------------------------------------------------------------- signals
class SignalGuard:
    """While active, the first SIGINT/SIGTERM only sets ``self.signum`` (the run then checkpoints and
    stops at the end of the generation); a second one aborts at once with KeyboardInterrupt. Only
    installed from the main thread."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled and threading.current_thread() is threading.main_thread()
        self.signum = None
        self._old = {}

    def _handler(self, signum, frame):
        if self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum
        try:
            import sys

            sys.stderr.write(f"lsmoo: {signal.Signals(signum).name} received: checkpointing at the end of this "
                             "generation (send it again to abort at once)\n")
            sys.stderr.flush()
        except Exception:  # pragma: no cover - stderr closed
            pass

    def __enter__(self):
        if self.enabled:
            for s in (signal.SIGINT, signal.SIGTERM):
                try:
                    self._old[s] = signal.signal(s, self._handler)
                except (ValueError, OSError):  # pragma: no cover
                    pass
        return self

    def __exit__(self, *exc):
        for s, h in self._old.items():
            signal.signal(s, h)
        self._old.clear()
        return False


def save_run(path, fp: dict, algo, history: list, elapsed: float, indicator_seconds: float):
    arrays: dict = {}
    meta = {"format": FORMAT, "fingerprint": fp, "n_evals": int(algo.n_evals), "n_gen": int(algo.n_gen),
            "elapsed_s": float(elapsed), "indicator_seconds": float(indicator_seconds),
            "algorithm": encode(algo.state_dict(), arrays, "algorithm"),
            "history": encode(history, arrays, "history")}
    write(path, meta, arrays)


def load_run(path, fp: dict):
    """The decoded checkpoint at ``path`` after checking it matches ``fp``."""
    meta, arrays = read(path)
    try:
        compare_fingerprints(meta["fingerprint"], fp, path)
        state = decode(meta["algorithm"], arrays)
        history = decode(meta["history"], arrays)
        out = {"algorithm": state, "history": history, "elapsed_s": float(meta["elapsed_s"]),
               "indicator_seconds": float(meta["indicator_seconds"])}
    except CheckpointError:
        raise
    except Exception as exc:
        raise CheckpointError(f"checkpoint {str(path)!r} is damaged: {type(exc).__name__}: {exc}") from None
    return out

