"""The search engine of lsmoo prune: seeds, archive, focus band."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

import lsmoo
from lsmoo_prune.evaluator import global_magnitude_mask
from lsmoo_prune.problem import PruningProblem, lamp_importance
from lsmoo_prune.search import PruneSearch, counts_from_scores, erk_counts, seed_allocations


@pytest.fixture
def ev(make_evaluator):
    return make_evaluator(eval_size=100, calib_size=32)


def test_seed_allocations_are_the_global_masks(ev):
    S, labels = seed_allocations(ev, ("magnitude", "lamp", "erk", "ends"), ladder=(0.5, 0.2))
    assert labels == ["magnitude@0.5", "magnitude@0.2", "lamp@0.5", "lamp@0.2", "erk@0.5", "erk@0.2",
                      "ends@0.5", "ends@0.2"]
    D = ev.n_var
    assert [int(c) for c in S.sum(1)] == [int(np.floor(r * D + 1e-9)) for r in (0.5, 0.2) * 4]
    assert (S <= np.array(ev.sizes)).all() and (S >= 0).all()
    assert S[6, 0] == ev.sizes[0] and S[6, -1] == ev.sizes[-1]          # ends: first conv and fc dense
    # per-layer counts of the global magnitude mask; in a layer both keep the largest |w|
    m = global_magnitude_mask(ev.importance(), S[0].sum() / D)
    assert np.add.reduceat(m.astype(int), ev.offsets[:-1]).tolist() == S[0].tolist()
    lm = global_magnitude_mask(lamp_importance(ev), S[2].sum() / D)
    assert np.add.reduceat(lm.astype(int), ev.offsets[:-1]).tolist() == S[2].tolist()
    assert counts_from_scores(np.arange(6.0), [3, 3], 0.5).tolist() == [0, 3]
    assert erk_counts([(4, 1, 3, 3), (8, 4, 3, 3)], 1.0).tolist() == [36, 288]
    c = erk_counts([(4, 1, 3, 3), (8, 4, 3, 3), (10, 8)], 0.3)
    assert c.sum() == int(0.3 * (36 + 288 + 80)) and c[0] / 36 > c[1] / 288      # small layers denser


def test_archive_keeps_the_seeds_when_nothing_beats_them(ev):
    p = PruningProblem(ev)
    S, labels = seed_allocations(ev, ("magnitude", "lamp"), ladder=(0.6, 0.4, 0.2))
    algo = PruneSearch(pop_size=6, phase1_share=0.9, seeds=S)
    res = lsmoo.minimize(p, algo, max_evals=30, seed=0)
    assert res.evaluations == 30
    M, F = algo.archive()
    seeds = algo._masks_from_thresholds(1.0 - S / algo.group_size[None, :])
    assert np.array_equal(seeds.sum(1), S.sum(1))                   # thresholds decode to the seeds exactly
    Fs = ev.evaluate(seeds)
    keys = {ev.key(m) for m in M}
    for m, f in zip(seeds, Fs):
        dominated = ((F <= f).all(1) & (F < f).any(1)).any()
        assert dominated or ev.key(m) in keys or ((F == f).all(1)).any()
    # the archive is mutually non-dominated and its F matches its masks
    assert not any(((F <= F[i]).all(1) & (F < F[i]).any(1)).any() for i in range(len(F)))
    assert np.allclose(F[:, 1], M.mean(1))


def test_focus_band_only_changes_what_the_engine_sees(ev):
    algo = PruneSearch(pop_size=4, focus_lo=0.1, focus_hi=0.7)
    F = np.array([[0.5, 0.05], [0.2, 0.3], [0.1, 0.9]])
    G = algo.focused(F)
    assert np.allclose(G, [[0.5, 0.15], [0.2, 0.3], [0.3, 0.9]]) and F[0, 1] == 0.05
    assert PruneSearch(pop_size=4).focused(F) is F
    with pytest.raises(ValueError):
        PruneSearch(pop_size=4, focus_lo=0.8, focus_hi=0.7)
