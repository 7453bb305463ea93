"""Comms: how messages travel between users, the DSP and devices (R-DEV-6).

Four legs: `request` (DSP to device), `response` (device to DSP), `alert` (device alert to DSP) and
`delivery` (DSP response or DCC alert to the user). Each (SRV, leg) has a latency distribution and a loss
probability; a share of devices can be offline for a window. Draws come from `harness.sim.streams`, so comms
hold no generator of their own. All times are simulated seconds.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

LEGS = ("request", "response", "alert", "delivery")


@dataclass(frozen=True, slots=True)
class Latency:
    """A latency distribution in seconds: `fixed`, `exponential` (mean) or `uniform` (low, high)."""

    kind: str = "fixed"
    mean: float = 0.0
    low: float = 0.0
    high: float = 0.0

    @property
    def constant(self) -> float | None:
        """The latency when it does not vary (no draw needed), else None."""
        if self.kind == "fixed":
            return self.mean
        return None

    def sample(self, u: float) -> float:
        """The latency for a uniform draw `u` in [0, 1) (inverse transform)."""
        if self.kind == "exponential":
            return -self.mean * math.log(1.0 - u)
        if self.kind == "uniform":
            return self.low + (self.high - self.low) * u
        return self.mean


ZERO = Latency()


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg of one SRV: the loss probability and the latency."""

    loss: float = 0.0
    latency: Latency = ZERO


@dataclass(frozen=True, slots=True)
class OfflineWindow:
    """A `fraction` of devices (chosen by their streams) is offline from `start` for `duration` seconds."""

    fraction: float
    start: float
    duration: float


@dataclass(frozen=True)
class Comms:
    """Latency and loss per SRV and leg, offline windows, and the device-side chances the world draws.

    `legs` maps "SRV.leg" (e.g. "11.3.response") or a bare leg ("response": every SRV) to a Leg.
    """

    legs: dict[str, Leg] = field(default_factory=dict)
    offline: tuple[OfflineWindow, ...] = ()
    response_timeout: float = 3600.0  # R-DEV-6: after this the user gets E21
    gpf_refresh_lag: float = 0.0  # R-DEV-5: the GSME's new version reaches its GPF's copy after this
    activation_failure: float = 0.0  # chance an activation fails (activationFailure)
    smets1_retry_omits_version: float = 1.0  # R-DEV-4: a SMETS1 retry response carries no version

    @classmethod
    def scripted(cls, *, response_timeout: float = 3600.0, gpf_refresh_lag: float = 0.0) -> "Comms":
        """Zero latency, nothing lost, no random failures: the Gherkin steps' world."""
        return cls(response_timeout=response_timeout, gpf_refresh_lag=gpf_refresh_lag)

    def leg(self, srv: str, leg: str) -> Leg:
        """The model of one leg for one SRV: the SRV's own entry, else the leg's default, else ideal."""
        found = self.legs.get(f"{srv}.{leg}")
        if found is None:
            found = self.legs.get(leg, Leg())
        return found

    @property
    def is_random(self) -> bool:
        """True when any draw is needed at all (a scripted world needs none)."""
        return (
            any(l.loss > 0 or l.latency.constant is None for l in self.legs.values())
            or bool(self.offline)
            or self.activation_failure > 0
            or 0 < self.smets1_retry_omits_version < 1
        )
