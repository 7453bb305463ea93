"""A fleet's SMI records as a struct of arrays: a GB-size inventory without a Python object per device.

A simulated fleet is laid out on a global device index (its IDs follow from the index, `Naming`). Its
records live here as a few bytes per device: a profile code (what a group of devices shares: type,
SMETS version, model, network operator, its history before the run, its gas pairing), the SMI firmware,
status and responsible supplier as codes, and the status changes since as small fixed arrays.

`FleetRecord` is an `SmiRecord` over that storage: its status, firmware and history read and write the
arrays, so it holds no state of its own and any number of them can stand for one device at once. The
inventory keeps the ones in use in its dictionary (so a look-up in the hot path costs what it always
did) and retires them in bulk when there are many: nothing is lost, because nothing was in them. The
fixed fields cannot be changed (AttributeError): a fleet that needs another is built with another profile.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from dsp.inventory import SmiRecord
from dsp.vocabulary import DeviceModel, DeviceStatus, DeviceType

_STATUSES: tuple[DeviceStatus, ...] = tuple(DeviceStatus)
_CODE = {status: code for code, status in enumerate(_STATUSES)}
TAIL = 2  # status changes held in the arrays per device; more go to a per-device list (rare)


class Naming(Protocol):
    """A fleet's ID scheme: the ID of a global device index, and back (-1: not an ID of the scheme)."""

    def name(self, index: int) -> str: ...

    def index(self, device_id: str) -> int: ...


@dataclass(frozen=True)
class Profile:
    """What a group of devices shares. `pair`: +1 a GSME whose GPF is the next device, -1 a GPF whose
    GSME is the previous one, 0 neither. `prefix`: the history every device of the group starts with."""

    device_type: DeviceType
    smets: int
    model: DeviceModel
    supplier: str
    network_operator: str
    prefix: tuple[tuple[DeviceStatus, float], ...]
    pair: int = 0


class FleetRecords:
    """The records of devices `first` .. `first + len - 1` of a fleet's global index, as arrays."""

    def __init__(self, naming: Naming, first: int = 0) -> None:
        self.naming = naming
        self.first = first
        self.profiles: list[Profile] = []
        self.strings: list[str] = []  # firmware versions by code
        self._string_code: dict[str, int] = {}
        self.profile = array("B")
        self.firmware = array("H")
        self.status = array("B")
        self.supplier = array("B")  # the responsible supplier, a code of `users` (starts as the profile's)
        self.users: list[str] = []
        self.changes = array("B")  # status changes since the start, per device
        self.tail_status = array("B")  # TAIL per device
        self.tail_time = array("d")  # TAIL per device
        self.overflow: dict[int, list[tuple[DeviceStatus, float]]] = {}  # changes beyond TAIL
        self._kinds: list[type[FleetRecord]] = []  # a record class per profile

    def __len__(self) -> int:
        return len(self.profile)

    def code_of(self, firmware: str) -> int:
        code = self._string_code.get(firmware)
        if code is None:
            code = self._string_code[firmware] = len(self.strings)
            self.strings.append(firmware)
        return code

    def user_code(self, user_id: str) -> int:
        if user_id not in self.users:
            if len(self.users) == 256:
                raise ValueError("a fleet has at most 256 suppliers")
            self.users.append(user_id)
        return self.users.index(user_id)

    def extend(self, units: int, members: list[tuple[Profile, str]]) -> None:
        """Append `units` units of devices, each unit the `members` (profile, firmware) in order (a GSME
        and its GPF make a unit of two), all in the status their profile's history ends with."""
        codes = []
        for profile, _ in members:
            if profile not in self.profiles:
                if len(self.profiles) == 256:
                    raise ValueError("a fleet holds at most 256 record profiles")
                self.profiles.append(profile)
                self._kinds.append(_kind(profile))
            codes.append(self.profiles.index(profile))
        size = units * len(members)
        self.profile.extend(array("B", codes) * units)
        self.firmware.extend(array("H", [self.code_of(f) for _, f in members]) * units)
        self.status.extend(array("B", [_CODE[p.prefix[-1][0]] for p, _ in members]) * units)
        self.supplier.extend(array("B", [self.user_code(p.supplier) for p, _ in members]) * units)
        self.changes.extend(bytes(size))
        self.tail_status.extend(bytes(size * TAIL))
        self.tail_time.extend(array("d", bytes(8 * size * TAIL)))

    def index_of(self, device_id: str) -> int:
        """The local index of a device of this fleet, or -1."""
        i = self.naming.index(device_id) - self.first
        return i if 0 <= i < len(self.profile) else -1

    def record(self, i: int, device_id: str | None = None) -> FleetRecord:
        """A record over device `i` (local index)."""
        return self.kind_of(i)(self, i, device_id or self.naming.name(self.first + i))

    def lookup(self, device_id: str) -> FleetRecord | None:
        """A record over the device of this ID, or None when it is not one of the fleet's."""
        i = self.naming.index(device_id) - self.first
        if 0 <= i < len(self.profile):
            kind = self._kinds[self.profile[i]]
            record = kind.__new__(kind)  # FleetRecord.__init__ in line: the look-up makes one per touch
            record._store, record._i, record.device_id = self, i, device_id
            return record
        return None

    def __iter__(self) -> Iterator[FleetRecord]:
        name, first, kind_of = self.naming.name, self.first, self.kind_of
        for i in range(len(self.profile)):
            yield kind_of(i)(self, i, name(first + i))

    # --- the arrays' side of a record ---------------------------------------------------------------

    def history(self, i: int) -> list[tuple[DeviceStatus, float]]:
        entries = list(self.profiles[self.profile[i]].prefix)
        n = self.changes[i]
        base = i * TAIL
        for k in range(min(n, TAIL)):
            entries.append((_STATUSES[self.tail_status[base + k]], self.tail_time[base + k]))
        if n > TAIL:
            entries.extend(self.overflow[i])
        return entries

    def status_before(self, i: int, status: DeviceStatus) -> DeviceStatus | None:
        """`SmiRecord.status_before` read from the arrays, newest first, without building the history."""
        n = self.changes[i]
        if n > TAIL:
            return _before(self.history(i), status)
        prefix = self.profiles[self.profile[i]].prefix
        tail, base, code = self.tail_status, i * TAIL, _CODE[status]
        for k in range(n - 1, -1, -1):
            if tail[base + k] == code:
                if k:
                    return _STATUSES[tail[base + k - 1]]
                if prefix:  # else the first entry of the history, which has none before it
                    return prefix[-1][0]
        return _before(prefix, status)

    def set_status(self, i: int, status: DeviceStatus, now: float) -> None:
        code = _CODE[status]
        self.status[i] = code
        n = self.changes[i]
        if n < TAIL:
            self.tail_status[i * TAIL + n] = code
            self.tail_time[i * TAIL + n] = now
        else:
            self.overflow.setdefault(i, []).append((status, now))
        self.changes[i] = min(n + 1, 255)
        if n == 255:
            raise ValueError(f"device {self.naming.name(self.first + i)}: more than 255 status changes")

    def replace_history(self, i: int, history: list[tuple[DeviceStatus, float]]) -> None:
        """Device `i`'s whole history (a saved state put back): its profile's prefix, then the changes."""
        prefix = self.profiles[self.profile[i]].prefix
        changes = history[len(prefix):]
        if tuple(history[:len(prefix)]) != prefix:
            raise ValueError(f"device {self.naming.name(self.first + i)}: a history that does not start as its "
                             f"fleet's does ({prefix})")
        if len(changes) > 255:
            raise ValueError(f"device {self.naming.name(self.first + i)}: more than 255 status changes")
        base = i * TAIL
        for k, (status, since) in enumerate(changes[:TAIL]):
            self.tail_status[base + k] = _CODE[status]
            self.tail_time[base + k] = since
        self.overflow.pop(i, None)
        if len(changes) > TAIL:
            self.overflow[i] = list(changes[TAIL:])
        self.changes[i] = len(changes)

    def suspend_where(
        self, device_type: DeviceType, model: DeviceModel, firmware: str, suspendable: frozenset[DeviceStatus], now: float
    ) -> int:
        """Suspend every device of this type, model and SMI firmware whose status allows (R-CPL-1, the
        caller's rule); returns how many."""
        matching = {k for k, p in enumerate(self.profiles) if p.device_type is device_type and p.model == model}
        code = self._string_code.get(firmware)
        if not matching or code is None:
            return 0
        allowed = {_CODE[s] for s in suspendable}
        profile, fw, status = self.profile, self.firmware, self.status
        count = 0
        set_status, suspended = self.set_status, DeviceStatus.SUSPENDED
        for i in range(len(profile)):
            if fw[i] == code and status[i] in allowed and profile[i] in matching:
                set_status(i, suspended, now)
                count += 1
        return count

    def kind_of(self, i: int) -> type[FleetRecord]:
        """The record class of device `i`: its profile's fixed fields as class attributes."""
        return self._kinds[self.profile[i]]


class FleetRecord(SmiRecord):
    """An SMI record of a fleet held as arrays (`FleetRecords`): status, firmware and history live there;
    the responsible supplier too (a supplier population re-assigns it); the fixed fields (type, SMETS
    version, model, network operator, pairing) are its profile's, read-only (a subclass per profile holds
    them as class attributes)."""

    __slots__ = ("_store", "_i")
    in_fleet = True

    def __init__(self, store: FleetRecords, i: int, device_id: str) -> None:  # no SmiRecord state to set up
        self._store = store
        self._i = i
        self.device_id = device_id

    @property
    def status(self) -> DeviceStatus:
        return _STATUSES[self._store.status[self._i]]

    @status.setter
    def status(self, value: DeviceStatus) -> None:
        self._store.status[self._i] = _CODE[value]

    @property
    def supplier(self) -> str:
        store = self._store
        return store.users[store.supplier[self._i]]

    @supplier.setter
    def supplier(self, value: str) -> None:
        store = self._store
        store.supplier[self._i] = store.user_code(value)

    @property
    def firmware(self) -> str:
        store = self._store
        return store.strings[store.firmware[self._i]]

    @firmware.setter
    def firmware(self, value: str) -> None:
        store = self._store
        store.firmware[self._i] = store.code_of(value)

    @property
    def history(self) -> list[tuple[DeviceStatus, float]]:
        """The status history (a copy: change it with `set_status`)."""
        return self._store.history(self._i)

    @history.setter
    def history(self, value: list[tuple[DeviceStatus, float]]) -> None:
        self._store.replace_history(self._i, value)

    def set_status(self, status: DeviceStatus, now: float) -> None:
        self._store.set_status(self._i, status, now)

    def status_before(self, status: DeviceStatus) -> DeviceStatus | None:
        return self._store.status_before(self._i, status)


def _before(history: Sequence[tuple[DeviceStatus, float]], status: DeviceStatus) -> DeviceStatus | None:
    """The status held immediately before the latest entry into `status` (SmiRecord.status_before)."""
    for i in range(len(history) - 1, 0, -1):
        if history[i][0] is status:
            return history[i - 1][0]
    return None


def _gpf(record: FleetRecord) -> str:
    store = record._store
    return store.naming.name(store.first + record._i + 1)


def _gsme(record: FleetRecord) -> str:
    store = record._store
    return store.naming.name(store.first + record._i - 1)


def _kind(p: Profile) -> type[FleetRecord]:
    """A FleetRecord class whose fixed fields are the profile's."""
    fixed: dict[str, object] = {
        "__slots__": (),
        "device_type": p.device_type,
        "smets": p.smets,
        "model": p.model,
        "network_operator": p.network_operator,
        "gpf": property(_gpf) if p.pair > 0 else None,
        "gsme": property(_gsme) if p.pair < 0 else None,
        "chf": None,
        "other_eligible_users": (),
    }
    return type(f"FleetRecord{p.device_type.value}", (FleetRecord,), fixed)
