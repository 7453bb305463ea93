"""What a shard's world adds for the what-if studies' consumers and costs: the prepayment meters' top-ups
(harness/sim/topups.py) and the site visits (harness/sim/site_visits.py), started with the world and
tallied with it, for the fleet and for each supplier. A scenario without prepayment meters and without
[costs] gets neither, and its world runs exactly as before.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.sim.site_visits import SiteVisits
from harness.sim.supplier import Supplier
from harness.sim.topups import TopUps
from harness.sim.traffic import Traffic
from harness.sim.world import World
from harness.study.metrics import add_costs
from harness.study.prepayment import has_prepayment, prepay_meters, prepay_tally
from harness.study.scenario import HOUR


class Consumers:
    """A shard's top-ups and site visits: `start` them with the suppliers, `add_to` a tally at the end."""

    def __init__(self, world: World, data: dict[str, Any], span: tuple[int, int], traffic: Traffic) -> None:
        self.world = world
        self.horizon = data["horizon_hours"] * HOUR
        self.costs = data["costs"]
        self.topups: TopUps | None = None
        self.visits: SiteVisits | None = None
        if has_prepayment(data):  # after the suppliers are assigned: a top-up comes from the meter's supplier
            meters = prepay_meters(world, data, span)
            self.topups = TopUps(world, meters, data["prepayment"]["topups_per_day"], self.horizon, traffic)
        if self.costs is not None and self.costs["site_visit_after_hours"] > 0:
            self.visits = SiteVisits(world, self.costs["site_visit_after_hours"] * HOUR, data["campaign"]["firmware"])

    def start(self) -> None:
        for part in (self.topups, self.visits):
            if part is not None:
                part.start()

    def add_to(self, counts: dict[str, Any], suppliers: Sequence[Supplier], supplier_id: str | None = None) -> None:
        """Put the prepayment counts and the cost into a tally: the fleet's, or with `supplier_id` the
        tally of that one supplier (`suppliers` being it alone)."""
        if self.topups is not None:
            counts.update(prepay_tally(self.world, self.topups, self.horizon, supplier_id))
        if self.costs is not None:
            visits = 0
            if self.visits is not None:
                visits = self.visits.visits if supplier_id is None else self.visits.by_supplier.get(supplier_id, 0)
            add_costs(counts, self.costs, requests=sum(s.requests for s in suppliers), visits=visits,
                      updates=sum(s.firmware_updates for s in suppliers))

    @property
    def topups_sent(self) -> int:
        return self.topups.sent if self.topups is not None else 0
