"""The README's console examples are convcost's real output: each `$ convcost ...` line is run
at 80 columns and the lines shown under it must appear in what it prints, in order; a `...` line
elides output between runs of shown lines."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import ROOT, Run

README = (ROOT / "README.md").read_text(encoding="utf-8")


def examples() -> list[tuple[str, list[str]]]:
    found = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        command, shown = None, []
        for line in [*block.splitlines(), "$ end"]:
            if line.startswith("$ "):
                if command is not None:
                    found.append((command, shown))
                command, shown = line[2:], []
            else:
                shown.append(line)
    return [
        (command, shown)
        for command, shown in found
        if command.startswith("convcost ")
        and "|" not in command
        and not command.startswith("convcost measure")  # timings: measured, not reproducible
    ]


def chunks(shown: list[str]) -> list[list[str]]:
    """The shown lines split at `...` (elided output) into runs that must each appear."""
    runs: list[list[str]] = [[]]
    for line in shown:
        if line.strip() == "...":
            runs.append([])
        else:
            runs[-1].append(line.rstrip())
    return [run for run in runs if any(run)]


@pytest.mark.parametrize(("command", "shown"), examples(), ids=[c for c, _ in examples()])
def test_console_example_is_real_output(run: Run, command: str, shown: list[str]) -> None:
    args = shlex.split(command, comments=True)[1:]
    result = run(*args)
    runs = chunks(shown)
    if not runs:  # a command listed without its output: it must at least run
        assert result.exit_code == 0, result.stderr
        return
    printed = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
    at = 0
    for expected in runs:
        starts = [i for i in range(at, len(printed)) if printed[i] == expected[0]]
        match = next((i for i in starts if printed[i : i + len(expected)] == expected), None)
        assert match is not None, (
            "\n".join(expected) + "\n--- not found in ---\n" + "\n".join(printed)
        )
        at = match + len(expected)


def test_python_examples_run_as_doctests() -> None:
    """Every ```pycon block of the README is a doctest, run against the installed library."""
    import doctest

    blocks = re.findall(r"```pycon\n(.*?)```", README, flags=re.S)
    assert blocks
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    namespace: dict[str, object] = {}  # the blocks continue one another, as a session does
    for index, block in enumerate(blocks):
        test = parser.get_doctest(block, namespace, f"README pycon block {index}", "README.md", 0)
        runner.run(test, clear_globs=False)
        namespace.update(test.globs)
    assert runner.failures == 0 and runner.tries > 5
