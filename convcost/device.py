"""Device profiles for the roofline estimate: YAML files validated once, like specs.

A profile names a device, its peak arithmetic per dtype (GFLOP/s; GOP/s for int8), its memory
bandwidth (GB/s) and the source of those figures. A few rough public figures ship in
``convcost/devices/*.yaml``; a user passes their own with ``--device path.yaml``.

Imported only when ``--device`` is given; the pydantic model is ``spec.DeviceSpec``.
"""

from __future__ import annotations

from pathlib import Path

from convcost.cost import exact
from convcost.errors import SpecError
from convcost.traffic import Device

SHIPPED = Path(__file__).resolve().parent / "devices"


def shipped() -> dict[str, Path]:
    """Shipped profile name (file stem) → file."""
    return {path.stem: path for path in sorted(SHIPPED.glob("*.yaml"))}


def load_device(name: str) -> Device:
    """A shipped profile by name, or a YAML file; located errors as SpecError."""
    from convcost.load import load_yaml, validate
    from convcost.safe_io import exists
    from convcost.spec import DeviceSpec

    files = shipped()
    path = files.get(name)
    if path is None:
        if not exists(name) and "/" not in name and not name.endswith((".yaml", ".yml")):
            raise SpecError(
                f"--device: {name!r} is no shipped profile and no file; shipped: "
                f"{', '.join(files)} (convcost model --device list), or give a YAML file"
            )
        path = Path(name)
    data, source = load_yaml(str(path))
    spec = validate(DeviceSpec, data, source)
    peaks = {d: exact(v) for d, v in spec.peak_gflops.model_dump().items() if v is not None}
    return Device(
        name=spec.name,
        peak_gflops=peaks,
        memory_gbps=exact(spec.memory_gbps),
        source=spec.source,
        notes=spec.notes,
        path=name if name in files else str(path),
    )


def require_dtype(device: Device, dtype: str) -> None:
    if dtype not in device.peak_gflops:
        raise SpecError(
            f"--dtype: {device.name} ({device.path}) has no peak for {dtype}; it lists "
            f"{', '.join(device.peak_gflops)}: pick one of those, or add {dtype} to peak_gflops"
        )
