"""The what-if report's metric catalogue: each metric's label, its short name and how it is printed.

Kinds: `fraction` (printed as %, a difference in percentage points), `hours`, `count` (per device or per
meter, as the label says), `per1000` (per 1,000 devices) and `money` (GBP). The core metrics are listed for every
study; the optional ones (prepayment, site visits and cost) only when a point of the summary has them.
"""
from __future__ import annotations

# metric -> (label, kind)
CORE: dict[str, tuple[str, str]] = {
    "suspended_at_end_fraction": ("Devices left Suspended at the end", "fraction"),
    "restored_fraction": ("Suspended devices restored", "fraction"),
    "firmware_misaligned_at_end_fraction": ("SMI firmware differs from the device's at the end (all devices)", "fraction"),
    "time_to_restore_hours_p50": ("Time to restore, median (of the devices restored by the end)", "hours"),
    "time_to_restore_hours_p95": ("Time to restore, 95th percentile (of the devices restored by the end)", "hours"),
    "service_requests_per_device": ("Service requests per device (the suppliers' own: top-ups aside)", "count"),
    "wasted_firmware_updates_per_device": ("Wasted firmware updates per device", "count"),
}
OPTIONAL: dict[str, tuple[str, str]] = {
    "topups_rejected_per_prepay_device": ("Top-ups rejected (E5) per prepayment meter", "count"),
    "prepay_topup_rejected_fraction": ("Prepayment meters with at least one top-up rejected", "fraction"),
    "prepay_hours_suspended_per_prepay_device": ("Hours Suspended per prepayment meter", "hours"),
    "site_visits_per_1000_devices": ("Site visits per 1,000 devices", "per1000"),
    "cost_per_1000_devices": ("Cost per 1,000 devices (service requests, firmware updates, site visits)", "money"),
}
METRICS: dict[str, tuple[str, str]] = {**CORE, **OPTIONAL}
# short names for column heads and chart axes, where the full label would crowd the page
SHORT = {
    "suspended_at_end_fraction": "Left Suspended",
    "restored_fraction": "Restored",
    "firmware_misaligned_at_end_fraction": "Firmware misaligned",
    "time_to_restore_hours_p50": "Restore p50",
    "time_to_restore_hours_p95": "Restore p95",
    "service_requests_per_device": "SRs / device",
    "wasted_firmware_updates_per_device": "Wasted updates / device",
    "topups_rejected_per_prepay_device": "Top-ups rejected / meter",
    "prepay_topup_rejected_fraction": "Meters with a top-up rejected",
    "prepay_hours_suspended_per_prepay_device": "Hours Suspended / meter",
    "site_visits_per_1000_devices": "Site visits / 1,000",
    "cost_per_1000_devices": "Cost / 1,000 devices",
}


def label(name: str) -> str:
    return METRICS.get(name, (name.replace("_", " "), "count"))[0]


def short(name: str) -> str:
    return SHORT.get(name, name.replace("_", " "))


def kind(name: str) -> str:
    return METRICS.get(name, ("", "count"))[1]
