import os

import pytest

torch = pytest.importorskip("torch")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("prune_cache")


@pytest.fixture(scope="session")
def digits_splits():
    pytest.importorskip("sklearn")
    from lsmoo_prune import data

    return data.load("digits", val_size=300, seed=0)


@pytest.fixture(scope="session")
def tiny_net(digits_splits, cache_dir):
    """ResNet-20 at width 8 trained briefly on digits (a few seconds), cached for the session."""
    from lsmoo_prune import train

    recipe = train.Recipe(epochs=10, batch_size=64, hflip=False)
    net, info = train.base_model("resnet20", digits_splits, seed=0, recipe=recipe, width=8,
                                 cache_dir=cache_dir, progress=False)
    return net, recipe


@pytest.fixture
def make_evaluator(tiny_net, digits_splits):
    """A MaskEvaluator of the tiny net on the digits validation split (sizes as asked); the dense
    weights and BN buffers are put back after the test."""
    from lsmoo_prune.evaluator import MaskEvaluator

    made = []

    def make(eval_size, calib_size):
        s = digits_splits
        e = MaskEvaluator(tiny_net[0], s.val_x, s.val_y, s.train_x, eval_size=eval_size,
                          calib_size=calib_size, device="cpu")
        made.append(e)
        return e

    yield make
    for e in made:
        e.apply(None)
        e.restore_bn()
