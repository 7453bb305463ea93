"""Render the DSP's messages as DUIS 5.4 XML: Service Requests (for the trace), Service Responses and
DCC Alerts. Every element is built with ElementTree, so no value is ever pasted into markup.

What each message becomes (element names from the DUIS and MMC 5.4 XSDs):

| DSP message | DUIS |
|---|---|
| acknowledgement I99, E-codes, E21, 11.1 / 6.23 / 2.2 device answers, 12.1 | ``ResponseMessage`` with ServiceReference(Variant) only |
| 8.2 answer (inventory rows) | ``ResponseMessage/DSPInventory`` (at most 17 ``Device``, as the XSD allows) |
| 11.2 response, SMETS2 | ``ResponseMessage/GBCSPayload``: ECS52 (ESME, CHF), GCS38 (GSME, GPF), CS08 (PPMID, HCALCS) |
| 11.3 response, SMETS2 | ``ResponseMessage/GBCSPayload``: CS06 (NULL when a future-dated 11.3 was accepted) |
| 11.2 / 11.3 response, SMETS1, or an 11.3 response that carries no version (R-113-3) | ``SMETS1ResponseMessage`` with the MMC ``ReadFirmwareVersionRsp`` / ``ActivateFirmwareRsp`` |
| a Command for Local Delivery (CV 2, 3, 6, 7; R-E17-4) | ``ResponseMessage/LocalCommand/GBCSPayload`` (11.2, 11.3: :mod:`dsp.duis.gbcs_commands`) |
| activation alert 0x8F66 / 0x8F67 (R-FD-1) | ``ResponseMessage/FutureDatedDeviceAlertMessage`` with a CS06 0x00CA payload |
| DCC alert (N29, N28 ..., N50, N51, N52) | ``DCCAlertMessage``: ``DeviceStatusChangeEvent`` (DeviceRestored / DeviceSuspended) or ``FirmwareVersionMismatch`` |

The harness holds no keys: GBCS MACs and signatures and the XML signature of a SMETS1 response are
placeholders (see :mod:`dsp.duis.gbcs_build`). Nothing here signs or verifies anything.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dsp.duis import gbcs_build
from dsp.duis.gbcs_commands import local_command_payload
from dsp.duis.bodies import CANCELLATION_DATETIME
from dsp.duis.clock import DuisClock
from dsp.duis.errors import DuisError
from dsp.identities import DCC_ACCESS_CONTROL_BROKER as DCC_ID  # the originator of DCC alerts
from dsp.duis.xmlread import SR_NS
from dsp.messages import (
    ActivationAlert,
    ActivationResponse,
    DccAlert,
    FirmwareMismatchPayload,
    FirmwareVersionRead,
    LocalCommand,
    ServiceRequest,
    ServiceResponse,
    StatusChangePayload,
)
from dsp.vocabulary import ActivationOutcome, DeviceModel, DeviceStatus, ResponseCode

if TYPE_CHECKING:
    from dsp.service import InventoryRow

__all__ = [
    "RA_NS",
    "DS_NS",
    "SCHEMA_VERSION",
    "DeviceFacts",
    "Renderer",
    "placeholder_signature",
    "request_message_id",
    "service_reference",
]

RA_NS = "http://www.dccinterface.co.uk/ResponseAndAlert"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
SCHEMA_VERSION = "5.4"
MAX_INVENTORY_DEVICES = 17  # sr:DSPInventory maxOccurs

for _prefix, _uri in (("sr", SR_NS), ("ra", RA_NS), ("ds", DS_NS)):
    ET.register_namespace(_prefix, _uri)

_FULL_ID = re.compile(r"[0-9A-F]{2}(?:-[0-9A-F]{2}){7}:[0-9A-F]{2}(?:-[0-9A-F]{2}){7}:(0|[1-9][0-9]{0,19})")
_STATUS_VALUES = {s.value for s in DeviceStatus} - {DeviceStatus.NOT_APPLICABLE.value}  # sr:DeviceStatus


@dataclass(frozen=True, slots=True)
class DeviceFacts:
    """What the renderer needs to know about a device that the message itself does not carry."""

    smets: int = 2
    model: DeviceModel | None = None


DeviceLookup = Callable[[str], DeviceFacts | None]


def service_reference(srv: str) -> str:
    """The DUIS ServiceReference of an SRV: its first two parts (``8.1.1`` -> ``8.1``)."""
    return ".".join(srv.split(".")[:2])


def request_message_id(request: ServiceRequest) -> tuple[str, str, int]:
    """(originator, target, counter) of the request's RequestID.

    A request parsed from DUIS keeps its RequestID; a simulated one gets a counter derived from its
    content, so the same run renders the same IDs.
    """
    text = (request.request_id or "").strip().upper()
    if _FULL_ID.fullmatch(text):
        originator, target, counter = text.split(":")
        if int(counter) < 1 << 64:
            return originator, target, int(counter)
    if text.isdigit() and int(text) < 1 << 64:
        return request.user.user_id, request.target, int(text)
    digest = zlib.crc32(
        repr(
            (request.srv, request.user.user_id, request.target, request.device_list,
             request.firmware_hash, request.execution_time, request.request_id)
        ).encode()
    )
    return request.user.user_id, request.target, 1_000_000 + digest


class Renderer:
    """Renders with one clock (simulated seconds -> date-times) and an optional device look-up (SMETS
    version and model, from the SMI; without it every device is a SMETS2 device of unknown model)."""

    def __init__(self, clock: DuisClock | None = None, devices: DeviceLookup | None = None) -> None:
        self.clock = clock or DuisClock()
        self.devices = devices or (lambda _device_id: None)

    # --- requests (for the trace) -----------------------------------------------------------------

    def request(self, request: ServiceRequest, image: bytes | None = None) -> ET.Element:
        """The DUIS Request of a Service Request. 11.1 needs the image bytes (``image``) to be faithful;
        without them a labelled placeholder image is rendered. SRs whose body the model does not keep
        (6.23 credentials, 2.2 UTRN, 12.1 address, an 8.2 for several devices) raise DuisError."""
        originator, target, counter = request_message_id(request)
        root = ET.Element(_sr("Request"), {"schemaVersion": SCHEMA_VERSION})
        header = _sub(root, "Header")
        _sub(header, "RequestID", f"{originator}:{target}:{counter}")
        _sub(header, "CommandVariant", str(request.command_variant))
        _sub(header, "ServiceReference", service_reference(request.srv))
        _sub(header, "ServiceReferenceVariant", request.srv)
        body = _sub(root, "Body")
        srv = request.srv
        if srv == "11.1":
            element = _sub(body, "UpdateFirmware")
            if image is None:
                image = b"sm-harness placeholder image " + (request.firmware_hash or b"").hex().encode()
            _sub(element, "FirmwareImage", base64.b64encode(image).decode("ascii"))
            _sub(element, "FirmwareVersion", request.firmware_version or "")
            _sub(element, "DeviceIDList", ",".join(request.device_list))
        elif srv == "11.2":
            element = _sub(body, "ReadFirmwareVersion")
            self._execution(element, request)
        elif srv == "11.3":
            element = _sub(body, "ActivateFirmware")
            self._execution(element, request)
            _sub(element, "FirmwareHash", (request.firmware_hash or b"").hex().upper())
        elif srv == "8.2" and len(request.device_list) == 1:
            _sub(_sub(body, "ReadInventory"), "DeviceID", request.device_list[0])
        else:
            raise DuisError(f"SR {srv}: the model does not keep what its DUIS body needs, so it is not rendered")
        return root

    def _execution(self, element: ET.Element, request: ServiceRequest) -> None:
        if request.cancels:  # DUIS cancels by repeating the request with this date
            _sub(element, "ExecutionDateTime", CANCELLATION_DATETIME.strftime("%Y-%m-%dT%H:%M:%S.00Z"))
        elif request.execution_time is not None:
            _sub(element, "ExecutionDateTime", self.clock.format(request.execution_time))

    # --- responses ----------------------------------------------------------------------------------

    def response(self, response: ServiceResponse) -> ET.Element:
        """The DUIS Response to a request: header (ResponseID = the swapped RequestID) and body."""
        request = response.request
        originator, target, counter = request_message_id(request)
        body_message = response.body
        device_id = getattr(getattr(body_message, "command", None), "device_id", None) or target
        root = ET.Element(_sr("Response"), {"schemaVersion": SCHEMA_VERSION})
        header = _sub(root, "Header")
        _sub(header, "RequestID", f"{originator}:{target}:{counter}")
        _sub(header, "ResponseID", f"{target}:{originator}:{counter}")
        _sub(header, "ResponseCode", response.code.value)
        _sub(header, "ResponseDateTime", self.clock.format(response.time))
        body = _sub(root, "Body")
        srv = request.srv
        facts = self.devices(device_id) or DeviceFacts()
        kind = type(body_message)
        user = request.user.user_id
        # `kind is X` proves that body_message is an X; each `if TYPE_CHECKING` assert (never run) tells mypy so
        if response.code is ResponseCode.I0 and kind is FirmwareVersionRead:
            if TYPE_CHECKING:
                assert isinstance(body_message, FirmwareVersionRead)
            if facts.smets == 1:
                self._smets1(body, srv, device_id, user, counter, "ReadFirmwareVersionRsp", version=body_message.version)
            else:
                payload = gbcs_build.firmware_read_response(
                    body_message.device_type, body_message.version, device=device_id, user=user, counter=counter
                )
                self._gbcs(body, srv, payload)
        elif response.code is ResponseCode.I0 and kind is ActivationResponse:
            if TYPE_CHECKING:
                assert isinstance(body_message, ActivationResponse)
            if body_message.scheduled and facts.smets != 1:
                self._gbcs(body, srv, gbcs_build.activation_response(None, None, device=device_id, user=user, counter=counter))
            elif facts.smets == 1 or body_message.version is None:  # R-113-3: GBCS cannot say "no version"
                outcome = None if body_message.scheduled else body_message.outcome
                self._smets1(body, srv, device_id, user, counter, "ActivateFirmwareRsp",
                             outcome=outcome, version=body_message.version)
            else:
                payload = gbcs_build.activation_response(
                    body_message.outcome, body_message.version, device=device_id, user=user, counter=counter
                )
                self._gbcs(body, srv, payload)
        elif response.code is ResponseCode.I0 and kind is ActivationAlert:
            if TYPE_CHECKING:
                assert isinstance(body_message, ActivationAlert)
            command_counter = counter
            payload = gbcs_build.activation_alert(
                body_message.alert_code, body_message.outcome, body_message.version,
                device=device_id, user=user, counter=(counter + 1) % (1 << 64),
                command_counter=command_counter, executed=self.clock.at(response.time),
            )
            message = self._reference(body, srv)
            alert = _sub(message, "FutureDatedDeviceAlertMessage")
            _sub(alert, "FutureDatedAlertCode", f"{body_message.alert_code:04X}")
            _sub(alert, "GBCSPayload", base64.b64encode(payload).decode("ascii"))
            _sub(alert, "InstructionNumber", "1")
            _sub(alert, "TotalCommandInstructions", "1")
        elif response.code is ResponseCode.I0 and kind is LocalCommand:
            if TYPE_CHECKING:
                assert isinstance(body_message, LocalCommand)
            _local_command(self._reference(body, srv), local_command_payload(body_message, counter))
        elif response.code is ResponseCode.I0 and isinstance(body_message, tuple) and body_message:
            message = self._reference(body, srv)
            inventory = _sub(message, "DSPInventory")
            for row in body_message[:MAX_INVENTORY_DEVICES]:
                self._device(inventory, row)
        else:
            self._reference(body, srv)
        return root

    def local_command_response(self, request: ServiceRequest, payload: bytes | None, time: float) -> ET.Element:
        """The I0 Response carrying a Command for Local Delivery (R-E17-4): header echoing the RequestID,
        ``ResponseMessage`` naming the SRV, then ``LocalCommand/GBCSPayload`` with ``payload`` (the GBCS
        command, e.g. :func:`dsp.duis.gbcs_commands.command_from_signed_precommand` of a CV 7's Signed
        Pre-Command; None: the model holds no encoding for it, and the element is left out)."""
        if payload is not None and not payload:
            raise DuisError(f"SR {request.srv}: an empty local command cannot be returned")
        root = self.response(ServiceResponse(request, ResponseCode.I0, time))
        message = root.find(f"{_sr('Body')}/{_sr('ResponseMessage')}")
        assert message is not None, "an I0 with no body always carries its ResponseMessage"
        _local_command(message, payload)
        return root

    def _reference(self, body: ET.Element, srv: str) -> ET.Element:
        message = _sub(body, "ResponseMessage")
        _sub(message, "ServiceReference", service_reference(srv))
        _sub(message, "ServiceReferenceVariant", srv)
        return message

    def _gbcs(self, body: ET.Element, srv: str, payload: bytes) -> None:
        _sub(self._reference(body, srv), "GBCSPayload", base64.b64encode(payload).decode("ascii"))

    def _device(self, inventory: ET.Element, row: InventoryRow) -> None:
        facts = self.devices(row.device_id) or DeviceFacts()
        device = _sub(inventory, "Device")
        _sub(device, "DeviceID", row.device_id)
        _sub(device, "DeviceType", row.device_type.value)
        if row.status.value in _STATUS_VALUES:
            _sub(device, "DeviceStatus", row.status.value)
        model = facts.model
        _sub(device, "DeviceManufacturer", (model.manufacturer if model else "")[:30])
        _sub(device, "DeviceModel", (f"{model.model}/{model.hardware_version}" if model else "")[:30])
        _sub(device, "DeviceFirmwareVersion", row.firmware)

    def _smets1(self, body: ET.Element, srv: str, device_id: str, user: str, counter: int, element: str,
                *, outcome: ActivationOutcome | None = None, version: str | None = None) -> None:
        """The MMC form of a SMETS1 response, inside sr:SMETS1SignedResponse (placeholder signature)."""
        message = _sub(body, "SMETS1ResponseMessage")
        _sub(message, "ServiceReference", service_reference(srv))
        _sub(message, "ServiceReferenceVariant", srv)
        signed = _sub(message, "SMETS1SignedResponse", attrib={"schemaVersion": SCHEMA_VERSION})
        response = _sub(signed, "SMETS1Response")
        header = _sub(response, "Header")
        _ra(header, "BusinessOriginatorID", device_id)
        _ra(header, "BusinessTargetID", user)
        _ra(header, "OriginatorCounter", str(counter))
        _ra(header, "ServiceReference", service_reference(srv))
        _ra(header, "ServiceReferenceVariant", srv)
        payload = _ra(_ra(_sub(_sub(response, "Body"), "ResponseMessage"), "SMETSData"), element)
        if outcome is not None:  # ra:StatusASN1: the name, and the ASN.1 value as ResponseCode
            status = _ra(payload, "ActivateImageResponseCode")
            status.set("ResponseCode", str(int(outcome)))
            _ra(status, "ASN1Status", outcome.duis_name)
        if version is not None:
            _ra(payload, "FirmwareVersion", version)
        signed.append(placeholder_signature())

    # --- DCC alerts ---------------------------------------------------------------------------------

    def alert(self, alert: DccAlert, counter: int | None = None) -> ET.Element:
        """A DCC Alert to its one recipient: ResponseID = DCC:recipient:counter, no RequestID."""
        if counter is None:
            counter = int(round(self.clock.at(alert.time).timestamp() * 1000))
        root = ET.Element(_sr("Response"), {"schemaVersion": SCHEMA_VERSION})
        header = _sub(root, "Header")
        _sub(header, "ResponseID", f"{DCC_ID}:{alert.recipient}:{counter}")
        _sub(header, "ResponseCode", ResponseCode.I0.value)
        _sub(header, "ResponseDateTime", self.clock.format(alert.time))
        message = _sub(_sub(root, "Body"), "DCCAlertMessage")
        _sub(message, "DCCAlertCode", alert.code)
        payload = alert.payload
        holder = _sub(message, "DCCAlert")
        if isinstance(payload, StatusChangePayload):
            if payload.change not in ("DeviceRestored", "DeviceSuspended"):
                raise DuisError(f"DCC alert {alert.code}: unknown status change {payload.change!r}")
            event = _sub(holder, "DeviceStatusChangeEvent")
            _sub(event, "DeviceID", payload.device_id)
            _sub(_sub(event, "DeviceStatusChange"), payload.change)
        elif isinstance(payload, FirmwareMismatchPayload):
            mismatch = _sub(holder, "FirmwareVersionMismatch")
            _sub(mismatch, "DeviceID", payload.device_id)
            _sub(mismatch, "DeviceType", payload.device_type.value)
            _sub(mismatch, "FirmwareVersionSMI", payload.smi_version)
            _sub(mismatch, "FirmwareVersionDevice", payload.device_version)
        else:
            raise DuisError(f"DCC alert {alert.code}: no DUIS payload for {type(payload).__name__}")
        return root


def _local_command(message: ET.Element, payload: bytes | None) -> None:
    if payload is not None:
        holder = _sub(message, "LocalCommand")
        _sub(holder, "GBCSPayload", base64.b64encode(payload).decode("ascii"))


def to_bytes(root: ET.Element) -> bytes:
    """The element as a UTF-8 XML document."""
    document: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)  # typeshed: Any for an encoding
    return document


def _sr(name: str) -> str:
    return f"{{{SR_NS}}}{name}"


def _sub(parent: ET.Element, name: str, text: str | None = None, attrib: dict[str, str] | None = None) -> ET.Element:
    element = ET.SubElement(parent, _sr(name), attrib or {})
    if text is not None:
        element.text = text
    return element


def _ra(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{RA_NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def placeholder_signature() -> ET.Element:
    """An XML signature of the right shape whose values are placeholders ("default", as in the RTDS
    templates): the harness signs nothing."""
    def ds(parent: ET.Element | None, name: str, text: str | None = None, **attrib: str) -> ET.Element:
        tag = f"{{{DS_NS}}}{name}"
        element = ET.Element(tag, attrib) if parent is None else ET.SubElement(parent, tag, attrib)
        if text is not None:
            element.text = text
        return element

    signature = ds(None, "Signature")
    info = ds(signature, "SignedInfo")
    ds(info, "CanonicalizationMethod", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    ds(info, "SignatureMethod", Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256")
    reference = ds(info, "Reference", URI="")
    ds(ds(reference, "Transforms"), "Transform", Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature")
    ds(reference, "DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
    ds(reference, "DigestValue", "ZGVmYXVsdA==")
    ds(signature, "SignatureValue", "ZGVmYXVsdA==")
    return signature
