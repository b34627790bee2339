"""`convcost measure`: the torch path (skipped without torch) and the message without it.

No timing is asserted (times depend on the machine): only that every variant was run on the
shapes convcost computed, with the thread setting reported and restored."""

from __future__ import annotations

import importlib.util
import os
import sys
import warnings

import pytest

from tests.conftest import Run

SEED = ("measure", "-i", "6", "-m", "3", "-k", "3", "-n", "5", "--repeats", "3", "--warmup", "1")


def test_without_torch_explains_and_exits_2(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    lines = run.bad(*SEED)
    assert (
        'pip install torch (a CPU build is enough; in a checkout of convcost: pip install -e ".[torch]")'
        in lines[0]
    )


HAS_TORCH = (
    importlib.util.find_spec("torch") is not None
    if "torch" not in sys.modules
    else (sys.modules["torch"] is not None)
)
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason='needs torch: pip install -e ".[torch]"')


@needs_torch
def test_measures_every_variant(run: Run) -> None:
    with warnings.catch_warnings():  # a CPU wheel without numpy warns at import
        warnings.simplefilter("ignore")
        import torch

    before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    threads = torch.get_num_threads()
    data = run.json(*SEED, "--device", "desktop-cpu")
    measured = data["measured"]
    assert all(measured[v] > 0 for v in ("standard", "depthwise", "pointwise", "separable"))
    assert measured["ratio"]["seconds"] == pytest.approx(
        measured["separable"] / measured["standard"]
    )
    setting = data["measurement"]
    assert setting["threads"] == 1 and setting["repeats"] == 3 and setting["warmup"] == 1
    assert data["separable"]["macs"] == 672  # the same layer as `convcost layer`
    assert "roofline" in data  # the estimate beside the measurement
    assert torch.get_num_threads() == threads  # restored
    if before is not None:
        assert len(setting["pinned_cpus"]) == 1
        assert os.sched_getaffinity(0) == before  # unpinned after


@needs_torch
@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding"),
    [
        ("8", "3", "2", "same"),  # odd total padding: symmetric, same D_G
        ("7", "3", "2", "same"),
        ("9", "3", "1", "same"),
        ("9", "3", "2", "1"),
        ("9", "3", "1", "valid"),
        ("9", "2", "1", "same"),  # an even kernel at stride 1: the ZeroPad2d path
    ],
)
def test_torch_layers_have_convcost_shapes(
    run: Run, size: str, kernel: str, stride: str, padding: str
) -> None:
    # the command checks torch's output shape against convcost's D_G and fails loudly if they differ
    args = ("-i", size, "-m", "4", "-k", kernel, "-n", "8", "-s", stride, "-p", padding)
    result = run("measure", *args, "--repeats", "1", "--warmup", "0")
    assert result.exit_code == 0, result.stderr


@needs_torch
def test_table_at_80_columns(run: Run) -> None:
    result = run(*SEED)
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "measured: torch" in result.stdout and "median of 3 rounds" in result.stdout


@needs_torch
def test_too_many_threads(run: Run) -> None:
    lines = run.bad(*SEED, "--threads", "100000")
    assert lines[0].startswith("--threads: 100000 is not allowed")
