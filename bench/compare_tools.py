"""Each tool preset beside the tool's own output: fvcore, ptflops, thop, torchinfo, torch's
FlopCounterMode and onnx-tool on the same networks, in one run.

Run by hand, not part of the tests, from the repository root, with a Python that has torch,
torchvision and the tools (`/work/tv-venv`, see /work/ref/VERSIONS.txt), and convcost's own
environment for convcost (its `.venv`, made as DEVELOPERS.md says):

    /work/tv-venv/bin/python bench/compare_tools.py [--networks mobilenet_v1 resnet18 ...]
        [--convcost .venv/bin/convcost] [--timing [--repeats 5] [--alpha 1.0 0.5]
        [--resolution 224 160]]

Networks, built in torch as bench/tool_reference.py builds them (random weights, eval mode, batch
1, 224×224): MobileNetV1 conv-BN-ReLU throughout with a global average pool and an fc with bias
(convcost: specs/mobilenet_v1_torch.yaml), torchvision's mobilenet_v2, mobilenet_v2 with
width_mult=1.4 (convcost: --alpha 1.4), mobilenet_v3_large, resnet18 and efficientnet_b0 (the
built-ins). For each network and tool it prints what the tool printed (fvcore `.total()`, ptflops'
MACs with the default pytorch backend and with backend='aten', thop's MACs, torchinfo's
`total_mult_adds`, FlopCounterMode's FLOPs, onnx-tool's MACs on a BatchNorm-preserving export)
and its parameter count, beside `convcost model NETWORK --preset TOOL --json` (`total.reported`,
`total.params`), and the difference; then how many differ. A tool that is not installed is
skipped.

`--timing` also times, from a fresh interpreter to the printed count, convcost against fvcore,
ptflops, FlopCounterMode and `import torch` alone on MobileNetV1 (alternating, medians of
--repeats rounds, ratios against convcost in the same run), at the first --alpha/--resolution
pair, and checks convcost's JSON totals against the paper convention rebuilt from the shapes.

`--only-onnx-tool` (or `--timing`, where onnx-tool is installed) times convcost against onnx-tool,
the framework-free peer (issue 14), on MobileNetV2: onnx-tool profiles the exported ONNX file
(default /work/ref/onnx/mobilenet_v2_bn.onnx), convcost its built-in mobilenet_v2. Two pairs,
alternating in each round, medians: the machine-readable answer (`convcost model mobilenet_v2
--json` against `onnx_tool.model_profile(FILE, save_profile=CSV)`, its per-node table as CSV:
onnx-tool writes no JSON) and the printed table (`convcost model mobilenet_v2` against
`model_profile(FILE)`). Targets: onnx-tool / convcost >= 4 on the first, >= 2.5 on the second.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import alternate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

NETWORKS: dict[str, list[str]] = {
    "mobilenet_v1": [str(ROOT / "specs" / "mobilenet_v1_torch.yaml")],
    "mobilenet_v2": ["mobilenet_v2"],
    "mobilenet_v2_1.4": ["mobilenet_v2", "--alpha", "1.4"],
    "mobilenet_v3_large": ["mobilenet_v3_large"],
    "resnet18": ["resnet18"],
    "efficientnet_b0": ["efficientnet_b0"],
}
"""The tools' network (bench/tool_reference.py's name) → convcost's arguments for it."""
ZOO = [
    "mobilenet_v3_small",
    "resnet50",
    "vgg16",
    "vgg16_bn",
    "mnasnet1_0",
    "shufflenet_v2_x1_0",
    "squeezenet1_0",
    "squeezenet1_1",
    "densenet121",
]
"""The rest of convcost's zoo (torchvision's, under the same name): `--networks` may name them."""
NETWORKS |= {name: [name] for name in ZOO}
TOOLS = ("fvcore", "ptflops", "ptflops-aten", "thop", "torchinfo", "flopcounter", "onnx-tool")
NEEDS = {
    "fvcore": "fvcore",
    "ptflops": "ptflops",
    "ptflops-aten": "ptflops",
    "thop": "thop",
    "torchinfo": "torchinfo",
    "flopcounter": "torch",
    "onnx-tool": "onnx_tool",
}
RESOLUTION = 224

# MobileNetV1, paper Table 1: (pointwise filters, depthwise stride) of the 13 separable blocks.
BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), *[(512, 1)] * 5]
BLOCKS += [(1024, 2), (1024, 1)]
CLASSES = 1000
CONVCOST_CMD = ["convcost", "model", "mobilenet", "--json"]


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
    """Integers read off the architecture table, without torch: the paper convention."""

    macs: int  # conv + FC weight mult-adds
    params: int  # conv + FC weights


def shapes(alpha: float, res: int) -> Shapes:
    macs = params = 0
    side, cin = res, 3

    def conv(k: int, cin_per_group: int, cout: int, stride: int) -> None:
        nonlocal side, macs, params
        side = (side + 2 * (k // 2) - k) // stride + 1
        macs += k * k * cin_per_group * cout * side * side
        params += k * k * cin_per_group * cout

    conv(3, cin, int(32 * alpha), 2)
    cin = int(32 * alpha)
    for filters, stride in BLOCKS:
        conv(3, 1, cin, stride)
        conv(1, cin, int(filters * alpha), 1)
        cin = int(filters * alpha)
    return Shapes(macs + cin * CLASSES, params + cin * CLASSES)


# --- each preset beside its tool ----------------------------------------------------------------


def tool_figures(
    network: str, tools: list[str], onnx_dir: str
) -> dict[str, tuple[int, int | None]]:
    """(figure, params) each tool prints for the torch model (bench/tool_reference.py's runners,
    each on a freshly built model)."""
    import tool_reference as ref
    import torch

    x = torch.randn(1, 3, RESOLUTION, RESOLUTION, generator=torch.Generator().manual_seed(1))
    out: dict[str, tuple[int, int | None]] = {}
    if "fvcore" in tools:
        r = ref.run_fvcore(network, x)
        out["fvcore"] = (r["total"], r["params"])
    if "ptflops" in tools or "ptflops-aten" in tools:
        r = ref.run_ptflops(network, (3, RESOLUTION, RESOLUTION))
        out["ptflops"] = (r["pytorch"]["total"], r["pytorch"]["params"])
        if "aten" in r:
            out["ptflops-aten"] = (r["aten"]["total"], r["aten"]["params"])
    if "thop" in tools:
        r = ref.run_thop(network, x)
        out["thop"] = (r["total"], r["params"])
    if "torchinfo" in tools:
        r = ref.run_torchinfo(network, x)
        out["torchinfo"] = (r["total_mult_adds"], r["total_params"])
    if "flopcounter" in tools:
        out["flopcounter"] = (ref.run_flop_counter(network, x)["total_flops"], None)
    if "onnx-tool" in tools:
        r = ref.onnx_tool_bn(network, x, os.path.join(onnx_dir, f"{network}_bn.onnx"))
        out["onnx-tool"] = (r["macs"], r["params"])
    return out


def preset_figures(
    convcost: list[str], network: str, tools: list[str]
) -> dict[str, tuple[int, int]]:
    """(total.reported, total.params) of `convcost model ... --preset TOOL --json`."""
    out = {}
    for tool in tools:
        cmd = [*convcost, "model", *NETWORKS[network], "--preset", tool, "--json"]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
        total = json.loads(done.stdout)["total"]
        out[tool] = (total["reported"], total["params"])
    return out


def compare(convcost: list[str], networks: list[str], tools: list[str]) -> int:
    """Print every (network, tool): the tool's figure, the preset's, the difference; return how
    many figures or parameter counts differ."""
    from torch_reference import define_torchvision_ops

    define_torchvision_ops()
    differ = checked = 0
    print(f"{'network':<20}{'tool':<14}{'tool prints':>16}{'preset':>16}{'diff':>6}"
          f"{'tool params':>13}{'preset':>12}")  # fmt: skip
    with tempfile.TemporaryDirectory() as onnx_dir:
        for network in networks:
            mine = preset_figures(convcost, network, tools)
            theirs = tool_figures(network, tools, onnx_dir)
            for tool in tools:
                figure, params = theirs[tool]
                reported, counted = mine[tool]
                diff = reported - figure
                bad = diff != 0 or (params is not None and params != counted)
                differ += bad
                checked += 1
                shown = "-" if params is None else f"{params:,}"
                print(f"{network:<20}{tool:<14}{figure:>16,}{reported:>16,}{diff:>+6,}"
                      f"{shown:>13}{counted:>12,}{'  DIFFERENT' if bad else ''}")  # fmt: skip
    print(f"\n{differ} of {checked} (network, tool) pairs differ (figure or parameters)")
    return differ


def timing_commands(alpha: float, res: int, convcost: str) -> dict[str, list[str]]:
    head = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); import torch; "
        # a CUDA torchvision beside CPU torch needs this before ptflops imports torchvision.ops
        "from torch_reference import define_torchvision_ops; define_torchvision_ops(); "
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
    if shutil.which(convcost.split()[0]):
        sized = [
            *convcost.split(),
            *CONVCOST_CMD[1:],
            "--alpha",
            str(alpha),
            "--resolution",
            str(res),
        ]
        cmds = {"convcost": sized, **cmds}
    else:
        print(f"\nskip convcost: `{convcost}` is not found (pip install -e . first)")
    return cmds


def time_tools(alpha: float, res: int, repeats: int, convcost: str) -> None:
    cmds = timing_commands(alpha, res, convcost)
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
        shown = " ".join([os.path.basename(cmds["convcost"][0]), *cmds["convcost"][1:]])
        print(f"\n{shown}: {total['macs']:,} mult-adds, ", end="")
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
    default_networks = [n for n in NETWORKS if n not in ZOO]
    ap.add_argument("--networks", nargs="+", default=default_networks, choices=list(NETWORKS))
    default = ROOT / ".venv" / "bin" / "convcost"
    ap.add_argument(
        "--convcost",
        default=str(default) if default.exists() else "convcost",
        help="the convcost command to run (default: this repository's .venv)",
    )
    ap.add_argument("--timing", action="store_true", help="also time start-up to a count")
    ap.add_argument("--repeats", type=int, default=5, help="timing rounds (median is printed)")
    ap.add_argument("--alpha", type=float, nargs="+", default=[1.0], help="timing: α")
    ap.add_argument("--resolution", type=int, nargs="+", default=[224], help="timing: per α")
    ap.add_argument("--onnx-file", default=ONNX_FILE, help="MobileNetV2 as ONNX, for onnx-tool")
    ap.add_argument("--only-onnx-tool", action="store_true", help="the onnx-tool timing alone")
    args = ap.parse_args()
    has_onnx_tool = importlib.util.find_spec("onnx_tool") is not None
    if args.only_onnx_tool or (args.timing and has_onnx_tool):
        if not has_onnx_tool:
            print("skip: onnx-tool is not installed (pip install onnx-tool)")
            return 0
        onnx_tool_rounds(args.convcost, args.onnx_file, args.repeats)
        if args.only_onnx_tool:
            return 0
    if len(args.alpha) != len(args.resolution):
        ap.error("give as many --alpha values as --resolution values")
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("torchvision") is None:
        print("skip: torch and torchvision are needed (see /work/ref/VERSIONS.txt)")
        return 0
    tools = [t for t in TOOLS if importlib.util.find_spec(NEEDS[t]) is not None]
    missing = sorted(set(TOOLS) - set(tools))
    if missing:
        print(f"skip {', '.join(missing)}: not installed")
    differ = compare(args.convcost.split(), args.networks, tools)
    if args.timing:
        time_tools(args.alpha[0], args.resolution[0], args.repeats, args.convcost)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
