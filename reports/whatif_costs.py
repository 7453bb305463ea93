"""The what-if report's cost section: the [costs] a study priced, and the break-even line weighing each
rule set's paired saving against the implementation cost (the seed's DCC estimate, GBP 0 - 150,000).

Break-even: a rule set saving S GBP per 1,000 devices of the study's fleet against its baseline saves
S / 1,000 x devices / suspended per device Suspended in the run (the fleet's GPFs and any device not on
the removed firmware are never suspended, but count in its devices), so it pays for an implementation
cost C once C / S x 1,000 x suspended / devices devices have been Suspended by a CPL removal. The range
comes from the saving's 95% interval; when the interval reaches zero or below, no number of devices is
sure to recover it. A summary.json without the count of devices ever Suspended (written before it was
recorded) gives the break-even in fleet devices instead.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reports.whatif_comparisons import comparison_label
from reports.whatif_format import finite, one, same_value

COST = "cost_per_1000_devices"


def costs_view(summary: Any) -> dict[str, Any] | None:
    """The [costs] priced, one break-even sentence per comparison at the headline values, and a table of
    every comparison's saving and break-even fleet; None without [costs]."""
    costs = summary.get("costs") if isinstance(summary, Mapping) else None
    if not isinstance(costs, Mapping):
        return None
    implementation = finite(costs.get("implementation_cost")) or 0.0
    compare = summary.get("compare") or {}
    baseline = compare.get("baseline") or {}
    headline = compare.get("headline") or {}
    points = [p for p in summary.get("points") or () if isinstance(p, Mapping)]
    rows, lines = [], []
    units = {_unit(_share(points, c.get("point"))) for c in summary.get("comparisons") or ()}
    for comparison in summary.get("comparisons") or ():
        value = (comparison.get("metrics") or {}).get(COST)
        if value is None:
            continue
        difference = value.get("difference") or {}
        lo, hi = (difference.get("ci95") or [None, None])[:2]
        saving, low, high = (None if v is None else -v for v in (finite(difference.get("mean")), finite(hi), finite(lo)))
        label = comparison_label(comparison, baseline)
        share = _share(points, comparison.get("point"))
        even = break_even(implementation, saving, low, high, share)
        interval = "—" if low is None or high is None else f"{one(low, 'money')} – {one(high, 'money')}"
        rows.append([label, one(saving, "money"), interval, even])
        if all(same_value((comparison.get("point") or {}).get(k), v) for k, v in headline.items()):
            lines.append(sentence(label, implementation, saving, low, high, share))
    priced = [("Per service request", one(finite(costs.get("per_service_request")), "money_p")),
              ("Per firmware update", one(finite(costs.get("per_firmware_update")), "money_p")),
              ("Per site visit", one(finite(costs.get("per_site_visit")), "money_p")),
              ("Site visit after", _after(finite(costs.get("site_visit_after_hours")))),
              ("Implementation cost", one(implementation, "money"))]
    return {"priced": priced, "lines": lines,
            "columns": ["Comparison", "Saving per 1,000 devices", "95% CI",
                        "Break-even: " + (units.pop() if len(units) == 1 else "devices")],
            "rows": rows}


def _share(points: list[Mapping[str, Any]], params: Any) -> float | None:
    """The compared point's devices ever Suspended per fleet device (mean per replication); None when its
    summary does not record them."""
    for point in points:
        if point.get("params") == params:
            devices, suspended = finite(point.get("devices")), finite(point.get("ever_suspended"))
            return suspended / devices if devices and suspended is not None else None
    return None


def _unit(share: float | None) -> str:
    return "fleet devices (GPFs included)" if share is None else "devices Suspended"


def break_even(implementation: float, saving: float | None, low: float | None, high: float | None,
               share: float | None = None) -> str:
    """'7,484 (6,957 – 8,097)': the devices Suspended (fleet devices, when `share`, the Suspended per fleet
    device, is unknown) whose saving pays the implementation cost, with its range."""
    if saving is None or saving <= 0:
        return "never: no saving"
    per = 1000.0 * (1.0 if share is None else share)  # devices per GBP 1 of saving per 1,000 fleet devices
    mean = f"{implementation / saving * per:,.0f}"
    if low is None or high is None:
        return mean
    if low <= 0:
        return f"{mean} (the interval includes no saving)"
    return f"{mean} ({implementation / high * per:,.0f} – {implementation / low * per:,.0f})"


def sentence(label: str, implementation: float, saving: float | None, low: float | None, high: float | None,
             share: float | None = None) -> str:
    if saving is None:
        return f"{label}: no cost difference recorded."
    if saving <= 0:
        return f"{label}: costs {one(-saving, 'money')} more per 1,000 devices; the implementation cost of {one(implementation, 'money')} is never recovered."
    interval = f" [{one(low, 'money')}, {one(high, 'money')}]" if low is not None and high is not None else ""
    return (f"{label}: saves {one(saving, 'money')} per 1,000 devices{interval}, so the implementation cost of "
            f"{one(implementation, 'money')} is recovered once {break_even(implementation, saving, low, high, share)} "
            + ("devices have been Suspended by a CPL removal." if share is not None else
               "devices of a fleet like this study's (GPFs included) have been through a CPL removal."))


def _after(hours: float | None) -> str:
    return "no site visits" if not hours else f"{hours:g} h Suspended"
