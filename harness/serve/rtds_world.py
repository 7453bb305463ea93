"""The DUIS endpoint's world: the Reference Test Data Set's devices and users, so the RTDS request
templates (`shared/duis/requests/`) are accepted unchanged, optionally beside a scenario's fleet.

| EUI-64 | What |
|---|---|
| 00-DB-12-34-56-78-90-A0 | ESME, SMETS2 |
| 00-DB-12-34-56-78-90-A1 | GSME, SMETS2, paired with the GPF -A3 |
| 00-DB-12-34-56-78-90-A2 | CHF (the meters' comms hub) |
| 00-DB-12-34-56-78-90-A3 | GPF |
| 00-DB-12-34-56-78-90-A4 | PPMID |
| 90-B3-D5-1F-30-01-00-00 | supplier: IS and GS, responsible supplier of every device |
| 90-B3-D5-1F-30-02-00-00 | network operator: ED and GT, of every device |
| the DCC's ID (dsp.identities) | [model] registered as OU, because the RTDS CS08 (PPMID 11.2) template is sent from it |

Every device is Commissioned on firmware 0100AAAA; 0100AAAA and 0200BBBB are Current on the CPL for
each device type's model (the GPF runs 01000001, also Current).
"""
from __future__ import annotations

from dataclasses import dataclass

from devices import build_device
from dsp import DataServiceProvider, DeviceModel, DeviceType, RuleSet, UserRole
from dsp.identities import DCC_ACCESS_CONTROL_BROKER
from dsp.identities import RTDS_NETWORK_OPERATOR as NETWORK_OPERATOR
from dsp.identities import RTDS_SUPPLIER as SUPPLIER
from harness.sim.world import World

RTDS_OTHER_USER = DCC_ACCESS_CONTROL_BROKER  # [model] the RTDS sends its CS08 (PPMID 11.2) template from the DCC's ID
OLD_FIRMWARE, NEW_FIRMWARE, GPF_FIRMWARE = "0100AAAA", "0200BBBB", "01000001"

RTDS_DEVICES = {
    "00-DB-12-34-56-78-90-A0": DeviceType.ESME,
    "00-DB-12-34-56-78-90-A1": DeviceType.GSME,
    "00-DB-12-34-56-78-90-A2": DeviceType.CHF,
    "00-DB-12-34-56-78-90-A3": DeviceType.GPF,
    "00-DB-12-34-56-78-90-A4": DeviceType.PPMID,
}
ESME, GSME, CHF, GPF, PPMID = RTDS_DEVICES


@dataclass(frozen=True)
class ServedWorld:
    """The world behind the endpoint and where it came from."""

    world: World
    ruleset: RuleSet
    scenario: str | None


def build_served_world(ruleset: RuleSet | str | None = None, scenario_path: str | None = None) -> ServedWorld:
    """The RTDS world under ``ruleset`` (default mp105); with a scenario, its fleet too (the scenario's
    rule set unless ``ruleset`` is given), with its CPL removals applied at time 0."""
    if scenario_path is None:
        rules = RuleSet.parse(ruleset or RuleSet.MP105)
        dsp = DataServiceProvider(rules)
        dsp.users.register(SUPPLIER, UserRole.IS, UserRole.GS)
        dsp.users.register(NETWORK_OPERATOR, UserRole.ED, UserRole.GT)
        world = World(dsp, trace=False, keep_messages=False)
    else:
        from harness.study import scenario, world_setup as fleet

        loaded = scenario.load(scenario_path, {"ruleset": RuleSet.parse(ruleset).value} if ruleset else None)
        world, built = fleet.build(loaded.data, 0)  # no trace, no message history: bounded memory
        for device_type, model, firmware in built.removed:
            world.remove_from_cpl(device_type, model, firmware)
        dsp = world.dsp
        rules = dsp.ruleset
        for role in (UserRole.IS, UserRole.GS):
            dsp.users.register(SUPPLIER, role)
        dsp.users.register(NETWORK_OPERATOR, UserRole.ED, UserRole.GT)
    dsp.users.register(RTDS_OTHER_USER, UserRole.OU)
    _add_rtds_devices(world)
    return ServedWorld(world, rules, scenario_path)


def _add_rtds_devices(world: World) -> None:
    dsp = world.dsp
    for device_type in dict.fromkeys(RTDS_DEVICES.values()):  # in order: a set's order varies by process
        model = DeviceModel.default_for(device_type)
        versions = (GPF_FIRMWARE,) if device_type is DeviceType.GPF else (OLD_FIRMWARE, NEW_FIRMWARE)
        for version in versions:
            if dsp.cpl.find(device_type, model, version) is None:
                dsp.list_on_cpl(device_type, model, version)
    for device_id, device_type in RTDS_DEVICES.items():
        firmware = GPF_FIRMWARE if device_type is DeviceType.GPF else OLD_FIRMWARE
        dsp.inventory.add(device_id, device_type, firmware, supplier=SUPPLIER, network_operator=NETWORK_OPERATOR)
        if device_type is DeviceType.GPF:
            device = build_device(device_id, device_type, 2, firmware, gsme_firmware=OLD_FIRMWARE)
        else:
            device = build_device(device_id, device_type, 2, firmware)
        world.add_device(device)
    dsp.inventory.pair_gas_proxy(GSME, GPF)
    for meter in (ESME, GSME, PPMID):
        dsp.inventory.pair_comms_hub(meter, CHF)
