"""Make tests/data/lsmop_evomo.npz: LSMOP1–9 objective values computed by evomo 0.3.1 (identical to PlatEMO).

Not part of the test suite and never imported by lsmoo. evomo needs torch, so run it from a throwaway
environment outside the repository, e.g.::

    python3 -m venv /tmp/evomo-venv
    /tmp/evomo-venv/bin/pip install torch==2.14.1 evomo==0.3.1 numpy
    /tmp/evomo-venv/bin/python tests/data/make_lsmop_oracle.py

(That pip line pulled evox 1.4.0 as evomo's dependency and kept torch 2.14.1.)

Contents (all float64):

* ``X_M{M}_D{D}``: the decision vectors of one case, shared by the nine problems: 6 uniform random points
  (fixed seed), the lower bounds, the upper bounds, the midpoints, and 2 points near the linkage optimum
  (x_i ≈ 10·x_1/(1 + i/D) and ≈ 10·x_1/(1 + cos(πi/2D)), with small noise), so that both large and small
  G values are covered;
* ``F_lsmop{k}_M{M}_D{D}``: evomo's objective values for those rows;
* ``pf_lsmop{k}_M{M}``: evomo's ``pf()`` for M = 2, 3 (1000·M requested points; LSMOP1, 5, 9 only, the
  other problems share these fronts).

evomo builds its linkage factors with torch's default dtype (float32 unless changed), so this script sets
the default dtype to float64 first; otherwise its values differ from PlatEMO's at the 1e-7 level.
"""
from __future__ import annotations

import os

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

from evomo.problems.numerical import lsmop  # noqa: E402

CASES = [(2, 200), (2, 1000), (3, 300), (5, 1000)]
SEED = 20240611
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsmop_evomo.npz")


def points(M: int, D: int, rng: np.random.Generator) -> np.ndarray:
    lb = np.zeros(D)
    ub = np.concatenate([np.ones(M - 1), np.full(D - M + 1, 10.0)])
    rand = lb + rng.random((6, D)) * (ub - lb)
    i = np.arange(M, D + 1, dtype=float)
    near = []
    for L in (1.0 + i / D, 1.0 + np.cos(i / D * np.pi / 2)):
        x = np.empty(D)
        x[: M - 1] = rng.random(M - 1) * 0.9
        x[M - 1:] = np.clip(10.0 * x[0] / L + rng.normal(0.0, 1e-2, D - M + 1), 0.0, 10.0)
        near.append(x)
    return np.vstack([rand, lb, ub, (lb + ub) / 2, np.array(near)])


def main():
    rng = np.random.default_rng(SEED)
    data = {}
    for M, D in CASES:
        X = points(M, D, rng)
        data[f"X_M{M}_D{D}"] = X
        Xt = torch.tensor(X, dtype=torch.float64)
        for k in range(1, 10):
            prob = getattr(lsmop, f"LSMOP{k}")(d=D, m=M)
            F = prob.evaluate(Xt).detach().cpu().numpy().astype(np.float64)
            assert F.shape == (X.shape[0], M) and np.all(np.isfinite(F)), (k, M, D)
            data[f"F_lsmop{k}_M{M}_D{D}"] = F
    for M in (2, 3):
        for k in (1, 5, 9):
            prob = getattr(lsmop, f"LSMOP{k}")(d=100 * M, m=M)
            data[f"pf_lsmop{k}_M{M}"] = prob.pf().detach().cpu().numpy().astype(np.float64)
    data["meta"] = np.array(f"evomo 0.3.1, torch {torch.__version__}, seed {SEED}")
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes, {len(data)} arrays)")


if __name__ == "__main__":
    main()
