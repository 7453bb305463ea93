"""What `serve` decides where no public text says: the DUIS codes of the refusals the DUIS text available
to this project does not name, and the bounds of the Transform Service. Each is a setting with a
labelled default; `modelling_decisions()` says them (``GET /health`` and the README show them).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from dsp.duis.transform import DEFAULT_GBCS_VERSION
from dsp.errors import DomainError
from dsp.vocabulary import ResponseCode
from harness.serve.transforms import DEFAULT_LIMIT, DEFAULT_TTL_SECONDS

__all__ = ["REFUSAL_CASES", "ServeDecisions"]

# --response-code CASE=CODE: the refusals whose code is a setting
REFUSAL_CASES = {
    "signature": "signature_refused",
    "gbcs-signature": "gbcs_signature_refused",
    "unmatched-pre-command": "unmatched_pre_command",
}


@dataclass(frozen=True)
class ServeDecisions:
    """The endpoint's modelling decisions (see `modelling_decisions` for why each default)."""

    signature_refused: ResponseCode = ResponseCode.E1
    gbcs_signature_refused: ResponseCode = ResponseCode.E1
    unmatched_pre_command: ResponseCode = ResponseCode.E12
    gbcs_version: str = DEFAULT_GBCS_VERSION
    transform_ttl: float = DEFAULT_TTL_SECONDS
    transform_limit: int = DEFAULT_LIMIT

    def __post_init__(self) -> None:
        for name in REFUSAL_CASES.values():
            if not getattr(self, name).is_error:
                raise DomainError(f"{name}: a refusal needs an E-code, not {getattr(self, name).value}")

    def with_codes(self, assignments: list[str]) -> ServeDecisions:
        """These decisions with ``CASE=CODE`` assignments applied (`--response-code`)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for assignment in assignments:
            case, sep, code = assignment.partition("=")
            if not sep or case.strip() not in REFUSAL_CASES:
                raise DomainError(
                    f"--response-code {assignment!r}: expected CASE=CODE, CASE one of {', '.join(REFUSAL_CASES)}"
                )
            try:
                values[REFUSAL_CASES[case.strip()]] = ResponseCode.parse(code.strip().upper())
            except DomainError:
                known = ", ".join(c.value for c in ResponseCode if c.is_error)
                raise DomainError(f"--response-code {assignment!r}: {code.strip()!r} is not one of {known}") from None
        return ServeDecisions(**values)

    def modelling_decisions(self) -> dict[str, str]:
        return {
            "serve-signature-code": (
                f"a request whose XML signature is refused (--trust) is answered {self.signature_refused.value}: "
                "the DUIS text available names no code for it; E1 says the sender is not the party it names"
            ),
            "serve-gbcs-signature-code": (
                f"a Signed Pre-Command whose GBCS signature is not the originator's is answered "
                f"{self.gbcs_signature_refused.value}, for the same reason"
            ),
            "serve-unmatched-pre-command-code": (
                f"a Signed Pre-Command that is not the signed form of a pending pre-command (unknown or used "
                f"RequestID, expired, other bytes) is answered {self.unmatched_pre_command.value}: no public code; "
                "E12 says the Command Variant does not fit the request"
            ),
            "serve-gbcs-version": f"a PreCommand's GBCSVersion is {self.gbcs_version!r} (no public example names one)",
            "serve-transforms": (
                f"a pre-command waits {self.transform_ttl:g} simulated seconds for its signed form, at most "
                f"{self.transform_limit} at once (the oldest goes first)"
            ),
            "serve-unsigned-smets1": (
                "without --signing-key a SMETS1 response gets a placeholder signature of its own beside the "
                "inner one, so DCC Boxed's validator skips it as it skips real SMETS1 responses"
            ),
        }
