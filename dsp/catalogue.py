"""The Service Request catalogue: the SRVs the model serves, with their DUIS matrix rows (RULES §2).

The project carries its own catalogue; a test checks it against the DCC request matrix
(`shared/duis/reference_tables/duis-request-matrix.json`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dsp.errors import DomainError
from dsp.vocabulary import DeviceType, UserRole

_ALL_ROLES = frozenset(UserRole)
_E, _G, _C, _P, _H, _GPF = (
    DeviceType.ESME,
    DeviceType.GSME,
    DeviceType.CHF,
    DeviceType.PPMID,
    DeviceType.HCALCS,
    DeviceType.GPF,
)


@dataclass(frozen=True, slots=True)
class ServiceRequestDefinition:
    """One row of the catalogue: what the DSP needs to know to authorise an SRV."""

    srv: str
    name: str
    critical: bool
    non_device: bool
    roles: frozenset[UserRole]
    targets: frozenset[DeviceType]
    command_variants: frozenset[int]


def _row(
    srv: str,
    name: str,
    critical: bool,
    non_device: bool,
    roles: Iterable[UserRole],
    targets: Iterable[DeviceType],
    variants: Iterable[int],
) -> ServiceRequestDefinition:
    return ServiceRequestDefinition(
        srv, name, critical, non_device, frozenset(roles), frozenset(targets), frozenset(variants)
    )


CATALOGUE: dict[str, ServiceRequestDefinition] = {
    d.srv: d
    for d in (
        _row("11.1", "Update Firmware", False, True, (UserRole.IS, UserRole.GS), (_E, _G, _C, _H), (8,)),
        # R-112-6: 11.2 may target the GPF, which answers with its copy of the GSME's version
        _row("11.2", "Read Firmware Version", False, False, _ALL_ROLES, (_E, _C, _G, _P, _H, _GPF), (1, 2, 3)),
        _row("11.3", "Activate Firmware", True, False, (UserRole.IS, UserRole.GS), (_E, _G, _C, _H), (4, 5, 6)),
        _row("6.23", "Update Security Credentials (CoS)", False, False, (UserRole.IS, UserRole.GS), (_E, _G), (1, 2, 3)),
        _row("2.2", "Top Up Device", False, False, (UserRole.IS, UserRole.GS), (_E, _G), (1, 2, 3)),
        _row("8.2", "Read Inventory", False, True, _ALL_ROLES, tuple(DeviceType), (8,)),
        _row("12.1", "Request WAN Matrix", False, True, _ALL_ROLES, (), (8,)),
    )
}


def definition(srv: str) -> ServiceRequestDefinition:
    """The catalogue row for an SRV; a DomainError names the SRVs served when it is unknown."""
    row = CATALOGUE.get(srv)  # the hot path: an SRV string as the catalogue spells it
    if row is not None:
        return row
    try:
        return CATALOGUE[str(srv).strip()]
    except KeyError:
        raise DomainError(f"unknown SRV {srv!r}: the catalogue serves {', '.join(CATALOGUE)}") from None
