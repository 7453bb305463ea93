"""The Given tables: the CPL and the inventory a scenario starts from, checked column by column.

A device's SMI firmware goes on the CPL for its model unless the CPL already lists it: as Removed for a
device listed Suspended (it was suspended for that firmware, R-CPL-1), as Current otherwise.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from devices import Device, build_device
from dsp import (
    CplStatus,
    DataServiceProvider,
    DeviceModel,
    DeviceStatus,
    DeviceType,
    ServiceUser,
    SmiRecord,
    UserRole,
    firmware_version,
)
from dsp.errors import DomainError
from dsp.inventory import NEEDS_PRIOR_STATUS
from features.steps.aliases import Aliases
from harness.sim.world import World

INVENTORY_COLUMNS = ("device", "type", "smets", "firmware", "status", "prior_status", "gpf", "chf", "supplier",
                     "network_operator", "model")
CPL_COLUMNS = ("device_type", "firmware", "status", "model")


class Scenario(Protocol):
    """What the tables need of a scenario (features.steps.context.ScenarioContext is one)."""

    dsp: DataServiceProvider
    aliases: Aliases
    devices: dict[str, Device]
    before: dict[str, dict]
    users: dict[str, ServiceUser]
    world: World | None

    @property
    def now(self) -> float: ...
    def device_id(self, name: str) -> str: ...


def table(rows: list[list[str]], allowed: tuple[str, ...], required: tuple[str, ...], what: str) -> list[dict[str, str]]:
    """A step's datatable as dicts, with unknown or missing columns named in one line."""
    if not rows:
        raise DomainError(f"the {what} table is empty")
    header = [h.strip() for h in rows[0]]
    unknown = [h for h in header if h not in allowed]
    if unknown:
        raise DomainError(f"unknown column {unknown[0]!r} in the {what} table: expected {', '.join(allowed)}")
    missing = [c for c in required if c not in header]
    if missing:
        raise DomainError(f"the {what} table needs a {missing[0]!r} column")
    return [{h: str(v).strip() for h, v in zip(header, row) if str(v).strip() != ""} for row in rows[1:]]


def list_cpl(sm: Scenario, rows: list[list[str]]) -> None:
    for row in table(rows, CPL_COLUMNS, ("device_type", "firmware", "status"), "CPL"):
        device_type = DeviceType.parse(row["device_type"])
        model = DeviceModel.parse(row["model"]) if "model" in row else DeviceModel.default_for(device_type)
        sm.dsp.cpl.add(device_type, model, firmware_version(row["firmware"]), CplStatus.parse(row["status"]))


def add_inventory(sm: Scenario, rows: list[list[str]]) -> None:
    records: list[tuple[SmiRecord, dict[str, str]]] = []
    for row in table(rows, INVENTORY_COLUMNS, ("device", "type", "firmware"), "inventory"):
        records.append((_add_record(sm, row), row))
    inventory = sm.dsp.inventory
    for record, row in records:  # pairings may name devices later in the table
        if "gpf" in row:
            inventory.pair_gas_proxy(record.device_id, sm.device_id(row["gpf"]))
        if "chf" in row:
            inventory.pair_comms_hub(record.device_id, sm.device_id(row["chf"]))
    for record, _ in records:
        gsme = inventory.find(record.gsme) if record.gsme else None
        device = build_device(record.device_id, record.device_type, record.smets, record.firmware, record.model,
                              gsme_firmware=gsme.firmware if gsme is not None else record.firmware)
        # R-E4-3: the device holds its supplier's and network operator's credentials, no one else's
        device.trusted_signers = frozenset((record.supplier, record.network_operator))
        sm.devices[record.device_id] = device
        sm.before[record.device_id] = record.snapshot()
        if sm.world is not None:
            sm.world.add_device(device)


def _add_record(sm: Scenario, row: Mapping[str, str]) -> SmiRecord:
    name = row["device"]
    if sm.aliases.known("device", name):
        raise DomainError(f'device "{name}" is listed twice in the inventory, or also named as not in it')
    device_type = DeviceType.parse(row["type"])
    smets = row.get("smets", "2")
    if smets not in ("1", "2"):
        raise DomainError(f'SMETS version of "{name}" must be 1 or 2, got {smets!r}')
    status = DeviceStatus.parse(row.get("status", "Commissioned"))
    prior = row.get("prior_status")
    if prior is None and status in NEEDS_PRIOR_STATUS:
        prior = "Commissioned"  # documented default: suspended (or recovered) from Commissioned
    model = DeviceModel.parse(row["model"]) if "model" in row else DeviceModel.default_for(device_type)
    firmware = firmware_version(row["firmware"])
    supplier = _party(sm, row.get("supplier"), "electricity supplier" if device_type.supplier_role is UserRole.IS
                      else "gas supplier", device_type.supplier_role)
    operator = _party(sm, row.get("network_operator"), "electricity distributor"
                      if device_type.network_operator_role is UserRole.ED else "gas transporter",
                      device_type.network_operator_role)
    record = sm.dsp.inventory.add(sm.aliases.assign("device", name), device_type, firmware,
                                  supplier=supplier, network_operator=operator, smets=int(smets), model=model,
                                  status=status, prior_status=DeviceStatus.parse(prior) if prior else None,
                                  since=sm.now)
    if sm.dsp.cpl.find(device_type, model, firmware) is None:
        # documented: a Suspended device was suspended for its firmware; any other device's is Current
        listed = CplStatus.REMOVED if status is DeviceStatus.SUSPENDED else CplStatus.CURRENT
        sm.dsp.cpl.add(device_type, model, firmware, listed)
    return record


def _party(sm: Scenario, name: str | None, default: str, role: UserRole) -> str:
    if name is None:
        return sm.users[default].user_id
    user_id = sm.aliases.assign("user", name)
    sm.dsp.users.register(user_id, role)
    return user_id
