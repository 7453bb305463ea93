"""Where a DUIS request belongs, as the DCC checks it before authorisation: the URL of its Command
Variant (E13) and the Command Variant of its Service Request (E12).

The Command Variants and their web services (the ``CommandVariant`` table of the DUIS XSD: request web
service SC, DO or T; DCC's client library ``@smartdcc/duis-parser`` maps them to the same paths):

| Path | Web service | Command Variants |
|---|---|---|
| ``/api/v1/serviceS`` | Send Command | 1, 3, 5, 7 |
| ``/api/v1/serviceD`` | DCC Only (Non-Device) | 2, 6, 8 |
| ``/api/v1/serviceT`` | Transform | 4 |

- E13 "Invalid Request Type for URL": a request at a path its Command Variant does not belong to
  (the DUIS example: a Non-Device Service Request sent to the Transform URL).
- E12 "Invalid Request / Command Variant combination": a Command Variant the Service Request does not
  take (a Critical SR sent with CV 1 needs the User's signature: CV 4 then 5; a Non-Critical SR sent to
  be transformed; a Device SR as CV 8), or a body that does not fit it (a Signed Pre-Command sent with
  another CV, a CV 5, 6 or 7 without one).
"""
from __future__ import annotations

from dsp.catalogue import SIGNED_PRE_COMMANDS, ServiceRequestDefinition

__all__ = ["PATH_VARIANTS", "SIGNED_PRE_COMMAND_BODY", "home_of", "misfit", "misrouted"]

PATH_VARIANTS: dict[str, frozenset[int]] = {
    "serviceS": frozenset((1, 3, 5, 7)),
    "serviceD": frozenset((2, 6, 8)),
    "serviceT": frozenset((4,)),
}
SIGNED_PRE_COMMAND_BODY = "SignedPreCommand"


def home_of(command_variant: int) -> str | None:
    """The path a Command Variant is sent to; None for a number that is no Command Variant."""
    return next((path for path, variants in PATH_VARIANTS.items() if command_variant in variants), None)


def misrouted(path: str, command_variant: int) -> str | None:
    """Why a request with this Command Variant does not belong at ``/api/v1/{path}`` (E13), or None."""
    home = home_of(command_variant)
    if home is None or home == path:
        return None
    return f"CommandVariant {command_variant} is not served at /api/v1/{path}: it belongs at /api/v1/{home}"


def misfit(row: ServiceRequestDefinition, command_variant: int, body_kind: str) -> str | None:
    """Why the Command Variant does not fit the Service Request or its body (E12), or None."""
    if command_variant not in row.command_variants:
        kind = "a Non-Device" if row.non_device else ("a Critical" if row.critical else "a Non-Critical")
        return (
            f"CommandVariant {command_variant} is not applicable to SR {row.srv}, {kind} Service Request: "
            f"it takes {', '.join(map(str, sorted(row.command_variants)))}"
        )
    signed = command_variant in SIGNED_PRE_COMMANDS
    if signed and body_kind != SIGNED_PRE_COMMAND_BODY:
        return f"CommandVariant {command_variant} carries a Signed Pre-Command, not sr:{body_kind}"
    if not signed and body_kind == SIGNED_PRE_COMMAND_BODY:
        return f"a Signed Pre-Command is sent with CommandVariant 5, 6 or 7, not {command_variant}"
    return None
