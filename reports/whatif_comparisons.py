"""The what-if report's paired differences, the section it leads with (summary.json's `comparisons`, made
by harness/study/comparisons.py): each point against its baseline, replication by replication."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reports.whatif_format import finite, fmt_param, param_label, same_value, signed, signed_ci
from reports.whatif_metrics import METRICS, kind, label, short

# what the headline sentence says of each comparison, when the summary has the metric
# (a metric whose difference is exactly nothing, interval and all, is left out: with site visits nothing is
# left Suspended under any rule set, and the visits say the rest)
HEADLINE: dict[str, str] = {
    "suspended_at_end_fraction": "left Suspended",
    "site_visits_per_1000_devices": "site visits per 1,000 devices",
    "topups_rejected_per_prepay_device": "top-ups rejected per prepayment meter",
    "cost_per_1000_devices": "cost per 1,000 devices",
}


def comparisons_view(summary: Any) -> dict[str, Any] | None:
    """The section's data: the headline sentences and one table per value of the other swept keys, the
    headline values first (rows: metrics; columns: the points against their baselines)."""
    comparisons = summary.get("comparisons") if isinstance(summary, Mapping) else None
    if not comparisons:
        return None
    compare = summary.get("compare") or {}
    baseline = compare.get("baseline") or {}
    headline = compare.get("headline") or {}
    present = list(dict.fromkeys(n for c in comparisons for n in (c.get("metrics") or {})))
    names = [n for n in METRICS if n in present] + [n for n in present if n not in METRICS]
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for c in comparisons:  # grouped by the values of the swept keys that are not the baseline's
        rest = [f"{param_label(k)} {fmt_param(k, v)}" for k, v in (c.get("point") or {}).items() if k not in baseline]
        groups.setdefault(", ".join(rest), []).append(c)
    lead = [c for c in comparisons if all(same_value(c["point"].get(k), v) for k, v in headline.items())]
    lead_key = next((k for k, cs in groups.items() if lead and cs[0] is lead[0]), None)
    order = ([lead_key] if lead_key is not None else []) + [k for k in groups if k != lead_key]
    tables = [{
        "title": (f"At {title}" if title else "") + (" (the headline)" if title == lead_key and len(groups) > 1 else ""),
        "columns": ["Metric"] + [comparison_label(c, baseline, with_rest=False) for c in groups[title]],
        "rows": [[short(n)] + [_cell(c, n) for c in groups[title]] for n in names],
    } for title in order]
    return {
        "baseline": ", ".join(f"{param_label(k)} = {fmt_param(k, v)}" for k, v in baseline.items()),
        "headline": [sentence(c, baseline) for c in lead],
        "tables": tables,
        "labels": [(short(n), label(n)) for n in names],
    }


def comparison_label(comparison: Mapping[str, Any], baseline: Mapping[str, Any], with_rest: bool = True) -> str:
    """'mp105 against legacy, 11.3 responses lost 20 %' (without the other swept values: 'mp105 against legacy')."""
    point = comparison.get("point") or {}
    base = comparison.get("baseline") or {}
    mine = ", ".join(fmt_param(k, point.get(k)) for k in baseline) or "point"
    theirs = ", ".join(fmt_param(k, base.get(k)) for k in baseline) or "baseline"
    rest = [f"{param_label(k)} {fmt_param(k, v)}" for k, v in point.items() if k not in baseline]
    return f"{mine} against {theirs}" + (f", {', '.join(rest)}" if rest and with_rest else "")


def sentence(comparison: Mapping[str, Any], baseline: Mapping[str, Any]) -> str:
    """'mp105 against legacy, 11.3 responses lost 20 %: −19.90 pp left Suspended [−22.89, −17.31] pp; ...'."""
    metrics = comparison.get("metrics") or {}
    parts = []
    for name, phrase in HEADLINE.items():
        if name in metrics:
            mean, lo, hi = _difference(metrics[name])
            if mean == lo == hi == 0.0:
                continue
            parts.append(f"{signed(mean, kind(name))} {phrase} {signed_ci(lo, hi, kind(name))}")
    if not parts:
        return f"{comparison_label(comparison, baseline)}: no difference in what the headline measures."
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
