"""The GBCS commands the DSP sends devices, as far as the model renders them: those a Command for Local
Delivery carries (R-E17-4; the DUIS Response is :meth:`dsp.duis.render.Renderer.local_command_response`).

A request with Command Variant 2, 3, 6 or 7 that passes Table 22 (E17 included) is answered with the
command the user is to deliver to the device over the HAN: the same GBCS command the DSP sends over the
SM WAN (CV 3 and 7 send it both ways). Layouts are those of the RTDS command vectors
(``shared/duis/gbcs_rtds/RTDS-4.5.0/*/*_COMMAND_GBCS.HEX``), in a general-ciphering APDU authenticated by
the DCC's MAC (a zero-filled placeholder: the harness holds no keys):

- 11.2 Read Firmware Version: ECS52 (ESME, CHF), GCS38 (GSME, GPF), CS08 (PPMID, HCALCS; the DCC Access
  Control Broker originates it on the user's behalf, naming the user and its counter);
- 11.3 Activate Firmware: the Signed Pre-Command (CV 6, 7) as the user sent it
  (:func:`command_from_signed_precommand`). The model's own 11.3 local commands carry the CS06
  pre-command (:func:`dsp.duis.gbcs_precommand.build_precommand`) with a zero-filled signature.

The model holds no GBCS encoding for the other SRVs' local commands (a 2.2 top-up code, say): for them
:func:`local_command_payload` returns None and the Response names the SRV only [model].
"""

from __future__ import annotations

from dsp.duis.bodies import ActivateFirmware
from dsp.duis.errors import DuisError
from dsp.duis.gbcs import CS08, ECS52, GCS38
from dsp.duis.gbcs_build import _ciphering, _counter, eui64_bytes, general_signing, read_use_case  # one home per encoding
from dsp.duis.gbcs_frame import CRA_COMMAND
from dsp.duis.gbcs_precommand import SIGNATURE_BYTES, build_precommand, signed_parts
from dsp.identities import DCC_ACCESS_CONTROL_BROKER
from dsp.messages import LocalCommand
from dsp.vocabulary import DeviceType

__all__ = [
    "command_from_signed_precommand",
    "local_command_payload",
    "read_firmware_command",
]

# The DLMS/ZCL payloads of the 11.2 commands, after any counter they carry (the RTDS vectors)
_ECS52_GET = bytes.fromhex("00010100010000000201FF020100")  # no date-time; one GET of the firmware identifier
_GCS38_READ = bytes.fromhex("01090101070200050000000602")  # ZCL read of the GSME's firmware version
_CS08_READ = bytes.fromhex("0500")
_INVOKE_ID_FLAGS = 0x20000000  # DLMS long-invoke-id-and-priority as the vectors set it, around the invoke-id
_PLACEHOLDER_SIGNATURE = bytes(SIGNATURE_BYTES)


def read_firmware_command(
    device_type: DeviceType, *, device: str, user: str, counter: int, dcc_counter: int | None = None
) -> bytes:
    """The GBCS 11.2 command for ``device`` of ``device_type``, from ``user`` with the request's counter.
    ``dcc_counter``: the DCC's own counter for a CS08 it originates (default: the request's [model])."""
    code = read_use_case(device_type)
    if code == ECS52:
        invoke = (_INVOKE_ID_FLAGS | (counter & 0xFFFFFF)).to_bytes(4, "big")  # the invoke-id: the counter's low 24 bits
        return _command(counter, user, device, code.to_bytes(2, "big"), b"\xd9" + invoke + _ECS52_GET)
    if code == GCS38:
        return _command(counter, user, device, code.to_bytes(2, "big"), _GCS38_READ)
    if code == CS08:
        on_behalf = code.to_bytes(2, "big") + eui64_bytes(user) + _counter(counter)
        own = counter if dcc_counter is None else dcc_counter
        return _command(own, DCC_ACCESS_CONTROL_BROKER, device, on_behalf, _CS08_READ)
    raise DuisError(f"no GBCS 11.2 command for a {device_type.value}")  # pragma: no cover (every type has one)


def command_from_signed_precommand(signed: bytes) -> bytes:
    """The GBCS command a Signed Pre-Command becomes: it, inside the DCC's general-ciphering APDU."""
    signed_parts(signed)  # a DuisError unless it is a command ending in a 64-byte signature
    return _ciphering(bytes(signed))


def local_command_payload(local: LocalCommand, counter: int) -> bytes | None:
    """The GBCS payload of a local command the model made (11.2, 11.3), or None where it holds no
    encoding for the SRV. ``counter``: the request's RequestID counter."""
    command = local.command
    request = command.request
    srv = request.srv
    if srv == "11.2":
        device_type = local.device_type or DeviceType.ESME  # a LocalCommand the DSP made names its type
        return read_firmware_command(device_type, device=command.device_id, user=request.user.user_id, counter=counter)
    if srv == "11.3" and request.firmware_hash is not None and len(request.firmware_hash) == 32:
        body = ActivateFirmware(request.firmware_hash.hex().upper())
        precommand = build_precommand(body, originator=request.user.user_id, device=command.device_id, counter=counter)
        return command_from_signed_precommand(precommand[:-1] + bytes([SIGNATURE_BYTES]) + _PLACEHOLDER_SIGNATURE)
    return None


def _command(counter: int, originator: str, recipient: str, other: bytes, content: bytes) -> bytes:
    """A general-signing command with an empty signature (the DCC's MAC authenticates it), in ciphering."""
    return _ciphering(general_signing(CRA_COMMAND, counter, originator, recipient, other, content, signature=b""))

