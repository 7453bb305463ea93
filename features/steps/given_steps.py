"""The Given steps (and the Given/When steps of what goes wrong): rules, settings, the CPL, the inventory."""
from __future__ import annotations

from devices import GasProxyFunction
from dsp import (
    DeviceType,
    definition,
    firmware_version,
)
from dsp.errors import DomainError
from dsp.rulesets import Table22Order
from features.steps.context import ScenarioContext, duration
from features.steps.phrases import step


def _needs_table(datatable):
    if datatable is None:
        raise DomainError("this step needs a table below it (see features/README.md)")
    return datatable


# --- Given: rules, settings, CPL, inventory ---------------------------------------------------------


@step("Given", 'the DSP applies the "{ruleset}" rules', 'Given the DSP applies the "mp105" rules')
def _(sm: ScenarioContext, ruleset: str) -> None:
    sm.apply_rules(ruleset)


@step("Given", "the CPL lists these firmware versions:", "Given the CPL lists these firmware versions:")
def _(sm: ScenarioContext, datatable=None) -> None:
    sm.list_cpl(_needs_table(datatable))


@step("Given", "these devices are in the inventory:", "Given these devices are in the inventory:")
def _(sm: ScenarioContext, datatable=None) -> None:
    sm.add_inventory(_needs_table(datatable))


@step("Given", 'device "{device}" is running firmware "{firmware}"', 'Given device "E1" is running firmware "0200BBBB"')
def _(sm: ScenarioContext, device: str, firmware: str) -> None:
    sm.device(device).running = firmware_version(firmware)


@step("Given", 'the gas proxy "{device}" holds GSME firmware "{firmware}"',
      'Given the gas proxy "P1" holds GSME firmware "0200BBBB"')
def _(sm: ScenarioContext, device: str, firmware: str) -> None:
    proxy = sm.device(device)
    if not isinstance(proxy, GasProxyFunction):
        raise DomainError(f'"{device}" is a {proxy.device_type.value}, not a GPF')
    proxy.refresh(firmware_version(firmware))


@step("Given", 'device "{device}" is not in the inventory', 'Given device "X1" is not in the inventory')
def _(sm: ScenarioContext, device: str) -> None:
    sm.not_in_inventory(device)


@step("Given", 'the supplier of "{device}" is suspended', 'Given the supplier of "E1" is suspended')
def _(sm: ScenarioContext, device: str) -> None:
    sm.dsp.users.suspend(sm.record(device).supplier)


@step("Given", 'the DSP sends the suspension alert as "{code}"', 'Given the DSP sends the suspension alert as "N30"')
def _(sm: ScenarioContext, code: str) -> None:
    sm.set_dsp(suspension_alert_code=code.strip())


@step("Given", "11.2 responses from {device_type} devices feed the version rule",
      "Given 11.2 responses from PPMID devices feed the version rule")
def _(sm: ScenarioContext, device_type: str) -> None:
    kinds = sm.dsp.settings.version_rule_11_2_types | {DeviceType.parse(device_type)}
    sm.set_dsp(version_rule_11_2_types=frozenset(kinds))


@step("Given", "a device response that never comes is not answered E21",
      "Given a device response that never comes is not answered E21")
def _(sm: ScenarioContext) -> None:
    sm.set_dsp(e21_on_timeout=False)


@step("Given", "the DSP checks E19 before E4 and E5", "Given the DSP checks E19 before E4 and E5")
def _(sm: ScenarioContext) -> None:
    sm.set_dsp(table22_order=Table22Order.RULEBOOK)  # R-T22-2


@step("Given", "E4 is not applied to SR {srv}", "Given E4 is not applied to SR 11.2")
def _(sm: ScenarioContext, srv: str) -> None:
    sm.set_dsp(e4_exempt_srvs=sm.dsp.settings.e4_exempt_srvs | {definition(srv).srv})  # R-E4-1


@step("Given", "the DSP does not restore a Suspended device that reports its SMI version",
      "Given the DSP does not restore a Suspended device that reports its SMI version")
def _(sm: ScenarioContext) -> None:
    sm.set_dsp(restore_on_unchanged_version=False)  # R-VER-5 off


@step("Given", "N52 goes to the gas supplier only", "Given N52 goes to the gas supplier only")
def _(sm: ScenarioContext) -> None:
    sm.set_dsp(n52_to_network_operator=False)  # R-ALERT-2 off


@step("Given", "a Suspended SMETS1 device refuses a top-up with command variant 2",
      "Given a Suspended SMETS1 device refuses a top-up with command variant 2")
def _(sm: ScenarioContext) -> None:
    sm.set_dsp(smets1_top_up_cv2_when_suspended=False)  # R-E5-8: Annex B's E5 row, the default


@step("Given", "a Suspended SMETS1 device takes a top-up with command variant 2",
      "Given a Suspended SMETS1 device takes a top-up with command variant 2")
def _(sm: ScenarioContext) -> None:
    sm.set_dsp(smets1_top_up_cv2_when_suspended=True)  # R-E5-8: the report's and Annex C's exception


@step("Given", "before MP105 a failure alert updates the SMI only for a Removed version",
      "Given before MP105 a failure alert updates the SMI only for a Removed version")
def _(sm: ScenarioContext) -> None:
    sm.set_dsp(legacy_failure_alert_records_current=False)  # R-FD-2 off


@step("Given", "the response timeout is {n} {unit}", "Given the response timeout is 30 minutes")
def _(sm: ScenarioContext, n: str, unit: str) -> None:
    sm.set_comms(response_timeout=duration(n, unit))


@step("Given", "SMETS1 retry responses carry the firmware version", "Given SMETS1 retry responses carry the firmware version")
def _(sm: ScenarioContext) -> None:
    sm.set_comms(smets1_retry_omits_version=0.0)


@step("Given", "the supplier waits {n} {unit} for a response before an automated retry",
      "Given the supplier waits 2 hours for a response before an automated retry")
def _(sm: ScenarioContext, n: str, unit: str) -> None:
    sm.supplier.wait = duration(n, unit)


@step("Given", "a GSME's new firmware reaches its gas proxy after {n} {unit}",
      "Given a GSME's new firmware reaches its gas proxy after 1 hour")
def _(sm: ScenarioContext, n: str, unit: str) -> None:
    sm.set_comms(gpf_refresh_lag=duration(n, unit))


# --- Given or When: what goes wrong ------------------------------------------------------------------


@step("Given/When", 'the next {srv} response from "{device}" is lost', 'Given the next 11.3 response from "E1" is lost')
def _(sm: ScenarioContext, srv: str, device: str) -> None:
    sm.lose_next(device, srv, "response")


@step("Given/When", 'the next {srv} request to "{device}" is lost', 'Given the next 11.2 request to "E1" is lost')
def _(sm: ScenarioContext, srv: str, device: str) -> None:
    sm.lose_next(device, srv, "request")


@step("Given/When", 'the next activation alert from "{device}" is lost', 'Given the next activation alert from "E1" is lost')
def _(sm: ScenarioContext, device: str) -> None:
    sm.lose_next(device, "11.3", "alert")


@step("Given/When", 'the next activation on "{device}" fails', 'Given the next activation on "E1" fails')
def _(sm: ScenarioContext, device: str) -> None:
    sm.fail_next_activation(device)
