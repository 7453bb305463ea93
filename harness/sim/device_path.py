"""The device path: a command travels to its device, the device answers (or a future-dated activation
reports later by alert), the answer travels back to the DSP, or the response timeout answers E21."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devices import GasProxyFunction
from dsp import ActivationOutcome, ActivationResponse, DeviceCommand, DeviceType
from harness.sim import streams as purpose
from harness.sim.exchange import Exchange
from harness.sim.legs import InFlight
from harness.sim.simpy_adapter import Call
from harness.sim.trace import describe
from harness.sim.user_path import UserPath

_SUCCESS = ActivationOutcome.SUCCESS
_GSME = DeviceType.GSME


class DevicePath(UserPath):
    """Commands to devices, their answers and alerts back to the DSP, response timeouts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a flight's next step, one list for every flight (SimPy's loop reads an event's callbacks, never
        # changes the list): no list built per message
        self._then_device: list[Callable[[Any], None]] = [self._at_device]
        self._then_dsp: list[Callable[[Any], None]] = [self._at_dsp]

    def _to_device(self, command: DeviceCommand, exchange: Exchange, now: float) -> None:
        srv = command.request.srv
        device_id = command.device_id
        # the device in use, else (one of the fleet's, harness.sim.fleet) a view of its own for this flight,
        # not kept (it holds no state), that knows its index
        target = self.devices.view(device_id)
        device = self._index.get(device_id)
        if device is None:
            device = target._i  # type: ignore[attr-defined]
        numbers = self._numbers
        number = numbers[device]
        numbers[device] = number + 1
        route = self._routes.get(srv) or self._route(srv)
        flight = InFlight(command, exchange, now, device, number, route, target)
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
        flight.callbacks = self._then_device
        self.env.at(now + delay, flight)

    def _is_offline(self, device: int, now: float) -> bool:
        for w, window in enumerate(self._offline):
            if window.start <= now < window.start + window.duration and (
                self.streams.uniform(device, w, purpose.OFFLINE) < window.fraction
            ):
                return True
        return False

    def _at_device(self, flight: InFlight) -> None:
        now = self.env.now
        command = flight.command
        device_id = command.device_id
        index, number = flight.device, flight.number
        if self._offline and self._is_offline(index, now):
            self._lose(flight, "request", "offline")
            if not flight.armed:
                self._arm_timeout(flight)
            self._watch(flight.exchange, None)
            return
        device = flight.target
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
            self._note(now, "device_command", srv, device_id, request.user.user_id, None,
                       describe(message) if message is not None else {"message": "discarded"})
        if message is None:  # R-E4-3: a command the device could not authenticate: it answers nothing
            if not flight.armed:
                self._arm_timeout(flight)
            self._watch(flight.exchange, None)
            return
        if type(message) is ActivationResponse:
            if message.scheduled:  # R-FD-1: the outcome comes later, as a device alert
                due = request.execution_time
                assert due is not None  # a scheduled activation has its time
                self.env.schedule(Call(self._execute_due, (device, flight)), delay=due - now)
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
        flight.callbacks = self._then_dsp
        self.env.at(arrival, flight)

    def _fails(self, device_id: str, index: int, number: int) -> bool:
        if self._forced_failure and device_id in self._forced_failure:
            self._forced_failure.discard(device_id)
            return True
        p = self._p_fail
        return p > 0.0 and self.streams.uniform(index, number, purpose.ACTIVATION_FAILS) < p

    def _execute_due(self, call: Call) -> None:
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
            self._note(now, "device_command", srv, device.device_id, None, None, describe(alert))
        if alert.outcome is ActivationOutcome.SUCCESS and device.device_type is DeviceType.GSME:
            self._refresh_gpf(device.device_id, device.running)
        leg = flight.route[2]
        late = InFlight(flight.command, flight.exchange, now, index, number, flight.route)
        late.armed = True  # an alert has no response timeout
        if self._lost(leg, index, number, purpose.ALERT_LOSS, device.device_id, srv, "alert"):
            self._lose(late, "alert")
            return
        late.message = alert
        late.callbacks = self._then_dsp
        self.env.schedule(late, delay=self._latency(leg, index, number, purpose.ALERT_LATENCY))

    def _refresh_gpf(self, gsme_id: str, version: str) -> None:
        """R-DEV-5: the GSME reports its new version to its GPF, whose copy catches up after the lag."""
        record = self.dsp.inventory.find(gsme_id)
        gpf = self.devices.find(record.gpf) if record is not None and record.gpf else None
        if not isinstance(gpf, GasProxyFunction):
            return
        if self.gpf_refresh_lag <= 0:
            gpf.refresh(version)
        else:
            self.env.schedule(Call(lambda call: gpf.refresh(version), ()), delay=self.gpf_refresh_lag)

    def _at_dsp(self, flight: InFlight) -> None:
        now = self.env.now
        message = flight.message
        outcome = self.dsp.receive(message, now)
        if self._tracing:
            command = flight.command
            self._note(now, "device_message", command.request.srv, command.device_id, None, None, describe(message))
        self._apply(outcome, flight.exchange, flight.command.request.srv, flight.device, flight.route)

    def _arm_timeout(self, flight: InFlight) -> None:
        """R-DEV-6: no response within the timeout; the DSP answers E21 (or, configurably, nothing)."""
        flight.armed = True
        delay = max(0.0, flight.sent + self.response_timeout - self.env.now)
        self.env.schedule(Call(self._timed_out, (flight,)), delay=delay)

    def _timed_out(self, call: Call) -> None:
        flight = call.args[0]
        outcome = self.dsp.no_response(flight.command.request, self.env.now)
        self._apply(outcome, flight.exchange, flight.command.request.srv, flight.device, flight.route)
