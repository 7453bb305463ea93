"""The Transform Service and the Signed Pre-Commands that complete it: how a Critical Service Request
reaches a device through the DUIS endpoint.

1. **CV 4 at serviceT.** Table 22 runs as for any request; a failure is
   answered with its E-code. On a pass, the answer is I0 with ``ResponseMessage/PreCommand``: the GBCS
   command the DSP would send the device (for 11.3, CS06 built by
   :func:`dsp.duis.gbcs_precommand.build_precommand`), kept as a pending transform under the request's
   RequestID. Nothing reaches the device. A Critical SRV the model does not serve has no GBCS encoding
   here: it is answered as the DSP answers any SRV it does not serve after a pass, I99 [model].
2. **CV 5 at serviceS** (reusing the CV 4's RequestID). The Signed Pre-Command must be a signed form of
   the pending pre-command with that RequestID and SRV (same bytes, a 64-byte signature appended); with
   a trust store, its GBCS signature must be the originator's. Otherwise it is refused with the code the
   decisions name, and the pending transform is kept (a wrong payload does not use it up). Then the CV 4's
   request goes to the DSP as CV 5 (Table 22 again; R-E5-1: E5 only when the device is in Recovery) and on
   to the device: I99 now, the device's response later, exactly as CV 1.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from dsp import ResponseCode, ServiceRequest, ServiceResponse
from dsp.duis.bodies import ActivateFirmware, SignedPreCommand
from dsp.duis.codec import DuisCodec
from dsp.duis.envelope import DuisRequest
from dsp.duis.errors import DuisError
from dsp.duis.gbcs_precommand import build_precommand, is_signed_form_of
from dsp.duis.request_mapping import RoleResolver
from dsp.duis.transform import precommand_response
from dsp.service import DataServiceProvider
from harness.serve.answers import Answer, refusal
from harness.serve.decisions import ServeDecisions
from harness.serve.signing import Signatures
from harness.serve.transforms import PendingTransform, TransformStore

__all__ = ["TransformService"]

Submit = Callable[[ServiceRequest], Answer]


def _activation_precommand(parsed: DuisRequest, request: ServiceRequest) -> bytes:
    body = parsed.body
    if not isinstance(body, ActivateFirmware):  # the request mapping checked it already
        raise DuisError(f"SR 11.3 carries sr:{parsed.body_kind}, expected sr:ActivateFirmware")
    counter = parsed.request_id.counter
    return build_precommand(body, originator=request.user.user_id, device=request.target, counter=counter)


# The Critical SRVs whose GBCS command the Transform Service builds
PRECOMMANDS: dict[str, Callable[[DuisRequest, ServiceRequest], bytes]] = {"11.3": _activation_precommand}


class TransformService:
    """CV 4 in, pre-command out; CV 5 in, matched and handed on."""

    def __init__(
        self,
        dsp: DataServiceProvider,
        codec: DuisCodec,
        roles: RoleResolver,
        store: TransformStore,
        decisions: ServeDecisions,
        signatures: Signatures,
    ) -> None:
        self.dsp, self.codec, self.roles, self.store = dsp, codec, roles, store
        self.decisions, self.signatures = decisions, signatures

    def transform(self, parsed: DuisRequest, raw: bytes, now: float) -> Answer:
        """Answer a Critical Service Request (CV 4) at the Transform Service."""
        request = self.codec.parse_request(parsed, self.roles)
        failure = _table22(self.dsp, request)
        if failure is not None:
            return self._answer(ServiceResponse(request, failure, now))
        build = PRECOMMANDS.get(request.srv)
        if build is None:  # [model] as the DSP answers an SRV it does not serve, once it passed
            return self._answer(ServiceResponse(request, ResponseCode.I99, now),
                                f"SR {request.srv} passed Table 22; the model holds no GBCS command for it")
        precommand = build(parsed, request)
        self.store.expire(now)
        key = str(parsed.request_id)
        self.store.put(PendingTransform(key, request.srv, precommand, raw, now, now + self.decisions.transform_ttl))
        root = precommand_response(self.codec.renderer, request, precommand, now, gbcs_version=self.decisions.gbcs_version)
        return Answer(root, ResponseCode.I0.value)

    def signed_pre_command(self, parsed: DuisRequest, now: float, submit: Submit) -> Answer:
        """Match a Signed Pre-Command (CV 5, 6 or 7) to its pending transform and hand the request on."""
        body = parsed.body
        if not isinstance(body, SignedPreCommand):  # routing refuses it first (E12)
            raise DuisError(f"CommandVariant {parsed.command_variant} carries sr:{parsed.body_kind}, not a Signed Pre-Command")
        key = str(parsed.request_id)
        pending = self.store.get(key, now)
        unmatched = self.decisions.unmatched_pre_command
        if pending is None:
            return self._refuse(parsed, unmatched, now,
                                f"no pending pre-command for RequestID {key} (never transformed, already used, or expired)")
        if pending.srv != parsed.service_reference_variant:
            return self._refuse(parsed, unmatched, now,
                                f"RequestID {key} was transformed for SR {pending.srv}, not {parsed.service_reference_variant}")
        if not is_signed_form_of(body.gbcs_payload, pending.precommand):
            return self._refuse(parsed, unmatched, now,
                                f"the Signed Pre-Command is not the pre-command returned for RequestID {key} with a signature appended")
        if not self.signatures.gbcs_signed_by(body.gbcs_payload, parsed.user_id):
            return self._refuse(parsed, self.decisions.gbcs_signature_refused, now,
                                f"the GBCS signature is not made with a trusted key of {parsed.user_id}")
        self.store.remove(key)
        transformed = self.codec.parse_request(pending.request, self.roles, source="pending transform")
        return submit(replace(transformed, command_variant=parsed.command_variant))

    def _answer(self, response: ServiceResponse, reason: str = "") -> Answer:
        return Answer(self.codec.renderer.response(response), response.code.value, reason or response.code.value)

    def _refuse(self, parsed: DuisRequest, code: ResponseCode, now: float, reason: str) -> Answer:
        return refusal(self.codec, parsed, self.roles, code, now, reason)


def _table22(dsp: DataServiceProvider, request: ServiceRequest) -> ResponseCode | None:
    """Table 22 alone, nothing sent: the check of a Critical SR before its pre-command is returned (E5 is
    not applied to a Critical SR; its Signed Pre-Command is checked in Recovery, R-E5-1 / R-E5-7)."""
    return dsp.authorise(request, transform_only=True)
