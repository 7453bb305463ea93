"""One replication of a scenario: build the world, remove the firmware from the CPL, run the supplier to
the horizon, measure. A plain function of (scenario data, replication) returning plain values, so any
executor (a local process pool, a Dask worker) can run it and the results are the same.
"""
from __future__ import annotations

import gc
import resource
import time
from typing import Any

from harness.fleet import HOUR, build
from harness.metrics import measure
from harness.users import Policy, Supplier


def run_replication(data: dict[str, Any], replication: int) -> dict[str, Any]:
    """Run replication `replication` of the scenario `data` (validated scenario data)."""
    started = time.perf_counter()
    world, fleet = build(data, replication)
    supplier = Supplier(world, fleet, Policy.from_scenario(data))
    for device_type, model, version in fleet.removed:
        world.remove_from_cpl(device_type, model, version)  # R-CPL-1 at time 0
    supplier.start()
    gc.freeze()  # the fleet just built lives for the whole run: keep it out of the collector's full passes
    built = time.perf_counter()
    try:
        world.run(data["horizon_hours"] * HOUR)
    finally:
        gc.unfreeze()
    simulated = time.perf_counter()
    metrics, restore_counts = measure(world, supplier.wasted_updates, data["horizon_hours"])
    result = {
        "replication": replication,
        "devices": len(world.devices),
        "metrics": metrics,
        "restore_histogram": restore_counts,
        "counts": dict(sorted(world.counts.items())),
        "service_requests": world.service_requests,
        "firmware_updates": supplier.firmware_updates,
        "lost_messages": world.lost_messages,
        "wall_seconds": time.perf_counter() - started,
        "build_seconds": built - started,
        "simulate_seconds": simulated - built,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    return result
