"""The what-if report's supplier populations (summary.json's per-point `suppliers`): how each supplier,
with its own behaviour, comes out under each rule set, beside the fleet as a whole."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from reports import charts
from reports.whatif_format import ci, finite, mean, same_value
from reports.whatif_metrics import CORE, OPTIONAL, kind, short

PER_SUPPLIER = ("suspended_at_end_fraction", "restored_fraction", "time_to_restore_hours_p50",
                "service_requests_per_device", "wasted_firmware_updates_per_device")


def behaviour(table: Mapping[str, Any]) -> str:
    """'2 retries after 1 h · 1 sweep · 0 re-updates'."""
    retries, sweeps, again = (int(table.get(k, 0)) for k in ("retry_11_3", "sweep_11_2", "legacy_refirmware"))
    parts = [f"{retries} {'retry' if retries == 1 else 'retries'}" + (f" after {table.get('retry_timeout_hours', 0):g} h" if retries else ""),
             f"{sweeps} 11.2 {'sweep' if sweeps == 1 else 'sweeps'}", f"{again} {'re-update' if again == 1 else 're-updates'}"]
    return " · ".join(parts)


def suppliers_view(points: Sequence[tuple[dict[str, Any], Mapping[str, Any]]], headline: Mapping[str, Any],
                   series_label: Callable[[dict[str, Any]], str]) -> dict[str, Any] | None:
    """The section's chart (left Suspended per supplier, a series per point) and tables, for the points at
    the headline values; None when the summary has no supplier populations."""
    chosen = [(p, s) for p, s in points if isinstance(s.get("suppliers"), Mapping)
              and all(same_value(p.get(k), v) for k, v in headline.items())]
    if not chosen:
        return None
    names = list(chosen[0][1]["suppliers"])
    first = chosen[0][1]["suppliers"]
    population = [[name, f"{first[name].get('share', 0) * 100:g} %", behaviour(first[name].get("behaviour") or {}),
                   f"{first[name].get('devices', 0):,}"] for name in names]
    metric, what = "suspended_at_end_fraction", "Devices left Suspended"
    visits = "site_visits_per_1000_devices"
    if all(not _triple(s, metric)[0] for _, s in chosen) and all(visits in (s.get("metrics") or {}) for _, s in chosen):
        metric, what = visits, "Site visits per 1,000 devices"  # the visits left nothing Suspended: they tell
    percent = kind(metric) == "fraction"
    categories = names + ["all suppliers"]

    def name_of(params: dict[str, Any], summary: Mapping[str, Any]) -> str:  # a point: its values, else its rule set
        return series_label(params) or str(summary.get("ruleset") or "all")

    series = []
    for position, (params, summary) in enumerate(chosen):
        values = [_triple(summary["suppliers"][n], metric) for n in names] + [_triple(summary, metric)]
        series.append(charts.Series(name_of(params, summary), list(range(len(categories))),
                                    *zip(*values)))
    svg = charts.line_panels([("", series)], "", ylabel=what.lower(), percent=percent, categories=categories,
                             chart_id="suppliers", title=f"{what}, by supplier")
    columns = ["Supplier"] + [f"{name_of(p, s)} (95% CI)" for p, s in chosen]
    rows = [[name] + [_cell(s["suppliers"][name], metric) for _, s in chosen] for name in names]
    rows.append(["all suppliers"] + [_cell(s, metric) for _, s in chosen])
    have = first[names[0]].get("metrics") or {}
    shown = [m for m in PER_SUPPLIER + tuple(n for n in CORE if n not in PER_SUPPLIER) if m in have]
    tables = []
    for group in (shown, [m for m in OPTIONAL if m in have]):  # two tables, each narrow enough to print
        if group:
            tables.append({"columns": ["Supplier", "Point"] + [short(m) for m in group],
                           "rows": [[name, name_of(p, s)] + [_cell(s["suppliers"][name], m) for m in group]
                                    for name in names for p, s in chosen]})
    return {
        "population": {"columns": ["Supplier", "Share of each fleet group", "Behaviour", "Devices"], "rows": population},
        "chart": {"id": "suppliers", "title": f"{what}, by supplier", "svg": svg, "layout": "side",
                  "caption": "Markers: mean over replications; whiskers: 95% confidence interval; the last "
                             "column is the fleet as a whole.", "columns": columns, "rows": rows},
        "metrics": tables,
    }


def _triple(summary: Mapping[str, Any], name: str) -> tuple[float | None, float | None, float | None]:
    value = (summary.get("metrics") or {}).get(name) or {}
    lo, hi = (value.get("ci95") or [None, None])[:2]
    return finite(value.get("mean")), finite(lo), finite(hi)


def _cell(summary: Mapping[str, Any], name: str) -> tuple[str, str]:
    values = dict(zip(("mean", "lo", "hi"), _triple(summary, name)))
    return mean(values, kind(name)), ci(values, kind(name))
