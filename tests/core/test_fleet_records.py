"""A fleet's SMI records held as arrays (dsp.fleet_records) behave as SmiRecords do, and holding them so
loses nothing: records in use are retired in bulk and made again from the arrays."""
from __future__ import annotations

import pytest

from dsp import DeviceModel, DeviceStatus, DeviceType, SmartMeteringInventory
from dsp import inventory as inventory_module
from dsp.fleet_records import FleetRecords, Profile
from dsp.suspension import SUSPENDABLE, restore

SUPPLIER, OTHER, DNO = "90-B3-D5-1F-30-01-00-00", "90-B3-D5-1F-30-01-00-01", "90-B3-D5-1F-30-02-00-00"
ESME, GSME, GPF = DeviceType.ESME, DeviceType.GSME, DeviceType.GPF


class Naming:
    """IDs F-<index> (a test's scheme)."""

    def name(self, index: int) -> str:
        return f"F-{index}"

    def index(self, device_id: str) -> int:
        head, _, digits = device_id.partition("-")
        return int(digits) if head == "F" and digits.isdigit() else -1


def fleet(first: int = 0) -> tuple[SmartMeteringInventory, FleetRecords]:
    commissioned = ((DeviceStatus.COMMISSIONED, 0.0),)
    records = FleetRecords(Naming(), first)
    records.extend(3, [(Profile(ESME, 2, DeviceModel.default_for(ESME), SUPPLIER, DNO, commissioned), "0100AAAA")])
    gas = Profile(GSME, 1, DeviceModel.default_for(GSME), SUPPLIER, DNO, commissioned, 1)
    proxy = Profile(GPF, 1, DeviceModel.default_for(GPF), SUPPLIER, DNO, commissioned, -1)
    records.extend(2, [(gas, "0100AAAA"), (proxy, "01000001")])
    inventory = SmartMeteringInventory()
    inventory.attach_fleet(records)
    return inventory, records


def test_a_fleet_record_reads_its_profile_and_its_own_state():
    inventory, _ = fleet(first=10)
    record = inventory.get("F-13")
    assert (record.device_type, record.smets, record.firmware, record.status) == (GSME, 1, "0100AAAA", DeviceStatus.COMMISSIONED)
    assert (record.gpf, inventory.get("F-14").gsme) == ("F-14", "F-13")  # a GSME's GPF is the next index
    assert inventory.find("F-9") is None and inventory.find("F-17") is None and inventory.find("00-DB") is None
    assert len(inventory) == 7 and "F-16" in inventory


def test_status_firmware_and_supplier_changes_are_kept_in_the_arrays():
    inventory, records = fleet()
    record = inventory.get("F-1")
    record.set_status(DeviceStatus.SUSPENDED, 5.0)
    record.firmware = "0200BBBB"
    record.supplier = OTHER  # a supplier population re-assigns devices
    again = records.record(1)  # another record over the same device sees the same
    assert (again.status, again.firmware, again.supplier) == (DeviceStatus.SUSPENDED, "0200BBBB", OTHER)
    assert restore(again, 9.0) is DeviceStatus.COMMISSIONED  # R-CPL-3 from the arrays' history
    assert record.history == [(DeviceStatus.COMMISSIONED, 0.0), (DeviceStatus.SUSPENDED, 5.0), (DeviceStatus.COMMISSIONED, 9.0)]


def test_more_status_changes_than_the_arrays_hold_go_on_in_order():
    inventory, _ = fleet()
    record = inventory.get("F-0")
    statuses = [DeviceStatus.SUSPENDED, DeviceStatus.COMMISSIONED] * 3
    for t, status in enumerate(statuses, start=1):
        record.set_status(status, float(t))
    assert record.history == [(DeviceStatus.COMMISSIONED, 0.0)] + [(s, float(t)) for t, s in enumerate(statuses, start=1)]
    assert record.status_before(DeviceStatus.SUSPENDED) is DeviceStatus.COMMISSIONED


def test_the_fixed_fields_cannot_be_changed():
    inventory, _ = fleet()
    record = inventory.get("F-0")
    with pytest.raises(AttributeError):
        record.device_type = GSME
    with pytest.raises(AttributeError):
        record.gpf = "F-1"


def test_a_whole_history_put_back_reads_as_it_was_saved_beyond_the_arrays_tail_too():
    """A saved state put back (serve --state): the history after the fleet's own start, in the arrays."""
    inventory, records = fleet()
    saved = [(DeviceStatus.COMMISSIONED, 0.0)] + [(s, float(t)) for t, s in
                                                   enumerate([DeviceStatus.SUSPENDED, DeviceStatus.COMMISSIONED] * 2, 1)]
    record = inventory.get("F-2")
    record.history = saved
    assert records.record(2).history == saved and record.status_before(DeviceStatus.SUSPENDED) is DeviceStatus.COMMISSIONED
    record.history = saved[:2]  # a shorter one replaces it whole
    assert records.record(2).history == saved[:2] and 2 not in records.overflow
    with pytest.raises(ValueError, match="does not start as its fleet's does"):
        record.history = [(DeviceStatus.SUSPENDED, 0.0)]


def test_records_in_use_are_retired_in_bulk_and_nothing_is_lost(monkeypatch):
    monkeypatch.setattr(inventory_module, "RETIRE_AT", 2)
    inventory, _ = fleet()
    inventory.add("00-00-00-00-00-00-00-09", ESME, "0100AAAA", supplier=SUPPLIER, network_operator=DNO)
    first = inventory.get("F-0")
    first.set_status(DeviceStatus.SUSPENDED, 1.0)
    for k in range(1, 7):  # three retirements: F-0's record is let go
        inventory.get(f"F-{k}")
    assert inventory.get("F-0").status is DeviceStatus.SUSPENDED
    assert [r.device_id for r in inventory][:2] == ["00-00-00-00-00-00-00-09", "F-0"]  # own records first
    assert inventory.get("00-00-00-00-00-00-00-09").firmware == "0100AAAA"  # never retired


def test_suspension_in_bulk_is_the_rule_applied_to_each_matching_record():
    inventory, records = fleet()
    inventory.get("F-2").set_status(DeviceStatus.DECOMMISSIONED, 0.0)  # not suspendable (R-CPL-1)
    assert records.suspend_where(ESME, DeviceModel.default_for(ESME), "0100AAAA", SUSPENDABLE, 3.0) == 2
    assert [r.status for r in inventory][:3] == [DeviceStatus.SUSPENDED, DeviceStatus.SUSPENDED, DeviceStatus.DECOMMISSIONED]
    assert inventory.get("F-3").status is DeviceStatus.COMMISSIONED  # another type
