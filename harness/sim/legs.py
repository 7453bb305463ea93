"""A message on its way and the legs it travels: the world's hot-path records.

Each SRV's four legs (request, response, alert, delivery; `harness.sim.comms.LEGS`) are compiled once into
`Wire`s: the loss probability, a fixed latency or a sampler, and the uniform draw a loss is decided by.
"""
from __future__ import annotations

from typing import Any

from dsp import DeviceCommand
from harness.sim.comms import Leg
from harness.sim.exchange import Exchange
from harness.sim.simpy_adapter import BareEvent
from harness.sim.streams import Streams, latency_drawer, uniform_drawer


class InFlight(BareEvent):
    """A message in flight: a bare SimPy event carrying the command, its exchange and where it is."""

    __slots__ = ("command", "exchange", "sent", "device", "number", "route", "message", "armed", "target")

    def __init__(
        self,
        command: DeviceCommand,
        exchange: Exchange,
        sent: float,
        device: int,
        number: int,
        route: Route,
        target: Any = None,
    ):
        self.command = command
        self.target = target  # the device it goes to (a command's flight), looked up once when sent
        self.route = route  # its SRV's four legs
        self.exchange = exchange
        self.sent = sent
        self.device = device
        self.number = number
        self.message: Any = None
        self.armed = False  # a response timeout is scheduled for it


class Wire:
    """One leg of one SRV compiled for the hot path: loss, fixed latency (None: drawn), samplers."""

    __slots__ = ("loss", "fixed", "draw", "chance", "ideal")

    def __init__(self, leg: Leg, streams: Streams) -> None:
        self.loss = leg.loss
        self.fixed = leg.latency.constant
        lat = leg.latency
        self.draw = latency_drawer(streams.base, lat.kind, lat.mean, lat.low, lat.high, streams.offset)  # (device, message, purpose)
        self.chance = uniform_drawer(streams.base, streams.offset)  # the uniform draw a loss is decided by
        self.ideal = self.loss == 0.0 and self.fixed == 0.0  # nothing to draw, nothing to wait for


Route = tuple[Wire, Wire, Wire, Wire]  # an SRV's legs: request, response, alert, delivery
