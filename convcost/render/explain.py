"""``--explain TOOL`` as text: the tool's figure as a sum, one line per term, every digit, then
the rule behind each term and the parameters split into what they count."""

from __future__ import annotations

import textwrap
from typing import Any

from convcost.ops import Explanation, OpsReport
from convcost.render.ops_records import terms
from convcost.render.units import times

LABEL = 24
COUNT = 15
WIDTH = 80


def _note(term: dict[str, int | str]) -> str:
    """'2 × 6,678,112 elements' where the count is a whole multiple of what the kind touches."""
    count, elements = int(term["count"]), int(term["elements"])
    what = "input elements" if str(term["term"]).endswith("pool") else "elements"
    if term["term"] == "macs":
        return "the paper's convention" if count == elements else f"2 × {elements:,} mult-adds"
    if count == 0:
        return f"not counted ({elements:,} {what})"
    if elements and count % elements == 0:
        return f"{count // elements} × {elements:,} {what}"
    return f"over {elements:,} {what}"


def _line(sign: str, label: str, count: int, note: str = "") -> str:
    return f"{sign} {label:<{LABEL}}{count:>{COUNT},}  {note}".rstrip()


def _params(report: OpsReport) -> list[str]:
    weights, biases, affine, stats = report.params_parts()
    total = report.base.total.params
    parts = [f"{weights:,} weights"]
    if biases:
        parts.append(f"{biases:,} biases")
    if affine:
        parts.append(f"{affine:,} BatchNorm γ, β")
    if stats:
        parts.append(f"{stats:,} BatchNorm running mean, variance")
    lines = [_wrap(f"params: {total:,} = {' + '.join(parts)}", "")]
    if stats:
        lines.append(f"  trainable {total - stats:,}, non-trainable {stats:,} (the running stats)")
    return [*lines, _wrap(report.counting.params)]


def lines(report: Explanation) -> list[str]:
    ops = report.ops
    base, counting = ops.base, ops.counting
    variant = base.variant
    head = [
        f"{base.model} · α {float(variant.alpha):g} · {times(base.resolution)} input · "
        f"{base.classes} classes",
        _wrap(f"what {counting.title} prints, term by term: {counting.figure}", ""),
        "",
    ]
    rows = terms(ops)
    if not rows:
        return [
            head[0],
            f"{counting.title} prints no compute figure, only parameters:",
            *_params(ops),
        ]
    body = []
    for index, term in enumerate(rows):
        label = str(term["name"])
        if index == 0:
            label = "conv + fc mult-adds" + (" × 2" if counting.macs_factor == 2 else "")
        sign = " " if index == 0 or term["count"] == 0 else "+"
        body.append(_line(sign, label, int(term["count"]), _note(term)))
    reported = ops.reported
    assert reported is not None
    macs = base.total.macs
    over = f"mult-adds + {100 * (reported - macs) / macs:.2f}%" if macs else ""
    body.append(_line("=", f"what {counting.name} prints", reported, over))
    rules = [_wrap(f"{term['name']}: {term['rule']}") for term in rows[1:]]
    tail = ["", f"how {counting.name} counts each kind:", *rules, *_params(ops)]
    return [*head, *body, *tail]


def _wrap(text: str, indent: str = "  ") -> str:
    lines = textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")
    return "\n".join(lines)


def render(report: Explanation) -> str:
    return "\n".join(lines(report)) + "\n"


def print_Explanation(report: Explanation, console: Any, exact: bool = False) -> None:
    """Plain text, every digit: the tool's figure as a sum (``--exact`` changes nothing)."""
    for line in lines(report):
        console.out(line, highlight=False)
