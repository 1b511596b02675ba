"""SparseEA (Tian, Zhang, Wang, Jin, IEEE TEVC 24(2):380-393, 2020), faithful to PlatEMO's code.

A solution is ``x = dec ⊙ mask``: a real vector ``dec`` (all ones for binary problems) and a binary
``mask``.  Both populations are kept.  The mask is driven by a score per variable (``fitness``, lower =
better) estimated once at the start:

1. **Variable scores** (PlatEMO): ``rounds`` times (5 for real encodings, 1 for binary), evaluate the
   D single-variable solutions ``dec_i ⊙ e_i`` (``dec`` uniform in the bounds, binary: 1), sort them
   non-dominatedly (objectives and constraint values side by side, as PlatEMO does) and add each
   variable's front number to its score.  These ``rounds * D`` evaluations count against the budget
   and join the first environmental selection.
2. **Initial population**: ``dec`` uniform in the bounds (binary: 1); mask ``i`` switches on the
   winners of ``ceil(rand * D)`` binary tournaments on the scores.
3. **Each generation**: a mating pool of 2N by binary tournament on (front, -crowding); pair k is
   (pool[k], pool[N + k]) and gives one child: mask crossover and mask mutation (one score-guided bit
   each, :mod:`lsmoo.kernels.sparse_ops`), and for real problems the first SBX child (η_c = 20,
   probability 1) with polynomial mutation (η_m = 20, rate 1/D) — PlatEMO's ``OperatorGAhalf``.
4. **Environmental selection**: duplicate objective vectors are removed (the first occurrence in
   [population, offspring] is kept and the rest are ordered lexicographically by objectives, as
   MATLAB's ``unique(..., 'rows')`` does), then NSGA-II selection (:func:`..nsga2.survival`).

The evaluated rows are ``clip(dec ⊙ mask, xl, xu)`` (PlatEMO clips every evaluated decision vector to
the bounds; a no-op when 0 lies in the bounds); for binary problems the rows are the bool masks.

**Large D.**  The probes need ``rounds * D`` evaluations in one batch of ``rounds * D`` rows.  When they
would take more than ``probe_share`` of a known budget, or their batch would exceed ``probe_memory``
bytes, a cheaper estimate is used instead, in this order: fewer rounds (as many full rounds as fit);
the problem's ``importance()`` when it has one; otherwise one round of *block probes* (the variables are
shuffled into B blocks, one probe per block with the whole block switched on, each variable scored by
its block's front; B as large as the budget and memory allow).  The choice is reported in
``self.notes``, in ``report()`` (so in ``Result.extra`` and meta.json) and as a :class:`UserWarning`.
``scores="problem"`` uses ``problem.importance()`` (score = -importance) with no probes at all.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..errors import ConfigError
from ..registry import register_algorithm
from .base import Algorithm, positive_int, real_in
from .nsga2 import survival


def _stack(parts):
    """Row-wise concatenation of (dec, mask, F, G) tuples; None (binary dec, no constraints) stays None."""
    return tuple(None if part[0] is None else np.concatenate(part) for part in zip(*parts))


@register_algorithm("sparseea", description="SparseEA (Tian et al. 2020): x = dec ⊙ mask with score-guided "
                    "mask operators, for sparse problems (faithful to PlatEMO)")
class SparseEA(Algorithm):
    """SparseEA for real and binary encodings.

    Parameters
    ----------
    pop_size : int >= 2
    eta_c, eta_m : float >= 0
        SBX and polynomial-mutation distribution indices of the real part (PlatEMO: 20, 20).
    probe_rounds : int >= 1 or None
        Rounds of single-variable probes for the variable scores; None: 5 for real, 1 for binary.
    scores : "probe" or "problem"
        ``"probe"`` (default, PlatEMO) estimates the scores by probes; ``"problem"`` uses the problem's
        ``importance()`` (larger = more important) and evaluates no probes.
    probe_share : float in (0, 1]
        The largest share of a known ``max_evals`` the probes may take before the cheaper estimate of
        the module docstring is used (default 0.2).
    probe_memory : int
        Largest size in bytes of the probe batch (rows × D × itemsize) before the cheaper estimate is
        used (default 1 GiB).
    """

    name = "sparseea"

    def __init__(self, pop_size: int = 100, eta_c: float = 20.0, eta_m: float = 20.0,
                 probe_rounds: int | None = None, scores: str = "probe", probe_share: float = 0.2,
                 probe_memory: int = 2**30):
        super().__init__(pop_size)
        self.eta_c = real_in(eta_c, "eta_c", self.name, 0.0, 1e6)
        self.eta_m = real_in(eta_m, "eta_m", self.name, 0.0, 1e6)
        self.probe_rounds = None if probe_rounds is None else positive_int(probe_rounds, "probe_rounds", self.name)
        if scores not in ("probe", "problem"):
            raise ConfigError(f"{self.name}: scores must be 'probe' (PlatEMO's single-variable probes) or "
                              f"'problem' (the problem's importance()), got {scores!r}")
        self.scores = scores
        self.probe_share = real_in(probe_share, "probe_share", self.name, 0.0, 1.0, lo_open=True)
        self.probe_memory = positive_int(probe_memory, "probe_memory", self.name)

    # ------------------------------------------------------------------ set-up: how to score variables
    def _setup(self):
        p = self.problem
        self._binary = p.encoding == "binary"
        self.dec = None        # real part of the population (None for binary problems: all ones)
        self.mask = None       # bool (n, D)
        self.fitness = None    # score per variable, lower = better
        self.rank = self.crowd = None
        self.notes: list[str] = []
        self._probe = None     # pending probe batch
        self._off = None       # pending offspring (dec, mask)
        self._tmp = None       # evaluated probes, waiting for the first environmental selection
        self._n_probe_evals = 0
        self._plan_scores()

    def _note(self, msg: str):
        self.notes.append(msg)
        warnings.warn(f"{self.name}: {msg}", UserWarning, stacklevel=5)

    def _importance_fitness(self, required: bool):
        p = self.problem
        imp = p.importance()
        if imp is None:
            if required:
                raise ConfigError(f"{self.name}: scores='problem' needs a problem with importance(); "
                                  f"{p.name} has none (use scores='probe')")
            return None
        imp = np.asarray(imp, dtype=float)
        if imp.shape != (p.n_var,) or not np.isfinite(imp).all():
            raise ConfigError(f"{self.name}: {p.name}.importance() must return {p.n_var} finite numbers, "
                              f"got shape {imp.shape}")
        return np.ascontiguousarray(-imp)

    def _plan_scores(self):
        """Decide how the variable scores are obtained: ``self._score_method`` and ``self._plan``."""
        p = self.problem
        D = p.n_var
        if self.scores == "problem":
            self.fitness = self._importance_fitness(required=True)
            self._plan = ("none", 0)
            self._score_method = "problem importance()"
            return
        rounds = self.probe_rounds or (1 if self._binary else 5)
        itemsize = 1 if self._binary else 8
        cap = max(1, self.probe_memory // (itemsize * D))
        why = f"the probe batch is limited to {self.probe_memory} bytes ({cap} rows of D={D})"
        if self.max_evals is not None:
            share_rows = int(math.floor(self.probe_share * self.max_evals))
            if share_rows < cap:
                cap = share_rows
                why = (f"the probes may take at most probe_share={self.probe_share:g} of "
                       f"max_evals={self.max_evals} ({cap} evaluations)")
        if rounds * D <= cap:
            self._plan = ("single", rounds)
            self._score_method = f"probes: {rounds} round(s) of {D} single-variable solutions"
        elif D <= cap:
            r = cap // D
            self._plan = ("single", r)
            self._score_method = f"probes: {r} round(s) of {D} single-variable solutions"
            self._note(f"{rounds} probe rounds ({rounds * D} evaluations) do not fit: {why}; "
                       f"using {r} round(s) instead")
        else:
            fit = self._importance_fitness(required=False)
            if fit is not None:
                self.fitness = fit
                self._plan = ("none", 0)
                self._score_method = "problem importance() (probe fallback)"
                self._note(f"not even one probe round ({D} evaluations) fits: {why}; "
                           "scoring variables by the problem's importance() instead")
            else:
                B = min(D, max(2, cap))
                self._plan = ("blocks", B)
                self._score_method = f"block probes: 1 round of {B} random blocks of ~{D / B:.3g} variables"
                self._note(f"not even one probe round ({D} evaluations) fits: {why}, and the problem has "
                           f"no importance(); scoring variables by {B} probes of random variable blocks")

    # ------------------------------------------------------------------ helpers
    def _random_dec(self, n):
        p = self.problem
        return p.xl + self.rng.random((n, p.n_var)) * (p.xu - p.xl)

    def _rows(self, dec, mask):
        """The decision vectors to evaluate: the mask (binary) or clip(dec ⊙ mask, xl, xu)."""
        if self._binary:
            return mask.copy()
        p = self.problem
        return np.clip(dec * mask, p.xl, p.xu)

    # ------------------------------------------------------------------ ask
    def _initialize(self):
        kind, rounds = self._plan
        if kind == "none":
            return self._initial_population()
        return self._probes(kind, rounds)

    def _offspring(self):
        if self.fitness is None or self._probe is not None:  # pragma: no cover - defensive
            raise ConfigError(f"{self.name}: internal state error (scores missing)")
        if self.mask is None:  # probes done, initial population next
            return self._initial_population()
        return self._variation()

    def _probes(self, kind, rounds):
        rng, D = self.rng, self.problem.n_var
        if kind == "single":
            n = rounds * D
            dec = None if self._binary else self._random_dec(n)
            mask = np.zeros((n, D), dtype=bool)
            cover = np.arange(n, dtype=np.int64).reshape(rounds, D)
            mask[np.arange(n), np.tile(np.arange(D), rounds)] = True
        else:  # one round of random blocks
            B = rounds
            block = np.empty(D, dtype=np.int64)
            block[rng.permutation(D)] = np.arange(D) % B
            dec = None if self._binary else self._random_dec(B)
            mask = np.zeros((B, D), dtype=bool)
            mask[block, np.arange(D)] = True
            cover = block[None, :]
        ranges = [(int(c.min()), int(c.max()) + 1) for c in cover]
        self._probe = (dec, mask, cover, ranges)
        return self._rows(dec, mask)

    def _initial_population(self):
        from ..kernels.sparse_ops import tournament_masks

        rng, N, D = self.rng, self.pop_size, self.problem.n_var
        dec = None if self._binary else self._random_dec(N)
        counts = np.ceil(rng.random(N) * D).astype(np.int64)
        counts = np.maximum(counts, 1)  # rand is never 0 in MATLAB; numpy's random() can be
        cand = rng.integers(0, D, size=(int(counts.sum()), 2))
        mask = tournament_masks(self.fitness, counts, cand)
        self._off = (dec, mask)
        return self._rows(dec, mask)

    def _variation(self):
        from ..kernels import bernoulli_sites_mu, binary_tournament, polynomial_mutation, sbx
        from ..kernels.sparse_ops import mask_crossover, mask_mutation

        p, rng, N, D = self.problem, self.rng, self.pop_size, self.problem.n_var
        cand = rng.integers(0, len(self.mask), size=(2 * N, 2))
        pool = binary_tournament(self.rank, self.crowd, cand)
        a, b = pool[:N], pool[N:]
        u = rng.random((3, N))
        mask = mask_crossover(self.mask[a], self.mask[b], self.fitness, u[0], u[1], u[2])
        u = rng.random((3, N))
        mask_mutation(mask, self.fitness, u[0], u[1], u[2])
        dec = None
        if not self._binary:
            uu = rng.random((N, D))
            vv = rng.random((N, D))
            dec, _ = sbx(self.dec[a], self.dec[b], p.xl, p.xu, uu, vv, np.ones(N, dtype=bool), self.eta_c)
            sites, mu = bernoulli_sites_mu(rng, dec.size, 1.0 / D)
            polynomial_mutation(dec, p.xl, p.xu, sites, mu, self.eta_m)
        self._off = (dec, mask)
        return self._rows(dec, mask)

    # ------------------------------------------------------------------ tell
    def _survive(self, X, F, G, first):
        n = X.shape[0]  # may be fewer rows than asked for (budget cut)
        if self._probe is not None:
            dec, mask, cover, ranges = self._probe
            self._probe = None
            dec, mask = (None if dec is None else dec[:n]), mask[:n]
            self._score(F, G, cover, ranges, n)
            self._n_probe_evals = n
            self._tmp = (dec, mask, F, G)         # the probes join the first environmental selection
            self._select(dec, mask, F, G)         # provisional population until the initial one exists
            self.mask = None
            return
        dec, mask = self._off
        self._off = None
        dec, mask = (None if dec is None else dec[:n]), mask[:n]
        if self.mask is None:  # the initial population joins the probes: PlatEMO's [Population, TempPop]
            parts = [(dec, mask, F, G)] + ([self._tmp] if self._tmp is not None else [])
            self._tmp = None
        else:                  # [Population, Offspring]
            parts = [(self.dec, self.mask, self.F, self.G), (dec, mask, F, G)]
        self._select(*_stack(parts))

    def _score(self, F, G, cover, ranges, n):
        """Scores = the sum over probe rounds of each variable's front number in its round (PlatEMO's
        ``Fitness + NDSort([objs, cons], inf)``).  ``cover[r, d]`` is the probe row holding variable d in
        round r, ``ranges[r]`` the rows of round r; rows cut off by the budget (only the first ``n`` rows
        were evaluated) count as one front behind the round's last."""
        from ..kernels import nd_sort

        S = F if G is None else np.hstack([F, G])
        fitness = np.zeros(self.problem.n_var)
        for r, (lo, hi) in enumerate(ranges):
            rank = np.zeros(hi - lo, dtype=np.int64)
            seen = min(max(n - lo, 0), hi - lo)
            if seen:
                rank[:seen] = nd_sort(np.ascontiguousarray(S[lo:lo + seen]))
                rank[seen:] = rank[:seen].max() + 1
            fitness += rank[cover[r] - lo]
        self.fitness = fitness

    def _select(self, dec, mask, F, G):
        """PlatEMO's EnvironmentalSelection: ``[~, uni] = unique(objs, 'rows')`` (first occurrences, in
        lexicographic order of F), then NSGA-II selection of ``pop_size`` rows."""
        _, uni = np.unique(F, axis=0, return_index=True)
        idx, self.rank, self.crowd = survival(F[uni], None if G is None else G[uni], self.pop_size)
        keep = uni[idx]
        self.dec = None if dec is None else dec[keep]
        self.mask = mask[keep]
        self.X = self._rows(self.dec, self.mask)
        self.F = F[keep]
        self.G = None if G is None else G[keep]

    def report(self) -> dict:
        """How the variable scores were obtained (stored in ``Result.extra``, so in meta.json)."""
        if self.problem is None:
            return {}
        return {"score_method": self._score_method, "probe_evaluations": self._n_probe_evals,
                "notes": list(self.notes)}
