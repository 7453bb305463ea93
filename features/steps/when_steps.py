"""The When steps: CPL changes, Service Requests, simulated time, and the supplier as a service user."""
from __future__ import annotations

from features.steps.context import ScenarioContext, duration, whole_number
from features.steps.phrases import step


# --- When: CPL changes, Service Requests, time ---------------------------------------------------------


@step("When", 'firmware "{firmware}" is removed from the CPL for {device_type}',
      'When firmware "0100AAAA" is removed from the CPL for ESME')
def _(sm: ScenarioContext, firmware: str, device_type: str) -> None:
    sm.remove_from_cpl(firmware, device_type)


@step("When", 'firmware "{firmware}" is removed from the CPL for {device_type} model "{model}"',
      'When firmware "0100AAAA" is removed from the CPL for ESME model "DB/ESME-1/01"')
def _(sm: ScenarioContext, firmware: str, device_type: str, model: str) -> None:
    sm.remove_from_cpl(firmware, device_type, model)


@step("When", 'firmware "{firmware}" is listed on the CPL for {device_type}',
      'When firmware "0300CCCC" is listed on the CPL for ESME')
def _(sm: ScenarioContext, firmware: str, device_type: str) -> None:
    sm.list_on_cpl(firmware, device_type)


@step("When", '{sender} sends SR {srv} to "{device}"', 'When the supplier sends SR 11.2 to "E1"')
def _(sm: ScenarioContext, sender: str, srv: str, device: str) -> None:
    sm.send(sender, srv, device)


@step("When", '{sender} sends SR {srv} to "{device}" with command variant {cv}',
      'When the supplier sends SR 2.2 to "E1" with command variant 2')
def _(sm: ScenarioContext, sender: str, srv: str, device: str, cv: str) -> None:
    sm.send(sender, srv, device, cv=cv)


@step("When", '{sender} sends SR {srv} to "{device}" distributing "{firmware}"',
      'When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"')
def _(sm: ScenarioContext, sender: str, srv: str, device: str, firmware: str) -> None:
    sm.send(sender, srv, device, firmware=firmware)


@step("When", '{sender} sends SR {srv} to "{device}" activating "{firmware}"',
      'When the supplier sends SR 11.3 to "E1" activating "0200BBBB"')
def _(sm: ScenarioContext, sender: str, srv: str, device: str, firmware: str) -> None:
    sm.send(sender, srv, device, firmware=firmware)


@step("When", '{sender} sends SR {srv} to "{device}" activating "{firmware}" to execute in {n} {unit}',
      'When the supplier sends SR 11.3 to "E1" activating "0200BBBB" to execute in 2 hours')
def _(sm: ScenarioContext, sender: str, srv: str, device: str, firmware: str, n: str, unit: str) -> None:
    sm.send(sender, srv, device, firmware=firmware, execute_in=duration(n, unit))


@step("When", '{sender} sends SR {srv} to "{device}" activating "{firmware}" with command variant {cv}',
      'When the supplier sends SR 11.3 to "E1" activating "0200BBBB" with command variant 5')
def _(sm: ScenarioContext, sender: str, srv: str, device: str, firmware: str, cv: str) -> None:
    sm.send(sender, srv, device, firmware=firmware, cv=cv)


@step("When", '{sender} sends SR {srv} to "{device}" for local delivery',
      'When the supplier sends SR 11.2 to "E1" for local delivery')
def _(sm: ScenarioContext, sender: str, srv: str, device: str) -> None:
    sm.send(sender, srv, device, local=True)


@step("When", '{sender} sends SR {srv} to "{device}" activating "{firmware}" for local delivery',
      'When the supplier sends SR 11.3 to "E1" activating "0200BBBB" for local delivery')
def _(sm: ScenarioContext, sender: str, srv: str, device: str, firmware: str) -> None:
    sm.send(sender, srv, device, firmware=firmware, local=True)


@step("When", '{sender} sends SR {srv} to "{device}" addressed to the device',
      'When the supplier sends SR 8.2 to "E1" addressed to the device')
def _(sm: ScenarioContext, sender: str, srv: str, device: str) -> None:
    sm.send(sender, srv, device, to_device=True)


@step("When", 'the supplier cancels the future-dated activation on "{device}"',
      'When the supplier cancels the future-dated activation on "E1"')
def _(sm: ScenarioContext, device: str) -> None:
    sm.send("the supplier", "11.3", device, cancels=True)


@step("Given/When", 'the SMI status of "{device}" is set to "{status}"', 'When the SMI status of "E1" is set to "Recovery"')
def _(sm: ScenarioContext, device: str, status: str) -> None:
    sm.set_status(device, status)


@step("When", "{n} {unit} of simulated time {pass}", "When 3 hours of simulated time pass")
def _(sm: ScenarioContext, n: str, unit: str) -> None:
    sm.pass_time(duration(n, unit))


# --- When: the supplier as a service user (harness.sim.supplier: R-SU-1..4) ------------------------------------


@step("When", 'the supplier runs a firmware campaign to "{firmware}"',
      'When the supplier runs a firmware campaign to "0200BBBB"')
def _(sm: ScenarioContext, firmware: str) -> None:
    sm.supplier.run_campaign(firmware, retries=0)


@step("When", 'the supplier runs a firmware campaign to "{firmware}" with {n} automated 11.3 {retries}',
      'When the supplier runs a firmware campaign to "0200BBBB" with 2 automated 11.3 retries')
def _(sm: ScenarioContext, firmware: str, n: str) -> None:
    sm.supplier.run_campaign(firmware, retries=whole_number(n))


@step("When", "the supplier runs an 11.2 recovery sweep", "When the supplier runs an 11.2 recovery sweep")
def _(sm: ScenarioContext) -> None:
    sm.supplier.run_sweep()


@step("When", "the supplier re-updates the firmware of still-Suspended devices",
      "When the supplier re-updates the firmware of still-Suspended devices")
def _(sm: ScenarioContext) -> None:
    sm.supplier.run_refirmware()
