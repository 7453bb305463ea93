"""One scenario's state: the DSP, its devices and users, the world they live in, what the steps sent.

The steps in `library.py` only parse and assert; everything they do to the model goes through here.
The world (`harness.sim.world.World`, scripted: zero latency, nothing lost unless a step says so) is built
when a step first sends, removes or lets time pass, so the Given steps may come in any order.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from devices import Device, build_device
from dsp import (
    CplStatus,
    DataServiceProvider,
    DccAlert,
    DeviceModel,
    DeviceStatus,
    DeviceType,
    RuleSet,
    ServiceRequest,
    ServiceResponse,
    ServiceUser,
    SmiRecord,
    UserRole,
    definition,
    firmware_version,
    image_hash,
)
from dsp.duis.codec import DuisCodec, trace_xml
from dsp.errors import DomainError
from dsp.inventory import NEEDS_PRIOR_STATUS
from dsp.identities import DCC_ACCESS_CONTROL_BROKER as DCC  # BusinessTargetID of Non-Device SRs (11.1, 8.2, 12.1)
from features.steps.aliases import Aliases
from harness.sim.comms import Comms
from features.steps.supplier_driver import SupplierDriver
from harness.sim.world import Exchange, World

UNITS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}

INVENTORY_COLUMNS = ("device", "type", "smets", "firmware", "status", "prior_status", "gpf", "chf", "supplier",
                     "network_operator", "model")
CPL_COLUMNS = ("device_type", "firmware", "status", "model")

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


def table(rows: list[list[str]], allowed: tuple[str, ...], required: tuple[str, ...], what: str) -> list[dict[str, str]]:
    """A step's datatable as dicts, with unknown or missing columns named in one line."""
    if not rows:
        raise DomainError(f"the {what} table is empty")
    header = [h.strip() for h in rows[0]]
    unknown = [h for h in header if h not in allowed]
    if unknown:
        raise DomainError(f"unknown column {unknown[0]!r} in the {what} table: expected {', '.join(allowed)}")
    missing = [c for c in required if c not in header]
    if missing:
        raise DomainError(f"the {what} table needs a {missing[0]!r} column")
    return [{h: str(v).strip() for h, v in zip(header, row) if str(v).strip() != ""} for row in rows[1:]]


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
        for row in table(rows, CPL_COLUMNS, ("device_type", "firmware", "status"), "CPL"):
            device_type = DeviceType.parse(row["device_type"])
            model = DeviceModel.parse(row["model"]) if "model" in row else DeviceModel.default_for(device_type)
            self.dsp.cpl.add(device_type, model, firmware_version(row["firmware"]), CplStatus.parse(row["status"]))

    def add_inventory(self, rows: list[list[str]]) -> None:
        records: list[tuple[SmiRecord, dict[str, str]]] = []
        for row in table(rows, INVENTORY_COLUMNS, ("device", "type", "firmware"), "inventory"):
            records.append((self._add_record(row), row))
        for record, row in records:  # pairings may name devices later in the table
            if "gpf" in row:
                self.dsp.inventory.pair_gas_proxy(record.device_id, self.device_id(row["gpf"]))
            if "chf" in row:
                self.dsp.inventory.pair_comms_hub(record.device_id, self.device_id(row["chf"]))
        for record, _ in records:
            gsme = self.dsp.inventory.find(record.gsme) if record.gsme else None
            device = build_device(record.device_id, record.device_type, record.smets, record.firmware, record.model,
                                  gsme_firmware=gsme.firmware if gsme is not None else record.firmware)
            self.devices[record.device_id] = device
            self.before[record.device_id] = record.snapshot()
            if self.world is not None:
                self.world.add_device(device)

    def _add_record(self, row: Mapping[str, str]) -> SmiRecord:
        name = row["device"]
        if self.aliases.known("device", name):
            raise DomainError(f'device "{name}" is listed twice in the inventory')
        device_type = DeviceType.parse(row["type"])
        smets = row.get("smets", "2")
        if smets not in ("1", "2"):
            raise DomainError(f'SMETS version of "{name}" must be 1 or 2, got {smets!r}')
        status = DeviceStatus.parse(row.get("status", "Commissioned"))
        prior = row.get("prior_status")
        if prior is None and status in NEEDS_PRIOR_STATUS:
            prior = "Commissioned"  # documented default: suspended (or recovered) from Commissioned
        model = DeviceModel.parse(row["model"]) if "model" in row else DeviceModel.default_for(device_type)
        firmware = firmware_version(row["firmware"])
        supplier = self._party(row.get("supplier"), "electricity supplier" if device_type.supplier_role is UserRole.IS
                               else "gas supplier", device_type.supplier_role)
        operator = self._party(row.get("network_operator"), "electricity distributor"
                               if device_type.network_operator_role is UserRole.ED else "gas transporter",
                               device_type.network_operator_role)
        record = self.dsp.inventory.add(self.aliases.assign("device", name), device_type, firmware,
                                        supplier=supplier, network_operator=operator, smets=int(smets), model=model,
                                        status=status, prior_status=DeviceStatus.parse(prior) if prior else None,
                                        since=self.now)
        if self.dsp.cpl.find(device_type, model, firmware) is None:
            self.dsp.list_on_cpl(device_type, model, firmware)  # documented: SMI firmware is Current unless listed
        return record

    def _party(self, name: str | None, default: str, role: UserRole) -> str:
        if name is None:
            return self.users[default].user_id
        user_id = self.aliases.assign("user", name)
        self.dsp.users.register(user_id, role)
        return user_id

    # --- looking things up --------------------------------------------------------------------------

    def device_id(self, name: str) -> str:
        return self.aliases.lookup("device", name, "the inventory lists")

    def record(self, name: str) -> SmiRecord:
        return self.dsp.inventory.get(self.device_id(name))

    def device(self, name: str) -> Device:
        return self.devices[self.device_id(name)]

    def sender(self, who: str, record: SmiRecord) -> ServiceUser:
        if who == "the supplier":
            return ServiceUser(record.supplier, record.device_type.supplier_role)
        if who == "the network operator":
            return ServiceUser(record.network_operator, record.device_type.network_operator_role)
        if who == "another supplier":
            return ServiceUser(self.users["another supplier"].user_id, record.device_type.supplier_role)
        return ServiceUser(self.unregistered.user_id, record.device_type.supplier_role)

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
             execute_in: float | None = None) -> Exchange:
        row = definition(srv)
        record = self.record(name)
        user = self.sender(who, record)
        srv = row.srv
        variant = int(cv) if cv is not None else min(row.command_variants)
        self._requests += 1
        request_id = f"{user.user_id}:{record.device_id}:{self._requests}"
        fields: dict = {"command_variant": variant, "request_id": request_id}
        if srv == "11.1":
            if firmware is None:
                raise DomainError(f'SR 11.1 distributes an image: write the step as ... sends SR 11.1 to "{name}" distributing "<firmware>"')
            firmware = firmware_version(firmware)
            fields.update(device_list=(record.device_id,), firmware_version=firmware,
                          firmware_hash=self._image(record, firmware))
            target = DCC
        elif srv == "11.3":
            if firmware is None:
                raise DomainError(f'SR 11.3 activates an image: write the step as ... sends SR 11.3 to "{name}" activating "<firmware>"')
            fields["firmware_hash"] = self._image(record, firmware_version(firmware))
            if execute_in is not None:
                fields["execution_time"] = self.now + execute_in
            target = record.device_id
        elif firmware is not None or execute_in is not None:
            raise DomainError(f"SR {srv} carries no firmware image: drop the \"distributing\"/\"activating\" part")
        elif srv == "8.2":
            fields["device_list"] = (record.device_id,)
            target = DCC
        elif srv == "12.1":
            target = DCC
        else:
            target = record.device_id
        world = self.live()
        self.trace_at_request = len(world.trace)
        exchange = world.send(ServiceRequest(srv, user, target, **fields))
        self.exchanges.append(exchange)
        return exchange

    def _image(self, record: SmiRecord, firmware: str) -> bytes:
        """The image hash the CPL gives this version of the device's model (the supplier's image)."""
        entry = self.dsp.cpl.find(record.device_type, record.model, firmware)
        return entry.image_hash if entry is not None else image_hash(record.device_type.value, str(record.model), firmware)

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
