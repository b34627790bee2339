"""Bad network specs and options: one located line each, exit 2, empty stdout, no traceback."""

from __future__ import annotations

import pytest

from tests.conftest import Run

HEAD = "name: t\ninput: {size: 32, channels: 3}\nlayers:\n"


@pytest.mark.parametrize(
    ("layers", "needle"),
    [
        (
            "  - {type: conv3d, filters: 8}\n",
            "line 4: layers[0]: unknown layer type 'conv3d'; known types: conv, dw, pw, separable, bottleneck, pool, fc",
        ),
        (
            "  - {type: conv, kernel_size: 3}\n",
            "line 4: layers[0].filters: missing, it is required",
        ),
        ("  - {type: conv, kernal_size: 3, filters: 8}\n", "did you mean 'kernel_size'?"),
        (
            "  - {type: conv, kernel_size: 3, filters: 8, repeat: -1}\n",
            "layers[0].repeat: -1 is not allowed: must be a positive integer",
        ),
        ("  - {type: conv, kernel_size: 3, filters: 8, repeat: 100000}\n", "must be at most 1000"),
        (
            "  - {type: conv, kernel_size: 3, filters: 8, stride: 0}\n",
            "layers[0].stride: 0 is not allowed",
        ),
        ("  - {type: pool}\n", "a pool needs kernel_size, or global: true"),
        (
            "  - {type: pool, kernel_size: 2, padding: 5}\n",
            "padding 5 is more than half the pool's kernel 2x2",
        ),
        ("  - {filters: 8}\n", "missing 'type'"),
        ("  - {type: fc, units: 0}\n", "layers[0].units: 0 is not allowed"),
        (
            "  - {type: conv, name: big, kernel_size: 33, filters: 8}\n",
            "layers[0] (big): kernel_size 33x33 is larger than the padded input 32x32",
        ),
        (
            "  - {type: conv, kernel_size: 3, filters: 8, groups: 2}\n",
            "groups 2 must divide input channels 3",
        ),
        (
            "  - {type: conv, kernel_size: 3, filters: 8, padding: -2}\n",
            "padding: -2 is not allowed",
        ),
    ],
)
def test_bad_layers(run: Run, layers: str, needle: str) -> None:
    lines = run.bad("model", "-", input=HEAD + layers)
    assert any(needle in line for line in lines), lines


def test_shape_errors_name_the_layer_after_scaling(run: Run) -> None:
    spec = HEAD + "  - {type: conv, kernel_size: 3, filters: 8, stride: 2}\n" * 6
    lines = run.bad("model", "-", "--resolution", "8", input=spec)
    assert lines == [
        "layers[2] (conv3): kernel_size 3x3 is larger than the padded input 1x1 (padding 0); "
        "use a larger input, a smaller kernel or more padding"
    ]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("name: t\nlayers: []\n", "input: missing"),
        ("name: t\ninput: {size: 32}\nlayers: []\n", "layers: [] is not allowed"),
        (
            "name: t\ninput: {size: 0}\nlayers:\n  - {type: fc}\n",
            "line 2: input.size: 0 is not allowed",
        ),
        ("[1, 2]\n", "expected a mapping"),
        (
            "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
                for i in range(6)
            ),
            "alias bomb",
        ),
        ("!!python/object/new:dict {}\n", "unsupported YAML tag"),
        (
            "name: t\ninput: {size: 8}\ndefaults: {strid: 2}\nlayers:\n  - {type: fc}\n",
            "line 3: unknown key 'strid' in defaults; did you mean 'stride'?",
        ),
        ("name: t\n  bad: indent\n", "invalid YAML"),
    ],
)
def test_bad_network_files(run: Run, text: str, needle: str) -> None:
    lines = run.bad("model", "-", input=text)
    assert any(needle in line for line in lines), lines


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("mobilenet", "--alpha", "0"), "--alpha"),
        (("mobilenet", "--alpha", "-0.5"), "must be a number in (0, 4]"),
        (("mobilenet", "--rho", "5"), "--rho"),
        (
            ("mobilenet", "--rho", "0.714", "--resolution", "192"),
            "--rho 0.714 gives 160x160 but --resolution gives 192x192",
        ),
        (("mobilenet", "--resolution", "abc"), "--resolution: 'abc' is not allowed"),
        (("mobilenet", "--classes", "0"), "--classes"),
        (("mobilenet", "--as", "dense"), "--as"),
        (("resnet152",), "resnet152: no such built-in network or file; built-ins: mobilenet_v1"),
        (("missing.yaml",), "missing.yaml: no such file"),
        ((), "NAME: missing"),
    ],
)
def test_bad_model_options(run: Run, args: tuple[str, ...], needle: str) -> None:
    lines = run.bad("model", *args)
    assert any(needle in line for line in lines), lines


def test_rho_and_resolution_that_agree_are_fine(run: Run) -> None:
    assert run.json("model", "mobilenet", "--rho", "0.714", "--resolution", "160")[
        "resolution"
    ] == [160, 160]


def test_huge_valid_sizes_stay_exact(run: Run) -> None:
    data = run.json(
        "layer", "-i", "1000000", "-m", "100000", "-k", "3", "-n", "100000", "-p", "same"
    )
    assert data["standard"]["macs"] == 9 * 100000 * 100000 * 10**12
