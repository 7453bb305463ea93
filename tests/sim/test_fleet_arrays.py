"""A study's fleet held as arrays (world_setup.build: dsp.fleet_records, harness.sim.fleet) runs exactly as
the same fleet of one Python object per device does: same SMI, same devices, same counts, same tally."""
from __future__ import annotations

import pytest

from devices import build_device
from dsp import SmiRecord
from dsp import inventory as inventory_module
from harness.sim import fleet as fleet_module
from harness.sim.supplier import Supplier
from harness.sim.world import World
from harness.study import scenario
from harness.study.metrics import tally
from harness.study.scenario import HOUR
from harness.study.world_setup import build, comms_of, policy_of
from tests.sim.helpers import write_scenario

MIXED = """
[[fleet]]
type = "GSME"
smets = 2
count = 150
firmware = "0100AAAA"

[[fleet]]
type = "ESME"
smets = 1
count = 100
firmware = "0100AAAA"
"""


def _data(tmp_path, trace=False):
    path = write_scenario(tmp_path, p=0.3, q=0.2, sweeps=1, smets=2, count=200)
    path.write_text(path.read_text() + MIXED)
    return scenario.load(path).data


def _as_objects(world: World, data) -> World:
    """The same world with an SmiRecord and a Device object per device (the one-by-one path)."""
    twin = World(_dsp_like(world), comms=comms_of(data), seed=data["seed"], replication=0)
    for record in world.dsp.inventory:
        copy = SmiRecord(record.device_id, record.device_type, record.smets, record.model, record.firmware,
                         record.status, record.supplier, record.network_operator, 0.0)
        copy.history = record.history
        copy.gpf, copy.gsme = record.gpf, record.gsme
        twin.dsp.inventory.add_record(copy)
        device = world.devices[record.device_id]
        twin.add_device(build_device(record.device_id, record.device_type, record.smets, device.running, record.model,
                                     gsme_firmware=getattr(device, "gsme_copy", None)))
    return twin


def _dsp_like(world: World):
    from dsp import DataServiceProvider

    dsp = DataServiceProvider(world.dsp.ruleset, settings=world.dsp.settings, users=world.dsp.users, cpl=world.dsp.cpl)
    return dsp


def _run(world: World, fleet, data) -> Supplier:
    supplier = Supplier(world, fleet, policy_of(data))
    for device_type, model, version in fleet.removed:
        world.remove_from_cpl(device_type, model, version)
    supplier.start()
    world.run(data["horizon_hours"] * HOUR)
    return supplier


def _state(world: World) -> list[tuple]:
    return [(r.device_id, r.status, r.firmware, tuple(r.history), world.devices[r.device_id].running) for r in world.dsp.inventory]


@pytest.mark.parametrize("retire_at", [8, 65536])  # records and devices let go (and made again) all the time, or not
def test_a_fleet_held_as_arrays_runs_as_a_fleet_of_objects(tmp_path, monkeypatch, retire_at):
    monkeypatch.setattr(inventory_module, "RETIRE_AT", retire_at)
    monkeypatch.setattr(fleet_module, "RETIRE_AT", retire_at)
    data = _data(tmp_path)
    arrays, fleet = build(data, 0)
    objects = _as_objects(arrays, data)
    assert _state(arrays) == _state(objects)
    a, b = _run(arrays, fleet, data), _run(objects, fleet, data)
    assert arrays.counts == objects.counts and arrays.lost_messages == objects.lost_messages
    assert _state(arrays) == _state(objects)
    assert tally(arrays, a.wasted_updates) == tally(objects, b.wasted_updates)
    assert arrays.devices.fleet is not None and objects.devices.fleet is None


def test_a_traced_removal_suspends_as_the_counted_one_does(tmp_path):
    data = _data(tmp_path)
    quiet, fleet = build(data, 0)
    traced, _ = build(data, 0, trace=True)
    for device_type, model, version in fleet.removed:
        assert quiet.remove_from_cpl(device_type, model, version) == traced.remove_from_cpl(device_type, model, version)
    assert quiet.counts == traced.counts and _state(quiet) == _state(traced)
    assert sum(1 for e in traced.trace if e.kind == "dcc_alert") == quiet.counts["N28"] == 450  # not the GPFs (their own firmware)


def test_a_world_of_a_million_devices_holds_no_object_per_device(tmp_path):
    data = _data(tmp_path)
    data["fleet"] = [dict(data["fleet"][0], count=1_000_000)]
    world, fleet = build(data, 0)
    assert len(world.devices) == len(world.dsp.inventory) == 1_000_000 == len(fleet.campaign)
    assert len(world.devices.live) == 0 and world.dsp.inventory.own_records() == []
    assert fleet.campaign[-1] in world.devices and fleet.campaign[-1] not in fleet.smets
