"""load._plain_document builds a plain spec from the parser's events: equal to what PyYAML
composes and constructs, or None (the full way reads it, and reports any problem as before)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convcost import load
from convcost.errors import SpecError
from tests.conftest import SPECS, Run
from tests.test_contract import MANGLES, _text, documents, networks

LOADER = load._loader_class()


def full_way(text: str) -> Any:
    """The document as the full way reads it, or the SpecError it raises."""
    try:
        return load._compose(LOADER, text, "x.yaml")[0]
    except SpecError as exc:
        return exc


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(document=st.one_of(networks, documents), mangle=MANGLES)
def test_plain_documents_equal_the_full_way(document: Any, mangle: str) -> None:
    text = _text(document, mangle)
    fast = load._plain_document(LOADER, text)
    slow = full_way(text)
    if fast is not None:
        assert fast == slow


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_spec_is_plain(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load._plain_document(LOADER, text) == full_way(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {b: 1}\nc: *x\n",  # anchors and aliases
        "a: {b: 1}\nc: {<<: {b: 2}, d: 3}\n",  # a merge key
        "a: !!str 1\n",  # a tag
        "? [a, b]\n: 1\n",  # a collection as a key
        "a: 1\n---\nb: 2\n",  # two documents
        "a: =\n",  # YAML's value key, only PyYAML knows it
        "- a\n- b\n",  # not a mapping
        "a: " + "1" * 101 + "\n",  # past fields.MAX_DIGITS
        "a: 2001-13-45\n",  # a date that does not exist
        "a: [1, 2\n",  # a parse error
        "a: 1\x00\n",  # a character YAML does not allow
        "",
    ],
)
def test_anything_else_goes_the_full_way(text: str) -> None:
    assert load._plain_document(LOADER, text) is None


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [x, 'y', 2.5, true, null, ~, 0x10, 1_000]\n",
        "a:\n  - {type: dw}\n  - type: pw\n    filters: 8\n",
        "a: 2001-12-14\nb: '007'\nc: 007\nd: yes\ne: 1:30\n",
        '"quoted key": 1\n1: int key\nnull: none\n',
    ],
)
def test_plain_yaml_as_pyyaml_reads_it(text: str) -> None:
    fast = load._plain_document(LOADER, text)
    assert fast is not None and fast == full_way(text)


def test_a_located_error_still_names_the_line(run: Run) -> None:
    """The line map is built only for a problem, and then it is the file's."""
    text = "name: n\ninput: {size: 32}\nlayers:\n  - {type: conv, kernel_size: 3, filters: 8}\n"
    text += "  - {type: dw, stride: 0}\n"
    assert run.bad("model", "-", input=text) == [
        "<stdin>, line 5: layers[1].stride: 0 is not allowed: must be a positive integer or "
        "HxW (e.g. 224x160)"
    ]
