"""The library: `import convcost` and call a function, as a notebook or a design search does.

Figures are the paper's (Table 9: 0.50 MobileNet-160) and the seed's 6×6×3 layer; the CLI's own
output is the reference for `.to_dict()`, since the two must be one code path.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest

import convcost
from convcost import api
from tests.conftest import SPECS, Run


def test_the_issues_must_show() -> None:
    r = convcost.model("mobilenet", alpha=0.5, resolution=160)
    assert (r.macs, r.params) == (76_524_800, 1_319_648)  # paper Table 9
    layer = convcost.layer(input_size=6, channels=3, kernel_size=3, filters=5).to_dict()
    assert (layer["standard"]["macs"], layer["separable"]["macs"]) == (2160, 672)


def test_a_dict_is_validated_like_a_yaml_file() -> None:
    spec = {
        "name": "t",
        "input": {"size": 32},
        "layers": [{"type": "conv", "kernal_size": 3, "filters": 8}],
    }
    with pytest.raises(convcost.SpecError) as raised:
        convcost.model(spec)
    assert isinstance(raised.value, ValueError)
    assert sorted(raised.value.problems) == [
        "spec: layers[0].kernel_size: missing, it is required",
        "spec: unknown key 'kernal_size' in layers[0]; did you mean 'kernel_size'?",
    ]


def test_a_dict_spec_costs_what_its_yaml_twin_costs() -> None:
    import yaml

    data = yaml.safe_load((SPECS / "resnet18.yaml").read_text(encoding="utf-8"))
    from_dict = convcost.model(data, preset="torchvision")
    from_file = convcost.model(SPECS / "resnet18.yaml", preset="torchvision")
    assert (from_dict.macs, from_dict.params) == (from_file.macs, from_file.params)
    assert (from_dict.macs, from_dict.params) == (1_814_073_344, 11_689_512)


def test_reports_expose_totals_layers_and_their_dict(run: Run) -> None:
    r = convcost.model("resnet18")
    first = r.layers[0]
    assert (first.name, first.type, first.inputs) == ("conv1", "conv", ("input",))
    assert (first.input_shapes, first.output) == (((224, 224, 3),), (112, 112, 64))
    assert (first.macs, first.params) == (7 * 7 * 3 * 64 * 112 * 112, 7 * 7 * 3 * 64)
    assert sum(layer.macs for layer in r.layers) == r.macs
    assert r.to_dict() == run.json("model", "resnet18")  # the CLI's JSON document, exactly


@pytest.mark.parametrize(
    ("call", "argv"),
    [
        (
            lambda: convcost.model("mobilenet_v2", preset="keras"),
            ["model", "mobilenet_v2", "--preset", "keras"],
        ),
        (
            lambda: convcost.layer(14, 512, 3, 512, padding="same"),
            ["layer", "-i", "14", "-m", "512", "-k", "3", "-n", "512", "-p", "same"],
        ),
        (
            lambda: convcost.sweep("mobilenet", alpha="0.5:1:0.25"),
            ["sweep", "mobilenet", "--alpha", "0.5:1:0.25"],
        ),
        (
            lambda: convcost.fit("mobilenet", max_params="2M"),
            ["fit", "mobilenet", "--max-params", "2M"],
        ),
        (
            lambda: convcost.memory(convcost.model("mobilenet"), device="desktop-cpu"),
            ["model", "mobilenet", "--device", "desktop-cpu"],
        ),
    ],
    ids=["model", "layer", "sweep", "fit", "memory"],
)
def test_every_report_is_the_cli_s_json(run: Run, call: Any, argv: list[str]) -> None:
    assert call().to_dict() == run.json(*argv)


def test_reports_show_the_cli_s_table(run: Run) -> None:
    r = convcost.model("mobilenet", alpha=0.5, rho=0.714)
    table = run("model", "mobilenet", "--alpha", "0.5", "--rho", "0.714").stdout
    assert r.text(width=80) == table
    assert (
        r.text("csv")
        == run("model", "mobilenet", "--alpha", "0.5", "--rho", "0.714", "-f", "csv").stdout
    )
    # IPython calls _repr_pretty_; rich calls __rich_console__
    printed: list[str] = []

    class Printer:
        def text(self, value: str) -> None:
            printed.append(value)

    r._repr_pretty_(Printer(), False)
    assert printed == [r.text()]
    from rich.console import Console

    console = Console(width=80, color_system=None, record=True, file=io.StringIO())
    console.print(r)
    assert console.export_text() == table
    assert repr(r) == (
        "NetworkReport(model='MobileNetV1', alpha=0.5, resolution=160x160, macs=76524800, "
        "params=1319648)"
    )


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (
            lambda: convcost.model("mobilenet", alpha=5),
            "alpha: '5' is not allowed: must be a number in (0, 4]",
        ),
        (lambda: convcost.model("mobilenet", resolution="0x3"), "resolution: '0x3' is not allowed"),
        (
            lambda: convcost.model("mobilenet", preset="pytorch"),
            "preset: 'pytorch' is not allowed: must be one of",
        ),
        (lambda: convcost.model("mobilenet", as_="dense"), "as_: 'dense' is not allowed"),
        (
            lambda: convcost.layer(input_size=0, channels=3, kernel_size=3, filters=5),
            "input_size: 0 is not allowed",
        ),
        (
            lambda: convcost.layer(channels=3, kernel_size=3, filters=5),
            "input_size: missing, it is required",
        ),
        (lambda: convcost.fit("mobilenet", max_macs="lots"), "max_macs: 'lots' is not allowed"),
        (
            lambda: convcost.memory(convcost.model("mobilenet"), dtype="float64"),
            "dtype: 'float64' is not allowed",
        ),
        (lambda: convcost.model("resnet152"), "resnet152: no such built-in network or file"),
    ],
)
def test_bad_arguments_name_the_argument(call: Any, needle: str) -> None:
    with pytest.raises(convcost.SpecError) as raised:
        call()
    assert any(needle in line for line in raised.value.problems), raised.value.problems


def test_import_convcost_is_light() -> None:
    """`import convcost` and `dir(convcost)` load none of the CLI's or the validators' weight."""
    probe = (
        "import sys, json, convcost\n"
        "names = dir(convcost)\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('typer', 'click', 'rich', 'pydantic', 'yaml', 'numpy', 'onnx'))\n"
        "print(json.dumps([heavy, names]))\n"
    )
    heavy, names = json.loads(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
    )
    assert heavy == []
    assert {"layer", "model", "sweep", "fit", "memory", "SpecError", "__version__"} <= set(names)
    # and a built-in network costs without pydantic or yaml
    probe = (
        "import sys, convcost\n"
        "r = convcost.model('efficientnet_b0', preset='torchvision')\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click', 'rich', 'pydantic', 'yaml'))\n"
        "print(r.macs, r.params, heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["385814752", "5288548", "[]"]


# --- one code path: each command is its library function ------------------------------------------


@pytest.mark.parametrize(
    ("argv", "function", "expected"),
    [
        (
            ["layer", "-i", "6", "-m", "3", "-k", "3", "-n", "5"],
            "layer",
            {"alpha": 1.0, "bias": False},
        ),
        (
            ["model", "mobilenet", "--alpha", "0.5", "--preset", "keras"],
            "model",
            {"alpha": 0.5, "preset": "keras"},
        ),
        (["sweep", "mobilenet", "--alpha", "0.5,1"], "sweep", {"alpha": "0.5,1"}),
        (["fit", "mobilenet", "--max-macs", "100M"], "fit", {"max_macs": "100M"}),
        (["model", "mobilenet", "--memory"], "memory", {"dtype": "float32"}),
    ],
)
def test_each_command_calls_its_library_function(
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    function: str,
    expected: dict[str, Any],
) -> None:
    calls: list[dict[str, Any]] = []
    real = getattr(api, function)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(api, function, spy)
    assert run(*argv, "--json").exit_code == 0
    (kwargs,) = calls
    assert {k: kwargs[k] for k in expected} == expected
    assert kwargs["labels"]["alpha" if function != "memory" else "dtype"].startswith("--")


def test_tool_presets_and_explanations_from_python(run: Run) -> None:
    """fvcore's figure for torchvision's mobilenet_v2, as fvcore 0.1.5 prints it (bench/tool_reference.py)."""
    r = convcost.model("mobilenet_v2", preset="fvcore")
    assert (r.macs, r.reported) == (300_774_272, 314_193_216)
    assert r.to_dict() == run.json("model", "mobilenet_v2", "--preset", "fvcore")
    explained = convcost.model("mobilenet_v2", explain="fvcore")
    assert explained.reported == 314_193_216
    with pytest.raises(convcost.SpecError, match="cannot be combined"):
        convcost.memory(r)
