"""Write the README's table of what each counting tool prints, from convcost's tool presets.

    python scripts/tools_table.py            # print the table (Markdown)
    python scripts/tools_table.py --write    # replace it in README.md, between its markers

Every cell is `convcost model NETWORK --preset TOOL --json | jq .total.reported` (the params rows:
`.total.params`). tests/test_tools.py regenerates the table, checks it against the README, and
checks every cell against the figure the tool itself printed (measured by bench/tool_reference.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from convcost.load import load_network  # noqa: E402
from convcost.ops import OpsReport, analyze_ops  # noqa: E402
from convcost.presets import resolve  # noqa: E402
from convcost.report import Size, analyze_network  # noqa: E402
from convcost.tools import TOOLS  # noqa: E402

NETWORKS: dict[str, tuple[str, float]] = {
    "MobileNetV1": (str(ROOT / "specs" / "mobilenet_v1_torch.yaml"), 1.0),
    "MobileNetV2": ("mobilenet_v2", 1.0),
    "MobileNetV2 1.4": ("mobilenet_v2", 1.4),
    "MobileNetV3-Large": ("mobilenet_v3_large", 1.0),
    "ResNet-18": ("resnet18", 1.0),
    "EfficientNet-B0": ("efficientnet_b0", 1.0),
}
"""Column → (built-in or spec, α): the networks bench/tool_reference.py runs the tools on."""
COUNTED = [name for name, tool in TOOLS.items() if tool.figure is not None]
BEGIN, END = "<!-- tools-table: scripts/tools_table.py -->", "<!-- /tools-table -->"


def counted(network: str, preset: str) -> OpsReport:
    """The network under a tool preset, every other op counted as the tool counts it."""
    name, alpha = NETWORKS[network]
    conventions = resolve(preset)[0]
    report = analyze_network(load_network(name), Size(alpha=alpha), conventions)
    result = analyze_ops(report)
    assert isinstance(result, OpsReport)
    return result


def table() -> str:
    reports = {(n, t): counted(n, t) for n in NETWORKS for t in [*COUNTED, "keras"]}
    head = ["| `--preset` | what it reports | " + " | ".join(NETWORKS) + " |"]
    head.append("|---|---|" + "---:|" * len(NETWORKS))

    def row(label: str, what: str, cells: list[int]) -> str:
        return f"| {label} | {what} | " + " | ".join(f"{c:,}" for c in cells) + " |"

    paper = [reports[(n, "fvcore")].base.total.macs for n in NETWORKS]
    lines = [*head, row("`paper`", "conv + fc mult-adds", paper)]
    for tool in COUNTED:
        cells = [reports[(n, tool)].reported or 0 for n in NETWORKS]
        lines.append(row(f"`{tool}`", TOOLS[tool].title, cells))
    for tool, what in (("fvcore", "params: torch tools"), ("keras", "params: Keras, onnx-tool")):
        lines.append(row("", what, [reports[(n, tool)].base.total.params for n in NETWORKS]))
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="replace the table in README.md")
    args = ap.parse_args()
    text = table()
    if not args.write:
        sys.stdout.write(text)
        return 0
    path = ROOT / "README.md"
    readme = path.read_text(encoding="utf-8")
    before, rest = readme.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    path.write_text(f"{before}{BEGIN}\n{text}{END}{after}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
