"""Site visits: an engineer goes to a meter that is still Suspended long after its suspension.

[model] Nothing in the SEC says when a supplier gives up on remote recovery; a study sets
`[costs] site_visit_after_hours`. At that time after the CPL removal (every suspension of a study happens
there, at time 0), each device still Suspended since then gets one visit: the engineer installs the
campaign's firmware if the device does not run it already (a GSME's GPF copy follows, R-DEV-5), the SMI
is corrected to what the device runs and its status goes back to the one it held before suspension, as
R-CPL-3 restores. No DCC alert is sent (the visit is not a DCC service) and no Service Request is
counted: the visit is the cost the supplier pays instead. One round of visits, as one scheduled event.
"""
from __future__ import annotations

from collections import Counter

from devices import GasProxyFunction
from dsp import DeviceStatus
from dsp.suspension import restore
from harness.sim.simpy_adapter import Call
from harness.sim.world import World

_SUSPENDED = DeviceStatus.SUSPENDED


class SiteVisits:
    """One round of site visits, `after` seconds after the suspensions at `suspended_at`."""

    def __init__(self, world: World, after: float, firmware: str, suspended_at: float = 0.0) -> None:
        self.world = world
        self.after = after
        self.firmware = firmware  # what the engineer installs: the campaign's target (Current on the CPL)
        self.suspended_at = suspended_at
        self.visits = 0
        self.by_supplier: Counter[str] = Counter()  # visits by the responsible supplier's User ID

    def start(self) -> None:
        self.world.env.schedule(Call(self._round), delay=self.suspended_at + self.after)

    def _round(self, _: Call) -> None:
        world = self.world
        now = world.env.now
        devices = world.devices
        for record in world.dsp.inventory:
            if record.status is not _SUSPENDED or record.history[-1][1] > now - self.after:
                continue
            device = devices[record.device_id]
            if device.running != self.firmware:
                device.running, device.held, device.scheduled = self.firmware, None, None  # installed on site
                gpf = devices.get(record.gpf) if record.gpf else None
                if isinstance(gpf, GasProxyFunction):
                    gpf.refresh(device.running)  # R-DEV-5: the GSME tells its GPF (no lag: the engineer checks)
            record.firmware = device.running
            restore(record, now)  # R-CPL-3's restoration: the status held before suspension
            self.visits += 1
            self.by_supplier[record.supplier] += 1
