"""The Central Products List: which firmware versions of which device models are Current or Removed.

Only the list itself lives here; what removal does to devices (R-CPL-1) is `dsp.suspension`.
"""
from __future__ import annotations

from dataclasses import dataclass

from dsp.errors import DomainError
from dsp.identifiers import firmware_version, image_hash
from dsp.vocabulary import CplStatus, DeviceModel, DeviceType


@dataclass(slots=True)
class CplEntry:
    """(device type, model, firmware version) -> status and the 32-byte image hash."""

    device_type: DeviceType
    model: DeviceModel
    firmware: str
    status: CplStatus
    image_hash: bytes


class CentralProductsList:
    def __init__(self) -> None:
        self._entries: dict[tuple[DeviceType, DeviceModel, str], CplEntry] = {}
        self._by_hash: dict[bytes, CplEntry] = {}

    def add(
        self,
        device_type: DeviceType,
        model: DeviceModel,
        firmware: str,
        status: CplStatus = CplStatus.CURRENT,
        image_hash_: bytes | None = None,
    ) -> CplEntry:
        """Add an entry, or set the status of an existing one."""
        firmware = firmware_version(firmware)
        key = (device_type, model, firmware)
        entry = self._entries.get(key)
        if entry is None:
            digest = image_hash_ or image_hash(device_type.value, str(model), firmware)
            if len(digest) != 32:
                raise DomainError(f"firmware image hash for {firmware} must be 32 bytes, got {len(digest)}")
            entry = CplEntry(device_type, model, firmware, status, digest)
            self._entries[key] = entry
            self._by_hash[digest] = entry
        else:
            entry.status = status
        return entry

    def status_of(self, device_type: DeviceType, model: DeviceModel, firmware: str) -> CplStatus | None:
        """CPL(v) of RULES §5: Current, Removed, or None when the version is not listed for the model."""
        entry = self._entries.get((device_type, model, firmware))
        return entry.status if entry is not None else None

    def entry(self, device_type: DeviceType, model: DeviceModel, firmware: str) -> CplEntry:
        try:
            return self._entries[(device_type, model, firmware)]
        except KeyError:
            raise DomainError(f"firmware {firmware} is not on the CPL for {device_type.value} {model}") from None

    def find(self, device_type: DeviceType, model: DeviceModel, firmware: str) -> CplEntry | None:
        return self._entries.get((device_type, model, firmware))

    def by_hash(self, digest: bytes) -> CplEntry | None:
        """The entry whose image has this hash (how the DSP knows which image an 11.3 activates)."""
        return self._by_hash.get(digest)

    def entries(self) -> list[CplEntry]:
        return list(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)
