"""The synchronous answers of the DUIS endpoint, before they are signed: a DUIS Response element with
its code, and the one line (``X-SM-Harness-Reason``) saying why when it is a refusal."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from dsp import ResponseCode, ServiceRequest, ServiceResponse, ServiceUser
from dsp.duis.codec import DuisCodec
from dsp.duis.envelope import DuisRequest
from dsp.duis.request_mapping import RoleResolver
from dsp.errors import DomainError
from dsp.identifiers import eui64

__all__ = ["Answer", "bare_request", "refusal"]


@dataclass(frozen=True)
class Answer:
    """A DUIS Response to send at once, its response code, and why (for a refusal)."""

    root: ET.Element
    code: str
    reason: str = ""


def bare_request(parsed: DuisRequest, roles: RoleResolver) -> ServiceRequest:
    """Enough of a request to answer it before its body is mapped: SRV, sender, target, Command
    Variant and RequestID (EUI-64s as parsed when they are not valid EUI-64s)."""
    try:
        user, target = eui64(parsed.user_id), eui64(parsed.target_id)
    except DomainError:
        user, target = parsed.user_id, parsed.target_id
    return ServiceRequest(
        parsed.service_reference_variant, ServiceUser(user, roles(parsed)), target, parsed.command_variant,
        str(parsed.request_id),
    )


def refusal(
    codec: DuisCodec, parsed: DuisRequest, roles: RoleResolver, code: ResponseCode, now: float, reason: str
) -> Answer:
    """The DUIS Response refusing ``parsed`` with ``code``."""
    return Answer(codec.renderer.response(ServiceResponse(bare_request(parsed, roles), code, now)), code.value, reason)
