"""`sm-harness serve`: the DSP model behind DCC Boxed's DUIS paths, as an ASGI app (Starlette).

A Service User POSTs a DUIS Request (``application/xml``) to

| Path | Command Variants |
|---|---|
| ``/api/v1/serviceS`` | 1, 5 |
| ``/api/v1/serviceD`` | 2, 6, 8 |
| ``/api/v1/serviceT`` | 4 |

and gets the synchronous DUIS Response at once: the acknowledgement (I99), an E-code (Table 22), or
for a Non-Device SR its answer (8.2: I0 with the DSPInventory). What follows - the device's I0 response,
E21 after the response timeout, future-dated activation alerts, DCC alerts - is POSTed as DUIS XML to
``--deliver-to``, and kept in ``GET /test/outbox``.

**Signatures are carried, not verified.** The endpoint reads past ``ds:Signature`` (the RTDS templates
carry placeholders); the GBCS payloads and SMETS1 signatures it renders are placeholders too: it holds
no keys. Do not use it to test signing or signature checks.

Time: simulated second 0 is the moment the server started; simulated time follows the wall clock (plus
whatever ``POST /test/clock`` adds), so future-dated activations fire and response timeouts answer E21.

Bad input (malformed or unsafe XML, a DOCTYPE, a schema-invalid message, a wrong Command Variant for the
path, a body over the size limit, a body that does not fit its SRV) gets HTTP 400 with one line saying
what is wrong; an SRV the model does not serve gets the DUIS Response E11. Nothing a client sends
crashes or hangs the server.

Test-double endpoints (JSON), for a supplier's team to set up what they test against:

| Endpoint | What |
|---|---|
| ``GET /test/smi``, ``GET /test/smi/{device}`` | SMI records (and what the device really runs) |
| ``POST /test/devices/{device}/firmware`` ``{"version": "0200BBBB"}`` | set what the device runs |
| ``POST /test/devices/{device}/suspend`` | remove the device's SMI firmware from the CPL (R-CPL-1: suspends every device on it) |
| ``POST /test/cpl`` ``{"device_type", "firmware", "status": "Current" or "Removed", "model"?}`` | change the CPL |
| ``POST /test/loss`` ``{"device": ..., "srv": "11.3", "leg": "response"}`` | lose the next such message |
| ``POST /test/clock`` ``{"advance_seconds": 3600}`` | let simulated time jump ahead |
| ``GET /test/outbox`` | what was delivered (or failed to be) |
| ``GET /health`` | rule set, simulated time, device count |
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


from devices import GasProxyFunction
from dsp import DeviceModel, DeviceType, ResponseCode, ServiceRequest, ServiceResponse
from dsp.catalogue import CATALOGUE
from dsp.duis.clock import DuisClock
from dsp.duis.codec import DuisCodec
from dsp.duis.envelope import parse_request
from dsp.duis.errors import DuisError
from dsp.duis.render import to_bytes
from dsp.duis.request_mapping import NotInCatalogue, registry_role_resolver
from dsp.duis.safe_xml import parse_xml
from dsp.duis.schema import validate
from dsp.errors import DomainError
from dsp.identifiers import eui64, firmware_version
from dsp.users import ServiceUser
from dsp.vocabulary import CplStatus, UserRole
from harness.serve.rtds_world import ServedWorld
from harness.sim.world import Exchange

log = logging.getLogger("sm_harness.serve")

PATH_VARIANTS = {
    "serviceS": frozenset((1, 5)),
    "serviceD": frozenset((2, 6, 8)),
    "serviceT": frozenset((4,)),
}
DEFAULT_MAX_BYTES = 16 << 20  # an 11.1 may carry ~10 MB of base64 image (UpdateFirmware/FirmwareImage)
OUTBOX_KEPT = 1000
XML = "application/xml"


@dataclass(frozen=True)
class EndpointConfig:
    schema: Path | None = None  # a DUIS XSD file or a folder of versions; None: no validation
    deliver_to: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    tick_seconds: float = 1.0  # how often simulated time catches up with the wall clock
    delivery_attempts: int = 3
    read_timeout: float = 30.0  # a body must arrive whole within this many seconds (no stalled uploads)
    # DUIS requests parsed and validated at once: each may hold a 16 MiB body and seconds of schema work,
    # so many big 11.1s at once would otherwise take the memory of all of them and starve the small ones
    concurrent_requests: int = 4


@dataclass(frozen=True)
class Reply:
    """What the endpoint answers one POST with."""

    status: int
    body: bytes
    media_type: str
    reason: str = ""


class BadRequest(Exception):
    """One line for an HTTP 400."""


class SlowBody(BadRequest):
    """The body did not arrive within the read timeout: one line for an HTTP 408."""


class DuisEndpoint:
    """The served world, its codec and clock, and the queue of messages to deliver.

    Every touch of the world happens under one lock (the world is single-threaded by design)."""

    def __init__(self, served: ServedWorld, config: EndpointConfig, *, wall: Callable[[], float] = time.monotonic):
        self.served = served
        self.world = served.world
        self.dsp = served.world.dsp
        self.config = config
        self.clock = DuisClock(datetime.now(UTC).replace(microsecond=0))
        self.codec = DuisCodec(self.clock, self.dsp.inventory, keep_images=False)  # renders no requests
        self.roles = registry_role_resolver(self.dsp.users, self.dsp.inventory)
        self._wall = wall
        self._started = wall()
        self._offset = 0.0
        self._lock = threading.Lock()
        self.outbox: deque[dict[str, Any]] = deque(maxlen=OUTBOX_KEPT)
        self._outbox_lock = threading.Lock()
        self._outgoing: deque[tuple[str, bytes]] = deque()
        self._alert_counter = 0  # the last DCC alert's ResponseID counter: each alert gets its own
        self._wake: Callable[[], object] = lambda: None
        self.world.alert_listener = self._on_alert

    # --- time -----------------------------------------------------------------------------------------

    def sim_now(self) -> float:
        return self._wall() - self._started + self._offset

    def catch_up(self) -> None:
        """Let simulated time reach the wall clock: future-dated activations fire, timeouts answer E21."""
        with self._lock:
            self._catch_up()

    def _catch_up(self) -> None:
        behind = self.sim_now() - self.world.now
        self.world.advance(behind if behind > 0 else 0.0)

    # --- the DUIS paths ---------------------------------------------------------------------------------

    def serve(self, path: str, raw: bytes) -> Reply:
        """Answer one DUIS Request POSTed to ``/api/v1/{path}``."""
        try:
            return self._serve(path, raw)
        except BadRequest as error:
            return _bad(str(error))
        except DuisError as error:
            return _bad(str(error))
        except DomainError as error:
            return _bad(str(error))
        except Exception as error:  # never crash: the client gets one line, the log the details
            log.exception("unexpected error serving %s", path)
            return Reply(500, f"sm-harness: internal error: {type(error).__name__}\n".encode(), "text/plain")

    def _serve(self, path: str, raw: bytes) -> Reply:
        variants = PATH_VARIANTS.get(path)
        if variants is None:
            raise BadRequest(f"unknown path /api/v1/{path}: use {', '.join('/api/v1/' + p for p in PATH_VARIANTS)}")
        root = parse_xml(raw, source="request body", max_bytes=self.config.max_bytes)
        if self.config.schema is not None:
            reasons = validate(root, self.config.schema)
            if reasons:
                more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
                raise BadRequest(f"request body is not valid DUIS: {reasons[0]}{more}")
        parsed = parse_request(root, source="request body")
        cv = parsed.command_variant
        if cv not in variants:
            home = next((p for p, v in PATH_VARIANTS.items() if cv in v), None)
            where = f"/api/v1/{home}" if home else "no DCC Boxed path"
            raise BadRequest(f"CommandVariant {cv} is not served at /api/v1/{path}: it belongs at {where}")
        with self._lock:
            self._catch_up()
            now = self.world.now
            try:
                request = self.codec.parse_request(parsed, self.roles)
            except NotInCatalogue as error:
                user = ServiceUser(parsed.user_id, UserRole.OU)
                unknown = ServiceRequest(parsed.service_reference_variant, user, parsed.target_id, cv, str(parsed.request_id))
                xml = self.codec.render(ServiceResponse(unknown, ResponseCode.E11, now))
                return Reply(200, xml, XML, str(error))
            row = CATALOGUE[request.srv]
            if cv not in row.command_variants:
                raise BadRequest(
                    f"CommandVariant {cv} is not valid for SR {request.srv}: expected one of {sorted(row.command_variants)}"
                )
            exchange = self.world.submit(request, self._on_response)
            sync = exchange.response
            if sync is None:
                raise BadRequest(f"SR {request.srv}: the DSP gave no synchronous answer")
            xml = self.codec.render(sync)
            self.world.settle()  # zero-latency consequences (the device's answer) go to the outbox
        return Reply(200, xml, XML, sync.code.value)

    # --- what is delivered later -----------------------------------------------------------------------

    def _on_response(self, exchange: Exchange, response: ServiceResponse | None) -> None:
        if response is not None:
            self._queue("response", self.codec.render(response))

    def _on_alert(self, alert) -> None:
        # The ResponseID counter is the alert's time in ms, bumped so that two alerts raised at the same
        # moment (R-CPL-1 suspending a whole model) never share a ResponseID.
        millis = int(round(self.clock.at(alert.time).timestamp() * 1000))
        self._alert_counter = max(millis, self._alert_counter + 1)
        self._queue("dcc_alert", to_bytes(self.codec.renderer.alert(alert, self._alert_counter)))

    def _queue(self, kind: str, xml: bytes) -> None:
        self._outgoing.append((kind, xml))
        self._wake()

    def on_queued(self, wake: Callable[[], object]) -> None:
        """Call `wake` (from any thread) whenever a message is queued for delivery."""
        self._wake = wake

    def take_outgoing(self) -> list[tuple[str, bytes]]:
        taken = []
        while self._outgoing:
            taken.append(self._outgoing.popleft())
        return taken

    def record(self, kind: str, xml: bytes, status: str) -> None:
        with self._outbox_lock:
            self.outbox.append({"kind": kind, "status": status, "xml": xml.decode("utf-8")})

    def delivered(self) -> list[dict[str, Any]]:
        with self._outbox_lock:
            return list(self.outbox)

    # --- the test double ---------------------------------------------------------------------------------

    def smi(self, device_id: str | None = None) -> Any:
        with self._lock:
            if device_id is None:
                return [self._snapshot(r.device_id) for r in self.dsp.inventory]
            return self._snapshot(eui64(device_id))

    def _snapshot(self, device_id: str) -> dict[str, Any]:
        record = self.dsp.inventory.get(device_id)
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
            record = self.dsp.inventory.get(eui64(device_id))
            count = self.world.remove_from_cpl(record.device_type, record.model, record.firmware)
            return {
                "removed": {"device_type": record.device_type.value, "model": str(record.model), "firmware": record.firmware},
                "suspended": count,
                "record": self._snapshot(record.device_id),
            }

    def set_cpl(self, device_type: str, firmware: str, status: str, model: str | None) -> dict[str, Any]:
        kind = DeviceType.parse(device_type)
        version = firmware_version(firmware)
        chosen = DeviceModel.parse(model) if model else DeviceModel.default_for(kind)
        with self._lock:
            self._catch_up()
            if CplStatus.parse(status) is CplStatus.CURRENT:
                self.dsp.list_on_cpl(kind, chosen, version)
                return {"listed": version, "suspended": 0}
            return {"removed": version, "suspended": self.world.remove_from_cpl(kind, chosen, version)}

    def lose_next(self, device_id: str, srv: str, leg: str) -> dict[str, Any]:
        with self._lock:
            device = self._device(device_id)
            if srv not in CATALOGUE:
                raise DomainError(f"unknown SRV {srv!r}: the catalogue serves {', '.join(CATALOGUE)}")
            self.world.lose_next(device.device_id, srv, leg)
            return {"device": device.device_id, "srv": srv, "leg": leg, "lost": "next"}

    def advance(self, seconds: float) -> dict[str, Any]:
        if not 0 <= seconds <= 10 * 365 * 86400:
            raise DomainError(f"advance_seconds must be between 0 and ten years, got {seconds}")
        with self._lock:
            self._offset += seconds
            self._catch_up()
            return {"sim_time": self.world.now, "datetime": self.clock.format(self.world.now)}

    def health(self) -> dict[str, Any]:
        return {
            "ruleset": self.served.ruleset.value,
            "scenario": self.served.scenario,
            "sim_time": self.world.now,
            "devices": len(self.dsp.inventory),
            "schema": str(self.config.schema) if self.config.schema else None,
            "deliver_to": self.config.deliver_to,
        }

    def _device(self, device_id: str):
        ident = eui64(device_id)
        device = self.world.devices.get(ident)
        if device is None:
            raise DomainError(f"unknown device {ident}: not in the served world")
        return device


def _bad(reason: str) -> Reply:
    return Reply(400, f"sm-harness: {reason}\n".encode(), "text/plain", reason)
