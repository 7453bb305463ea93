"""What a run measures, and how replications are summarised (mean and 95% confidence interval).

Per replication, at the horizon:

- `suspended_at_end_fraction`: devices Suspended in the SMI / all devices in the world (GPFs included).
- `restored_fraction`: devices ever Suspended that are not Suspended at the end / devices ever Suspended.
- `time_to_restore_hours_p50`, `_p95`: over the restored devices, hours from suspension to restoration
  (linear-interpolated percentiles); None when no device was restored.
- `service_requests_per_device`: every SR the supplier submitted (8.2 included) / all devices.
- `wasted_firmware_updates_per_device`: R-SU-4 repeat updates to a device that already ran the target
  firmware (only the SMI was wrong) / all devices.
- `firmware_misaligned_at_end_fraction`: devices whose SMI firmware differs from what they run / all
  devices, Suspended or not (Requirement 2's benefit for every device).

With prepayment meters (issue 14, harness/study/prepayment.py):

- `topups_rejected_per_prepay_device`: top-ups (SR 2.2) answered E5 / prepayment meters.
- `prepay_topup_rejected_fraction`: prepayment meters with at least one top-up rejected / prepayment meters.
- `prepay_hours_suspended_per_prepay_device`: hours each prepayment meter spent Suspended in the SMI
  before the horizon, summed / prepayment meters (when a SMETS2 consumer cannot be topped up remotely).

With `[costs]` (issue 14):

- `site_visits_per_1000_devices`: site visits (harness/sim/site_visits.py) per 1,000 devices.
- `cost_per_1000_devices`: GBP per 1,000 devices: per_service_request x the suppliers' SRs (campaign and
  recovery, 8.2 included; top-ups are business as usual and not counted) + per_firmware_update x update
  jobs (the campaign's and re-updates) + per_site_visit x site visits.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dsp import DeviceStatus
from harness.study.fleet_tally import first_suspension, fleet_tally

METRICS = (
    "suspended_at_end_fraction",
    "restored_fraction",
    "time_to_restore_hours_p50",
    "time_to_restore_hours_p95",
    "service_requests_per_device",
    "wasted_firmware_updates_per_device",
    "firmware_misaligned_at_end_fraction",
)
PREPAY_METRICS = ("topups_rejected_per_prepay_device", "prepay_topup_rejected_fraction",
                  "prepay_hours_suspended_per_prepay_device")  # with prepayment meters only
COST_METRICS = ("site_visits_per_1000_devices", "cost_per_1000_devices")  # with [costs] only
ALERT_CODES = ("N28", "N29", "N50", "N51", "N52")  # N28: the suspension alert's modelled code (R-CPL-2)
_SUSPENDED = DeviceStatus.SUSPENDED

# two-sided 95% Student t quantiles by degrees of freedom (no SciPy needed)
_T95 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
    20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048,
    29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}


def t95(df: int) -> float:
    """The two-sided 95% t quantile (the nearest tabulated df at or below; 1.96 beyond 120)."""
    if df > 120:
        return 1.96
    return _T95[max(k for k in _T95 if k <= df)]


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile of sorted values (q in [0, 100])."""
    if not values:
        return None
    pos = (len(values) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


# Bins of the time-to-restore distribution, hours; the last bin closes at the run's horizon. Fixed, so
# replications' counts add up and the distribution is the same whatever the workers.
RESTORE_BIN_EDGES = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0, 48.0, 96.0, 168.0, 336.0, 720.0)


def restore_bin_edges(horizon_hours: float) -> list[float]:
    """The bin edges for a run of this horizon (every restore happens before it)."""
    return [e for e in RESTORE_BIN_EDGES if e < horizon_hours] + [float(horizon_hours)]


def histogram(values: Sequence[float], edges: Sequence[float]) -> list[int]:
    """Counts per bin [edges[i], edges[i+1]); a value on the last edge falls in the last bin."""
    counts = [0] * (len(edges) - 1)
    last = len(counts) - 1
    for value in values:
        counts[min(max(bisect_right(edges, value) - 1, 0), last)] += 1
    return counts


# The additive counts of a world (or a shard of one): a replication's are the sums of its shards'.
TALLY = ("devices", "suspended", "ever_suspended", "misaligned", "service_requests", "wasted_updates")


def tally(world, wasted_updates: int) -> tuple[dict[str, int], list[float]]:
    """A finished world's additive counts (TALLY) and its restored devices' times to restore in hours,
    sorted."""
    counts, restore_times = smi_tally(world.dsp.inventory, world.devices)
    counts["service_requests"] = world.service_requests
    counts["wasted_updates"] = wasted_updates
    return counts, restore_times


def smi_tally(inventory: Any, devices: Any, supplier: str | None = None) -> tuple[dict[str, int], list[float]]:
    """The SMI's part of a tally (`record_tally`) over the whole inventory, or the devices `supplier` is
    responsible for; a fleet held as arrays is read as such (harness/study/fleet_tally.py), record by
    record would make a record per device."""
    fleet, fleet_devices = inventory.fleet, devices.fleet
    if fleet is None or fleet_devices is None:
        records: Iterable[Any] = inventory
        fleet = None
    else:
        records = inventory.own_records()
    if supplier is not None:
        records = (r for r in records if r.supplier == supplier)
    counts, restore_times = record_tally(records, devices)
    if fleet is not None and (supplier is None or supplier in fleet.users):
        code = None if supplier is None else fleet.users.index(supplier)
        n, suspended, ever, misaligned, times = fleet_tally(fleet, fleet_devices, code)
        counts["devices"] += n
        counts["suspended"] += suspended
        counts["ever_suspended"] += ever
        counts["misaligned"] += misaligned
        restore_times = sorted(restore_times + times)
    return counts, restore_times


def record_tally(records: Iterable[Any], devices: Mapping[str, Any]) -> tuple[dict[str, int], list[float]]:
    """The SMI's part of a tally over some records (the whole inventory, or one supplier's devices):
    devices, suspended, ever suspended, misaligned, and the sorted times to restore in hours."""
    n = suspended = ever = misaligned = 0
    restore_times: list[float] = []
    for record in records:
        n += 1
        if record.status is _SUSPENDED:
            suspended += 1
        ever += first_suspension(record.history, restore_times)
        if record.firmware != devices[record.device_id].running:
            misaligned += 1
    restore_times.sort()
    return {"devices": n, "suspended": suspended, "ever_suspended": ever, "misaligned": misaligned}, restore_times


def metrics_of(counts: dict[str, int], restore_times: Sequence[float]) -> dict[str, float | None]:
    """A replication's metrics from its tally and its sorted times to restore (a list, or the
    `SortedUnion` of its shards' sorted times: the percentiles are exact either way)."""
    n, suspended, ever = counts["devices"], counts["suspended"], counts["ever_suspended"]
    if not n:  # a supplier whose share of a small fleet came to no device
        optional = (PREPAY_METRICS if "prepay_devices" in counts else ()) + (COST_METRICS if "cost" in counts else ())
        return dict.fromkeys(METRICS + optional)
    metrics = {
        "suspended_at_end_fraction": suspended / n,
        "restored_fraction": (ever - suspended) / ever if ever else None,
        "time_to_restore_hours_p50": percentile(restore_times, 50),
        "time_to_restore_hours_p95": percentile(restore_times, 95),
        "service_requests_per_device": counts["service_requests"] / n,
        "wasted_firmware_updates_per_device": counts["wasted_updates"] / n,
        "firmware_misaligned_at_end_fraction": counts["misaligned"] / n,
    }
    if "prepay_devices" in counts:  # the scenario has prepayment meters
        metrics.update(prepay_metrics(counts))
    if "cost" in counts:  # the scenario has [costs]
        metrics["site_visits_per_1000_devices"] = 1000.0 * counts["site_visits"] / n
        metrics["cost_per_1000_devices"] = 1000.0 * counts["cost"] / n
    return metrics


def prepay_metrics(counts: dict[str, Any]) -> dict[str, float | None]:
    """The prepayment metrics of a tally (None when it holds no prepayment meter)."""
    n = counts["prepay_devices"]
    if not n:
        return dict.fromkeys(PREPAY_METRICS)
    return {
        "topups_rejected_per_prepay_device": counts["topups_rejected"] / n,
        "prepay_topup_rejected_fraction": counts["prepay_rejected_devices"] / n,
        "prepay_hours_suspended_per_prepay_device": counts["prepay_suspended_seconds"] / 3600.0 / n,
    }


def add_costs(counts: dict[str, Any], costs: dict[str, float], *, requests: int, updates: int, visits: int) -> None:
    """Put a tally's site visits and its cost in GBP into it ([costs]: per SR, firmware update, visit)."""
    counts["site_visits"] = visits
    counts["cost"] = (costs["per_service_request"] * requests + costs["per_firmware_update"] * updates
                      + costs["per_site_visit"] * visits)


class SortedUnion(Sequence[float]):
    """The sorted union of sorted sequences (shards' times to restore), indexed without merging them:
    the k-th smallest is found by bisection, so the parent holds no merged copy and no float objects."""

    def __init__(self, parts: Sequence[Sequence[float]]) -> None:
        self.parts = [p for p in parts if len(p)]
        self._len = sum(len(p) for p in self.parts)

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, k):  # type: ignore[override]
        parts = self.parts
        if isinstance(k, slice) or not 0 <= k < self._len:
            raise IndexError(k)
        if len(parts) == 1:
            return parts[0][k]
        for part in parts:  # the k-th value is in some part: find it there by its rank in the union
            lo, hi = 0, len(part)
            while lo < hi:
                mid = (lo + hi) // 2
                value = part[mid]
                if sum(bisect_left(p, value) for p in parts) > k:
                    hi = mid
                elif sum(bisect_right(p, value) for p in parts) <= k:
                    lo = mid + 1
                else:
                    return value
        raise IndexError(k)  # pragma: no cover - the parts were not sorted


def summarise(values: Sequence[float | None], upper: float | None = None) -> dict[str, Any]:
    """Mean and 95% t confidence interval over replications (None values left out; fewer than two:
    the interval is the mean itself, or null when there is no value).

    Every metric is a count, a time or a fraction, so the interval is clipped to [0, upper]: a t interval
    reaching below zero hours says only that the replications disagree, which the width already shows.
    """
    xs = [v for v in values if v is not None]
    if not xs:
        return {"mean": None, "ci95": [None, None]}
    mean = math.fsum(xs) / len(xs)
    if len(xs) < 2:
        return {"mean": _round(mean), "ci95": [_round(mean), _round(mean)]}
    var = math.fsum((x - mean) ** 2 for x in xs) / (len(xs) - 1)
    half = t95(len(xs) - 1) * math.sqrt(var / len(xs))
    high = mean + half if upper is None else min(upper, mean + half)
    return {"mean": _round(mean), "ci95": [_round(max(0.0, mean - half)), _round(high)]}


def variance(xs: Sequence[float]) -> float:
    """The sample variance (n - 1 in the denominator) of at least two values."""
    mean = math.fsum(xs) / len(xs)
    return math.fsum((x - mean) ** 2 for x in xs) / (len(xs) - 1)


def summarise_difference(differences: Sequence[float]) -> dict[str, Any]:
    """Mean and 95% t interval of paired differences over replications: like `summarise`, but not clipped
    (a difference can be negative). One difference: the interval is the mean itself; none: nulls."""
    if not differences:
        return {"mean": None, "ci95": [None, None]}
    mean = math.fsum(differences) / len(differences)
    if len(differences) < 2:
        return {"mean": _round(mean), "ci95": [_round(mean), _round(mean)]}
    half = t95(len(differences) - 1) * math.sqrt(variance(differences) / len(differences))
    return {"mean": _round(mean), "ci95": [_round(mean - half), _round(mean + half)]}


def _round(x: float) -> float:
    """12 significant digits: the summary is byte-stable and no reader needs more."""
    return float(f"{x:.12g}")
