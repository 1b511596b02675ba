import pytest

torch = pytest.importorskip("torch")

from lsmoo.errors import LsmooError
from lsmoo_prune import models

# ../shared/specs/pruning.md: params (CIFAR-10), conv weights, MACs per 32×32 image
SPEC = {
    "resnet20": (269_722, 267_696, 40.55e6),
    "resnet32": (464_154, 461_232, 68.86e6),
    "resnet44": (658_586, 654_768, 97.17e6),
    "resnet56": (853_018, 848_304, 125.49e6),
    "resnet110": (1_727_962, 1_719_216, 252.89e6),
}


@pytest.mark.parametrize("name", list(SPEC))
def test_parameter_counts_match_spec(name):
    params, conv, macs = SPEC[name]
    net = models.build(name, in_channels=3, num_classes=10)
    c = models.count_params(net)
    assert c["total"] == params
    assert c["conv_weights"] == conv
    assert c["prunable"] == conv + 64 * 10          # conv weights + FC weight, not biases / BN
    if name in ("resnet20", "resnet56"):
        assert round(models.count_macs(net, (3, 32, 32)) / 1e6, 2) == round(macs / 1e6, 2)


def test_option_a_shortcuts_have_no_parameters():
    net = models.build("resnet20")
    names = [n for n, _ in net.named_parameters()]
    assert not any("shortcut" in n for n in names)


@pytest.mark.parametrize("shape,cin", [((1, 28, 28), 1), ((1, 8, 8), 1), ((3, 32, 32), 3)])
def test_configurable_input_and_classes(shape, cin):
    net = models.build("resnet20", in_channels=cin, num_classes=7, width=4).eval()
    out = net(torch.zeros(2, *shape))
    assert out.shape == (2, 7)


def test_nonzero_counting():
    net = models.build("resnet20", in_channels=1, width=4)
    dense = models.count_macs(net, (1, 8, 8))
    with torch.no_grad():
        net.conv1.weight.zero_()
    assert models.count_macs(net, (1, 8, 8), nonzero_only=True) == dense - net.conv1.weight.numel() * 64


def test_bad_names_and_sizes():
    with pytest.raises(LsmooError, match="unknown model"):
        models.build("resnet21")
    with pytest.raises(LsmooError):
        models.build("resnet20", width=6)
    with pytest.raises(LsmooError):
        models.build("resnet20", in_channels=0)
