"""The supplier steps' driver: the simulator's own supplier (harness.sim.supplier, R-SU-1..4) run over a
scenario's inventory in its scripted world, one round at a time, and what it did."""
from __future__ import annotations

from typing import Protocol

from devices import Device
from dsp import (
    DataServiceProvider,
    DeviceType,
    ServiceRequest,
    ServiceResponse,
    ServiceUser,
    SmiRecord,
    definition,
    firmware_version,
)
from dsp.errors import DomainError
from harness.sim.supplier import READ, REFIRMWARE, UPDATE, UPDATED_TYPES, Fleet, Policy, Supplier
from harness.sim.world import World


class Scenario(Protocol):
    """What the driver needs of a scenario (features.steps.context.ScenarioContext is one)."""

    dsp: DataServiceProvider
    devices: dict[str, Device]
    world: World | None

    def live(self) -> World: ...
    def device_id(self, name: str) -> str: ...
    def record(self, name: str) -> SmiRecord: ...
    def name(self, eui: str | None) -> str | None: ...


class SupplierDriver:
    """The suppliers a scenario's supplier steps drove, and the supplier's patience for automated retries."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.suppliers: list[Supplier] = []
        self.wait = 3600.0  # how long the supplier waits for an answer before an automated retry

    def run_campaign(self, firmware: str, retries: int) -> None:
        """R-SU-1 (+ R-SU-2): harness.sim.supplier' supplier updates every updatable device at `now`; its
        automated retries wait for their deadline, so they happen only as simulated time passes."""
        world = self.scenario.live()
        fleet = self._fleet()
        policy = Policy(firmware=firmware_version(firmware), start=0.0, window=max(1, len(fleet.campaign)),
                        future_dated=0.0, retries=retries, retry_timeout=self.wait, sweeps=0, refirmware=0,
                        recovery_interval=0.0, inventory_page=max(1, len(fleet.campaign)))
        supplier = Supplier(world, fleet, policy)
        self.suppliers.append(supplier)
        supplier.run_round(UPDATE)
        world.settle()

    def run_sweep(self) -> None:
        """R-SU-3: read the inventory (8.2), send 11.2 to the devices still Suspended."""
        self._supplier().run_round(READ)
        self.scenario.live().settle()

    def run_refirmware(self) -> None:
        """R-SU-4: another firmware update (11.1 + 11.3) for the devices still Suspended."""
        if not self.suppliers:
            raise DomainError("the supplier re-updates to its campaign's firmware: run a firmware campaign first")
        self._supplier().run_round(REFIRMWARE)
        self.scenario.live().settle()

    def _supplier(self) -> Supplier:
        """The supplier of the last campaign; before any campaign, one with no campaign firmware (a sweep
        needs none)."""
        if not self.suppliers:
            world, fleet = self.scenario.live(), self._fleet()
            size = max(1, len(fleet.campaign))
            policy = Policy(firmware="", start=0.0, window=size, future_dated=0.0, retries=0,
                            retry_timeout=self.wait, sweeps=0, refirmware=0, recovery_interval=0.0,
                            inventory_page=size)
            self.suppliers.append(Supplier(world, fleet, policy))
        return self.suppliers[-1]

    def _fleet(self) -> Fleet:
        """The inventory's updatable devices, as harness.sim.supplier sees a fleet (one supplier per device type)."""
        campaign: list[str] = []
        smets: dict[str, int] = {}
        users: dict[DeviceType, ServiceUser] = {}
        for device_id in self.scenario.devices:
            record = self.scenario.dsp.inventory.get(device_id)
            if record.device_type not in UPDATED_TYPES:
                continue
            campaign.append(device_id)
            if record.smets == 1:
                smets[device_id] = 1  # R-DEV-4: no 11.1
            known = users.setdefault(record.device_type, ServiceUser(record.supplier, record.device_type.supplier_role))
            if known.user_id != record.supplier:
                raise DomainError(f"the supplier steps need one supplier per device type, but the {record.device_type.value} "
                                  f'devices "{self.scenario.name(known.user_id)}" and "{self.scenario.name(record.supplier)}" differ')
        if not campaign:
            raise DomainError("the inventory lists no device a supplier updates (ESME, GSME, CHF or HCALCS)")
        return Fleet(users, campaign, smets, {}, [])

    @property
    def firmware_updates(self) -> int:
        return sum(s.firmware_updates for s in self.suppliers)

    @property
    def wasted_updates(self) -> int:
        return sum(s.wasted_updates for s in self.suppliers)

    def requests(self, srv: str, name: str) -> list[ServiceRequest]:
        """Every request the device's supplier sent about it (naming it as target or in the device list)."""
        device_id = self.scenario.device_id(name)
        supplier = self.scenario.record(name).supplier
        srv = definition(srv).srv
        seen: dict[int, ServiceRequest] = {}
        for response in self.scenario.world.responses if self.scenario.world is not None else ():
            request = response.request
            if (request.srv == srv and request.user.user_id == supplier
                    and (request.target == device_id or device_id in request.device_list)):
                seen.setdefault(id(request), request)
        return list(seen.values())

    def answers(self, srv: str, name: str) -> list[ServiceResponse]:
        """Every response to those requests, in the order the supplier received them."""
        asked = {id(r) for r in self.requests(srv, name)}
        return [r for r in self.scenario.world.responses if id(r.request) in asked] if self.scenario.world is not None else []
