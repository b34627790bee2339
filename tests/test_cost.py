"""The arithmetic, pinned to the seeds' and the paper's exact figures, plus its invariants."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convcost import cost
from convcost.cost import Cost


@pytest.mark.parametrize(
    ("d_f", "d_k", "stride", "padding", "d_g"),
    [
        (6, 3, 1, 0, 4),  # seed: 6×6×3 with 3×3×3 filters → 4×4
        (9, 3, 1, 0, 7),  # seed: 9×9×3 image, 3×3×3 kernel, no padding → 7×7
        (3, 2, 1, 0, 2),  # seed (d2l): 3×3×2 input, 2×2×2 kernel → 2×2
        (224, 3, 2, 1, 112),
        (14, 3, 1, 1, 14),
        (2, 3, 1, 0, 0),  # kernel overhangs: below 1
    ],
)
def test_output_side(d_f: int, d_k: int, stride: int, padding: int, d_g: int) -> None:
    assert cost.output_side(d_f, d_k, stride, padding) == d_g


@pytest.mark.parametrize(
    ("d_f", "stride", "d_g"), [(224, 2, 112), (7, 2, 4), (14, 1, 14), (15, 2, 8)]
)
def test_same_padding_is_ceil(d_f: int, stride: int, d_g: int) -> None:
    assert cost.conv_output_side(d_f, 3, stride, "same") == d_g


def test_seed_6x6x3() -> None:
    out = (4, 4)
    assert cost.conv(out, (3, 3), 3, 5) == Cost(2160, 135)
    assert cost.depthwise(out, (3, 3), 3) == Cost(432, 27)
    assert cost.pointwise(out, 3, 5) == Cost(240, 15)
    separable = cost.depthwise(out, (3, 3), 3) + cost.pointwise(out, 3, 5)
    assert separable.macs == 672
    assert Fraction(672, 2160) == Fraction(1, 5) + Fraction(1, 9)


def test_seed_ratio_n10() -> None:
    # D_K = 3, N = 10 → 1/N + 1/D_K² = 0.2111
    out = (7, 7)
    std = cost.conv(out, (3, 3), 3, 10)
    sep = cost.depthwise(out, (3, 3), 3) + cost.pointwise(out, 3, 10)
    assert Fraction(sep.macs, std.macs) == Fraction(1, 10) + Fraction(1, 9)
    assert round(float(Fraction(sep.macs, std.macs)), 4) == 0.2111


def test_paper_table3() -> None:
    out = (14, 14)
    assert cost.conv(out, (3, 3), 512, 512) == Cost(462_422_016, 2_359_296)
    sep = cost.depthwise(out, (3, 3), 512) + cost.pointwise(out, 512, 512)
    assert sep == Cost(52_283_392, 266_752)


def test_bias_adds_parameters_only() -> None:
    assert cost.conv((4, 4), (3, 3), 3, 5, bias=True) == Cost(2160, 140)
    assert cost.depthwise((4, 4), (3, 3), 3, bias=True) == Cost(432, 30)
    assert cost.fully_connected(1024, 1000, bias=True) == Cost(1_024_000, 1_025_000)


@pytest.mark.parametrize(
    ("c", "alpha", "rule", "expected"),
    [
        (512, Fraction(3, 4), "floor", 384),
        (32, Fraction(1, 4), "floor", 8),
        (3, Fraction(1, 4), "floor", 1),  # at least 1
        (100, cost.exact(0.29), "floor", 29),  # float would give 28
        (32, cost.exact(0.35), "divisible", 16),  # MobileNetV2 rounding
        (1280, cost.exact(1.4), "divisible", 1792),
        (24, cost.exact(0.35), "divisible", 8),
    ],
)
def test_scale_channels(c: int, alpha: Fraction, rule: str, expected: int) -> None:
    assert cost.scale_channels(c, alpha, rule) == expected


def test_huge_sizes_stay_exact() -> None:
    side = 10**12
    got = cost.conv((side, side), (3, 3), 10**6, 10**6)
    assert got.macs == 9 * 10**12 * 10**24
    assert isinstance(got.macs, int)


sizes = st.integers(min_value=1, max_value=512)
kernels = st.integers(min_value=1, max_value=11)


@given(
    d_f=sizes, m=sizes, n=sizes, kh=kernels, kw=kernels, s=st.integers(1, 4), p=st.integers(0, 5)
)
def test_separable_ratio_identity(
    d_f: int, m: int, n: int, kh: int, kw: int, s: int, p: int
) -> None:
    """separable / standard = 1/N + 1/(Kh·Kw), for mult-adds and parameters, any valid layer."""
    oh = cost.output_side(d_f, kh, s, p)
    ow = cost.output_side(d_f, kw, s, p)
    if min(oh, ow) < 1:
        return
    std = cost.conv((oh, ow), (kh, kw), m, n)
    sep = cost.depthwise((oh, ow), (kh, kw), m) + cost.pointwise((oh, ow), m, n)
    identity = Fraction(1, n) + Fraction(1, kh * kw)
    assert Fraction(sep.macs, std.macs) == identity
    assert Fraction(sep.params, std.params) == identity


@given(a=sizes, b=sizes, m=sizes, n=sizes, k=kernels)
def test_params_do_not_depend_on_resolution(a: int, b: int, m: int, n: int, k: int) -> None:
    assert cost.conv((a, a), (k, k), m, n).params == cost.conv((b, b), (k, k), m, n).params


@given(d_f=st.integers(1, 2000), k=kernels, s=st.integers(1, 8), p=st.integers(0, 8))
def test_output_side_formula(d_f: int, k: int, s: int, p: int) -> None:
    d_g = cost.output_side(d_f, k, s, p)
    if d_f + 2 * p >= k:
        # the last window starts inside the padded input, the next would not fit
        assert (d_g - 1) * s + k <= d_f + 2 * p < d_g * s + k
    else:
        assert d_g < 1


def _scale_channels_as_fractions(
    c: int, alpha: Fraction, rule: str, divisor: int, min_channels: int
) -> int:
    """The width rule written with Fractions, as the papers state it."""
    value = c * alpha
    if rule == "floor":
        return max(min_channels, int(value))
    scaled = max(min_channels, int(value + Fraction(divisor, 2)) // divisor * divisor)
    return scaled + divisor if scaled < Fraction(9, 10) * value else scaled


@settings(max_examples=500, derandomize=True)
@given(
    c=st.integers(1, 10**6),
    alpha=st.fractions(Fraction(1, 1000), 4, max_denominator=1000),
    rule=st.sampled_from(["floor", "divisible"]),
    divisor=st.sampled_from([1, 4, 8, 16]),
    min_channels=st.integers(1, 16),
)
def test_scale_channels_in_integers_is_the_fraction_rule(
    c: int, alpha: Fraction, rule: str, divisor: int, min_channels: int
) -> None:
    want = _scale_channels_as_fractions(c, alpha, rule, divisor, min_channels)
    assert cost.scale_channels(c, alpha, rule, divisor, min_channels) == want
