"""Pure cost arithmetic on plain ints: the formulas of the MobileNet paper, nothing else.

Symbols are the paper's: D_F input side, M input channels, D_K kernel side, N filters, D_G output
side. Every count is an exact Python int; nothing here knows about YAML, pydantic or the CLI.
Non-square shapes are given per axis (h, w).
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any


class Cost:
    """Mult-adds (multiply-accumulates, MACs) and parameters of one or more layers, immutable;
    ``+`` adds them.

    >>> Cost(432, 27) + Cost(240, 15)
    Cost(macs=672, params=42)

    Written out rather than a frozen dataclass, which costs ~2 ms to define at every start-up.
    """

    __slots__ = ("macs", "params")
    macs: int
    params: int

    def __init__(self, macs: int = 0, params: int = 0) -> None:
        _set(self, "macs", macs)
        _set(self, "params", params)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __repr__(self) -> str:
        return f"Cost(macs={self.macs!r}, params={self.params!r})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Cost:
            return NotImplemented
        assert isinstance(other, Cost)
        return self.macs == other.macs and self.params == other.params

    def __hash__(self) -> int:
        return hash((self.macs, self.params))

    def __reduce__(self) -> tuple[type[Cost], tuple[int, int]]:
        return Cost, (self.macs, self.params)

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.macs + other.macs, self.params + other.params)


_set = object.__setattr__


ZERO = Cost()


def total(costs: Iterable[Cost]) -> Cost:
    """Sum an iterable of Cost.

    >>> total([Cost(1, 2), Cost(3, 4)])
    Cost(macs=4, params=6)
    """
    macs = params = 0
    for c in costs:
        macs += c.macs
        params += c.params
    return Cost(macs, params)


def output_side(d_f: int, d_k: int, stride: int, padding: int) -> int:
    """D_G = floor((D_F + 2P - D_K) / S) + 1; below 1 when the kernel overhangs the padded input.

    >>> output_side(6, 3, 1, 0), output_side(224, 3, 2, 1), output_side(3, 2, 1, 0)
    (4, 112, 2)
    """
    return (d_f + 2 * padding - d_k) // stride + 1


def same_output_side(d_f: int, stride: int) -> int:
    """TF/Keras 'same' padding: D_G = ceil(D_F / S), whatever the kernel.

    >>> same_output_side(224, 2), same_output_side(7, 2), same_output_side(14, 1)
    (112, 4, 14)
    """
    return -(-d_f // stride)


def conv_output_side(d_f: int, d_k: int, stride: int, padding: int | str) -> int:
    """D_G for an int padding P, 'valid' (P = 0) or 'same' (ceil(D_F / S)).

    >>> conv_output_side(9, 3, 1, "valid"), conv_output_side(7, 3, 2, "same")
    (7, 4)
    """
    if padding == "same":
        return same_output_side(d_f, stride)
    return output_side(d_f, d_k, stride, 0 if padding == "valid" else int(padding))


def window_output_side(
    d_f: int,
    d_k: int,
    stride: int,
    pad_begin: int,
    pad_end: int,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """D_G of a sliding window with padding P_b before and P_e after and dilation d (the window
    spans d·(D_K − 1) + 1): floor((D_F + P_b + P_e − span) / S) + 1, or with ``ceil_mode`` the
    ceiling, as PyTorch's pools, less one if the last window would start in the end padding.

    >>> window_output_side(6, 3, 1, 0, 0), window_output_side(224, 3, 2, 1, 1)
    (4, 112)
    >>> window_output_side(55, 3, 2, 0, 0, ceil_mode=True), window_output_side(14, 3, 1, 2, 2, 2)
    (27, 14)
    >>> window_output_side(7, 1, 1, 0, 3)
    10
    """
    span = dilation * (d_k - 1) + 1
    room = d_f + pad_begin + pad_end - span
    if room < 0:
        return room // stride + 1  # below 1: the caller says the window overhangs
    if not ceil_mode:
        return room // stride + 1
    out = -(-room // stride) + 1
    if (out - 1) * stride >= d_f + pad_begin:
        out -= 1
    return out


def adaptive_window_sum(d_f: int, d_g: int) -> int:
    """Total length of the windows of an adaptive pool from D_F to D_G along one axis: window i
    spans floor(i·D_F/D_G) to ceil((i+1)·D_F/D_G) (PyTorch's AdaptiveAvgPool2d).

    >>> adaptive_window_sum(14, 7), adaptive_window_sum(7, 7), adaptive_window_sum(5, 3)
    (14, 7, 7)
    """
    return sum(-(-(i + 1) * d_f // d_g) - (i * d_f // d_g) for i in range(d_g))


def conv(
    out: tuple[int, int],
    kernel: tuple[int, int],
    m: int,
    n: int,
    groups: int = 1,
    bias: bool = False,
) -> Cost:
    """Standard (optionally grouped) convolution: D_K·D_K·(M/g)·N·D_G·D_G mult-adds, D_K·D_K·(M/g)·N weights.

    Seed example, 6×6×3 input, five 3×3×3 filters, output 4×4×5:

    >>> conv((4, 4), (3, 3), 3, 5)
    Cost(macs=2160, params=135)
    """
    weights = kernel[0] * kernel[1] * (m // groups) * n
    return Cost(weights * out[0] * out[1], weights + (n if bias else 0))


def depthwise(out: tuple[int, int], kernel: tuple[int, int], m: int, bias: bool = False) -> Cost:
    """Depthwise convolution, one D_K×D_K filter per channel: D_K·D_K·M·D_G·D_G mult-adds, D_K·D_K·M weights.

    >>> depthwise((4, 4), (3, 3), 3)
    Cost(macs=432, params=27)
    """
    return conv(out, kernel, m, m, groups=m, bias=bias)


def pointwise(out: tuple[int, int], m: int, n: int, bias: bool = False) -> Cost:
    """Pointwise (1×1) convolution: M·N·D_G·D_G mult-adds, M·N weights.

    >>> pointwise((4, 4), 3, 5)
    Cost(macs=240, params=15)
    """
    return conv(out, (1, 1), m, n, bias=bias)


def fully_connected(c: int, k: int, bias: bool = False) -> Cost:
    """Fully connected layer, C in → K out: C·K mult-adds, C·K weights (+K bias).

    >>> fully_connected(1024, 1000)
    Cost(macs=1024000, params=1024000)
    """
    return Cost(c * k, c * k + (k if bias else 0))


def batch_norm(channels: int, params_per_channel: int) -> Cost:
    """BatchNorm folded into the count as parameters only (γ, β and, if counted, running mean/var).

    >>> batch_norm(32, 4)
    Cost(macs=0, params=128)
    """
    return Cost(0, channels * params_per_channel)


# --- the paper's two multipliers ----------------------------------------------------------------


def exact(x: float | int | Fraction) -> Fraction:
    """The decimal a user typed, exactly: 0.29 is 29/100, not the binary float just below it.

    >>> exact(0.29), exact(1)
    (Fraction(29, 100), Fraction(1, 1))
    """
    if isinstance(x, float):
        return Fraction(repr(x))
    return Fraction(x)


def scale_channels(
    c: int,
    alpha: Fraction,
    round: str = "floor",
    divisor: int = 8,
    min_channels: int = 1,
) -> int:
    """Width multiplier α: c → int(c·α) ("floor", Keras/TF-slim MobileNetV1), or the nearest
    multiple of ``divisor`` never more than 10% below c·α ("divisible", MobileNetV2); never below
    ``min_channels``.

    >>> scale_channels(512, Fraction(3, 4)), scale_channels(32, Fraction(35, 100), "divisible")
    (384, 16)
    >>> scale_channels(100, exact(0.29))  # float 100*0.29 is 28.999999999999996
    29
    """
    # in integers: c·α = c·p/q; a Fraction per layer was most of a large network's evaluation
    p, q = alpha.numerator, alpha.denominator
    if round == "floor":
        return max(min_channels, c * p // q)
    scaled = max(min_channels, (2 * c * p + divisor * q) // (2 * q) // divisor * divisor)
    if 10 * q * scaled < 9 * c * p:  # more than 10% below c·α
        scaled += divisor
    return scaled


def scale_side(d_f: int, rho: Fraction) -> int:
    """Resolution multiplier ρ: D_F → ρ·D_F rounded half up, at least 1.

    >>> [scale_side(224, exact(r)) for r in (1, 0.857, 0.714, 0.571)], scale_side(14, exact(0.714))
    ([224, 192, 160, 128], 10)
    """
    return max(1, int(d_f * rho + Fraction(1, 2)))
