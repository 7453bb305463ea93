"""The Smart Metering Inventory: what the DSP believes about each device (RULES §1).

The SMI firmware is the DSP's belief; what a device actually runs lives in `devices/`. Every MP105
problem lives in the gap between the two.
"""
from __future__ import annotations

from collections.abc import Iterator

from dsp.errors import DomainError
from dsp.identifiers import eui64, firmware_version
from dsp.vocabulary import NETWORK_OPERATOR_ROLE, SUPPLIER_ROLE, DeviceModel, DeviceStatus, DeviceType, UserRole


class SmiRecord:
    """One device in the SMI, with its status history (status, effective time), oldest first."""

    __slots__ = (
        "device_id",
        "device_type",
        "smets",
        "model",
        "firmware",
        "status",
        "history",
        "supplier",
        "network_operator",
        "gpf",
        "gsme",
        "chf",
        "other_eligible_users",
    )

    def __init__(
        self,
        device_id: str,
        device_type: DeviceType,
        smets: int,
        model: DeviceModel,
        firmware: str,
        status: DeviceStatus,
        supplier: str,
        network_operator: str,
        since: float = 0.0,
    ) -> None:
        self.device_id = device_id
        self.device_type = device_type
        self.smets = smets
        self.model = model
        self.firmware = firmware
        self.status = status
        self.history: list[tuple[DeviceStatus, float]] = [(status, since)]
        self.supplier = supplier
        self.network_operator = network_operator
        self.gpf: str | None = None  # a GSME's Gas Proxy Function
        self.gsme: str | None = None  # a GPF's GSME
        self.chf: str | None = None  # the Comms Hub Function a meter talks through
        self.other_eligible_users: tuple[str, ...] = ()  # ES / RSA users eligible for this device (E4)

    def set_status(self, status: DeviceStatus, now: float) -> None:
        self.status = status
        self.history.append((status, now))

    def status_before(self, status: DeviceStatus) -> DeviceStatus | None:
        """The status held immediately before the latest entry into `status` (R-CPL-3, R-E5-5)."""
        for i in range(len(self.history) - 1, 0, -1):
            if self.history[i][0] is status:
                return self.history[i - 1][0]
        return None

    def snapshot(self) -> dict[str, object]:
        """The record as plain values, for traces and evidence reports."""
        return {
            "device_id": self.device_id,
            "device_type": self.device_type.value,
            "smets": self.smets,
            "model": str(self.model),
            "firmware": self.firmware,
            "status": self.status.value,
            "history": [(s.value, t) for s, t in self.history],
            "supplier": self.supplier,
            "network_operator": self.network_operator,
            "gpf": self.gpf,
            "gsme": self.gsme,
            "chf": self.chf,
        }

    def __repr__(self) -> str:
        return f"SmiRecord({self.device_id} {self.device_type.value} {self.firmware} {self.status.value})"


class SmartMeteringInventory:
    """Device records by Device ID (O(1) look-ups)."""

    def __init__(self) -> None:
        self._records: dict[str, SmiRecord] = {}

    def add(
        self,
        device_id: str,
        device_type: DeviceType,
        firmware: str,
        *,
        supplier: str,
        network_operator: str,
        smets: int = 2,
        model: DeviceModel | None = None,
        status: DeviceStatus = DeviceStatus.COMMISSIONED,
        prior_status: DeviceStatus | None = None,
        since: float = 0.0,
    ) -> SmiRecord:
        """Add a device, checking every identifier at the edge.

        A device added as Suspended, Recovery or Recovered needs `prior_status`, the status it held
        before (R-CPL-3 restores it, R-E5-5 validates on it).
        """
        device_id = eui64(device_id)
        status = DeviceStatus.parse(status)
        if device_id in self._records:
            raise DomainError(f"device {device_id} is already in the SMI")
        if smets not in (1, 2):
            raise DomainError(f"SMETS version of {device_id} must be 1 or 2, got {smets!r}")
        record = SmiRecord(
            device_id,
            DeviceType.parse(device_type),
            smets,
            model or DeviceModel.default_for(DeviceType.parse(device_type)),
            firmware_version(firmware),
            status,
            eui64(supplier),
            eui64(network_operator),
            since,
        )
        if status in NEEDS_PRIOR_STATUS:
            if prior_status is None:
                raise DomainError(
                    f"device {device_id} added as {status.value} needs the status it held before (prior_status)"
                )
            give_prior_status(record, DeviceStatus.parse(prior_status), since)
        self._records[device_id] = record
        return record

    def add_record(self, record: SmiRecord) -> SmiRecord:
        """Add a record already built from trusted values (the simulator's bulk path)."""
        if record.device_id in self._records:
            raise DomainError(f"device {record.device_id} is already in the SMI")
        self._records[record.device_id] = record
        return record

    def pair_gas_proxy(self, gsme_id: str, gpf_id: str) -> None:
        gsme, gpf = self.get(gsme_id), self.get(gpf_id)
        if gsme.device_type is not DeviceType.GSME or gpf.device_type is not DeviceType.GPF:
            raise DomainError(f"cannot pair {gsme_id} with {gpf_id}: a GSME pairs with a GPF")
        gsme.gpf, gpf.gsme = gpf.device_id, gsme.device_id

    def pair_comms_hub(self, device_id: str, chf_id: str) -> None:
        device, chf = self.get(device_id), self.get(chf_id)
        if chf.device_type is not DeviceType.CHF:
            raise DomainError(f"cannot pair {device_id} with {chf_id}: {chf_id} is a {chf.device_type.value}, not a CHF")
        device.chf = chf.device_id

    def get(self, device_id: str) -> SmiRecord:
        record = self._records.get(device_id)
        if record is None:
            record = self._records.get(eui64(device_id))
        if record is None:
            raise DomainError(f"unknown device {device_id}: not in the SMI")
        return record

    def find(self, device_id: str) -> SmiRecord | None:
        """The record, or None (the E19 check)."""
        return self._records.get(device_id)

    def eligible_user(self, record: SmiRecord, user_id: str, role: UserRole) -> bool:
        """E4: is this user an Eligible User for the device?

        IS/GS: the responsible supplier (IS for electricity devices, GS for gas; CHF and PPMID either).
        ED/GT: the network operator. ES/RSA: listed on the record. OU: any device [model].
        """
        if role is _IS or role is _GS:
            device_type = record.device_type
            return user_id == record.supplier and (role is SUPPLIER_ROLE[device_type] or device_type in _DUAL_FUEL)
        if role is _ED or role is _GT:
            device_type = record.device_type
            return user_id == record.network_operator and (
                role is NETWORK_OPERATOR_ROLE[device_type] or device_type in _DUAL_FUEL
            )
        if role is UserRole.OU:
            return True
        return user_id in record.other_eligible_users

    def __contains__(self, device_id: object) -> bool:
        return device_id in self._records

    def __iter__(self) -> Iterator[SmiRecord]:
        return iter(self._records.values())

    def __len__(self) -> int:
        return len(self._records)


# a device that starts in one of these statuses held another before (R-CPL-3 restores it, R-E5-5 validates on it)
NEEDS_PRIOR_STATUS = frozenset((DeviceStatus.SUSPENDED, DeviceStatus.RECOVERY, DeviceStatus.RECOVERED))


def give_prior_status(record: SmiRecord, prior: DeviceStatus, since: float) -> None:
    """Record that a device starting Suspended, Recovery or Recovered held `prior` before; Recovered comes
    out of Recovery (R-E5-5)."""
    record.history.insert(0, (prior, since))
    if record.status is DeviceStatus.RECOVERED:
        record.history.insert(1, (DeviceStatus.RECOVERY, since))
_DUAL_FUEL = frozenset((DeviceType.CHF, DeviceType.PPMID))
_IS, _GS, _ED, _GT = UserRole.IS, UserRole.GS, UserRole.ED, UserRole.GT
