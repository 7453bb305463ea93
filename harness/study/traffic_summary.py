"""summary.json's `traffic_per_hour`: a point's Service Requests per hour by SRV (harness/sim/traffic.py),
summed over its replications and divided by their number (the mean load of each hour), and its peak hour.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dsp.catalogue import CATALOGUE


def traffic_per_hour(runs: Sequence[dict[str, Any]], horizon_hours: float) -> dict[str, Any]:
    """{"hours", "by_srv": {SRV: [mean requests in hour h]}, "total": [...], "peak": {"hour", "requests"}}:
    SRVs in catalogue order; the peak is the first hour of the highest mean load."""
    bins = max(1, math.ceil(horizon_hours))
    n = len(runs)
    sent = {srv for run in runs for srv in run.get("traffic", {})}
    order = [srv for srv in CATALOGUE if srv in sent] + sorted(sent - set(CATALOGUE))
    by_srv = {}
    for srv in order:
        sums = [0] * bins
        for run in runs:
            for hour, count in enumerate(run.get("traffic", {}).get(srv, ())):
                sums[hour] += count
        by_srv[srv] = [_mean(total, n) for total in sums]
    totals = [sum(run.get("traffic", {}).get(srv, [0] * bins)[hour] for run in runs for srv in order) for hour in range(bins)]
    total = [_mean(t, n) for t in totals]
    peak = max(range(bins), key=lambda h: (totals[h], -h))
    return {"hours": bins, "by_srv": by_srv, "total": total, "peak": {"hour": peak, "requests": total[peak]}}


def _mean(total: int, n: int) -> float:
    return round(total / n, 6)
