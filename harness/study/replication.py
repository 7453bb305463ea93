"""One replication of a scenario: build the world, remove the firmware from the CPL, run the supplier to
the horizon, measure. Plain functions of (scenario data, replication[, shard]) returning plain values, so
any executor (a local process pool, a Dask worker) can run them and the results are the same.

`run_shard` runs one slice of the fleet (the whole fleet when `shards` is 1, the default); a replication
is its shards merged (harness/study/shards.py).
"""
from __future__ import annotations

import dataclasses
import gc
import resource
import time
from typing import Any

from harness.study import shards as sharding
from harness.study.consumers import Consumers
from harness.study.metrics import histogram, restore_bin_edges, tally
from harness.sim.supplier import Supplier
from harness.sim.traffic import Traffic
from harness.study.scenario import HOUR
from harness.study.fleet_layout import forget_parsed
from harness.study.populations import populations, split_fleet, supplier_tallies
from harness.study.world_setup import build, policy_of


COLLECT_AFTER = 100_000  # devices in a shard's world from which its end is followed by a full collection


def run_shard(data: dict[str, Any], replication: int, shard: int = 0) -> dict[str, Any]:
    """Run shard `shard` of replication `replication` of the scenario `data` (validated scenario data):
    its additive counts, and its sorted times to restore in "restore_times" (an array of doubles; with
    several suppliers, each supplier's sorted block in turn, their lengths in "restore_blocks")."""
    span = sharding.spans(data)[shard]
    try:
        return _run_shard(data, replication, shard, span)
    finally:
        # a worker runs shard after shard: a large finished world (cycles of records, devices and paths) is
        # freed now, not at the collector's next full pass, and its cache of parsed IDs goes with it. Left
        # to the collector, a worker's RSS grew ~100 MB with every GB-size shard (1.66 GB after gb-full's
        # 17). A small world is left to the collector: a full pass costs more than it (sweeps of tiny tasks)
        forget_parsed()
        if span[1] - span[0] >= COLLECT_AFTER:
            gc.collect()


def _run_shard(data: dict[str, Any], replication: int, shard: int, span: tuple[int, int]) -> dict[str, Any]:
    started = time.perf_counter()
    world, whole = build(data, replication, span=span)
    fleets = split_fleet(world, whole, data, span)  # one fleet per supplier (the whole one for one supplier)
    # the shard's share of the window keeps the fleet-wide pace; each supplier's share of it, its own
    window = sharding.windows(data)[shard] if data["shards"] > 1 else data["campaign"]["window"]
    windows = sharding.split_window(window, [len(f.campaign) for f in fleets])
    traffic = Traffic(data["horizon_hours"] * HOUR)
    suppliers = [
        Supplier(world, fleet, dataclasses.replace(policy_of(data, table), window=lanes), traffic)
        for fleet, table, lanes in zip(fleets, populations(data), windows)
    ]
    for device_type, model, version in whole.removed:
        world.remove_from_cpl(device_type, model, version)  # R-CPL-1 at time 0
    for supplier in suppliers:
        supplier.start()
    consumers = Consumers(world, data, span, traffic)  # prepayment top-ups and site visits, if the study has them
    consumers.start()
    gc.freeze()  # the fleet just built lives for the whole run: keep it out of the collector's full passes
    built = time.perf_counter()
    try:
        world.run(data["horizon_hours"] * HOUR)
    finally:
        gc.unfreeze()
    simulated = time.perf_counter()
    counts, restore_times = tally(world, sum(s.wasted_updates for s in suppliers))
    counts["service_requests"] = sum(s.requests for s in suppliers)  # the suppliers' own: top-ups aside
    consumers.add_to(counts, suppliers)
    result: dict[str, Any] = {"replication": replication, "shard": shard, "span": list(span), "tally": counts}
    if len(suppliers) > 1:
        per_supplier = supplier_tallies(world, suppliers, data, consumers.add_to)
        restore_times = [t for p in per_supplier for t in p["restore_times"]]  # the same times, by supplier
        result["restore_blocks"] = [len(p.pop("restore_times")) for p in per_supplier]
        result["suppliers"] = per_supplier
    result.update({
        "restore_histogram": histogram(restore_times, restore_bin_edges(data["horizon_hours"])),
        "restore_times": sharding.times_array(restore_times),
        "counts": dict(sorted(world.counts.items())),
        "traffic": traffic.as_dict(),
        "all_service_requests": world.service_requests,  # the suppliers' and the top-ups
        "firmware_updates": sum(s.firmware_updates for s in suppliers),
        "lost_messages": world.lost_messages,
        "wall_seconds": time.perf_counter() - started,
        "build_seconds": built - started,
        "simulate_seconds": simulated - built,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    })
    return result


def run_replication(data: dict[str, Any], replication: int) -> dict[str, Any]:
    """Run every shard of replication `replication` in this process, one after another, and merge them."""
    results = [run_shard(data, replication, s) for s in range(data["shards"])]
    return sharding.merge(replication, results, [r.pop("restore_times") for r in results])
