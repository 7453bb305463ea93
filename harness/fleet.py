"""Building one replication's world from a scenario: the DSP, its users, the CPL and the fleet.

The fleet is built on the SMI's trusted bulk path (`add_record`) with shared firmware strings, so an idle
device costs a few hundred bytes and a GB-size fleet fits in memory.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devices import build_device
from dsp import (
    DataServiceProvider,
    DeviceModel,
    DeviceStatus,
    DeviceType,
    DspSettings,
    RuleSet,
    ServiceUser,
    SmiRecord,
    UserRole,
)
from harness.comms import Comms, Latency, Leg, OfflineWindow
from harness.scenario import fleet_size
from harness.world import World

SUPPLIER = "90-B3-D5-1F-30-01-00-00"  # one supplier, both IS and GS (dual fuel)
ELECTRICITY_DISTRIBUTOR = "90-B3-D5-1F-30-02-00-00"
GAS_TRANSPORTER = "90-B3-D5-1F-30-04-00-00"
DCC = "90-B3-D5-1F-30-00-00-02"  # the BusinessTargetID of Non-Device SRs
GPF_FIRMWARE = "01000001"
HOUR = 3600.0
_NEEDS_PRIOR = (DeviceStatus.SUSPENDED, DeviceStatus.RECOVERY, DeviceStatus.RECOVERED)


def device_id(index: int) -> str:
    """The EUI-64 of the fleet's `index`-th device: 00-DB-xx-xx-xx-xx-xx-xx."""
    h = f"{index:012X}"
    return f"00-DB-{h[0:2]}-{h[2:4]}-{h[4:6]}-{h[6:8]}-{h[8:10]}-{h[10:12]}"


@dataclass
class Fleet:
    """What the service users need to know about the fleet: who they are and what they can update."""

    supplier: dict[DeviceType, ServiceUser]
    campaign: list[str]  # device IDs the campaign updates, in order (ESME, GSME, CHF, HCALCS)
    smets: dict[str, int]  # the SMETS version of each campaign device (SMETS1 skips 11.1, R-DEV-4)
    models: dict[str, tuple[DeviceType, DeviceModel]]
    removed: list[tuple[DeviceType, DeviceModel, str]]


def comms_of(data: dict[str, Any]) -> Comms:
    """The scenario's [loss], [latency], [offline], [devices] and [dsp] as a Comms."""
    keys = list(dict.fromkeys([*data["loss"], *data["latency"]]))  # file order: no set, no hash order
    legs = {}
    for key in keys:
        latency = data["latency"].get(key)
        legs[key] = Leg(
            data["loss"].get(key, 0.0),
            Latency(latency["distribution"], latency["mean"], latency["low"], latency["high"]) if latency else Latency(),
        )
    # a leg named per SRV inherits the other half (loss or latency) from its bare leg
    for key, leg in list(legs.items()):
        srv, _, name = key.rpartition(".")
        if srv and name in legs:
            base = legs[name]
            legs[key] = Leg(
                leg.loss if key in data["loss"] else base.loss,
                leg.latency if key in data["latency"] else base.latency,
            )
    offline = data["offline"]
    windows = ()
    if offline["fraction"] > 0 and offline["duration_hours"] > 0:
        windows = (OfflineWindow(offline["fraction"], offline["start_hour"] * HOUR, offline["duration_hours"] * HOUR),)
    return Comms(
        legs=legs,
        offline=windows,
        response_timeout=data["dsp"]["response_timeout_hours"] * HOUR,
        gpf_refresh_lag=data["devices"]["gpf_refresh_lag_hours"] * HOUR,
        activation_failure=data["devices"]["activation_failure"],
        smets1_retry_omits_version=data["devices"]["smets1_retry_omits_version"],
    )


def build(
    data: dict[str, Any], replication: int, *, trace: bool = False, span: tuple[int, int] | None = None
) -> tuple[World, Fleet]:
    """The world of one replication, at time 0, before the CPL removal and the campaign; with a `span`
    (first, stop) of global device indices, only that slice of the fleet (a shard, harness/shards.py):
    devices keep their global IDs and random streams, so a device is the same whatever the shard count."""
    first, stop = span if span is not None else (0, fleet_size(data))
    settings = DspSettings(
        suspension_alert_code=data["dsp"]["suspension_alert_code"], e21_on_timeout=data["dsp"]["e21_on_timeout"]
    )
    dsp = DataServiceProvider(RuleSet.parse(data["ruleset"]), settings=settings)
    dsp.users.register(SUPPLIER, UserRole.IS, UserRole.GS)
    dsp.users.register(ELECTRICITY_DISTRIBUTOR, UserRole.ED)
    dsp.users.register(GAS_TRANSPORTER, UserRole.GT)
    supplier = {t: ServiceUser(SUPPLIER, t.supplier_role) for t in DeviceType}
    world = World(dsp, comms=comms_of(data), seed=data["seed"], replication=replication, trace=trace, first_index=first)
    inventory = dsp.inventory
    campaign: list[str] = []
    smets_of: dict[str, int] = {}
    models: dict[str, tuple[DeviceType, DeviceModel]] = {}
    seen_models: dict[tuple[DeviceType, DeviceModel], None] = {}  # in fleet order (a set's order varies by process)
    shared: dict[str, str] = {}  # one string per firmware version, shared by every device
    start = 0  # the global index of the group's first device
    for group in data["fleet"]:
        device_type = DeviceType.parse(group["type"])
        model = DeviceModel.parse(group["model"]) if group["model"] else DeviceModel.default_for(device_type)
        seen_models[(device_type, model)] = None
        firmware = shared.setdefault(group["firmware"], group["firmware"])
        status = DeviceStatus.parse(group["status"])
        smets = group["smets"]
        operator = GAS_TRANSPORTER if device_type.fuel.value == "gas" else ELECTRICITY_DISTRIBUTOR
        updatable = device_type in (DeviceType.ESME, DeviceType.GSME, DeviceType.CHF, DeviceType.HCALCS)
        step = 2 if device_type is DeviceType.GSME else 1
        lo, hi = units_in(start, step, group["count"], first, stop)
        index = start + lo * step
        start += group["count"] * step
        for _ in range(lo, hi):
            ident = device_id(index)
            index += 1
            _add(inventory, ident, device_type, smets, model, firmware, status, operator)
            device = build_device(ident, device_type, smets, firmware, model)
            device.running = firmware
            world.add_device(device)
            if updatable:
                campaign.append(ident)
                if smets == 1:
                    smets_of[ident] = 1
            if device_type is DeviceType.GSME:  # a GSME brings its GPF
                gpf_id = device_id(index)
                index += 1
                gpf_model = DeviceModel.default_for(DeviceType.GPF)
                _add(inventory, gpf_id, DeviceType.GPF, smets, gpf_model, GPF_FIRMWARE, status, GAS_TRANSPORTER)
                gpf = build_device(gpf_id, DeviceType.GPF, smets, GPF_FIRMWARE, gpf_model, gsme_firmware=firmware)
                gpf.running = GPF_FIRMWARE
                gpf.gsme_copy = firmware
                world.add_device(gpf)
                inventory.pair_gas_proxy(ident, gpf_id)
    for device_type, model in seen_models:
        for version in data["cpl"]["current"] + data["cpl"]["removed"]:
            dsp.list_on_cpl(device_type, model, version)
        models[str(model)] = (device_type, model)
    removed = [(t, m, v) for t, m in sorted(seen_models, key=lambda tm: (tm[0].value, str(tm[1]))) for v in data["cpl"]["removed"]]
    return world, Fleet(supplier, campaign, smets_of, models, removed)


def units_in(start: int, step: int, count: int, first: int, stop: int) -> tuple[int, int]:
    """The units (a device, or a GSME with its GPF when step is 2) of a group whose first device has
    global index `start` that begin inside [first, stop), as a range lo..hi of unit numbers."""
    lo = min(count, max(0, -(-(first - start) // step)))
    hi = min(count, max(0, -(-(stop - start) // step)))
    return lo, max(lo, hi)


def _add(inventory, ident, device_type, smets, model, firmware, status, operator) -> None:
    record = SmiRecord(ident, device_type, smets, model, firmware, status, SUPPLIER, operator, 0.0)
    if status in _NEEDS_PRIOR:  # [model] a fleet listed as Suspended was Commissioned before
        record.history.insert(0, (DeviceStatus.COMMISSIONED, 0.0))
        if status is DeviceStatus.RECOVERED:
            record.history.insert(1, (DeviceStatus.RECOVERY, 0.0))
    inventory.add_record(record)
