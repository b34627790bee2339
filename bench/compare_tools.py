"""Compare convcost with fvcore, ptflops and torch's FlopCounterMode on MobileNetV1.

Run by hand, not part of the tests, from the repository root, with a Python that has torch,
fvcore and ptflops (a separate venv keeps them out of convcost's own environment):

    python3 -m venv /tmp/torchbench
    /tmp/torchbench/bin/pip install torch fvcore ptflops
    /tmp/torchbench/bin/python bench/compare_tools.py [--repeats 5] [--alpha 1.0 0.5]
        [--resolution 224 160]

It prints, for each (alpha, resolution) pair:

(a) each tool's count and parameters for the same torch.nn MobileNetV1 (convs without bias, BN
    after every conv, ReLU, AdaptiveAvgPool2d, Linear with bias), next to the paper convention
    (weights of convs and FC only; BN, ReLU, pooling free): 568,740,352 mult-adds and 4,209,088
    parameters for 1.0-224. Each tool's difference from it is rebuilt from the shapes alone
    (no torch) and printed with "ok" when it matches to the unit:
      fvcore       + 2·(BN elements), eval BN being an affine x·γ'+β' + (pool input elements)
      ptflops      pytorch backend: + 2·BN + ReLU + pool + FC bias (module hooks), and ReLU
                   and pool once more, because its default count_functional=True also patches
                   F.relu and F.adaptive_avg_pool2d, which nn.ReLU and nn.AdaptiveAvgPool2d call
      ptflops      aten backend: counts only convolution and (add)mm, so + FC bias
      FlopCounter  2 × paper (it counts a multiply and an add as two FLOPs)
      params       every torch tool counts model.parameters(): + BN γ and β (2 per channel) +
                   FC bias; running mean/var are buffers, not parameters (Keras counts all 4)

(b) wall time from a fresh interpreter to the printed count for each tool (`python -c ...`,
    importing torch and building the model included) and for `convcost model mobilenet --json`,
    alternating the tools within each round, as medians of --repeats rounds and as ratios
    against convcost in the same run, all at the first --alpha/--resolution pair; convcost's
    JSON totals are checked against the paper-convention shapes of that pair.

(c) against onnx-tool, the framework-free peer (issue 14), on MobileNetV2: onnx-tool profiles
    the exported ONNX file (default /work/ref/onnx/mobilenet_v2_bn.onnx), convcost its built-in
    mobilenet_v2. Two pairs, alternating in each round, medians: the machine-readable answer
    (`convcost model mobilenet_v2 --json` against `onnx_tool.model_profile(FILE,
    save_profile=CSV)`, its per-node table as CSV: onnx-tool writes no JSON) and the printed table
    (`convcost model mobilenet_v2` against `model_profile(FILE)`, which prints its table).
    Targets: onnx-tool / convcost >= 4 on the first, >= 2.5 on the second. `--only-onnx-tool`
    runs this part alone; `--convcost EXE` picks the convcost to time (another checkout's).

Exits 0 with a message if torch, fvcore or ptflops is missing (after (c), if onnx-tool is
installed); skips convcost if the command is not on PATH.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import inspect
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from timing import alternate

# MobileNetV1, paper Table 1: (pointwise filters, depthwise stride) of the 13 separable blocks.
BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), *[(512, 1)] * 5]
BLOCKS += [(1024, 2), (1024, 1)]
CLASSES = 1000
PAPER_1_0_224 = (568_740_352, 4_209_088)
CONVCOST_CMD = ["convcost", "model", "mobilenet", "--json"]
NEEDED = ("torch", "fvcore", "ptflops")


def mobilenet_v1(alpha: float = 1.0, classes: int = CLASSES):  # -> torch.nn.Sequential
    """MobileNetV1 in torch.nn: conv-BN-ReLU, 13 × (dw-BN-ReLU, pw-BN-ReLU), pool, FC."""
    from torch import nn

    def cbr(cin: int, cout: int, k: int, stride: int, groups: int = 1) -> list[nn.Module]:
        conv = nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False)
        return [conv, nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

    c = int(32 * alpha)
    layers = cbr(3, c, 3, 2)
    for filters, stride in BLOCKS:
        out = int(filters * alpha)
        layers += cbr(c, c, 3, stride, groups=c) + cbr(c, out, 1, 1)
        c = out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes))


@dataclass(frozen=True)
class Shapes:
    """Integers read off the architecture table, without torch: what the conventions differ on."""

    macs: int  # paper: conv + FC weight mult-adds
    params: int  # paper: conv + FC weights
    bn_elems: int  # output elements of all 27 convs = BN inputs = ReLU outputs
    bn_channels: int  # sum of BN channel counts
    pool_in: int  # elements averaged by the global pool (c × 7 × 7 at 224)


def shapes(alpha: float, res: int) -> Shapes:
    macs = params = bn_elems = bn_channels = 0
    side, cin = res, 3

    def conv(k: int, cin_per_group: int, cout: int, stride: int) -> None:
        nonlocal side, macs, params, bn_elems, bn_channels
        side = (side + 2 * (k // 2) - k) // stride + 1
        macs += k * k * cin_per_group * cout * side * side
        params += k * k * cin_per_group * cout
        bn_elems += cout * side * side
        bn_channels += cout

    conv(3, cin, int(32 * alpha), 2)
    cin = int(32 * alpha)
    for filters, stride in BLOCKS:
        conv(3, 1, cin, stride)
        conv(1, cin, int(filters * alpha), 1)
        cin = int(filters * alpha)
    macs += cin * CLASSES
    params += cin * CLASSES
    return Shapes(macs, params, bn_elems, bn_channels, cin * side * side)


def expected(s: Shapes) -> dict[str, tuple[int, str]]:
    """Each tool's count rebuilt from the shapes, with the convention that explains it."""
    bn, relu, pool = 2 * s.bn_elems, s.bn_elems, s.pool_in
    return {
        "fvcore": (s.macs + bn + pool, "+2·BN +pool"),
        "ptflops pytorch": (
            s.macs + bn + 2 * (relu + pool) + CLASSES,
            "+2·BN +2·(ReLU+pool) +bias",
        ),
        "ptflops pytorch no-functional": (
            s.macs + bn + relu + pool + CLASSES,
            "+2·BN +ReLU +pool +bias",
        ),
        "ptflops aten": (s.macs + CLASSES, "+FC bias"),
        "torch FlopCounterMode": (2 * s.macs, "2×MACs"),
    }


def count_all(alpha: float, res: int) -> dict[str, tuple[int, int | None]]:
    """(count, params) of each tool for the torch model; their own chatter is swallowed."""
    import torch
    from fvcore.nn import FlopCountAnalysis, parameter_count
    from ptflops import get_model_complexity_info as ptflops_info
    from torch.utils.flop_counter import FlopCounterMode

    model = mobilenet_v1(alpha).eval()
    x = torch.zeros(1, 3, res, res)
    ptf = [("ptflops pytorch", {}), ("ptflops pytorch no-functional", {"count_functional": False})]
    if "backend" in inspect.signature(ptflops_info).parameters:
        ptf = [(n, {"backend": "pytorch", "backend_specific_config": c}) for n, c in ptf]
        ptf.append(("ptflops aten", {"backend": "aten"}))
    else:  # older ptflops: one module-hook backend, no functional patching to switch off
        ptf = ptf[:1]
    out: dict[str, tuple[int, int | None]] = {}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        fva = FlopCountAnalysis(model, x).unsupported_ops_warnings(False)
        out["fvcore"] = (fva.total(), parameter_count(model)[""])
        for name, kwargs in ptf:
            macs, params = ptflops_info(
                model, (3, res, res), as_strings=False, print_per_layer_stat=False, **kwargs
            )
            out[name] = (int(macs), int(params))
        with FlopCounterMode(display=False) as fcm:
            model(x)
        out["torch FlopCounterMode"] = (fcm.get_total_flops(), None)
    return out


def print_counts(alpha: float, res: int) -> None:
    s = shapes(alpha, res)
    torch_params = s.params + 2 * s.bn_channels + CLASSES
    print(f"\nMobileNetV1 {alpha}-{res}: paper {s.macs:,} mult-adds, {s.params:,} params")
    if (alpha, res) == (1.0, 224):
        ok = (s.macs, s.params) == PAPER_1_0_224
        print(f"  shapes give the paper's 568,740,352 / 4,209,088: {'ok' if ok else 'MISMATCH'}")
    print(f"  BN elements {s.bn_elems:,}  BN channels {s.bn_channels:,}  pool input {s.pool_in:,}")
    print(f"  {'tool':<30}{'count':>15}{'- paper':>13}{'params':>12}  convention vs shapes")
    want = expected(s)
    for name, (count, params) in count_all(alpha, res).items():
        macs, why = want[name]
        verdict = "ok" if count == macs else f"MISMATCH (expected {macs:,})"
        if params is not None and params != torch_params:
            verdict += f"; params MISMATCH (expected {torch_params:,})"
        p = "-" if params is None else f"{params:,}"
        print(f"  {name:<30}{count:>15,}{count - s.macs:>+13,}{p:>12}  {why}: {verdict}")
    bn_params = f"2·{s.bn_channels:,} BN γ,β"
    print(f"  params: torch tools {torch_params:,} = paper + {bn_params} + {CLASSES} FC bias")


def timing_commands(alpha: float, res: int) -> dict[str, list[str]]:
    here = os.path.dirname(os.path.abspath(__file__))
    head = (
        f"import sys; sys.path.insert(0, {here!r}); import torch; "
        f"from compare_tools import mobilenet_v1; m = mobilenet_v1({alpha}).eval(); "
        f"x = torch.zeros(1, 3, {res}, {res}); "
    )
    bodies = {
        "fvcore": "from fvcore.nn import FlopCountAnalysis as F; print(F(m, x).total())",
        "ptflops": "from ptflops import get_model_complexity_info as g; "
        f"print(g(m, (3, {res}, {res}), as_strings=False, print_per_layer_stat=False))",
        "torch FlopCounterMode": "from torch.utils.flop_counter import FlopCounterMode as F\n"
        "with F(display=False) as f: m(x)\nprint(f.get_total_flops())",
        "import torch only": "pass",
    }
    cmds = {name: [sys.executable, "-B", "-c", head + body] for name, body in bodies.items()}
    if shutil.which(CONVCOST_CMD[0]):
        sized = [*CONVCOST_CMD, "--alpha", str(alpha), "--resolution", str(res)]
        cmds = {"convcost": sized, **cmds}
    else:
        print(f"\nskip convcost: `{CONVCOST_CMD[0]}` is not on PATH (pip install -e . first)")
    return cmds


def time_tools(alpha: float, res: int, repeats: int) -> None:
    cmds = timing_commands(alpha, res)
    names = list(cmds)
    times: dict[str, list[float]] = {n: [] for n in names}
    said: dict[str, str] = {}
    for r in range(repeats):
        for n in names[r % len(names) :] + names[: r % len(names)]:  # rotate who goes first
            start = time.perf_counter()
            done = subprocess.run(cmds[n], capture_output=True, text=True)
            times[n].append(time.perf_counter() - start)
            said[n] = done.stdout.strip()
            if done.returncode != 0:
                sys.exit(f"{n} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    base = statistics.median(times["convcost"]) if "convcost" in times else None
    if "convcost" in said:  # its totals must be the paper convention's, from the shapes
        total = json.loads(said["convcost"])["total"]
        s = shapes(alpha, res)
        ok = (total["macs"], total["params"]) == (s.macs, s.params)
        print(f"\n{' '.join(cmds['convcost'])}: {total['macs']:,} mult-adds, ", end="")
        print(f"{total['params']:,} params: {'ok' if ok else 'MISMATCH'} against the shapes")
    print(f"\nStart-up to count ({alpha}-{res}), median of")
    print(f"{repeats} rounds alternating the order of tools:")
    for n in names:
        med = statistics.median(times[n])
        ratio = f"{med / base:6.1f}× convcost" if base else ""
        print(f"  {n:<24}{med:8.3f} s  {ratio}")


ONNX_FILE = "/work/ref/onnx/mobilenet_v2_bn.onnx"
ONNX_TOOL = "import sys, onnx_tool; onnx_tool.model_profile(sys.argv[1], **dict(a.split('=') for a in sys.argv[2:]))"
ONNX_TOOL_TARGETS = {"machine-readable": 4.0, "printed table": 2.5}


def onnx_tool_rounds(convcost: str, onnx_file: str, repeats: int) -> None:
    """onnx-tool's profile of the exported MobileNetV2 against convcost's built-in one."""
    import tempfile

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        csv_out = os.path.join(tmp, "profile.csv")
        cmds = {
            "convcost model mobilenet_v2 --json": [convcost, "model", "mobilenet_v2", "--json"],
            "onnx-tool model_profile(save_profile=CSV)": [
                sys.executable, "-c", ONNX_TOOL, onnx_file, f"save_profile={csv_out}",
            ],
            "convcost model mobilenet_v2 (table)": [convcost, "model", "mobilenet_v2"],
            "onnx-tool model_profile (table)": [sys.executable, "-c", ONNX_TOOL, onnx_file],
        }  # fmt: skip
        names = list(cmds)
        med = {n: t.wall for n, t in alternate(cmds, repeats, env).items()}
    total = json.loads(subprocess.run(cmds[names[0]], capture_output=True, env=env).stdout)["total"]
    print(f"\nMobileNetV2: convcost's built-in against onnx-tool on {onnx_file},")
    print(f"median of {repeats} rounds alternating the order (convcost {convcost}):")
    for n in names:
        print(f"  {n:<44}{med[n] * 1e3:8.1f} ms")
    print(
        f"  (convcost's total, paper convention: {total['macs']:,} MACs, {total['params']:,} params)"
    )
    for (label, target), (ours, theirs) in zip(
        ONNX_TOOL_TARGETS.items(), ((names[0], names[1]), (names[2], names[3])), strict=True
    ):
        ratio = med[theirs] / med[ours]
        verdict = "ok" if ratio >= target else "BELOW TARGET"
        print(f"onnx-tool / convcost, {label}: {ratio:.2f} (target >= {target}): {verdict}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="timing rounds (median is printed)")
    ap.add_argument("--alpha", type=float, nargs="+", default=[1.0, 0.5], help="width multipliers")
    ap.add_argument("--resolution", type=int, nargs="+", default=[224, 160], help="per --alpha")
    ap.add_argument("--convcost", default=shutil.which("convcost"), help="the convcost to time")
    ap.add_argument("--onnx-file", default=ONNX_FILE, help="MobileNetV2 as ONNX, for onnx-tool")
    ap.add_argument("--only-onnx-tool", action="store_true", help="part (c) alone")
    args = ap.parse_args()
    if len(args.alpha) != len(args.resolution):
        ap.error("give as many --alpha values as --resolution values")
    if args.convcost:
        CONVCOST_CMD[0] = args.convcost
    if importlib.util.find_spec("onnx_tool") is not None and args.convcost:
        onnx_tool_rounds(args.convcost, args.onnx_file, args.repeats)
    elif args.only_onnx_tool:
        print("skip: onnx-tool or convcost is not installed (pip install onnx-tool)")
    if args.only_onnx_tool:
        return 0
    missing = [m for m in NEEDED if importlib.util.find_spec(m) is None]
    if missing:
        print(f"skip: {', '.join(missing)} not installed; pip install {' '.join(NEEDED)}")
        return 0
    for alpha, res in zip(args.alpha, args.resolution, strict=True):
        print_counts(alpha, res)
    time_tools(args.alpha[0], args.resolution[0], args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
