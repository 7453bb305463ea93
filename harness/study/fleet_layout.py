"""The fleet's layout: a scenario's [[fleet]] groups, parsed once, laid out on the global device index.

Every device of a study has a global index: the groups in file order, a GSME followed by its GPF (a
GSME brings its gas proxy), so a group of `count` GSMEs spans `2 * count` indices. The index names a
device (`device_id`), keys its random streams (harness.sim.streams), and cuts the fleet into shards
(harness.study.shards): a *unit* is a device, or a GSME with its GPF, and a cut never splits a unit.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from dsp import DeviceModel, DeviceStatus, DeviceType
from harness.sim.supplier import UPDATED_TYPES


_PAIRS = tuple(f"{b:02X}" for b in range(256))
_PAIR_VALUE = {pair: b for b, pair in enumerate(_PAIRS)}
_HEADS: dict[int, str] = {}  # "00-DB-xx-xx-xx-xx-" by index >> 16: a few hundred for the whole of GB
_HEAD_VALUE: dict[str, int] = {}  # and back


def device_id(index: int) -> str:
    """The EUI-64 of the fleet's `index`-th device: 00-DB-xx-xx-xx-xx-xx-xx."""
    high = index >> 16
    head = _HEADS.get(high)
    if head is None:
        h = f"{high:08X}"
        head = f"00-DB-{h[0:2]}-{h[2:4]}-{h[4:6]}-{h[6:8]}-"
        if len(_HEADS) < 4096:
            _HEADS[high] = head
            _HEAD_VALUE[head] = high
    return head + _PAIRS[(index >> 8) & 255] + "-" + _PAIRS[index & 255]


_HEX = frozenset("0123456789ABCDEF")
_PARSED: dict[str, int] = {}  # the IDs parsed lately: a device's ID is read by the SMI's, the world's and
_PARSED_MAX = 1 << 17  # the supplier's look-ups in turn while its work is in flight: parsed once for all


def forget_parsed() -> None:
    """Let go of the IDs parsed lately: a finished world's (harness/study/replication.py), so that they
    do not outlive it in a worker that runs shard after shard."""
    _PARSED.clear()


def device_index(ident: str) -> int:
    """The global index `device_id` names, or -1 when `ident` is not such an ID (exactly its form)."""
    index = _PARSED.get(ident)
    if index is None:
        index = _parse(ident)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[ident] = index
    return index


def _parse(ident: str) -> int:
    # the common case: a head device_id made, then two exact pairs (so exactly device_id's form)
    high = _HEAD_VALUE.get(ident[:18])
    if high is not None and len(ident) == 23 and ident[20] == "-":
        a, b = _PAIR_VALUE.get(ident[18:20]), _PAIR_VALUE.get(ident[21:])
        if a is not None and b is not None:
            return (high << 16) | (a << 8) | b
    if len(ident) != 23 or not ident.startswith("00-DB-") or ident[5::3] != "------":
        return -1
    digits = ident[6:].replace("-", "")
    if not _HEX.issuperset(digits):
        return -1
    return int(digits, 16)


class FleetNaming:
    """The fleet's ID scheme for the SMI's and the world's arrays (dsp.fleet_records.Naming)."""

    name = staticmethod(device_id)
    index = staticmethod(device_index)


@dataclass(frozen=True, slots=True)
class DeviceGroup:
    """One [[fleet]] table, typed, with where its devices begin on the global index."""

    device_type: DeviceType
    smets: int
    count: int
    firmware: str
    status: DeviceStatus
    model: DeviceModel
    start: int  # the global index of its first device

    @property
    def step(self) -> int:
        """Indices per unit: 2 for a GSME (with its GPF), else 1."""
        return 2 if self.device_type is DeviceType.GSME else 1

    @property
    def size(self) -> int:
        """Devices in the world, GPFs included."""
        return self.count * self.step

    @property
    def updated(self) -> bool:
        """The campaign updates these devices (R-SU-1)."""
        return self.device_type in UPDATED_TYPES

    def units_in(self, first: int, stop: int) -> tuple[int, int]:
        """The units that begin inside [first, stop), as a range lo..hi of unit numbers."""
        step = self.step
        lo = min(self.count, max(0, -(-(first - self.start) // step)))
        hi = min(self.count, max(0, -(-(stop - self.start) // step)))
        return lo, max(lo, hi)


@dataclass(frozen=True)
class FleetLayout:
    """The groups of a fleet in order, and what follows from them."""

    groups: tuple[DeviceGroup, ...]

    @classmethod
    def of(cls, fleet: Sequence[dict[str, Any]]) -> FleetLayout:
        """The layout of validated [[fleet]] tables (plain TOML values, as in `Scenario.data["fleet"]`)."""
        groups, start = [], 0
        for g in fleet:
            device_type = DeviceType.parse(g["type"])
            model = DeviceModel.parse(g["model"]) if g["model"] else DeviceModel.default_for(device_type)
            group = DeviceGroup(device_type, g["smets"], g["count"], g["firmware"], DeviceStatus.parse(g["status"]), model, start)
            groups.append(group)
            start += group.size
        return cls(tuple(groups))

    @cached_property
    def size(self) -> int:
        """Devices in the world: each group's count, and a GPF for every GSME."""
        return sum(g.size for g in self.groups)

    def is_gpf(self, index: int) -> bool:
        """Is the device at this global index a GSME's GPF (the second index of its unit)?"""
        for group in self.groups:
            if index < group.start + group.size:
                return group.step == 2 and (index - group.start) % 2 == 1
        return False

    def spans(self, shards: int) -> list[tuple[int, int]]:
        """`shards` near-equal slices (first, stop) of the global index, a GSME kept with its GPF."""
        total = self.size
        starts = [0]
        for k in range(1, shards):
            cut = k * total // shards
            if self.is_gpf(cut):
                cut += 1
            starts.append(max(cut, starts[-1]))
        return list(zip(starts, [*starts[1:], total]))

    def campaign_devices(self, span: tuple[int, int]) -> int:
        """How many devices the campaign updates in a slice."""
        n = 0
        for group in self.groups:
            if group.updated:
                lo, hi = group.units_in(*span)
                n += hi - lo
        return n

    def models(self) -> list[tuple[DeviceType, DeviceModel]]:
        """The (type, model) of every group, each once, in fleet order (a set's order varies by process)."""
        return list(dict.fromkeys((g.device_type, g.model) for g in self.groups))


class FleetIds(Sequence[str]):
    """Device IDs named by runs of global indices (start, step, count), in order, made when read: the
    supplier's campaign list of a GB-size shard without a string per device held. `in` is by index.
    Each run is of one device type (a fleet group's), so the supplier needs no SMI record to know it."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, int, int]] = []
        self._types: list[DeviceType] = []
        self._len = 0

    def add(self, start: int, step: int, count: int, device_type: DeviceType) -> None:
        self.runs.append((start, step, count))
        self._types.append(device_type)
        self._len += count

    def typed_runs(self) -> Iterator[tuple[DeviceType, Iterator[str]]]:
        """The IDs run by run, in order, each run with its devices' type."""
        for device_type, (start, step, count) in zip(self._types, self.runs):
            yield device_type, map(device_id, range(start, start + step * count, step))

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self._len))]
        if k < 0:
            k += self._len
        for start, step, count in self.runs:
            if 0 <= k < count:
                return device_id(start + k * step)
            k -= count
        raise IndexError(k)

    def __iter__(self) -> Iterator[str]:
        for start, step, count in self.runs:
            yield from map(device_id, range(start, start + step * count, step))

    def __contains__(self, ident: object) -> bool:
        index = device_index(ident) if isinstance(ident, str) else -1
        if index < 0:
            return False
        for start, step, count in self.runs:
            if start <= index < start + step * count and (index - start) % step == 0:
                return True
        return False
