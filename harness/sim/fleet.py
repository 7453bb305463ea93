"""The world's devices: those added one by one, and a simulated fleet held as arrays.

A GB-size fleet cannot have a Python object per device (harness/study/world_setup.py builds ~1,000,000
per process). `FleetDevices` holds what each device runs, the image it holds and its GPF copy as codes
in arrays; `FleetDevice` (and its SMETS1 and GPF kinds) is a `devices.Device` over that storage, so the
devices' own code runs unchanged on it and holds no state of its own: a world makes one when a message
reaches the device and lets it go in bulk when it holds many (`Devices`), and two of them for one device
agree. A future-dated activation (rare) is kept per device in a dictionary.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from typing import Any

from devices import Device, GasProxyFunction
from devices.device import Smets1Device
from dsp import DeviceModel, DeviceType, FirmwareImage
from dsp.errors import DomainError
from dsp.fleet_records import Naming

RETIRE_AT = 65536  # a fleet's devices in use before a world lets go of them


class FleetDevices:
    """Devices `first` .. `first + len - 1` of a fleet's global index: their kinds and state as arrays."""

    def __init__(self, naming: Naming, first: int = 0) -> None:
        self.naming = naming
        self.first = first
        self.kinds: list[type[Device]] = []  # a device class per (kind, type, SMETS version, model)
        self._kind_key: list[tuple[type[Device], DeviceType, int, DeviceModel]] = []
        self.strings: list[str] = []  # firmware versions by code
        self._string_code: dict[str, int] = {}
        self.images: list[FirmwareImage | None] = [None]  # held images by code (0: none)
        self._image_code: dict[tuple[str | None, bytes], int] = {}
        self.kind = array("B")
        self.running = array("H")
        self.held = array("H")
        self.gsme_copy = array("H")  # a GPF's copy of its GSME's version (0 for the others)
        self.scheduled: dict[int, Any] = {}  # a future-dated activation (execution time, command)

    def __len__(self) -> int:
        return len(self.kind)

    def code_of(self, firmware: str) -> int:
        code = self._string_code.get(firmware)
        if code is None:
            code = self._string_code[firmware] = len(self.strings)
            self.strings.append(firmware)
        return code

    def image_code(self, image: FirmwareImage | None) -> int:
        if image is None:
            return 0
        key = (image.version, image.hash)
        code = self._image_code.get(key)
        if code is None:
            code = self._image_code[key] = len(self.images)
            self.images.append(image)
        return code

    def extend(self, units: int, members: list[tuple[DeviceType, int, DeviceModel, str, str]]) -> None:
        """Append `units` units of devices, each unit the `members` (type, SMETS version, model, firmware,
        GSME firmware: a GPF's copy, else ignored) in order (a GSME and its GPF make a unit of two)."""
        kinds, running, copies = [], [], []
        for device_type, smets, model, firmware, gsme_firmware in members:
            key = (_KINDS[(device_type is DeviceType.GPF, smets)], device_type, smets, model)
            if key not in self._kind_key:
                self._kind_key.append(key)
                self.kinds.append(_kind(*key))
            kinds.append(self._kind_key.index(key))
            running.append(self.code_of(firmware))
            copies.append(self.code_of(gsme_firmware) if device_type is DeviceType.GPF else 0)
        self.kind.extend(array("B", kinds) * units)
        self.running.extend(array("H", running) * units)
        self.held.extend(array("H", bytes(2 * units * len(members))))
        self.gsme_copy.extend(array("H", copies) * units)

    def index_of(self, device_id: str) -> int:
        """The local index of a device of this fleet, or -1."""
        i = self.naming.index(device_id) - self.first
        return i if 0 <= i < len(self.kind) else -1

    def lookup(self, device_id: str) -> Device | None:
        """The device of this ID, or None when it is not one of the fleet's."""
        i = self.naming.index(device_id) - self.first
        if 0 <= i < len(self.kind):
            cls = self.kinds[self.kind[i]]
            device: Any = cls.__new__(cls)  # no Device state to set up: it lives in the arrays
            device._store, device._i, device.device_id = self, i, device_id
            return device  # type: ignore[no-any-return]
        return None

    def device(self, i: int, device_id: str | None = None) -> Device:
        cls = self.kinds[self.kind[i]]
        device: Any = cls.__new__(cls)  # no Device state to set up: it lives in the arrays
        device._store, device._i, device.device_id = self, i, device_id or self.naming.name(self.first + i)
        return device


def _kind(base: type[Device], device_type: DeviceType, smets: int, model: DeviceModel) -> type[Device]:
    """A fleet device class whose fixed fields (type, SMETS version, model) are class attributes."""
    fixed = {"__slots__": (), "device_type": device_type, "smets": smets, "model": model, "trusted_signers": None}
    return type(f"{base.__name__}{device_type.value}", (base,), fixed)


class _OnArrays:
    """A device's state read from and written to its fleet's arrays."""

    __slots__ = ()
    _store: FleetDevices
    _i: int


    @property
    def running(self) -> str:
        store = self._store
        return store.strings[store.running[self._i]]

    @running.setter
    def running(self, value: str) -> None:
        store = self._store
        store.running[self._i] = store.code_of(value)

    @property
    def held(self) -> FirmwareImage | None:
        store = self._store
        return store.images[store.held[self._i]]

    @held.setter
    def held(self, value: FirmwareImage | None) -> None:
        store = self._store
        store.held[self._i] = store.image_code(value)

    @property
    def scheduled(self) -> Any:
        return self._store.scheduled.get(self._i)

    @scheduled.setter
    def scheduled(self, value: Any) -> None:
        if value is None:
            self._store.scheduled.pop(self._i, None)
        else:
            self._store.scheduled[self._i] = value

    @property
    def gsme_copy(self) -> str:
        store = self._store
        return store.strings[store.gsme_copy[self._i]]

    @gsme_copy.setter
    def gsme_copy(self, value: str) -> None:
        store = self._store
        store.gsme_copy[self._i] = store.code_of(value)


class FleetDevice(_OnArrays, Device):  # type: ignore[misc]  # the mixin's properties stand for Device's slots
    """A SMETS2 device of a fleet held as arrays."""

    __slots__ = ("_store", "_i")


class FleetSmets1Device(_OnArrays, Smets1Device):  # type: ignore[misc]
    """A SMETS1 device of a fleet held as arrays."""

    __slots__ = ("_store", "_i")


class FleetGasProxy(_OnArrays, GasProxyFunction):  # type: ignore[misc]
    """A GPF of a fleet held as arrays."""

    __slots__ = ("_store", "_i")


_KINDS: dict[tuple[bool, int], type[Device]] = {
    (False, 2): FleetDevice,
    (False, 1): FleetSmets1Device,
    (True, 2): FleetGasProxy,
    (True, 1): FleetGasProxy,
}


class Devices(Mapping[str, Device]):
    """The world's devices by ID: those added one by one, then a fleet's (made when looked up)."""

    def __init__(self) -> None:
        self._own: dict[str, Device] = {}
        self.fleet: FleetDevices | None = None
        self.live: dict[str, Device] = {}  # the own devices and the fleet's in use: the hot path's look-up
        self._retired: dict[str, Device] = {}  # the fleet's in use before the last retirement

    def add(self, device: Device) -> None:
        if self.find(device.device_id) is not None:
            raise DomainError(f"device {device.device_id} is already in the world")
        self._own[device.device_id] = device
        self.live[device.device_id] = device

    def attach(self, fleet: FleetDevices) -> None:
        if self.fleet is not None or self._own:
            raise DomainError("a fleet joins a world before any other device")
        self.fleet = fleet

    def own(self) -> list[Device]:
        """The devices added one by one, in the order added."""
        return list(self._own.values())

    def find(self, device_id: str) -> Device | None:
        device = self.live.get(device_id)
        if device is None and self.fleet is not None:
            device = self._retired.pop(device_id, None) or self.fleet.lookup(device_id)
            if device is None:
                return None
            if len(self.live) - len(self._own) >= RETIRE_AT:
                # two generations (found again in the older while in use, let go at the next retirement):
                # a fleet device holds no state of its own, so letting go loses nothing
                self._retired = {k: d for k, d in self.live.items() if k not in self._own}
                self.live = dict(self._own)
            self.live[device_id] = device
        return device

    def view(self, device_id: str) -> Device:
        """The device in use (every device added one by one is), else a fleet device's view made for the caller
        alone, not kept (KeyError: not in the world). Any number of views of one device agree: they hold no
        state of their own."""
        device = self.live.get(device_id)
        if device is None:
            device = self._retired.get(device_id) or (self.fleet.lookup(device_id) if self.fleet is not None else None)
            if device is None:
                raise KeyError(device_id)
        return device

    def index(self, device_id: str) -> int:
        """The local index of one of the fleet's devices (its view's), or -1."""
        device = self.find(device_id)
        return device._i if isinstance(device, _OnArrays) else -1

    def __getitem__(self, device_id: str) -> Device:
        device = self.find(device_id)
        if device is None:
            raise KeyError(device_id)
        return device

    def __contains__(self, device_id: object) -> bool:
        return isinstance(device_id, str) and self.find(device_id) is not None

    def __iter__(self) -> Iterator[str]:
        yield from list(self._own)
        fleet = self.fleet
        if fleet is not None:
            name, first = fleet.naming.name, fleet.first
            for i in range(len(fleet)):
                yield name(first + i)

    def __len__(self) -> int:
        return len(self._own) + (len(self.fleet) if self.fleet is not None else 0)
