"""DUIS requests as a supplier's client builds them for the endpoint tests: the RTDS templates with
another RequestID, the CV 5 that completes a CV 4 (as DCC's client writes it: its RequestID's EUI-64s in
lower case, schemaVersion 5.2), and the pre-command read back out of a Transform Service answer."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

SR = "http://www.dccinterface.co.uk/ServiceUserGateway"
_REQUEST_ID = re.compile(rb"<sr:RequestID>([^<]*)</sr:RequestID>")


def request_id_of(raw: bytes) -> str:
    match = _REQUEST_ID.search(raw)
    assert match, "no sr:RequestID"
    return match.group(1).decode()


def with_request_id(raw: bytes, request_id: str) -> bytes:
    return _REQUEST_ID.sub(f"<sr:RequestID>{request_id}</sr:RequestID>".encode(), raw, count=1)


def with_counter(raw: bytes, counter: int) -> bytes:
    originator, target, _ = request_id_of(raw).split(":")
    return with_request_id(raw, f"{originator}:{target}:{counter}")


def with_target(raw: bytes, device: str) -> bytes:
    originator, _, counter = request_id_of(raw).split(":")
    return with_request_id(raw, f"{originator}:{device}:{counter}")


def with_hash(raw: bytes, image_hash: str) -> bytes:
    return re.sub(rb"<sr:FirmwareHash>[^<]*<", f"<sr:FirmwareHash>{image_hash}<".encode(), raw)


def precommand_of(answer: bytes) -> bytes:
    """The GBCSPayload of a Transform Service answer's PreCommand."""
    text = ET.fromstring(answer).findtext(f".//{{{SR}}}PreCommand/{{{SR}}}GBCSPayload")
    assert text, "no PreCommand/GBCSPayload"
    return base64.b64decode(text)


def signed_pre_command(
    cv4: bytes, signed: bytes, *, command_variant: int = 5, as_dcc_client_writes: bool = True, srv: str | None = None
) -> bytes:
    """The Signed Pre-Command request completing ``cv4``: its RequestID and SRV, CV 5, the payload.
    As DCC's client writes it (``constructDuis``): EUI-64s lower case and schemaVersion 5.2."""
    request_id = request_id_of(cv4)
    srv = srv or re.search(rb"<sr:ServiceReferenceVariant>([^<]*)<", cv4).group(1).decode()  # type: ignore[union-attr]
    if as_dcc_client_writes:
        request_id, version = request_id.lower(), "5.2"
    else:
        version = "5.4"
    payload = base64.b64encode(signed).decode()
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><sr:Request xmlns:sr="{SR}" schemaVersion="{version}">'
        f"<sr:Header><sr:RequestID>{request_id}</sr:RequestID><sr:CommandVariant>{command_variant}</sr:CommandVariant>"
        f"<sr:ServiceReference>{'.'.join(srv.split('.')[:2])}</sr:ServiceReference>"
        f"<sr:ServiceReferenceVariant>{srv}</sr:ServiceReferenceVariant></sr:Header>"
        f"<sr:Body><sr:SignedPreCommand><sr:GBCSPayload>{payload}</sr:GBCSPayload></sr:SignedPreCommand></sr:Body>"
        "</sr:Request>"
    ).encode()
