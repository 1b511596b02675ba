import numpy as np
import pytest

torch = pytest.importorskip("torch")

import lsmoo
from lsmoo_prune import interop, models
from lsmoo_prune.evaluator import MaskEvaluator, global_magnitude_mask
from lsmoo_prune.problem import PruningProblem, taylor_importance


@pytest.fixture
def ev(make_evaluator):
    return make_evaluator(eval_size=200, calib_size=64)


def test_dense_mask_keeps_the_model(ev, digits_splits):
    full = np.ones(ev.n_var, dtype=bool)
    ev.bn_recal = False
    err = ev.error(full)
    assert err == pytest.approx(1 - ev.correct(ev.val_x, ev.val_y) / len(ev.val_y))
    assert err < 0.5                                           # the tiny net learned something


def test_masks_written_in_place_equal_baked_weights(ev, tiny_net):
    net, _ = tiny_net
    rng = np.random.default_rng(0)
    m = rng.random(ev.n_var) < 0.3
    ptrs = [w.data_ptr() for w in ev.weights]
    ev.apply(m)
    assert [w.data_ptr() for w in ev.weights] == ptrs         # same tensors, no copies
    md = interop.flat_to_dict(net, m, ev.names)
    for name, w, w0 in zip(ev.names, ev.weights, ev.w0):
        assert torch.equal(w, w0 * md[name])
    ev.apply(None)
    assert all(torch.equal(w, w0) for w, w0 in zip(ev.weights, ev.w0))


def test_bn_recalibration_changes_stats_and_helps(ev):
    m = global_magnitude_mask(ev.importance(), 0.3)
    ev.bn_recal = False
    e_plain = ev.error(m)
    ev.bn_recal = True
    ev.cache.clear()
    e_recal = ev.error(m)
    ev.prepare(m)
    rm = ev.bns[0].running_mean.clone()
    assert not torch.equal(rm, ev.bn_state0["bn1.running_mean"])
    assert e_recal <= e_plain + 0.05


def test_fitness_cache_and_objectives(ev):
    rng = np.random.default_rng(1)
    X = rng.random((3, ev.n_var)) < 0.5
    X = np.vstack([X, X[:1]])
    F = ev.evaluate(X)
    assert F.shape == (4, 2) and ev.stats["cache_hits"] >= 1
    assert np.allclose(F[:, 1], X.mean(1)) and F[0, 0] == F[3, 0]


def test_racing_skips_clearly_dominated(digits_splits, tiny_net):
    net, _ = tiny_net
    s = digits_splits
    e = MaskEvaluator(net, s.val_x, s.val_y, s.train_x, eval_size=300, calib_size=64, race_size=50)
    imp = e.importance()
    good = global_magnitude_mask(imp, 0.5)
    e_good = e.error(good)
    awful = global_magnitude_mask(-imp, 0.6)           # keeps the smallest weights, and more of them
    e_awful = e.error(awful)
    assert e.stats["raced_out"] == 1 and e.stats["evaluations"] == 2
    assert e_awful > e_good
    assert e.stats["images"] == 300 + 50
    e.apply(None); e.restore_bn()


def test_global_magnitude_mask():
    imp = np.array([0.1, 5, 3, 0.2, 4.0])
    assert global_magnitude_mask(imp, 0.4).tolist() == [False, True, False, False, True]
    assert global_magnitude_mask(imp, 0).sum() == 0 and global_magnitude_mask(imp, 1).all()


def test_problem_contract_and_short_hierarchical_run(ev):
    p = PruningProblem(ev)
    assert p.encoding == "binary" and p.n_obj == 2 and p.n_var == ev.n_var
    imp, grp = p.importance(), p.groups()
    assert imp.shape == (p.n_var,) and grp.shape == (p.n_var,) and grp.max() == len(ev.names) - 1
    X = np.random.default_rng(0).random((2, p.n_var)) < 0.4
    F, G = p.evaluate_checked(X)
    assert F.shape == (2, 2) and G is None
    res = lsmoo.minimize(p, "hierarchical", max_evals=40, seed=0, pop_size=10)
    assert res.F.shape[1] == 2 and res.evaluations == 40
    assert (res.F[:, 1] < 1).any()


def test_taylor_importance(ev):
    t = taylor_importance(ev, n_images=32)
    assert t.shape == (ev.n_var,) and np.isfinite(t).all() and (t > 0).any()


def test_registered_through_entry_points():
    assert "cnn_prune" in lsmoo.registry.problems.names()


def test_problem_by_name_trains_and_caches(cache_dir):
    from lsmoo_prune import train
    p = lsmoo.get_problem("cnn_prune", dataset="digits", width=4, cache_dir=str(cache_dir), eval_size=50,
                          calib_size=16, recipe=train.Recipe(epochs=1, batch_size=256, hflip=False))
    assert p.n_var == models.count_params(models.build("resnet20", in_channels=1, width=4))["prunable"]
    F, _ = p.evaluate_checked(np.ones((1, p.n_var), bool))
    assert F[0, 1] == 1.0


# ---------------------------------------------------------------- BN folding (the inference twin)
def _plain_logits(ev, x):
    ev.model.eval()
    with torch.inference_mode():
        return ev.model(x)


def test_folded_twin_matches_the_model(make_evaluator):
    from hypothesis import given, settings, strategies as st

    ev = make_evaluator(eval_size=200, calib_size=64)
    assert ev.folded is not None and len(ev.folded.items) == 19          # every conv → BN pair of ResNet-20
    assert ev.folded.net.fc is ev.model.fc                               # other modules are shared
    x = ev.val_x[:64]

    @settings(max_examples=12, deadline=None)
    @given(st.floats(0.05, 1.0), st.integers(0, 2**31 - 1), st.booleans())
    def check(keep, seed, recal):
        m = np.random.default_rng(seed).random(ev.n_var) < keep
        ev.bn_recal = recal
        ev.prepare(m)
        ref = _plain_logits(ev, x)
        ev.folded.refold()
        with torch.inference_mode():
            got = ev.folded.net(x)
        torch.testing.assert_close(got, ref, rtol=1e-4, atol=1e-4)

    check()


def test_folding_does_not_change_errors(tiny_net, digits_splits):
    s = digits_splits
    evs = [MaskEvaluator(tiny_net[0], s.val_x, s.val_y, s.train_x, eval_size=300, calib_size=64, device="cpu",
                         fold_bn=f) for f in (True, False)]
    assert evs[0].folded is not None and evs[1].folded is None
    rng = np.random.default_rng(5)
    try:
        for keep in (0.2, 0.5, 0.9):
            m = rng.random(evs[0].n_var) < keep
            e = [ev.error(m) for ev in evs]
            assert abs(e[0] - e[1]) <= 1 / 300                           # at most one near-tie flips
    finally:
        evs[0].apply(None)
        evs[0].restore_bn()


def test_no_twin_without_conv_bn_pairs():
    from lsmoo_prune.evaluator import _FoldedTwin

    assert _FoldedTwin.build(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))) is None

    class Untraceable(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.bn = torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2)

        def forward(self, x):
            if x.sum() > 0:                     # data-dependent control flow: fx cannot trace it
                x = -x
            return self.bn(self.conv(x))

    assert _FoldedTwin.build(Untraceable()) is None


def test_cpu_defaults_fold_and_no_graphs(ev, tiny_net, digits_splits):
    assert ev.graphs is False and ev._graph is None and ev.folded is not None
    s = digits_splits
    forced = MaskEvaluator(tiny_net[0], s.val_x, s.val_y, s.train_x, eval_size=50, device="cpu", graphs=True)
    assert forced.graphs is False and not forced._graph_usable()      # CUDA graphs need CUDA
