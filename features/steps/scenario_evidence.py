"""What the evidence report shows of one scenario: its messages as DUIS XML, its devices' SMI before and after."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dsp.duis.codec import DuisCodec, trace_xml

if TYPE_CHECKING:
    from features.steps.context import ScenarioContext


def scenario_evidence(scenario: ScenarioContext) -> dict[str, Any]:
    """What the evidence report shows of this scenario."""
    world = scenario.world
    messages = []
    if world is not None:
        codec = DuisCodec(inventory=scenario.dsp.inventory)  # one per run: SMETS1 devices render in MMC form
        for event in world.trace:
            item = event.to_dict()
            item["device"] = scenario.name(event.device_id)
            item["user_alias"] = scenario.name(event.user)
            if event.message is not None:  # what went over the wire, as DUIS XML (None where DUIS has none)
                item["xml"] = trace_xml(event.message, codec=codec, time=event.time)
            messages.append(item)
    devices = []
    for device_id in scenario.devices:
        record = scenario.dsp.inventory.get(device_id)
        after = record.snapshot()
        devices.append({"alias": scenario.name(device_id), "device_id": device_id,
                        "before": scenario.before.get(device_id, after), "after": after})
    return {"ruleset": scenario.ruleset.value, "simulated_seconds": scenario.now, "messages": messages, "devices": devices}
