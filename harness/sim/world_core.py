"""The world's core: its state, its fleet, and what every message path shares (routes, draws, the trace).

`World` (harness.sim.world) is this core with its two paths: `UserPath` (responses and DCC alerts to the
users, the users' deadlines) and `DevicePath` (commands to devices, their answers, timeouts).
"""
from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any

from devices import Device
from dsp import DataServiceProvider, DccAlert, ServiceResponse
from dsp.errors import DomainError
from harness.sim.comms import LEGS, Comms
from harness.sim.fleet import Devices, FleetDevices
from harness.sim.legs import InFlight, Route, Wire
from harness.sim.simpy_adapter import FastEnvironment
from harness.sim.streams import Streams
from harness.sim.trace import TraceEvent


class WorldCore:
    """The world's state, its fleet, and the draws and records every path shares."""

    def __init__(
        self,
        dsp: DataServiceProvider,
        *,
        comms: Comms | None = None,
        seed: int = 0,
        replication: int = 0,
        trace: bool = True,
        keep_messages: bool | None = None,
        first_index: int = 0,
    ) -> None:
        self.env = FastEnvironment(initial_time=0.0)  # float seconds from the start, in every trace
        self.dsp = dsp
        self.comms = comms if comms is not None else Comms.scripted()
        self.seed, self.replication = seed, replication
        # a shard's world holds the fleet's devices from `first_index` on: draws keep the global index
        self.streams = Streams(seed, replication, first_index)
        self.devices = Devices()  # by ID (a Mapping): those added one by one, and a fleet held as arrays
        self.trace: list[TraceEvent] = []
        self.alerts: list[DccAlert] = []
        self.responses: list[ServiceResponse] = []
        self._codes: Counter[Any] = Counter()  # response codes (enums) and alert codes received by users
        self.service_requests = 0
        self.lost_messages = 0
        self.alert_listener: Callable[[DccAlert], None] | None = None
        self.response_timeout = self.comms.response_timeout  # R-DEV-6
        self.gpf_refresh_lag = self.comms.gpf_refresh_lag  # R-DEV-5
        self._tracing = trace
        self._keep = trace if keep_messages is None else keep_messages
        self._index: dict[str, int] = {}  # the devices added one by one (the fleet's: harness.sim.fleet)
        self._numbers = array("L")  # per device: how many messages it has numbered (its stream counter)
        self._routes: dict[str | None, Route] = {}  # SRV -> its four legs
        self._forced_loss: Counter[tuple[str, str, str]] = Counter()
        self._forced_failure: set[str] = set()
        self._p_fail = self.comms.activation_failure
        self._p_omit = self.comms.smets1_retry_omits_version
        self._offline = self.comms.offline

    # --- the fleet ----------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Simulated seconds."""
        return self.env.now

    @property
    def counts(self) -> Counter[str]:
        """How many of each response code and DCC alert code the users received."""
        return Counter({getattr(code, "value", code): n for code, n in self._codes.items()})

    def add_device(self, device: Device) -> None:
        """Put a device in the world (its SMI record is the DSP's business)."""
        if device.device_id in self.devices:
            raise DomainError(f"device {device.device_id} is already in the world")
        self.devices.add(device)
        self._index[device.device_id] = len(self._numbers)
        self._numbers.append(0)

    def add_fleet(self, fleet: FleetDevices) -> None:
        """Put a fleet held as arrays in the world, before any other device: its devices are the world's
        first, in index order (harness/study/world_setup.py)."""
        self.devices.attach(fleet)
        self._numbers.extend(array("L", bytes(8 * len(fleet))))

    def _index_of(self, device_id: str) -> int:
        """The world's index of a device (the key of its random streams, less the world's first index):
        the devices added one by one by look-up, the fleet's (the world's first) by their view."""
        index = self._index.get(device_id)
        if index is None:
            index = self.devices.index(device_id)
            if index < 0:
                raise DomainError(f"device {device_id} is not in the world")
        return index

    def add_devices(self, devices: Iterable[Device]) -> None:
        for device in devices:
            self.add_device(device)


    # --- what every path shares ---------------------------------------------------------------------

    def _route(self, srv: str | None) -> Route:
        """The SRV's legs (request, response, alert, delivery), compiled once."""
        route = self._routes.get(srv)
        if route is None:
            request, response, alert, delivery = (Wire(self.comms.leg(srv or "", name), self.streams) for name in LEGS)
            route = self._routes[srv] = (request, response, alert, delivery)
        return route

    def _number(self, device: int) -> int:
        numbers = self._numbers
        n = numbers[device]
        numbers[device] = n + 1
        return n

    def _lost(self, leg: Wire, device: int, number: int, what: int, device_id: str, srv: str, name: str) -> bool:
        if self._forced_loss:
            key = (device_id, srv, name)
            if self._forced_loss.get(key):
                self._forced_loss[key] -= 1
                if not self._forced_loss[key]:
                    del self._forced_loss[key]
                return True
        p = leg.loss
        return p > 0.0 and (p >= 1.0 or leg.chance(device, number, what) < p)

    def _latency(self, leg: Wire, device: int, number: int, what: int) -> float:
        fixed = leg.fixed
        if fixed is not None:
            return fixed
        return leg.draw(device, number, what)

    def _lose(self, flight: InFlight, name: str, reason: str = "lost") -> None:
        self.lost_messages += 1
        flight.exchange.lost = True
        if self._tracing:
            command = flight.command
            self._note(self.env.now, "lost", command.request.srv, command.device_id, None, None, {"leg": name, "reason": reason})


    def _note(self, time: float, kind: str, srv, device_id, user, code, details, message: Any = None) -> None:
        if isinstance(code, Enum):
            code = code.value
        self.trace.append(TraceEvent(time, kind, srv, device_id, user, code, details, message))


