"""The supplier as a service user: a firmware campaign, automated retries, recovery sweeps (R-SU-1..4).

The supplier works through its devices with a bounded number of lanes (the campaign window): each lane
holds one device at a time and moves on when the device's job is done, so the world never holds more
live work than the window, whatever the fleet size. Lanes are callback state machines, not SimPy
processes: a step is a response (or the supplier's own deadline) arriving.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from dsp import (
    ActivationOutcome,
    ActivationResponse,
    DeviceModel,
    DeviceStatus,
    DeviceType,
    ImageDistributed,
    InventoryRow,
    ResponseCode,
    ServiceRequest,
    ServiceResponse,
    ServiceUser,
    SmiRecord,
    definition,
    image_hash,
)
from dsp.identities import DCC_ACCESS_CONTROL_BROKER as DCC
from harness.sim.simpy_adapter import Call
from harness.sim.traffic import Traffic
from harness.sim.world import Exchange, World

# R-SU-1: the supplier updates every device whose firmware 11.3 activates (ESME, GSME, CHF, HCALCS)
UPDATED_TYPES = definition("11.3").targets
UPDATE, READ, REFIRMWARE = 0, 1, 2  # a lane's jobs: R-SU-1 (+ R-SU-2 retries), R-SU-3, R-SU-4
_DONE_OUTCOMES = (ActivationOutcome.SUCCESS, ActivationOutcome.NO_IMAGE_HELD)
_I0, _I99 = ResponseCode.I0, ResponseCode.I99


@runtime_checkable
class TypedIds(Protocol):
    """A campaign that knows its devices' types run by run (harness.study.fleet_layout.FleetIds)."""

    def typed_runs(self) -> Iterator[tuple[DeviceType, Iterator[str]]]: ...


@dataclass
class Fleet:
    """What the supplier knows of the fleet: who it is, and what it updates."""

    supplier: dict[DeviceType, ServiceUser]
    campaign: Sequence[str]  # device IDs the campaign updates, in fleet order (UPDATED_TYPES)
    smets: Container[str]  # the SMETS1 campaign devices (SMETS1 skips 11.1, R-DEV-4)
    models: dict[str, tuple[DeviceType, DeviceModel]]
    removed: list[tuple[DeviceType, DeviceModel, str]]  # the CPL entries removed at time 0


@dataclass(frozen=True)
class Policy:
    """The supplier's behaviour (the scenario's [campaign] and [supplier] tables), times in seconds."""

    firmware: str
    start: float
    window: int
    future_dated: float
    retries: int
    retry_timeout: float
    sweeps: int
    refirmware: int
    recovery_interval: float
    inventory_page: int


class Supplier:
    """One supplier (IS and GS) running a campaign and its recovery rounds over the fleet."""

    def __init__(self, world: World, fleet: Fleet, policy: Policy, traffic: Traffic | None = None) -> None:
        self.world = world
        self.traffic = traffic  # the study's traffic profile, when it keeps one
        self.requests = 0  # every SR this supplier submitted
        self.fleet = fleet
        self.policy = policy
        self.jobs: deque[tuple[int, str]] = deque()
        self.idle: list[_Lane] = [_Lane(self) for _ in range(policy.window)]
        self.busy = 0
        self.rounds_done = 0
        self.firmware_updates = 0
        self.wasted_updates = 0  # R-SU-4: repeat updates to devices already running the target
        self._records = world.dsp.inventory
        self._hashes: dict[tuple, bytes] = {}  # (type, model) -> image hash of the target firmware

    def start(self) -> None:
        """Schedule the campaign at its start time."""
        self.world.env.schedule(Call(lambda _: self._campaign()), delay=self.policy.start)

    def run_round(self, kind: int) -> None:
        """Run one round at `now`, unscheduled: the seam a scripted world (the Gherkin steps) drives.
        UPDATE: the campaign (R-SU-1, R-SU-2); READ: an 11.2 sweep (R-SU-3); REFIRMWARE: re-updates (R-SU-4)."""
        if kind == UPDATE:
            self._campaign()
        else:
            self._recovery_round(kind)

    # --- rounds -------------------------------------------------------------------------------------

    def _campaign(self) -> None:
        """R-SU-1: every updatable device gets 11.1 (SMETS2) then 11.3."""
        self.jobs.extend((UPDATE, d) for d in self.fleet.campaign)
        self._dispatch()

    def _recovery_round(self, kind: int | None = None) -> None:
        """R-SU-3 / R-SU-4: read the inventory (8.2) page by page; act on the devices still Suspended."""
        if kind is None:
            kind = READ if self.rounds_done <= self.policy.sweeps else REFIRMWARE
        world, page = self.world, self.policy.inventory_page
        by_user: dict = {}  # the IS reads its electricity devices, the GS its gas devices (E4)
        supplier_for = self.fleet.supplier
        for device_type, devices in self._typed_campaign():
            by_user.setdefault(supplier_for[device_type], []).extend(devices)
        for user, devices in by_user.items():
            for i in range(0, len(devices), page):
                chunk = tuple(devices[i : i + page])
                self._counted("8.2")
                exchange = world.submit(ServiceRequest("8.2", user, DCC, 8, device_list=chunk))
                if exchange.code is _I0 and exchange.response is not None:
                    rows: tuple[InventoryRow, ...] = exchange.response.body  # type: ignore[assignment]  # 8.2's I0
                    for row in rows:
                        if row.status is DeviceStatus.SUSPENDED:
                            self.jobs.append((kind, row.device_id))
        self._dispatch()

    def _typed_campaign(self) -> Iterator[tuple[DeviceType, Iterable[str]]]:
        """The campaign's devices in order, with their types: by runs of one type when the campaign knows
        them (a study's fleet: harness.study.fleet_layout.FleetIds), else each from its SMI record."""
        campaign = self.fleet.campaign
        if isinstance(campaign, TypedIds):
            return campaign.typed_runs()
        record_of = self._records.get
        return ((record_of(device_id).device_type, (device_id,)) for device_id in campaign)

    def _round_finished(self) -> None:
        self.rounds_done += 1
        if self.rounds_done <= self.policy.sweeps + self.policy.refirmware:
            self.world.env.schedule(Call(lambda _: self._recovery_round()), delay=self.policy.recovery_interval)

    def _dispatch(self) -> None:
        if not self.jobs and not self.busy:
            self._round_finished()  # nothing to do this round
            return
        while self.jobs and self.idle:
            lane = self.idle.pop()
            self.busy += 1
            lane.take()  # frees itself (and may end the round) when its jobs answer at once

    def _lane_free(self, lane: "_Lane") -> None:
        self.busy -= 1
        self.idle.append(lane)
        if not self.busy and not self.jobs:
            self._round_finished()

    # --- requests -----------------------------------------------------------------------------------

    def _counted(self, srv: str) -> None:
        """One more request sent now (the traffic profile's count)."""
        self.requests += 1
        if self.traffic is not None:
            self.traffic.count(srv, self.world.env.now)

    def hash_for(self, record: SmiRecord) -> bytes:
        """The target image's hash for the device's model (the CPL's, else derived)."""
        key = (record.device_type, id(record.model))
        digest = self._hashes.get(key)
        if digest is None:
            entry = self.world.dsp.cpl.find(record.device_type, record.model, self.policy.firmware)
            digest = entry.image_hash if entry else image_hash(record.device_type.value, str(record.model), self.policy.firmware)
            self._hashes[key] = digest
        return digest


class _Lane:
    """One unit of the campaign window: works one device's job to its end, then takes the next."""

    __slots__ = ("supplier", "kind", "device_id", "attempts", "waiting", "user", "record", "heard")

    def __init__(self, supplier: Supplier) -> None:
        self.supplier = supplier
        self.waiting: Exchange | None = None
        self.heard = self._heard  # the listener of every request the lane sends, bound once

    def take(self) -> None:
        """Take jobs until one needs to wait for a response (an E-code answers at once)."""
        supplier = self.supplier
        jobs = supplier.jobs
        while jobs:
            self.kind, self.device_id = jobs.popleft()
            self.attempts = 0
            self.record = supplier._records.get(self.device_id)
            self.user = supplier.fleet.supplier[self.record.device_type]
            if self._begin():
                return
        supplier._lane_free(self)

    def _begin(self) -> bool:
        """Start the job; True when a response is awaited."""
        kind = self.kind
        if kind == READ:
            return self._send(ServiceRequest("11.2", self.user, self.device_id, 1))  # R-SU-3
        supplier = self.supplier
        supplier.firmware_updates += 1
        if kind == REFIRMWARE:
            device = supplier.world.devices[self.device_id]
            if device.running == supplier.policy.firmware:
                supplier.wasted_updates += 1  # R-SU-4: it already runs the firmware; only the SMI is wrong
        if self.device_id in supplier.fleet.smets:
            return self._activate()  # R-DEV-4: SMETS1 needs no 11.1
        return self._distribute()

    def _distribute(self) -> bool:
        """11.1 for the job's update (R-SU-1); a retried 11.1 is the same update, counted once."""
        supplier = self.supplier
        return self._send(
            ServiceRequest(
                "11.1", self.user, DCC, 8, device_list=(self.device_id,),
                firmware_version=supplier.policy.firmware, firmware_hash=supplier.hash_for(self.record),
            )
        )

    def _activate(self) -> bool:
        supplier = self.supplier
        policy = supplier.policy
        execution = supplier.world.env.now + policy.future_dated if policy.future_dated > 0 else None
        request = ServiceRequest(
            "11.3", self.user, self.device_id, 4, firmware_hash=supplier.hash_for(self.record), execution_time=execution
        )
        return self._send(request)

    def _send(self, request: ServiceRequest) -> bool:
        supplier = self.supplier
        supplier.requests += 1  # Supplier._counted, in line
        if supplier.traffic is not None:
            supplier.traffic.count(request.srv, supplier.world.env.now)
        exchange = supplier.world.submit(request, self.heard, supplier.policy.retry_timeout)
        if exchange.code is _I99:
            self.waiting = exchange
            return True
        return False  # rejected at once (e.g. E5 to a Suspended device under legacy): the job ends

    def _heard(self, exchange: Exchange, response: ServiceResponse | None) -> None:
        """A response to the awaited request, or None: the supplier's deadline passed without an answer."""
        if exchange is not self.waiting:
            return  # a late answer to a request already given up on
        if response is not None and response.body is None:
            return  # E21: the supplier waits for its own deadline before it retries
        self.waiting = None
        srv = exchange.request.srv
        if srv == "11.1":
            if response is not None and type(response.body) is ImageDistributed and response.body.held:
                if self._activate():
                    return
            elif response is None and self.attempts < self.supplier.policy.retries:
                self.attempts += 1  # [model] an unanswered 11.1 is retried from the same budget
                if self._distribute():
                    return
        elif srv == "11.3":
            body = response.body if response is not None else None
            done = type(body) is ActivationResponse and (body.scheduled or body.outcome in _DONE_OUTCOMES)
            if not done and self.attempts < self.supplier.policy.retries:
                self.attempts += 1  # R-SU-2: automated 11.3 retry
                if self._activate():
                    return
        self.take()
