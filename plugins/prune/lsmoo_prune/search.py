"""The search engine of ``lsmoo prune``: lsmoo's hierarchical engine plus what pruning needs.

* **External archive.** The non-dominated set of every mask evaluated during the run (bit-packed), not only
  the engine's population; it is part of the algorithm state, so checkpoints carry it.
* **Seeds.** Phase 1 searches one threshold per layer; a threshold keeps the most important weights of its
  layer. Inside a layer magnitude, LAMP (and every layer-wise allocation of |w|) rank the weights the same
  way, so any *allocation* of a magnitude mask (global magnitude at some sparsity, LAMP, ...) is exactly one
  Phase-1 individual. ``seeds`` (per-layer kept counts, one row per seed) are added to the first Phase-1
  population, which the engine otherwise builds along the importance path.
* **Checkpoints.** The evaluator's fitness cache and racing memory are saved with the algorithm state
  (with racing, a cached error depends on what was known when it was computed), and ``run_settings``
  (everything that changes the search) is stored so that a resume with other arguments is refused with
  a message naming the option.
"""
from __future__ import annotations

import numpy as np

from lsmoo.algorithms.hierarchical import Hierarchical


def nondominated(F) -> np.ndarray:
    n = len(F)
    keep = np.ones(n, dtype=bool)
    for i in range(n):
        if keep[i]:
            dom = np.all(F[i] <= F, axis=1) & np.any(F[i] < F, axis=1)
            keep &= ~dom
    return keep


class PruneSearch(Hierarchical):
    """Hierarchical engine with an external archive, seeded Phase 1 and checkpointable evaluator state."""

    name = "hierarchical"

    def __init__(self, pop_size: int = 20, phase1_share: float = 0.2, seeds=None, run_settings=None,
                 focus_lo: float = 0.0, focus_hi: float = 1.0, near_margin: float = 0.01, near_max: int = 400,
                 truncation: str = "crowding", **kw):
        # crowding-distance truncation, not the engine's default M-NN removal: every pruning result in
        # docs/prune.md was measured with it, and M-NN removal has not been measured on pruning yet
        super().__init__(pop_size=pop_size, phase1_share=phase1_share, truncation=truncation, **kw)
        self.seeds = None if seeds is None else np.asarray(seeds, dtype=np.int64)
        self.run_settings = dict(run_settings or {})
        self.focus_lo, self.focus_hi = float(focus_lo), float(focus_hi)
        self.near_margin, self.near_max = float(near_margin), int(near_max)
        if not 0.0 <= self.focus_lo < self.focus_hi <= 1.0:
            raise ValueError(f"focus must satisfy 0 <= lo < hi <= 1, got {focus_lo}, {focus_hi}")

    # ------------------------------------------------------------------ archive
    def _setup(self):
        super()._setup()
        self.archive_P = None     # packed masks of the non-dominated evaluated rows
        self.archive_F = None
        self.near_P = None        # packed masks within near_margin (in f1) of the non-dominated front
        self.near_F = None

    def tell(self, F, G=None):
        X = self._pending
        F = np.asarray(F, dtype=float)
        super().tell(self.focused(F), G)
        self._archive_add(np.asarray(X[: len(F)], dtype=bool), F)

    def focused(self, F):
        """What the engine sees (the archive keeps the true F): outside the remaining-ratio band
        [focus_lo, focus_hi] a solution is made to look worse, so that the population concentrates on the
        band — sparser ones are mirrored to f2 = 2·lo − f2, denser ones get f1 + (f2 − hi)."""
        lo, hi = self.focus_lo, self.focus_hi
        if lo <= 0.0 and hi >= 1.0:
            return F
        G = F.copy()
        below = F[:, 1] < lo
        G[below, 1] = 2 * lo - F[below, 1]
        above = F[:, 1] > hi
        G[above, 0] = F[above, 0] + (F[above, 1] - hi)
        return G

    def _archive_add(self, X, F):
        Pn = np.packbits(X, axis=1)
        P, Fa = Pn, F
        if self.archive_P is not None:
            P, Fa = np.vstack([self.archive_P, Pn]), np.vstack([self.archive_F, F])
        keep = nondominated(Fa)
        P, Fa = P[keep], Fa[keep]
        first = np.sort(np.unique(Fa, axis=0, return_index=True)[1])
        self.archive_P, self.archive_F = P[first], Fa[first]

        # near-front candidates: f1 is noisy (a validation subset), so the masks that a better estimate
        # might prefer are kept too — dropped once a mask with no more weights is better by > near_margin
        P, Fn = Pn, F
        if self.near_P is not None:
            P, Fn = np.vstack([self.near_P, Pn]), np.vstack([self.near_F, F])
        first = np.sort(np.unique(Fn, axis=0, return_index=True)[1])
        P, Fn = P[first], Fn[first]
        order = np.argsort(Fn[:, 1], kind="stable")
        gap = np.empty(len(Fn))
        gap[order] = Fn[order, 0] - np.minimum.accumulate(Fn[order, 0])   # behind the best at <= this ratio
        idx = np.flatnonzero(gap <= self.near_margin)
        if len(idx) > self.near_max:                                         # the closest to the front
            idx = np.sort(idx[np.argsort(gap[idx], kind="stable")[: self.near_max]])
        self.near_P, self.near_F = P[idx], Fn[idx]

    def near_front(self):
        """(masks, F) of the near-front candidates (a superset of the archive)."""
        if self.near_P is None:
            return np.zeros((0, self.problem.n_var), dtype=bool), np.zeros((0, 2))
        return np.unpackbits(self.near_P, axis=1, count=self.problem.n_var).astype(bool), self.near_F

    def archive(self):
        """(masks as bool rows, F) of the archive."""
        if self.archive_P is None:
            return np.zeros((0, self.problem.n_var), dtype=bool), np.zeros((0, 2))
        return np.unpackbits(self.archive_P, axis=1, count=self.problem.n_var).astype(bool), self.archive_F

    # ------------------------------------------------------------------ seeds
    def _importance_path_thresholds(self, n):
        T = super()._importance_path_thresholds(n)
        if self.seeds is None or not len(self.seeds) or self.T is not None:
            return T
        S = self.seeds
        if S.shape[1] != self.n_g:
            raise ValueError(f"seeds have {S.shape[1]} layers, the problem {self.n_g}")
        # group ids come from np.unique over problem.groups() = layer index, so group g is layer g
        Ts = 1.0 - np.clip(S, 0, self.group_size[None, :]) / self.group_size[None, :]
        return np.vstack([Ts, T])

    def _phase1_batch(self):
        if self.T is None and self.seeds is not None and len(self.seeds):
            # the first batch holds the seeds and the importance path (survival trims it to pop_size)
            self._p1_end = self._phase1_budget_end()
            T = self._importance_path_thresholds(self.pop_size)
            X = self._decode(self._masks_from_thresholds(T), None)
            self._batch = (T, None, True, X)
            return X
        return super()._phase1_batch()

    # ------------------------------------------------------------------ checkpoint/resume
    def state_dict(self) -> dict:
        st = super().state_dict()
        ev = getattr(self.problem, "evaluator", None)
        if ev is not None:
            st["evaluator_state"] = ev.state_dict()
        return st

    def load_state_dict(self, state: dict):
        state = dict(state)
        evs = state.pop("evaluator_state", None)
        super().load_state_dict(state)
        if evs is not None and getattr(self.problem, "evaluator", None) is not None:
            self.problem.evaluator.load_state_dict(evs)
        return self


# ---------------------------------------------------------------------------------------------- seeds
#: remaining-weight ratios of the default seed ladder
LADDER = (0.7, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05)


def counts_from_scores(scores: np.ndarray, sizes, remaining: float) -> np.ndarray:
    """Per-layer kept counts of the global top ``⌊remaining · D⌋`` of ``scores`` (one threshold)."""
    sizes = np.asarray(sizes, dtype=np.int64)
    D = int(sizes.sum())
    k = int(np.floor(float(remaining) * D + 1e-9))     # never above the target (the baseline rounds)
    gid = np.repeat(np.arange(len(sizes)), sizes)
    sel = np.argsort(-scores, kind="stable")[:k]
    return np.bincount(gid[sel], minlength=len(sizes)).astype(np.int64)


def erk_counts(shapes, remaining: float) -> np.ndarray:
    """Erdős–Rényi-kernel allocation (Evci et al., 2020): density of a layer ∝ sum(shape) / prod(shape),
    capped at 1, scaled so that ``remaining`` of all weights are kept."""
    sizes = np.array([int(np.prod(s)) for s in shapes], dtype=np.int64)
    raw = np.array([sum(s) / np.prod(s) for s in shapes], dtype=float)
    target = float(remaining) * sizes.sum()
    lo, hi = 0.0, 1.0 / raw.min()
    for _ in range(100):
        eps = 0.5 * (lo + hi)
        if (np.minimum(1.0, eps * raw) * sizes).sum() < target:
            lo = eps
        else:
            hi = eps
    counts = np.floor(np.minimum(1.0, hi * raw) * sizes).astype(np.int64)
    short = int(np.floor(target + 1e-9)) - int(counts.sum())      # hand out what flooring lost, largest first
    for i in np.argsort(-(sizes - counts), kind="stable")[: max(short, 0)]:
        counts[i] += 1
    return np.minimum(counts, sizes)


def seed_allocations(ev, kinds=("magnitude", "lamp"), ladder=LADDER) -> tuple[np.ndarray, list]:
    """Per-layer kept counts (rows) of cheap strong masks at a ladder of remaining ratios, and a label per
    row: ``magnitude`` = global magnitude pruning (the baseline), ``ends`` = the same with the first conv and
    the classifier kept dense, ``lamp`` = LAMP scores, ``erk`` = ERK allocation. Inside a layer each keeps the largest |w|, which is what a Phase-1 threshold keeps."""
    from .problem import lamp_importance

    sizes = np.asarray(ev.sizes, dtype=np.int64)
    rows, labels = [], []
    for kind in kinds:
        if kind == "magnitude":
            sc = ev.importance()
        elif kind == "ends":
            sc = ev.importance().copy()
            big = sc.max() + 1.0
            sc[ev.offsets[0]:ev.offsets[1]] = big                  # first conv and classifier kept dense
            sc[ev.offsets[-2]:ev.offsets[-1]] = big
        elif kind == "lamp":
            sc = lamp_importance(ev)
        elif kind != "erk":
            raise ValueError(f"unknown seed kind {kind!r}; use magnitude, ends, lamp or erk")
        for r in ladder:
            rows.append(erk_counts([tuple(w.shape) for w in ev.w0], r) if kind == "erk"
                        else counts_from_scores(sc, sizes, r))
            labels.append(f"{kind}@{r:g}")
    if not rows:
        return np.zeros((0, len(sizes)), dtype=np.int64), []
    return np.vstack(rows), labels
