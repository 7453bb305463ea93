"""The what-if report's traffic profile: Service Requests per hour by SRV (summary.json's
`traffic_per_hour`), a stacked-area panel per point, the peak hour and its load in the table beside it,
and every hour's numbers in a table that opens for print."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reports import charts
from reports.render import format_number
from reports.whatif_format import same_value

MAX_PANELS = 4


def traffic_chart(points: Sequence[tuple[dict[str, Any], Mapping[str, Any]]], headline: Mapping[str, Any],
                  series_label: Any) -> dict[str, Any] | None:
    """The chart entry (as the report's other charts) for the points at the headline values, else the
    first few; None when no point has a traffic profile."""
    chosen = [(p, s) for p, s in points if all(same_value(p.get(k), v) for k, v in headline.items())] or list(points)
    panels = [(series_label(p) or "all points", s["traffic_per_hour"]) for p, s in chosen[:MAX_PANELS]
              if isinstance(s.get("traffic_per_hour"), Mapping) and s["traffic_per_hour"].get("by_srv") is not None]
    if not panels:
        return None
    srvs = list(dict.fromkeys(srv for _, t in panels for srv in t["by_srv"]))
    svg = charts.stacked_hours([(name, t["by_srv"]) for name, t in panels], ylabel="service requests per hour",
                               chart_id="traffic", title="Service requests per hour by SRV")
    sweeps = "11.2" in srvs  # when the recovery sweeps load the DCC, beside the campaign's peak
    columns = (["Point", "Peak hour", "Requests in the peak hour"] + (["11.2 peak hour", "11.2 in that hour"] if sweeps else [])
               + ["Requests over the run (top-ups included)"] + [f"SR {s}" for s in srvs])
    rows = [[name, str(t["peak"]["hour"]), format_number(t["peak"]["requests"], 1)]
            + (list(_peak_of(t["by_srv"].get("11.2", ()))) if sweeps else [])
            + [format_number(sum(t["total"]), 1)] + [format_number(sum(t["by_srv"].get(s, ())), 1) for s in srvs]
            for name, t in panels]
    hours = max(t["hours"] for _, t in panels)
    hourly_columns = ["Hour"] + [f"{name}: SR {s}" if len(panels) > 1 else f"SR {s}" for name, t in panels for s in t["by_srv"]]
    hourly = [[str(h)] + [_at(t["by_srv"][s], h) for _, t in panels for s in t["by_srv"]] for h in range(hours)]
    where = "" if len(chosen) == len(points) else " (the points at the headline values)"
    return {
        "id": "traffic", "title": "Service requests per hour by SRV" + where, "svg": svg,
        "caption": "Requests the users submitted in each hour of the run, stacked by SRV: the mean over "
                   "replications (summed over them, divided by their number). Top-ups (SR 2.2) are "
                   "business as usual; 11.1 and 11.3 the campaign, 11.2 and 8.2 the recovery rounds (an 11.2 "
                   "refused E5 under legacy is still a request the DCC receives).",
        "columns": columns, "rows": rows, "layout": "stacked",
        "details": {"summary": f"Requests in every hour ({hours} hours)", "columns": hourly_columns, "rows": hourly},
    }


def _peak_of(values: Sequence[float]) -> tuple[str, str]:
    """An SRV's own peak: its first hour of highest load, and the load."""
    if not values or not max(values):
        return "—", "0"
    hour = max(range(len(values)), key=lambda h: (values[h], -h))
    return str(hour), format_number(values[hour], 1)


def _at(values: Sequence[float], hour: int) -> str:
    return format_number(values[hour], 1) if hour < len(values) else "—"
