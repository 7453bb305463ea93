"""One replication's world from a scenario: the DSP, its users, the CPL, the fleet, and the supplier's policy.

The fleet is built in bulk as arrays, the SMI's (dsp.fleet_records) and the world's (harness.sim.fleet):
an idle device costs a few dozen bytes and no Python object, so a GB-size shard fits in a worker.
"""
from __future__ import annotations

from typing import Any

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
from dsp.identities import GAS_TRANSPORTER
from dsp.identities import RTDS_NETWORK_OPERATOR as ELECTRICITY_DISTRIBUTOR
from dsp.identities import RTDS_SUPPLIER as SUPPLIER  # one supplier, both IS and GS (dual fuel)
from dsp.fleet_records import FleetRecords, Profile
from dsp.identifiers import firmware_version
from dsp.inventory import NEEDS_PRIOR_STATUS, give_prior_status
from harness.sim.fleet import FleetDevices
from harness.sim.comms import Comms, Latency, Leg, OfflineWindow
from harness.sim.supplier import Fleet, Policy
from harness.sim.world import World
from harness.study.fleet_layout import FleetIds, FleetLayout, FleetNaming
from harness.study.scenario import HOUR

GPF_FIRMWARE = "01000001"


def settings_of(data: dict[str, Any]) -> DspSettings:
    """The scenario's [dsp] table as the DSP's settings."""
    dsp = data["dsp"]
    return DspSettings(suspension_alert_code=dsp["suspension_alert_code"], e21_on_timeout=dsp["e21_on_timeout"],
                       smets1_top_up_cv2_when_suspended=dsp["smets1_top_up_cv2_when_suspended"])


def policy_of(data: dict[str, Any], supplier: dict[str, Any] | None = None) -> Policy:
    """The scenario's [campaign] and [supplier] tables as the supplier's policy (hours to seconds); with
    `supplier`, one of its [[supplier]] tables instead (harness/study/populations.py)."""
    c, s = data["campaign"], supplier if supplier is not None else data["supplier"]
    return Policy(
        c["firmware"], c["start_hour"] * HOUR, c["window"], c["future_dated_hours"] * HOUR,
        s["retry_11_3"], s["retry_timeout_hours"] * HOUR, s["sweep_11_2"], s["legacy_refirmware"],
        s["recovery_interval_hours"] * HOUR, s["inventory_page"],
    )


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
    windows: tuple[OfflineWindow, ...] = ()
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
    (first, stop) of global device indices, only that slice of the fleet (a shard, harness/study/shards.py):
    devices keep their global IDs and random streams, so a device is the same whatever the shard count.

    The fleet is built in bulk as arrays (dsp.fleet_records, harness.sim.fleet): a group of devices is a
    profile and a run of codes, not a Python object per device."""
    layout = FleetLayout.of(data["fleet"])
    first, stop = span if span is not None else (0, layout.size)
    dsp = DataServiceProvider(RuleSet.parse(data["ruleset"]), settings=settings_of(data))
    dsp.users.register(SUPPLIER, UserRole.IS, UserRole.GS)
    dsp.users.register(ELECTRICITY_DISTRIBUTOR, UserRole.ED)
    dsp.users.register(GAS_TRANSPORTER, UserRole.GT)
    supplier = {t: ServiceUser(SUPPLIER, t.supplier_role) for t in DeviceType}
    world = World(dsp, comms=comms_of(data), seed=data["seed"], replication=replication, trace=trace, first_index=first)
    records, devices = FleetRecords(FleetNaming(), first), FleetDevices(FleetNaming(), first)
    campaign, smets1 = FleetIds(), FleetIds()
    gpf_model = DeviceModel.default_for(DeviceType.GPF)
    for group in layout.groups:
        device_type, model, status, smets = group.device_type, group.model, group.status, group.smets
        firmware = firmware_version(group.firmware)
        operator = GAS_TRANSPORTER if device_type.fuel.value == "gas" else ELECTRICITY_DISTRIBUTOR
        lo, hi = group.units_in(first, stop)
        if hi <= lo:
            continue
        prefix = _history_before(status)
        gas = device_type is DeviceType.GSME  # a GSME brings its GPF, the next index
        profiles = [(Profile(device_type, smets, model, SUPPLIER, operator, prefix, 1 if gas else 0), firmware)]
        kinds = [(device_type, smets, model, firmware, "")]
        if gas:
            profiles.append((Profile(DeviceType.GPF, smets, gpf_model, SUPPLIER, GAS_TRANSPORTER, prefix, -1), GPF_FIRMWARE))
            kinds.append((DeviceType.GPF, smets, gpf_model, GPF_FIRMWARE, firmware))
        records.extend(hi - lo, profiles)
        devices.extend(hi - lo, kinds)
        if group.updated:
            campaign.add(group.start + lo * group.step, group.step, hi - lo, device_type)
            if smets == 1:
                smets1.add(group.start + lo * group.step, group.step, hi - lo, device_type)
    assert len(records) == len(devices) == stop - first, "a shard's devices are its span's"
    dsp.inventory.attach_fleet(records)
    world.add_fleet(devices)
    models: dict[str, tuple[DeviceType, DeviceModel]] = {}
    seen_models = layout.models()
    for device_type, model in seen_models:
        for version in data["cpl"]["current"] + data["cpl"]["removed"]:
            dsp.list_on_cpl(device_type, model, version)
        models[str(model)] = (device_type, model)
    removed = [(t, m, v) for t, m in sorted(seen_models, key=lambda tm: (tm[0].value, str(tm[1]))) for v in data["cpl"]["removed"]]
    return world, Fleet(supplier, campaign, smets1, models, removed)


def _history_before(status: DeviceStatus) -> tuple[tuple[DeviceStatus, float], ...]:
    """The history a device listed in `status` starts with: [model] a fleet listed as Suspended (Recovery,
    Recovered) was Commissioned before (R-CPL-3 restores it, R-E5-5 validates on it)."""
    record = SmiRecord("", DeviceType.ESME, 2, DeviceModel.default_for(DeviceType.ESME), "", status, "", "", 0.0)
    if status in NEEDS_PRIOR_STATUS:
        give_prior_status(record, DeviceStatus.COMMISSIONED, 0.0)
    return tuple(record.history)
