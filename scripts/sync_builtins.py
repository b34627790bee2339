"""Write the built-in networks (convcost/architectures/NAME.py) from their specs (specs/NAME.yaml).

The YAML files are the source: commented, and what a user copies. The built-ins are the same data
as Python dicts, so that `convcost model NAME` needs neither YAML nor pydantic at start-up. After
editing a spec, run

    python scripts/sync_builtins.py

tests/test_zoo.py holds every built-in equal to its spec, so a forgotten run fails the suite.
"""

from __future__ import annotations

import pprint
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from convcost.architectures import BUILTINS  # noqa: E402


def module_text(name: str) -> str:
    path = ROOT / "specs" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    header = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    header = [line for line in header if "convcost model specs/" not in line]
    spec = yaml.safe_load(text)
    doc = "\n".join(header).replace('"""', "'''")
    return (
        f'"""{doc}\n\nGenerated from specs/{name}.yaml by scripts/sync_builtins.py: edit the YAML, '
        'then rerun it."""\n\n'
        "from typing import Any\n\n"
        f"SPEC: dict[str, Any] = {pprint.pformat(spec, width=100, sort_dicts=False)}\n"
    )


def main() -> int:
    for name in BUILTINS:
        target = ROOT / "convcost" / "architectures" / f"{name}.py"
        target.write_text(module_text(name), encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
