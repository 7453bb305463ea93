"""The what-if report's paired differences, the section it leads with (summary.json's `comparisons`, made
by harness/study/comparisons.py): each point against its baseline, replication by replication."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reports.whatif_format import finite, fmt_param, param_label, same_value, signed, signed_ci
from reports.whatif_metrics import METRICS, kind, label, short

# what the headline sentence says of each comparison, when the summary has the metric
HEADLINE: dict[str, str] = {
    "suspended_at_end_fraction": "left Suspended",
    "topups_rejected_per_prepay_device": "top-ups rejected per prepayment meter",
    "cost_per_1000_devices": "cost per 1,000 devices",
}


def comparisons_view(summary: Any) -> dict[str, Any] | None:
    """The section's data: the headline sentences and the table (rows: metrics; columns: comparisons)."""
    comparisons = summary.get("comparisons") if isinstance(summary, Mapping) else None
    if not comparisons:
        return None
    compare = summary.get("compare") or {}
    baseline = compare.get("baseline") or {}
    headline = compare.get("headline") or {}
    present = list(dict.fromkeys(n for c in comparisons for n in (c.get("metrics") or {})))
    names = [n for n in METRICS if n in present] + [n for n in present if n not in METRICS]
    lead = [c for c in comparisons if all(same_value(c["point"].get(k), v) for k, v in headline.items())]
    return {
        "baseline": ", ".join(f"{param_label(k)} = {fmt_param(k, v)}" for k, v in baseline.items()),
        "headline": [sentence(c, baseline) for c in lead],
        "columns": ["Metric"] + [comparison_label(c, baseline) for c in comparisons],
        "rows": [[short(n)] + [_cell(c, n) for c in comparisons] for n in names],
        "labels": [(short(n), label(n)) for n in names],
    }


def comparison_label(comparison: Mapping[str, Any], baseline: Mapping[str, Any]) -> str:
    """'mp105 against legacy, 11.3 responses lost 20 %'."""
    point = comparison.get("point") or {}
    base = comparison.get("baseline") or {}
    mine = ", ".join(fmt_param(k, point.get(k)) for k in baseline) or "point"
    theirs = ", ".join(fmt_param(k, base.get(k)) for k in baseline) or "baseline"
    rest = [f"{param_label(k)} {fmt_param(k, v)}" for k, v in point.items() if k not in baseline]
    return f"{mine} against {theirs}" + (f", {', '.join(rest)}" if rest else "")


def sentence(comparison: Mapping[str, Any], baseline: Mapping[str, Any]) -> str:
    """'mp105 against legacy, 11.3 responses lost 20 %: −19.90 pp left Suspended [−22.89, −17.31] pp; ...'."""
    metrics = comparison.get("metrics") or {}
    parts = []
    for name, phrase in HEADLINE.items():
        if name in metrics:
            mean, lo, hi = _difference(metrics[name])
            parts.append(f"{signed(mean, kind(name))} {phrase} {signed_ci(lo, hi, kind(name))}")
    return f"{comparison_label(comparison, baseline)}: " + "; ".join(parts) + "."


def _cell(comparison: Mapping[str, Any], name: str) -> tuple[str, str] | str:
    value = (comparison.get("metrics") or {}).get(name)
    if value is None:
        return "—"
    mean, lo, hi = _difference(value)
    reduction = finite(value.get("variance_reduction"))
    paired = f" · variance ÷{reduction:.3g}" if reduction is not None else ""
    return signed(mean, kind(name)), signed_ci(lo, hi, kind(name)) + paired


def _difference(value: Mapping[str, Any]) -> tuple[float | None, float | None, float | None]:
    difference = value.get("difference") or {}
    ci: Sequence[Any] = difference.get("ci95") or [None, None]
    return finite(difference.get("mean")), finite(ci[0]), finite(ci[1] if len(ci) > 1 else None)
