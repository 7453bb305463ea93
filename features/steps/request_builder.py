"""The Service Request a When step means: its sender, target, Command Variant and body, from the step's words.

- SRVs: any SRV of the DUIS request matrix. 11.1 needs `distributing`, 11.3 `activating`; a Non-Device SR
  is addressed to the DCC Access Control Broker and names the device in its body (12.1 names none).
- The Command Variant is the first of the SRV's kind (1 Non-Critical, 4 Critical, 8 Non-Device) unless the
  step names one; `for local delivery` is CV 3 (CV 7 for a Critical SR: its Signed Pre-Command, R-E17-1).
- A device `not in the inventory` has no SMI record: its supplier and network operator are the standard
  electricity ones, and the request is built as for an ESME.
"""
from __future__ import annotations

from typing import Protocol

from devices import Device
from dsp import (
    DataServiceProvider,
    DeviceModel,
    DeviceType,
    ServiceRequest,
    ServiceUser,
    SmiRecord,
    definition,
    firmware_version,
    image_hash,
)
from dsp.errors import DomainError
from dsp.identities import DCC_ACCESS_CONTROL_BROKER as DCC  # BusinessTargetID of Non-Device SRs

_LOCAL_NON_CRITICAL, _LOCAL_SIGNED = 3, 7


class Scenario(Protocol):
    """What building a request needs of a scenario (features.steps.context.ScenarioContext is one)."""

    dsp: DataServiceProvider
    devices: dict[str, Device]
    users: dict[str, ServiceUser]
    unregistered: ServiceUser

    @property
    def now(self) -> float: ...
    def device_id(self, name: str) -> str: ...


def build_request(
    sm: Scenario,
    who: str,
    srv: str,
    name: str,
    request_id: str,
    *,
    cv: str | None = None,
    firmware: str | None = None,
    execute_in: float | None = None,
    local: bool = False,
    cancels: bool = False,
    to_device: bool = False,
) -> ServiceRequest:
    """`to_device`: a Non-Device request addressed to the device instead of the DCC (R-E19-2)."""
    row = definition(srv)
    srv = row.srv
    if to_device and not row.non_device:
        raise DomainError(f"SR {srv} is addressed to its device anyway: only a Non-Device SR can be misaddressed")
    device_id = sm.device_id(name)
    record = sm.dsp.inventory.find(device_id)
    user = sender(sm, who, record)
    if cv is not None:
        variant = int(cv)
    elif local:
        variant = _LOCAL_SIGNED if row.critical else _LOCAL_NON_CRITICAL
    else:
        variant = min(row.command_variants)
    fields: dict = {"command_variant": variant, "request_id": f"{user.user_id}:{device_id}:{request_id}"}
    target = device_id
    if srv == "11.1":
        if firmware is None:
            raise DomainError(f'SR 11.1 distributes an image: write the step as ... sends SR 11.1 to "{name}" distributing "<firmware>"')
        version = firmware_version(firmware)
        fields.update(device_list=(device_id,), firmware_version=version, firmware_hash=image_for(sm, record, version))
        target = device_id if to_device else DCC
    elif srv == "11.3":
        if cancels:
            fields.update(cancels=True, firmware_hash=_scheduled_hash(sm, device_id, record))
        elif firmware is None:
            raise DomainError(f'SR 11.3 activates an image: write the step as ... sends SR 11.3 to "{name}" activating "<firmware>"')
        else:
            fields["firmware_hash"] = image_for(sm, record, firmware_version(firmware))
            if execute_in is not None:
                fields["execution_time"] = sm.now + execute_in
    elif firmware is not None or execute_in is not None:
        raise DomainError(f"SR {srv} carries no firmware image: drop the \"distributing\"/\"activating\" part")
    elif row.non_device:
        target = device_id if to_device else DCC
        if srv != "12.1":
            fields["device_list"] = (device_id,)  # 8.2 reads that device's inventory
    return ServiceRequest(srv, user, target, **fields)


def sender(sm: Scenario, who: str, record: SmiRecord | None) -> ServiceUser:
    """`the supplier` (the device's responsible supplier), `the network operator`, `another supplier` (a
    registered supplier that is not the device's), `an unregistered user`."""
    device_type = record.device_type if record is not None else DeviceType.ESME
    supplier_role, operator_role = device_type.supplier_role, device_type.network_operator_role
    if who == "the supplier":
        supplier = record.supplier if record is not None else sm.users["electricity supplier"].user_id
        return ServiceUser(supplier, supplier_role)
    if who == "the network operator":
        operator = record.network_operator if record is not None else sm.users["electricity distributor"].user_id
        return ServiceUser(operator, operator_role)
    if who == "another supplier":
        return ServiceUser(sm.users["another supplier"].user_id, supplier_role)
    return ServiceUser(sm.unregistered.user_id, supplier_role)


def image_for(sm: Scenario, record: SmiRecord | None, firmware: str) -> bytes:
    """The image hash the CPL gives this version of the device's model (the supplier's image)."""
    device_type = record.device_type if record is not None else DeviceType.ESME
    model = record.model if record is not None else DeviceModel.default_for(device_type)
    entry = sm.dsp.cpl.find(device_type, model, firmware)
    return entry.image_hash if entry is not None else image_hash(device_type.value, str(model), firmware)


def _scheduled_hash(sm: Scenario, device_id: str, record: SmiRecord | None) -> bytes:
    """A cancellation repeats the 11.3 it cancels (DUIS: ExecutionDateTime 3000-12-31): its image hash."""
    device = sm.devices.get(device_id)
    scheduled = device.scheduled if device is not None else None
    if scheduled is not None and scheduled[1].image is not None:
        return scheduled[1].image.hash
    firmware = record.firmware if record is not None else "00000000"
    return image_for(sm, record, firmware)


__all__ = ["build_request", "image_for", "sender"]
