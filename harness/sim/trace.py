"""The world's trace: one record per thing that happened, in order, for the evidence and the tests."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from dsp import ActivationAlert, ActivationResponse, FirmwareVersionRead, ImageDistributed

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


def describe(message: Any) -> dict[str, Any]:
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
