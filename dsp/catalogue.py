"""The Service Request catalogue: every SRV of the DUIS request matrix, and the ones the model serves.

Every SRV of the matrix (`dsp.request_matrix`) is known to the DSP, so Table 22 authorises any request a
user's adapter sends (a Suspended device answers E5 to every Non-Critical SR but the exceptions, whichever
SR it is). `served` says which SRVs the model carries on to devices: a served SRV that passes Table 22 is
acknowledged and sent to the device; an SRV that is not served is answered I99 (it passed every check)
and goes no further, since the model has no device behaviour for it [model].

A test checks the catalogue against the DCC's published matrix
(`shared/duis/reference_tables/duis-request-matrix.json`) for every SRV.
"""
from __future__ import annotations

from dataclasses import dataclass

from dsp.errors import DomainError
from dsp.request_matrix import MATRIX
from dsp.vocabulary import DeviceType, UserRole

_E, _G, _C, _P, _H, _GPF = (
    DeviceType.ESME,
    DeviceType.GSME,
    DeviceType.CHF,
    DeviceType.PPMID,
    DeviceType.HCALCS,
    DeviceType.GPF,
)
_ANY_DEVICE = frozenset(DeviceType)

# DUIS Command Variants (the CommandVariant table of the DUIS XSD): 1-3 a Non-Critical Service Request,
# 4 a Critical one (transformed into a Pre-Command), 5-7 its Signed Pre-Command, 8 a Non-Device request
NON_CRITICAL_VARIANTS = frozenset((1, 2, 3))
CRITICAL_VARIANTS = frozenset((4, 5, 6, 7))
NON_DEVICE_VARIANTS = frozenset((8,))
TRANSFORM = 4  # a Critical SR, answered with its Pre-Command for the user to sign
SIGNED_PRE_COMMANDS = frozenset((5, 6, 7))
# the variants whose output includes a Command for Local Delivery (XSD: "Cmd LD"); E17 checks them
LOCAL_DELIVERY_VARIANTS = frozenset((2, 3, 6, 7))
# of those, the ones that send nothing over the SM WAN (the user delivers the command itself)
LOCAL_ONLY_VARIANTS = frozenset((2, 6))

# The SRVs the model serves onward, with the device types each can target (RULES §2)
_SERVED_TARGETS: dict[str, frozenset[DeviceType]] = {
    "11.1": frozenset((_E, _G, _C, _H)),
    "11.2": frozenset((_E, _C, _G, _P, _H, _GPF)),  # R-112-6: a GPF answers with its copy of the GSME's version
    "11.3": frozenset((_E, _G, _C, _H)),
    "6.23": frozenset((_E, _G)),
    "2.2": frozenset((_E, _G)),
    "8.2": _ANY_DEVICE,
    "12.1": frozenset(),
}
_E5_EXEMPT = frozenset(("8.2", "12.1"))  # R-E5-1
_SUSPENDED_EXCEPTIONS = frozenset(("11.1", "6.23"))  # R-E5-3 (11.2 by rule set, 2.2 CV 2 SMETS1 by setting)


@dataclass(frozen=True, slots=True)
class ServiceRequestDefinition:
    """One row of the catalogue: what the DSP needs to know to authorise an SRV, precomputed.

    `targets`: the device types the SRV can target (DUIS validation, E11); for an SRV the model does not
    serve every type is accepted, since the matrix does not say [model].
    """

    srv: str
    name: str
    critical: bool
    non_device: bool
    roles: frozenset[UserRole]
    targets: frozenset[DeviceType]
    command_variants: frozenset[int]
    on_demand: bool
    dcc_scheduled: bool
    future_dated: str  # the Future Dated Response Pattern: "No", "Device", "DSP" or "DSP & Device"
    served: bool  # the model carries it on to devices
    e5_exempt: bool  # R-E5-1: 8.2 and 12.1 are never checked against the device status
    suspended_exception: bool  # R-E5-3: on the Suspended exception list under every rule set


def _definition(srv: str, name: str, flags: str, future_dated: str, roles: str) -> ServiceRequestDefinition:
    if len(flags) != 4 or any(f not in (c, "-") for f, c in zip(flags, "COSN")):
        raise ValueError(f"SRV {srv}: malformed flags {flags!r}")  # a typo in the matrix data
    critical, non_device = flags[0] == "C", flags[3] == "N"
    if non_device:
        variants = NON_DEVICE_VARIANTS
    else:
        variants = CRITICAL_VARIANTS if critical else NON_CRITICAL_VARIANTS
    served = srv in _SERVED_TARGETS
    return ServiceRequestDefinition(
        srv=srv,
        name=name,
        critical=critical,
        non_device=non_device,
        roles=frozenset(UserRole(r) for r in roles.split()),
        targets=_SERVED_TARGETS[srv] if served else _ANY_DEVICE,
        command_variants=variants,
        on_demand=flags[1] == "O",
        dcc_scheduled=flags[2] == "S",
        future_dated=future_dated,
        served=served,
        e5_exempt=srv in _E5_EXEMPT,
        suspended_exception=srv in _SUSPENDED_EXCEPTIONS,
    )


CATALOGUE: dict[str, ServiceRequestDefinition] = {row[0]: _definition(*row) for row in MATRIX}
SERVED: tuple[str, ...] = tuple(srv for srv, d in CATALOGUE.items() if d.served)


def definition(srv: str) -> ServiceRequestDefinition:
    """The catalogue row for an SRV; a DomainError names what the catalogue holds when it is unknown."""
    row = CATALOGUE.get(srv)  # the hot path: an SRV string as the catalogue spells it
    if row is not None:
        return row
    try:
        return CATALOGUE[str(srv).strip()]
    except KeyError:
        raise DomainError(
            f"unknown SRV {srv!r}: not an SRV of the DUIS request matrix (the model serves {', '.join(SERVED)})"
        ) from None
