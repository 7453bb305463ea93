"""Read a DUIS Request or Response (namespace ``sr:``) into small frozen records.

Only the fields the harness acts on are read; element names follow the DUIS XSD (v5.1 to v5.4).
Parsing checks what it reads, but is not validation: use :mod:`dsp.duis.schema` for that.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from dsp.duis.bodies import RequestBody, read_request_body
from dsp.duis.errors import DuisError
from dsp.duis.safe_xml import DEFAULT_MAX_BYTES, parse_xml
from dsp.duis.xmlread import EUI_PATTERN, SR_NS, Reader

__all__ = [
    "DuisRequest",
    "DuisResponse",
    "MessageId",
    "parse_message",
    "parse_request",
    "parse_response",
]

_MESSAGE_ID = re.compile(rf"({EUI_PATTERN}):({EUI_PATTERN}):(0|[1-9][0-9]{{0,19}})")


@dataclass(frozen=True, slots=True)
class MessageId:
    """A DUIS RequestID or ResponseID: ``originator:target:counter``.

    In a RequestID the originator is the User ID and the target the device (or DCC) ID; in a ResponseID
    the device (or DCC) is the originator and the User the target. EUI-64s are upper case.
    """

    originator: str
    target: str
    counter: int

    def __str__(self) -> str:
        return f"{self.originator}:{self.target}:{self.counter}"


@dataclass(frozen=True, slots=True)
class DuisRequest:
    """A DUIS Request: its header and the body element the harness acts on."""

    schema_version: str
    request_id: MessageId
    command_variant: int
    service_reference: str
    service_reference_variant: str
    body_kind: str  # local name of the element inside sr:Body, e.g. "ActivateFirmware"
    body: RequestBody
    first_in_sequence: bool | None = None
    preceding_request_id: MessageId | None = None

    @property
    def user_id(self) -> str:
        """The User ID that sent the request."""
        return self.request_id.originator

    @property
    def target_id(self) -> str:
        """The device (or DCC) the request is for."""
        return self.request_id.target


@dataclass(frozen=True, slots=True)
class DuisResponse:
    """A DUIS Response, device alert or DCC alert: header, body kind and the GBCS payload if any."""

    schema_version: str
    request_id: MessageId | None
    response_id: MessageId | None
    response_code: str
    response_datetime: datetime
    body_kind: str  # ResponseMessage | DeviceAlertMessage | DCCAlertMessage | SMETS1ResponseMessage
    service_reference: str | None = None
    service_reference_variant: str | None = None
    payload_kind: str | None = None  # the ResponseMessage choice (e.g. "GBCSPayload") or DCCAlert child
    gbcs_payload: bytes | None = None  # base64-decoded sr:GBCSPayload
    alert_code: str | None = None  # AlertCode / FutureDatedAlertCode (hex) or DCCAlertCode (e.g. "N29")


def parse_message(
    xml: bytes | str | ET.Element,
    *,
    source: str = "<DUIS message>",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> DuisRequest | DuisResponse:
    """Parse a DUIS Request or Response, whichever the root element is."""
    root = xml if isinstance(xml, ET.Element) else parse_xml(xml, source=source, max_bytes=max_bytes)
    if root.tag == f"{{{SR_NS}}}Request":
        return _request(root, source)
    if root.tag == f"{{{SR_NS}}}Response":
        return _response(root, source)
    raise DuisError(f"{source}: root element is {root.tag!r}, expected sr:Request or sr:Response")


def parse_request(
    xml: bytes | str | ET.Element,
    *,
    source: str = "<DUIS request>",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> DuisRequest:
    """Parse a DUIS Request; raise :class:`DuisError` saying what and where when it can't."""
    return _parse_as(DuisRequest, xml, source, max_bytes)


def parse_response(
    xml: bytes | str | ET.Element,
    *,
    source: str = "<DUIS response>",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> DuisResponse:
    """Parse a DUIS Response (or alert); raise :class:`DuisError` saying what and where when it can't."""
    return _parse_as(DuisResponse, xml, source, max_bytes)


_Message = TypeVar("_Message", DuisRequest, DuisResponse)


def _parse_as(kind: type[_Message], xml: bytes | str | ET.Element, source: str, max_bytes: int) -> _Message:
    message = parse_message(xml, source=source, max_bytes=max_bytes)
    if not isinstance(message, kind):
        wanted, got = ("Request", "Response") if kind is DuisRequest else ("Response", "Request")
        raise DuisError(f"{source}: expected a DUIS {wanted}, got a {got}")
    return message


def _request(root: ET.Element, source: str) -> DuisRequest:
    r = Reader(source)
    header = r.child(root, "Header", "sr:Request")
    where = "sr:Request/sr:Header"
    first = r.optional_text(header, "FirstInSequence", where)
    preceding = r.optional_text(header, "PrecedingServiceRequestID", where)
    body = r.child(root, "Body", "sr:Request")
    kind, parsed_body = read_request_body(r, r.only_child(body, "sr:Request/sr:Body"))
    return DuisRequest(
        schema_version=_schema_version(r, root, "sr:Request"),
        request_id=_message_id(r, r.text(header, "RequestID", where), f"{where}/sr:RequestID"),
        command_variant=r.integer(header, "CommandVariant", where),
        service_reference=r.text(header, "ServiceReference", where),
        service_reference_variant=r.text(header, "ServiceReferenceVariant", where),
        body_kind=kind,
        body=parsed_body,
        first_in_sequence=None if first is None else r.boolean(first, f"{where}/sr:FirstInSequence"),
        preceding_request_id=None
        if preceding is None
        else _message_id(r, preceding, f"{where}/sr:PrecedingServiceRequestID"),
    )


def _response(root: ET.Element, source: str) -> DuisResponse:
    r = Reader(source)
    header = r.child(root, "Header", "sr:Response")
    where = "sr:Response/sr:Header"
    request_id = r.optional_text(header, "RequestID", where)
    response_id = r.optional_text(header, "ResponseID", where)
    body = r.only_child(r.child(root, "Body", "sr:Response"), "sr:Response/sr:Body")
    kind = r.local(body)
    at = f"sr:Response/sr:Body/sr:{kind}"
    reference = variant = payload_kind = alert_code = None
    gbcs: bytes | None = None
    if kind == "ResponseMessage":
        reference = r.text(body, "ServiceReference", at)
        variant = r.text(body, "ServiceReferenceVariant", at)
        payload = next((c for c in body if r.in_sr(c) and r.local(c) not in _REFERENCE_FIELDS), None)
        if payload is not None:
            payload_kind = r.local(payload)
            gbcs, alert_code = _payload(r, payload, f"{at}/sr:{payload_kind}")
    elif kind == "SMETS1ResponseMessage":
        reference = r.optional_text(body, "ServiceReference", at)
        variant = r.optional_text(body, "ServiceReferenceVariant", at)
    elif kind == "DeviceAlertMessage":
        alert_code = r.text(body, "AlertCode", at).upper()
        gbcs = _base64(r, r.text(body, "GBCSPayload", at), f"{at}/sr:GBCSPayload")
    elif kind == "DCCAlertMessage":
        alert_code = r.text(body, "DCCAlertCode", at)
        payload_kind = r.local(r.only_child(r.child(body, "DCCAlert", at), f"{at}/sr:DCCAlert"))
    return DuisResponse(
        schema_version=_schema_version(r, root, "sr:Response"),
        request_id=None if request_id is None else _message_id(r, request_id, f"{where}/sr:RequestID"),
        response_id=None if response_id is None else _message_id(r, response_id, f"{where}/sr:ResponseID"),
        response_code=r.text(header, "ResponseCode", where),
        response_datetime=r.date_time(header, "ResponseDateTime", where),
        body_kind=kind,
        service_reference=reference,
        service_reference_variant=variant,
        payload_kind=payload_kind,
        gbcs_payload=gbcs,
        alert_code=alert_code,
    )


_REFERENCE_FIELDS = {"ServiceReference", "ServiceReferenceVariant"}


def _payload(r: Reader, payload: ET.Element, where: str) -> tuple[bytes | None, str | None]:
    """The GBCS payload and future-dated alert code inside a ResponseMessage's payload element."""
    if r.local(payload) == "GBCSPayload":
        return _base64(r, (payload.text or "").strip(), where), None
    inner = r.optional_text(payload, "GBCSPayload", where)
    alert = r.optional_text(payload, "FutureDatedAlertCode", where)
    return (
        None if inner is None else _base64(r, inner, f"{where}/sr:GBCSPayload"),
        None if alert is None else alert.upper(),
    )


def _schema_version(r: Reader, root: ET.Element, where: str) -> str:
    version = (root.get("schemaVersion") or "").strip()
    if not version:
        raise DuisError(f"{r.source}: {where}: schemaVersion attribute missing")
    return version


def _message_id(r: Reader, text: str, where: str) -> MessageId:
    match = _MESSAGE_ID.fullmatch(text)
    if not match or int(match.group(3)) >= 1 << 64:
        raise DuisError(f"{r.source}: {where}: {text[:80]!r} is not 'EUI-64:EUI-64:counter'")
    return MessageId(match.group(1).upper(), match.group(2).upper(), int(match.group(3)))


def _base64(r: Reader, text: str, where: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise DuisError(f"{r.source}: {where}: not valid base64") from None
