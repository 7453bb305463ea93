"""One Service Request and what came of it: what a user (a supplier, a Gherkin step) holds after sending."""
from __future__ import annotations

from collections.abc import Callable

from dsp import DccAlert, ResponseCode, ServiceRequest, ServiceResponse


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
        listener: Callable[[Exchange, ServiceResponse | None], None] | None = None,
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
