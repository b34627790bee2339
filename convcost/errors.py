"""The one exception family the library raises; the CLI maps it to exit status 2."""

from __future__ import annotations


class ConvcostError(Exception):
    """Bad input, with one self-contained message line per problem."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class SpecError(ConvcostError, ValueError):
    """A spec (flags, YAML, a dict, a built-in, a model file) that does not validate or does not
    fit together: a ``ValueError``, with every located problem in ``.problems``."""


class MissingExtraError(ConvcostError):
    """An optional dependency (matplotlib, torch) is needed and absent."""
