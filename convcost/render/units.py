"""Human units and shape text: the only place numbers become words."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

_PREFIXES = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K"))


def _one_decimal(n: int, units: Sequence[tuple[int, str]], sep: str = "") -> str:
    """n in the largest unit it reaches, one decimal, rounded half up — in integers, so any size
    works; past the largest unit, scientific notation with two significant digits.

    >>> _one_decimal(462_422_016, _PREFIXES), _one_decimal(-10**30, _PREFIXES)
    ('462.4M', '-1.0e30')
    """
    sign, n = ("-" if n < 0 else ""), abs(n)
    top = units[0][0]
    if n >= 1000 * top:
        digits = str((n * 10 // 10 ** (len(str(n)) - 2) + 5) // 10)  # two significant, rounded
        exponent = len(str(n)) - 1 + (len(digits) - 2)
        return f"{sign}{digits[0]}.{digits[1]}e{exponent}"
    for size, unit in units:
        if n >= size:
            tenths = (n * 10 + size // 2) // size
            return f"{sign}{tenths // 10}.{tenths % 10}{sep}{unit}"
    return f"{sign}{n}"  # pragma: no cover - callers show small numbers whole


def human(n: int, exact: bool = False) -> str:
    """462422016 → '462.4M'; below 10,000, or with exact, every digit: '2,160'.

    >>> human(462422016), human(266752), human(672), human(2160), human(52283392, exact=True)
    ('462.4M', '266.8K', '672', '2,160', '52,283,392')
    >>> human(10**400)
    '1.0e400'
    """
    if exact or abs(n) < 10_000:
        return f"{n:,}"
    return _one_decimal(n, _PREFIXES)


def percent(share: Fraction | float, digits: int = 2) -> str:
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


_BYTE_UNITS = ((10**12, "TB"), (10**9, "GB"), (10**6, "MB"), (10**3, "kB"))


def human_bytes(n: int, exact: bool = False) -> str:
    """Bytes in decimal (SI) units, as bandwidths are quoted (GB/s = 10⁹ bytes/s).

    >>> human_bytes(4816896), human_bytes(1292), human_bytes(401408), human_bytes(1292, exact=True)
    ('4.8 MB', '1.3 kB', '401.4 kB', '1,292 B')
    """
    if exact or abs(n) < 1000:
        return f"{n:,} B"
    return _one_decimal(n, _BYTE_UNITS, " ")


def duration(seconds: Fraction | float) -> str:
    """A short time with three significant digits: s, ms, µs or ns.

    >>> duration(Fraction(531, 10**6)), duration(0.016), duration(Fraction(1292, 50 * 10**9))
    ('531 µs', '16.0 ms', '25.8 ns')
    >>> duration(Fraction(10**400))
    '1.0e400 s'
    """
    if seconds >= 1000:  # beyond what a float holds, or just long: whole seconds, in integers
        return f"{_one_decimal(int(seconds), ((1, ''),))} s"
    value = float(seconds)
    if value == 0:
        return "0"
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if abs(value) >= scale:
            return f"{value / scale:#.3g}".rstrip(".") + f" {unit}"
    return f"{value / 1e-9:#.3g}".rstrip(".") + " ns"
