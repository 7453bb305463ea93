"""report.html: the what-if report an analyst reads at a glance, from summary.json and the replications.

    write_report(out_dir, summary, replications_rows)     # -> out_dir/report.html

`summary` is one run's summary.json, or a sweep `{"sweep": [{"parameters": {...}, "summary": {...}}, ...]}`
(a bare list of such points is accepted too). `replications_rows` are the rows of replications.csv (dicts,
values as numbers or as the CSV's strings); the simulation writes that CSV, this module only reads rows.
Every chart is inline SVG with its numbers in a table beside it; the page prints to A4 cleanly.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from reports import charts
from reports.render import format_number, render, write_atomically
from reports.whatif_comparisons import comparisons_view
from reports.whatif_costs import costs_view
from reports.whatif_suppliers import suppliers_view
from reports.whatif_traffic import traffic_chart
from reports import whatif_metrics
from reports.whatif_metrics import CORE, METRICS, SHORT
from reports.whatif_format import (
    code_order,
    cell,
    ci,
    column,
    count,
    finite,
    fmt_param,
    kv,
    mean,
    param_label,
    plain,
    sample_range,
    series_label,
    triple,
    x_label,
)

REPORT_HTML = "report.html"

OUTCOME = ("suspended_at_end_fraction", "restored_fraction", "firmware_misaligned_at_end_fraction")
RESTORE = ("time_to_restore_hours_p50", "time_to_restore_hours_p95")
EFFORT = ("service_requests_per_device", "wasted_firmware_updates_per_device")
MAX_REPLICATION_ROWS = 50
# the optional metrics' charts, when the summary has them: (id, title, metrics, kind or percent, axis label)
OPTIONAL_BARS = (
    ("prepay", "Prepayment meters: top-ups rejected", ("topups_rejected_per_prepay_device",), "count", "per prepayment meter"),
    ("prepay-hours", "Prepayment meters: hours Suspended", ("prepay_hours_suspended_per_prepay_device",), "hours",
     "hours per prepayment meter"),
    ("visits", "Site visits", ("site_visits_per_1000_devices",), "per1000", "per 1,000 devices"),
    ("cost", "Cost", ("cost_per_1000_devices",), "money", "GBP per 1,000 devices"),
)
OPTIONAL_LINES = (
    ("prepay", "Prepayment meters: top-ups rejected (E5) and hours Suspended per meter",
     ("topups_rejected_per_prepay_device", "prepay_hours_suspended_per_prepay_device"), False, "per prepayment meter"),
    ("prepay-share", "Prepayment meters with at least one top-up rejected", ("prepay_topup_rejected_fraction",), True,
     "prepayment meters"),
    ("cost", "Site visits and cost per 1,000 devices", ("site_visits_per_1000_devices", "cost_per_1000_devices"), False,
     "per 1,000 devices"),
)


def write_report(out_dir: Path | str, summary: Any, replications_rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write `report.html` into `out_dir` and return its path (replications.csv is the simulation's)."""
    return write_atomically(Path(out_dir) / REPORT_HTML, render_report(summary, replications_rows))


def render_report(summary: Any, replications_rows: Iterable[Mapping[str, Any]] = ()) -> str:
    return render("whatif.html", **whatif_view(summary, list(replications_rows)))


# --- the numbers (plain data: the golden test pins them) -------------------------------------------------


def sweep_points(summary: Any) -> list[tuple[dict[str, Any], Mapping[str, Any]]]:
    """(parameters, summary) per point; a single run is one point with no parameters."""
    if isinstance(summary, Mapping) and len(summary.get("points") or ()) > 1:
        raw = _simulation_points(summary)
    elif isinstance(summary, Mapping) and isinstance(summary.get("sweep"), list):
        raw = summary["sweep"]
    elif isinstance(summary, list):
        raw = summary
    else:
        return [({}, summary)]
    points = [(dict(p.get("parameters") or {}), p.get("summary") or {}) for p in raw]
    rulesets = {s.get("ruleset") for _, s in points}
    if len(rulesets) > 1 and not any("ruleset" in p for p, _ in points):
        points = [({"ruleset": s.get("ruleset"), **p}, s) for p, s in points]
    return points


def _simulation_points(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`sm-harness run`'s summary.json: one entry of `points` per sweep point, with its `params`."""
    shared = {k: summary[k] for k in ("name", "description", "seed", "replications", "horizon_hours") if k in summary}
    return [
        {"parameters": dict(point.get("params") or {}), "summary": {**shared, **point}}
        for point in summary["points"]
    ]


def metric(summary: Mapping[str, Any], name: str) -> tuple[float | None, float | None, float | None]:
    """(mean, lo, hi) of a metric; None where absent or not a finite number (no device restored, say)."""
    value = (summary.get("metrics") or {}).get(name) or {}
    ci = value.get("ci95") or [None, None]
    return finite(value.get("mean")), finite(ci[0] if len(ci) > 0 else None), finite(ci[1] if len(ci) > 1 else None)


def sweep_axes(points: Sequence[tuple[dict[str, Any], Mapping[str, Any]]]) -> tuple[str | None, list[str]]:
    """The x parameter (numeric, varied; a loss rate first) and the parameters that split the series."""
    varied = [k for k in dict.fromkeys(k for p, _ in points for k in p) if len({repr(p.get(k)) for p, _ in points}) > 1]
    numeric = [k for k in varied if all(isinstance(p.get(k), (int, float)) and not isinstance(p.get(k), bool)
                                        for p, _ in points)]
    numeric.sort(key=lambda k: (not k.startswith("loss"), varied.index(k)))
    x = numeric[0] if numeric else None
    return x, [k for k in varied if k != x]


def results(summary: Any) -> dict[str, Any]:
    """The results table as data: every point's parameters and every metric's mean and 95% CI."""
    points = sweep_points(summary)
    x, series_keys = sweep_axes(points)
    present = {n for _, s in points for n in (s.get("metrics") or {})}
    names = list(CORE) + [n for n in METRICS if n not in CORE and n in present] + sorted(present - set(METRICS))
    return {
        "kind": "sweep" if len(points) > 1 or points[0][0] else "single",
        "x": x,
        "series_by": series_keys,
        "metrics": [{"name": n, "label": whatif_metrics.label(n), "short": whatif_metrics.short(n),
                     "kind": whatif_metrics.kind(n)} for n in names],
        "points": [
            {
                "parameters": p,
                # with nothing to split the points, their series is the rule set they all ran
                "series": series_label(p, series_keys) or str(s.get("ruleset") or ""),
                "values": {n: dict(zip(("mean", "lo", "hi"), metric(s, n))) for n in names},
            }
            for p, s in points
        ],
    }


# --- the page ------------------------------------------------------------------------------------------------


def whatif_view(summary: Any, rows: list[Mapping[str, Any]]) -> dict[str, Any]:
    points = sweep_points(summary)
    table = results(summary)
    first = points[0][1]
    manifest = (summary.get("manifest") if isinstance(summary, Mapping) else None) or first.get("manifest") or {}
    name = (summary.get("name") if isinstance(summary, Mapping) else None) or first.get("name") or "what-if"
    sweep = table["kind"] == "sweep"
    comparisons = comparisons_view(summary)
    view = {
        "page_title": f"What-if: {name}",
        "tool_version": str(manifest.get("tool_version", "")),
        "name": str(name),
        "description": str(first.get("description") or ""),
        "sweep": sweep,
        "scenario": _scenario_rows(points, table),
        "headline": (comparisons["headline"] if comparisons else []) + _headline(points, table),
        "comparisons": comparisons,
        "costs": costs_view(summary),
        "suppliers": suppliers_view(points, _headline_values(summary), lambda p: series_label(p, table["series_by"])),
        "manifest": kv(manifest),
        "modelling_decisions": sorted(((summary.get("modelling_decisions") if isinstance(summary, Mapping) else None)
                                       or first.get("modelling_decisions") or {}).items()),
        "results": _results_view(table),
        "charts": (_sweep_charts(points, table) if sweep else _single_charts(first, rows))
        + _optional(traffic_chart(points, _headline_values(summary), lambda p: series_label(p, table["series_by"]))),
        "counters": _counters(points, table, "alerts") + _counters(points, table, "responses"),
        "performance": _performance(points, table),
        "replications": _replication_rows(rows) if not sweep else None,
        "replication_count": len(rows),
    }
    return view


def _headline_values(summary: Any) -> Mapping[str, Any]:
    compare = summary.get("compare") if isinstance(summary, Mapping) else None
    return (compare or {}).get("headline") or {}


def _optional(chart: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [chart] if chart else []


def _scenario_rows(points, table) -> list[tuple[str, str]]:
    first = points[0][1]
    rows = [("Name", first.get("name")), ("Rule set", first.get("ruleset")), ("Seed", first.get("seed")),
            ("Replications per point" if table["kind"] == "sweep" else "Replications", first.get("replications")),
            ("Devices", first.get("devices"))]
    if table["kind"] == "sweep":
        rows[1] = ("Rule set", ", ".join(dict.fromkeys(str(s.get("ruleset")) for _, s in points)))
        for key in dict.fromkeys(k for p, _ in points for k in p):
            values = list(dict.fromkeys(fmt_param(key, p.get(key)) for p, _ in points))
            rows.append((f"Swept: {key}", ", ".join(values)))
        rows.append(("Points", len(points)))
    return [(label, format_number(v, 0) if isinstance(v, int) else ("—" if v is None else str(v))) for label, v in rows]


def _headline(points, table) -> list[str]:
    """One or two sentences: the answer before the evidence."""
    lines = []
    if table["kind"] == "single":
        s = points[0][1]
        sus, restored, p50 = (metric(s, n) for n in ("suspended_at_end_fraction", "restored_fraction", "time_to_restore_hours_p50"))
        lines.append(f"Under {s.get('ruleset', '?')}, {cell(sus, 'fraction')} of {format_number(s.get('devices'), 0)} "
                     f"devices were left Suspended at the end (mean of {s.get('replications', '?')} replications, 95% CI).")
        lines.append(f"Suspended devices restored: {cell(restored, 'fraction')}; median time to restore {cell(p50, 'hours')}.")
        return lines
    x = table["x"]
    if x:
        top = max(p["parameters"][x] for p in table["points"])
        at_top = [p for p in table["points"] if p["parameters"][x] == top]
        name, what, kind = "suspended_at_end_fraction", "Devices left Suspended", "fraction"
        visits = "site_visits_per_1000_devices"
        if all(not p["values"][name]["mean"] for p in table["points"]) and all(visits in p["values"] for p in at_top):
            name, what, kind = visits, "Site visits per 1,000 devices", "per1000"  # the visits left none Suspended
        parts = [f"{p['series'] or 'all'}: {cell(triple(p['values'][name]), kind)}" for p in at_top]
        lines.append(f"{what} with {fmt_param(x, top)} of {param_label(x)}: " + "; ".join(parts) + ".")
    return lines


def _results_view(table) -> dict[str, Any]:
    keys = list(dict.fromkeys(k for p in table["points"] for k in p["parameters"]))
    return {
        "parameters": [param_label(k) for k in keys],
        "metrics": table["metrics"],
        "rows": [
            {
                "parameters": [fmt_param(k, p["parameters"].get(k)) for k in keys],
                "cells": [(mean(p["values"][m["name"]], m["kind"]), ci(p["values"][m["name"]], m["kind"]))
                          for m in table["metrics"]],
            }
            for p in table["points"]
        ],
        # a sweep's table is split in two when the optional metrics would make it too wide to read or print
        "groups": [list(range(len(core))), list(range(len(core), len(table["metrics"])))]
        if (core := [m for m in table["metrics"] if m["name"] in CORE]) and len(core) < len(table["metrics"])
        else [list(range(len(table["metrics"])))],
    }


def _single_charts(summary: Mapping[str, Any], rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    present = set(summary.get("metrics") or {})
    samples = {n: column(rows, n) for n in METRICS}
    out = []
    for chart_id, title, names, kind, xlabel in (
        ("outcome", "Where the devices ended up", OUTCOME, "fraction", "share of devices"),
        ("restore", "Time to restore a Suspended device", RESTORE, "hours", "hours from suspension to restore"),
        ("effort", "Effort per device", EFFORT, "count", "per device"),
    ) + tuple(spec for spec in OPTIONAL_BARS if all(n in present for n in spec[2])):
        bars = [charts.Bar(SHORT[n], *metric(summary, n), samples=samples[n]) for n in names]
        svg = charts.bar_panel(bars, xlabel=xlabel, percent=kind == "fraction", chart_id=chart_id, title=title)
        table_rows = [[SHORT[n], (mean(triple_of(summary, n), kind), ci(triple_of(summary, n), kind)),
                       sample_range(samples[n], kind)] for n in names]
        out.append({"id": chart_id, "title": title, "svg": svg,
                    "caption": "Bars: mean over replications; whiskers: 95% confidence interval; dots: one per replication.",
                    "columns": ["Metric", "Mean (95% CI)", "Replications, min – max"], "rows": table_rows,
                    "layout": "side"})
    hist = ((summary.get("distributions") or {}).get("time_to_restore_hours") or {})
    if hist.get("edges") and hist.get("counts") and len(hist["edges"]) == len(hist["counts"]) + 1:
        svg = charts.histogram(hist["edges"], hist["counts"], xlabel="hours from suspension to restore",
                               chart_id="restore-hist", title="Distribution of time to restore")
        out.insert(2, {"id": "restore-hist", "title": "Distribution of time to restore (all replications)", "svg": svg,
                       "caption": "Restored devices by time from suspension to restore.",
                       "columns": ["Hours", "Devices"],
                       "rows": [[f"{format_number(a, 1)}–{format_number(b, 1)}", format_number(c, 0)]
                                for a, b, c in zip(hist["edges"][:-1], hist["edges"][1:], hist["counts"])],
                       "layout": "side"})
    return out


def _sweep_charts(points, table) -> list[dict[str, Any]]:
    x = table["x"]
    series_labels = list(dict.fromkeys(p["series"] for p in table["points"]))
    categories = None if x else [series_label(p["parameters"], table["series_by"]) or str(i) for i, p in enumerate(table["points"])]
    xlabel = x_label(x) if x else ""

    def series_for(name: str) -> list[charts.Series]:
        if not x:
            vals = [p["values"][name] for p in table["points"]]
            return [charts.Series("all points", list(range(len(vals))), *zip(*((v["mean"], v["lo"], v["hi"]) for v in vals)))]
        out = []
        for label in series_labels:
            pts = sorted((p for p in table["points"] if p["series"] == label), key=lambda p: p["parameters"][x])
            scale = 100.0 if x.startswith("loss") else 1.0
            out.append(charts.Series(label or "all", [p["parameters"][x] * scale for p in pts],
                                     [p["values"][name]["mean"] for p in pts], [p["values"][name]["lo"] for p in pts],
                                     [p["values"][name]["hi"] for p in pts]))
        return out

    specs: tuple[tuple[str, str, tuple[str, ...], bool, str], ...] = (
        ("suspended", "Devices left Suspended at the end", ("suspended_at_end_fraction",), True, "devices left Suspended"),
        ("misaligned", "SMI firmware differs from the device's at the end (all devices)",
         ("firmware_misaligned_at_end_fraction",), True, "devices misaligned"),
        ("restore", "Time to restore a Suspended device", RESTORE, False, "hours"),
        ("effort", "Service requests and wasted firmware updates per device", EFFORT, False, "per device"),
    )
    present = {m["name"] for m in table["metrics"]}
    specs += tuple(spec for spec in OPTIONAL_LINES if all(n in present for n in spec[2]))
    out = []
    for chart_id, title, names, percent, ylabel in specs:
        panels = [(SHORT[n] if len(names) > 1 else "", series_for(n)) for n in names]
        svg = charts.line_panels(panels, xlabel, ylabel=ylabel, percent=percent, categories=categories,
                                 chart_id=chart_id, title=title)
        keys = ([x] if x else []) + table["series_by"]
        columns = [param_label(k) for k in keys] + [SHORT[n] + " (95% CI)" for n in names]
        ordered = sorted(table["points"], key=lambda p: (series_labels.index(p["series"]), p["parameters"].get(x, 0) if x else 0))
        rows = [[fmt_param(k, p["parameters"].get(k)) for k in keys]
                + [(mean(p['values'][n], METRICS[n][1]), ci(p['values'][n], METRICS[n][1])) for n in names] for p in ordered]
        if table["series_by"] and x:  # series first, then x: the table reads like the legend
            columns = [param_label(k) for k in table["series_by"]] + [param_label(x)] + columns[len(keys):]
            rows = [r[1:len(keys)] + [r[0]] + r[len(keys):] for r in rows]
        caption = ("Lines: mean over replications; shaded band: 95% confidence interval."
                   if x else "Markers: mean over replications; whiskers: 95% confidence interval.")
        out.append({"id": chart_id, "title": title, "svg": svg, "caption": caption, "columns": columns, "rows": rows,
                    "layout": "stacked" if len(names) > 1 else "side"})
    return out


def _counters(points, table, block: str) -> list[dict[str, Any]]:
    keys = sorted({k for _, s in points for k in (s.get(block) or {})}, key=code_order)
    if not keys:
        return []
    title = {"alerts": "DCC alerts sent", "responses": "Service responses by code"}[block]
    params = list(dict.fromkeys(k for p, _ in points for k in p))
    return [{"title": title, "columns": params + keys,
             "rows": [[fmt_param(k, p.get(k)) for k in params] + [count((s.get(block) or {}).get(k)) for k in keys]
                      for p, s in points]}]


def _performance(points, table) -> dict[str, Any] | None:
    keys = list(dict.fromkeys(k for _, s in points for k in (s.get("performance") or {})))
    if not keys:
        return None
    params = list(dict.fromkeys(k for p, _ in points for k in p))
    return {"columns": params + [k.replace("_", " ") for k in keys],
            "rows": [[fmt_param(k, p.get(k)) for k in params]
                     + [format_number((s.get("performance") or {}).get(k), 1) for k in keys] for p, s in points]}


def _replication_rows(rows: list[Mapping[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    columns = list(dict.fromkeys(k for r in rows for k in r))
    shown = rows[:MAX_REPLICATION_ROWS]
    return {"columns": [c.replace("_", " ") for c in columns],
            "rows": [[plain(r.get(c)) for c in columns] for r in shown],
            "more": len(rows) - len(shown)}


# --- formatting -----------------------------------------------------------------------------------------------


def triple_of(summary: Mapping[str, Any], name: str) -> dict[str, float | None]:
    return dict(zip(("mean", "lo", "hi"), metric(summary, name)))
