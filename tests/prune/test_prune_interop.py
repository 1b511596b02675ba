import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lsmoo.errors import LsmooError
from lsmoo_prune import interop, models, train


def _masks(net, frac=0.3, seed=0):
    rng = np.random.default_rng(seed)
    names = models.prunable_names(net)
    D = models.count_params(net)["prunable"]
    return interop.flat_to_dict(net, rng.random(D) < frac, names)


def test_flat_dict_roundtrip():
    net = models.build("resnet20", in_channels=1, width=4)
    md = _masks(net)
    assert set(md) == set(models.prunable_names(net))
    flat = interop.dict_to_flat(net, md)
    assert np.array_equal(interop.dict_to_flat(net, interop.flat_to_dict(net, flat)), flat)
    with pytest.raises(LsmooError):
        interop.flat_to_dict(net, flat[:-1])


def test_torch_prune_interop_roundtrip():
    net = models.build("resnet20", in_channels=1, width=4).eval()
    md = _masks(net)
    ref = models.build("resnet20", in_channels=1, width=4).eval()
    ref.load_state_dict(net.state_dict())
    interop.bake(ref, md)
    interop.apply_torch_prune(net, md)
    back = interop.masks_from_torch_prune(net)
    assert set(back) == set(md) and all(torch.equal(back[k], md[k]) for k in md)
    x = torch.randn(2, 1, 8, 8)
    assert torch.allclose(net(x), ref(x), atol=1e-5)
    # a checkpoint saved with the prune hooks (weight_orig + weight_mask) loads into the plain architecture
    sd = net.state_dict()
    assert any(k.endswith("weight_orig") for k in sd)
    plain = interop.fold_prune_state_dict(sd)
    fresh = models.build("resnet20", in_channels=1, width=4).eval()
    fresh.load_state_dict(plain)
    assert torch.allclose(fresh(x), ref(x), atol=1e-5)
    interop.remove_torch_prune(net)
    assert not any(k.endswith("_mask") for k in net.state_dict())
    assert torch.allclose(net(x), ref(x), atol=1e-5)


def test_load_state_accepts_prune_checkpoints(tmp_path):
    net = models.build("resnet20", in_channels=1, width=4)
    interop.apply_torch_prune(net, _masks(net))
    torch.save({"state_dict": net.state_dict()}, tmp_path / "ck.pt")
    fresh = models.build("resnet20", in_channels=1, width=4)
    train.load_state(tmp_path / "ck.pt", fresh)
    assert float((fresh.conv1.weight == 0).float().mean()) > 0.5
    with pytest.raises(LsmooError, match="does not fit"):
        train.load_state(tmp_path / "ck.pt", models.build("resnet32", in_channels=1, width=4))
    with pytest.raises(LsmooError, match="not found"):
        train.load_state(tmp_path / "missing.pt", fresh)


def test_npz_roundtrip_with_summary(tmp_path):
    net = models.build("resnet20", in_channels=1, width=4)
    md = _masks(net)
    s = interop.summary(net, md)
    interop.save_masks_npz(tmp_path / "m.npz", md, s)
    back = interop.load_masks_npz(tmp_path / "m.npz")
    assert all(torch.equal(back[k], md[k]) for k in md)
    assert 0.25 < s["remaining"] < 0.35 and s["prunable"] == sum(m.numel() for m in md.values())
