"""The Transform Service's answer (Command Variant 4): the DUIS Response I0 whose ``ResponseMessage``
carries the ``PreCommand`` the User signs and sends back as a Signed Pre-Command (Command Variant 5).

``PreCommand`` (DUIS XSD type ``sr:PreCommand``): ``GBCSVersion`` (a string) then ``GBCSPayload``
(base64 of the GBCS command, :func:`dsp.duis.gbcs_precommand.build_precommand`). DCC's client reads
both and signs the payload with the User's GBCS (digital signing) key.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from dsp.duis.errors import DuisError
from dsp.duis.render import Renderer
from dsp.duis.xmlread import SR_NS
from dsp.messages import ServiceRequest, ServiceResponse
from dsp.vocabulary import ResponseCode

__all__ = ["DEFAULT_GBCS_VERSION", "precommand_response"]

# [model] no public DUIS example names a GBCSVersion; DCC's own client-library test data uses "4.2"
DEFAULT_GBCS_VERSION = "4.2"


def precommand_response(
    renderer: Renderer, request: ServiceRequest, precommand: bytes, time: float, *, gbcs_version: str = DEFAULT_GBCS_VERSION
) -> ET.Element:
    """The I0 Response to a Critical Service Request at the Transform Service: its header echoes the
    request's RequestID, its ResponseMessage names the SRV and carries the pre-command."""
    if not precommand:
        raise DuisError(f"SR {request.srv}: an empty pre-command cannot be returned")
    if not gbcs_version.strip():
        raise DuisError("the GBCSVersion of a pre-command must not be empty")
    root = renderer.response(ServiceResponse(request, ResponseCode.I0, time))
    message = root.find(f"{{{SR_NS}}}Body/{{{SR_NS}}}ResponseMessage")
    if message is None:  # the renderer always writes it for a body-less I0
        raise DuisError(f"SR {request.srv}: no ResponseMessage to carry the pre-command")
    holder = ET.SubElement(message, f"{{{SR_NS}}}PreCommand")
    ET.SubElement(holder, f"{{{SR_NS}}}GBCSVersion").text = gbcs_version
    ET.SubElement(holder, f"{{{SR_NS}}}GBCSPayload").text = base64.b64encode(precommand).decode("ascii")
    return root
