"""Quality indicators: hypervolume, IGD and IGD+ (exact, computed by moocore).

All functions take objective vectors for minimization as an ``N × M`` array.
"""
from __future__ import annotations

import numpy as np

from .errors import LsmooError


def _as_points(A, what: str, m: int | None = None) -> np.ndarray:
    try:
        A = np.asarray(A, dtype=float)
    except (TypeError, ValueError):
        raise LsmooError(f"{what} must be a numeric array") from None
    if A.ndim == 1:
        A = A[None, :]
    if A.ndim != 2 or A.shape[1] == 0:
        raise LsmooError(f"{what} must be an N × M array, got shape {A.shape}")
    if m is not None and A.shape[1] != m:
        raise LsmooError(f"{what} has {A.shape[1]} objectives, expected {m}")
    if not np.all(np.isfinite(A)):
        raise LsmooError(f"{what} contains NaN or inf")
    return A


def hv(F, ref) -> float:
    """Hypervolume dominated by ``F`` and bounded by the reference point ``ref`` (minimization).

    Points that do not strictly dominate ``ref`` contribute nothing.
    """
    import moocore

    F = _as_points(F, "F")
    ref = _as_points(ref, "ref", F.shape[1])
    if ref.shape[0] != 1:
        raise LsmooError("ref must be a single point")
    ref = ref[0]
    keep = np.all(F < ref, axis=1)
    if not keep.any():
        return 0.0
    return float(moocore.hypervolume(F[keep], ref=ref))


def igd(F, pf) -> float:
    """Inverted generational distance: mean over the reference front ``pf`` of the Euclidean
    distance to the nearest point of ``F`` (PlatEMO's IGD)."""
    import moocore

    F = _as_points(F, "F")
    pf = _as_points(pf, "reference front", F.shape[1])
    return float(moocore.igd(F, ref=pf))


def igd_plus(F, pf) -> float:
    """IGD+ (Ishibuchi et al. 2015): like IGD with the dominance-compliant distance
    sqrt(Σ max(f_i − r_i, 0)²)."""
    import moocore

    F = _as_points(F, "F")
    pf = _as_points(pf, "reference front", F.shape[1])
    return float(moocore.igd_plus(F, ref=pf))


def hv_normalized(F, pf) -> float:
    """PlatEMO's HV: objectives scaled by the reference front's range (lower end min(0, min F)),
    reference point 1.1 × the front's maximum; points beyond it are dropped."""
    F = _as_points(F, "F")
    pf = _as_points(pf, "reference front", F.shape[1])
    fmin = np.minimum(F.min(axis=0), 0.0)
    fmax = pf.max(axis=0)
    scale = (fmax - fmin) * 1.1
    scale[scale <= 0] = 1.0
    Z = (F - fmin) / scale
    return hv(Z, np.ones(F.shape[1]))
