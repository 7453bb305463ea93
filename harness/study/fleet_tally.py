"""A finished world's tally (harness.study.metrics.tally) over a fleet held as arrays, read from the
arrays themselves: the same counts and times to restore as record by record, without a record per device."""
from __future__ import annotations

from dsp import DeviceStatus
from dsp.fleet_records import TAIL, FleetRecords
from harness.sim.fleet import FleetDevices

_SUSPENDED = DeviceStatus.SUSPENDED


def fleet_tally(records: FleetRecords, devices: FleetDevices) -> tuple[int, int, int, list[float]]:
    """(suspended, ever suspended, misaligned, times to restore in hours, unsorted) of the fleet: as
    `tally` counts a record (its first suspension, and the change after it if any)."""
    suspended_code = list(DeviceStatus).index(_SUSPENDED)
    status, changes, profile = records.status, records.changes, records.profile
    tail_status, tail_time = records.tail_status, records.tail_time
    simple = [_SUSPENDED not in [s for s, _ in p.prefix] for p in records.profiles]
    suspended = status.count(suspended_code)
    ever = 0
    times: list[float] = []
    for i in range(len(status)):
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
        history = records.history(i)
        if len(history) > 1:
            for k, (entry, since) in enumerate(history):
                if entry is _SUSPENDED:
                    ever += 1
                    if k + 1 < len(history):
                        times.append((history[k + 1][1] - since) / 3600.0)
                    break
    # the SMI's firmware against what the device runs: each table's codes as the other's
    running_code = [devices.code_of(s) for s in records.strings]
    firmware, running = records.firmware, devices.running
    misaligned = sum(1 for i in range(len(firmware)) if running_code[firmware[i]] != running[i])
    return suspended, ever, misaligned, times
