"""The served world's lasting state, mirrored into the state database (harness/serve/state.py): every SMI
record (firmware, status and its history, parties, pairings), every CPL entry (status, image hash) and
what each device runs (and holds, and a GPF's copy of its GSME's version).

`sync` writes what changed since it last looked (each record compared by a small signature, so a quiet
world costs a pass over its records and no writes); `restore` puts a saved state back into a freshly
built world of the same rule set and scenario. What the simulation has in flight (a future-dated
activation scheduled at a device, a response still travelling, a timeout not yet due) is not kept: a
restart is a new simulation over the saved records.
"""
from __future__ import annotations

import json
from typing import Any

from devices import GasProxyFunction
from dsp import DeviceModel, DeviceStatus, DeviceType
from dsp.inventory import SmiRecord
from dsp.messages import FirmwareImage
from dsp.vocabulary import CplStatus
from harness.serve.state import ServeState, StateError
from harness.sim.world import World

__all__ = ["WorldMirror"]


class WorldMirror:
    """Writes the world's SMI, CPL and devices to the state, and reads them back."""

    def __init__(self, state: ServeState, world: World) -> None:
        self.state = state
        self.world = world
        self._smi: dict[str, tuple[Any, ...]] = {}
        self._cpl: dict[str, tuple[str, str]] = {}
        self._devices: dict[str, tuple[Any, ...]] = {}

    # --- world -> database ----------------------------------------------------------------------------

    def sync(self) -> None:
        """Write every record, entry and device that changed (inside the caller's transaction)."""
        db = self.state.db
        for record in self.world.dsp.inventory:
            signature = _smi_signature(record)
            if self._smi.get(record.device_id) != signature:
                db.execute("INSERT OR REPLACE INTO smi VALUES (?, ?)", (record.device_id, json.dumps(_smi_row(record))))
                self._smi[record.device_id] = signature
        for entry in self.world.dsp.cpl.entries():
            key = json.dumps([entry.device_type.value, str(entry.model), entry.firmware])
            value = (entry.status.value, entry.image_hash.hex())
            if self._cpl.get(key) != value:
                db.execute("INSERT OR REPLACE INTO cpl VALUES (?, ?, ?)", (key, *value))
                self._cpl[key] = value
        for device_id, device in self.world.devices.items():
            held = device.held
            signature = (device.running, None if held is None else (held.version, held.hash.hex()),
                         getattr(device, "gsme_copy", None))
            if self._devices.get(device_id) != signature:
                db.execute("INSERT OR REPLACE INTO devices VALUES (?, ?)", (device_id, json.dumps(signature)))
                self._devices[device_id] = signature

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
            _apply(record, json.loads(text))
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
            self._devices[device_id] = (running, None if held is None else tuple(held), gsme_copy)
        return len(rows)


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


def _apply(record: SmiRecord, row: dict[str, Any]) -> None:
    record.firmware = row["firmware"]
    record.status = DeviceStatus(row["status"])
    record.history = [(DeviceStatus(status), since) for status, since in row["history"]]
    record.supplier, record.network_operator = row["supplier"], row["network_operator"]
    record.gpf, record.gsme, record.chf = row["gpf"], row["gsme"], row["chf"]
    record.other_eligible_users = tuple(row["other_eligible_users"])
