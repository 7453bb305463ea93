"""The Smart Metering Inventory: what the DSP believes about each device (RULES §1).

The SMI firmware is the DSP's belief; what a device actually runs lives in `devices/`. Every MP105
problem lives in the gap between the two.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Protocol

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
    in_fleet: ClassVar[bool] = False  # True for a record over a fleet's arrays (dsp.fleet_records)

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


class FleetStore(Protocol):
    """A fleet's records held as arrays (dsp.fleet_records.FleetRecords), as the inventory uses them."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[SmiRecord]: ...

    def index_of(self, device_id: str) -> int: ...

    def record(self, i: int, device_id: str | None = None) -> SmiRecord: ...

    def lookup(self, device_id: str) -> SmiRecord | None: ...

    def suspend_where(
        self, device_type: DeviceType, model: DeviceModel, firmware: str, suspendable: frozenset[DeviceStatus], now: float
    ) -> int: ...


class SmartMeteringInventory:
    """Device records by Device ID (O(1) look-ups).

    Records added one by one live in a dictionary. A simulated fleet can be attached as arrays instead
    (`attach_fleet`, dsp.fleet_records): its records are made when looked up, kept in the same dictionary
    while in use, and retired in bulk when many are (they hold no state of their own, so nothing is lost).
    Iteration gives the records added one by one first, in the order added, then the fleet's in index order.
    """

    def __init__(self) -> None:
        self._records: dict[str, SmiRecord] = {}
        self._fleet: FleetStore | None = None
        self._own = 0  # records added one by one (the rest of the dictionary: the fleet's in use)
        self._retired: dict[str, SmiRecord] = {}  # the fleet's records in use before the last retirement

    def attach_fleet(self, fleet: FleetStore) -> None:
        """Hold a fleet's records as arrays (the simulator's bulk path: trusted values, IDs not in use)."""
        if self._fleet is not None:
            raise DomainError("the SMI already holds a fleet")
        self._fleet = fleet

    @property
    def fleet(self) -> FleetStore | None:
        """The fleet held as arrays, if any."""
        return self._fleet

    def own_records(self) -> list[SmiRecord]:
        """The records added one by one, in the order added."""
        if self._fleet is None:
            return list(self._records.values())
        return [r for r in self._records.values() if not r.in_fleet]

    def _from_fleet(self, device_id: str) -> SmiRecord | None:
        fleet = self._fleet
        if fleet is None:
            return None
        record = self._retired.pop(device_id, None) or fleet.lookup(device_id)
        if record is None:
            return None
        if len(self._records) - self._own >= RETIRE_AT:
            self._retire()
        self._records[device_id] = record
        return record

    def _retire(self) -> None:
        """Two generations: the fleet's records in use move aside (found again there while they are in use,
        let go at the next retirement). A fleet record holds no state of its own, so nothing is lost."""
        own: dict[str, SmiRecord] = {}
        retired: dict[str, SmiRecord] = {}
        for k, r in self._records.items():
            (retired if r.in_fleet else own)[k] = r
        self._records, self._retired = own, retired

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
        if device_id in self:
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
        self._own += 1
        return record

    def add_record(self, record: SmiRecord) -> SmiRecord:
        """Add a record already built from trusted values (the simulator's bulk path)."""
        if record.device_id in self:
            raise DomainError(f"device {record.device_id} is already in the SMI")
        self._records[record.device_id] = record
        self._own += 1
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
        record = self._records.get(device_id) or self.find(device_id)
        if record is None:
            record = self.find(eui64(device_id))
        if record is None:
            raise DomainError(f"unknown device {device_id}: not in the SMI")
        return record

    def find(self, device_id: str) -> SmiRecord | None:
        """The record, or None (the E19 check)."""
        record = self._records.get(device_id)
        if record is None and self._fleet is not None:
            return self._from_fleet(device_id)
        return record

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
        return isinstance(device_id, str) and self.find(device_id) is not None

    def __iter__(self) -> Iterator[SmiRecord]:
        fleet = self._fleet
        if fleet is None:
            return iter(self._records.values())
        return self._with_fleet(fleet)

    def _with_fleet(self, fleet: FleetStore) -> Iterator[SmiRecord]:
        yield from self.own_records()
        yield from fleet

    def __len__(self) -> int:
        return self._own + (len(self._fleet) if self._fleet is not None else 0)


RETIRE_AT = 65536  # a fleet's records in use before the idle ones are retired


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
