import json

import numpy as np
import pytest
import torch

from lsmoo.errors import LsmooError
from lsmoo_prune import models, train


def test_recipe_key_without_sizes_is_unchanged():
    # cached base models trained before progressive resizing existed keep their cache key
    r = train.Recipe()
    assert "sizes" not in json.loads(r.key())
    assert json.loads(train.Recipe(epochs=2, sizes=(20, 28)).key())["sizes"] == [20, 28]
    assert train.Recipe(epochs=2, sizes=(20, 28)).key() != train.Recipe(epochs=2).key()


def test_recipe_sizes_are_checked():
    with pytest.raises(LsmooError, match="2 sizes for 3 epochs"):
        train.Recipe(epochs=3, sizes=(14, 28))
    with pytest.raises(LsmooError, match=">= 8"):
        train.Recipe(epochs=1, sizes=(4,))


def test_progressive_resizing_feeds_smaller_inputs(digits_splits, monkeypatch):
    seen = []
    net = models.build("resnet20", in_channels=1, num_classes=10, width=4)
    orig = net.forward

    def spy(x):
        if net.training:
            seen.append(x.shape[-1])
        return orig(x)

    monkeypatch.setattr(net, "forward", spy)
    # digits are 8x8: the first epoch upsamples to 12, the second trains at the native size
    train.train_model(net, digits_splits, train.Recipe(epochs=2, batch_size=512, hflip=False, sizes=(12, 8)),
                      progress=False)
    n = -(-len(digits_splits.train_y) // 512)
    assert seen == [12] * n + [8] * n
    # fine-tuning (epochs given explicitly) never resizes
    seen.clear()
    train.train_model(net, digits_splits, train.Recipe(epochs=2, batch_size=512, hflip=False, sizes=(12, 8)),
                      epochs=1, progress=False)
    assert seen == [8] * n


def test_training_is_deterministic(digits_splits):
    r = train.Recipe(epochs=1, batch_size=256, hflip=False)
    outs = []
    for _ in range(2):
        torch.manual_seed(0)
        net = models.build("resnet20", in_channels=1, num_classes=10, width=4)
        train.train_model(net, digits_splits, r, seed=3, progress=False)
        outs.append(np.concatenate([p.detach().numpy().ravel() for p in net.parameters()]))
    np.testing.assert_array_equal(outs[0], outs[1])
