"""MobileNetV2 (Sandler et al. 2018): the bottleneck layer type, the built-in network and the
published figures of the paper, torchvision, Keras and TF-slim, through the real entry point.

The reference counts come from ``torchvision_count`` below: a transcription of how torchvision's
``mobilenetv2.py`` (and Keras's ``mobilenet_v2.py``) build the network, float ``_make_divisible``
and all, written independently of convcost's engine.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convcost import architectures, cost
from convcost.load import Source, load_yaml, validate
from convcost.network import compile_graph
from convcost.spec import NetworkSpec
from tests.conftest import SPECS, Run

V2 = ("model", "mobilenet_v2")

# --- an independent reference: torchvision's construction, transcribed ------------------------

TABLE2 = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1)]
TABLE2 += [(6, 160, 3, 2), (6, 320, 1, 1)]


def make_divisible(v: float, divisor: int = 8) -> int:
    """torchvision.models._utils._make_divisible (= TF-slim's, Keras's), in floats as written."""
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def torchvision_count(
    alpha: float = 1.0, res: int = 224, classes: int = 1000, standard: bool = False
) -> tuple[int, int, int]:
    """(MACs, conv/fc weights, BatchNorm channels) of torchvision's mobilenet_v2(width_mult=α).
    ``standard``: each depthwise 3×3 + projection 1×1 replaced by one full 3×3 conv."""
    macs = weights = bn = 0
    inp = make_divisible(32 * alpha)
    side = (res + 2 - 3) // 2 + 1  # 3×3, stride 2, padding 1
    macs, weights, bn = 27 * inp * side**2, 27 * inp, inp
    for t, c, n, s in TABLE2:
        out = make_divisible(c * alpha)
        for i in range(n):
            hidden = int(round(inp * t))  # noqa: RUF046 (as torchvision writes it)
            if t != 1:
                macs += inp * hidden * side**2
                weights += inp * hidden
                bn += hidden
            side = (side + 2 - 3) // (s if i == 0 else 1) + 1
            if standard:
                macs += 9 * hidden * out * side**2
                weights += 9 * hidden * out
                bn += out
            else:
                macs += 9 * hidden * side**2 + hidden * out * side**2
                weights += 9 * hidden + hidden * out
                bn += hidden + out
            inp = out
    last = make_divisible(1280 * max(1.0, alpha))
    macs += inp * last * side**2 + last * classes
    weights += inp * last + last * classes
    return macs, weights, bn + last


def total(run: Run, *args: str) -> tuple[int, int]:
    data = run.json(*V2, *args)
    return data["total"]["macs"], data["total"]["params"]


# --- the built-in and its YAML ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"), [("mobilenet_v1", "mobilenet_v1.yaml"), ("mobilenet_v2", "mobilenet_v2.yaml")]
)
def test_builtin_equals_its_yaml(name: str, path: str) -> None:
    data, source = load_yaml(str(SPECS / path))
    from_yaml = compile_graph(validate(NetworkSpec, data, source).normalized())
    assert compile_graph(architectures.builtin_spec(name)) == from_yaml
    # and the trusted built-in validates as a user spec would
    assert (
        validate(NetworkSpec, architectures.builtin_spec(name), Source(name)).name == from_yaml.name
    )


def test_aliases(run: Run) -> None:
    assert run.json("model", "mobilenetv2")["total"] == run.json(*V2)["total"]
    assert "mobilenet_v2  (aliases: mobilenetv2)" in run("model", "--list").stdout


# --- published figures --------------------------------------------------------------------------


def test_paper_1_0_224(run: Run) -> None:
    """Paper Table 3/4: MobileNetV2 (1.4 aside) 300M mult-adds, 3.4M parameters (weights only)."""
    macs, params = total(run)
    assert (macs, params) == (300_774_272, 3_469_760)
    assert macs // 10**6 == 300
    assert params // 10**5 == 34  # the paper truncates 3.47M to 3.4M
    assert (macs, params) == torchvision_count()[:2]


def test_torchvision_params_and_gflops(run: Run) -> None:
    """torchvision weights metadata: num_params 3,504,872, _ops 0.301 ("GFLOPS", really GMACs)."""
    macs, params = total(run, "--preset", "torchvision")
    assert params == 3_504_872
    assert round(macs / 10**9, 3) == 0.301
    _, weights, bn = torchvision_count()
    assert params == weights + 2 * bn + 1000  # γ, β per BN channel + the classifier's bias
    assert total(run, "--bias", "--bn-affine-only") == (macs, params)


def test_keras_total(run: Run) -> None:
    """Keras Applications table: MobileNetV2 3,538,984 parameters (BN moving stats counted)."""
    assert total(run, "--preset", "keras") == (300_774_272, 3_538_984)
    assert total(run, "--bias", "--bn")[1] == 3_538_984
    assert total(run, "--preset", "keras", "--bias", "--bn")[1] == 3_538_984  # flags that agree


# Keras's mobilenet_v2 docstring (from the TF-slim README): MACs (M) and parameters (M) per checkpoint.
SLIM = {
    (1.4, 224): (582, 6.06), (1.3, 224): (509, 5.34),
    (1.0, 224): (300, 3.47), (1.0, 192): (221, 3.47), (1.0, 160): (154, 3.47),
    (1.0, 128): (99, 3.47), (1.0, 96): (56, 3.47),
    (0.75, 224): (209, 2.61), (0.75, 192): (153, 2.61), (0.75, 160): (107, 2.61),
    (0.75, 128): (69, 2.61), (0.75, 96): (39, 2.61),
    (0.5, 224): (97, 1.95), (0.5, 192): (71, 1.95), (0.5, 160): (50, 1.95),
    (0.5, 128): (32, 1.95), (0.5, 96): (18, 1.95),
    (0.35, 224): (59, 1.66), (0.35, 192): (43, 1.66), (0.35, 160): (30, 1.66),
    (0.35, 128): (20, 1.66), (0.35, 96): (11, 1.66),
}  # fmt: skip


@pytest.mark.parametrize(("alpha", "res"), list(SLIM))
def test_tf_slim_table(run: Run, alpha: float, res: int) -> None:
    """All 22 checkpoints: MACs truncated to the million (0.75-192 is 153.9M, printed 153),
    parameters = weights of the 1001-class network, rounded to 0.01M."""
    macs, params = total(
        run, "--preset", "tf-slim", "--alpha", str(alpha), "--resolution", str(res)
    )
    assert (macs // 10**6, round(params / 10**6, 2)) == SLIM[(alpha, res)]
    assert (macs, params) == torchvision_count(alpha, res, classes=1001)[:2]


@pytest.mark.parametrize("alpha", [0.35, 0.5, 0.75, 1.0, 1.3, 1.4])
@pytest.mark.parametrize("res", [224, 160, 96])
def test_every_published_size_matches_torchvision_construction(
    run: Run, alpha: float, res: int
) -> None:
    macs, weights, bn = torchvision_count(alpha, res)
    args = ("--alpha", str(alpha), "--resolution", str(res))
    assert total(run, *args) == (macs, weights)
    assert total(run, *args, "--preset", "torchvision") == (macs, weights + 2 * bn + 1000)
    assert total(run, *args, "--preset", "keras") == (macs, weights + 4 * bn + 1000)


def test_new_user_commands(run: Run) -> None:
    """The issue's 'done when': per-block tables whose totals match the published figures."""
    wide = run(*V2, "--alpha", "1.4")
    assert wide.exit_code == 0
    assert "582.2M" in wide.stdout and "6.1M" in wide.stdout  # 582M / 6.06M
    assert "1×1×320×1792" not in wide.stdout  # 320 scales too: 448 → 1792
    assert "1×1×448×1792" in wide.stdout
    small = run(*V2, "--alpha", "0.35", "--resolution", "96")
    assert small.exit_code == 0
    assert "11.9M" in small.stdout and "1.7M" in small.stdout  # 11M (truncated) / 1.66M
    assert "1×1×112×1280" in small.stdout  # the last conv keeps 1280 below α = 1
    for result in (wide, small):
        assert max(len(line) for line in result.stdout.splitlines()) <= 80
        assert "residual adds free" in " ".join(result.stdout.split())


def test_feature_map_sides(run: Run) -> None:
    """224 → 112 → 56 → 28 → 14 → 7, as torchvision's padding 1 gives."""
    rows = run.json(*V2)["layers"]
    sides = [row["output"][0] for row in rows if row["type"] == "dw"]
    assert sorted(set(sides), reverse=True) == [112, 56, 28, 14, 7]
    assert rows[0]["output"] == [112, 112, 32]
    assert [r["output"] for r in rows if r["name"] == "conv2"] == [[7, 7, 1280]]


# --- the width rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c", "alpha", "expected"),
    [
        (32, "0.35", 16),  # 11.2 → 8 is more than 10% down → 16
        (16, "0.35", 8),  # 5.6 → never below 8
        (24, "0.35", 8),  # 8.4 → 8
        (160, "0.35", 56),  # 56 exactly
        (24, "1.4", 32),  # 33.6 → 32 (4.8% down)
        (1280, "1.4", 1792),
        (16, "0.56", 16),  # 8.96 → 8 is 10.7% down → 16 (Keras's int(8.96) = 8 keeps 8)
        (96, "0.75", 72),
        (160, "1.3", 208),
    ],
)
def test_divisible_width_rule(c: int, alpha: str, expected: int) -> None:
    assert cost.scale_channels(c, Fraction(alpha), "divisible", 8, 8) == expected


@given(st.integers(1, 400), st.sampled_from([16, 24, 32, 64, 96, 160, 320, 1280]))
def test_width_rule_agrees_with_make_divisible(hundredths: int, c: int) -> None:
    alpha = Fraction(hundredths, 100)
    scaled = cost.scale_channels(c, alpha, "divisible", 8, 8)
    assert scaled == make_divisible(c * hundredths / 100)
    assert scaled % 8 == 0 and scaled >= 8 and scaled >= Fraction(9, 10) * c * alpha


@pytest.mark.parametrize(
    ("alpha", "first", "last"),
    [("0.35", 16, 1280), ("0.5", 16, 1280), ("1.0", 32, 1280), ("1.4", 48, 1792)],
)
def test_first_and_last_conv(run: Run, alpha: str, first: int, last: int) -> None:
    rows = {row["name"]: row for row in run.json(*V2, "--alpha", alpha)["layers"]}
    assert rows["conv1"]["output"][2] == first
    assert rows["conv2"]["output"][2] == last


# --- one bottleneck, by formula ------------------------------------------------------------


def one_block(run: Run, tmp_path: Path, block: str, extra: tuple[str, ...] = ()) -> dict:  # type: ignore[type-arg]
    spec = tmp_path / "block.yaml"
    spec.write_text(f"name: one\ninput: {{size: 56, channels: 24}}\nlayers:\n  - {block}\n")
    data: dict = run.json("model", str(spec), *extra)  # type: ignore[type-arg]
    return data


def test_bottleneck_by_formula(run: Run, tmp_path: Path) -> None:
    """56×56×24, t = 6, c = 24, s = 1: expand 24→144, dw 3×3×144, project 144→24, add."""
    d = 56 * 56
    data = one_block(run, tmp_path, "{type: bottleneck, name: b, t: 6, c: 24}")
    rows = data["layers"]
    assert [(r["name"], r["type"]) for r in rows] == [
        ("b/exp", "pw"),
        ("b/dw", "dw"),
        ("b/proj", "pw"),
        ("b/add", "add"),
    ]
    assert {r["block"] for r in rows} == {"b"}
    assert [r["macs"] for r in rows] == [24 * 144 * d, 9 * 144 * d, 144 * 24 * d, 0]
    assert [r["params"] for r in rows] == [24 * 144, 9 * 144, 144 * 24, 0]
    assert data["total"] == {"macs": (24 * 144 * 2 + 9 * 144) * d, "params": 8_208}
    assert data["by_type"]["add"] == {"macs": 0, "params": 0}
    # torchvision: BN γ, β after each of the three convs, none on the add
    bn = one_block(run, tmp_path, "{type: bottleneck, name: b, t: 6, c: 24}", ("--bn-affine-only",))
    assert bn["total"]["params"] == 8_208 + 2 * (144 + 144 + 24)


def test_bottleneck_stride_repeats_and_t1(run: Run, tmp_path: Path) -> None:
    data = one_block(run, tmp_path, "{type: bottleneck, name: b, t: 6, c: 32, n: 3, s: 2}")
    names = [r["name"] for r in data["layers"]]
    assert names == [
        "b_1/exp", "b_1/dw", "b_1/proj",
        "b_2/exp", "b_2/dw", "b_2/proj", "b_2/add",
        "b_3/exp", "b_3/dw", "b_3/proj", "b_3/add",
    ]  # fmt: skip
    assert [r["stride"] for r in data["layers"] if r["type"] == "dw"] == [[2, 2], [1, 1], [1, 1]]
    assert data["layers"][-1]["output"] == [28, 28, 32]
    t1 = one_block(run, tmp_path, "{type: bottleneck, name: b, t: 1, c: 16}")
    assert [r["name"] for r in t1["layers"]] == ["b/dw", "b/proj"]  # no expand, 24 ≠ 16: no add
    assert t1["total"]["params"] == 9 * 24 + 24 * 16


def test_residual_follows_the_actual_shapes(run: Run, tmp_path: Path) -> None:
    """Like torchvision's `stride == 1 and inp == oup`, decided after α: 16 and 24 both round to
    8 channels at α = 0.35, so the second block gains its residual add."""
    spec = tmp_path / "two.yaml"
    spec.write_text(
        "name: two\ninput: {size: 8, channels: 16}\nwidth: {round: divisible, min_channels: 8}\n"
        "layers:\n  - {type: bottleneck, name: a, t: 6, c: 16}\n"
        "  - {type: bottleneck, name: b, t: 6, c: 24}\n"
    )
    adds = [r["name"] for r in run.json("model", str(spec))["layers"] if r["type"] == "add"]
    assert adds == ["a/add"]
    adds = [
        r["name"]
        for r in run.json("model", str(spec), "--alpha", "0.35")["layers"]
        if r["type"] == "add"
    ]
    assert adds == ["b/add"]  # input 16 is not scaled, 16 → 8 at a: no add; 8 → 8 at b: add


def test_ten_residual_adds_and_exact_sums(run: Run) -> None:
    data = run.json(*V2, "--preset", "keras")
    rows = data["layers"]
    assert sum(r["type"] == "add" for r in rows) == 10  # torchvision's use_res_connect count
    for key in ("macs", "params"):
        assert sum(r[key] for r in rows) == data["total"][key]
        assert sum(c[key] for c in data["by_type"].values()) == data["total"][key]
    assert data["conventions"]["residual_adds"].startswith("free")


# --- what-ifs -----------------------------------------------------------------------------


def test_as_standard(run: Run) -> None:
    """Each dw + projection as one full 3×3 conv, the expansion kept."""
    data = run.json(*V2, "--as", "standard")
    converted = data["converted"]
    macs, weights, _ = torchvision_count(standard=True)
    assert converted["total"] == {"macs": macs, "params": weights}
    assert (macs, weights) == (1_224_972_288, 11_111_136)
    assert data["conv_baseline"]["macs"] == macs
    kinds = [r["type"] for r in converted["layers"] if r["block"] == "block2_2"]
    assert kinds == ["pw", "conv", "add"]
    block = {r["name"]: r for r in converted["layers"]}["block2_2"]
    assert block["filter"] == "3×3×144×24"
    assert block["macs"] == 9 * 144 * 24 * 56 * 56
    table = run(*V2, "--as", "standard").stdout
    assert "4.07× fewer" in table  # 1,224,972,288 / 300,774,272 = 4.073


def test_mobilenet_v1_what_ifs_unchanged(run: Run) -> None:
    data = run.json("model", "mobilenet", "--as", "standard")
    assert data["converted"]["total"] == {"macs": 4_867_293_184, "params": 29_281_120}
    assert run.json("model", "mobilenet", "--preset", "keras")["total"]["params"] == 4_253_864


# --- presets and their conflicts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--preset", "paper", "--bias"), "--bias conflicts with --preset paper (no bias)"),
        (("--preset", "torchvision", "--bn"), "--bn conflicts with --preset torchvision"),
        (
            ("--preset", "keras", "--bn-affine-only"),
            "--bn-affine-only conflicts with --preset keras",
        ),
        (
            ("--preset", "tf-slim", "--classes", "1000"),
            "--classes 1000 conflicts with --preset tf-slim",
        ),
        (("--preset", "pytorch"), "'pytorch' is not one of"),
    ],
)
def test_preset_conflicts(run: Run, args: tuple[str, ...], needle: str) -> None:
    lines = run.bad(*V2, *args)
    assert any(needle in line for line in lines), lines


def test_preset_is_stated(run: Run) -> None:
    assert run.json(*V2, "--preset", "tf-slim")["classes"] == 1001
    assert run.json(*V2, "--preset", "torchvision")["conventions"]["preset"] == "torchvision"
    assert "preset" not in run.json(*V2)["conventions"]
    assert "torchvision convention:" in run(*V2, "--preset", "torchvision").stdout


# --- bad bottlenecks: one located line each, exit 2 ---------------------------------------------


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        (
            "{type: bottleneck, t: 0, c: 24}",
            "layers[0].t: 0 is not allowed: must be a positive integer",
        ),
        ("{type: bottleneck, t: 1.5, c: 24}", "layers[0].t: 1.5 is not allowed"),
        ("{type: bottleneck, t: 6, c: -8}", "layers[0].c: -8 is not allowed"),
        ("{type: bottleneck, t: 6, c: 24, n: 0}", "layers[0].n: 0 is not allowed"),
        ("{type: bottleneck, t: 6, c: 24, n: 5000}", "must be at most 1000"),
        ("{type: bottleneck, t: 6, c: 24, s: 0}", "layers[0].s: 0 is not allowed"),
        ("{type: bottleneck, t: 6}", "layers[0].c: missing, it is required"),
        ("{type: bottleneck, c: 24}", "layers[0].t: missing, it is required"),
        ("{type: bottleneck, t: 6, c: 24, stride: 2}", "'stride' in layers[0]; did you mean 's'?"),
        ("{type: bottleneck, t: 6, c: 24, repeat: 2}", "'repeat' in layers[0]; did you mean 'n'?"),
        (
            "{type: bottleneck, t: 6, c: 24, kernel_size: 9, padding: valid}",
            "larger than the padded input",
        ),
    ],
)
def test_bad_bottleneck(run: Run, entry: str, needle: str) -> None:
    text = f"name: bad\ninput: {{size: 4, channels: 8}}\nlayers:\n  - {entry}\n"
    lines = run.bad("model", "-", input=text)
    assert any(needle in line for line in lines), lines
    # spec problems name the YAML line; shape problems (found once α and D_F are known) the layer
    assert all(line.startswith(("<stdin>, line 4: ", "layers[0] (")) for line in lines), lines


def test_schema_knows_bottleneck(run: Run) -> None:
    out = run("schema").stdout
    assert '"bottleneck"' in out and "expansion factor" in out


def test_a_lone_dw_before_a_bottleneck_keeps_to_itself(run: Run, tmp_path: Path) -> None:
    """The expansion that opens a bottleneck never completes a standalone dw before it: the
    bottleneck keeps its own block (and its residual add), and the all-standard baseline turns
    only the bottleneck's dw + projection into one conv."""
    spec = tmp_path / "dw_then_bottleneck.yaml"
    spec.write_text(
        "name: t\ninput: {size: 32, channels: 3}\ndefaults: {padding: same}\nlayers:\n"
        "  - {type: conv, name: c1, kernel_size: 3, filters: 16}\n"
        "  - {type: dw, name: d1}\n"
        "  - {type: bottleneck, name: b, t: 6, c: 16}\n"
    )
    data = run.json("model", str(spec))
    assert [(row["name"], row["block"]) for row in data["layers"]] == [
        ("c1", "c1"),
        ("d1", "d1"),
        ("b/exp", "b"),
        ("b/dw", "b"),
        ("b/proj", "b"),
        ("b/add", "b"),
    ]
    area = 32 * 32
    baseline = (
        9 * 3 * 16 + 9 * 16 + 16 * 96 + 9 * 96 * 16
    ) * area  # conv, dw, exp, dw+proj as conv
    assert data["conv_baseline"]["macs"] == baseline
