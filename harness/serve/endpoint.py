"""`sm-harness serve`: the DSP model behind DCC Boxed's DUIS paths, as an ASGI app (Starlette).

A Service User POSTs a DUIS Request (``application/xml``) to the path of its Command Variant
(`harness.serve.routing`):

| Path | Command Variants |
|---|---|
| ``/api/v1/serviceS`` | 1, 3, 5, 7 |
| ``/api/v1/serviceD`` | 2, 6, 8 |
| ``/api/v1/serviceT`` | 4 |

and gets the synchronous DUIS Response at once: the acknowledgement (I99), an E-code (Table 22; E13 at
the wrong path, E12 for a Command Variant the request does not take), a Non-Device SR's answer (8.2: I0
with the DSPInventory), or for a Critical SR at the Transform Service its Pre-Command (I0), which the
User signs and sends back as a Signed Pre-Command (CV 5: `harness.serve.transform_service`). What follows
- the device's I0 response, E21 after the response timeout, future-dated activation alerts, DCC alerts -
is queued in the outbox (harness/serve/outbox.py), POSTed as DUIS XML to ``--deliver-to`` with retries
(harness/serve/delivery.py), and shown in ``GET /test/outbox``. With ``--state PATH`` the SMI, the CPL,
the pending transforms and the outbox are kept in SQLite and survive a restart (harness/serve/state.py).

**Signatures** (`harness.serve.signing`): without ``--trust`` they are carried, not checked; with it,
every request's XML signature (and a Signed Pre-Command's GBCS signature) must be a trusted
originator's. With ``--signing-key``/``--signing-cert`` every message sent is signed as DCC Boxed signs.

Time: simulated second 0 is the moment the server started; simulated time follows the wall clock (plus
whatever ``POST /test/clock`` adds), so future-dated activations fire and response timeouts answer E21.

Bad input (malformed or unsafe XML, a DOCTYPE, a schema-invalid message, a number that is no Command
Variant, an SRV outside the DUIS request matrix, a body over the size limit, a body that does not fit its
SRV) gets HTTP 400 with one line saying what is wrong; a path that is no DUIS path gets 404. Nothing a
client sends crashes or hangs the server.

Test-double endpoints (JSON, `harness.serve.test_double`), for a supplier's team to set up what they
test against:

| Endpoint | What |
|---|---|
| ``GET /test/smi``, ``GET /test/smi/{device}`` | SMI records (and what the device really runs) |
| ``POST /test/devices/{device}/firmware`` ``{"version": "0200BBBB"}`` | set what the device runs |
| ``POST /test/devices/{device}/suspend`` | remove the device's SMI firmware from the CPL (R-CPL-1: suspends every device on it) |
| ``GET /test/cpl`` | the CPL, with each image's hash |
| ``POST /test/cpl`` ``{"device_type", "firmware", "status": "Current" or "Removed", "model"?, "image_hash"?}`` | change the CPL |
| ``POST /test/loss`` ``{"device": ..., "srv": "11.3", "leg": "response"}`` | lose the next such message |
| ``POST /test/clock`` ``{"advance_seconds": 3600}`` | let simulated time jump ahead |
| ``GET /test/outbox?state=pending&after=0&limit=100`` | the outbox, a page at a time, with counts by state |
| ``GET /health`` | rule set, simulated time, device count, signatures, pending transforms, decisions |
"""
from __future__ import annotations

import logging
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dsp import DccAlert, ResponseCode, ServiceRequest, ServiceResponse
from dsp.catalogue import CATALOGUE, SIGNED_PRE_COMMANDS, TRANSFORM, ServiceRequestDefinition
from dsp.duis.clock import DuisClock
from dsp.duis.codec import DuisCodec
from dsp.duis.envelope import DuisRequest, parse_request
from dsp.duis.errors import DuisError
from dsp.duis.request_mapping import registry_role_resolver
from dsp.duis.safe_xml import parse_xml
from dsp.duis.schema import validate, version_folder
from dsp.errors import DomainError
from harness.serve.answers import Answer, refusal
from harness.serve.decisions import ServeDecisions
from harness.serve.outbox import DeliveryPolicy
from harness.serve.routing import PATH_VARIANTS, home_of, misfit, misrouted
from harness.serve.rtds_world import ServedWorld
from harness.serve.signing import Signatures
from harness.serve.state import ServeState, StoredTransforms, WorldLock, identity_of, wall_clock
from harness.serve.test_double import TestDouble
from harness.serve.transform_service import TransformService
from harness.serve.transforms import TransformStore
from harness.serve.world_state import WorldMirror
from harness.sim.world import Exchange

log = logging.getLogger("sm_harness.serve")

DEFAULT_MAX_BYTES = 16 << 20  # an 11.1 may carry ~10 MB of base64 image (UpdateFirmware/FirmwareImage)
XML = "application/xml"


@dataclass(frozen=True)
class EndpointConfig:
    schema: Path | None = None  # a DUIS XSD file or a folder of versions; None: no validation
    deliver_to: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    tick_seconds: float = 1.0  # how often simulated time catches up with the wall clock
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)  # retries, hold period, timeouts
    read_timeout: float = 30.0  # a body must arrive whole within this many seconds (no stalled uploads)
    # DUIS requests parsed and validated at once: each may hold a 16 MiB body and seconds of schema work,
    # so many big 11.1s at once would otherwise take the memory of all of them and starve the small ones
    concurrent_requests: int = 4
    decisions: ServeDecisions = field(default_factory=ServeDecisions)
    # bytes of bodies over 1 MiB being received at once (each reserves its declared length): 8 of 16 MiB
    bodies_in_flight_bytes: int = 8 * DEFAULT_MAX_BYTES


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


class NotFound(BadRequest):
    """A path that is no DUIS path: one line for an HTTP 404."""


class DuisEndpoint(TestDouble):
    """The served world, its codec and clock, its signatures and pending transforms, and the queue of
    messages to deliver. Every touch of the world happens under one lock (the world is single-threaded),
    which is also the state's transaction (`harness.serve.state.WorldLock`): a request's effects are
    written together. `state` is the --state database (default: one in memory); a saved state is
    restored into the served world, and simulated time goes on from where it was."""

    def __init__(
        self,
        served: ServedWorld,
        config: EndpointConfig,
        *,
        wall: Callable[[], float] = time.monotonic,
        signatures: Signatures | None = None,
        transforms: TransformStore | None = None,
        state: ServeState | None = None,
    ):
        self.served = served
        self.world = served.world
        self.dsp = served.world.dsp
        self.config = config
        self.state = state or ServeState.open(None, identity_of(served.ruleset.value, served.scenario), config.delivery)
        saved = self.state.meta("clock")  # a restart: simulated time goes on from the first start
        epoch = datetime.fromisoformat(saved["epoch"]) if saved else datetime.now(UTC).replace(microsecond=0)
        self.clock = DuisClock(epoch)
        self.codec = DuisCodec(self.clock, self.dsp.inventory, keep_images=False)  # renders no requests
        self.roles = registry_role_resolver(self.dsp.users, self.dsp.inventory)
        self._wall = wall
        self._started = wall() - (max(0.0, wall_clock() - epoch.timestamp()) if saved else 0.0)
        self._offset = float(saved["offset"]) if saved else 0.0
        self._saved_clock: dict[str, Any] | None = saved
        self.mirror = WorldMirror(self.state, self.world)
        self._lock = WorldLock(self.state, self._sync)
        self._taken = self.state.outbox.last_id()  # take_outgoing() returns what this endpoint queued
        self._quiet = False
        self._alert_counter = int(saved["alert_counter"]) if saved else 0  # each DCC alert's own ResponseID counter
        self._wake: Callable[[], object] = lambda: None
        self.world.alert_listener = self._on_alert
        self.signatures = signatures or Signatures()
        self.decisions = decisions = config.decisions
        self.transforms = transforms or StoredTransforms(self.state, decisions.transform_limit, decisions.transform_ttl)
        self.transform_service = TransformService(
            self.dsp, self.codec, self.roles, self.transforms, decisions, self.signatures
        )
        self._stand_ins: set[str] = set()  # schemaVersions read with a lower version's XSD (said once)
        with self._lock:  # a saved state into the world, or the first snapshot of a new one
            self.restored = self.mirror.restore() if saved else 0
            self._catch_up()

    def _sync(self) -> None:
        """Write what the world (and the clock) changed: called as the world lock is released."""
        if self._quiet:  # a clock tick with nothing due (the tick's cost with a large fleet)
            self._quiet = False
            return
        self.mirror.sync()
        clock = {"epoch": self.clock.epoch.isoformat(), "offset": self._offset, "alert_counter": self._alert_counter}
        if clock != self._saved_clock:
            self.state.set_meta("clock", clock)
            self._saved_clock = clock

    # --- time -----------------------------------------------------------------------------------------

    def sim_now(self) -> float:
        return self._wall() - self._started + self._offset

    def catch_up(self) -> None:
        """Let simulated time reach the wall clock: future-dated activations fire, timeouts answer E21."""
        with self._lock:
            self._quiet = not self.world.due_by(self.sim_now())  # nothing due: nothing to write either
            self._catch_up()

    def _catch_up(self) -> None:
        behind = self.sim_now() - self.world.now
        self.world.advance(behind if behind > 0 else 0.0)

    # --- the DUIS paths ---------------------------------------------------------------------------------

    def serve(self, path: str, raw: bytes) -> Reply:
        """Answer one DUIS Request POSTed to ``/api/v1/{path}``."""
        try:
            return self._serve(path, raw)
        except NotFound as error:
            return _bad(str(error), 404)
        except (BadRequest, DuisError, DomainError) as error:
            return _bad(str(error))
        except Exception as error:  # never crash: the client gets one line, the log the details
            log.exception("unexpected error serving %s", path)
            return Reply(500, f"sm-harness: internal error: {type(error).__name__}\n".encode(), "text/plain")

    def _serve(self, path: str, raw: bytes) -> Reply:
        if path not in PATH_VARIANTS:
            raise NotFound(f"unknown path /api/v1/{path}: use {', '.join('/api/v1/' + p for p in PATH_VARIANTS)}")
        root = parse_xml(raw, source="request body", max_bytes=self.config.max_bytes)
        self._validate(root)
        parsed = parse_request(root, source="request body")
        if home_of(parsed.command_variant) is None:
            raise BadRequest(f"CommandVariant {parsed.command_variant} is not a DUIS Command Variant (1 to 8)")
        row = CATALOGUE.get(parsed.service_reference_variant)
        if row is None:
            raise BadRequest(f"SRV {parsed.service_reference_variant} is not an SRV of the DUIS request matrix")
        with self._lock:
            self._catch_up()
            answer = self._answer(path, raw, parsed, row, self.world.now)
            xml = self.signatures.finish(answer.root)
            self.world.settle()  # zero-latency consequences (the device's answer) go to the outbox
        return Reply(200, xml, XML, answer.reason or answer.code)

    def _validate(self, root: ET.Element) -> None:
        schema = self.config.schema
        if schema is None:
            return
        reasons = validate(root, schema)
        if reasons:
            more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
            raise BadRequest(f"request body is not valid DUIS: {reasons[0]}{more}")
        version = root.get("schemaVersion") or ""
        if schema.is_dir() and version not in self._stand_ins:
            self._stand_ins.add(version)
            folder, own = version_folder(schema, version)
            if not own:
                log.warning("schemaVersion %s has no XSD folder of its own: validated with %s", version, folder.name)

    def _answer(self, path: str, raw: bytes, parsed: DuisRequest, row: ServiceRequestDefinition, now: float) -> Answer:
        """DUIS validation (signature, E13, E12), then the Transform Service, a Signed Pre-Command, or
        the DSP (Table 22 and on)."""
        refused = self.signatures.refusal(raw, parsed.user_id, self.clock.at(now), max_bytes=self.config.max_bytes)
        if refused is not None:
            return refusal(self.codec, parsed, self.roles, self.decisions.signature_refused, now, str(refused))
        cv = parsed.command_variant
        for code, reason in ((ResponseCode.E13, misrouted(path, cv)), (ResponseCode.E12, misfit(row, cv, parsed.body_kind))):
            if reason is not None:
                return refusal(self.codec, parsed, self.roles, code, now, reason)
        if cv == TRANSFORM:
            return self.transform_service.transform(parsed, raw, now)
        if cv in SIGNED_PRE_COMMANDS:
            return self.transform_service.signed_pre_command(parsed, now, self._submit)
        return self._submit(self.codec.parse_request(parsed, self.roles))

    def _submit(self, request: ServiceRequest) -> Answer:
        exchange = self.world.submit(request, self._on_response)
        sync = exchange.response
        if sync is None:
            raise BadRequest(f"SR {request.srv}: the DSP gave no synchronous answer")
        return Answer(self.codec.element(sync), sync.code.value)

    # --- what is delivered later -----------------------------------------------------------------------

    def _on_response(self, exchange: Exchange, response: ServiceResponse | None) -> None:
        if response is not None:
            request = response.request
            self._queue("response", self.signatures.finish(self.codec.element(response)), request.user.user_id, request.target)

    def _on_alert(self, alert: DccAlert) -> None:
        # The ResponseID counter is the alert's time in ms, bumped so that two alerts raised at the same
        # moment (R-CPL-1 suspending a whole model) never share a ResponseID.
        millis = int(round(self.clock.at(alert.time).timestamp() * 1000))
        self._alert_counter = max(millis, self._alert_counter + 1)
        xml = self.signatures.finish(self.codec.renderer.alert(alert, self._alert_counter))
        self._queue("dcc_alert", xml, alert.recipient, alert.device_id)

    def _queue(self, kind: str, xml: bytes, recipient: str, device: str) -> None:
        """Into the outbox, in the transaction of what caused it (the world lock is held)."""
        self.state.outbox.add(kind, xml, recipient, device, wall_clock(), deliver=self.config.deliver_to is not None)
        self._wake()

    def on_queued(self, wake: Callable[[], object]) -> None:
        """Call `wake` (from any thread) whenever a message is queued for delivery."""
        self._wake = wake

    def take_outgoing(self) -> list[tuple[str, bytes]]:
        """(kind, XML) of every message queued since the last call (whatever its delivery): for tests."""
        taken = self.state.outbox.since(self._taken)
        if taken:
            self._taken = taken[-1][0]
        return [(kind, body) for _, kind, body in taken]

    def outbox_page(self, state: str | None, after: int, limit: int) -> dict[str, Any]:
        """A page of the outbox (`GET /test/outbox`), with the counts by state."""
        return self.state.outbox.page(state, after, limit)

    def health(self) -> dict[str, Any]:
        signatures = self.signatures
        return {
            "ruleset": self.served.ruleset.value,
            "scenario": self.served.scenario,
            "sim_time": self.world.now,
            "devices": len(self.dsp.inventory),
            "schema": str(self.config.schema) if self.config.schema else None,
            "deliver_to": self.config.deliver_to,
            "trusted_certificates": None if signatures.trust is None else len(signatures.trust),
            "signing_certificate": None if signatures.identity is None else signatures.identity.certificate.subject.rfc4514_string(),
            "pending_transforms": len(self.transforms),
            "state": self.state.path,
            "outbox": self.state.outbox.counts(),
            "decisions": {**self.dsp.settings.modelling_decisions(), **self.decisions.modelling_decisions()},
        }


def _bad(reason: str, status: int = 400) -> Reply:
    return Reply(status, f"sm-harness: {reason}\n".encode(), "text/plain", reason)
