"""JSON: exact integers, stable keys, no colour; the format scripts consume."""

from __future__ import annotations

import json
from typing import Any

from convcost.render import records


def dumps(record: Any) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def render(report: Any) -> str:
    return dumps(records.document(report))
