"""The hierarchical engine's dense path: pivots, coordinate sweeps and the pivot family.

For real-coded problems whose Pareto set is not sparse (LSMOP, ZDT, DTLZ, most engineering problems),
switching variables off says nothing useful; what the engine must find are the *values*. The coarse
description of the front is then a handful of **pivots** — K solutions, each tied to one interior weight
vector — and the family of solutions they span:

* scalings of a pivot about the lower bound, x(s) = xl + s·(p − xl), and
* lines (for K ≥ 3 also planes) through two (three) pivots, x(λ) = p_a + λ·(p_b − p_a), λ ∈ [−1.5, 2.5].

When the Pareto set is an affine manifold — LSMOP's, whose optimal distance variables are affine in x_1;
ZDT's and DTLZ's, where they are constant — two converged pivots at different positions span all of it,
and every point of the family between them is Pareto-optimal.

Phase 1 converges the pivots. Each one descends its own scalarizing function (the augmented Tchebycheff
function of its weight on objectives normalized by the current front) with batched coordinate sweeps:
one sweep evaluates, for every variable j, the pivot with only x_j moved by its own step d_j·σ_j; all
moves that improve are then tried together (exact for separable functions) and accepted when they beat
the best single move, else the best single move is. Steps follow Rprop: ×1.5 after a success, reversed
and ×0.6 after a failure, and a small share of them is re-drawn each sweep so that a variable caught in a
local minimum (Rastrigin, Ackley) can jump out.

Phase 2 alternates: sample 2N solutions from the pivot family, keep the best N (non-dominated sorting,
then M-NN truncation), pick new pivots on the front (the member best for each weight, inheriting its
predecessor's steps), and run a few more sweeps on them.

Memory: a sweep is evaluated in chunks of at most ~200 MB of decision vectors. Above ``sweep_rows``
variables a sweep row moves a block of variables, unless the budget holds ten evaluations per variable:
then rows stay one per variable and fewer pivots are converged (see ``_pivot_setup``).
"""
from __future__ import annotations

import numpy as np

from .nsga2 import dominates, survival


def unique_rows_first(F) -> np.ndarray:
    """Indices of the first occurrence of each distinct row, in input order."""
    _, first = np.unique(F, axis=0, return_index=True)
    return np.sort(first)


def pivot_weights(n_obj: int, k: int) -> np.ndarray:
    """K interior weight vectors: evenly spaced without the two corners for two objectives; the
    simplex lattice pulled 20 % towards the centre for more (so that no pivot sits on a degenerate
    extreme where some objective no longer depends on some variables)."""
    if n_obj == 2:
        t = np.linspace(0.0, 1.0, k + 2)[1:-1]
        return np.column_stack([t, 1.0 - t])
    from ..problems._reference import uniform_point

    W = uniform_point(k, n_obj)
    return np.maximum(0.8 * W + 0.2 / n_obj, 1e-3)


class PivotPath:
    """Mixin for :class:`Hierarchical`: the dense path (see the module docstring)."""

    # ------------------------------------------------------------------ setup
    def _pivot_setup(self):
        p = self.problem
        self.pstage = "init"
        self.phase = self.stage = "phase1"
        self._importance_source = None
        self.width = p.xu - p.xl
        K, rows = self.n_pivots, min(p.n_var, self.sweep_rows)
        self._p1_share_dense = 0.4
        if p.n_var > self.sweep_rows and self.max_evals is not None and self.max_evals >= 10 * p.n_var:
            # Above sweep_rows a row would move a block of variables together, and a block's success
            # or failure is credited to every variable in it: with few evaluations per variable the
            # steps then shrink before they point the right way (LSMOP1, D = 10,000, 100,000
            # evaluations: IGD 0.69, the collapse value). Where the budget holds ten full-resolution
            # sweeps (one row per variable) of at least one pivot, fewer pivots at full resolution,
            # with more of the budget to converge them, do far better (0.068 with one pivot): the
            # family's scalings and lines spread a converged pivot over the front.
            K = int(min(self.n_pivots, self.max_evals // (10 * p.n_var)))
            rows = p.n_var
        self.PW = pivot_weights(p.n_obj, K)
        if rows > self.sweep_rows:
            if len(self.PW) < self.n_pivots:  # (with three objectives the lattice keeps 3)
                self._p1_share_dense = 0.6
            self.notes.append(f"dense path: {len(self.PW)} pivot(s) at one sweep row per variable "
                              f"({self.max_evals} evaluations for {p.n_var} variables) instead of "
                              f"{self.n_pivots} over blocks of {-(-p.n_var // self.sweep_rows)} variables")
        self.PX = self.PF = self.Pf = self.Psig = self.Pd = None
        self.z = self.r = None
        self._k = 0           # pivot being swept
        self._j0 = 0          # next coordinate of its sweep
        self._sweeps = 0      # completed sweeps (over all pivots)
        self._chunk = self._rows_per_batch(p.n_var)
        self._block = -(-p.n_var // rows)                 # variables moved together by one sweep row
        self._n_rows = -(-p.n_var // self._block)         # rows per sweep
        self._perm = np.arange(p.n_var)

    # ------------------------------------------------------------------ scalarization
    def _norm(self, F):
        self.z = F.min(0)
        self.r = np.maximum(F.max(0) - self.z, 1e-12)

    def _scal(self, F, w, G=None):
        """Augmented Tchebycheff value of rows F for weight w (infeasible rows: 1e12 + violation)."""
        Z = (F - self.z) / self.r
        v = (w * Z).max(1) + self.aug * Z.sum(1)
        if G is not None:
            cv = np.maximum(G, 0.0).sum(1)
            v = np.where(cv > 0, 1e12 + cv, v)
        return v

    def _pick_pivots(self, keep_steps: bool):
        """Pivot k := the population member best for weight k (steps kept from pivot k when asked)."""
        rank = survival(self.F, self.G, len(self.F))[1]
        front = np.flatnonzero(rank == 0)
        self._norm(self.F[front])
        if self.problem.n_obj == 2:  # interior quantiles of the front along f1 (disconnected fronts too)
            order = front[np.argsort(self.F[front, 0], kind="stable")]
            K = len(self.PW)
            idx = [int(order[min(len(order) - 1, int(round((k + 1) * (len(order) - 1) / (K + 1))))])
                   for k in range(K)]
        else:
            idx = [int(front[np.argmin(self._scal(self.F[front], w))]) for w in self.PW]
        self.PX = self.X[idx].copy()
        self.PF = self.F[idx].copy()
        self.PG = None if self.G is None else self.G[idx].copy()
        self.Pf = np.array([self._scal(self.PF[k:k + 1], w, None if self.PG is None else self.PG[k:k + 1])[0]
                            for k, w in enumerate(self.PW)])
        if not keep_steps or self.Psig is None:
            K, D = self.PX.shape
            self.Psig = np.tile(0.25 * self.width, (K, 1))
            self.Pd = np.where(self.rng.random((K, D)) < 0.5, -1.0, 1.0)

    # ------------------------------------------------------------------ ask
    def _pivot_produce(self) -> np.ndarray:
        p = self.problem
        if self.pstage == "init":
            return self._random_population(self.pop_size)
        if self.pstage == "sweep":
            k, r0 = self._k, self._j0
            if r0 == 0:  # blocks of variables moved together: a fresh random partition per sweep
                self._perm = np.arange(p.n_var) if self._block == 1 else self.rng.permutation(p.n_var)
            r1 = min(self._n_rows, r0 + self._chunk)
            rows, cols = self._block_cells(r0, r1)
            Y = np.repeat(self.PX[k][None], r1 - r0, axis=0)
            Y[rows - r0, cols] = self._trial()[cols]
            return Y
        if self.pstage == "combine":
            k = self._k
            y = self.PX[k].copy()
            y[self._imp] = self._trial()[self._imp]
            return y[None]
        if self.pstage == "pattern":
            return self._pattern_rows()
        return self._family(2 * self.pop_size)

    def _block_cells(self, r0, r1):
        """(row, variable) pairs of sweep rows r0..r1-1: row r moves the variables perm[r·b:(r+1)·b]."""
        b, D = self._block, self.problem.n_var
        cols = self._perm[r0 * b:min(D, r1 * b)]
        rows = r0 + np.arange(len(cols)) // b
        return rows, cols

    def _trial(self):
        p, k = self.problem, self._k
        return np.clip(self.PX[k] + self.Pd[k] * self.Psig[k], p.xl, p.xu)

    def _family(self, n) -> np.ndarray:
        """n samples of the pivot family: scalings, lines and (K ≥ 3) planes."""
        p, rng = self.problem, self.rng
        P = self.PX
        K = len(P)
        kind = rng.random(n)
        out = np.empty((n, p.n_var))
        for i in range(n):
            if K == 1 or kind[i] < 0.3:
                s = rng.uniform(0.0, 1.0) if rng.random() < 0.5 else 1.0 / rng.uniform(0.25, 1.0)
                y = p.xl + s * (P[rng.integers(K)] - p.xl)
            elif K >= 3 and kind[i] > 0.65:
                a = rng.choice(K, 3, replace=False)
                lam = rng.dirichlet(np.ones(3)) * 5.5 - 1.5
                y = lam @ P[a]
            else:
                a, b = rng.choice(K, 2, replace=False)
                y = P[a] + rng.uniform(-1.5, 2.5) * (P[b] - P[a])
            out[i] = np.clip(y, p.xl, p.xu)
        return out

    # ------------------------------------------------------------------ tell
    def _pivot_tell(self, X, F, G):
        if self.pstage == "init":
            self._merge(X, F, G)
            self._p1_end = self._phase1_budget_end()
            self._pick_pivots(keep_steps=False)
            self.pstage = "sweep"
        elif self.pstage == "sweep":
            self._sweep_tell(F, G)
        elif self.pstage == "combine":
            self._combine_tell(X, F, G)
        elif self.pstage == "pattern":
            self._pattern_tell(X, F, G)
        else:  # family samples
            self._merge(X, F, G)
            self._pick_pivots(keep_steps=True)
            self.pstage = "sweep"

    def _sweep_tell(self, F, G):
        k, r0, n = self._k, self._j0, len(F)
        if r0 == 0:
            self._x_before = self.PX[k].copy()
            self._imp = np.zeros(self.problem.n_var, dtype=bool)
            self._best1 = (-1, np.inf, None, None)
        v = self._scal(F, self.PW[k], G)
        imp = self._improves(F, G, v, k)
        rows, cols = self._block_cells(r0, r0 + n)
        self._imp[cols] = imp[rows - r0]
        v = np.where(imp, v, np.inf)
        b = int(np.argmin(v))
        if v[b] < self._best1[1]:
            self._best1 = (r0 + b, float(v[b]), F[b].copy(), None if G is None else G[b].copy())
        self._j0 = r0 + n
        if self._j0 >= self._n_rows:
            self.pstage = "combine"

    def _improves(self, F, G, v, k):
        """Rows that improve on pivot k: dominate it (so that a pivot keeps its place on the front
        instead of sliding along it), or, with constraints, lower its penalised scalar value."""
        if G is not None or self.PG is not None:
            return v < self.Pf[k]
        return dominates(F, self.PF[k])

    def _combine_tell(self, X, F, G):
        k = self._k
        imp = self._imp
        trial = self._trial()
        v = self._scal(F, self.PW[k], G)[0]
        j1, v1, F1, G1 = self._best1
        sig, d = self.Psig[k], self.Pd[k]
        if imp.any() and bool(self._improves(F, G, np.array([v]), k)[0]) and v < v1:
            self.PX[k, imp] = trial[imp]
            self.PF[k], self.Pf[k] = F[0], v
            if self.PG is not None:
                self.PG[k] = G[0]
            sig[imp] *= 1.5
        elif j1 >= 0:
            j1 = self._block_cells(j1, j1 + 1)[1]  # the best row's variables
            self.PX[k, j1] = trial[j1]
            self.PF[k], self.Pf[k] = F1, v1
            if self.PG is not None:
                self.PG[k] = G1
            sig[j1] *= 1.5
        d[~imp] *= -1.0
        sig[~imp] *= 0.6
        reset = self.rng.random(len(imp)) < self.pivot_reset
        sig[reset] = self.rng.uniform(0.01, 0.2, int(reset.sum())) * self.width[reset]
        self._step = self.PX[k] - self._x_before
        if self.pattern_steps and np.any(self._step != 0):
            self.pstage = "pattern"
        else:
            self._next_pivot()

    def _pattern_rows(self):
        """Hooke–Jeeves pattern moves: the sweep's displacement, repeated 1, 2, 4, … times."""
        p, k = self.problem, self._k
        a = 2.0 ** np.arange(self.pattern_steps)
        return np.clip(self.PX[k][None] + a[:, None] * self._step[None], p.xl, p.xu)

    def _pattern_tell(self, X, F, G):
        k = self._k
        v = self._scal(F, self.PW[k], G)
        v = np.where(self._improves(F, G, v, k), v, np.inf)
        b = int(np.argmin(v))
        if np.isfinite(v[b]):
            self.PX[k], self.PF[k], self.Pf[k] = X[b], F[b], v[b]
            if self.PG is not None:
                self.PG[k] = G[b]
        self._next_pivot()

    def _next_pivot(self):
        k = self._k
        self._merge(self.PX[k:k + 1].copy(), self.PF[k:k + 1].copy(),
                    None if self.PG is None else self.PG[k:k + 1].copy())
        self._j0 = 0
        self._k = (k + 1) % len(self.PX)
        self.pstage = "sweep"
        if self._k == 0:
            self._sweeps += 1
            if self.stage == "phase1" and self.n_evals >= self._p1_end:
                self._start_pivot_phase2()
            elif self.stage == "phase2" and self._sweeps % self.sweeps_per_round == 0:
                self.pstage = "family"

    def _start_pivot_phase2(self):
        self.stage = "phase2"
        self.pstage = "family"
        rank = survival(self.F, self.G, len(self.F))[1]
        self._report.update(phase1_evaluations=int(self.n_evals), path="dense (pivots)",
                            n_pivots=len(self.PX), sweep_rows=int(self._n_rows), phase1_sweeps=int(self._sweeps))
        pf = self.problem.pareto_front() if self.max_evals is not None else None
        if pf is not None:
            from ..indicators import hv_normalized

            self._report["phase1_hv"] = hv_normalized(self.F[rank == 0], pf)

    def _merge(self, X, F, G, dedupe: bool = True):
        """Population := NSGA-II survivors of population ∪ (X, F, G); with ``dedupe``, rows repeating
        an objective vector already seen are dropped first."""
        if self.X is not None:
            X, F = np.concatenate([self.X, X]), np.concatenate([self.F, F])
            G = None if G is None or self.G is None else np.concatenate([self.G, G])
        if dedupe:
            keep = unique_rows_first(F)
            X, F, G = X[keep], F[keep], None if G is None else G[keep]
        idx, _, _ = survival(F, G, self.pop_size, self.truncation)
        self.X, self.F, self.G = X[idx], F[idx], None if G is None else G[idx]
