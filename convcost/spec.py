"""Pydantic models of what a user can describe: one layer to compare, or a whole network.

This is the only module that knows field names and aliases. Everything is validated once here
(``extra="forbid"``, strictly positive ints, bounded α and ρ); after that nothing re-checks.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from convcost.fields import (
    ACTIVATIONS,
    LAYER_DEFAULTS,
    MAX_RATE,
    MAX_REPEAT,
    MIN_RATE,
    Pads,
    apply_defaults,
    parse_activation,
    parse_bool,
    parse_filters,
    parse_int,
    parse_layer_padding,
    parse_multiplier,
    parse_optional_activation,
    parse_optional_bool,
    parse_padding,
    parse_pads,
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
#
# A network is a graph (docs/graph-format.md): layers name their inputs with `from`, blocks are
# sub-graphs with $parameters. Inside a block a field may hold a $expression instead of its value;
# the value is checked when the block is used (graph.py, with the same plain parsers).

_IN_BLOCK: ContextVar[bool] = ContextVar("convcost_in_block", default=False)
_BLOCK_NAMES: ContextVar[frozenset[str]] = ContextVar("convcost_blocks", default=frozenset())


def templated(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A field's parser that, inside a block, lets a $parameter expression through."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and "$" in value:
            if not _IN_BLOCK.get():
                raise ValueError("$parameters exist only inside blocks (blocks: ...)")
            return value
        return parse(value)

    return check


_EXPR_SCHEMA = {"type": "string", "pattern": r"\$"}


def _or_expr(schema: dict[str, Any]) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [schema, _EXPR_SCHEMA]})


def _nullable(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if v is None else parse(v)


def _index(value: Any) -> int:
    return parse_int(value, 0, "an integer >= 0")


_INT_SCHEMA = {"type": "integer", "minimum": 1}
_PADS_SCHEMA = {
    "anyOf": [
        {"type": "integer", "minimum": 0},
        {"enum": ["same", "valid"]},
        {"type": "string", "pattern": r"^\d+[xX×]\d+$"},
        {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 4},
    ]
}
_ACT_SCHEMA = {"enum": [*ACTIVATIONS, "silu"]}
_OPT_PAIR_SCHEMA = {"anyOf": [_PAIR_SCHEMA, {"type": "null"}]}
TInt = Annotated[int, PlainValidator(templated(parse_positive_int)), _or_expr(_INT_SCHEMA)]
TOptInt = Annotated[
    int | None,
    PlainValidator(templated(_nullable(parse_positive_int))),
    _or_expr({"anyOf": [_INT_SCHEMA, {"type": "null"}]}),
]
TIndex = Annotated[
    int, PlainValidator(templated(_index)), _or_expr({"type": "integer", "minimum": 0})
]
TPair = Annotated[tuple[int, int], PlainValidator(templated(parse_pair)), _or_expr(_PAIR_SCHEMA)]
TOptPair = Annotated[
    tuple[int, int] | None,
    PlainValidator(templated(_nullable(parse_pair))),
    _or_expr(_OPT_PAIR_SCHEMA),
]
TPads = Annotated[Pads, PlainValidator(templated(parse_pads)), _or_expr(_PADS_SCHEMA)]
TFilters = Annotated[
    int | str,
    PlainValidator(templated(parse_filters)),
    _or_expr({"anyOf": [_INT_SCHEMA, {"const": "classes"}]}),
]
TBool = Annotated[bool, PlainValidator(templated(parse_bool)), _or_expr({"type": "boolean"})]
TOptBool = Annotated[
    bool | None,
    PlainValidator(templated(parse_optional_bool)),
    _or_expr({"type": ["boolean", "null"]}),
]
TAct = Annotated[str, PlainValidator(templated(parse_activation)), _or_expr(_ACT_SCHEMA)]
TOptAct = Annotated[
    str | None,
    PlainValidator(templated(parse_optional_activation)),
    _or_expr({"anyOf": [_ACT_SCHEMA, {"type": "null"}]}),
]
TRepeat = Annotated[
    int,
    PlainValidator(templated(parse_repeat)),
    _or_expr({"type": "integer", "minimum": 1, "maximum": MAX_REPEAT}),
]

ScaleRule = Literal["always", "never", "up"]
_D = LAYER_DEFAULTS
From = str | list[str] | None


class _NetLayer(_Model):
    name: str | None = Field(None, description="label shown in reports; what `from` refers to")
    from_: From = Field(
        None,
        alias="from",
        description="the layer(s) read: earlier names, or input; default the previous layer",
    )
    repeat: TRepeat = Field(1, description="repeat this entry n times")
    if_: bool | str | None = Field(
        None, alias="if", description="inside blocks: the entry exists only when true ($param)"
    )


_SHARES = "an earlier layer whose weights this one uses: its mult-adds count, its params not"


class _ConvAttrs(_NetLayer):
    bias: TOptBool = Field(None, description="a bias (unset: exactly when no BatchNorm follows)")
    bn: TOptBool = Field(None, description="BatchNorm follows (unset: as the counting flags say)")
    act: TOptAct = Field(None, description="the activation that follows")
    shares: str | None = Field(None, description=_SHARES)


def _kernel_from_defaults_schema(schema: dict[str, Any]) -> None:
    """A conv's kernel_size may come from the spec's defaults, which a JSON Schema cannot see."""
    schema["required"] = [k for k in schema.get("required", []) if k != "kernel_size"]


class ConvLayer(_ConvAttrs):
    """Standard convolution (grouped when groups > 1)."""

    model_config = ConfigDict(json_schema_extra=_kernel_from_defaults_schema)

    type: Literal["conv"]
    kernel_size: TPair = Field(description="D_K: kernel side, K or KhxKw (or from defaults:)")
    filters: TFilters = Field(description="N: output channels (scaled by α), or classes")
    stride: TPair = _D["conv"]["stride"]
    padding: TPads = _D["conv"]["padding"]
    dilation: TPair = _D["conv"]["dilation"]
    groups: TInt = _D["conv"]["groups"]
    scale: ScaleRule = Field(
        _D["conv"]["scale"],
        description="how α applies to filters: always, never, or only when α > 1 (up)",
    )
    optional: TBool = Field(
        _D["conv"]["optional"],
        description="1×1 only: exists only where it changes its input's shape (a projection)",
    )


class DepthwiseLayer(_ConvAttrs):
    """Depthwise convolution: one D_K×D_K filter per input channel."""

    type: Literal["dw"]
    kernel_size: TPair = _D["dw"]["kernel_size"]
    stride: TPair = _D["dw"]["stride"]
    padding: TPads = _D["dw"]["padding"]
    dilation: TPair = _D["dw"]["dilation"]


def _filters_or_t_schema(schema: dict[str, Any]) -> None:
    schema["required"] = [k for k in schema.get("required", []) if k != "filters"]
    schema["oneOf"] = [{"required": ["filters"]}, {"required": ["t"]}]


class PointwiseLayer(_ConvAttrs):
    """Pointwise (1×1) convolution."""

    type: Literal["pw"]
    filters: TFilters | None = Field(description="N: output channels (scaled by α), or classes")
    t: TOptInt = Field(None, description="or filters = t × input channels")
    scale: ScaleRule = _D["pw"]["scale"]
    optional: TBool = Field(
        _D["pw"]["optional"], description="exists only where it changes its input's channels"
    )

    model_config = ConfigDict(json_schema_extra=_filters_or_t_schema)

    @model_validator(mode="before")
    @classmethod
    def _t_stands_for_filters(cls, data: Any) -> Any:
        """filters is required unless t is given (so a missing filters is reported as missing)."""
        if isinstance(data, dict) and data.get("t") is not None and "filters" not in data:
            return {**data, "filters": None}
        return data

    @model_validator(mode="after")
    def _filters_or_t(self) -> PointwiseLayer:
        if (self.t is None) == (self.filters is None):
            raise ValueError("give filters, or t (filters = t × input channels), one of them")
        return self


class SeparableLayer(_ConvAttrs):
    """Depthwise-separable block: shorthand for dw (kernel, stride, padding) then pw (filters)."""

    type: Literal["separable"]
    kernel_size: TPair = _D["separable"]["kernel_size"]
    filters: TFilters = Field(description="N: output channels of the pw (scaled by α)")
    stride: TPair = _D["separable"]["stride"]
    padding: TPads = _D["separable"]["padding"]
    dilation: TPair = _D["separable"]["dilation"]


class PoolLayer(_NetLayer):
    """Average or max pooling: free under the paper's convention (no mult-adds, no parameters)."""

    type: Literal["pool"]
    kind: Literal["avg", "max"] = _D["pool"]["kind"]
    kernel_size: TOptPair = _D["pool"]["kernel_size"]
    stride: TOptPair = Field(_D["pool"]["stride"], description="default: kernel_size")
    padding: TPads = _D["pool"]["padding"]
    ceil_mode: TBool = Field(_D["pool"]["ceil_mode"], description="round the output side up")
    global_: TBool = Field(
        _D["pool"]["global"], alias="global", description="pool the whole feature map to 1×1"
    )
    output: TOptPair = Field(
        _D["pool"]["output"], description="adaptive: this output side at any input (N or HxW)"
    )
    call: Literal["module", "function", "mean"] = Field(
        _D["pool"]["call"],
        description="how a PyTorch model calls it, which decides what torch counters see (tool "
        "presets): module (nn.AvgPool2d, nn.AdaptiveAvgPool2d, ...), function "
        "(F.adaptive_avg_pool2d in forward) or mean (x.mean([2, 3]), a global average pool)",
    )

    @model_validator(mode="after")
    def _kernel_or_global(self) -> PoolLayer:
        if not self.global_ and self.kernel_size is None and self.output is None:
            raise ValueError(
                "a pool needs kernel_size, or global: true (or output: an adaptive pool's side)"
            )
        if self.call == "mean" and (self.kind != "avg" or not self.global_):
            raise ValueError("call: mean is x.mean([2, 3]): a global average pool only")
        return self


class SqueezeExciteOptions(_Model):
    """Squeeze-and-excitation: global average pool → 1×1 conv to the squeeze width (bias) → act
    → 1×1 conv back (bias) → gate → scale each channel."""

    reduce: TInt = Field(_D["se"]["reduce"], description="squeeze width = channels // reduce")
    squeeze: TOptInt = Field(_D["se"]["squeeze"], description="or the squeeze width itself")
    of: str | None = Field(
        _D["se"]["of"],
        description="whose channels are divided: default the SE's input; a name, or input",
    )
    round: Literal["width", "floor"] | None = Field(
        _D["se"]["round"],
        description="width: the spec's width rule (default); floor: max(1, C // reduce)",
    )
    act: TAct = _D["se"]["act"]
    gate: TAct = _D["se"]["gate"]


class SqueezeExciteLayer(SqueezeExciteOptions, _NetLayer):
    """Squeeze-and-excitation as one layer."""

    type: Literal["se"]


def _t_or_hidden_schema(schema: dict[str, Any]) -> None:
    schema["required"] = [k for k in schema.get("required", []) if k != "t"]
    schema["oneOf"] = [{"required": ["t"]}, {"required": ["hidden"]}]


class BottleneckLayer(_Model):
    """Inverted residual block (MobileNetV2, paper Table 2: t, c, n, s; MobileNetV3 with an
    absolute hidden width), repeated n times: 1×1 expand M → t·M or → hidden (absent when t = 1 or
    hidden = M), D_K×D_K depthwise with stride s on the first repeat only, optional
    squeeze-excite, linear 1×1 project → c, and a residual add (no mult-adds) when the stride is
    1 and the block's input and output shapes match."""

    synonyms: ClassVar[dict[str, str]] = {
        "expansion": "t",
        "filters": "c",
        "repeat": "n",
        "stride": "s",
    }
    """Keys of the other layer types a user may reach for, and the Table 2 column they mean."""

    type: Literal["bottleneck"]
    name: str | None = Field(None, description="label shown in reports (repeats get _1, _2, ...)")
    from_: From = Field(None, alias="from", description="the layer read (default the previous)")
    if_: bool | str | None = Field(None, alias="if", description="inside blocks: exists when true")
    t: TOptInt = Field(description="t: expansion factor, hidden = t × input channels")
    hidden: TOptInt = Field(None, description="or the hidden width itself (scaled by α)")
    c: TInt = Field(description="c: output channels (scaled by α)")
    n: TRepeat = Field(_D["bottleneck"]["n"], description="n: repeats of the block")
    s: TPair = Field(_D["bottleneck"]["s"], description="s: stride of the first repeat")
    kernel_size: TPair = Field(_D["bottleneck"]["kernel_size"], description="D_K of the depthwise")
    padding: TPads = Field(_D["bottleneck"]["padding"], description="padding of the depthwise")
    dilation: TPair = _D["bottleneck"]["dilation"]
    se: bool | SqueezeExciteOptions = Field(
        _D["bottleneck"]["se"],
        description="squeeze-excite after the depthwise: true, or its options (of: hidden|input)",
    )
    bias: TOptBool = None
    bn: TOptBool = None
    act: TOptAct = Field(None, description="activation after the expansion and the depthwise")

    model_config = ConfigDict(json_schema_extra=_t_or_hidden_schema)

    @model_validator(mode="before")
    @classmethod
    def _hidden_stands_for_t(cls, data: Any) -> Any:
        """t is required unless hidden is given (so a missing t is reported as missing)."""
        if isinstance(data, dict) and "hidden" in data and "t" not in data:
            return {**data, "t": None}
        return data

    @model_validator(mode="after")
    def _t_or_hidden(self) -> BottleneckLayer:
        if (self.t is None) == (self.hidden is None):
            raise ValueError("give t (expansion factor) or hidden (hidden width), one of them")
        return self


class FcLayer(_NetLayer):
    """Fully connected layer on the flattened input; units default to the network's classes."""

    type: Literal["fc"]
    units: TOptInt = Field(_D["fc"]["units"], description="K: outputs; omitted = classes")
    scale: ScaleRule = _D["fc"]["scale"]
    bias: TOptBool = Field(None, description="a bias (unset: yes; counted with --bias)")
    act: TOptAct = None
    shares: str | None = Field(None, description=_SHARES)


class AddLayer(_NetLayer):
    """Elementwise sum of two or more layers (a residual connection): free."""

    type: Literal["add"]
    act: TOptAct = None
    optional: TBool = Field(False, description="exists only where the inputs' shapes agree")


class ConcatLayer(_NetLayer):
    """Channel concatenation of two or more layers: free."""

    type: Literal["concat"]


class MulLayer(_NetLayer):
    """x × gate, the gate 1×1 or x's side (squeeze-excite's scale): free."""

    type: Literal["mul"]


class SplitLayer(_NetLayer):
    """One of ``parts`` equal channel slices (ShuffleNetV2's chunk): free."""

    type: Literal["split"]
    parts: TInt = _D["split"]["parts"]
    index: TIndex = 0


class ShuffleLayer(_NetLayer):
    """Channel shuffle in ``groups`` (ShuffleNet): free."""

    type: Literal["shuffle"]
    groups: TInt = _D["shuffle"]["groups"]


class BatchNormLayer(_NetLayer):
    """A BatchNorm of its own (DenseNet's pre-activation): parameters per channel as counted."""

    type: Literal["bn"]
    act: TOptAct = None


class ActivationLayer(_NetLayer):
    """An activation of its own: free."""

    type: Literal["act"]
    kind: TAct


class OtherLayer(_NetLayer):
    """An operation convcost does not cost (an import found it): listed, never counted."""

    type: Literal["other"]
    op: str = Field(min_length=1, description="what it is (e.g. Resize)")
    output: list[int] | None = Field(None, description="its fixed output shape [H, W, C]")
    params: TIndex = Field(0, description="weights it holds (counted as parameters)")


class BlockCall(_Model):
    """A use of a block from ``blocks:``: its parameters, as keys."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    type: Annotated[
        str,
        WithJsonSchema(
            {
                "type": "string",
                "description": "the name of a block in blocks:",
                "not": {"enum": list(LAYER_DEFAULTS)},
            }
        ),
    ]
    name: str | None = None
    from_: From = Field(None, alias="from")
    repeat: TRepeat = 1
    if_: bool | str | None = Field(None, alias="if")


LAYER_TYPES: dict[str, type[_Model]] = {
    "conv": ConvLayer,
    "dw": DepthwiseLayer,
    "pw": PointwiseLayer,
    "separable": SeparableLayer,
    "bottleneck": BottleneckLayer,
    "pool": PoolLayer,
    "fc": FcLayer,
    "se": SqueezeExciteLayer,
    "add": AddLayer,
    "concat": ConcatLayer,
    "mul": MulLayer,
    "split": SplitLayer,
    "shuffle": ShuffleLayer,
    "bn": BatchNormLayer,
    "act": ActivationLayer,
    "other": OtherLayer,
}
assert set(LAYER_TYPES) == set(LAYER_DEFAULTS)


def _layer_tag(value: Any) -> str | None:
    if isinstance(value, BlockCall):
        return "block"
    tag = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    if not isinstance(tag, str):
        return None
    if tag in LAYER_TYPES:
        return tag
    return "block" if tag in _BLOCK_NAMES.get() else None


NetLayer = Annotated[
    Annotated[ConvLayer, Tag("conv")]
    | Annotated[DepthwiseLayer, Tag("dw")]
    | Annotated[PointwiseLayer, Tag("pw")]
    | Annotated[SeparableLayer, Tag("separable")]
    | Annotated[BottleneckLayer, Tag("bottleneck")]
    | Annotated[PoolLayer, Tag("pool")]
    | Annotated[FcLayer, Tag("fc")]
    | Annotated[SqueezeExciteLayer, Tag("se")]
    | Annotated[AddLayer, Tag("add")]
    | Annotated[ConcatLayer, Tag("concat")]
    | Annotated[MulLayer, Tag("mul")]
    | Annotated[SplitLayer, Tag("split")]
    | Annotated[ShuffleLayer, Tag("shuffle")]
    | Annotated[BatchNormLayer, Tag("bn")]
    | Annotated[ActivationLayer, Tag("act")]
    | Annotated[OtherLayer, Tag("other")]
    | Annotated[BlockCall, Tag("block")],
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


class PoolDefaults(_Model):
    kind: Literal["avg", "max"] | None = None
    kernel_size: PositivePair | None = None
    stride: PositivePair | None = None
    padding: TPads | None = None
    ceil_mode: bool | None = None


class FcDefaults(_Model):
    bias: bool | None = None
    act: TOptAct = None
    scale: ScaleRule | None = None


class AddDefaults(_Model):
    act: TOptAct = None


class SqueezeExciteDefaults(_Model):
    reduce: PositiveInt | None = None
    round: Literal["width", "floor"] | None = None
    act: TOptAct = None
    gate: TOptAct = None


class Defaults(_Model):
    """Values layers take unless they set their own: the top-level keys go to convolutions (conv,
    dw, pw, separable, bottleneck, in blocks too); other types have a section of their own."""

    kernel_size: PositivePair | None = None
    stride: PositivePair | None = None
    padding: TPads | None = None
    dilation: PositivePair | None = None
    bias: bool | None = None
    bn: bool | None = None
    act: TOptAct = None
    pool: PoolDefaults | None = None
    fc: FcDefaults | None = None
    add: AddDefaults | None = None
    se: SqueezeExciteDefaults | None = None


_IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"


class BlockSpec(_Model):
    """A reusable sub-graph with parameters: used as ``{type: NAME, param: value, repeat: n}``."""

    params: dict[Annotated[str, Field(pattern=_IDENTIFIER)], int | float | str | bool | None] = (
        Field(default_factory=dict, description="parameter → default (null: required)")
    )
    then: dict[str, int | float | str | bool] = Field(
        default_factory=dict,
        description="values for the 2nd..n-th repeat (e.g. {s: 1}: stride on the first only)",
    )
    layers: list[NetLayer] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _in_block(cls, data: Any, handler: Any) -> Any:
        token = _IN_BLOCK.set(True)
        try:
            return handler(data)
        finally:
            _IN_BLOCK.reset(token)

    @model_validator(mode="after")
    def _then_names_params(self) -> BlockSpec:
        unknown = sorted(set(self.then) - set(self.params))
        if unknown:
            raise ValueError(f"then: '{unknown[0]}' is not one of this block's params")
        return self


class NetworkSpec(_Model):
    """A CNN as a graph of layers: an input, then layers that each read the one before, or the
    layers they name (``from``); ``blocks`` are reusable sub-graphs with parameters."""

    name: str
    description: str | None = None
    input: InputSpec
    classes: PositiveInt = Field(1000, description="units of an fc layer that does not set them")
    width: WidthRule = WidthRule()
    defaults: Defaults = Defaults()
    blocks: dict[Annotated[str, Field(pattern=_IDENTIFIER)], BlockSpec] = Field(
        default_factory=dict, description="name → a reusable sub-graph"
    )
    layers: list[NetLayer] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _know_blocks(cls, data: Any, handler: Any) -> Any:
        blocks = data.get("blocks") if isinstance(data, dict) else None
        names = (
            frozenset(k for k in blocks if isinstance(k, str))
            if isinstance(blocks, dict)
            else frozenset()
        )
        token = _BLOCK_NAMES.set(names - set(LAYER_TYPES))
        try:
            return handler(apply_defaults(data))
        finally:
            _BLOCK_NAMES.reset(token)

    @field_validator("blocks", mode="before")
    @classmethod
    def _blocks_are_not_layer_types(cls, blocks: Any) -> Any:
        clash = sorted(set(blocks) & set(LAYER_TYPES)) if isinstance(blocks, dict) else []
        if clash:
            raise ValueError(f"'{clash[0]}' is a layer type; name the block otherwise")
        return blocks

    def normalized(self) -> dict[str, Any]:
        """The plain-data form the engine compiles (every field present, pairs as tuples; a
        $parameter in a block stays the text it is, checked when the block is used)."""
        return self.model_dump(by_alias=True, warnings=False)


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
