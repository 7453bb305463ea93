"""A parsed DUIS Request -> the DSP's :class:`dsp.messages.ServiceRequest`.

A DUIS Request names its sender (the RequestID's originator) but not the role the sender acts in: the
DCC knows each User ID's roles from its registration. So the mapping takes a *role resolver*;
:func:`registry_role_resolver` is the one the endpoint uses (the DSP's own user registry and SMI).
Date-times become simulated seconds through a :class:`dsp.duis.clock.DuisClock`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import TypedDict

from dsp.catalogue import CATALOGUE, SERVED
from dsp.duis.bodies import (
    ActivateFirmware,
    ReadFirmwareVersion,
    ReadInventory,
    UpdateFirmware,
    UpdateSecurityCredentialsCoS,
)
from dsp.duis.clock import DuisClock
from dsp.duis.envelope import DuisRequest
from dsp.duis.errors import DuisError
from dsp.errors import DomainError
from dsp.identifiers import eui64, firmware_version
from dsp.inventory import SmartMeteringInventory
from dsp.messages import ServiceRequest
from dsp.users import ServiceUser, UserRegistry
from dsp.vocabulary import UserRole

__all__ = ["NotInCatalogue", "RoleResolver", "registry_role_resolver", "to_service_request"]

RoleResolver = Callable[[DuisRequest], UserRole]

# The model's SRVs and the DUIS body element each one must carry
_BODY_OF = {
    "11.1": "UpdateFirmware",
    "11.2": "ReadFirmwareVersion",
    "11.3": "ActivateFirmware",
    "6.23": "UpdateSecurityCredentialsCoS",
    "2.2": "TopUpDevice",
    "8.2": "ReadInventory",
    "12.1": "RequestWANMatrix",
}


class _Common(TypedDict):
    """The ServiceRequest fields every SRV's mapping fills the same way."""

    user: ServiceUser
    target: str
    command_variant: int
    request_id: str


class NotInCatalogue(DuisError):
    """The request is well formed, but its SRV is not one of the DUIS request matrix."""


def to_service_request(request: DuisRequest, roles: RoleResolver, clock: DuisClock | None = None) -> ServiceRequest:
    """The Service Request the DSP model takes for ``request``.

    An SRV the model does not serve maps to its sender, target and named devices (what Table 22 needs).
    Raises :class:`NotInCatalogue` for an SRV outside the DUIS request matrix and :class:`DuisError` for
    a body that does not fit its SRV or a value the model cannot take (one line, saying where).
    """
    clock = clock or DuisClock()
    srv = request.service_reference_variant
    if srv not in CATALOGUE:
        raise NotInCatalogue(
            f"SRV {srv} is not an SRV of the DUIS request matrix (the model serves {', '.join(sorted(SERVED, key=_srv_key))})"
        )
    expected = _BODY_OF.get(srv)  # the served SRVs' bodies; the XSD ties every other SRV to its body
    if expected is not None and request.body_kind != expected:
        raise DuisError(f"SRV {srv} carries sr:{request.body_kind}, expected sr:{expected}")
    if request.service_reference != ".".join(srv.split(".")[:2]):
        raise DuisError(f"ServiceReference {request.service_reference} does not match ServiceReferenceVariant {srv}")
    try:
        user = ServiceUser(eui64(request.user_id), roles(request))
        target = eui64(request.target_id)
    except DomainError as error:
        raise DuisError(f"sr:RequestID: {error}") from None
    common: _Common = dict(
        user=user, target=target, command_variant=request.command_variant, request_id=str(request.request_id)
    )
    body = request.body
    if expected is None:
        # An SRV the model does not serve: Table 22 needs the sender, the target and, for a Non-Device
        # request, the devices it names (11.4 lists them as 11.1 does); the DSP answers it after a pass
        named = tuple(eui64(d) for d in body.device_ids) if isinstance(body, UpdateFirmware) else ()
        return ServiceRequest(srv, **common, device_list=named)
    if isinstance(body, UpdateFirmware):
        try:
            version = firmware_version(body.firmware_version)
        except DomainError:
            raise DuisError(
                f"sr:UpdateFirmware/sr:FirmwareVersion: {body.firmware_version[:40]!r} is not 4 bytes of hex "
                "(the model keys the CPL by 8-hex-digit versions)"
            ) from None
        return ServiceRequest(
            srv,
            **common,
            device_list=tuple(eui64(d) for d in body.device_ids),
            firmware_version=version,
            firmware_hash=hashlib.sha256(body.firmware_image).digest(),  # R-DEV-1: the image's hash
        )
    if isinstance(body, ActivateFirmware):
        # A cancellation repeats the 11.3 with ExecutionDateTime 3000-12-31: it cancels the pending one
        return ServiceRequest(
            srv,
            **common,
            firmware_hash=bytes.fromhex(body.firmware_hash),
            execution_time=None if body.is_cancellation else _seconds(clock, body.execution_datetime),
            cancels=body.is_cancellation,
        )
    if isinstance(body, UpdateSecurityCredentialsCoS) and body.is_cancellation:
        # like 11.3: 3000-12-31 cancels the pending future-dated 6.23, it does not schedule one in year 3000
        return ServiceRequest(srv, **common, cancels=True)
    if isinstance(body, (ReadFirmwareVersion, UpdateSecurityCredentialsCoS)):
        return ServiceRequest(srv, **common, execution_time=_seconds(clock, body.execution_datetime))
    if isinstance(body, ReadInventory):
        # [model] the SMI holds no addresses or MPxNs: a search by UPRN, MPxN or PropertyFilter returns
        # every device the user is eligible for (the DSP caps nothing; the rendered answer holds 17)
        devices = (body.device_id,) if body.device_id is not None else ()
        return ServiceRequest(srv, **common, device_list=devices)
    return ServiceRequest(srv, **common)


def registry_role_resolver(users: UserRegistry, inventory: SmartMeteringInventory) -> RoleResolver:
    """Resolve a sender's role from its registration: of the roles the User ID holds, the one that is
    an eligible user for the target device (IS or GS by fuel, ED or GT), else one the SRV allows.

    An unknown User ID resolves to OU, a role it does not hold, so the DSP answers E1 (Table 22).
    """

    def resolve(request: DuisRequest) -> UserRole:
        try:
            user_id = eui64(request.user_id)
        except DomainError:
            return UserRole.OU
        held = sorted(users.roles_of(user_id), key=lambda r: list(UserRole).index(r))
        if not held:
            return UserRole.OU
        if len(held) == 1:
            return held[0]
        targets = _targets(request)
        for role in held:
            if targets and all(
                (record := inventory.find(t)) is not None and inventory.eligible_user(record, user_id, role)
                for t in targets
            ):
                return role
        row = CATALOGUE.get(request.service_reference_variant)
        allowed = [r for r in held if row is None or r in row.roles]
        return (allowed or held)[0]

    return resolve


def _targets(request: DuisRequest) -> tuple[str, ...]:
    body = request.body
    try:
        if isinstance(body, UpdateFirmware):
            return tuple(eui64(d) for d in body.device_ids)
        if isinstance(body, ReadInventory):
            return (eui64(body.device_id),) if body.device_id else ()
        return (eui64(request.target_id),)
    except DomainError:
        return ()


def _seconds(clock: DuisClock, moment: datetime | None) -> float | None:
    return None if moment is None else clock.seconds(moment)


def _srv_key(srv: str) -> tuple[int, ...]:
    return tuple(int(p) for p in srv.split("."))
