"""The DUIS codec: DUIS XML in, the DSP's records out, and back again.

- :meth:`DuisCodec.parse_request` : DUIS Request XML -> :class:`dsp.messages.ServiceRequest`
- :meth:`DuisCodec.render` : ServiceRequest / ServiceResponse / DccAlert / device message -> DUIS XML
- :func:`trace_xml` : the same for the evidence trace, ``None`` where DUIS has no rendering
- :func:`describe` : any DUIS message -> plain facts (header, body kind, firmware version, codes)

Signatures are carried, not verified: the codec reads past ``ds:Signature`` and renders placeholder
signatures, MACs and GBCS signatures (the harness holds no keys).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import OrderedDict
from typing import Any

from dsp.duis import render as _render
from dsp.duis.clock import DuisClock
from dsp.duis.envelope import DuisRequest, DuisResponse, parse_message, parse_request
from dsp.duis.errors import DuisError
from dsp.duis.gbcs import firmware_facts
from dsp.duis.render import DeviceFacts, Renderer
from dsp.duis.request_mapping import RoleResolver, to_service_request
from dsp.duis.safe_xml import DEFAULT_MAX_BYTES, parse_xml
from dsp.duis.xmlread import SR_NS
from dsp.inventory import SmartMeteringInventory
from dsp.messages import (
    Acknowledged,
    ActivationAlert,
    ActivationResponse,
    DccAlert,
    DeviceCommand,
    FirmwareVersionRead,
    ImageDistributed,
    ServiceRequest,
    ServiceResponse,
)
from dsp.vocabulary import ResponseCode

__all__ = ["DuisCodec", "describe", "trace_xml"]

_DEVICE_MESSAGES = (FirmwareVersionRead, ActivationResponse, ActivationAlert, ImageDistributed, Acknowledged)
_IMAGES_KEPT = 64
_IMAGE_BYTES_KEPT = 32 << 20  # an 11.1 image may be ~10 MB: bound the memory, not just the count


class DuisCodec:
    """One clock, one view of the SMI (for a device's SMETS version and model), one schema version.

    With ``keep_images`` it remembers the last few 11.1 images it parsed (at most 64, at most 32 MiB in
    all), by hash, so a request it renders again (the trace) carries the image it came with. A codec
    that never renders requests (the DUIS endpoint) passes ``keep_images=False``.
    """

    def __init__(
        self,
        clock: DuisClock | None = None,
        inventory: SmartMeteringInventory | None = None,
        *,
        keep_images: bool = True,
    ) -> None:
        self.clock = clock or DuisClock()
        self.inventory = inventory
        self.renderer = Renderer(self.clock, self._device_facts)
        self.keep_images = keep_images
        self._images: OrderedDict[bytes, bytes] = OrderedDict()
        self._image_bytes = 0

    # --- in -----------------------------------------------------------------------------------------

    def parse_request(
        self,
        xml: bytes | str | ET.Element | DuisRequest,
        roles: RoleResolver,
        *,
        source: str = "<DUIS request>",
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> ServiceRequest:
        """DUIS Request -> ServiceRequest; DuisError (NotInCatalogue for an SRV the model lacks)."""
        parsed = xml if isinstance(xml, DuisRequest) else parse_request(xml, source=source, max_bytes=max_bytes)
        request = to_service_request(parsed, roles, self.clock)
        body = parsed.body
        if self.keep_images and request.srv == "11.1" and request.firmware_hash is not None:
            self._keep_image(request.firmware_hash, body.firmware_image)  # type: ignore[union-attr]
        return request

    def _keep_image(self, digest: bytes, image: bytes) -> None:
        if len(image) > _IMAGE_BYTES_KEPT:
            return  # the trace renders a labelled placeholder for it
        old = self._images.pop(digest, None)
        self._image_bytes -= len(old) if old is not None else 0
        self._images[digest] = image
        self._image_bytes += len(image)
        while len(self._images) > _IMAGES_KEPT or self._image_bytes > _IMAGE_BYTES_KEPT:
            _, dropped = self._images.popitem(last=False)
            self._image_bytes -= len(dropped)

    # --- out ----------------------------------------------------------------------------------------

    def element(self, message: object, *, time: float = 0.0) -> ET.Element:
        """The DUIS element of a DSP message; DuisError when DUIS has no rendering for it."""
        if isinstance(message, ServiceResponse):
            return self.renderer.response(message)
        if isinstance(message, DccAlert):
            return self.renderer.alert(message)
        if isinstance(message, ServiceRequest):
            return self.renderer.request(message, self._images.get(message.firmware_hash or b""))
        if isinstance(message, DeviceCommand):
            return self.element(message.request)
        if isinstance(message, _DEVICE_MESSAGES):
            # what the device sent, as the user receives it: the I0 Service Response carrying it
            return self.renderer.response(ServiceResponse(message.command.request, ResponseCode.I0, time, message))
        raise DuisError(f"no DUIS rendering for {type(message).__name__}")

    def render(self, message: object, *, time: float = 0.0) -> bytes:
        """The DUIS XML document of a DSP message (UTF-8 bytes)."""
        return _render.to_bytes(self.element(message, time=time))

    def _device_facts(self, device_id: str) -> DeviceFacts | None:
        record = self.inventory.find(device_id) if self.inventory is not None else None
        return None if record is None else DeviceFacts(record.smets, record.model)


_DEFAULT = DuisCodec()


def trace_xml(message: object, *, codec: DuisCodec | None = None, time: float = 0.0) -> str | None:
    """The DUIS XML of a message in the evidence trace (a ServiceRequest, ServiceResponse, DccAlert,
    DeviceCommand or device message), or None where DUIS has no rendering for it.

    Pass a codec built with the run's SMI so SMETS1 devices render in the MMC form; ``time`` is the
    simulated time of a bare device message.
    """
    try:
        return (codec or _DEFAULT).render(message, time=time).decode("utf-8")
    except DuisError:
        return None


# --- facts of any DUIS message (the `duis parse` command) ------------------------------------------------


def describe(
    xml: bytes | str, *, source: str = "<DUIS message>", max_bytes: int = DEFAULT_MAX_BYTES
) -> dict[str, Any]:
    """Header fields, body kind, and the firmware version, activation outcome and codes a DUIS Request
    or Response carries (firmware facts come out of the GBCS payload or the MMC form)."""
    root = parse_xml(xml, source=source, max_bytes=max_bytes)
    message = parse_message(root, source=source)
    if isinstance(message, DuisRequest):
        facts: dict[str, Any] = {
            "message": "Request",
            "schema_version": message.schema_version,
            "request_id": str(message.request_id),
            "command_variant": message.command_variant,
            "service_reference": message.service_reference,
            "service_reference_variant": message.service_reference_variant,
            "body_kind": message.body_kind,
        }
        body = message.body
        for name in ("firmware_version", "firmware_hash", "device_ids", "device_id"):
            value = getattr(body, name, None)
            if value is not None:
                facts[name] = list(value) if isinstance(value, tuple) else value
        moment = getattr(body, "execution_datetime", None)
        if moment is not None:
            facts["execution_datetime"] = moment.isoformat()
        return facts
    return _describe_response(message, root, source)


def _describe_response(message: DuisResponse, root: ET.Element, source: str) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "message": "Response",
        "schema_version": message.schema_version,
        "request_id": None if message.request_id is None else str(message.request_id),
        "response_id": None if message.response_id is None else str(message.response_id),
        "response_code": message.response_code,
        "response_datetime": message.response_datetime.isoformat(),
        "body_kind": message.body_kind,
        "service_reference": message.service_reference,
        "service_reference_variant": message.service_reference_variant,
        "payload_kind": message.payload_kind,
        "alert_code": message.alert_code,
        "firmware_version": None,
    }
    if message.gbcs_payload is not None:
        gbcs = firmware_facts(message.gbcs_payload)
        facts["gbcs_use_case"] = gbcs.use_case
        facts["gbcs_message_code"] = f"{gbcs.message_code:04X}"
        facts["firmware_version"] = gbcs.firmware_version
        if gbcs.activation_outcome is not None:
            facts["activation_outcome"] = gbcs.activation_outcome.duis_name
        if gbcs.alert_code is not None:
            facts["gbcs_alert_code"] = f"{gbcs.alert_code:04X}"
    elif message.body_kind == "SMETS1ResponseMessage":
        ra = f"{{{_render.RA_NS}}}"
        version = root.find(f".//{ra}SMETSData//{ra}FirmwareVersion")
        status = root.find(f".//{ra}SMETSData//{ra}ActivateImageResponseCode/{ra}ASN1Status")
        if version is not None:
            facts["firmware_version"] = (version.text or "").strip()
        if status is not None:
            facts["activation_outcome"] = (status.text or "").strip()
    if message.body_kind == "DCCAlertMessage":
        alert = root.find(f".//{{{SR_NS}}}DCCAlert")
        facts.update(_dcc_alert_facts(alert))
    return facts


def _dcc_alert_facts(alert: ET.Element | None) -> dict[str, Any]:
    if alert is None or not len(alert):
        return {}
    sr = f"{{{SR_NS}}}"
    payload = alert[0]
    facts: dict[str, Any] = {"device_id": (payload.findtext(f"{sr}DeviceID") or "").strip() or None}
    change = payload.find(f"{sr}DeviceStatusChange")
    if change is not None and len(change):
        facts["status_change"] = change[0].tag.rpartition("}")[2]
    for name, key in (("FirmwareVersionSMI", "firmware_version_smi"), ("FirmwareVersionDevice", "firmware_version")):
        text = payload.findtext(f"{sr}{name}")
        if text is not None:
            facts[key] = text.strip()
    return facts
