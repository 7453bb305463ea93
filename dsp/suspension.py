"""Suspension and restoration of devices when the CPL changes (R-CPL-1..3)."""
from __future__ import annotations

from dsp.inventory import SmiRecord
from dsp.vocabulary import DeviceStatus

# R-CPL-1: the statuses from which a CPL removal suspends a device
SUSPENDABLE = frozenset(
    (
        DeviceStatus.PENDING,
        DeviceStatus.WHITELISTED,
        DeviceStatus.INSTALLED_NOT_COMMISSIONED,
        DeviceStatus.COMMISSIONED,
        DeviceStatus.RECOVERED,
    )
)


def suspend(record: SmiRecord, now: float) -> bool:
    """Suspend the device if its status allows; the status it held stays in the history (R-CPL-1)."""
    if record.status not in SUSPENDABLE:
        return False
    record.set_status(DeviceStatus.SUSPENDED, now)
    return True


def restore(record: SmiRecord, now: float) -> DeviceStatus:
    """Set the status held immediately before suspension, never a hard-coded Commissioned (R-CPL-3)."""
    prior = record.status_before(DeviceStatus.SUSPENDED)
    assert prior is not None, "the SMI gives every Suspended device a prior status"
    record.set_status(prior, now)
    return prior
