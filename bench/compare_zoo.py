"""The graph zoo against PyTorch, layer by layer: every built-in network at several sizes, built by
torchvision and run once, against convcost's rows.

Run by hand in an environment with torch and torchvision (see bench/torch_reference.py for the
torchvision import workaround on this machine), with convcost importable (`pip install -e .`):

    /work/tv-venv/bin/python bench/compare_zoo.py

For each network and size it compares, in execution order, the mult-adds of every conv and linear
layer torch ran with convcost's conv/dw/pw/fc rows, and torchvision's parameter count
(`sum(p.numel())`) with convcost's `--preset torchvision` total; it prints one line per case and
exits 1 if any differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from torch_reference import reference

from convcost.load import load_network
from convcost.presets import resolve
from convcost.report import Size, analyze_network

CASES: list[tuple[str, tuple[int, int], dict[str, object], float]] = [
    ("resnet18", (224, 224), {}, 1.0),
    ("resnet18", (160, 192), {}, 1.0),
    ("resnet50", (224, 224), {}, 1.0),
    ("resnet50", (160, 160), {}, 1.0),
    ("vgg16", (224, 224), {}, 1.0),
    ("vgg16", (256, 256), {}, 1.0),
    ("vgg16_bn", (224, 224), {}, 1.0),
    ("mobilenet_v2", (224, 224), {}, 1.0),
    ("mobilenet_v2", (224, 224), {"width_mult": 1.4}, 1.4),
    ("mobilenet_v3_large", (224, 224), {}, 1.0),
    ("mobilenet_v3_large", (224, 224), {"width_mult": 0.75}, 0.75),
    ("mobilenet_v3_large", (193, 193), {}, 1.0),
    ("mobilenet_v3_small", (224, 224), {}, 1.0),
    ("mobilenet_v3_small", (224, 224), {"width_mult": 0.75}, 0.75),
    ("mobilenet_v3_small", (224, 224), {"width_mult": 0.5}, 0.5),
    ("efficientnet_b0", (224, 224), {}, 1.0),
    ("efficientnet_b0", (256, 256), {}, 1.0),
    ("mnasnet1_0", (224, 224), {}, 1.0),
    ("mnasnet1_0", (200, 200), {}, 1.0),
    ("shufflenet_v2_x1_0", (224, 224), {}, 1.0),
    ("shufflenet_v2_x1_0", (160, 160), {}, 1.0),
    ("squeezenet1_0", (224, 224), {}, 1.0),
    ("squeezenet1_0", (200, 200), {}, 1.0),
    ("squeezenet1_1", (224, 224), {}, 1.0),
    ("densenet121", (224, 224), {}, 1.0),
    ("densenet121", (192, 192), {}, 1.0),
]


def convcost_rows(name: str, hw: tuple[int, int], alpha: float) -> tuple[list[int], int, int]:
    conventions, classes, min_channels = resolve("torchvision")
    size = Size(alpha=alpha, resolution=hw, classes=classes, min_channels=min_channels)
    report = analyze_network(load_network(name), size, conventions)
    macs = [row.cost.macs for row in report.rows if row.kind in ("conv", "dw", "pw", "fc")]
    return macs, report.total.macs, report.total.params


def main() -> int:
    failures = 0
    print(
        f"{'network':<20} {'size':>9} {'α':>5} {'layers':>7} {'mult-adds':>15} {'params':>12}  result"
    )
    for name, hw, kwargs, alpha in CASES:
        ref = reference(name, hw, dict(kwargs))
        torch_macs = [layer["macs"] for layer in ref["layers"] if layer["macs"] is not None]
        mine, total, params = convcost_rows(name, hw, alpha)
        problems = []
        if mine != torch_macs:
            first = next(
                (i for i, (a, b) in enumerate(zip(mine, torch_macs, strict=False)) if a != b),
                min(len(mine), len(torch_macs)),
            )
            problems.append(f"layer {first} differs ({len(mine)} vs {len(torch_macs)} layers)")
        if total != ref["totals"]["macs"]:
            problems.append(f"mult-adds {total:,} vs torch {ref['totals']['macs']:,}")
        if params != ref["totals"]["params"]:
            problems.append(f"params {params:,} vs torch {ref['totals']['params']:,}")
        failures += bool(problems)
        size = f"{hw[0]}x{hw[1]}"
        verdict = "; ".join(problems) or "equal, layer by layer"
        print(
            f"{name:<20} {size:>9} {alpha:>5g} {len(mine):>7} {total:>15,} {params:>12,}  {verdict}"
        )
    print(f"{len(CASES) - failures} of {len(CASES)} cases equal to PyTorch")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
