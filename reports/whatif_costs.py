"""The what-if report's cost section: the [costs] a study priced, and the break-even line weighing each
rule set's paired saving against the implementation cost (the seed's DCC estimate, GBP 0 - 150,000).

Break-even: a rule set saving S GBP per 1,000 devices against its baseline pays for an implementation
cost C once C / S x 1,000 devices have been suspended by a CPL removal (the study's fleet is every device
on the removed firmware). The range comes from the saving's 95% interval; when the interval reaches zero
or below, no fleet size is sure to recover it.
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
    rows, lines = [], []
    for comparison in summary.get("comparisons") or ():
        value = (comparison.get("metrics") or {}).get(COST)
        if value is None:
            continue
        difference = value.get("difference") or {}
        lo, hi = (difference.get("ci95") or [None, None])[:2]
        saving, low, high = (None if v is None else -v for v in (finite(difference.get("mean")), finite(hi), finite(lo)))
        label = comparison_label(comparison, baseline)
        even = break_even(implementation, saving, low, high)
        interval = "—" if low is None or high is None else f"{one(low, 'money')} – {one(high, 'money')}"
        rows.append([label, one(saving, "money"), interval, even])
        if all(same_value((comparison.get("point") or {}).get(k), v) for k, v in headline.items()):
            lines.append(sentence(label, implementation, saving, low, high))
    priced = [("Per service request", one(finite(costs.get("per_service_request")), "money_p")),
              ("Per firmware update", one(finite(costs.get("per_firmware_update")), "money_p")),
              ("Per site visit", one(finite(costs.get("per_site_visit")), "money_p")),
              ("Site visit after", _after(finite(costs.get("site_visit_after_hours")))),
              ("Implementation cost", one(implementation, "money"))]
    return {"priced": priced, "lines": lines,
            "columns": ["Comparison", "Saving per 1,000 devices", "95% CI", "Break-even: devices suspended"],
            "rows": rows}


def break_even(implementation: float, saving: float | None, low: float | None, high: float | None) -> str:
    """'7,484 (6,957 – 8,097)': the devices whose saving pays the implementation cost, with its range."""
    if saving is None or saving <= 0:
        return "never: no saving"
    mean = f"{implementation / saving * 1000:,.0f}"
    if low is None or high is None:
        return mean
    if low <= 0:
        return f"{mean} (the interval includes no saving)"
    return f"{mean} ({implementation / high * 1000:,.0f} – {implementation / low * 1000:,.0f})"


def sentence(label: str, implementation: float, saving: float | None, low: float | None, high: float | None) -> str:
    if saving is None:
        return f"{label}: no cost difference recorded."
    if saving <= 0:
        return f"{label}: costs {one(-saving, 'money')} more per 1,000 devices; the implementation cost of {one(implementation, 'money')} is never recovered."
    interval = f" [{one(low, 'money')}, {one(high, 'money')}]" if low is not None and high is not None else ""
    return (f"{label}: saves {one(saving, 'money')} per 1,000 devices{interval}, so the implementation cost of "
            f"{one(implementation, 'money')} is recovered once {break_even(implementation, saving, low, high)} "
            f"devices have been suspended by a CPL removal.")


def _after(hours: float | None) -> str:
    return "no site visits" if not hours else f"{hours:g} h Suspended"
