"""render.json.dumps writes exactly what json.dumps(indent=2, ensure_ascii=False) writes."""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convcost import architectures
from convcost.load import load_network
from convcost.render import records
from convcost.render.json import dumps
from convcost.report import Size, analyze_network


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(10**400), 10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.dictionaries(st.integers() | st.booleans() | st.none(), inner, max_size=2)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(documents)
def test_equal_to_the_standard_library(document: Any) -> None:
    assert dumps(document) == reference(document)


@pytest.mark.parametrize("name", architectures.names())
def test_every_builtin_document(name: str) -> None:
    document = records.document(analyze_network(load_network(name), Size()))
    assert dumps(document) == reference(document)


def test_control_characters_and_subclasses() -> None:
    class Level(IntEnum):
        low = 1

    document = {"name": 'a\x1b[31m\n\u2028"b\\', "level": Level.low, 3.5: [True, None]}
    assert dumps(document) == reference(document)


def test_what_json_refuses_is_refused() -> None:
    with pytest.raises(TypeError):
        dumps({"x": {1, 2}})
    with pytest.raises(TypeError):
        dumps({(1, 2): 3})
