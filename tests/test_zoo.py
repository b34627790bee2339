"""The graph zoo: twelve real CNNs built in, each reproducing torchvision exactly.

The figures are torchvision's: ``num_params`` (weights, biases, BatchNorm γ and β) and "GFLOPS",
which are mult-adds of conv and linear layers (squeeze-excite's convs included), recounted from
shapes to the last digit (shared/reference.md) and checked against PyTorch with
bench/torch_reference.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from convcost import architectures
from convcost.graph import compile_graph
from convcost.load import Source, load_yaml, validate
from convcost.spec import NetworkSpec
from tests.conftest import SPECS, Run

TORCHVISION = {
    "resnet18": (1_814_073_344, 11_689_512),
    "resnet50": (4_089_184_256, 25_557_032),
    "vgg16": (15_470_264_320, 138_357_544),
    "vgg16_bn": (15_470_264_320, 138_365_992),
    "mobilenet_v3_large": (216_589_760, 5_483_032),
    "mobilenet_v3_small": (56_510_400, 2_542_856),
    "efficientnet_b0": (385_814_752, 5_288_548),
    "mnasnet1_0": (314_415_872, 4_383_312),
    "shufflenet_v2_x1_0": (144_907_992, 2_278_604),
    "squeezenet1_0": (818_924_576, 1_248_424),
    "squeezenet1_1": (349_151_936, 1_235_496),
    "densenet121": (2_834_161_664, 7_978_856),
    "mobilenet_v2": (300_774_272, 3_504_872),
}


@pytest.mark.parametrize(("name", "expected"), TORCHVISION.items(), ids=list(TORCHVISION))
def test_torchvision_figures(run: Run, name: str, expected: tuple[int, int]) -> None:
    total = run.json("model", name, "--preset", "torchvision")["total"]
    assert (total["macs"], total["params"]) == expected


@pytest.mark.parametrize("name", TORCHVISION)
def test_mult_adds_are_the_same_under_every_preset(run: Run, name: str) -> None:
    """Presets change what parameters count, never the conv and fc multiply-accumulates."""
    macs = {run.json("model", name, *p)["total"]["macs"] for p in ((), ("--preset", "keras"))}
    assert macs == {TORCHVISION[name][0]}


def test_resnet18_parameters_decompose(run: Run) -> None:
    """torchvision's 11,689,512 = weights + BatchNorm γ, β after every conv + the fc's bias."""
    data = run.json("model", "resnet18")
    weights = data["total"]["params"]
    bn_channels = sum(row["output"][2] for row in data["layers"] if row["type"] == "conv")
    assert weights + 2 * bn_channels + 1000 == 11_689_512


def test_a_network_without_batchnorm_never_gains_it(run: Run) -> None:
    """The issue's bug: --preset torchvision added BatchNorm to VGG-16 (138,361,768)."""
    for flags in (("--preset", "torchvision"), ("--preset", "keras"), ("--bn", "--bias")):
        assert run.json("model", "vgg16", *flags)["total"]["params"] == 138_357_544
    assert run.json("model", "vgg16", "--bn")["total"]["params"] == 138_357_544 - 13_416  # biases
    keras = run.json("model", "vgg16_bn", "--preset", "keras")["total"]["params"]
    assert keras == 138_365_992 + 2 * 4224  # Keras also counts the running mean and variance


def test_vgg_keeps_fc6_at_25088_inputs_at_any_resolution(run: Run) -> None:
    data = run.json("model", "vgg16", "--preset", "torchvision", "--resolution", "256")
    assert data["total"]["params"] == 138_357_544
    fc6 = next(row for row in data["layers"] if row["name"] == "fc6")
    assert fc6["input"] == [7, 7, 512] and fc6["macs"] == 25_088 * 4096
    convs = sum(row["macs"] for row in data["layers"] if row["type"] == "conv")
    at_224 = sum(
        row["macs"] for row in run.json("model", "vgg16")["layers"] if row["type"] == "conv"
    )
    assert convs * 224 * 224 == at_224 * 256 * 256  # every conv keeps its side ratio (k 3, p 1)


# --- the shipped YAML is the built-in -------------------------------------------------------------


@pytest.mark.parametrize("name", architectures.names())
def test_builtin_is_generated_from_its_spec(name: str) -> None:
    """scripts/sync_builtins.py writes each built-in from specs/NAME.yaml: run it after an edit."""
    text = (SPECS / f"{name}.yaml").read_text(encoding="utf-8")
    assert architectures.builtin_spec(name) == yaml.safe_load(text)


@pytest.mark.parametrize("name", architectures.names())
def test_builtin_compiles_as_its_validated_spec(name: str) -> None:
    data, source = load_yaml(str(SPECS / f"{name}.yaml"))
    validated = validate(NetworkSpec, data, source)
    assert compile_graph(validated.normalized()) == compile_graph(architectures.builtin_spec(name))
    assert validate(NetworkSpec, architectures.builtin_spec(name), Source(name)) == validated


# --- a user's ResNet-18, written from the README alone ----------------------------------------------


def _readme_spec(title: str) -> str:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split(title, 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_readme_resnet18_is_resnet18(run: Run) -> None:
    spec = _readme_spec("### A graph: ResNet-18 in 25 lines")
    total = run.json("model", "-", "--preset", "torchvision", input=spec)["total"]
    assert (total["macs"], total["params"]) == TORCHVISION["resnet18"]


# --- the "done when", as a new user types it -----------------------------------------------


def test_efficientnet_memory_and_resnet50_table(run: Run) -> None:
    memory = run.json("model", "efficientnet_b0", "--memory")
    assert memory["total"]["macs"] == TORCHVISION["efficientnet_b0"][0]
    peak = memory["memory"]["peak_activation"]
    # the stem's 112×112×32 input (3 channels at 224) and output, float32, is not the peak:
    # the first MBConv stage's SE keeps its 112×112×32 input alive through the block
    assert peak["bytes"] >= (224 * 224 * 3 + 112 * 112 * 32) * 4
    table = run("model", "resnet50", "--preset", "torchvision", "--exact")
    assert table.exit_code == 0
    assert "4,089,184,256" in table.stdout and "25,557,032" in table.stdout


def test_sweep_of_mobilenet_v3_small_equals_each_model(run: Run) -> None:
    rows = run.json("sweep", "mobilenet_v3_small", "--alpha", "0.5:1.25:0.25")
    assert [row["alpha"] for row in rows[::4]] == [0.5, 0.75, 1.0, 1.25]
    for row in rows:
        h, w = row["resolution"]
        model = run.json(
            "model", "mobilenet_v3_small", "--alpha", str(row["alpha"]), "--resolution", f"{h}x{w}"
        )
        assert (row["macs"], row["params"]) == (model["total"]["macs"], model["total"]["params"])
    full = next(r for r in rows if r["alpha"] == 1.0 and r["resolution"] == [224, 224])
    assert full["macs"] == TORCHVISION["mobilenet_v3_small"][0]


def test_as_standard_on_mobilenet_v3(run: Run) -> None:
    data = run.json("model", "mobilenet_v3_large", "--as", "standard")
    assert data["total"]["macs"] == TORCHVISION["mobilenet_v3_large"][0]
    converted = data["converted"]
    assert not any(row["type"] == "dw" for row in converted["layers"])
    assert converted["total"]["macs"] > 4 * data["total"]["macs"]


# --- who counts what: the published figures other sources print --------------------------------


@pytest.mark.parametrize(
    ("args", "expected", "published"),
    [
        # TF-slim README: Large 217 M / 5.4 M, Small's code 56.5 M; MACs truncated to the million
        (("mobilenet_v3_large", "--preset", "tf-slim"), (216_591_040, 5_452_552), (216, 5.4)),
        (("mobilenet_v3_small", "--preset", "tf-slim"), (56_511_424, 2_526_856), (56, 2.5)),
        # TF-slim README, depth multiplier 0.75: Large 155 M / 4.0 M, Small 44 M / 2.4 M
        (
            ("specs/mobilenet_v3_large_075_slim.yaml", "--preset", "tf-slim"),
            (154_561_904, 3_969_488),
            (154, 4.0),
        ),
        (
            ("specs/mobilenet_v3_small_075_slim.yaml", "--preset", "tf-slim"),
            (43_767_216, 2_395_752),
            (43, 2.4),
        ),
        # TF-slim README, MobileNetV2 1.4: 582 M / 6.06 M
        (
            ("mobilenet_v2", "--alpha", "1.4", "--preset", "tf-slim"),
            (582_197_616, 6_061_632),
            (582, 6.06),
        ),
        # Keras EfficientNetB0: 5,330,571 = these 5,330,564 + its Normalization layer's 7 values
        (("efficientnet_b0", "--preset", "keras"), (385_814_752, 5_330_564), (385, 5.33)),
    ],
)
def test_other_sources_figures(
    run: Run, args: tuple[str, ...], expected: tuple[int, int], published: tuple[int, float]
) -> None:
    total = run.json("model", *args)["total"]
    assert (total["macs"], total["params"]) == expected
    macs_m, params_m = published
    assert total["macs"] // 10**6 == macs_m  # sources truncate mult-adds to the million
    # parameters: TF-slim's README truncates some (5.45 M → "5.4") and rounds others (3.97 → "4.0")
    digits = len(str(params_m).split(".")[1])
    scaled = total["params"] * 10**digits
    shown = {scaled // 10**6, (scaled + 5 * 10**5) // 10**6}
    assert round(params_m * 10**digits) in shown
