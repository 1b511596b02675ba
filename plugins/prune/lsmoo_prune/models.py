"""CIFAR ResNets of He et al. (2016) with option-A (zero-padding, parameter-free) shortcuts.

``build("resnet20", in_channels=1, num_classes=10)`` returns an ``nn.Module``; depth 6n+2 with
n = 3, 5, 7, 9, 18 for ResNet-20/32/44/56/110. ``width`` (default 16) scales the three stages
(16/32/64 channels); tiny widths are for tests only. The stem is a 3×3 convolution at stride 1, so any
input size ≥ 4×4 works (28×28 Fashion-MNIST, 8×8 digits: 8→4→2 spatially).
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from lsmoo.errors import LsmooError

DEPTHS = {"resnet20": 3, "resnet32": 5, "resnet44": 7, "resnet56": 9, "resnet110": 18}


class _ShortcutA(nn.Module):
    """Option A: subsample spatially and zero-pad the channels (no parameters)."""

    def __init__(self, pad: int):
        super().__init__()
        self.pad = pad

    def forward(self, x):
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))


class BasicBlock(nn.Module):
    def __init__(self, in_planes: int, planes: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        if stride != 1 or in_planes != planes:
            self.shortcut = _ShortcutA((planes - in_planes) // 2)
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, n: int, in_channels: int = 3, num_classes: int = 10, width: int = 16):
        super().__init__()
        w = width
        self.conv1 = nn.Conv2d(in_channels, w, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(w)
        layers, in_planes = [], w
        for planes, stride in ((w, 1), (2 * w, 2), (4 * w, 2)):
            blocks = []
            for i in range(n):
                blocks.append(BasicBlock(in_planes, planes, stride if i == 0 else 1))
                in_planes = planes
            layers.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = layers
        self.fc = nn.Linear(4 * w, num_classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


def build(name: str = "resnet20", in_channels: int = 3, num_classes: int = 10, width: int = 16) -> nn.Module:
    """Build a CIFAR ResNet by name (resnet20/32/44/56/110)."""
    key = str(name).lower().replace("-", "")
    if key not in DEPTHS:
        raise LsmooError(f"unknown model {name!r}; known: {', '.join(DEPTHS)}")
    for v, what in ((in_channels, "in_channels"), (num_classes, "num_classes"), (width, "width")):
        if not isinstance(v, int) or v <= 0:
            raise LsmooError(f"{what} must be a positive integer, got {v!r}")
    if width % 4:
        raise LsmooError(f"width must be a multiple of 4 (option-A padding), got {width}")
    return CifarResNet(DEPTHS[key], in_channels, num_classes, width)


# ------------------------------------------------------------------------------------------ counting
def prunable_names(model: nn.Module) -> list[str]:
    """Names of the prunable weights: every conv weight and the weight of every Linear layer."""
    out = []
    for mname, m in model.named_modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            out.append(f"{mname}.weight" if mname else "weight")
    return out


def count_params(model: nn.Module) -> dict:
    total = sum(p.numel() for p in model.parameters())
    conv = sum(m.weight.numel() for m in model.modules() if isinstance(m, nn.Conv2d))
    prunable = sum(dict(model.named_parameters())[n].numel() for n in prunable_names(model))
    return {"total": total, "conv_weights": conv, "prunable": prunable}


def layer_macs_per_weight(model: nn.Module, input_shape) -> dict:
    """MACs contributed by each weight element of every prunable layer (= output spatial size for a
    conv, 1 for a Linear), found with one forward pass on zeros."""
    sizes = {}
    hooks = []
    for mname, m in model.named_modules():
        if isinstance(m, nn.Conv2d):
            def hook(mod, inp, out, key=f"{mname}.weight"):
                sizes[key] = out.shape[-1] * out.shape[-2]  # each weight is used once per output position
            hooks.append(m.register_forward_hook(hook))
        elif isinstance(m, nn.Linear):
            sizes[f"{mname}.weight"] = 1
    was = model.training
    model.eval()
    try:
        p = next(model.parameters())
        with torch.no_grad():
            model(torch.zeros((1, *input_shape), dtype=p.dtype, device=p.device))
    finally:
        for h in hooks:
            h.remove()
        model.train(was)
    return sizes


def count_macs(model: nn.Module, input_shape, nonzero_only: bool = False) -> int:
    """MACs per image of the conv and FC layers (BN, ReLU, pooling and shortcuts not counted — the
    convention of the published ResNet tables). ``nonzero_only`` counts only non-zero weights."""
    per = layer_macs_per_weight(model, input_shape)
    params = dict(model.named_parameters())
    total = 0
    for name, k in per.items():
        w = params[name]
        n = int((w != 0).sum()) if nonzero_only else w.numel()
        total += n * k
    return int(total)
