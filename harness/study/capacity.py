"""What a study asks of the machine, checked before any work starts: how many tasks it plans, and how much
memory the worlds it runs at once (and the results it keeps) will need.

A study that cannot fit is refused in one line naming the limit and how to raise it, instead of growing
until the machine swaps or the kernel kills it. The memory estimate is linear in the devices of the
largest world: `BYTES_PER_DEVICE` is measured (a fleet held as arrays, 2026-12-01: a 1,000,000-ESME shard
peaks at 263 MB, ~250 B per device over the interpreter's own; a 200,000-device GSME/GPF fleet, a tenth
offline, at 100 MB) with a margin of about two for what a study keeps beside the fleet (a multi-supplier
tally's records, a retry backlog), and tests/cli/test_run_bad_input.py checks that it stays an upper bound.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

from harness.study.scenario import Scenario, ScenarioError, fleet_size
from harness.study.shards import spans
from harness.study.study_plan import Study

DEFAULT_MAX_TASKS = 1_000_000  # a task's plan entry and its kept result cost a few KB: ~4 GB at the limit
BYTES_PER_DEVICE = 400  # one world's memory per device (measured ~180-250 held as arrays, with a margin)
BYTES_PER_PROCESS = 150 << 20  # a worker's interpreter, imports and SimPy before the first device
BYTES_PER_RESULT = 4_096  # a finished replication kept for the summary (measured ~2.8 KB)
GB = 1 << 30

__all__ = ["DEFAULT_MAX_TASKS", "CapacityError", "Need", "available_memory", "check_memory", "check_tasks",
           "world_bytes"]


class CapacityError(ScenarioError):
    """The study cannot fit the machine (or the limits given): refused before it starts."""


def check_tasks(scenario: Scenario, replications: int | None, max_tasks: int = DEFAULT_MAX_TASKS) -> None:
    """Refuse a plan of more than `max_tasks` tasks (replications x sweep points x shards) before it is
    expanded: the plan itself would not fit (a 10^11-replication study grows by gigabytes a minute)."""
    points = math.prod(len(values) for _, values in scenario.sweep)
    runs = points * (replications if replications is not None else scenario["replications"])
    shards = max([scenario["shards"], *(v for key, values in scenario.sweep if key == "shards" for v in values)])
    tasks = runs * shards
    if tasks > max_tasks:
        raise CapacityError(
            f"{scenario.path}: the study plans {tasks:,} tasks ({_count(runs, 'replication')} x "
            f"{_count(points, 'sweep point')} x {_count(shards, 'shard')}), over the limit of {max_tasks:,}: "
            f"fewer replications or sweep values, or raise the limit with --max-tasks N"
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def world_bytes(devices: int) -> int:
    """The estimated peak memory of one process running a world of `devices` devices."""
    return BYTES_PER_PROCESS + BYTES_PER_DEVICE * devices


@dataclass(frozen=True)
class Need:
    """The memory a study is expected to need at its peak."""

    worlds: int  # worlds in memory at once (worker processes)
    largest: int  # devices in the largest world (a shard's slice when sharded)
    results: int  # replications kept until the summary

    @property
    def total(self) -> int:
        return self.worlds * world_bytes(self.largest) + self.results * BYTES_PER_RESULT


def need_of(study: Study, parallel: int) -> Need:
    largest = max(stop - first for data in study.datas for first, stop in spans(data))
    tasks = study.replications * sum(data["shards"] for data in study.datas)
    return Need(max(1, min(parallel, tasks)), largest, study.replications * len(study.datas))


def check_memory(study: Study, parallel: int, limit: int | None = None) -> Need:
    """Refuse a study whose worlds (`parallel` at once) and kept results need more than `limit` bytes
    (default: the memory available now). Returns the estimate."""
    need = need_of(study, parallel)
    given = limit is not None
    limit = available_memory() if limit is None else limit
    if limit is None or need.total <= limit:
        return need
    per_world = (limit - need.results * BYTES_PER_RESULT) // need.worlds - BYTES_PER_PROCESS
    devices = max(fleet_size(data) for data in study.datas)
    ways = []
    if per_world > 0:
        ways.append(f"split the fleet with shards = {math.ceil(devices / max(1, per_world // BYTES_PER_DEVICE))} "
                    f"or more (each shard a world of its own)")
    else:
        ways.append("fewer replications or sweep points")
    if need.worlds > 1:
        ways.append("fewer --workers")
    each = world_bytes(need.largest) / GB
    worlds = (f"{need.worlds} worlds of {need.largest:,} devices at once, ~{each:.1f} GB each" if need.worlds > 1
              else f"a world of {need.largest:,} devices, ~{each:.1f} GB")
    raise CapacityError(
        f"{study.scenario.path}: the study needs about {need.total / GB:.1f} GB of memory ({worlds}), more than "
        f"the limit of {limit / GB:.1f} GB ({'--max-memory' if given else 'the memory available now'}): "
        f"{', '.join(ways)}, or raise the limit with --max-memory GB"
    )


def available_memory() -> int | None:
    """Bytes of memory available to a new workload now (Linux's MemAvailable), else the physical memory,
    else None (unknown: nothing is refused)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError, AttributeError):
        return None
