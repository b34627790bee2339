"""Counting conventions by name (``--preset``): how the paper and each framework count the same
network, so that convcost reproduces each one's published figures exactly.

A preset fixes bias, BatchNorm and, for TF-slim, the classes; an explicit flag that says the same
is accepted, one that says otherwise is an error (a silent override would print a figure under
the wrong name).
"""

from __future__ import annotations

from typing import NamedTuple

from convcost.errors import SpecError
from convcost.network import BATCH_NORM, Conventions


class Preset(NamedTuple):
    bias: bool
    bn_params: int
    classes: int | None = None
    min_channels: int | None = None


PRESETS: dict[str, Preset] = {
    # weights only: no bias, no BatchNorm, pooling free (Howard et al. 2017, Sandler et al. 2018)
    "paper": Preset(bias=False, bn_params=0),
    # BatchNorm γ, β are parameters, running mean/var are buffers; the classifier has a bias
    "torchvision": Preset(bias=True, bn_params=2),
    # Keras counts BatchNorm's moving mean/variance too (non-trainable params); Dense has a bias
    "keras": Preset(bias=True, bn_params=4),
    # the TF-slim checkpoints' README tables: weights only, 1001 classes (background + 1000),
    # and its min_depth: no α-scaled layer below 8 channels
    "tf-slim": Preset(bias=False, bn_params=0, classes=1001, min_channels=8),
}


def resolve(
    preset: str | None,
    bias: bool = False,
    bn: bool = False,
    bn_affine_only: bool = False,
    flops: bool = False,
    classes: int | None = None,
    min_channels: int | None = None,
) -> tuple[Conventions, int | None, int | None]:
    """The conventions, classes and minimum channels of ``convcost model``'s flags, or a SpecError
    naming each flag that contradicts the preset. ``--bn-affine-only`` implies ``--bn`` (2 per
    channel, not 4)."""
    bn_params = 2 if bn_affine_only else 4 if bn else 0
    if preset is None:
        return Conventions(bias=bias, bn_params=bn_params, flops=flops), classes, min_channels
    chosen = PRESETS[preset]
    problems = []
    if bias and not chosen.bias:
        problems.append(f"--bias conflicts with --preset {preset} (no bias)")
    if bn_params and bn_params != chosen.bn_params:
        flag = "--bn-affine-only" if bn_affine_only else "--bn"
        problems.append(f"{flag} conflicts with --preset {preset} ({BATCH_NORM[chosen.bn_params]})")
    if classes is not None and chosen.classes is not None and classes != chosen.classes:
        problems.append(
            f"--classes {classes} conflicts with --preset {preset} ({chosen.classes} classes)"
        )
    if min_channels is not None and chosen.min_channels not in (None, min_channels):
        problems.append(
            f"--min-channels {min_channels} conflicts with --preset {preset} "
            f"(at least {chosen.min_channels})"
        )
    if problems:
        raise SpecError([f"{p}; drop one of them" for p in problems])
    conventions = Conventions(
        bias=chosen.bias, bn_params=chosen.bn_params, flops=flops, preset=preset
    )
    return (
        conventions,
        classes if classes is not None else chosen.classes,
        min_channels if min_channels is not None else chosen.min_channels,
    )
