"""The SimPy world: service users, the DSP and the devices, joined by comms. The harness owns time.

A message in flight is a bare SimPy event with one callback (no process per message): the DSP and the
devices are called synchronously when it arrives. Simulated seconds throughout.

Scripted mode (no `comms` given) is what the Gherkin steps drive: zero latency, nothing lost unless
`lose_next` says so, no random failures. `send` submits a request and lets everything caused at that
instant settle; `advance` lets time pass (future-dated activations fire, timeouts answer E21).
"""
from __future__ import annotations

from collections.abc import Callable

from dsp import DeviceModel, DeviceType, ServiceRequest, ServiceResponse
from dsp.errors import DomainError
from harness.sim.comms import LEGS
from harness.sim.device_path import DevicePath
from harness.sim.exchange import Exchange
from harness.sim.trace import TRACE_KINDS, TraceEvent

__all__ = ["World", "Exchange", "TraceEvent", "TRACE_KINDS"]


class World(DevicePath):
    """The DSP, its devices and its users in simulated time."""

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

    def due_by(self, time: float) -> bool:
        """Whether anything is scheduled to happen at or before simulated `time` (else advancing to it
        changes nothing but the clock)."""
        return bool(self.env.peek() <= time)

    def settle(self) -> None:
        """Process every event due at `now` (zero-latency consequences included)."""
        self.env.settle()

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
        if not (self._tracing or self._keep or self._forced_loss or self.alert_listener) and self._route(None)[3].ideal:
            # nothing to trace, keep or draw: the alerts are only counted, and the SMI (a fleet held as
            # arrays, most of all) is suspended in place, without an Outcome per device
            count = self.dsp.suspend_on_removal_counted(device_type, model, firmware, self.env.now)
            if count:
                self._codes[self.dsp.settings.suspension_alert_code] += count  # R-CPL-2
        else:
            index, devices = self._index, self.devices
            for outcome in self.dsp.suspend_on_removal(device_type, model, firmware, self.env.now):
                count += 1
                device_id = outcome.changes[0].device_id
                at = index.get(device_id)
                if at is None:
                    at = self._index_of(device_id) if device_id in devices else -1  # -1: not in the world
                self._apply(outcome, None, None, at)
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
        now = self.env.now
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

    def run(self, until: float) -> None:
        """Run to `until` (simulated seconds): SimPy's event loop without its per-step overheads. Events due
        exactly at `until` are left for later, as `env.run(until=...)` does."""
        self.env.run_until(until)
