"""A finished world's tally (harness.study.metrics.tally) over a fleet held as arrays, read from the
arrays themselves: the same counts and times to restore as record by record, without a record per device."""
from __future__ import annotations

from collections.abc import Sequence

from dsp import DeviceStatus
from dsp.fleet_records import TAIL, FleetRecords
from harness.sim.fleet import FleetDevices

_SUSPENDED = DeviceStatus.SUSPENDED


def first_suspension(history: Sequence[tuple[DeviceStatus, float]], times: list[float]) -> int:
    """1 when a device's history (more than its start) holds a suspension, its first one's time to restore
    in hours appended to `times` if the status changed after it; else 0. One home for what "ever
    suspended" and "time to restore" mean, record by record (metrics.record_tally) or here."""
    if len(history) > 1:
        for k, (entry, since) in enumerate(history):
            if entry is _SUSPENDED:
                if k + 1 < len(history):
                    times.append((history[k + 1][1] - since) / 3600.0)
                return 1
    return 0


def fleet_tally(records: FleetRecords, devices: FleetDevices, supplier: int | None = None
                ) -> tuple[int, int, int, int, list[float]]:
    """(devices, suspended, ever suspended, misaligned, times to restore in hours, unsorted) of the fleet,
    or of the devices whose responsible supplier has the code `supplier`: as `record_tally` counts a
    record (its first suspension, and the change after it if any)."""
    suspended_code = list(DeviceStatus).index(_SUSPENDED)
    status, changes, profile = records.status, records.changes, records.profile
    tail_status, tail_time = records.tail_status, records.tail_time
    simple = [_SUSPENDED not in [s for s, _ in p.prefix] for p in records.profiles]
    if supplier is None:
        mine: range | list[int] = range(len(status))
        suspended = status.count(suspended_code)
    else:
        owner = records.supplier
        mine = [i for i in range(len(owner)) if owner[i] == supplier]
        suspended = sum(1 for i in mine if status[i] == suspended_code)
    ever = 0
    times: list[float] = []
    for i in mine:
        n = changes[i]
        if simple[profile[i]]:
            if not n:
                continue
            base = i * TAIL
            if tail_status[base] == suspended_code:  # the first change is the suspension: the common case
                ever += 1
                if n > 1:
                    times.append((tail_time[base + 1] - tail_time[base]) / 3600.0)
                continue
        ever += first_suspension(records.history(i), times)
    # the SMI's firmware against what the device runs: each table's codes as the other's
    running_code = [devices.code_of(s) for s in records.strings]
    firmware, running = records.firmware, devices.running
    misaligned = sum(1 for i in mine if running_code[firmware[i]] != running[i])
    return len(mine), suspended, ever, misaligned, times
