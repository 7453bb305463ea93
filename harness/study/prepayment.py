"""Prepayment consumers: which meters are in prepayment mode, their top-ups, and what Suspension cost them.

A fleet group's `prepayment` share of its meters (ESME, GSME) is in prepayment mode: unit u of the group
is one when frac((u + 1/2) (sqrt 2 - 1)) < share, an even spread through the group that is independent of
the golden-ratio spread of suppliers (harness/study/populations.py), so every supplier has about the same
share of prepayment meters. The top-ups themselves are harness/sim/topups.py.

What a replication counts of them is the tally's prepay_* and topups_* counts (additive over shards,
PREPAY_TALLY); the metrics made of them are harness/study/metrics.py's.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dsp import DeviceStatus, DeviceType, ServiceUser
from harness.sim.topups import TopUps
from harness.sim.world import World
from harness.study.fleet_layout import FleetLayout, device_id

_STEP = 0.41421356237309515  # sqrt(2) - 1: rationally independent of the suppliers' golden ratio
_SUSPENDED = DeviceStatus.SUSPENDED
PREPAY_TALLY = ("prepay_devices", "topups_sent", "topups_rejected", "prepay_rejected_devices", "prepay_suspended_seconds")


def has_prepayment(data: dict[str, Any]) -> bool:
    """Does any fleet group have prepayment meters?"""
    return any(g["prepayment"] > 0 for g in data["fleet"])


def is_prepayment(unit: int, share: float) -> bool:
    """Is a group's unit-th meter in prepayment mode, for the group's prepayment share?"""
    return ((unit + 0.5) * _STEP) % 1.0 < share


def prepay_meters(world: World, data: dict[str, Any], span: tuple[int, int] | None = None) -> list[tuple[str, int, ServiceUser, int]]:
    """The world's prepayment meters (a shard's span of the fleet): (device ID, global index, its supplier
    as the meter's IS or GS, SMETS version), in global index order. Call after the suppliers are assigned."""
    layout = FleetLayout.of(data["fleet"])
    first, stop = span if span is not None else (0, layout.size)
    find = world.dsp.inventory.find
    users: dict[tuple[str, DeviceType], ServiceUser] = {}  # one user object per (supplier, type)
    meters = []
    for group, table in zip(layout.groups, data["fleet"]):
        share = table["prepayment"]
        if share <= 0:
            continue
        lo, hi = group.units_in(first, stop)
        for unit in range(lo, hi):
            if not is_prepayment(unit, share):
                continue
            index = group.start + unit * group.step
            record = find(device_id(index))
            assert record is not None  # built for this span
            key = (record.supplier, record.device_type)
            user = users.get(key)
            if user is None:
                user = users[key] = ServiceUser(record.supplier, record.device_type.supplier_role)
            meters.append((record.device_id, index, user, record.smets))
    return meters


def prepay_tally(world: World, topups: TopUps, horizon: float, supplier: str | None = None) -> dict[str, Any]:
    """The prepay_* and topups_* counts of the prepayment meters (of one supplier, by User ID, if given)."""
    find = world.dsp.inventory.find
    meters = rejected_devices = rejected = sent = 0
    suspended = 0.0
    for m, (ident, _, user, _) in enumerate(topups.meters):
        if supplier is not None and user.user_id != supplier:
            continue
        meters += 1
        rejected += topups.rejected[m]
        sent += topups.arrivals[m]
        rejected_devices += topups.rejected[m] > 0
        record = find(ident)
        assert record is not None
        suspended += suspended_seconds(record.history, horizon)
    return {"prepay_devices": meters, "topups_sent": sent, "topups_rejected": rejected,
            "prepay_rejected_devices": rejected_devices, "prepay_suspended_seconds": suspended}


def suspended_seconds(history: Iterable[tuple[DeviceStatus, float]], horizon: float) -> float:
    """Seconds of an SMI history spent Suspended before the horizon."""
    total, start = 0.0, None
    for status, since in history:
        if start is not None:
            total += min(since, horizon) - start
            start = None
        if status is _SUSPENDED:
            start = since
    if start is not None:
        total += max(0.0, horizon - start)
    return total
