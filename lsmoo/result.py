"""The result of a run and its run directory.

``Result.save(dir)`` writes::

    front.csv     header f1,...,fM; one row per non-dominated solution
    result.npz    X (decision vectors; binary masks bit-packed with np.packbits along rows), F,
                  pop_X, pop_F (final population), n_var, packed (bool)
    history.csv   one row per generation: gen, evaluations, elapsed_s, front_size, hv, igd, igd_plus, phase
    front.png     the front (with the reference front when known)
    meta.json     problem, algo, n_var, n_obj, seed, evaluations, wall_seconds, versions, config —
                  written last: a directory without meta.json is not a finished run

Every file is written atomically (temp file, fsync, rename).
"""
from __future__ import annotations

import csv
import io
import json
import os
import platform
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import CheckpointError, LsmooError

HISTORY_COLUMNS = ("gen", "evaluations", "elapsed_s", "front_size", "hv", "igd", "igd_plus", "phase")


def versions() -> dict:
    import numba
    import scipy

    from . import __version__

    return {"lsmoo": __version__, "python": sys.version.split()[0], "numpy": np.__version__,
            "numba": numba.__version__, "scipy": scipy.__version__, "platform": platform.platform()}


def atomic_write_bytes(path: Path, data: bytes):
    """Write ``data`` to ``path`` through a temp file in the same folder, fsync, rename, then fsync
    the folder so the rename itself survives a crash."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on directories
        pass


def prepare_out_dir(out, clear_meta: bool = True) -> Path:
    """Create ``out`` (if needed), check it is writable, and remove a stale meta.json so that an
    interrupted rewrite never looks finished. Raises LsmooError with the cause."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".write-test.", delete=True)
        probe.close()
        if clear_meta:
            (out / "meta.json").unlink(missing_ok=True)
    except FileExistsError:
        raise LsmooError(f"cannot use {str(out)!r} as output directory: a file of that name exists") from None
    except OSError as exc:
        raise LsmooError(f"cannot write to output directory {str(out)!r}: {exc.strerror or exc}") from None
    return out


def pack_rows(X: np.ndarray) -> np.ndarray:
    return np.packbits(np.asarray(X, dtype=bool), axis=1)


def unpack_rows(P: np.ndarray, n_var: int) -> np.ndarray:
    return np.unpackbits(P, axis=1, count=n_var).astype(bool)


@dataclass
class Result:
    X: np.ndarray
    F: np.ndarray
    pop_X: np.ndarray
    pop_F: np.ndarray
    problem: str
    algo: str
    n_var: int
    n_obj: int
    encoding: str
    seed: int | None
    evaluations: int
    generations: int
    wall_seconds: float
    history: list = field(default_factory=list)
    config: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def __repr__(self):
        return (f"Result(problem={self.problem!r}, algo={self.algo!r}, front={len(self.F)} points, "
                f"evaluations={self.evaluations}, wall_seconds={self.wall_seconds:.3f})")

    # ------------------------------------------------------------------ saving
    def meta(self) -> dict:
        return {"problem": self.problem, "algo": self.algo, "n_var": self.n_var, "n_obj": self.n_obj,
                "encoding": self.encoding, "seed": self.seed, "evaluations": self.evaluations,
                "generations": self.generations, "wall_seconds": self.wall_seconds,
                "front_size": int(len(self.F)), "config": self.config, "extra": self.extra,
                "versions": versions()}

    def save(self, out, plot: bool = True, reference_front=None) -> Path:
        """Write the run directory (see module docstring); returns its path."""
        out = prepare_out_dir(out)
        m = self.F.shape[1]
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([f"f{i + 1}" for i in range(m)])
        for row in self.F:
            w.writerow([repr(float(v)) for v in row])
        atomic_write_bytes(out / "front.csv", buf.getvalue().encode())

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(HISTORY_COLUMNS)
        for h in self.history:
            w.writerow(["" if h.get(c) is None else h.get(c) for c in HISTORY_COLUMNS])
        atomic_write_bytes(out / "history.csv", buf.getvalue().encode())

        packed = self.encoding == "binary"
        arrays = {"F": self.F, "pop_F": self.pop_F, "n_var": np.int64(self.n_var), "packed": np.bool_(packed),
                  "X": pack_rows(self.X) if packed else self.X,
                  "pop_X": pack_rows(self.pop_X) if packed else self.pop_X}
        bio = io.BytesIO()
        np.savez_compressed(bio, **arrays)
        atomic_write_bytes(out / "result.npz", bio.getvalue())

        if plot:
            from .plot import save_front_plot

            save_front_plot(self.F, out / "front.png", reference_front=reference_front,
                            title=f"{self.algo} on {self.problem} (D={self.n_var}, {self.evaluations} evals)")
        meta = json.dumps(self.meta(), indent=2, default=_json_default)
        atomic_write_bytes(out / "meta.json", meta.encode())
        return out

    @classmethod
    def load(cls, out) -> "Result":
        """Load a finished run directory written by :meth:`save`."""
        out = Path(out)
        if not (out / "meta.json").is_file():
            raise CheckpointError(f"{str(out)!r} is not a finished lsmoo run directory (no meta.json)")
        try:
            meta = json.loads((out / "meta.json").read_text())
            with np.load(out / "result.npz") as z:
                n_var = int(z["n_var"])
                packed = bool(z["packed"])
                X, pop_X = z["X"], z["pop_X"]
                if packed:
                    X, pop_X = unpack_rows(X, n_var), unpack_rows(pop_X, n_var)
                F, pop_F = z["F"], z["pop_F"]
            history = read_history(out / "history.csv")
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
            raise CheckpointError(f"run directory {str(out)!r} is damaged: {exc}") from None
        return cls(X=X, F=F, pop_X=pop_X, pop_F=pop_F, problem=meta["problem"], algo=meta["algo"],
                   n_var=meta["n_var"], n_obj=meta["n_obj"], encoding=meta.get("encoding", "real"),
                   seed=meta["seed"], evaluations=meta["evaluations"], generations=meta.get("generations", 0),
                   wall_seconds=meta["wall_seconds"], history=history, config=meta.get("config", {}),
                   extra=meta.get("extra", {}))


def read_history(path) -> list:
    rows = []
    with open(path, newline="") as fh:
        for r in csv.DictReader(fh):
            rows.append({k: (None if v == "" else (int(v) if k in ("gen", "evaluations", "front_size")
                                                    else v if k == "phase" else float(v)))
                         for k, v in r.items()})
    return rows


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
