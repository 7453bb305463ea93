"""Sharding: one replication's fleet split into `shards` slices, each run as its own task, then merged.

Devices do not interact except through the supplier's window, so a slice of the fleet is a world of its
own. A slice is contiguous in the fleet's global device index (a cut never falls between a GSME and its
GPF: it moves one on); its devices keep their global IDs and random streams (harness/sim/streams.py), so a
device's draws do not depend on the shard count. The supplier's window is split across the slices in
proportion to their campaign devices (each gets at least 1), so the fleet-wide pace stays the same.

A shard returns additive counts (`metrics.TALLY`, message counts, the restore histogram) and its sorted
times to restore; `merge` sums the counts and indexes the shards' times as one sorted sequence, then
computes the metrics exactly as for one world. With one shard that is the one world's result, bit for
bit; with more it is statistically equivalent (the split window changes who waits behind whom).
"""
from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate
from typing import Any

from harness.study.fleet_layout import FleetLayout
from harness.study.metrics import TALLY, SortedUnion, metrics_of


def spans(data: dict[str, Any]) -> list[tuple[int, int]]:
    """Each shard's (first, stop) global device indices: near-equal slices, a GSME kept with its GPF."""
    return FleetLayout.of(data["fleet"]).spans(data["shards"])


def windows(data: dict[str, Any]) -> list[int]:
    """Each shard's share of `campaign.window`, in proportion to its campaign devices (at least 1): the
    shares add up to the window (when it is at least the shard count), so the campaign's pace holds."""
    layout = FleetLayout.of(data["fleet"])
    return split_window(data["campaign"]["window"], [layout.campaign_devices(span) for span in layout.spans(data["shards"])])


def split_window(window: int, counts: Sequence[int]) -> list[int]:
    """`window` lanes shared in proportion to `counts` (at least 1 each): the shares add up to the
    window when it is at least the number of shares. One share is the whole window."""
    total = sum(counts)
    if not total:
        return [max(1, window // len(counts))] * len(counts)
    shares, done = [], 0
    for count in counts:
        share = window * (done + count) // total - window * done // total
        done += count
        shares.append(max(1, share))
    return shares


def merge(replication: int, shards: Sequence[dict[str, Any]], restore_times: Sequence[Sequence[float]]) -> dict[str, Any]:
    """A replication's result (what `run_replication` returns) from its shards' results, in shard order,
    and each shard's sorted times to restore."""
    tally = _sum_tallies([s["tally"] for s in shards])
    counts: Counter[str] = Counter()
    for s in shards:
        counts.update(s["counts"])
    blocks = [_blocks(times, s.get("restore_blocks")) for s, times in zip(shards, restore_times)]
    merged = {
        "replication": replication,
        "devices": tally["devices"],
        "metrics": metrics_of(tally, SortedUnion([block for shard in blocks for block in shard])),
        "restore_histogram": [sum(c) for c in zip(*(s["restore_histogram"] for s in shards))],
        "counts": dict(sorted(counts.items())),
        "traffic": merge_traffic([s.get("traffic", {}) for s in shards]),
        # every SR the world received (the top-ups too), for the traffic and the throughput
        "service_requests": sum(s.get("all_service_requests", s["tally"]["service_requests"]) for s in shards),
        # the suppliers' own (8.2 included, top-ups aside): what SRs per device and the cost count
        "supplier_service_requests": tally["service_requests"],
        "ever_suspended": tally["ever_suspended"],  # devices Suspended at some time in the run
        "firmware_updates": sum(s["firmware_updates"] for s in shards),
        "lost_messages": sum(s["lost_messages"] for s in shards),
        "wall_seconds": sum(s["wall_seconds"] for s in shards),
        "slowest_task_seconds": max(s["wall_seconds"] for s in shards),  # a cluster's wall time: its slowest shard
        "build_seconds": sum(s["build_seconds"] for s in shards),
        "simulate_seconds": sum(s["simulate_seconds"] for s in shards),
        "peak_rss_mb": max(s["peak_rss_mb"] for s in shards),
    }
    if "suppliers" in shards[0]:  # several suppliers: each one's counts and times, merged the same way
        merged["suppliers"] = [_merge_supplier([s["suppliers"][i] for s in shards], [b[i] for b in blocks])
                               for i in range(len(shards[0]["suppliers"]))]
    return merged


def _blocks(times: Sequence[float], lengths: Sequence[int] | None) -> list[Sequence[float]]:
    """A shard's sorted times to restore cut into its suppliers' blocks (views, not copies)."""
    if lengths is None:
        return [times]
    view = memoryview(times) if isinstance(times, array) else times
    cuts = [0, *accumulate(lengths)]
    return [view[a:b] for a, b in zip(cuts, cuts[1:])]


def _sum_tallies(tallies: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The shards' tallies added key by key: TALLY's, and the optional ones a scenario adds (its costs)."""
    keys = list(dict.fromkeys([*TALLY, *tallies[0]]))
    return {key: sum(t.get(key, 0) for t in tallies) for key in keys}


def _merge_supplier(parts: Sequence[dict[str, Any]], times: Sequence[Sequence[float]]) -> dict[str, Any]:
    tally = _sum_tallies([p["tally"] for p in parts])
    return {"name": parts[0]["name"], "devices": tally["devices"], "metrics": metrics_of(tally, SortedUnion(times)),
            "service_requests": tally["service_requests"], "firmware_updates": sum(p["firmware_updates"] for p in parts)}


def merge_traffic(parts: Sequence[dict[str, list[int]]]) -> dict[str, list[int]]:
    """The shards' requests per hour by SRV, summed hour by hour (SRVs in first-seen order)."""
    total: dict[str, list[int]] = {}
    for part in parts:
        for srv, counts in part.items():
            have = total.get(srv)
            total[srv] = list(counts) if have is None else [a + b for a, b in zip(have, counts)]
    return total


def times_array(times: Sequence[float]) -> array:
    """Sorted times to restore as a compact array of doubles (8 bytes each, exact)."""
    return array("d", times)
