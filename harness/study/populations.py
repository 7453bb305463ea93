"""Supplier populations: the fleet shared between suppliers that behave differently ([[supplier]] tables).

The seed says only *some* suppliers retry 11.3 automatically; a study can give each supplier a share of
the fleet and its own behaviour (retries, sweeps, re-updates under legacy). A single [supplier] table is
one supplier with share 1, and its world is built exactly as before: this module does nothing then.

Who supplies a device: every fleet group is shared between the suppliers by their shares. Unit u of a
group (a device, or a GSME with its GPF) goes to the supplier whose slice of [0, 1) holds the golden-ratio
point frac((u + 1/2) / phi): deterministic, even through the group (so every shard of the fleet holds
each supplier's share), exact to within a few devices, and independent of the shard count and the seed.

Each supplier is its own Service User (IS and GS for its devices, a User ID of its own), runs its own
campaign over its devices with a share of the window in proportion to them, and its metrics are tallied
over the devices it supplies (harness/study/shards.py merges them per supplier).
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from dsp import DeviceType, ServiceUser, UserRole
from dsp.fleet_records import FleetRecords
from dsp.identities import RTDS_SUPPLIER
from harness.sim.supplier import Fleet, Supplier
from harness.sim.world import World
from harness.study.fleet_layout import FleetLayout, device_id
from harness.study.metrics import smi_tally

_STEP = 0.6180339887498949  # 1 / golden ratio: the most even sequence of points frac(u / phi)


def populations(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The scenario's suppliers, each a table with its `name`, `share` and behaviour ([supplier]'s keys)."""
    given = data["supplier"]
    if isinstance(given, list):
        return given
    return [{"name": "supplier", "share": 1.0, **given}]


def supplier_id(index: int) -> str:
    """The User ID of the index-th supplier: the RTDS supplier first, then 90-B3-D5-1F-30-01-00-NN."""
    return RTDS_SUPPLIER if index == 0 else f"{RTDS_SUPPLIER[:-2]}{index:02X}"


def owner(unit: int, bounds: list[float]) -> int:
    """The supplier of a group's unit-th unit: bounds are the suppliers' cumulative shares."""
    return min(bisect_right(bounds, ((unit + 0.5) * _STEP) % 1.0), len(bounds) - 1)


def split_fleet(world: World, fleet: Fleet, data: dict[str, Any], span: tuple[int, int] | None = None) -> list[Fleet]:
    """The fleet of each supplier, in [[supplier]] order: the devices of the world (a shard's span of the
    fleet) re-assigned in the SMI to their supplier, each supplier registered as IS and GS."""
    tables = populations(data)
    if len(tables) == 1:
        return [fleet]
    ids = [supplier_id(i) for i in range(len(tables))]
    for user_id in ids[1:]:
        world.dsp.users.register(user_id, UserRole.IS, UserRole.GS)
    bounds = list(accumulate(t["share"] for t in tables))
    layout = FleetLayout.of(data["fleet"])
    first, stop = span if span is not None else (0, layout.size)
    campaigns: list[list[str]] = [[] for _ in tables]
    assign = _assigner(world)
    for group in layout.groups:
        lo, hi = group.units_in(first, stop)
        for unit in range(lo, hi):
            who = owner(unit, bounds)
            index = group.start + unit * group.step
            if who:
                for i in range(index, index + group.step):  # a GSME's GPF has its supplier
                    assign(i, ids[who])
            if group.updated:
                campaigns[who].append(device_id(index))
    return [
        Fleet({t: ServiceUser(ids[i], t.supplier_role) for t in DeviceType}, campaigns[i], fleet.smets, fleet.models, fleet.removed)
        for i in range(len(tables))
    ]


def _assigner(world: World) -> Callable[[int, str], None]:
    """How to make a supplier responsible for the device of a global index: in the fleet's arrays when the
    world holds its fleet so (no record made per device), else on the device's record."""
    records = world.dsp.inventory.fleet
    if isinstance(records, FleetRecords):
        codes, first, code_of = records.supplier, records.first, records.user_code

        def in_arrays(index: int, user_id: str) -> None:
            codes[index - first] = code_of(user_id)
        return in_arrays
    find = world.dsp.inventory.find

    def on_record(index: int, user_id: str) -> None:
        find(device_id(index)).supplier = user_id  # type: ignore[union-attr]  # built just now
    return on_record


def suppliers_summary(data: dict[str, Any], runs: list[dict[str, Any]], summarise: Any) -> dict[str, Any]:
    """summary.json's `suppliers` of one point: each supplier's share, behaviour, devices and metrics
    (mean and 95% interval over replications, as the point's own)."""
    out = {}
    for i, table in enumerate(populations(data)):
        mine = [run["suppliers"][i] for run in runs]
        out[table["name"]] = {
            "share": table["share"],
            "behaviour": {k: v for k, v in table.items() if k not in ("name", "share")},
            "devices": mine[0]["devices"],
            "metrics": {m: summarise([s["metrics"][m] for s in mine], 1.0 if m.endswith("_fraction") else None)
                        for m in mine[0]["metrics"]},
        }
    return out


def supplier_tallies(
    world: World, suppliers: list[Supplier], data: dict[str, Any],
    add_to: Callable[[dict[str, Any], list[Supplier], str], None] | None = None,
) -> list[dict[str, Any]]:
    """Each supplier's additive counts and sorted times to restore, over the devices it supplies; `add_to`
    adds its prepayment meters' counts and its cost (harness/study/consumers.py)."""
    out = []
    for i, (supplier, table) in enumerate(zip(suppliers, populations(data))):
        counts, times = smi_tally(world.dsp.inventory, world.devices, supplier_id(i))
        counts.update(service_requests=supplier.requests, wasted_updates=supplier.wasted_updates)
        if add_to is not None:
            add_to(counts, [supplier], supplier_id(i))
        out.append({"name": table["name"], "tally": counts, "firmware_updates": supplier.firmware_updates,
                    "restore_times": times})
    return out
