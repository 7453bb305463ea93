"""A wired-by-hand DSP and its devices for unit tests: no time passes unless a test says so."""
from __future__ import annotations

from dataclasses import dataclass, field

from devices import Device, build_device
from dsp import (
    CplStatus,
    DataServiceProvider,
    DeviceModel,
    DeviceStatus,
    DeviceType,
    DspSettings,
    Outcome,
    RuleSet,
    ServiceRequest,
    ServiceUser,
    UserRole,
    image_hash,
)
from dsp.identities import DCC_ACCESS_CONTROL_BROKER

IMPORT_SUPPLIER = "90-B3-D5-1F-30-01-00-00"
ELECTRICITY_DISTRIBUTOR = "90-B3-D5-1F-30-02-00-00"
GAS_SUPPLIER = "90-B3-D5-1F-30-03-00-00"
GAS_TRANSPORTER = "90-B3-D5-1F-30-04-00-00"
OTHER_SUPPLIER = "90-B3-D5-1F-30-05-00-00"
OLD, NEW, WITHDRAWN, UNKNOWN = "0100AAAA", "0200BBBB", "0300CCCC", "0F0F0F0F"


@dataclass
class Exchange:
    """A request's submission and, when it reached a device, the device's answer as the DSP processed it."""

    submitted: Outcome
    processed: Outcome | None = None
    alerts: tuple = field(default=())

    @property
    def code(self):
        return self.submitted.code


class Bench:
    def __init__(self, ruleset: str | RuleSet = "mp105", settings: DspSettings | None = None):
        self.dsp = DataServiceProvider(RuleSet.parse(ruleset), settings=settings)
        users = self.dsp.users
        self.supplier = users.register(IMPORT_SUPPLIER, UserRole.IS)
        self.distributor = users.register(ELECTRICITY_DISTRIBUTOR, UserRole.ED)
        self.gas_supplier = users.register(GAS_SUPPLIER, UserRole.GS)
        self.transporter = users.register(GAS_TRANSPORTER, UserRole.GT)
        self.other_supplier = users.register(OTHER_SUPPLIER, UserRole.IS)
        self.devices: dict[str, Device] = {}
        self.now = 0.0
        self._next = 0xA0
        for device_type in DeviceType:
            model = DeviceModel.default_for(device_type)
            for version in (OLD, NEW):
                self.dsp.list_on_cpl(device_type, model, version)
            self.dsp.cpl.add(device_type, model, WITHDRAWN, CplStatus.REMOVED)

    def user_for(self, device_type: DeviceType) -> ServiceUser:
        return self.gas_supplier if device_type.fuel.value == "gas" else self.supplier

    def add(
        self,
        device_type: DeviceType = DeviceType.ESME,
        firmware: str = OLD,
        *,
        smets: int = 2,
        status: DeviceStatus = DeviceStatus.COMMISSIONED,
        prior_status: DeviceStatus | None = None,
        runs: str | None = None,
    ) -> str:
        device_id = f"00-DB-12-34-56-78-90-{self._next:02X}"
        self._next += 1
        gas = device_type.fuel.value == "gas"
        self.dsp.inventory.add(
            device_id,
            device_type,
            firmware,
            supplier=GAS_SUPPLIER if gas else IMPORT_SUPPLIER,
            network_operator=GAS_TRANSPORTER if gas else ELECTRICITY_DISTRIBUTOR,
            smets=smets,
            status=status,
            prior_status=prior_status,
        )
        self.devices[device_id] = build_device(device_id, device_type, smets, runs or firmware, gsme_firmware=runs or firmware)
        return device_id

    def add_gas_pair(self, firmware: str = OLD) -> tuple[str, str]:
        gsme = self.add(DeviceType.GSME, firmware)
        gpf = self.add(DeviceType.GPF, "00000001")
        self.devices[gpf].refresh(firmware)
        self.dsp.inventory.pair_gas_proxy(gsme, gpf)
        return gsme, gpf

    def remove(self, version: str = OLD, device_type: DeviceType = DeviceType.ESME) -> Outcome:
        return self.dsp.remove_from_cpl(device_type, DeviceModel.default_for(device_type), version, self.now)

    def request(self, srv: str, device_id: str, user: ServiceUser | None = None, **fields) -> ServiceRequest:
        record = self.dsp.inventory.get(device_id)
        user = user or self.user_for(record.device_type)
        if srv == "11.1":
            version = fields.pop("version")
            fields.setdefault("command_variant", 8)
            return ServiceRequest(
                srv, user, DCC_ACCESS_CONTROL_BROKER, device_list=(device_id,), firmware_version=version,
                firmware_hash=image_hash(record.device_type.value, str(record.model), version), **fields,
            )
        if srv == "11.3":
            version = fields.pop("version")
            fields.setdefault("command_variant", 4)
            fields.setdefault("firmware_hash", image_hash(record.device_type.value, str(record.model), version))
        return ServiceRequest(srv, user, device_id, **fields)

    def send(self, srv: str, device_id: str, *, lose_response: bool = False, user=None, device_kwargs=None, **fields) -> Exchange:
        """Submit; deliver each command to its device; let the DSP process the answer unless it is lost."""
        submitted = self.dsp.submit(self.request(srv, device_id, user, **fields), self.now)
        exchange = Exchange(submitted)
        for command in submitted.commands:
            answer = self.devices[command.device_id].handle(command, self.now, **(device_kwargs or {}))
            if answer is not None and not lose_response:  # None: the device discarded it (R-E4-3)
                exchange.processed = self.dsp.receive(answer, self.now)
        return exchange

    def update_firmware(self, device_id: str, version: str = NEW, *, lose_activation: bool = False) -> Exchange:
        """R-SU-1: 11.1 then 11.3."""
        self.send("11.1", device_id, version=version)
        return self.send("11.3", device_id, version=version, lose_response=lose_activation)

    def record(self, device_id: str):
        return self.dsp.inventory.get(device_id)
