"""The user path: what the DSP does reaches the users (responses, DCC alerts), over the delivery leg, and
the users' own deadlines (a supplier that waits no longer for an answer)."""
from __future__ import annotations

from dsp import DccAlert, Outcome, ServiceResponse
from harness.sim import streams as purpose
from harness.sim.exchange import Exchange
from harness.sim.legs import Route
from harness.sim.simpy_adapter import Call
from harness.sim.trace import describe
from harness.sim.world_core import WorldCore


class UserPath(WorldCore):
    """Delivering the DSP's responses and DCC alerts to the users, and the users' deadlines."""

    def _apply(
        self, outcome: Outcome, exchange: Exchange | None, srv: str | None, device: int, route: Route | None = None
    ) -> None:
        """Carry what the DSP did to the users: SMI changes traced, responses and alerts delivered.
        `route`: the SRV's legs, when the caller has them at hand."""
        if self._tracing:
            now = self.env.now
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
            if self._lost(leg, device, number, purpose.DELIVERY_LOSS, device_id or "", srv or "", "delivery"):
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
                self.env.schedule(Call(self._received, (response, exchange)), delay=delay)
                return
        self._receive(response, exchange)

    def _received(self, call: Call) -> None:
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
                       describe(body) if body is not None and hasattr(body, "command") else {}, response)
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
                self.env.schedule(Call(self._alert_received, (alert,)), delay=delay)
                return
        self._receive_alert(alert)

    def _alert_received(self, call: Call) -> None:
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
        self.env.schedule(Call(self._deadline_passed, (exchange,)), delay=max(0.0, due - self.env.now))

    def _deadline_passed(self, call: Call) -> None:
        exchange = call.args[0]
        if not exchange.answered and exchange.listener is not None:
            exchange.listener(exchange, None)


def _id_of(response: ServiceResponse) -> str | None:
    body = response.body
    command = getattr(body, "command", None)
    if command is not None:
        return command.device_id
    request = response.request
    return request.device_list[0] if len(request.device_list) == 1 else request.target
