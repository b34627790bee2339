"""torch.onnx.export of torchvision models, read by convcost, against the built-in networks:
layer by layer.

Run by hand in an environment with torch, torchvision and onnx (see bench/torch_reference.py for
the torchvision import workaround on this machine), convcost installed:

    /work/tv-venv/bin/python bench/compare_onnx.py

BatchNorm's parameters and statistics and every bias are made random first (seeded), so that no
all-zero bias is dropped by the exporter. Each model is exported twice: by the legacy exporter with constant folding off (opset 17: every
BatchNorm stays a BatchNormalization node, as torchvision counts it) and by the default exporter
(opset 18: BatchNorm folded into the convs, so a conv bias of N parameters stands where
torchvision counts γ and β, 2N). For each export it prints, under --preset torchvision, the
file's mult-adds and parameters beside the built-in's, and whether every conv and fc layer's
mult-adds agree in order; exits 1 on any difference the folding does not explain.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from torch_reference import define_torchvision_ops

import convcost

MODELS = ("mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0", "resnet18")
COSTED = ("conv", "dw", "pw", "fc")


def export(name: str, folder: str, folded: bool) -> str:
    import torch

    define_torchvision_ops()
    import torchvision

    model = getattr(torchvision.models, name)().eval()
    randomize(model)
    path = f"{folder}/{name}{'' if folded else '_bn'}.onnx"
    x = torch.randn(1, 3, 224, 224)
    options = (
        {"dynamo": True, "opset_version": 18}
        if folded
        else {"dynamo": False, "opset_version": 17, "do_constant_folding": False}
    )
    torch.onnx.export(model, (x,), path, input_names=["x"], **options)
    return path


def randomize(model: object) -> None:
    """BatchNorm's parameters and statistics and every bias random (seeded): with torchvision's
    initial values (β = 0, mean 0, zero biases) the exporters drop all-zero biases and merge equal
    tensors, and the file would not have the structure the model has."""
    import torch

    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for module in model.modules():  # type: ignore[attr-defined]
            for attribute in ("bias", "weight", "running_mean", "running_var"):
                tensor = getattr(module, attribute, None)
                is_norm = isinstance(module, torch.nn.BatchNorm2d)
                if tensor is None or (attribute != "bias" and not is_norm):
                    continue
                values = torch.rand(tensor.shape, generator=generator) + 0.5
                tensor.copy_(values)


def main() -> int:
    failures = 0
    print(f"{'network':<20} {'export':<12} {'mult-adds':>14} {'params':>11}  against the built-in")
    with tempfile.TemporaryDirectory() as folder:
        for name in MODELS:
            builtin = convcost.model(name, preset="torchvision")
            wanted = [row.macs for row in builtin.layers if row.type in COSTED]
            for folded in (False, True):
                report = convcost.model(export(name, folder, folded), preset="torchvision")
                got = [row.macs for row in report.layers if row.type in COSTED]
                same_layers = got == wanted
                bn_channels = sum(
                    row.output[2]
                    for row in builtin.layers
                    # BatchNorm follows where the spec says so, or leaves it to the count (unset)
                    if row.node is not None
                    and row.node.bn is not False
                    and row.type in ("conv", "dw", "pw")
                )
                # folding leaves a bias of N where torchvision counts BatchNorm's 2N
                expected_params = builtin.params - (bn_channels if folded else 0)
                ok = (
                    same_layers and report.macs == builtin.macs and report.params == expected_params
                )
                failures += not ok
                label = "BN folded" if folded else "BN kept"
                verdict = (
                    "equal, layer by layer" if ok else f"DIFFERS (layers equal: {same_layers})"
                )
                if ok and folded:
                    verdict += f" (params − {bn_channels:,}: BN folded into biases)"
                print(f"{name:<20} {label:<12} {report.macs:>14,} {report.params:>11,}  {verdict}")
    print(f"{2 * len(MODELS) - failures} of {2 * len(MODELS)} exports agree with the built-ins")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
