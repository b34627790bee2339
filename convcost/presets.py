"""Counting conventions by name (``--preset``): how the paper, each framework and each counting
tool count the same network, so that convcost reproduces each one's published or printed figures
exactly.

A preset fixes bias, BatchNorm and, for TF-slim, the classes; an explicit flag that says the same
is accepted, one that says otherwise is an error (a silent override would print a figure under
the wrong name). A tool preset (fvcore, ptflops, ...) also counts every other op the way that
tool does (``tools.py``), so ``convcost model`` can print the tool's figure and decompose it.
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
    tool: bool = False
    """A tool's way of counting (``tools.py``): ``model`` reports its figure and decomposes it."""
    swept: bool = True
    """Whether ``sweep`` and ``fit`` can count it: not a tool whose figure counts more than
    mult-adds (its other ops are counted by ``model`` only)."""


# every torch-based tool counts model.parameters(): weights, biases, BatchNorm γ and β
_TORCH_TOOL = Preset(bias=True, bn_params=2, tool=True, swept=False)

PRESETS: dict[str, Preset] = {
    # weights only: no bias, no BatchNorm, pooling free (Howard et al. 2017, Sandler et al. 2018)
    "paper": Preset(bias=False, bn_params=0),
    # BatchNorm γ, β are parameters, running mean/var are buffers; the classifier has a bias
    "torchvision": Preset(bias=True, bn_params=2),
    # Keras counts BatchNorm's moving mean/variance too (non-trainable params); Dense has a bias;
    # it prints parameters only (model.summary()), so sweep and fit can count it
    "keras": Preset(bias=True, bn_params=4, tool=True),
    # the TF-slim checkpoints' README tables: weights only, 1001 classes (background + 1000),
    # and its min_depth: no α-scaled layer below 8 channels
    "tf-slim": Preset(bias=False, bn_params=0, classes=1001, min_channels=8),
    "fvcore": _TORCH_TOOL,
    "ptflops": _TORCH_TOOL,
    "ptflops-aten": _TORCH_TOOL,
    "thop": _TORCH_TOOL,
    "torchinfo": _TORCH_TOOL,
    "flopcounter": _TORCH_TOOL,
    # onnx-tool counts initializers: BatchNorm's running mean and variance too
    "onnx-tool": Preset(bias=True, bn_params=4, tool=True, swept=False),
}


def resolve(
    preset: str | None,
    bias: bool = False,
    bn: bool = False,
    bn_affine_only: bool = False,
    flops: bool = False,
    classes: int | None = None,
    min_channels: int | None = None,
    ops: bool = False,
    fold_bn: bool = False,
    explain: str | None = None,
    command: str = "model",
) -> tuple[Conventions, int | None, int | None]:
    """The conventions, classes and minimum channels of ``convcost model``'s flags, or a SpecError
    naming each flag that contradicts the preset. ``--bn-affine-only`` implies ``--bn`` (2 per
    channel, not 4); ``--fold-bn`` implies ``--ops``; ``--explain TOOL`` is ``--preset TOOL``."""
    bn_params = 2 if bn_affine_only else 4 if bn else 0
    counting = "convcost" if ops or fold_bn else None
    if explain is not None and preset not in (None, explain):
        raise SpecError(f"--explain {explain} conflicts with --preset {preset}; drop one of them")
    preset = explain or preset
    if preset is None:
        conventions = Conventions(bias, bn_params, flops, None, counting, fold_bn)
        return conventions, classes, min_channels
    chosen = PRESETS[preset]
    problems = []
    if not chosen.swept and command != "model":
        problems.append(
            f"--preset {preset} counts that tool's other ops, which convcost model alone counts "
            f"(sweep and fit count mult-adds and parameters: --preset torchvision counts the "
            f"same parameters)"
        )
    if fold_bn and chosen.tool:
        problems.append(f"--fold-bn conflicts with --preset {preset} (it counts as {preset} does)")
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
        raise SpecError([f"{p}; drop one of them" if "conflicts" in p else p for p in problems])
    if chosen.tool and command == "model":
        counting = preset
    conventions = Conventions(chosen.bias, chosen.bn_params, flops, preset, counting, fold_bn)
    return (
        conventions,
        classes if classes is not None else chosen.classes,
        min_channels if min_channels is not None else chosen.min_channels,
    )
