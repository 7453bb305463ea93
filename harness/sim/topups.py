"""Prepayment top-ups: SR 2.2 'Top Up Device' to every prepayment meter, as a Poisson stream per meter.

A consumer on prepayment tops up now and then; the supplier sends SR 2.2 to the meter: Command Variant 1
to a SMETS2 meter and Command Variant 2 to a SMETS1 meter, both refused E5 while the meter is Suspended
(R-E5-2, R-E5-3: Annex B excepts no 2.2), unless R-E5-8's setting (dsp.smets1_top_up_cv2_when_suspended)
keeps the SMETS1 exception the report and Annex C name. A top-up is traffic like
any other: the world carries it with the SRV's loss and latency, the DSP answers it, and the traffic
profile counts it.

Meter m's k-th top-up comes an exponential time after its (k-1)-th, drawn from the uniform keyed
(seed, replication, m's global index, k, TOPUP_ARRIVAL) (harness/sim/streams.py): the arrivals do not
depend on the rule set, the shard or anything else the world does, so paired points see the same top-ups.
One generator runs all meters' streams in arrival order: a heap of each meter's next arrival and one
scheduled event (the earliest), so the world holds one live event for the top-ups whatever the fleet.
"""
from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from heapq import heapify, heappop, heappush

from dsp import ResponseCode, ServiceRequest, ServiceUser
from harness.sim import streams as purpose
from harness.sim.simpy_adapter import Call
from harness.sim.streams import uniform_drawer
from harness.sim.traffic import Traffic
from harness.sim.world import World

DAY = 86400.0
_E5 = ResponseCode.E5


class TopUps:
    """The top-ups of a world's prepayment meters, until the horizon."""

    def __init__(
        self,
        world: World,
        meters: Sequence[tuple[str, int, ServiceUser, int]],
        per_day: float,
        horizon: float,
        traffic: Traffic | None = None,
    ) -> None:
        """`meters`: (device ID, global index, the supplier as the meter's IS or GS, SMETS version)."""
        self.world = world
        self.meters = meters
        self.mean_gap = DAY / per_day if per_day > 0 else math.inf
        self.horizon = horizon
        self.traffic = traffic
        self.uniform = uniform_drawer(world.streams.base)  # keyed by the global index: no shard offset
        self.arrivals = array("L", bytes(array("L").itemsize * len(meters)))  # top-ups so far, per meter
        self.rejected = array("L", bytes(array("L").itemsize * len(meters)))  # of them answered E5
        self.sent = 0
        self._heap: list[tuple[float, int]] = []

    def start(self) -> None:
        """Draw every meter's first arrival and schedule the earliest."""
        heap = []
        for m in range(len(self.meters)):
            due = self._gap(m)
            if due < self.horizon:
                heap.append((due, m))
        heapify(heap)
        self._heap = heap
        self._schedule()

    def _gap(self, m: int) -> float:
        """The time from meter m's latest top-up (or time 0) to its next: exponential, keyed (m, k)."""
        k = self.arrivals[m]
        return -self.mean_gap * math.log(1.0 - self.uniform(self.meters[m][1], k, purpose.TOPUP_ARRIVAL))

    def _schedule(self) -> None:
        if self._heap:
            self.world.env.at(self._heap[0][0], Call(self._due))

    def _due(self, call: Call) -> None:
        heap, now = self._heap, self.world.env.now
        while heap and heap[0][0] <= now:
            m = heappop(heap)[1]
            self._top_up(m)
            self.arrivals[m] += 1
            due = now + self._gap(m)
            if due < self.horizon:
                heappush(heap, (due, m))
        self._schedule()

    def _top_up(self, m: int) -> None:
        device_id, _, user, smets = self.meters[m]
        request = ServiceRequest("2.2", user, device_id, 1 if smets == 2 else 2)  # CV 2 for SMETS1 (R-E5-8)
        self.sent += 1
        if self.traffic is not None:
            self.traffic.count("2.2", self.world.env.now)
        if self.world.submit(request).code is _E5:
            self.rejected[m] += 1
