"""The hierarchical importance-guided engine (two phases over one budget).

Stage 0, importance: the problem's ``importance()`` when it has one; otherwise SparseEA-style probes
(D single-variable solutions per round, scored by their non-dominated front; as many rounds, up to 5,
as fit in ``probe_share`` of the budget), or — when even one round does not fit — a sampled estimate
(random sparse solutions, evaluated a population at a time; a variable's score is how much better, in
non-dominated rank inside its batch, the solutions containing it rank; memory O(D)). When Phase 1 then
ends on a single point and the budget allows, one probe round follows and Phase 2 starts from the best
rows seen (see ``_probe_after_collapse``).

Phase 1, coarse and continuous: NSGA-II over one threshold τ_g ∈ [0, 1] per variable group (groups
from ``problem.groups()`` or, by default, ``n_groups`` blocks of the importance ranking). A threshold
keeps the ⌊(1 − τ_g)·|g|⌉ most important variables of its group. The first population walks the
importance path: individual j keeps the k_j most important variables overall, k_j spread from a
handful to all (quadratically, so that sparse solutions are well represented). For real-coded problems the
non-zero values co-evolve as a real vector (SBX/PM), x = dec ⊙ mask.

Space reduction: the union of the Phase-1 front's masks is the heavy anchor, their intersection the
light anchor; the corridor is the heavy anchor plus a margin of the next most important variables.
Everything outside the corridor stays off for the rest of the run. Where the budget allows (two
evaluations per variable within ``local_probe_share`` of it), a local probe first switches each variable
that is off in the middle member of the Phase-1 front on, at two random values; those whose switching on
dominates that member join the corridor (see ``_start_local_probe``).

Phase 2, fine and binary: masks over the corridor only. The first population is sampled around the
Phase-1 front with importance-guided flips; offspring come from importance-guided crossover and
mutation of masks (SparseEA's score tournaments, several bits per offspring) with SBX/PM on the
values; the number of flipped bits adapts to the share of offspring that survive (a 1/5-style rule);
NSGA-II survival with duplicate removal. Scores blend the prior importance with how often a variable
is on in the current first front.

Survival, both phases and both paths: non-dominated sorting, then the front that does not fit whole
is thinned by iterative M-nearest-neighbour removal (``truncation="mnn"``), which spreads the survivors
more evenly than the crowding distance (``truncation="crowding"``) and leaves no holes in the middle of
three-objective fronts.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..errors import ConfigError
from ..registry import register_algorithm
from .base import Algorithm, positive_int, real_in
from .nsga2 import TRUNCATIONS, dominates, survival
from .pivots import PivotPath, unique_rows_first


def rank01(values) -> np.ndarray:
    """Ranks scaled to [0, 1] (1 = largest value; ties broken by index, stable)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    r = np.empty(n)
    r[np.argsort(values, kind="stable")] = np.arange(n)
    return r / max(n - 1, 1)


@register_algorithm("hierarchical", description="two-phase importance-guided engine: thresholds, then masks on a corridor")
class Hierarchical(PivotPath, Algorithm):
    """Hierarchical importance-guided sparse MOEA (Phase 1: group thresholds; Phase 2: corridor masks)."""

    name = "hierarchical"

    def __init__(self, pop_size: int = 100, phase1_share: float | None = None, n_groups: int | None = None,
                 importance: str = "auto", probe_share: float = 0.1, max_probe_rounds: int = 5,
                 margin: float = 0.25, eta_c: float = 20.0, eta_m: float = 20.0,
                 target_success: float = 0.2, init_flips: float = 1.0, phase1_gens: int = 50,
                 value_mutation: str = "corridor", success_rule: str = "dominance",
                 selection: str = "nsga2", moead_neighbors: float = 0.1, moead_delta: float = 0.9,
                 moead_nr: int = 2, dense: str = "auto", n_pivots: int = 3, sweeps_per_round: int = 3,
                 pivot_reset: float = 0.02, aug: float = 0.05, pattern_steps: int = 4,
                 sweep_rows: int = 1000, local_probe_share: float = 0.05, truncation: str = "mnn"):
        super().__init__(pop_size)
        if truncation not in TRUNCATIONS:
            raise ConfigError(f"{self.name}: truncation must be 'mnn' or 'crowding', got {truncation!r}")
        self.truncation = truncation
        if dense not in ("auto", "on", "off"):
            raise ConfigError(f"{self.name}: dense must be 'auto', 'on' or 'off', got {dense!r}")
        self.dense = dense
        self.n_pivots = positive_int(n_pivots, "n_pivots", self.name)
        self.sweeps_per_round = positive_int(sweeps_per_round, "sweeps_per_round", self.name)
        self.pivot_reset = real_in(pivot_reset, "pivot_reset", self.name, 0.0, 1.0)
        self.aug = real_in(aug, "aug", self.name, 0.0, 1e6)
        self.pattern_steps = positive_int(pattern_steps, "pattern_steps", self.name, minimum=0)
        self.sweep_rows = positive_int(sweep_rows, "sweep_rows", self.name)
        self.phase1_share = None if phase1_share is None else real_in(phase1_share, "phase1_share", self.name, 0.0, 0.95)
        self.n_groups = None if n_groups is None else positive_int(n_groups, "n_groups", self.name)
        if importance not in ("auto", "problem", "probe", "sample"):
            raise ConfigError(f"{self.name}: importance must be 'auto', 'problem', 'probe' or 'sample', "
                              f"got {importance!r}")
        self.importance = importance
        self.probe_share = real_in(probe_share, "probe_share", self.name, 0.0, 1.0)
        self.local_probe_share = real_in(local_probe_share, "local_probe_share", self.name, 0.0, 1.0)
        self.max_probe_rounds = positive_int(max_probe_rounds, "max_probe_rounds", self.name)
        self.margin = real_in(margin, "margin", self.name, 0.0, 10.0)
        self.eta_c = real_in(eta_c, "eta_c", self.name, 0.0, 1e6)
        self.eta_m = real_in(eta_m, "eta_m", self.name, 0.0, 1e6)
        self.target_success = real_in(target_success, "target_success", self.name, 0.0, 1.0, lo_open=True)
        self.init_flips = real_in(init_flips, "init_flips", self.name, 0.0, 1e9)
        self.phase1_gens = positive_int(phase1_gens, "phase1_gens", self.name)
        if value_mutation not in ("corridor", "global"):
            raise ConfigError(f"{self.name}: value_mutation must be 'corridor' or 'global', got {value_mutation!r}")
        self.value_mutation = value_mutation
        if success_rule not in ("dominance", "survival"):
            raise ConfigError(f"{self.name}: success_rule must be 'dominance' or 'survival', got {success_rule!r}")
        self.success_rule = success_rule
        if selection not in ("nsga2", "moead"):
            raise ConfigError(f"{self.name}: selection must be 'nsga2' or 'moead', got {selection!r}")
        self.selection = selection
        self.moead_neighbors = real_in(moead_neighbors, "moead_neighbors", self.name, 0.0, 1.0, lo_open=True)
        self.moead_delta = real_in(moead_delta, "moead_delta", self.name, 0.0, 1.0)
        self.moead_nr = positive_int(moead_nr, "moead_nr", self.name)

    # ================================================================== setup
    def _uses_dense_path(self) -> bool:
        p = self.problem
        if self.dense == "off" or p.encoding != "real":
            if self.dense == "on" and p.encoding != "real":
                raise ConfigError(f"{self.name}: dense='on' needs a real-coded problem, {p.name} is {p.encoding}")
            return False
        if self.dense == "on":
            return True
        # auto: a Pareto set not known to be sparse, and a budget for about ten sweeps per pivot
        enough = self.max_evals is None or self.max_evals >= 10 * self.n_pivots * min(p.n_var, self.sweep_rows)
        return not p.sparse and p.importance() is None and enough

    def _setup(self):
        p = self.problem
        self.real = p.encoding == "real"
        self._report = {}
        self.notes = []
        self.path = "dense" if self._uses_dense_path() else "sparse"
        if self.path == "dense":
            return self._pivot_setup()
        self.off_value = np.clip(0.0, p.xl, p.xu) if self.real else None
        self.stage = "importance"
        self.phase = "importance"
        self.score = None
        self._probe_fit = np.zeros(p.n_var)
        self._probe_rounds = 0
        self._probe_queue = []
        self.T = self.dec = None
        imp = p.importance() if self.importance in ("auto", "problem") else None
        if self.importance == "problem" and imp is None:
            raise ConfigError(f"{self.name}: importance='problem' but {p.name} defines no importance()")
        if imp is not None:
            imp = np.asarray(imp, dtype=float)
            if imp.shape != (p.n_var,) or not np.all(np.isfinite(imp)):
                raise ConfigError(f"{self.name}: {p.name}.importance() must return {p.n_var} finite numbers")
            self._set_importance(imp, "problem")
            return
        budget = self.max_evals
        rounds = self.max_probe_rounds if budget is None else int(self.probe_share * budget // p.n_var)
        rounds = min(rounds, self.max_probe_rounds if self.real else 1)
        if self.importance == "probe":
            rounds = max(rounds, 1)
        if self.importance == "sample" or rounds < 1:
            n = self._sample_size()
            self.notes.append(f"importance estimated from {n} random sparse samples "
                              f"({p.n_var} probes per round would exceed {self.probe_share:.0%} of the budget)")
            self._importance_source = "sample"
            rows = self._rows_per_batch(self.pop_size)
            self._probe_queue = [("sample", min(rows, n - s)) for s in range(0, n, rows)]
            self._sample_acc = np.zeros((2, p.n_var))  # Σ rank·on and Σ on, per variable
            self._sample_tot = [0.0, 0]                # Σ rank and number of samples
        else:
            self._importance_source = f"probe x{rounds}"
            self._probe_queue = self._probe_rounds_queue(rounds)
        self._probe_pool = None

    def _probe_rounds_queue(self, rounds: int) -> list:
        """Batches of single-variable probes, ``rounds`` times over all variables, each round closed by
        a ("round_end", None) marker."""
        n = self.problem.n_var
        chunk = self._probe_rows()
        one = [("probe", (s, min(s + chunk, n))) for s in range(0, n, chunk)] + [("round_end", None)]
        return one * rounds

    def _probe_rows(self) -> int:
        """Rows per batch of single-variable probes (Stage 0 and the local probe)."""
        return self._rows_per_batch(max(self.pop_size, min(self.problem.n_var, 2000)))

    def _rows_per_batch(self, most: int) -> int:
        """Rows per importance batch: at most ``most`` and no more than about 200 MB of decision
        vectors (large D)."""
        itemsize = 8 if self.real else 1
        return max(1, min(most, int(2e8 // (itemsize * self.problem.n_var))))

    def _sample_size(self) -> int:
        b = self.max_evals or 100 * self.pop_size
        return int(max(2 * self.pop_size, min(0.05 * b, 20 * self.pop_size)))

    def _set_importance(self, imp, source):
        self.importance_ = np.asarray(imp, dtype=float)
        self._importance_source = source
        self.imp_rank = rank01(self.importance_)
        self._init_groups()
        self.stage = "phase1"

    # ================================================================== ask / tell
    def _produce(self) -> np.ndarray:
        self.phase = self.stage  # the phase of the batch being evaluated, as the history records it
        if self.path == "dense":
            return self._pivot_produce()
        if self.stage == "importance":
            return self._importance_batch()
        if self.stage == "phase1":
            return self._phase1_batch()
        if self.stage == "local probe":
            return self._local_probe_batch()
        return self._phase2_batch()

    def _survive(self, X, F, G, first):
        n = len(X)
        if self.path == "dense":
            self._pivot_tell(X, F, G)
        elif self.stage == "importance":
            self._importance_tell(X, F, G)
        elif self.stage == "phase1":
            self._phase1_tell(n, F, G)
        elif self.stage == "local probe":
            self._local_probe_tell(F, G)
        else:
            self._phase2_tell(n, F, G)

    def report(self) -> dict:
        out = dict(self._report, importance_source=getattr(self, "_importance_source", None),
                   notes=list(self.notes), selection=self.selection, path=self.path,
                   truncation=self.truncation)
        if "phase1_hv" in out and self.stage == "phase2":
            from ..indicators import hv_normalized

            out["final_hv"] = hv_normalized(self.result()[1], self.problem.pareto_front())
            out["phase2_hv_gain"] = out["final_hv"] - out["phase1_hv"]
        return out

    # ================================================================== stage 0: importance
    def _importance_batch(self) -> np.ndarray:
        p, rng = self.problem, self.rng
        kind, arg = self._probe_queue[0]
        while kind == "round_end":
            self._probe_queue.pop(0)
            kind, arg = self._probe_queue[0]
        if kind == "probe":
            s, e = arg
            n = e - s
            X = np.zeros((n, p.n_var), dtype=bool if not self.real else float)
            if self.real:
                X[:] = self.off_value
                vals = p.xl[s:e] + rng.random(n) * (p.xu[s:e] - p.xl[s:e])
                X[np.arange(n), np.arange(s, e)] = vals
            else:
                X[np.arange(n), np.arange(s, e)] = True
            return X
        from ..kernels import bernoulli_sites

        n = arg
        density = min(0.5, max(1.0 / p.n_var, 0.05))
        M = np.zeros((n, p.n_var), dtype=bool)
        for r in range(n):  # one row at a time: O(D·density) draws, no n × D float array
            M[r, bernoulli_sites(rng, p.n_var, density)] = True
        return self._decode(M, self._random_dec(n) if self.real else None)

    def _importance_tell(self, X, F, G):
        from ..kernels import nd_sort

        from .nsga2 import rank_objectives

        kind, arg = self._probe_queue.pop(0)
        self._merge(X, F, G, dedupe=False)   # the non-dominated rows seen so far, before Phase 1
        if kind == "probe":
            s, e = arg
            self._round_F = F if s == 0 else np.concatenate([self._round_F, F])
            self._round_G = None if G is None else (G if s == 0 else np.concatenate([self._round_G, G]))
            if self._probe_queue and self._probe_queue[0][0] == "round_end":
                self._probe_queue.pop(0)
                rank = nd_sort(rank_objectives(self._round_F, self._round_G))
                self._probe_fit += rank
                self._probe_rounds += 1
            if not self._probe_queue:
                self._set_importance(-self._probe_fit, self._importance_source)
                if getattr(self, "_recovering", False):
                    self._phase2_from_population()
        else:  # sampled estimate: mean rank of samples without the variable minus with it
            M = self._masks_of(X)
            rank = nd_sort(rank_objectives(F, G)).astype(float)  # rank inside this batch
            acc, tot = self._sample_acc, self._sample_tot
            acc[0] += rank @ M
            acc[1] += M.sum(0)
            tot[0] += float(rank.sum())
            tot[1] += len(M)
            if not self._probe_queue:
                sum_on, on = acc
                off = tot[1] - on
                mean = tot[0] / max(tot[1], 1)
                mean_on = np.where(on > 0, sum_on / np.maximum(on, 1), mean)
                mean_off = np.where(off > 0, (tot[0] - sum_on) / np.maximum(off, 1), mean)
                self._set_importance(mean_off - mean_on, "sample")

    # ================================================================== groups and decoding
    def _init_groups(self):
        p = self.problem
        g = p.groups()
        if g is not None:
            g = np.asarray(g)
            if g.shape != (p.n_var,):
                raise ConfigError(f"{self.name}: {p.name}.groups() must return {p.n_var} group ids")
            _, gid = np.unique(g, return_inverse=True)
            self.group_source = "problem"
        else:
            G = self.n_groups or min(10, p.n_var)
            order = np.argsort(-self.importance_, kind="stable")
            gid = np.empty(p.n_var, dtype=np.int64)
            gid[order] = np.arange(p.n_var) * G // p.n_var
            self.group_source = f"{G} importance blocks"
        self.gid = gid.astype(np.int64)
        self.n_g = int(self.gid.max()) + 1
        self.group_size = np.bincount(self.gid, minlength=self.n_g)
        # rank inside the group, 0 = most important
        order = np.lexsort((-self.importance_, self.gid))
        rig = np.empty(p.n_var, dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(self.group_size)[:-1]])
        rig[order] = np.arange(p.n_var) - np.repeat(starts, self.group_size)
        self.rank_in_group = rig

    def _masks_from_thresholds(self, T) -> np.ndarray:
        from ..kernels.guided import threshold_masks

        keep = np.rint((1.0 - T) * self.group_size[None, :]).astype(np.int64)
        return threshold_masks(self.rank_in_group, self.gid, keep)

    def _random_dec(self, n, cols=None):
        p = self.problem
        xl, xu = (p.xl, p.xu) if cols is None else (p.xl[cols], p.xu[cols])
        return xl + self.rng.random((n, len(xl))) * (xu - xl)

    def _masks_of(self, X) -> np.ndarray:
        """Which variables of the rows X are on (real-coded: differ from the off value)."""
        return X != (self.off_value if self.real else False)

    def _decode(self, M, dec, cols=None):
        """Full decision vectors from masks (and values) over ``cols`` (all variables when None)."""
        p = self.problem
        if cols is None:
            return np.where(M, dec, self.off_value) if self.real else M  # callers pass fresh masks
        if self.real:
            X = np.empty((len(M), p.n_var))
            X[:] = self.off_value
            X[:, cols] = np.where(M, dec, self.off_value[cols])
        else:
            X = np.zeros((len(M), p.n_var), dtype=bool)
            X[:, cols] = M
        return X

    # ================================================================== phase 1
    def _phase1_budget_end(self) -> int:
        if self.max_evals is None:
            return self.n_evals + self.phase1_gens * self.pop_size
        share = self.phase1_share
        if share is None:  # the dense path spends more on converging its pivots
            share = getattr(self, "_p1_share_dense", 0.4) if self.path == "dense" else 0.2
        return int(share * self.max_evals)

    def _phase1_batch(self) -> np.ndarray:
        n = self.pop_size
        if self.T is None:
            self._p1_end = self._phase1_budget_end()
            T = self._importance_path_thresholds(n)
            dec = self._random_dec(n) if self.real else None
            first = True
        else:
            T, dec = self._vary_real(self.T, self.dec, self.p1_rank, self.p1_crowd)
            first = False
        X = self._decode(self._masks_from_thresholds(T), dec)
        self._batch = (T, dec, first, X)
        return X

    def _importance_path_thresholds(self, n):
        """Importance-aware first population: individual j keeps the k_j globally most important
        variables, k_j/D = ((j + ½)/n)² (a third of them keep under 10 %), expressed as group
        thresholds, with a little noise on the partially kept groups."""
        p = self.problem
        density = ((np.arange(n) + 0.5) / n) ** 2
        order = np.argsort(-self.importance_, kind="stable")
        pos = np.empty(p.n_var)
        pos[order] = np.arange(p.n_var)
        k = np.rint(density * p.n_var)                    # individual j keeps positions pos < k_j
        frac = np.empty((n, self.n_g))
        for g in range(self.n_g):                         # members of group g among the top k_j
            frac[:, g] = np.searchsorted(np.sort(pos[self.gid == g]), k, side="left")
        T = 1.0 - frac / self.group_size[None, :]
        noise = self.rng.uniform(-0.02, 0.02, size=T.shape)
        partial = (T > 0.0) & (T < 1.0)  # only boundary groups drift: no stray variables elsewhere
        return np.clip(np.where(partial, T + noise, T), 0.0, 1.0)

    def _vary_real(self, T, dec, rank, crowd):
        """SBX + PM offspring of thresholds (rate 1/G) and values (rate 1/D), same parent pairs."""
        from ..kernels import bernoulli_sites_mu, binary_tournament, polynomial_mutation, sbx

        rng, n = self.rng, self.pop_size
        k = (n + 1) // 2
        win = binary_tournament(rank, crowd, rng.integers(0, len(T), size=(2 * k, 2)))
        a, b = win[:k], win[k:]
        cross = np.ones(k, dtype=bool)
        out = []
        for A, lo, hi in ((T, np.zeros(T.shape[1]), np.ones(T.shape[1])),
                          (dec, None if dec is None else self.problem.xl, None if dec is None else self.problem.xu)):
            if A is None:
                out.append(None)
                continue
            C1, C2 = sbx(A[a], A[b], lo, hi, rng.random((k, A.shape[1])), rng.random((k, A.shape[1])),
                         cross, self.eta_c)
            C = np.ascontiguousarray(np.vstack([C1, C2])[:n])
            sites, mu = bernoulli_sites_mu(rng, C.size, 1.0 / C.shape[1])
            polynomial_mutation(C, lo, hi, sites, mu, self.eta_m)
            out.append(C)
        return out[0], out[1]

    def _phase1_tell(self, n, F, G):
        T, dec, first, X = self._batch
        T, dec, X = T[:n], None if dec is None else dec[:n], X[:n]
        if not first:
            T = np.concatenate([self.T, T])
            dec = None if dec is None else np.concatenate([self.dec, dec])
            X, F = np.concatenate([self.X, X]), np.concatenate([self.F, F])
            G = None if G is None else np.concatenate([self.G, G])
        idx, self.p1_rank, self.p1_crowd = survival(F, G, self.pop_size, self.truncation)
        self.T, self.dec = T[idx], None if dec is None else dec[idx]
        self.X, self.F, self.G = X[idx], F[idx], None if G is None else G[idx]
        if self.n_evals >= self._p1_end:  # n_evals already counts this batch
            self._start_phase2()

    # ================================================================== space reduction
    def _start_phase2(self):
        front = np.flatnonzero(self.p1_rank == 0)
        if self._collapsed(front):
            return self._probe_after_collapse()
        masks = self._masks_from_thresholds(self.T[front])
        dec = self.dec[front] if self.real else None
        if self._local_probe_fits():
            return self._start_local_probe(front, masks, dec)
        self._enter_phase2(front, masks, dec)
        self._report_phase1_hv()

    def _report_phase1_hv(self):
        if self.max_evals is not None:
            from ..indicators import hv_normalized

            pf = self.problem.pareto_front()
            if pf is not None:
                self._report["phase1_hv"] = hv_normalized(self.F, pf)

    # ------------------------------------------------------------------ local probe before Phase 2
    def _local_probe_tries(self) -> int:
        """Probes per variable: two values for real-coded problems, one switch for binary ones."""
        return 2 if self.real else 1

    def _local_probe_fits(self) -> bool:
        """Every variable's probes fit in ``local_probe_share`` of the budget."""
        return (self.max_evals is not None
                and self._local_probe_tries() * self.problem.n_var <= self.local_probe_share * self.max_evals)

    def _start_local_probe(self, front, masks, dec):
        """The Stage-0 probes switch one variable on in an otherwise empty solution, where its effect
        can differ from its effect in a good one, and a probe value drawn badly ranks a useful variable
        low: on SMOP1 (D = 1,000, seed 1) four of the 100 variables of the optimal support ranked below
        the corridor and stayed off for the whole run. This round switches every variable that is off
        in the middle member of the Phase-1 front on, one at a time, at two fresh random values each
        (binary: once). A variable whose switching on dominates that reference is useful: it joins the
        corridor, ranks above every variable the Stage-0 probes ranked, and carries the (first) value
        it was found good with. (Switching a variable off would say only whether its current value is
        bad, not the variable: not probed.)"""
        order = front[np.argsort(self.F[front, 0], kind="stable")]
        ref = int(order[len(order) // 2])
        x = self.X[ref].copy()
        on = self._masks_of(x)
        cand = np.tile(np.flatnonzero(~on), self._local_probe_tries())
        if not len(cand):
            self._enter_phase2(front, masks, dec)
            return self._report_phase1_hv()
        self._local = dict(front=front, masks=masks, dec=dec, x=x, cand=cand, F=self.F[ref].copy(),
                           G=None if self.G is None else self.G[ref].copy(), start=0,
                           vals=self._random_dec(1, cand)[0] if self.real else None,
                           better=np.zeros(len(cand), dtype=bool))
        self.stage = "local probe"

    def _local_probe_batch(self) -> np.ndarray:
        L = self._local
        s = L["start"]
        e = min(len(L["cand"]), s + self._probe_rows())
        Y = np.repeat(L["x"][None], e - s, axis=0)
        Y[np.arange(e - s), L["cand"][s:e]] = L["vals"][s:e] if self.real else True
        return Y

    def _local_probe_tell(self, F, G):
        from .nsga2 import rank_objectives

        L, p = self._local, self.problem
        s = L["start"]
        R = rank_objectives(np.vstack([F, L["F"][None]]),
                            None if G is None else np.vstack([G, L["G"][None]]))
        L["better"][s:s + len(F)] = dominates(R[:-1], R[-1])
        L["start"] = s + len(F)
        if L["start"] < len(L["cand"]):
            return
        cand, better = L["cand"], L["better"]
        useful = np.zeros(p.n_var, dtype=bool)
        useful[cand[better]] = True
        imp = self.importance_.copy()
        imp[useful] += float(imp.max() - imp.min()) + 1.0  # above every variable the Stage-0 probes ranked
        self.importance_ = imp
        self.imp_rank = rank01(imp)
        dec = L["dec"]
        if self.real and useful.any():
            dec = dec.copy()
            hit = np.flatnonzero(better)
            var, first = np.unique(cand[hit], return_index=True)  # a variable's first successful try
            dec[:, var] = L["vals"][hit[first]]
        self.local_useful_ = np.flatnonzero(useful)
        self._report.update(local_probe_evaluations=int(len(cand)), local_probe_useful=int(useful.sum()))
        self._local = None
        self._enter_phase2(L["front"], L["masks"], dec, include=useful)
        self._report_phase1_hv()

    def _enter_phase2(self, front, masks, dec, include=None):
        """Reduce the space to the corridor around ``masks`` (full-width masks of the population rows
        ``front``, values ``dec``; variables flagged in ``include`` too) and make those rows the
        Phase-2 seeds."""
        p = self.problem
        heavy = masks.any(0) if include is None else masks.any(0) | include
        light = masks.all(0)
        n_heavy = int(heavy.sum())
        extra = max(int(math.ceil(self.margin * n_heavy)), min(p.n_var, 10))
        outside = np.flatnonzero(~heavy)
        outside = outside[np.argsort(-self.importance_[outside], kind="stable")][:extra]
        cols = np.sort(np.concatenate([np.flatnonzero(heavy), outside]))
        self.cols = cols
        self.light = light[cols]
        self._report.update(phase1_evaluations=int(self.n_evals), heavy_anchor=n_heavy,
                            light_anchor=int(light.sum()), corridor=int(len(cols)), n_groups=self.n_g,
                            group_source=self.group_source, phase1_front=self.F[front].tolist())
        # Phase-2 seeds: the front in corridor coordinates (their F is known)
        self.M2 = masks[:, cols]
        self.dec2 = dec[:, cols] if self.real else None
        self.X, self.F = self.X[front], self.F[front]
        self.G = None if self.G is None else self.G[front]
        self.lam = self.init_flips
        self.stage = "phase2"
        self._p2_first = True

    # ------------------------------------------------------------------ recovery from a collapsed Phase 1
    def _collapsed(self, front) -> bool:
        """After a sampled importance, a Phase-1 front of one objective vector, with budget left for
        one probe round and ten generations."""
        if getattr(self, "_importance_source", None) != "sample" or self.max_evals is None:
            return False
        if len(unique_rows_first(self.F[front])) > 1:
            return False
        return self.max_evals - self.n_evals >= self.problem.n_var + 10 * self.pop_size

    def _probe_after_collapse(self):
        """The sampled importance can miss the variables that trade one objective for another (ZDT4 at
        D = 10,000: every random sparse sample is dominated by the Rastrigin terms of its distance
        variables, x1's effect is noise, and Phase 1 ends on the single all-off point). Probe every
        variable once on its own, then start Phase 2 from the non-dominated rows seen so far."""
        p = self.problem
        self.notes.append(f"Phase 1 ended on a single point after {self.n_evals} evaluations: "
                          f"probing the {p.n_var} variables one at a time and starting Phase 2 from "
                          "the best rows seen")
        self._report["collapse_probe_at"] = int(self.n_evals)
        self._importance_source = "sample, then one probe round after a collapsed Phase 1"
        self._probe_fit = np.zeros(p.n_var)
        self._probe_queue = self._probe_rounds_queue(1)
        self._recovering = True
        self.stage = "importance"

    def _phase2_from_population(self):
        """Phase 2 seeded by the distinct non-dominated rows of the current population (after the
        recovery probe round). Its corridor is the handful of variables those rows use plus the best
        probed ones, and their masks are usually right already (on ZDT4: x1 alone); what is left is
        the values, so offspring may keep their parent's mask (zero flips allowed): with at least one
        flip per offspring nearly every child of an x1-only parent switches a distance variable on or
        x1 off, and the front fills slowly (ZDT4, D = 10,000: IGD 0.05–0.13 instead of 0.0045)."""
        from ..kernels import nd_sort

        from .nsga2 import rank_objectives

        self._recovering = False
        self._min_flips = 0
        front = np.flatnonzero(nd_sort(rank_objectives(self.F, self.G)) == 0)
        front = front[unique_rows_first(self.F[front])]
        X = self.X[front]
        masks = self._masks_of(X)
        dec = np.where(masks, X, self._random_dec(len(front))) if self.real else None
        self._enter_phase2(front, masks, dec)

    # ================================================================== phase 2
    def _scores(self):
        freq = self.M2.mean(0) if len(self.M2) else np.zeros(len(self.cols))
        return 0.5 * self.imp_rank[self.cols] + 0.5 * freq

    def _pm_rate(self, width: int) -> float:
        """Phase-2 polynomial-mutation rate of the values: 1/|corridor|, or 1/D ("global")."""
        return 1.0 / (width if self.value_mutation == "corridor" else self.problem.n_var)

    def _flip_counts(self, k):
        """Bits flipped per offspring: at least one (SparseEA's rule: every offspring changes its mask),
        none required after a collapse recovery (see :meth:`_phase2_from_population`)."""
        return getattr(self, "_min_flips", 1) + self.rng.poisson(self.lam, size=k)

    def _phase2_batch(self) -> np.ndarray:
        from ..kernels.guided import guided_flips

        rng, n = self.rng, self.pop_size
        score = self._scores()
        if self._p2_first:  # importance-aware sampling around the Phase-1 front
            base = np.arange(n) % len(self.M2)
            M = self.M2[base].copy()
            dec = None if not self.real else self.dec2[base].copy()
            c_on = self._flip_counts(n)
            c_off = self._flip_counts(n)
            both = rng.random(n) < 0.5
            c_on = np.where(both | (rng.random(n) < 0.5), c_on, 0)
            c_off = np.where(both | (c_on == 0), c_off, 0)
            U = rng.random((n, int((c_on + c_off).max()), 2))
            guided_flips(M, ~M, M.copy(), score, c_on, c_off, U)
            if self.real:
                from ..kernels import bernoulli_sites_mu, polynomial_mutation

                lo, hi = self.problem.xl[self.cols], self.problem.xu[self.cols]
                sites, mu = bernoulli_sites_mu(rng, dec.size, self._pm_rate(dec.shape[1]))
                dec = np.ascontiguousarray(dec)
                polynomial_mutation(dec, lo, hi, sites, mu, self.eta_m)
        else:
            M, dec = self._phase2_offspring(score)
        self._batch = (M, dec)
        return self._decode(M, dec, self.cols)

    def _phase2_offspring(self, score):
        from ..kernels import bernoulli_sites_mu, binary_tournament, polynomial_mutation, sbx
        from ..kernels.guided import guided_flips

        rng = self.rng
        if self.selection == "moead":
            n = len(self.M2)
            a, b = self._moead_parents()
        else:
            n = self.pop_size
            win = binary_tournament(self.p2_rank, self.p2_crowd, rng.integers(0, len(self.M2), size=(2 * n, 2)))
            a, b = win[:n], win[n:]
        P1, P2 = self.M2[a], self.M2[b]
        self._parents_F = self.F[a]
        M = P1.copy()
        # crossover: turn off bits of p1 missing in p2, or turn on bits of p2 missing in p1
        off_side = rng.random(n) < 0.5
        cnt = self._flip_counts(n)
        c_on, c_off = np.where(off_side, 0, cnt), np.where(off_side, cnt, 0)
        U = rng.random((n, int(cnt.max()), 2))
        guided_flips(M, ~P1 & P2, P1 & ~P2, score, c_on, c_off, U)
        # mutation: turn one or more bits off (less important first) or on (more important first)
        off_side = rng.random(n) < 0.5
        cnt = self._flip_counts(n)
        c_on, c_off = np.where(off_side, 0, cnt), np.where(off_side, cnt, 0)
        U = rng.random((n, int(cnt.max()), 2))
        guided_flips(M, ~M, M.copy(), score, c_on, c_off, U)
        dec = None
        if self.real:
            lo, hi = self.problem.xl[self.cols], self.problem.xu[self.cols]
            D1, D2 = self.dec2[a], self.dec2[b]
            dec, _ = sbx(D1, D2, lo, hi, rng.random(D1.shape), rng.random(D1.shape), np.ones(n, dtype=bool),
                         self.eta_c)
            dec = np.ascontiguousarray(dec)
            sites, mu = bernoulli_sites_mu(rng, dec.size, self._pm_rate(dec.shape[1]))
            polynomial_mutation(dec, lo, hi, sites, mu, self.eta_m)
        return M, dec

    def _phase2_tell(self, n, F, G):
        M, dec = self._batch
        M, dec = M[:n], None if dec is None else dec[:n]
        X = self._decode(M, dec, self.cols)
        if self.selection == "moead":
            return self._moead_tell(M, dec, X, F, G)
        n_old = len(self.M2)
        M = np.concatenate([self.M2, M])
        dec = None if dec is None else np.concatenate([self.dec2, dec])
        X, F = np.concatenate([self.X, X]), np.concatenate([self.F, F])
        G = None if G is None or self.G is None else np.concatenate([self.G, G])
        keep = unique_rows_first(F)
        idx, self.p2_rank, self.p2_crowd = survival(F[keep], None if G is None else G[keep], self.pop_size,
                                                     self.truncation)
        idx = keep[idx]
        if not self._p2_first:
            self._adapt(F[n_old:], idx >= n_old)
        self._p2_first = False
        self.M2, self.dec2 = M[idx], None if dec is None else dec[idx]
        self.X, self.F, self.G = X[idx], F[idx], None if G is None else G[idx]

    def _adapt(self, F_off, survived):
        """The 1/5-style rule on the number of flipped bits (see the module docstring)."""
        if self.success_rule == "survival":
            success = float(np.mean(survived))
        else:  # offspring that dominate the parent they were copied from
            Fp = self._parents_F[: len(F_off)]
            success = float(dominates(F_off, Fp).mean())
        self.lam *= 1.25 if success > self.target_success else 1 / 1.25
        self.lam = float(min(max(self.lam, 0.0), max(1.0, 0.25 * len(self.cols))))

    # ------------------------------------------------------------------ MOEA/D selection (option)
    def _moead_setup(self):
        from ..problems._reference import uniform_point

        W = uniform_point(self.pop_size, self.problem.n_obj)
        self.W = np.maximum(W, 1e-6)
        T = max(2, min(len(W), int(math.ceil(self.moead_neighbors * len(W)))))
        d = ((W[:, None, :] - W[None, :, :]) ** 2).sum(2)
        self.B = np.argsort(d, axis=1, kind="stable")[:, :T]

    def _tcheby(self, R, w):
        return np.max(w * np.abs(R - self.z), axis=-1)

    def _moead_parents(self):
        rng, n = self.rng, len(self.M2)
        T = self.B.shape[1]
        local = rng.random(n) < self.moead_delta
        self._moead_local = local
        ra, rb = rng.integers(0, T, n), rng.integers(0, T, n)
        ga, gb = rng.integers(0, n, n), rng.integers(0, n, n)
        a = np.where(local, self.B[np.arange(n), ra], ga)
        b = np.where(local, self.B[np.arange(n), rb], gb)
        return a, b

    def _moead_tell(self, M, dec, X, F, G):
        from .nsga2 import rank_objectives

        if self._p2_first:  # seeds and samples: each subproblem takes its best candidate
            self._moead_setup()
            M = np.concatenate([self.M2, M])
            dec = None if dec is None else np.concatenate([self.dec2, dec])
            X, F = np.concatenate([self.X, X]), np.concatenate([self.F, F])
            G = None if G is None or self.G is None else np.concatenate([self.G, G])
            R = rank_objectives(F, G)
            self.z = R.min(0)
            idx = np.array([int(np.argmin(self._tcheby(R, w))) for w in self.W])
            self._p2_first = False
            self._R2 = R[idx]
        else:
            R_off = rank_objectives(F, G) if G is not None else F
            self.z = np.minimum(self.z, R_off.min(0))
            n = len(self.M2)
            R_pop = self._R2
            Mp, decp, Xp, Fp = self.M2.copy(), None if dec is None else self.dec2.copy(), self.X.copy(), self.F.copy()
            Gp = None if self.G is None else self.G.copy()
            replaced = np.zeros(len(F), dtype=bool)
            for i in range(len(F)):
                pool = self.B[i % n] if self._moead_local[i % n] else np.arange(n)
                g_old = self._tcheby(R_pop[pool], self.W[pool])
                g_new = self._tcheby(R_off[i], self.W[pool])
                win = pool[g_new < g_old][: self.moead_nr]
                if win.size:
                    replaced[i] = True
                    Mp[win], Xp[win], Fp[win], R_pop[win] = M[i], X[i], F[i], R_off[i]
                    if decp is not None:
                        decp[win] = dec[i]
                    if Gp is not None:
                        Gp[win] = G[i]
            self._adapt(F, replaced)
            self.M2, self.dec2, self.X, self.F, self.G, self._R2 = Mp, decp, Xp, Fp, Gp, R_pop
            return
        self.M2, self.dec2 = M[idx], None if dec is None else dec[idx]
        self.X, self.F, self.G = X[idx], F[idx], None if G is None else G[idx]
