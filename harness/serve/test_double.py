"""The test double's operations (the JSON endpoints under ``/test/``): what a supplier's team sets up
and looks at in the served world. Part of `DuisEndpoint`; every touch of the world is under its lock.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from devices import Device, GasProxyFunction
from dsp import DeviceModel, DeviceType
from dsp.catalogue import CATALOGUE
from dsp.duis.clock import DuisClock
from dsp.errors import DomainError
from dsp.identifiers import eui64, firmware_version
from dsp.vocabulary import CplStatus
from harness.serve.rtds_world import ServedWorld
from harness.sim.world import World

__all__ = ["TestDouble"]


class TestDouble:
    """The endpoint's test-double operations; `DuisEndpoint` provides the state they touch."""

    __test__ = False  # not a pytest test class, whatever its name
    served: ServedWorld
    world: World
    clock: DuisClock
    _lock: AbstractContextManager[Any]  # the world lock (harness/serve/state.py's WorldLock)
    _offset: float

    def _catch_up(self) -> None:
        raise NotImplementedError  # DuisEndpoint's

    def smi(self, device_id: str | None = None) -> Any:
        with self._lock:
            if device_id is None:
                return [self._snapshot(r.device_id) for r in self.world.dsp.inventory]
            return self._snapshot(eui64(device_id))

    def _snapshot(self, device_id: str) -> dict[str, Any]:
        record = self.world.dsp.inventory.get(device_id)
        snapshot = record.snapshot()
        device = self.world.devices.get(record.device_id)
        snapshot["device_runs"] = getattr(device, "running", None)
        if isinstance(device, GasProxyFunction):
            snapshot["gpf_gsme_copy"] = device.gsme_copy
        return snapshot

    def set_device_firmware(self, device_id: str, version: str) -> dict[str, Any]:
        with self._lock:
            device = self._device(device_id)
            device.running = firmware_version(version)
            return self._snapshot(device.device_id)

    def suspend(self, device_id: str) -> dict[str, Any]:
        """Remove the device's SMI firmware from the CPL: R-CPL-1 suspends it, and every device on it."""
        with self._lock:
            self._catch_up()
            record = self.world.dsp.inventory.get(eui64(device_id))
            count = self.world.remove_from_cpl(record.device_type, record.model, record.firmware)
            return {
                "removed": {"device_type": record.device_type.value, "model": str(record.model), "firmware": record.firmware},
                "suspended": count,
                "record": self._snapshot(record.device_id),
            }

    def cpl(self) -> list[dict[str, Any]]:
        """Every CPL entry, with the image hash an 11.3 names it by."""
        with self._lock:
            return [
                {"device_type": e.device_type.value, "model": str(e.model), "firmware": e.firmware,
                 "status": e.status.value, "image_hash": e.image_hash.hex().upper()}
                for e in self.world.dsp.cpl.entries()
            ]

    def set_cpl(
        self, device_type: str, firmware: str, status: str, model: str | None, image_hash: str | None = None
    ) -> dict[str, Any]:
        """List a version as Current (optionally with the hash of its image, so that an 11.3 naming that
        hash activates it), or remove it (R-CPL-1 suspends the devices on it)."""
        kind = DeviceType.parse(device_type)
        version = firmware_version(firmware)
        chosen = DeviceModel.parse(model) if model else DeviceModel.default_for(kind)
        digest = _image_hash(image_hash)
        with self._lock:
            self._catch_up()
            cpl = self.world.dsp.cpl
            if CplStatus.parse(status) is CplStatus.CURRENT:
                listed = cpl.find(kind, chosen, version)
                if digest is not None and listed is not None and listed.image_hash != digest:
                    raise DomainError(
                        f"firmware {version} is already on the CPL for {kind.value} {chosen} with image hash "
                        f"{listed.image_hash.hex().upper()}: list a new version for another image"
                    )
                if digest is not None and listed is None and (other := cpl.by_hash(digest)) is not None:
                    raise DomainError(f"image hash {image_hash} already names {other.device_type.value} {other.firmware}")
                self.world.dsp.list_on_cpl(kind, chosen, version, digest)
                return {"listed": version, "suspended": 0, "image_hash": cpl.entry(kind, chosen, version).image_hash.hex().upper()}
            if digest is not None:
                raise DomainError("image_hash is given only when a version is listed as Current")
            return {"removed": version, "suspended": self.world.remove_from_cpl(kind, chosen, version)}

    def lose_next(self, device_id: str, srv: str, leg: str) -> dict[str, Any]:
        with self._lock:
            device = self._device(device_id)
            if srv not in CATALOGUE:
                raise DomainError(f"unknown SRV {srv!r}: not an SRV of the DUIS request matrix")
            self.world.lose_next(device.device_id, srv, leg)
            return {"device": device.device_id, "srv": srv, "leg": leg, "lost": "next"}

    def advance(self, seconds: float) -> dict[str, Any]:
        if not 0 <= seconds <= 10 * 365 * 86400:
            shown = str(seconds)
            raise DomainError(f"advance_seconds must be between 0 and ten years, got {shown[:40]}{'...' if len(shown) > 40 else ''}")
        seconds = float(seconds)
        with self._lock:
            self._offset += seconds
            self._catch_up()
            return {"sim_time": self.world.now, "datetime": self.clock.format(self.world.now)}

    def _device(self, device_id: str) -> Device:
        ident = eui64(device_id)
        device = self.world.devices.get(ident)
        if device is None:
            raise DomainError(f"unknown device {ident}: not in the served world")
        return device


def _image_hash(text: str | None) -> bytes | None:
    if text is None:
        return None
    try:
        digest = bytes.fromhex(text.strip())
    except ValueError:
        digest = b""
    if len(digest) != 32:
        raise DomainError(f"image_hash {text[:80]!r} is not 32 bytes of hex (the SHA-256 of the image)")
    return digest
