"""`convcost model FILE.onnx` and `convcost import FILE.onnx`, as a user runs them.

Figures: torchvision's (resnet50, squeezenet1_1, densenet121, mobilenet_v2; shared/reference.md)
and the model zoo's light files shipped in the onnx wheel (weights stubbed, shapes real).
tests/data/mobilenet_v2_torch_light.onnx is torchvision's mobilenet_v2 exported by torch 2.13 with
its weights stubbed the same way (bench/make_light_onnx.py says how it was made).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run

onnx = pytest.importorskip("onnx")

LIGHT = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
TORCH_V2 = str(ROOT / "tests" / "data" / "mobilenet_v2_torch_light.onnx")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("resnet50", (4_089_184_256, 25_557_032)),  # torchvision resnet50
        ("squeezenet", (349_151_936, 1_235_496)),  # torchvision squeezenet1_1
        ("vgg19", (19_632_062_464, 143_667_240)),  # torchvision vgg19
        ("densenet121", (2_834_161_664, 7_978_856)),  # torchvision densenet121
    ],
)
def test_model_zoo_files(run: Run, name: str, expected: tuple[int, int]) -> None:
    data = run.json("model", str(LIGHT / f"light_{name}.onnx"), "--preset", "torchvision")
    assert (data["total"]["macs"], data["total"]["params"]) == expected
    assert "not_counted" not in data and "lower_bound" not in data["total"]


def test_a_pytorch_export_of_mobilenet_v2(run: Run) -> None:
    data = run.json("model", TORCH_V2, "--preset", "torchvision")
    assert (data["total"]["macs"], data["total"]["params"]) == (300_774_272, 3_504_872)
    builtin = run.json("model", "mobilenet_v2", "--preset", "torchvision")
    # layer by layer the same mult-adds as the built-in (10 residual adds included)
    costed = [row["macs"] for row in data["layers"] if row["type"] != "add"]
    assert costed == [row["macs"] for row in builtin["layers"] if row["type"] != "add"]
    assert sum(row["type"] == "add" for row in data["layers"]) == 10


def test_import_round_trip_then_edit(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "v2.yaml"
    assert run("import", TORCH_V2, "-o", str(spec)).exit_code == 0
    again = run.json("model", str(spec), "--preset", "torchvision")
    assert (again["total"]["macs"], again["total"]["params"]) == (300_774_272, 3_504_872)
    # make the stem (3×3×3 → 32, stride 2, 224 → 112) depthwise-separable, and cost the variant
    text = spec.read_text(encoding="utf-8")
    stem = "{type: conv, name: features.0.0,"
    assert text.count(stem) == 1
    spec.write_text(text.replace(stem, "{type: separable, name: features.0.0,"), encoding="utf-8")
    edited = run.json("model", str(spec), "--preset", "torchvision")["total"]
    area = 112 * 112
    standard_macs, separable_macs = 27 * 32 * area, 27 * area + 3 * 32 * area
    # BatchNorm (γ, β) after each half now: 3 channels after the dw, 32 after the pw
    standard_params, separable_params = 27 * 32 + 2 * 32, 27 + 2 * 3 + 3 * 32 + 2 * 32
    assert edited["macs"] == 300_774_272 - standard_macs + separable_macs
    assert edited["params"] == 3_504_872 - standard_params + separable_params


def test_import_writes_stdout_and_says_where_it_came_from(run: Run) -> None:
    result = run("import", str(LIGHT / "light_bvlc_alexnet.onnx"))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Imported from light_bvlc_alexnet.onnx by `convcost import`")
    assert "Not costed (type: other, counted as 0): LRN ×2" in result.stdout


def test_uncosted_ops_are_listed_and_strict_refuses_them(run: Run) -> None:
    alexnet = str(LIGHT / "light_bvlc_alexnet.onnx")
    data = run.json("model", alexnet)
    assert data["total"]["lower_bound"] is True
    # conv1 11×11 stride 4 on 224 → 54×54×96; pool 3/2 → 26; conv2 (pad 2) → 26×26×256
    assert data["not_counted"] == {"LRN": {"count": 2, "elements": 54 * 54 * 96 + 26 * 26 * 256}}
    table = run("model", alexnet)
    assert "not counted: LRN ×2" in table.stdout and "lower bounds" in table.stdout
    (line,) = run.bad("model", alexnet, "--strict")
    assert "2 operations convcost does not cost (LRN ×2)" in line


def test_resolution_sweeps_an_onnx_model(run: Run) -> None:
    rows = run.json("sweep", TORCH_V2, "--resolution", "160,224", "--alpha", "1")
    assert [(r["resolution"][0], r["macs"]) for r in rows] == [
        (160, 154_083_200),  # torchvision mobilenet_v2 at 160 (tests/test_mobilenet_v2.py)
        (224, 300_774_272),
    ]
    pinned = run.json("model", TORCH_V2, "--input-shape", "1x3x160x160")
    assert pinned["total"]["macs"] == 154_083_200


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "is empty"),
        (b"name: not onnx\n", "not an ONNX model"),
        (None, "truncated"),
    ],
)
def test_a_bad_file_is_one_line(
    run: Run, tmp_path: Path, content: bytes | None, needle: str
) -> None:
    path = tmp_path / "bad.onnx"
    whole = Path(TORCH_V2).read_bytes()
    path.write_bytes(whole[: len(whole) // 2] if content is None else content)
    (line,) = run.bad("model", str(path))
    assert line.startswith(f"{path}: ") and needle in line, line


def test_import_refuses_other_files_and_unwritable_targets(run: Run, tmp_path: Path) -> None:
    (line,) = run.bad("import", "specs/resnet18.yaml")
    assert "not an ONNX file name" in line
    (line,) = run.bad("import", TORCH_V2, "-o", str(tmp_path / "no" / "such" / "dir.yaml"))
    assert line.startswith("--output: ") and "cannot be written" in line
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".convcost-")]


def test_input_shape_is_only_for_onnx(run: Run) -> None:
    (line,) = run.bad("model", "mobilenet", "--input-shape", "1x3x224x224")
    assert "applies to ONNX files" in line
    (line,) = run.bad("model", TORCH_V2, "--input-shape", "1x3x224")
    assert line.startswith("--input-shape: '1x3x224' is not allowed") and "N×C×H×W" in line
