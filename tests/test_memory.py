"""--memory, --dtype, --device: bytes moved, intensity and the roofline, with numbers derived by
hand in each test (shapes × bytes per value), never read back from convcost's own output."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from convcost.cost import Cost
from convcost.traffic import Device, roofline, traffic
from tests.conftest import Run

SEED = ("layer", "-i", "6", "-m", "3", "-k", "3", "-n", "5")
TABLE3 = ("layer", "-i", "14", "-m", "512", "-k", "3", "-n", "512", "--padding", "same")
WIDTH = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}


def totals(data: dict) -> dict[str, int]:  # type: ignore[type-arg]
    return {v: data["memory"][v]["total_bytes"] for v in ("standard", "depthwise", "pointwise")}


# --- one layer, every dtype ----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", list(WIDTH))
def test_seed_layer_bytes(run: Run, dtype: str) -> None:
    b = WIDTH[dtype]
    # standard: input 6·6·3 = 108, output 4·4·5 = 80, weights 3·3·3·5 = 135
    # depthwise: input 108, output 4·4·3 = 48, weights 3·3·3 = 27
    # pointwise: input 48 (the depthwise output, read back), output 80, weights 3·5 = 15
    data = run.json(*SEED, "--dtype", dtype)
    std = data["memory"]["standard"]
    assert (std["input_bytes"], std["output_bytes"], std["weight_bytes"]) == (
        108 * b,
        80 * b,
        135 * b,
    )
    assert totals(data) == {
        "standard": 323 * b,
        "depthwise": 183 * b,
        "pointwise": 143 * b,
    }
    assert data["memory"]["separable"]["total_bytes"] == (183 + 143) * b
    assert std["macs_per_byte"] == pytest.approx(2160 / (323 * b))
    assert std["flops_per_byte"] == pytest.approx(2 * 2160 / (323 * b))
    assert data["memory_conventions"]["bytes_per_value"] == b


@pytest.mark.parametrize("dtype", list(WIDTH))
def test_paper_table3_layer_bytes(run: Run, dtype: str) -> None:
    b = WIDTH[dtype]
    act = 14 * 14 * 512  # input = output = 100,352 values ('same', stride 1)
    data = run.json(*TABLE3, "--dtype", dtype)
    assert totals(data) == {
        "standard": (act + act + 3 * 3 * 512 * 512) * b,  # 2,560,000 values
        "depthwise": (act + act + 3 * 3 * 512) * b,  # 205,312
        "pointwise": (act + act + 512 * 512) * b,  # 462,848
    }
    assert data["memory"]["standard"]["weight_bytes"] == 2_359_296 * b
    # 8.8× fewer mult-adds, but only 3.8× fewer bytes: the separable pair moves the activations twice
    sep = data["memory"]["separable"]["total_bytes"]
    assert sep == (205_312 + 462_848) * b
    assert data["memory"]["ratio"]["bytes"] == pytest.approx(668_160 / 2_560_000)
    assert data["separable"]["macs"] / data["standard"]["macs"] < 668_160 / 2_560_000


def test_memory_fields_only_when_asked(run: Run) -> None:
    plain = run.json(*SEED)
    assert "memory" not in plain and "memory_conventions" not in plain
    assert "device" not in run.json(*SEED, "--memory")
    assert "est_seconds" not in run(*SEED, "--memory", "-f", "csv").stdout
    table = run(*SEED).stdout
    assert "traffic" not in table and "MAC/B" not in table


def test_layer_table_at_80_columns(run: Run) -> None:
    result = run(*TABLE3, "--device", "desktop-cpu")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "not a measurement" in result.stdout
    # exact bytes with --exact: 2,560,000 values × 4
    exact = run(*TABLE3, "--memory", "--exact").stdout
    assert "10,240,000 B" in exact and "821,248 B" in exact  # dw: 205,312 × 4


# --- a network: totals and the peak ---------------------------------------------------------------


def test_mobilenet_peak_activation_and_model_size(run: Run) -> None:
    # Running layer by layer, a layer's input and output are alive at once. Candidates near the top:
    #   conv1      224·224·3 + 112·112·32  =   150,528 +   401,408 =   551,936
    #   block1/dw  112·112·32 + 112·112·32 =   401,408 +   401,408 =   802,816
    #   block1/pw  112·112·32 + 112·112·64 =   401,408 +   802,816 = 1,204,224  ← the largest
    #   block2/dw  112·112·64 + 56·56·64   =   802,816 +   200,704 = 1,003,520
    # and every later activation is at most 56·56·128 = 401,408 values.
    data = run.json("model", "mobilenet", "--memory")
    peak = data["memory"]["peak_activation"]
    assert (peak["bytes"], peak["layer"]) == (1_204_224 * 4, "block1/pw")
    assert data["memory"]["weight_bytes"] == 4_209_088 * 4  # the paper's parameters, float32
    layers = data["layers"]
    assert data["memory"]["total"]["total_bytes"] == sum(
        layer["memory"]["total_bytes"] for layer in layers
    )
    int8 = run.json("model", "mobilenet", "--dtype", "int8")
    assert int8["memory"]["peak_activation"]["bytes"] == 1_204_224
    assert int8["memory"]["weight_bytes"] == 4_209_088


def test_mobilenet_fc_and_pool_traffic(run: Run) -> None:
    layers = {row["name"]: row for row in run.json("model", "mobilenet", "--memory")["layers"]}
    # fc: 1024 in, 1000 out, 1,024,000 weights
    assert layers["fc"]["memory"]["total_bytes"] == (1024 + 1000 + 1_024_000) * 4
    # the pool moves 7·7·1024 in and 1024 out, and does no mult-adds
    assert layers["avgpool"]["memory"]["total_bytes"] == (7 * 7 * 1024 + 1024) * 4
    assert layers["avgpool"]["memory"]["macs_per_byte"] == 0


# --- the roofline ---------------------------------------------------------------------------------


def profile(tmp_path: Path, peak: str, gbps: str, extra: str = "") -> str:
    path = tmp_path / "device.yaml"
    path.write_text(
        f"name: test device\npeak_gflops:\n  float32: {peak}\nmemory_gbps: {gbps}\n"
        f"source: made up for a test\n{extra}",
        encoding="utf-8",
    )
    return str(path)


def test_classification_flips_at_the_ridge(run: Run, tmp_path: Path) -> None:
    # seed standard layer: 2 × 2160 FLOPs over 323 × 4 = 1292 bytes = 1080/323 ≈ 3.34 FLOPs/byte
    below = run.json(*SEED, "--device", profile(tmp_path, "3", "1"))  # ridge 3 FLOPs/byte
    assert below["roofline"]["standard"]["bound"] == "compute"
    assert below["roofline"]["standard"]["seconds"] == pytest.approx(4320 / 3e9)
    above = run.json(*SEED, "--device", profile(tmp_path, "4", "1"))  # ridge 4
    assert above["roofline"]["standard"]["bound"] == "memory"
    assert above["roofline"]["standard"]["seconds"] == pytest.approx(1292 / 1e9)
    # exactly at the ridge both take as long; convcost calls that compute-bound
    at = run.json(*SEED, "--device", profile(tmp_path, "1080", "323"))
    assert at["roofline"]["standard"]["bound"] == "compute"
    assert at["device"]["ridge_flops_per_byte"] == pytest.approx(1080 / 323)


def test_roofline_arithmetic_is_exact() -> None:
    device = Device("d", {"float32": Fraction(3)}, Fraction(1), "test")
    t = traffic(Cost(2160, 135), (6, 6, 3), (4, 4, 5))
    r = roofline(t, device, "float32")
    assert r.compute_seconds == Fraction(4320, 3 * 10**9)
    assert r.memory_seconds == Fraction(1292, 10**9)
    assert r.seconds == r.compute_seconds and r.bound == "compute"


def test_mobilenet_depthwise_layers_are_memory_bound(run: Run) -> None:
    # desktop-cpu: 1740.8 GFLOP/s over 51.2 GB/s = 34 FLOPs/byte. A 3×3 depthwise layer does
    # 9 MACs per output value and moves at least (input + output) × 4 bytes per output value, so
    # at most 18 FLOPs / 8 bytes = 2.25 FLOPs/byte: memory-bound on any device with a ridge above.
    # block7 pw: 51,380,224 MACs over (2·100,352 + 262,144) × 4 = 1,851,392 bytes ≈ 55.5 FLOPs/byte.
    data = run.json("model", "mobilenet", "--device", "desktop-cpu")
    assert data["device"]["ridge_flops_per_byte"] == pytest.approx(34)
    bounds = {row["name"]: row["roofline"]["bound"] for row in data["layers"]}
    assert all(bound == "memory" for name, bound in bounds.items() if name.endswith("/dw"))
    assert bounds["block7_1/pw"] == "compute"
    pw = next(row for row in data["layers"] if row["name"] == "block7_1/pw")
    assert pw["roofline"]["seconds"] == pytest.approx(2 * 51_380_224 / 1740.8e9)
    total = sum(row["roofline"]["seconds"] for row in data["layers"])
    assert data["roofline"]["total"]["seconds"] == pytest.approx(total)
    assert "not a measurement" in data["memory_conventions"]["roofline"]


def test_model_table_at_80_columns(run: Run) -> None:
    for extra in (("--memory",), ("--device", "desktop-cpu"), ("--device", "phone-core")):
        result = run("model", "mobilenet", *extra)
        assert result.exit_code == 0, result.stderr
        assert max(len(line) for line in result.stdout.splitlines()) <= 80, extra
        assert "…" not in result.stdout, extra  # no truncated cell
    timed = run("model", "mobilenet", "--device", "desktop-cpu").stdout
    assert "ESTIMATE" in timed and "not a measurement" in timed
    assert "peak activations" in timed and "block1/pw" in timed


def test_device_list(run: Run) -> None:
    result = run("model", "--device", "list")
    assert result.exit_code == 0
    for name in ("desktop-cpu", "phone-core", "datacenter-gpu", "source:"):
        assert name in result.stdout
    assert "not measurements" in result.stdout


@pytest.mark.parametrize("name", ["desktop-cpu", "phone-core", "datacenter-gpu"])
def test_shipped_profiles_load_and_cite_a_source(name: str) -> None:
    from convcost.device import load_device

    device = load_device(name)
    assert device.source and device.memory_gbps > 0 and "float32" in device.peak_gflops


def test_schema_device(run: Run) -> None:
    result = run("schema", "device")
    assert result.exit_code == 0 and "memory_gbps" in result.stdout


# --- bad profiles: one located line each, exit 2 --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (
            "name: x\npeak_gflops:\n  float32: 100\nsource: s\n",
            ["line 1: memory_gbps: missing, it is required"],
        ),
        (
            "name: x\npeak_gflops:\n  float32: 100\nmemory_gbps: 0\nsource: s\n",
            ["line 4: memory_gbps: 0 is not allowed: must be a number from 1e-06 to 1e+12"],
        ),
        (
            "name: x\npeak_gflops:\n  float64: 100\nmemory_gbps: 50\nsource: s\n",
            ["line 3: unknown key 'float64' in peak_gflops"],
        ),
        (
            "name: x\npeak_gflops:\n  float32: -5\nmemory_gbps: fast\n",
            [
                "line 3: peak_gflops.float32: -5 is not allowed",
                "line 4: memory_gbps: 'fast' is not allowed",
                "source: missing",
            ],
        ),
        ("peak_gflops: 3\n", ["name: missing", "peak_gflops: 3 is not allowed"]),
    ],
)
def test_bad_profiles(run: Run, tmp_path: Path, text: str, needles: list[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    lines = run.bad("model", "mobilenet", "--device", str(path))
    for needle in needles:
        assert any(needle in line and str(path) in line for line in lines), (needle, lines)


def test_profile_without_the_dtype(run: Run) -> None:
    lines = run.bad("model", "mobilenet", "--device", "desktop-cpu", "--dtype", "int8")
    assert "--dtype" in lines[0] and "no peak for int8" in lines[0] and "float32" in lines[0]


def test_unknown_device_and_dtype(run: Run, tmp_path: Path) -> None:
    assert "no shipped profile" in run.bad(*SEED, "--device", "toaster")[0]
    assert "no such file" in run.bad(*SEED, "--device", str(tmp_path / "nope.yaml"))[0]
    assert "float64" in run.bad(*SEED, "--dtype", "float64")[0]


def test_layer_memory_golden(run: Run, golden) -> None:  # type: ignore[no-untyped-def]
    golden("layer_table3_device.txt", run(*TABLE3, "--device", "desktop-cpu").stdout)


def test_residual_block_keeps_its_input_alive_and_the_add_reads_two_operands(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """8×8×16 through a t = 2 bottleneck with a residual add, float32, derived by hand."""
    spec = tmp_path / "residual.yaml"
    spec.write_text(
        "name: r\ninput: {size: 8, channels: 16}\ndefaults: {padding: same}\n"
        "layers:\n  - {type: bottleneck, name: b, t: 2, c: 16, n: 1, s: 1}\n"
    )
    data = run.json("model", str(spec), "--memory")
    x, hidden = 8 * 8 * 16, 8 * 8 * 32
    add = data["layers"][3]
    assert add["type"] == "add"
    assert (
        add["memory"]["total_bytes"] == (2 * x + x) * 4
    )  # reads block input and output, writes one
    # the dw runs while the block input waits for the add: hidden in + hidden out + x held
    assert data["memory"]["peak_activation"] == {
        "bytes": (hidden + hidden + x) * 4,
        "layer": "b/dw",
        "index": 1,
    }


def test_device_list_as_json(run: Run) -> None:
    profiles = run.json("model", "--device", "list")
    by_name = {p["profile"]: p for p in profiles}
    assert set(by_name) >= {"desktop-cpu", "phone-core", "datacenter-gpu"}
    assert by_name["datacenter-gpu"]["memory_gbps"] == 1555
    assert by_name["datacenter-gpu"]["peak_gflops"]["float32"] == 19500
