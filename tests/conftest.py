from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from convcost.cli import main

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/* from current output"
    )


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


class Run:
    """Run the real entry point (``convcost.cli.main``) in-process, as a user would, in a fixed
    80-column colourless terminal; stdout and stderr are kept apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None) -> Result:
        env = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
        with self.runner.isolation(input=input, env=env) as (out, err, _):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            sys.stdout.flush()
            sys.stderr.flush()
            return Result(code, out.getvalue().decode(), err.getvalue().decode())

    def json(self, *args: str, input: str | bytes | None = None) -> Any:
        result = self(*args, "--json", input=input)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    def bad(self, *args: str, input: str | bytes | None = None) -> list[str]:
        """Run input that must be refused: exit 2, nothing on stdout, no traceback; the lines."""
        result = self(*args, input=input)
        assert result.exit_code == 2, (result.stdout, result.stderr)
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith("convcost: error: ") for line in lines), lines
        return [line.removeprefix("convcost: error: ") for line in lines]


@pytest.fixture
def run() -> Run:
    return Run()


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with tests/golden/NAME, or rewrite it with --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update or not path.exists():
            path.write_text(text, encoding="utf-8")
            if not update:
                pytest.fail(f"golden file {name} was missing and has been written; review it")
        assert text == path.read_text(encoding="utf-8")

    return check
