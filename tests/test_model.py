"""`convcost model`: MobileNetV1 reproduces the paper's tables; conventions reproduce Keras."""

from __future__ import annotations

import csv
import io
import json

import pytest

from convcost import cost
from convcost.architectures import builtin_spec
from convcost.load import load_yaml, validate
from convcost.network import compile_graph
from convcost.spec import NetworkSpec
from tests.conftest import SPECS, Run

M = 10**6

# MobileNetV1 1.0-224 under the paper's convention, derived layer by layer from Table 1 (below).
PAPER_MACS = 568_740_352
PAPER_PARAMS = 4_209_088


def mobilenet_by_hand(alpha_num: int = 1, alpha_den: int = 1, side: int = 224) -> tuple[int, int]:
    """Table 1 written out with the paper's formulas, independent of the engine."""

    def c(n: int) -> int:
        return n * alpha_num // alpha_den

    rows = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5
    rows += [(1024, 2), (1024, 1)]
    d = -(-side // 2)  # conv1, stride 2, 'same'
    m_in = c(32)
    macs = 3 * 3 * 3 * m_in * d * d
    params = 3 * 3 * 3 * m_in
    for n, s in rows:
        d = -(-d // s)
        macs += 3 * 3 * m_in * d * d + m_in * c(n) * d * d
        params += 3 * 3 * m_in + m_in * c(n)
        m_in = c(n)
    macs += m_in * 1000
    params += m_in * 1000
    return macs, params


def test_by_hand_matches_the_reference_total() -> None:
    assert mobilenet_by_hand() == (PAPER_MACS, PAPER_PARAMS)


def test_mobilenet_default(run: Run) -> None:
    data = run.json("model", "mobilenet")
    assert data["model"] == "MobileNetV1"
    assert data["total"] == {"macs": PAPER_MACS, "params": PAPER_PARAMS}
    assert len([row for row in data["layers"] if row["type"] in ("conv", "dw", "pw")]) == 27
    assert len([row for row in data["layers"] if row["type"] in ("conv", "dw", "pw", "fc")]) == 28
    assert data["resolution"] == [224, 224]
    assert data["layers"][0]["filter"] == "3×3×3×32"
    assert data["layers"][1]["filter"] == "3×3×32 dw"
    assert data["layers"][2]["filter"] == "1×1×32×64"
    assert data["layers"][-1]["filter"] == "1024×1000"
    # the paper's "s2" on the last dw row is corrected to s1: 7×7 in and out
    last_dw = [row for row in data["layers"] if row["type"] == "dw"][-1]
    assert last_dw["stride"] == [1, 1] and last_dw["input"][:2] == last_dw["output"][:2] == [7, 7]


def test_alias_and_list(run: Run) -> None:
    assert run.json("model", "mobilenet_v1")["total"]["macs"] == PAPER_MACS
    listing = run("model", "--list")
    assert listing.exit_code == 0 and "mobilenet_v1" in listing.stdout


@pytest.mark.parametrize(
    ("alpha", "paper_macs_m", "paper_params_m", "num", "den"),
    [
        ("1.0", 569, 4.2, 1, 1),
        ("0.75", 325, 2.6, 3, 4),
        ("0.5", 149, 1.3, 1, 2),
        ("0.25", 41, 0.5, 1, 4),
    ],
)
def test_paper_table6_width(
    run: Run, alpha: str, paper_macs_m: int, paper_params_m: float, num: int, den: int
) -> None:
    total = run.json("model", "mobilenet", "--alpha", alpha)["total"]
    assert (total["macs"], total["params"]) == mobilenet_by_hand(num, den)
    # the paper prints millions, truncated or rounded: within one unit of its last digit
    assert abs(total["macs"] / M - paper_macs_m) < 1
    assert round(total["params"] / M, 1) == paper_params_m


@pytest.mark.parametrize(
    ("args", "side", "paper_macs_m"),
    [
        (("--resolution", "224"), 224, 569),
        (("--resolution", "192"), 192, 418),
        (("--rho", "0.714"), 160, 290),  # exact 290.7M: the paper truncates
        (("--rho", "0.571"), 128, 186),
    ],
)
def test_paper_table7_resolution(
    run: Run, args: tuple[str, ...], side: int, paper_macs_m: int
) -> None:
    data = run.json("model", "mobilenet", *args)
    assert data["resolution"] == [side, side]
    assert (data["total"]["macs"], data["total"]["params"]) == mobilenet_by_hand(side=side)
    # the paper rounds (568.7 → 569) or truncates (290.7 → 290): within one unit of its figure
    assert abs(data["total"]["macs"] / M - paper_macs_m) < 1
    assert data["total"]["params"] == PAPER_PARAMS  # resolution does not change parameters


def test_paper_table9_050_160(run: Run) -> None:
    total = run.json("model", "mobilenet", "--alpha", "0.5", "--rho", "0.714")["total"]
    assert total == {"macs": 76_524_800, "params": 1_319_648}
    assert (int(total["macs"] / M), round(total["params"] / M, 2)) == (76, 1.32)


def test_paper_table4_conv_mobilenet(run: Run) -> None:
    data = run.json("model", "mobilenet", "--as", "standard")
    conv = data["converted"]["total"]
    assert data["conv_baseline"]["macs"] == conv["macs"] == 4_867_293_184
    assert data["conv_baseline"]["params"] == conv["params"] == 29_281_120
    # paper: 4866M / 29.3M (its 4866 is about 1.3M below exact arithmetic; see README)
    assert round(conv["macs"] / M) == 4867 and round(conv["params"] / M, 1) == 29.3
    assert data["converted"]["to"] == "standard"
    assert data["total"]["macs"] == PAPER_MACS


def test_paper_table5_shallow(run: Run) -> None:
    total = run.json("model", str(SPECS / "mobilenet_shallow.yaml"))["total"]
    five_blocks = 5 * (3 * 3 * 512 * 14 * 14 + 512 * 512 * 14 * 14)
    assert total["macs"] == PAPER_MACS - five_blocks == 307_323_392
    assert total["params"] == PAPER_PARAMS - 5 * (9 * 512 + 512 * 512) == 2_875_328
    assert (round(total["macs"] / M), round(total["params"] / M, 1)) == (307, 2.9)
    narrow = run.json("model", "mobilenet", "--alpha", "0.75")["total"]
    assert (round(narrow["macs"] / M), round(narrow["params"] / M, 1)) == (325, 2.6)


def test_paper_table2_shares(run: Run) -> None:
    data = run.json("model", "mobilenet")
    by_type = data["by_type"]
    total = data["total"]
    share = {
        k: (100 * v["macs"] / total["macs"], 100 * v["params"] / total["params"])
        for k, v in by_type.items()
    }
    assert round(share["pw"][0], 2) == 94.86 and round(share["pw"][1], 2) == 74.59
    assert round(share["dw"][0], 2) == 3.06 and round(share["dw"][1], 2) == 1.06
    # the paper prints 1.19% for Conv 3×3: it is 1.91%, as the column must sum to 100%
    assert round(share["conv"][0], 2) == 1.91 and round(share["conv"][1], 2) == 0.02
    assert round(share["fc"][0], 2) == 0.18 and round(share["fc"][1], 2) == 24.33
    assert round(94.86 + 3.06 + 1.91 + 0.18, 2) == 100.01  # printed shares, rounded
    assert sum(v["macs"] for v in by_type.values()) == total["macs"]


@pytest.mark.parametrize(
    ("alpha", "keras_total"),
    [("1.0", 4_253_864), ("0.75", 2_601_976), ("0.5", 1_342_536), ("0.25", 475_544)],
)
def test_keras_parameter_counts(run: Run, alpha: str, keras_total: int) -> None:
    """Keras adds BatchNorm (4 per channel) after every conv and a bias on the classifier."""
    data = run.json("model", "mobilenet", "--alpha", alpha, "--bn", "--bias")
    assert data["total"]["params"] == keras_total
    bn_channels = sum(
        row["output"][2] for row in data["layers"] if row["type"] in ("conv", "dw", "pw")
    )
    plain = run.json("model", "mobilenet", "--alpha", alpha)["total"]["params"]
    assert keras_total == plain + 4 * bn_channels + 1000


def test_bias_without_bn_goes_on_every_conv(run: Run) -> None:
    data = run.json("model", "mobilenet", "--bias")
    channels = sum(row["output"][2] for row in data["layers"] if row["type"] != "pool")
    assert data["total"]["params"] == PAPER_PARAMS + channels
    assert data["total"]["macs"] == PAPER_MACS


def test_flops_doubles_and_names_the_unit(run: Run) -> None:
    data = run.json("model", "mobilenet", "--flops")
    assert data["total"]["flops"] == 2 * PAPER_MACS and data["total"]["macs"] == PAPER_MACS
    assert "2 × MACs" in data["conventions"]["flops"]
    table = run("model", "mobilenet", "--flops")
    assert "FLOPs" in table.stdout and "1.1G" in table.stdout


def test_classes_and_min_channels(run: Run) -> None:
    data = run.json("model", "mobilenet", "--classes", "1001")
    assert data["total"]["params"] == PAPER_PARAMS + 1024
    slim = run.json("model", "mobilenet", "--alpha", "0.25", "--min-channels", "8")
    assert slim["layers"][0]["output"][2] == 8  # max(int(32·0.25), 8)
    tiny = run.json("model", "mobilenet", "--alpha", "0.1", "--min-channels", "8")
    assert tiny["layers"][0]["output"][2] == 8  # int(3.2) = 3, raised to 8


def test_as_separable_converts_standard_convs(run: Run) -> None:
    data = run.json("model", "mobilenet", "--as", "separable")
    layers = data["converted"]["layers"]
    assert [row["type"] for row in layers[:2]] == ["dw", "pw"]
    first = cost.depthwise((112, 112), (3, 3), 3) + cost.pointwise((112, 112), 3, 32)
    assert layers[0]["macs"] + layers[1]["macs"] == first.macs
    assert data["converted"]["total"]["macs"] == PAPER_MACS - 10_838_016 + first.macs


# --- rows sum to the totals, in every format -------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("--alpha", "0.5", "--rho", "0.714"), ("--bn", "--bias")])
def test_rows_sum_to_totals_in_every_format(run: Run, args: tuple[str, ...]) -> None:
    data = run.json("model", "mobilenet", *args)
    assert sum(row["macs"] for row in data["layers"]) == data["total"]["macs"]
    assert sum(row["params"] for row in data["layers"]) == data["total"]["params"]
    rows = list(csv.DictReader(io.StringIO(run("model", "mobilenet", *args, "-f", "csv").stdout)))
    assert sum(int(row["macs"]) for row in rows) == data["total"]["macs"]
    assert sum(int(row["params"]) for row in rows) == data["total"]["params"]
    markdown = run("model", "mobilenet", *args, "-f", "markdown").stdout.splitlines()
    body = [
        line.split("|")[1:-1] for line in markdown if line.startswith("| ") and "---" not in line
    ]
    header = [cell.strip() for cell in body[0]]
    cells = [dict(zip(header, (c.strip() for c in row), strict=True)) for row in body[1:]]
    layers, total = cells[:-1], cells[-1]
    assert sum(int(r["macs"].replace(",", "")) for r in layers) == int(
        total["macs"].replace(",", "")
    )
    assert int(total["macs"].replace(",", "")) == data["total"]["macs"]
    table = run("model", "mobilenet", *args, "--exact").stdout
    assert f"{data['total']['macs']:,}" in table and f"{data['total']['params']:,}" in table


def test_table_fits_80_columns_and_shows_share_bars(run: Run, golden) -> None:  # type: ignore[no-untyped-def]
    result = run("model", "mobilenet")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "█" in result.stdout and "94.86%" in result.stdout and "8.56× fewer" in result.stdout
    golden("model_mobilenet.txt", result.stdout)


def test_json_is_stable_and_exact(run: Run) -> None:
    out = run("model", "mobilenet", "--json").stdout
    data = json.loads(out)
    assert list(data) == [
        "model",
        "alpha",
        "resolution",
        "classes",
        "min_channels",
        "conventions",
        "layers",
        "total",
        "conv_baseline",
        "by_type",
    ]
    assert list(data["layers"][0]) == [
        "index",
        "name",
        "block",
        "type",
        "inputs",
        "stride",
        "filter",
        "input",
        "output",
        "macs",
        "params",
    ]
    assert "\x1b[" not in out


# --- specs: the shipped YAML equals the built-in ---------------------------------------------------


def test_spec_file_equals_builtin() -> None:
    data, source = load_yaml(str(SPECS / "mobilenet_v1.yaml"))
    from_file = compile_graph(validate(NetworkSpec, data, source).normalized())
    validated = compile_graph(NetworkSpec.model_validate(builtin_spec("mobilenet")).normalized())
    trusted = compile_graph(builtin_spec("mobilenet"))
    assert from_file == validated == trusted


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_spec_runs(run: Run, path) -> None:  # type: ignore[no-untyped-def]
    data, _ = load_yaml(str(path))
    is_network = "input" in data
    args = ("model", str(path)) if is_network else ("layer", "--spec", str(path))
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)
