"""NSGA-II (Deb et al., IEEE TEVC 2002) for real and binary encodings, with PlatEMO's defaults.

Real: simulated binary crossover (probability 1, η_c = 20) and polynomial mutation (η_m = 20, rate 1/D).
Binary: uniform (default) or two-point crossover and bit-flip mutation (rate 1/D).
Mating by binary tournament on (rank, crowding distance); elitist survival by non-dominated sorting
and crowding distance on parents ∪ offspring. Constraints: infeasible rows are ranked after feasible
ones by their total violation (PlatEMO's rule).
"""
from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from ..registry import register_algorithm
from .base import Algorithm, constraint_violation, real_in


def rank_objectives(F, G):
    """Objectives used for ranking: infeasible rows are moved behind every feasible one
    (PlatEMO: max of F plus the row's total violation in every objective)."""
    cv = constraint_violation(G)
    if cv is None or not (cv > 0).any():
        return np.ascontiguousarray(F)
    R = np.array(F, dtype=float, copy=True)
    bad = cv > 0
    R[bad] = F.max(axis=0) + cv[bad, None]
    return R


def dominates(A, b) -> np.ndarray:
    """Rows of A that Pareto-dominate b (one row per row of A when b is a matching array)."""
    return (A <= b).all(1) & (A < b).any(1)


TRUNCATIONS = ("crowding", "mnn")


def survival(F, G, n: int, truncation: str = "crowding"):
    """NSGA-II environmental selection: indices (in input order) of the ``n`` survivors, with their
    ranks and crowding distances (computed on the whole input, as PlatEMO does).

    ``truncation`` decides which members of the front that does not fit whole survive: ``"crowding"``
    (NSGA-II) keeps the largest crowding distances; ``"mnn"`` thins the front by iterative
    M-nearest-neighbour removal (:func:`lsmoo.kernels.mnn_truncate`), which spreads survivors more
    evenly, most of all on fronts of three or more objectives, where the crowding distance leaves holes."""
    from ..kernels import crowding_distance, mnn_truncate, nd_sort

    R = rank_objectives(F, G)
    n = min(n, len(F))
    rank = nd_sort(R, n)
    crowd = crowding_distance(np.ascontiguousarray(F), rank)
    max_front = np.partition(rank, n - 1)[n - 1]
    chosen = rank < max_front
    last = np.flatnonzero(rank == max_front)
    room = n - int(chosen.sum())
    if truncation == "mnn":
        chosen[last[mnn_truncate(F[last], room)]] = True
    elif truncation == "crowding":
        order = np.argsort(-crowd[last], kind="stable")
        chosen[last[order[:room]]] = True
    else:
        raise ValueError(f"survival: truncation must be one of {TRUNCATIONS}, got {truncation!r}")
    idx = np.flatnonzero(chosen)
    return idx, rank[idx], crowd[idx]


@register_algorithm("nsga2", description="NSGA-II, real and binary encodings (PlatEMO defaults)")
class NSGA2(Algorithm):
    """NSGA-II with SBX/PM (real) or uniform|two-point crossover and bit flips (binary)."""

    name = "nsga2"

    def __init__(self, pop_size: int = 100, prob_c: float = 1.0, eta_c: float = 20.0,
                 prob_m: float | None = None, eta_m: float = 20.0, crossover: str = "uniform"):
        super().__init__(pop_size)
        self.prob_c = real_in(prob_c, "prob_c", self.name, 0.0, 1.0)
        self.eta_c = real_in(eta_c, "eta_c", self.name, 0.0, 1e6)
        self.prob_m = None if prob_m is None else real_in(prob_m, "prob_m", self.name, 0.0, 1.0)
        self.eta_m = real_in(eta_m, "eta_m", self.name, 0.0, 1e6)
        if crossover not in ("uniform", "two_point"):
            raise ConfigError(f"{self.name}: crossover must be 'uniform' or 'two_point', got {crossover!r}")
        self.crossover = crossover

    def _setup(self):
        self.rank = self.crowd = None

    def _mutation_rate(self) -> float:
        return 1.0 / self.problem.n_var if self.prob_m is None else self.prob_m

    def _offspring(self) -> np.ndarray:
        from ..kernels import (bernoulli_sites, bernoulli_sites_mu, binary_tournament, bitflip,
                               polynomial_mutation, sbx, two_point_crossover, uniform_crossover)

        p, rng, n = self.problem, self.rng, self.pop_size
        k = (n + 1) // 2
        cand = rng.integers(0, len(self.X), size=(2 * k, 2))
        win = binary_tournament(self.rank, self.crowd, cand)
        P1, P2 = self.X[win[:k]], self.X[win[k:]]
        cross = rng.random(k) < self.prob_c
        if p.encoding == "real":
            u = rng.random(P1.shape)
            v = rng.random(P1.shape)
            C1, C2 = sbx(P1, P2, p.xl, p.xu, u, v, cross, self.eta_c)
            C = np.ascontiguousarray(np.vstack([C1, C2])[:n])
            sites, mu = bernoulli_sites_mu(rng, C.size, self._mutation_rate())
            polynomial_mutation(C, p.xl, p.xu, sites, mu, self.eta_m)
        else:
            if self.crossover == "uniform":
                C1, C2 = uniform_crossover(P1, P2, rng.random(P1.shape), cross)
            else:
                cuts = np.sort(rng.integers(0, p.n_var + 1, size=(k, 2)), axis=1)
                C1, C2 = two_point_crossover(P1, P2, cuts[:, 0].copy(), cuts[:, 1].copy(), cross)
            C = np.ascontiguousarray(np.vstack([C1, C2])[:n])
            bitflip(C, bernoulli_sites(rng, C.size, self._mutation_rate()))
        return C

    def _survive(self, X, F, G, first):
        if not first:
            X = np.concatenate([self.X, X])
            F = np.concatenate([self.F, F])
            if G is not None:
                G = np.concatenate([self.G, G])
        idx, self.rank, self.crowd = survival(F, G, self.pop_size)
        self.X, self.F = X[idx], F[idx]
        self.G = None if G is None else G[idx]
