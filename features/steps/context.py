"""One scenario's state: the DSP, its devices and users, the world they live in, what the steps sent.

The steps in `library.py` only parse and assert; everything they do to the model goes through here.
The world (`harness.sim.world.World`, scripted: zero latency, nothing lost unless a step says so) is built
when a step first sends, removes or lets time pass, so the Given steps may come in any order.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from devices import Device
from dsp import (
    DataServiceProvider,
    DccAlert,
    DeviceModel,
    DeviceStatus,
    DeviceType,
    RuleSet,
    ServiceResponse,
    ServiceUser,
    SmiRecord,
    UserRole,
    definition,
    firmware_version,
)
from dsp.duis.codec import DuisCodec, trace_xml
from dsp.errors import DomainError
from features.steps import inventory_setup
from features.steps.aliases import Aliases
from features.steps.request_builder import build_request
from harness.sim.comms import Comms
from features.steps.supplier_driver import SupplierDriver
from harness.sim.world import Exchange, World

UNITS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}

# The users every scenario starts with (alias, roles); a device's supplier and network operator default
# to the ones of its fuel (RULES §1).
_STANDARD_USERS = (
    ("electricity supplier", (UserRole.IS,)),
    ("gas supplier", (UserRole.GS,)),
    ("electricity distributor", (UserRole.ED,)),
    ("gas transporter", (UserRole.GT,)),
    ("another supplier", (UserRole.IS, UserRole.GS)),
)


def duration(n: str, unit: str) -> float:
    """`3`, `hours` -> 10800.0 simulated seconds."""
    return float(n) * UNITS[unit.rstrip("s")]


def whole_number(n: str) -> int:
    """A count a step names: `3` -> 3."""
    if not n.isdigit():
        raise DomainError(f"expected a whole number, got {n}")
    return int(n)


class ScenarioContext:
    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.aliases = Aliases(seed)
        self.dsp = DataServiceProvider(RuleSet.MP105)  # the default rule set: MP105's final solution
        self.comms = Comms.scripted()
        self.world: World | None = None
        self.devices: dict[str, Device] = {}  # by EUI-64, in the order the inventory lists them
        self._pending: list[tuple[str, tuple]] = []  # losses and failures asked for before the world exists
        self.exchanges: list[Exchange] = []
        self.trace_at_request = 0  # where the last request's trace begins
        self.alerts_at_window = 0  # where the current When ... Then block's DCC alerts begin
        self.before: dict[str, dict] = {}  # SMI snapshot of each device before the first When step
        self._when_started = False
        self._requests = 0
        self.users: dict[str, ServiceUser] = {}
        self.absent: set[str] = set()  # devices named as not in the inventory
        for name, roles in _STANDARD_USERS:
            user_id = self.aliases.assign("user", name)
            self.users[name] = self.dsp.users.register(user_id, *roles)
        self.unregistered = ServiceUser(self.aliases.assign("user", "unregistered user"), UserRole.IS)
        self.supplier = SupplierDriver(self)  # the supplier steps (R-SU-1..4)

    # --- the phases of a scenario -------------------------------------------------------------------

    def before_step(self, step_type: str) -> None:
        """A When step that follows a Given or Then opens a new window for the alert checks."""
        if step_type == "when":
            if not self._when_started:
                self._when_started = True
                self.before = {d: self.dsp.inventory.get(d).snapshot() for d in self.devices}
            if self._last_type != "when":
                self.alerts_at_window = len(self.world.alerts) if self.world is not None else 0
        self._last_type = step_type

    _last_type = ""

    # --- Given: rules, CPL, inventory ---------------------------------------------------------------

    def apply_rules(self, name: str) -> None:
        self.dsp.ruleset = RuleSet.parse(name)

    @property
    def ruleset(self) -> RuleSet:
        return self.dsp.ruleset

    def set_dsp(self, **changes) -> None:
        self.dsp.settings = dataclasses.replace(self.dsp.settings, **changes)

    def set_comms(self, **changes) -> None:
        if self.world is not None:
            for name, value in changes.items():
                if name in ("response_timeout", "gpf_refresh_lag"):
                    setattr(self.world, name, value)
                else:
                    raise DomainError("this Given step must come before the first step that sends, removes or lets time pass")
        self.comms = dataclasses.replace(self.comms, **changes)

    def list_cpl(self, rows: list[list[str]]) -> None:
        inventory_setup.list_cpl(self, rows)

    def add_inventory(self, rows: list[list[str]]) -> None:
        inventory_setup.add_inventory(self, rows)

    def not_in_inventory(self, name: str) -> None:
        """An alias for a device the SMI does not hold (E4, E19)."""
        if self.aliases.known("device", name):
            raise DomainError(f'device "{name}" is already named in this scenario')
        self.absent.add(self.aliases.assign("device", name))

    def set_status(self, name: str, status: str) -> None:
        """The SMI status as the DCC sets it (Recovery, Recovered, ...), the history kept."""
        record = self.record(name)
        record.set_status(DeviceStatus.parse(status), self.now)

    # --- looking things up --------------------------------------------------------------------------

    def device_id(self, name: str) -> str:
        return self.aliases.lookup("device", name, "the inventory lists")

    def record(self, name: str) -> SmiRecord:
        device_id = self.device_id(name)
        if device_id in self.absent:
            raise DomainError(f'device "{name}" is not in the inventory (the scenario says so)')
        return self.dsp.inventory.get(device_id)

    def device(self, name: str) -> Device:
        return self.devices[self.device_id(name)]

    def name(self, eui: str | None) -> str | None:
        return self.aliases.name_of(eui) if eui else None

    @property
    def now(self) -> float:
        return self.world.now if self.world is not None else 0.0

    # --- the world ----------------------------------------------------------------------------------

    def live(self) -> World:
        """The world, built on first use with every device listed so far."""
        if self.world is None:
            self.world = World(self.dsp, comms=self.comms, seed=self.seed)
            self.world.add_devices(self.devices.values())
            for action, args in self._pending:
                getattr(self.world, action)(*args)
            self._pending.clear()
        return self.world

    def _later(self, action: str, *args) -> None:
        if self.world is not None:
            getattr(self.world, action)(*args)
        else:
            self._pending.append((action, args))

    def lose_next(self, name: str, srv: str, leg: str) -> None:
        self._later("lose_next", self.device_id(name), definition(srv).srv, leg)

    def fail_next_activation(self, name: str) -> None:
        """The device's next activation fails, immediate or future dated (the world arms it for that)."""
        self._later("fail_next_activation", self.device_id(name))

    # --- When ---------------------------------------------------------------------------------------

    def send(self, who: str, srv: str, name: str, *, cv: str | None = None, firmware: str | None = None,
             execute_in: float | None = None, local: bool = False, cancels: bool = False,
             to_device: bool = False) -> Exchange:
        self._requests += 1
        request = build_request(self, who, srv, name, str(self._requests), cv=cv, firmware=firmware,
                                execute_in=execute_in, local=local, cancels=cancels, to_device=to_device)
        world = self.live()
        self.trace_at_request = len(world.trace)
        exchange = world.send(request)
        self.exchanges.append(exchange)
        return exchange

    def pass_time(self, seconds: float) -> None:
        self.live().advance(seconds)

    def models_for(self, device_type: DeviceType, firmware: str) -> list[DeviceModel]:
        """The models a CPL step about a device type means: every model of that type the scenario knows."""
        found = {r.model for r in self.dsp.inventory if r.device_type is device_type}
        found |= {e.model for e in self.dsp.cpl.entries() if e.device_type is device_type and e.firmware == firmware}
        return sorted(found, key=str) or [DeviceModel.default_for(device_type)]

    def remove_from_cpl(self, firmware: str, device_type: str, model: str | None = None) -> None:
        kind = DeviceType.parse(device_type)
        firmware = firmware_version(firmware)
        world = self.live()
        for m in [DeviceModel.parse(model)] if model else self.models_for(kind, firmware):
            world.remove_from_cpl(kind, m, firmware)

    def list_on_cpl(self, firmware: str, device_type: str, model: str | None = None) -> None:
        kind = DeviceType.parse(device_type)
        firmware = firmware_version(firmware)
        for m in [DeviceModel.parse(model)] if model else self.models_for(kind, firmware):
            self.dsp.list_on_cpl(kind, m, firmware)

    # --- Then: what happened ------------------------------------------------------------------------

    @property
    def last(self) -> Exchange:
        if not self.exchanges:
            raise DomainError("no Service Request has been sent yet in this scenario")
        return self.exchanges[-1]

    def describe(self, exchange: Exchange) -> str:
        request = exchange.request
        target = request.device_list[0] if request.device_list else request.target
        codes = ", ".join(r.code.value for r in exchange.responses) or "nothing"
        return f'SR {request.srv} to "{self.name(target)}" was answered {codes}'

    def window_alerts(self) -> list[DccAlert]:
        return self.world.alerts[self.alerts_at_window :] if self.world is not None else []

    def describe_alerts(self, alerts: Iterable[DccAlert]) -> str:
        shown = [f'{a.code} to {a.recipient_role.value} about "{self.name(a.device_id)}"' for a in alerts]
        return ", ".join(shown) if shown else "none"

    def device_responses(self, name: str, kind: type) -> list[ServiceResponse]:
        device_id = self.device_id(name)
        world = self.world
        if world is None:
            return []
        return [r for r in world.responses if isinstance(r.body, kind) and getattr(r.body, "command").device_id == device_id]

    def trace_since(self, start: int) -> list:
        return self.world.trace[start:] if self.world is not None else []

    # --- evidence -----------------------------------------------------------------------------------

    def evidence(self) -> dict:
        """What the evidence report shows of this scenario: its messages as DUIS XML, its devices' SMI
        before and after."""
        world = self.world
        messages = []
        if world is not None:
            codec = DuisCodec(inventory=self.dsp.inventory)  # one per run: SMETS1 devices render in MMC form
            for event in world.trace:
                item = event.to_dict()
                item["device"] = self.name(event.device_id)
                item["user_alias"] = self.name(event.user)
                if event.message is not None:  # what went over the wire, as DUIS XML (None where DUIS has none)
                    item["xml"] = trace_xml(event.message, codec=codec, time=event.time)
                messages.append(item)
        devices = []
        for device_id in self.devices:
            record = self.dsp.inventory.get(device_id)
            after = record.snapshot()
            devices.append({"alias": self.name(device_id), "device_id": device_id,
                            "before": self.before.get(device_id, after), "after": after})
        return {"ruleset": self.ruleset.value, "simulated_seconds": self.now, "messages": messages, "devices": devices}
