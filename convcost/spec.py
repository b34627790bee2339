"""Pydantic models of what a user can describe: one layer to compare, or a whole network.

This is the only module that knows field names and aliases. Everything is validated once here
(``extra="forbid"``, strictly positive ints, bounded α and ρ); after that nothing re-checks.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    WithJsonSchema,
    model_validator,
)

from convcost.fields import (
    LAYER_DEFAULTS,
    MAX_RATE,
    MAX_REPEAT,
    MIN_RATE,
    apply_defaults,
    parse_layer_padding,
    parse_multiplier,
    parse_padding,
    parse_pair,
    parse_positive_int,
    parse_rate,
    parse_repeat,
)

Pair = tuple[int, int]

_PAIR_SCHEMA = {
    "anyOf": [
        {"type": "integer", "minimum": 1},
        {"type": "string", "pattern": r"^\d+[xX×]\d+$"},
        {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 2, "maxItems": 2},
    ]
}
PositiveInt = Annotated[
    int, PlainValidator(parse_positive_int), WithJsonSchema({"type": "integer", "minimum": 1})
]
PositivePair = Annotated[tuple[int, int], PlainValidator(parse_pair), WithJsonSchema(_PAIR_SCHEMA)]
Padding = Annotated[
    int | str,
    PlainValidator(parse_padding),
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0}, {"enum": ["same", "valid"]}]}),
]
LayerPadding = Annotated[
    int | str | tuple[int, int],
    PlainValidator(parse_layer_padding),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"enum": ["same", "valid"]},
                {"type": "string", "pattern": r"^\d+[xX×]\d+$"},
                {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 0},
                    "minItems": 2,
                    "maxItems": 2,
                },
            ]
        }
    ),
]
Multiplier = Annotated[
    float,
    PlainValidator(parse_multiplier),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 4}),
]
Repeat = Annotated[
    int,
    PlainValidator(parse_repeat),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_REPEAT}),
]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, frozen=True, loc_by_alias=False
    )


# --- one layer, for `convcost layer` -------------------------------------------------------------


class LayerSpec(_Model):
    """One convolution to cost as a standard conv and as its depthwise-separable replacement."""

    name: str | None = Field(None, description="optional label shown in reports")
    input_size: PositivePair = Field(alias="D_F", description="D_F: input side, N or HxW")
    channels: PositiveInt = Field(alias="M", description="M: input channels")
    kernel_size: PositivePair = Field(alias="D_K", description="D_K: kernel side, K or KhxKw")
    filters: PositiveInt = Field(alias="N", description="N: filters (output channels)")
    stride: PositivePair = Field((1, 1), description="S: stride, S or SHxSW")
    padding: LayerPadding = Field(
        0, description="P: integer, PHxPW, 'same' (ceil(D_F/S)) or 'valid' (0)"
    )


class LayerFile(_Model):
    """A file of several layers, each compared on its own, with a total."""

    layers: list[LayerSpec] = Field(min_length=1)


# --- networks, for `convcost model` --------------------------------------------------------------

ScaleRule = Literal["always", "never", "up"]
_D = LAYER_DEFAULTS


class _NetLayer(_Model):
    name: str | None = Field(None, description="label shown in reports")
    repeat: Repeat = Field(1, description="repeat this entry n times")


class ConvLayer(_NetLayer):
    """Standard convolution (grouped when groups > 1)."""

    type: Literal["conv"]
    kernel_size: PositivePair = Field(description="D_K: kernel side, K or KhxKw")
    filters: PositiveInt = Field(description="N: output channels (scaled by α)")
    stride: PositivePair = _D["conv"]["stride"]
    padding: Padding = _D["conv"]["padding"]
    groups: PositiveInt = _D["conv"]["groups"]
    scale: ScaleRule = Field(
        _D["conv"]["scale"],
        description="how α applies to filters: always, never, or only when α > 1 (up)",
    )


class DepthwiseLayer(_NetLayer):
    """Depthwise convolution: one D_K×D_K filter per input channel."""

    type: Literal["dw"]
    kernel_size: PositivePair = _D["dw"]["kernel_size"]
    stride: PositivePair = _D["dw"]["stride"]
    padding: Padding = _D["dw"]["padding"]


class PointwiseLayer(_NetLayer):
    """Pointwise (1×1) convolution."""

    type: Literal["pw"]
    filters: PositiveInt = Field(description="N: output channels (scaled by α)")
    scale: ScaleRule = _D["pw"]["scale"]


class SeparableLayer(_NetLayer):
    """Depthwise-separable block: shorthand for dw (kernel, stride, padding) then pw (filters)."""

    type: Literal["separable"]
    kernel_size: PositivePair = _D["separable"]["kernel_size"]
    filters: PositiveInt = Field(description="N: output channels of the pw (scaled by α)")
    stride: PositivePair = _D["separable"]["stride"]
    padding: Padding = _D["separable"]["padding"]


class PoolLayer(_NetLayer):
    """Average or max pooling: free under the paper's convention (no mult-adds, no parameters)."""

    type: Literal["pool"]
    kind: Literal["avg", "max"] = _D["pool"]["kind"]
    kernel_size: PositivePair | None = _D["pool"]["kernel_size"]
    stride: PositivePair | None = Field(_D["pool"]["stride"], description="default: kernel_size")
    padding: Padding = _D["pool"]["padding"]
    global_: bool = Field(
        _D["pool"]["global"], alias="global", description="pool the whole feature map to 1×1"
    )

    @model_validator(mode="after")
    def _kernel_or_global(self) -> PoolLayer:
        if not self.global_ and self.kernel_size is None:
            raise ValueError("a pool needs kernel_size, or global: true")
        return self


class BottleneckLayer(_Model):
    """Inverted residual block (MobileNetV2, paper Table 2: t, c, n, s), repeated n times: 1×1
    expand M → t·M (skipped when t = 1), D_K×D_K depthwise with stride s on the first repeat only,
    linear 1×1 project t·M → c, and a residual add (no mult-adds) when the stride is 1 and the
    block's input and output shapes match."""

    synonyms: ClassVar[dict[str, str]] = {
        "expansion": "t",
        "filters": "c",
        "repeat": "n",
        "stride": "s",
    }
    """Keys of the other layer types a user may reach for, and the Table 2 column they mean."""

    type: Literal["bottleneck"]
    name: str | None = Field(None, description="label shown in reports (repeats get _1, _2, ...)")
    t: PositiveInt = Field(description="t: expansion factor, hidden channels = t × input channels")
    c: PositiveInt = Field(description="c: output channels (scaled by α)")
    n: Repeat = Field(_D["bottleneck"]["n"], description="n: repeats of the block")
    s: PositivePair = Field(_D["bottleneck"]["s"], description="s: stride of the first repeat")
    kernel_size: PositivePair = Field(
        _D["bottleneck"]["kernel_size"], description="D_K of the depthwise conv"
    )
    padding: Padding = Field(
        _D["bottleneck"]["padding"], description="padding of the depthwise conv"
    )


class FcLayer(_NetLayer):
    """Fully connected layer on the flattened input; units default to the network's classes."""

    type: Literal["fc"]
    units: PositiveInt | None = Field(
        _D["fc"]["units"], description="K: outputs; omitted = classes"
    )


LAYER_TYPES: dict[str, type[_Model]] = {
    "conv": ConvLayer,
    "dw": DepthwiseLayer,
    "pw": PointwiseLayer,
    "separable": SeparableLayer,
    "bottleneck": BottleneckLayer,
    "pool": PoolLayer,
    "fc": FcLayer,
}
assert set(LAYER_TYPES) == set(LAYER_DEFAULTS)


def _layer_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        tag = value.get("type")
        return tag if isinstance(tag, str) else None
    return getattr(value, "type", None)


NetLayer = Annotated[
    Annotated[ConvLayer, Tag("conv")]
    | Annotated[DepthwiseLayer, Tag("dw")]
    | Annotated[PointwiseLayer, Tag("pw")]
    | Annotated[SeparableLayer, Tag("separable")]
    | Annotated[BottleneckLayer, Tag("bottleneck")]
    | Annotated[PoolLayer, Tag("pool")]
    | Annotated[FcLayer, Tag("fc")],
    Discriminator(_layer_tag),
]


class InputSpec(_Model):
    size: PositivePair = Field(description="D_F: image side, N or HxW")
    channels: PositiveInt = Field(3, description="M of the first layer (not scaled by α)")


class WidthRule(_Model):
    """How the width multiplier α turns a channel count c into an int.

    ``floor``: int(c·α) (MobileNetV1 in Keras and TF-slim); ``divisible``: nearest multiple of
    ``divisor``, never more than 10% below c·α (MobileNetV2). Never below ``min_channels``.
    """

    round: Literal["floor", "divisible"] = "floor"
    divisor: PositiveInt = 8
    min_channels: PositiveInt = 1


class Defaults(_Model):
    """Values every layer entry takes unless it sets its own."""

    kernel_size: PositivePair | None = None
    stride: PositivePair | None = None
    padding: Padding | None = None


class NetworkSpec(_Model):
    """A sequential CNN: an input, then layers whose shapes chain one into the next."""

    name: str
    description: str | None = None
    input: InputSpec
    classes: PositiveInt = Field(1000, description="units of an fc layer that does not set them")
    width: WidthRule = WidthRule()
    defaults: Defaults = Defaults()
    layers: list[NetLayer] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _apply_defaults(cls, data: Any) -> Any:
        return apply_defaults(data)

    def normalized(self) -> dict[str, Any]:
        """The plain-data form the engine compiles (every field present, pairs as tuples)."""
        return self.model_dump(by_alias=True)


# --- device profiles, for `--device` (convcost.device loads them) ---------------------------------

Rate = Annotated[
    float,
    PlainValidator(parse_rate),
    WithJsonSchema({"type": "number", "minimum": MIN_RATE, "maximum": MAX_RATE}),
]
DTYPES = ("float32", "float16", "bfloat16", "int8")


class PeakSpec(_Model):
    """Peak arithmetic throughput per dtype, in 10⁹ FLOP/s (10⁹ OP/s for int8); list only the
    dtypes the device has figures for."""

    float32: Rate | None = None
    float16: Rate | None = None
    bfloat16: Rate | None = None
    int8: Rate | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> PeakSpec:
        if all(getattr(self, dtype) is None for dtype in DTYPES):
            raise ValueError(f"must give at least one of {', '.join(DTYPES)}")
        return self


class DeviceSpec(_Model):
    """A device profile for the roofline estimate (``--device``)."""

    name: str = Field(min_length=1, description="what the device is")
    peak_gflops: PeakSpec = Field(description="peak GFLOP/s per dtype (GOP/s for int8)")
    memory_gbps: Rate = Field(description="memory bandwidth in GB/s (10⁹ bytes per second)")
    source: str = Field(min_length=1, description="where the figures come from")
    notes: str = Field("", description="caveats: what the figures assume")


# --- JSON Schema, for `convcost schema` --------------------------------------------------------------


def _layer_schema() -> dict[str, Any]:
    """One layer as convcost reads it: each aliased field under either name (D_F or input_size),
    one of the two required and not both."""
    schema = LayerSpec.model_json_schema(by_alias=True)
    properties, required = schema["properties"], set(schema.get("required", ()))
    rules: list[dict[str, Any]] = []
    for name, info in LayerSpec.model_fields.items():
        alias = info.alias
        if not alias or alias == name:
            continue
        properties[name] = properties[alias]
        rules.append({"not": {"required": [alias, name]}})
        if alias in required:
            required.discard(alias)
            rules.append({"anyOf": [{"required": [alias]}, {"required": [name]}]})
    schema["required"] = sorted(required)
    schema["allOf"] = rules
    return schema


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a spec file: 'network', 'layer' (one layer, or ``layers:``) or 'device'."""
    if kind == "layer":
        layer = _layer_schema()
        several = {
            "type": "object",
            "properties": {
                "layers": {"type": "array", "items": {"$ref": "#/$defs/Layer"}, "minItems": 1}
            },
            "required": ["layers"],
            "additionalProperties": False,
        }
        document: dict[str, Any] = {
            "title": "convcost layer spec",
            "description": "One layer, or several under layers: (convcost layer --spec).",
            "$defs": {"Layer": layer},
            "anyOf": [{"$ref": "#/$defs/Layer"}, several],
        }
    else:
        model: type[_Model] = NetworkSpec if kind == "network" else DeviceSpec
        document = model.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **document}
