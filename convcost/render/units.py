"""Human units and shape text: the only place numbers become words."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

_PREFIXES = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K"))


def human(n: int, exact: bool = False) -> str:
    """462422016 → '462.4M'; below 10,000, or with exact, every digit: '2,160'.

    >>> human(462422016), human(266752), human(672), human(2160), human(52283392, exact=True)
    ('462.4M', '266.8K', '672', '2,160', '52,283,392')
    """
    if exact or abs(n) < 10_000:
        return f"{n:,}"
    for size, prefix in _PREFIXES:
        if abs(n) >= size:
            return f"{n / size:.1f}{prefix}"
    return str(n)  # pragma: no cover


def percent(share: Fraction, digits: int = 2) -> str:
    """Fraction(1, 3) → '33.33%'.

    >>> percent(Fraction(1, 3))
    '33.33%'
    """
    return f"{float(share) * 100:.{digits}f}%"


def decimal(value: Fraction, digits: int = 4) -> str:
    """Fraction(14, 45) → '0.3111'."""
    return f"{float(value):.{digits}f}"


def times(shape: Sequence[int]) -> str:
    """(4, 4, 5) → '4×4×5'.

    >>> times((4, 4, 5))
    '4×4×5'
    """
    return "×".join(str(v) for v in shape)


def side(pair: Sequence[int]) -> str:
    """(3, 3) → '3', (3, 5) → '3×5': a square pair is written once."""
    return str(pair[0]) if pair[0] == pair[1] else times(pair)
