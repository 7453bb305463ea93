"""The served world's lasting state, mirrored into the state database (harness/serve/state.py): every SMI
record (firmware, status and its history, parties, pairings), every CPL entry (status, image hash) and
what each device runs (and holds, and a GPF's copy of its GSME's version).

`sync` writes what changed since it last looked, and costs what changed, not what the world holds: the
records and devices added one by one are compared by a small signature each; a scenario's fleet, held as
arrays (dsp/fleet_records.py, harness/sim/fleet.py), by its arrays against a copy taken at the last look
(`ArrayWatch`: a quiet 1,000,000-device fleet costs a comparison of a few arrays, and only the devices
whose entries differ are read and written). The fleet's first copy is the fleet as its scenario builds
it, so the state holds only the fleet's devices that changed since (a state is made for one scenario
file's content: harness/serve/state.py's identity holds its SHA-256). `restore` puts a saved state back into a freshly built world
of the same rule set and scenario. What the simulation has in flight (a future-dated activation
scheduled at a device, a response still travelling, a timeout not yet due) is not kept: a restart is a
new simulation over the saved records.
"""
from __future__ import annotations

import json
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

from devices import Device, GasProxyFunction
from dsp import DeviceModel, DeviceStatus, DeviceType
from dsp.fleet_records import FleetRecords
from dsp.inventory import SmiRecord
from dsp.messages import FirmwareImage
from dsp.vocabulary import CplStatus
from harness.serve.state import ServeState, StateError
from harness.sim.fleet import FleetDevices
from harness.sim.world import World

__all__ = ["ArrayWatch", "WorldMirror"]

CHUNK = 4096  # entries compared at once when an array differs from its copy


class ArrayWatch:
    """Which entries of some arrays of equal length changed since the last look, from a copy of each."""

    def __init__(self, arrays: Sequence[array[Any]]) -> None:
        self.arrays = arrays
        self._copies: list[array[Any] | None] = [None] * len(arrays)  # None: never looked (all changed)

    def changed(self) -> list[int]:
        """The indices whose entry differs in any array from the last look, in order; the copies renewed."""
        found: set[int] = set()
        for n, (now, then) in enumerate(zip(self.arrays, self._copies)):
            if then is not None and now == then:
                continue  # a quiet array: its copy stands
            found.update(range(len(now)) if then is None else _differing(now, then))
            self._copies[n] = array(now.typecode, now)
        return sorted(found)

    def look(self) -> None:
        """Take the copies without reporting (the arrays were just put in step with the database)."""
        self._copies = [array(a.typecode, a) for a in self.arrays]


def _differing(now: array[Any], then: array[Any]) -> Iterator[int]:
    for lo in range(0, len(now), CHUNK):
        hi = lo + CHUNK
        if now[lo:hi] != then[lo:hi]:
            yield from (i for i in range(lo, min(hi, len(now))) if now[i] != then[i])


class WorldMirror:
    """Writes the world's SMI, CPL and devices to the state, and reads them back."""

    def __init__(self, state: ServeState, world: World) -> None:
        self.state = state
        self.world = world
        self._smi: dict[str, tuple[Any, ...]] = {}
        self._cpl: dict[str, tuple[str, str]] = {}
        self._devices: dict[str, tuple[Any, ...]] = {}
        records, devices = world.dsp.inventory.fleet, world.devices.fleet
        self._records = records if isinstance(records, FleetRecords) else None
        self._fleet_devices = devices
        self._record_watch = None if self._records is None else ArrayWatch(
            (self._records.status, self._records.firmware, self._records.supplier, self._records.changes))
        self._device_watch = None if devices is None else ArrayWatch((devices.running, devices.held, devices.gsme_copy))
        for watch in (self._record_watch, self._device_watch):
            if watch is not None:  # the fleet as its scenario builds it: the state holds its changes alone
                watch.look()

    # --- world -> database ----------------------------------------------------------------------------

    def sync(self) -> None:
        """Write every record, entry and device that changed (inside the caller's transaction)."""
        db = self.state.db
        for record in self.world.dsp.inventory.own_records():
            signature = _smi_signature(record)
            if self._smi.get(record.device_id) != signature:
                self._smi[record.device_id] = signature
                db.execute("INSERT OR REPLACE INTO smi VALUES (?, ?)", (record.device_id, json.dumps(_smi_row(record))))
        if self._records is not None and self._record_watch is not None:
            db.executemany("INSERT OR REPLACE INTO smi VALUES (?, ?)",
                           ((r.device_id, json.dumps(_smi_row(r))) for r in map(self._records.record, self._record_watch.changed())))
        for entry in self.world.dsp.cpl.entries():
            key = json.dumps([entry.device_type.value, str(entry.model), entry.firmware])
            value = (entry.status.value, entry.image_hash.hex())
            if self._cpl.get(key) != value:
                db.execute("INSERT OR REPLACE INTO cpl VALUES (?, ?, ?)", (key, *value))
                self._cpl[key] = value
        for device in self.world.devices.own():
            signature = _device_signature(device)
            if self._devices.get(device.device_id) != signature:
                self._devices[device.device_id] = signature
                db.execute("INSERT OR REPLACE INTO devices VALUES (?, ?)", (device.device_id, json.dumps(signature)))
        fleet = self._fleet_devices
        if fleet is not None and self._device_watch is not None:
            db.executemany("INSERT OR REPLACE INTO devices VALUES (?, ?)",
                           ((d.device_id, json.dumps(_device_signature(d))) for d in map(fleet.device, self._device_watch.changed())))

    # --- database -> world ----------------------------------------------------------------------------

    def restore(self) -> int:
        """Put the saved SMI records, CPL entries and devices into the world; how many records."""
        db = self.state.db
        inventory = self.world.dsp.inventory
        rows = db.execute("SELECT device_id, record FROM smi").fetchall()
        for device_id, text in rows:
            record = inventory.find(device_id)
            if record is None:
                raise StateError(f"--state {self.state.path}: holds device {device_id}, which this world does not have")
            _apply(record, json.loads(text), self.state.path)
            if not record.in_fleet:
                self._smi[device_id] = _smi_signature(record)
        for key, status, digest in db.execute("SELECT entry, status, image_hash FROM cpl").fetchall():
            device_type, model, firmware = json.loads(key)
            self.world.dsp.cpl.add(DeviceType(device_type), DeviceModel.parse(model), firmware, CplStatus(status),
                                   bytes.fromhex(digest))
            self._cpl[key] = (status, digest)
        for device_id, text in db.execute("SELECT device_id, state FROM devices").fetchall():
            device = self.world.devices.get(device_id)
            if device is None:
                raise StateError(f"--state {self.state.path}: holds device {device_id}, which this world does not have")
            running, held, gsme_copy = json.loads(text)
            device.running = running
            device.held = None if held is None else FirmwareImage(held[0], bytes.fromhex(held[1]))
            if isinstance(device, GasProxyFunction) and gsme_copy is not None:
                device.gsme_copy = gsme_copy
            if not _in_fleet(device):
                self._devices[device_id] = _device_signature(device)
        for watch in (self._record_watch, self._device_watch):
            if watch is not None:  # the fleet's arrays now hold what the database does
                watch.look()
        return len(rows)


def _in_fleet(device: Device) -> bool:
    return isinstance(getattr(device, "_store", None), FleetDevices)


def _device_signature(device: Device) -> tuple[Any, ...]:
    held = device.held
    return (device.running, None if held is None else (held.version, held.hash.hex()),
            getattr(device, "gsme_copy", None))


def _smi_signature(record: SmiRecord) -> tuple[Any, ...]:
    return (record.firmware, record.status, len(record.history), record.supplier, record.network_operator,
            record.gpf, record.gsme, record.chf, record.other_eligible_users)


def _smi_row(record: SmiRecord) -> dict[str, Any]:
    return {
        "firmware": record.firmware,
        "status": record.status.value,
        "history": [[status.value, since] for status, since in record.history],
        "supplier": record.supplier,
        "network_operator": record.network_operator,
        "gpf": record.gpf,
        "gsme": record.gsme,
        "chf": record.chf,
        "other_eligible_users": list(record.other_eligible_users),
    }


_FIXED = ("network_operator", "gpf", "gsme", "chf")  # a fleet record's are its profile's: never re-assigned


def _apply(record: SmiRecord, row: dict[str, Any], path: object) -> None:
    record.firmware = row["firmware"]
    record.status = DeviceStatus(row["status"])
    try:
        record.history = [(DeviceStatus(status), since) for status, since in row["history"]]
        record.supplier = row["supplier"]
        for name in _FIXED:
            if getattr(record, name) != row[name]:
                setattr(record, name, row[name])
        if record.other_eligible_users != tuple(row["other_eligible_users"]):
            record.other_eligible_users = tuple(row["other_eligible_users"])
    except (AttributeError, ValueError) as refused:  # a fleet device saved as this scenario's fleet cannot be
        raise StateError(f"--state {path}: device {record.device_id} was saved as this world's fleet does not "
                         f"hold it ({refused})") from None
