"""plain_spec.network checks a plainly fine network spec without pydantic: whatever it accepts,
the models accept too, normalized the same; anything else it leaves to them (None)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convcost import load, plain_spec
from tests.conftest import SPECS, Run
from tests.test_contract import documents, networks


def models(data: Any) -> Any:
    """What the pydantic models make of it: the normalized spec, or None when they refuse it."""
    from pydantic import ValidationError

    from convcost.spec import NetworkSpec

    try:
        return NetworkSpec.model_validate(data).normalized()
    except ValidationError:
        return None


def network_specs() -> list[Path]:
    out = []
    for path in sorted(SPECS.glob("*.yaml")):
        data, _ = load.load_yaml(str(path))
        if not load._is_layer(data):
            out.append(path)
    return out


SHIPPED = network_specs()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_network_is_plainly_fine(path: Path) -> None:
    data, _ = load.load_yaml(str(path))
    fast = plain_spec.network(copy.deepcopy(data))
    assert fast is not None
    assert fast == models(data)


VALUES = [
    None, True, False, 0, 1, -1, 3, 8, 2.5, "", "x", "same", "valid", "$c", "$c * 2", "3x3", "1x0",
    [1, 2], [1, 2, 3, 4], ["a", "b"], [], {}, {"a": 1}, {"kind": "max"}, "relu", "silu", "max",
    "avg", "classes", "floor", "width", "always", "up", "input", 10**101, "1e3",
]  # fmt: skip
KEYS = ["type", "name", "from", "filters", "t", "hidden", "kernel_size", "se", "global", "zz"]


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A shipped spec with one value replaced, one key removed or one key added, anywhere."""
    data, _ = load.load_yaml(str(draw(st.sampled_from(SHIPPED))))
    data = copy.deepcopy(data)
    node: Any = data
    for _ in range(draw(st.integers(0, 5))):  # walk down a few levels
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        inner = [(k, v) for k, v in children if isinstance(v, (dict, list)) and v]
        if not inner:
            break
        node = draw(st.sampled_from(inner))[1]
    action = draw(st.sampled_from(["replace", "remove", "add"]))
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    if action == "add" and isinstance(node, dict):
        node[draw(st.sampled_from(KEYS))] = draw(st.sampled_from(VALUES))
    elif keys and action == "remove" and isinstance(node, dict):
        del node[draw(st.sampled_from(keys))]
    elif keys:
        node[draw(st.sampled_from(keys))] = draw(st.sampled_from(VALUES))
    return data


@settings(
    max_examples=400,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.one_of(mutated(), mutated(), networks, documents))
def test_what_it_accepts_the_models_accept_the_same(data: Any) -> None:
    fast = plain_spec.network(copy.deepcopy(data))
    if fast is not None:
        assert fast == models(data)


def test_whatever_it_is_unsure_of_the_models_word(run: Run) -> None:
    """A problem is reported by the models, located, as before (plain_spec steps aside)."""
    text = "name: n\ninput: {size: 32}\nlayers:\n  - {type: conv, kernel_size: 3, filter: 8}\n"
    assert "<stdin>, line 4: unknown key 'filter' in layers[0]; did you mean 'filters'?" in run.bad(
        "model", "-", input=text
    )


def test_a_plain_spec_loads_no_pydantic(tmp_path: Path) -> None:
    """Costing a plainly fine spec file imports neither pydantic nor the models."""
    import json
    import subprocess
    import sys

    probe = (
        "import sys, io, contextlib\n"
        "from convcost.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(['model', sys.argv[1], '--json'])\n"
        "    except SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'convcost.spec'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(SPECS / "resnet18.yaml")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.replace("'", '"')) == []


@pytest.mark.parametrize("kind", sorted(plain_spec.LAYERS))
def test_each_layer_type_has_the_models_keys_and_defaults(kind: str) -> None:
    """A key added to a model and not here only sends specs to the models; the other way round
    would accept what they refuse: the two lists are held equal."""
    from convcost.spec import LAYER_TYPES

    model = LAYER_TYPES[kind]
    keys = {info.alias or name: info for name, info in model.model_fields.items()}
    mine = plain_spec.LAYERS[kind]
    assert set(mine) == set(keys)
    for key, (_, default) in mine.items():
        info = keys[key]
        if default is plain_spec.REQUIRED:
            assert info.is_required(), key
        else:
            assert not info.is_required() and info.default == default, key
