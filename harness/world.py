"""The SimPy world: service users, the DSP and the devices, joined by comms. The harness owns time.

A message in flight is a plain SimPy event with one callback (no process per message): the DSP and the
devices are called synchronously when it arrives. Simulated seconds throughout.

Scripted mode (no `comms` given) is what the Gherkin steps drive: zero latency, nothing lost unless
`lose_next` says so, no random failures. `send` submits a request and lets everything caused at that
instant settle; `advance` lets time pass (future-dated activations fire, timeouts answer E21).
"""
from __future__ import annotations

from array import array
from heapq import heappop, heappush
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import simpy
from simpy.events import NORMAL

from devices import Device
from dsp import (
    ActivationAlert,
    ActivationOutcome,
    ActivationResponse,
    DataServiceProvider,
    DccAlert,
    DeviceCommand,
    DeviceModel,
    DeviceType,
    FirmwareVersionRead,
    ImageDistributed,
    Outcome,
    ResponseCode,
    ServiceRequest,
    ServiceResponse,
)
from dsp.errors import DomainError
from harness import streams as purpose
from harness.comms import LEGS, Comms, Leg
from harness.streams import Streams, latency_drawer, uniform_drawer

_SUCCESS = ActivationOutcome.SUCCESS
_GSME = DeviceType.GSME
# request: a user's SR reaches the DSP (code: the synchronous answer); device_command: a device executes a
# command, the details being what it answers (recorded even when that answer is then lost, which is how a
# trace shows a device running new firmware the DSP never heard of); device_message: the answer reaches the
# DSP; response: a Service Response reaches its user; dcc_alert: a DCC alert reaches its recipient;
# smi_change: the DSP changed the SMI (details name the rule); lost: a message lost on the leg named.
TRACE_KINDS = ("request", "response", "device_command", "device_message", "dcc_alert", "smi_change", "lost")


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """One thing that happened, in order: a request, a response, a message to or from a device, ..."""

    time: float
    kind: str
    srv: str | None
    device_id: str | None
    user: str | None
    code: str | None
    details: dict[str, Any] = field(default_factory=dict)
    # the request, response or DCC alert itself, so a report can render its DUIS XML; not in to_dict()
    message: Any = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values."""
        return {
            "time": self.time,
            "kind": self.kind,
            "srv": self.srv,
            "device_id": self.device_id,
            "user": self.user,
            "code": self.code,
            "details": {k: _plain(v) for k, v in self.details.items()},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class Exchange:
    """One Service Request and what came of it, filled in as simulated time passes.

    `code` is the synchronous answer (an E-code, I99 acknowledgement, or I0 for a Non-Device SR answered
    at once); `responses` every Service Response the user received so far, the synchronous one first,
    then the device's I0 (body: the device message) or E21; `alerts` the DCC alerts it caused; `lost`
    whether any of its messages was lost on the way.
    """

    __slots__ = ("request", "code", "response", "responses", "alerts", "lost", "listener", "sent", "deadline", "watched", "answered")

    def __init__(
        self,
        request: ServiceRequest,
        response: ServiceResponse | None,
        listener=None,
        sent: float = 0.0,
        deadline: float | None = None,
    ) -> None:
        self.request = request
        self.sent = sent
        self.deadline = deadline  # the user gives up waiting for an I0 at sent + deadline
        self.watched = False  # the user's deadline is scheduled
        self.answered = False  # an I0 carrying the device's answer has reached the user
        self.response = response
        self.code: ResponseCode | None = response.code if response is not None else None
        self.responses: list[ServiceResponse] = []
        self.alerts: list[DccAlert] = []
        self.lost = False
        self.listener: Callable[[Exchange, ServiceResponse | None], None] | None = listener

    @property
    def final(self) -> ServiceResponse | None:
        """The latest response received (I0 or E21 once the device's answer or the timeout came)."""
        return self.responses[-1] if self.responses else None

    def __repr__(self) -> str:
        codes = ",".join(r.code.value for r in self.responses)
        return f"Exchange({self.request.srv} {self.request.target} {codes}{' lost' if self.lost else ''})"


class _InFlight:
    """A message in flight: a bare SimPy event (SimPy needs only `callbacks` and `_ok`)."""

    __slots__ = ("callbacks", "command", "exchange", "sent", "device", "number", "route", "message", "armed")
    _ok = True

    def __init__(
        self,
        command: DeviceCommand | None,
        exchange: Exchange | None,
        sent: float,
        device: int,
        number: int,
        route: tuple[_Wire, _Wire, _Wire, _Wire],
    ):
        self.command = command
        self.route = route  # its SRV's four legs
        self.exchange = exchange
        self.sent = sent
        self.device = device
        self.number = number
        self.message: Any = None
        self.armed = False  # a response timeout is scheduled for it


class _Call:
    """A callback at a simulated time, as a bare SimPy event."""

    __slots__ = ("callbacks", "args")
    _ok = True

    def __init__(self, fn: Callable, args: tuple) -> None:
        self.callbacks = [fn]
        self.args = args


class _Wire:
    """One leg of one SRV compiled for the hot path: loss, fixed latency (None: drawn), samplers."""

    __slots__ = ("loss", "fixed", "draw", "chance", "ideal")

    def __init__(self, leg: Leg, streams: Streams) -> None:
        self.loss = leg.loss
        self.fixed = leg.latency.constant
        lat = leg.latency
        self.draw = latency_drawer(streams.base, lat.kind, lat.mean, lat.low, lat.high, streams.offset)  # (device, message, purpose)
        self.chance = uniform_drawer(streams.base, streams.offset)  # the uniform draw a loss is decided by
        self.ideal = self.loss == 0.0 and self.fixed == 0.0  # nothing to draw, nothing to wait for


class World:
    """The DSP, its devices and its users in simulated time."""

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
        self.env = simpy.Environment(initial_time=0.0)  # float seconds from the start, in every trace
        self.dsp = dsp
        self.comms = comms if comms is not None else Comms.scripted()
        self.seed, self.replication = seed, replication
        # a shard's world holds the fleet's devices from `first_index` on: draws keep the global index
        self.streams = Streams(seed, replication, first_index)
        self.devices: dict[str, Device] = {}
        self.trace: list[TraceEvent] = []
        self.alerts: list[DccAlert] = []
        self.responses: list[ServiceResponse] = []
        self._codes: Counter = Counter()  # response codes (enums) and alert codes received by users
        self.service_requests = 0
        self.lost_messages = 0
        self.alert_listener: Callable[[DccAlert], None] | None = None
        self.response_timeout = self.comms.response_timeout  # R-DEV-6
        self.gpf_refresh_lag = self.comms.gpf_refresh_lag  # R-DEV-5
        self._tracing = trace
        self._keep = trace if keep_messages is None else keep_messages
        self._index: dict[str, int] = {}
        self._numbers = array("L")  # per device: how many messages it has numbered (its stream counter)
        self._routes: dict[str | None, tuple[_Wire, _Wire, _Wire, _Wire]] = {}  # SRV -> its four legs
        self._forced_loss: Counter[tuple[str, str, str]] = Counter()
        self._forced_failure: set[str] = set()
        self._p_fail = self.comms.activation_failure
        self._p_omit = self.comms.smets1_retry_omits_version
        self._offline = self.comms.offline
        self._schedule = self.env.schedule
        self._queue = self.env._queue  # the hot path pushes straight onto SimPy's queue
        self._eid = self.env._eid

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
        self.devices[device.device_id] = device
        self._index[device.device_id] = len(self._numbers)
        self._numbers.append(0)

    def add_devices(self, devices: Iterable[Device]) -> None:
        for device in devices:
            self.add_device(device)

    # --- driving it (the scripted API) --------------------------------------------------------------

    def send(self, request: ServiceRequest) -> Exchange:
        """Submit at `now`, then let everything caused at this instant settle."""
        exchange = self.submit(request)
        self.settle()
        return exchange

    def advance(self, seconds: float) -> None:
        """Let `seconds` of simulated time pass, then settle what happens at the new instant."""
        if seconds < 0:
            raise DomainError(f"time cannot go back: advance({seconds})")
        if seconds > 0:
            self.env.run(until=self.env.now + seconds)
        self.settle()

    def settle(self) -> None:
        """Process every event due at `now` (zero-latency consequences included)."""
        env, queue = self.env, self.env._queue
        while queue and queue[0][0] <= env.now:
            env.step()

    def lose_next(self, device_id: str, srv: str, leg: str = "response") -> None:
        """The next message for this device and SRV on this leg is lost (request, response, alert, delivery)."""
        if leg not in LEGS:
            raise DomainError(f"unknown leg {leg!r}: expected one of {', '.join(LEGS)}")
        self._forced_loss[(device_id, srv, leg)] += 1

    def fail_next_activation(self, device_id: str) -> None:
        """The device's next activation fails (activationFailure)."""
        self._forced_failure.add(device_id)

    def remove_from_cpl(self, device_type: DeviceType, model: DeviceModel, firmware: str) -> int:
        """Set a CPL entry Removed at `now`: the devices on it are suspended and the alerts delivered
        (R-CPL-1, R-CPL-2). Returns how many devices were suspended."""
        count = 0
        index = self._index
        for outcome in self.dsp.suspend_on_removal(device_type, model, firmware, self.env.now):
            count += 1
            self._apply(outcome, None, None, index.get(outcome.changes[0].device_id, -1))  # -1: not in the world
        self.settle()
        return count

    # --- the message path ---------------------------------------------------------------------------

    def submit(
        self,
        request: ServiceRequest,
        listener: Callable[[Exchange, ServiceResponse | None], None] | None = None,
        deadline: float | None = None,
    ) -> Exchange:
        """A user submits a request at `now`; `listener` hears every later response to it, and hears
        None at `now + deadline` if no I0 has reached the user by then (the user's own timer)."""
        now = self.env._now
        outcome = self.dsp.submit(request, now)
        self.service_requests += 1
        responses = outcome.responses
        sync = responses[0] if responses else None
        exchange = Exchange(request, sync, listener, now, deadline)
        if sync is not None:
            self._codes[sync.code] += 1
            if self._keep:
                exchange.responses.append(sync)
                self.responses.append(sync)
        if self._tracing:
            target = request.device_list[0] if len(request.device_list) == 1 else request.target
            self._note(now, "request", request.srv, target, request.user.user_id, exchange.code,
                       {"request_id": request.request_id}, request)
        for command in outcome.commands:
            self._to_device(command, exchange, now)
        return exchange

    def _route(self, srv: str | None) -> tuple[_Wire, _Wire, _Wire, _Wire]:
        """The SRV's legs (request, response, alert, delivery), compiled once."""
        route = self._routes.get(srv)
        if route is None:
            route = self._routes[srv] = tuple(_Wire(self.comms.leg(srv or "", name), self.streams) for name in LEGS)  # type: ignore[assignment]
        return route

    def run(self, until: float) -> None:
        """Run to `until` (simulated seconds): SimPy's own event loop, without its per-step overheads.

        Events due exactly at `until` are left for later, as `env.run(until=...)` does."""
        env = self.env
        queue = env._queue
        pop = heappop
        while queue and queue[0][0] < until:
            env._now, _, _, event = pop(queue)
            callbacks, event.callbacks = event.callbacks, None
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                raise event._value
        env._now = max(env._now, until)

    def _number(self, device: int) -> int:
        numbers = self._numbers
        n = numbers[device]
        numbers[device] = n + 1
        return n

    def _lost(self, leg: _Wire, device: int, number: int, what: int, device_id: str, srv: str, name: str) -> bool:
        if self._forced_loss:
            key = (device_id, srv, name)
            if self._forced_loss.get(key):
                self._forced_loss[key] -= 1
                if not self._forced_loss[key]:
                    del self._forced_loss[key]
                return True
        p = leg.loss
        return p > 0.0 and (p >= 1.0 or leg.chance(device, number, what) < p)

    def _latency(self, leg: _Wire, device: int, number: int, what: int) -> float:
        fixed = leg.fixed
        if fixed is not None:
            return fixed
        return leg.draw(device, number, what)

    def _lose(self, flight: _InFlight, name: str, reason: str = "lost") -> None:
        self.lost_messages += 1
        exchange = flight.exchange
        if exchange is not None:
            exchange.lost = True
        if self._tracing:
            command = flight.command
            self._note(self.env.now, "lost", command.request.srv, command.device_id, None, None, {"leg": name, "reason": reason})

    def _to_device(self, command: DeviceCommand, exchange: Exchange, now: float) -> None:
        srv = command.request.srv
        device_id = command.device_id
        device = self._index[device_id]
        numbers = self._numbers
        number = numbers[device]
        numbers[device] = number + 1
        route = self._routes.get(srv) or self._route(srv)
        flight = _InFlight(command, exchange, now, device, number, route)
        leg = route[0]
        if (self._forced_loss or leg.loss > 0.0) and self._lost(leg, device, number, purpose.REQUEST_LOSS, device_id, srv, "request"):
            self._lose(flight, "request")
            self._arm_timeout(flight)
            self._watch(exchange, None)
            return
        delay = leg.fixed
        if delay is None:
            delay = leg.draw(device, number, purpose.REQUEST_LATENCY)
        if delay > self.response_timeout:
            self._arm_timeout(flight)
        if exchange.deadline is not None and now + delay > exchange.sent + exchange.deadline:
            self._watch(exchange, now + delay)
        flight.callbacks = [self._at_device]
        heappush(self._queue, (now + delay, NORMAL, next(self._eid), flight))

    def _is_offline(self, device: int, now: float) -> bool:
        for w, window in enumerate(self._offline):
            if window.start <= now < window.start + window.duration and (
                self.streams.uniform(device, w, purpose.OFFLINE) < window.fraction
            ):
                return True
        return False

    def _at_device(self, flight: _InFlight) -> None:
        now = self.env._now
        command = flight.command
        device_id = command.device_id
        index, number = flight.device, flight.number
        if self._offline and self._is_offline(index, now):
            self._lose(flight, "request", "offline")
            if not flight.armed:
                self._arm_timeout(flight)
            self._watch(flight.exchange, None)
            return
        device = self.devices[device_id]
        request = command.request
        srv = request.srv
        # only an activation happening now draws (or takes the forced) failure: not an 11.1 or 11.2, not a
        # future-dated 11.3 being accepted (its activation draws when it runs, in _execute_due)
        fails = (
            (self._forced_failure or self._p_fail > 0.0)
            and srv == "11.3"
            and not request.cancels
            and (request.execution_time is None or request.execution_time <= now)
            and self._fails(device_id, index, number)
        )
        p_omit = self._p_omit
        omits = p_omit >= 1.0 or (p_omit > 0.0 and self.streams.uniform(index, number, purpose.OMITS_VERSION) < p_omit)
        message = device.handle(command, now, activation_fails=fails, retry_omits_version=omits)
        if self._tracing:
            self._note(now, "device_command", srv, device_id, request.user.user_id, None, _describe(message))
        if type(message) is ActivationResponse:
            if message.scheduled:  # R-FD-1: the outcome comes later, as a device alert
                self._schedule(_Call(self._execute_due, (device, flight)), NORMAL, request.execution_time - now)
            elif message.outcome is _SUCCESS and device.device_type is _GSME:
                self._refresh_gpf(device_id, device.running)
        leg = flight.route[1]
        exchange = flight.exchange
        if (self._forced_loss or leg.loss > 0.0) and self._lost(leg, index, number, purpose.RESPONSE_LOSS, device_id, srv, "response"):
            self._lose(flight, "response")
            if not flight.armed:
                self._arm_timeout(flight)
            self._watch(exchange, None)
            return
        delay = leg.fixed
        if delay is None:
            delay = leg.draw(index, number, purpose.RESPONSE_LATENCY)
        arrival = now + delay
        if not flight.armed and arrival - flight.sent > self.response_timeout:
            self._arm_timeout(flight)
        if exchange.deadline is not None and arrival > exchange.sent + exchange.deadline:
            self._watch(exchange, arrival)
        flight.message = message
        flight.callbacks = [self._at_dsp]
        heappush(self._queue, (arrival, NORMAL, next(self._eid), flight))

    def _fails(self, device_id: str, index: int, number: int) -> bool:
        if self._forced_failure and device_id in self._forced_failure:
            self._forced_failure.discard(device_id)
            return True
        p = self._p_fail
        return p > 0.0 and self.streams.uniform(index, number, purpose.ACTIVATION_FAILS) < p

    def _execute_due(self, call: _Call) -> None:
        """A future-dated activation's time has come: the device reports by alert (R-FD-1)."""
        device, flight = call.args
        now = self.env.now
        index = flight.device
        number = self._number(index)
        alert = device.execute_due(now, activation_fails=self._fails(device.device_id, index, number))
        if alert is None:
            return
        srv = flight.command.request.srv
        if self._tracing:
            self._note(now, "device_command", srv, device.device_id, None, None, _describe(alert))
        if alert.outcome is ActivationOutcome.SUCCESS and device.device_type is DeviceType.GSME:
            self._refresh_gpf(device.device_id, device.running)
        leg = flight.route[2]
        late = _InFlight(flight.command, flight.exchange, now, index, number, flight.route)
        late.armed = True  # an alert has no response timeout
        if self._lost(leg, index, number, purpose.ALERT_LOSS, device.device_id, srv, "alert"):
            self._lose(late, "alert")
            return
        late.message = alert
        late.callbacks = [self._at_dsp]
        self._schedule(late, NORMAL, self._latency(leg, index, number, purpose.ALERT_LATENCY))

    def _refresh_gpf(self, gsme_id: str, version: str) -> None:
        """R-DEV-5: the GSME reports its new version to its GPF, whose copy catches up after the lag."""
        record = self.dsp.inventory.find(gsme_id)
        gpf = self.devices.get(record.gpf) if record is not None and record.gpf else None
        if gpf is None:
            return
        if self.gpf_refresh_lag <= 0:
            gpf.refresh(version)
        else:
            self._schedule(_Call(lambda call: gpf.refresh(version), ()), NORMAL, self.gpf_refresh_lag)

    def _at_dsp(self, flight: _InFlight) -> None:
        now = self.env._now
        message = flight.message
        outcome = self.dsp.receive(message, now)
        if self._tracing:
            command = flight.command
            self._note(now, "device_message", command.request.srv, command.device_id, None, None, _describe(message))
        self._apply(outcome, flight.exchange, flight.command.request.srv, flight.device, flight.route)

    def _arm_timeout(self, flight: _InFlight) -> None:
        """R-DEV-6: no response within the timeout; the DSP answers E21 (or, configurably, nothing)."""
        flight.armed = True
        delay = max(0.0, flight.sent + self.response_timeout - self.env._now)
        self._schedule(_Call(self._timed_out, (flight,)), NORMAL, delay)

    def _watch(self, exchange: Exchange | None, arrival: float | None) -> None:
        """Schedule the user's deadline when the answer will not reach the user in time (`arrival` None:
        never). An answer that arrives in time makes the deadline a no-op, so it is not scheduled at all:
        the same results as a timer per request, for a fraction of the events."""
        if exchange is None or exchange.deadline is None or exchange.watched:
            return
        due = exchange.sent + exchange.deadline
        if arrival is not None and arrival <= due:
            return
        exchange.watched = True
        self._schedule(_Call(self._deadline_passed, (exchange,)), NORMAL, max(0.0, due - self.env._now))

    def _deadline_passed(self, call: _Call) -> None:
        exchange = call.args[0]
        if not exchange.answered and exchange.listener is not None:
            exchange.listener(exchange, None)

    def _timed_out(self, call: _Call) -> None:
        flight = call.args[0]
        outcome = self.dsp.no_response(flight.command.request, self.env._now)
        self._apply(outcome, flight.exchange, flight.command.request.srv, flight.device, flight.route)

    def _apply(
        self, outcome: Outcome, exchange: Exchange | None, srv: str | None, device: int, route: tuple | None = None
    ) -> None:
        """Carry what the DSP did to the users: SMI changes traced, responses and alerts delivered.
        `route`: the SRV's legs, when the caller has them at hand."""
        if self._tracing:
            now = self.env._now
            for change in outcome.changes:
                self._note(now, "smi_change", srv, change.device_id, None, None,
                           {"field": change.field, "old": change.old, "new": change.new, "rule": change.rule})
        if route is None:
            route = self._routes.get(srv) or self._route(srv)
        direct = route[3].ideal and not self._forced_loss
        for response in outcome.responses:
            if direct:
                self._receive(response, exchange)
            else:
                self._deliver(response, exchange, srv, device)
        for alert in outcome.alerts:
            if exchange is not None and self._keep:
                exchange.alerts.append(alert)
            if direct:
                self._receive_alert(alert)
            else:
                self._deliver_alert(alert, srv, device)

    def _deliver(self, response: ServiceResponse, exchange: Exchange | None, srv: str | None, device: int) -> None:
        leg = (self._routes.get(srv) or self._route(srv))[3]
        if not leg.ideal or self._forced_loss:
            number = self._number(device) if device >= 0 else 0
            device_id = response.request.target if device < 0 else _id_of(response)
            if self._lost(leg, device, number, purpose.DELIVERY_LOSS, device_id, srv or "", "delivery"):
                self.lost_messages += 1
                if exchange is not None:
                    exchange.lost = True
                    self._watch(exchange, None)
                if self._tracing:
                    self._note(self.env.now, "lost", srv, device_id, response.request.user.user_id, response.code.value, {"leg": "delivery"})
                return
            delay = self._latency(leg, device, number, purpose.DELIVERY_LATENCY)
            if exchange is not None and exchange.deadline is not None:
                self._watch(exchange, self.env.now + delay)
            if delay > 0.0:
                self._schedule(_Call(self._received, (response, exchange)), NORMAL, delay)
                return
        self._receive(response, exchange)

    def _received(self, call: _Call) -> None:
        self._receive(*call.args)

    def _receive(self, response: ServiceResponse, exchange: Exchange | None) -> None:
        """The user has the response."""
        self._codes[response.code] += 1
        if self._keep:
            self.responses.append(response)
            if exchange is not None:
                exchange.responses.append(response)
        if self._tracing:
            request = response.request
            body = response.body
            self._note(self.env.now, "response", request.srv, _id_of(response), request.user.user_id, response.code.value,
                       _describe(body) if body is not None and hasattr(body, "command") else {}, response)
        if exchange is not None:
            if response.body is not None:
                exchange.answered = True
            if exchange.listener is not None:
                exchange.listener(exchange, response)

    def _deliver_alert(self, alert: DccAlert, srv: str | None, device: int) -> None:
        leg = (self._routes.get(srv) or self._route(srv))[3]
        if not leg.ideal or self._forced_loss:
            number = self._number(device) if device >= 0 else 0
            if self._lost(leg, device, number, purpose.ALERT_DELIVERY_LOSS, alert.device_id, srv or "", "delivery"):
                self.lost_messages += 1
                if self._tracing:
                    self._note(self.env.now, "lost", srv, alert.device_id, alert.recipient, alert.code, {"leg": "delivery"})
                return
            delay = self._latency(leg, device, number, purpose.ALERT_DELIVERY_LATENCY)
            if delay > 0.0:
                self._schedule(_Call(self._alert_received, (alert,)), NORMAL, delay)
                return
        self._receive_alert(alert)

    def _alert_received(self, call: _Call) -> None:
        self._receive_alert(call.args[0])

    def _receive_alert(self, alert: DccAlert) -> None:
        self._codes[alert.code] += 1
        if self._keep:
            self.alerts.append(alert)
        if self._tracing:
            self._note(self.env.now, "dcc_alert", None, alert.device_id, alert.recipient, alert.code,
                       {"recipient_role": alert.recipient_role, "rule": alert.rule}, alert)
        if self.alert_listener is not None:
            self.alert_listener(alert)

    def _note(self, time: float, kind: str, srv, device_id, user, code, details, message: Any = None) -> None:
        if isinstance(code, Enum):
            code = code.value
        self.trace.append(TraceEvent(time, kind, srv, device_id, user, code, details, message))


def _id_of(response: ServiceResponse) -> str | None:
    body = response.body
    command = getattr(body, "command", None)
    if command is not None:
        return command.device_id
    request = response.request
    return request.device_list[0] if len(request.device_list) == 1 else request.target


def _describe(message: Any) -> dict[str, Any]:
    """A device message as plain details for the trace."""
    kind = type(message)
    details: dict[str, Any] = {"message": kind.__name__}
    if kind is FirmwareVersionRead:
        details["version"] = message.version
    elif kind is ActivationResponse:
        details.update(outcome=message.outcome.duis_name, version=message.version, scheduled=message.scheduled)
    elif kind is ActivationAlert:
        details.update(alert_code=f"0x{message.alert_code:04X}", outcome=message.outcome.duis_name, version=message.version)
    elif kind is ImageDistributed:
        details["held"] = message.held
    return details
