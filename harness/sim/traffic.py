"""The traffic profile: Service Requests per hour of simulated time, by SRV, as the users submit them.

The senders count (the supplier's campaign and recovery rounds, the prepayment top-ups), not the world's
message path: one counter bump per request, outside the per-message hot path. Hour h holds the requests
submitted in [h, h + 1) hours; a run of H hours has ceil(H) bins.
"""
from __future__ import annotations

import math
from array import array

HOUR = 3600.0


class Traffic:
    """Requests per hour by SRV over a run's horizon."""

    __slots__ = ("bins", "by_srv")

    def __init__(self, horizon_seconds: float) -> None:
        self.bins = max(1, math.ceil(horizon_seconds / HOUR))
        self.by_srv: dict[str, array] = {}

    def count(self, srv: str, now: float) -> None:
        """One request of `srv` submitted at `now` (seconds); past the horizon it is not counted."""
        hour = int(now // HOUR)
        if hour < self.bins:
            counts = self.by_srv.get(srv)
            if counts is None:
                counts = self.by_srv[srv] = array("L", bytes(array("L").itemsize * self.bins))
            counts[hour] += 1

    def as_dict(self) -> dict[str, list[int]]:
        """{SRV: [requests in hour 0, 1, ...]}, the SRVs in the order they were first sent."""
        return {srv: counts.tolist() for srv, counts in self.by_srv.items()}
