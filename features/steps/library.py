"""The step library: every phrasing a feature file may use, each with its example (features/README.md).

Loaded as a pytest plugin (`-p features.steps.library`). Steps parse and assert; the scenario's state
lives in `ScenarioContext`. Nothing is lost and no time passes unless a step says so.
"""
from __future__ import annotations

import pytest

from dsp import (
    ActivationOutcome,
    ActivationResponse,
    DeviceStatus,
    DeviceType,
    ResponseCode,
    firmware_version,
)
from dsp.errors import DomainError
from features.steps.context import ScenarioContext, duration
from features.steps.phrases import ScenarioFailure, find, step, unknown_step_message

CONTEXT = pytest.StashKey[ScenarioContext]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--sm-seed", type=int, default=0, help="seed for the aliases' EUI-64s (sm-harness features)")


@pytest.fixture
def sm(request: pytest.FixtureRequest) -> ScenarioContext:
    """The scenario's DSP, devices and world."""
    node = request.node
    if CONTEXT not in node.stash:
        node.stash[CONTEXT] = ScenarioContext(seed=request.config.getoption("--sm-seed"))
    return node.stash[CONTEXT]


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_before_step(request, feature, scenario, step, step_func) -> None:
    request.getfixturevalue("sm").before_step(step.type)


def pytest_bdd_step_func_lookup_error(request, feature, scenario, step, exception) -> None:
    """Backstop for the setup check in harness.evidence: a readable message, never pytest-bdd's."""
    pytest.fail(unknown_step_message(feature.rel_filename, step.line_number, step.keyword, step.name), pytrace=False)


def undefined_steps(scenario) -> list:
    """The steps of a (rendered) scenario the library has no phrase for."""
    return [s for s in scenario.steps if find(s.type, s.name) is None]


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
    if sm.record(device).device_type is not DeviceType.GPF:
        raise DomainError(f'"{device}" is a {proxy.device_type.value}, not a GPF')
    proxy.refresh(firmware_version(firmware))


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


@step("Given", "the response timeout is {n} {unit}", "Given the response timeout is 30 minutes")
def _(sm: ScenarioContext, n: str, unit: str) -> None:
    sm.set_comms(response_timeout=duration(n, unit))


@step("Given", "SMETS1 retry responses carry the firmware version", "Given SMETS1 retry responses carry the firmware version")
def _(sm: ScenarioContext) -> None:
    sm.set_comms(smets1_retry_omits_version=0.0)


@step("Given", "the supplier waits {n} {unit} for a response before an automated retry",
      "Given the supplier waits 2 hours for a response before an automated retry")
def _(sm: ScenarioContext, n: str, unit: str) -> None:
    sm.supplier_wait = duration(n, unit)


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


@step("When", "{n} {unit} of simulated time {pass}", "When 3 hours of simulated time pass")
def _(sm: ScenarioContext, n: str, unit: str) -> None:
    sm.pass_time(duration(n, unit))


# --- When: the supplier as a service user (harness.users: R-SU-1..4) ------------------------------------


@step("When", 'the supplier runs a firmware campaign to "{firmware}"',
      'When the supplier runs a firmware campaign to "0200BBBB"')
def _(sm: ScenarioContext, firmware: str) -> None:
    sm.run_campaign(firmware, retries=0)


@step("When", 'the supplier runs a firmware campaign to "{firmware}" with {n} automated 11.3 {retries}',
      'When the supplier runs a firmware campaign to "0200BBBB" with 2 automated 11.3 retries')
def _(sm: ScenarioContext, firmware: str, n: str) -> None:
    sm.run_campaign(firmware, retries=_whole(n))


@step("When", "the supplier runs an 11.2 recovery sweep", "When the supplier runs an 11.2 recovery sweep")
def _(sm: ScenarioContext) -> None:
    sm.run_sweep()


@step("When", "the supplier re-updates the firmware of still-Suspended devices",
      "When the supplier re-updates the firmware of still-Suspended devices")
def _(sm: ScenarioContext) -> None:
    sm.run_refirmware()


def _whole(n: str) -> int:
    if not n.isdigit():
        raise DomainError(f"expected a whole number, got {n}")
    return int(n)


# --- Then: responses ------------------------------------------------------------------------------------


@step("Then", 'the response code is "{code}"', 'Then the response code is "E5"')
def _(sm: ScenarioContext, code: str) -> None:
    expected = ResponseCode.parse(code)
    exchange = sm.last
    if expected not in [r.code for r in exchange.responses]:
        raise ScenarioFailure(f"expected response code {expected.value}, but {sm.describe(exchange)}")


@step("Then", 'the response code is not "{code}"', 'Then the response code is not "E21"')
def _(sm: ScenarioContext, code: str) -> None:
    expected = ResponseCode.parse(code)
    exchange = sm.last
    if expected in [r.code for r in exchange.responses]:
        raise ScenarioFailure(f"expected no response code {expected.value}, but {sm.describe(exchange)}")


@step("Then", "no response is received", "Then no response is received")
def _(sm: ScenarioContext) -> None:
    exchange = sm.last
    if any(r.code is ResponseCode.I0 for r in exchange.responses):
        raise ScenarioFailure(f"expected no response, but {sm.describe(exchange)}")


@step("Then", 'the request does not reach device "{device}"', 'Then the request does not reach device "E1"')
def _(sm: ScenarioContext, device: str) -> None:
    device_id = sm.device_id(device)
    reached = [e for e in sm.trace_since(sm.trace_at_request) if e.kind == "device_command" and e.device_id == device_id]
    if reached:
        raise ScenarioFailure(f'expected the request not to reach "{device}", but {sm.describe(sm.last)} after reaching it')


@step("Then", 'the activation response from "{device}" is "{outcome}"',
      'Then the activation response from "E1" is "noImageHeld"')
def _(sm: ScenarioContext, device: str, outcome: str) -> None:
    expected = ActivationOutcome.parse(outcome)
    body = _activation_response(sm, device)
    if body.outcome is not expected:
        raise ScenarioFailure(f'expected the activation response from "{device}" to be {expected.duis_name}, '
                              f"but it was {body.outcome.duis_name}")


@step("Then", 'the activation response from "{device}" carries firmware "{firmware}"',
      'Then the activation response from "E1" carries firmware "0200BBBB"')
def _(sm: ScenarioContext, device: str, firmware: str) -> None:
    body = _activation_response(sm, device)
    if body.version != firmware_version(firmware):
        raise ScenarioFailure(f'expected the activation response from "{device}" to carry firmware '
                              f"{firmware_version(firmware)}, but it carried {body.version or 'no firmware version'}")


@step("Then", 'the activation response from "{device}" carries no firmware version',
      'Then the activation response from "E1" carries no firmware version')
def _(sm: ScenarioContext, device: str) -> None:
    body = _activation_response(sm, device)
    if body.version is not None:
        raise ScenarioFailure(f'expected the activation response from "{device}" to carry no firmware version, '
                              f"but it carried {body.version}")


def _activation_response(sm: ScenarioContext, device: str) -> ActivationResponse:
    found = sm.device_responses(device, ActivationResponse)
    if not found:
        raise ScenarioFailure(f'no SR 11.3 response from "{device}" has reached the supplier')
    return found[-1].body


@step("Then", 'device "{device}" sends activation alert "{code}"', 'Then device "E1" sends activation alert "0x8F66"')
def _(sm: ScenarioContext, device: str, code: str) -> None:
    device_id = sm.device_id(device)
    try:
        wanted = int(code, 16)
    except ValueError:
        raise ScenarioFailure(f"malformed alert code {code!r}: expected hex such as 0x8F66") from None
    sent = [e.details["alert_code"] for e in sm.trace_since(0)
            if e.kind == "device_command" and e.device_id == device_id and "alert_code" in e.details]
    if not any(int(c, 16) == wanted for c in sent):
        raise ScenarioFailure(f'expected "{device}" to send activation alert 0x{wanted:04X}, '
                              f"but it sent {', '.join(sent) or 'none'}")


@step("Then", 'the inventory response lists "{device}" with SMI status "{status}"',
      'Then the inventory response lists "E1" with SMI status "Suspended"')
def _(sm: ScenarioContext, device: str, status: str) -> None:
    expected = DeviceStatus.parse(status)
    exchange = sm.last
    if exchange.request.srv != "8.2" or not exchange.responses or exchange.responses[0].body is None:
        raise ScenarioFailure(f"the last request was not answered with an inventory: {sm.describe(exchange)}")
    device_id = sm.device_id(device)
    rows = [r for r in exchange.responses[0].body if r.device_id == device_id]
    if not rows:
        raise ScenarioFailure(f'the inventory response does not list "{device}"')
    if rows[0].status is not expected:
        raise ScenarioFailure(f'expected the inventory to list "{device}" as {expected.value}, but it says {rows[0].status.value}')


# --- Then: what the supplier did (its requests, answers and counts) ------------------------------------


@step("Then", 'the supplier sent SR {srv} to "{device}" {n} {times}', 'Then the supplier sent SR 11.3 to "E1" 3 times')
def _(sm: ScenarioContext, srv: str, device: str, n: str) -> None:
    sent = len(sm.supplier_requests(srv, device))
    if sent != _whole(n):
        raise ScenarioFailure(f'expected the supplier to have sent SR {srv} to "{device}" {n} time(s), but it sent it {sent} time(s)')


@step("Then", 'the supplier\'s SR {srv} to "{device}" is answered "{code}"',
      'Then the supplier\'s SR 11.2 to "E1" is answered "E5"')
def _(sm: ScenarioContext, srv: str, device: str, code: str) -> None:
    expected = ResponseCode.parse(code)
    codes = [r.code.value for r in sm.supplier_answers(srv, device)]
    if expected.value not in codes:
        raise ScenarioFailure(f'expected an answer {expected.value} to the supplier\'s SR {srv} to "{device}", '
                              f"but it was answered {', '.join(codes) or 'nothing'}")


@step("Then", "{n} firmware {updates} {is} counted", "Then 3 firmware updates are counted")
def _(sm: ScenarioContext, n: str) -> None:
    if sm.firmware_updates != _whole(n):
        raise ScenarioFailure(f"expected {n} firmware update(s) counted, but the supplier counted {sm.firmware_updates}")


@step("Then", "{n} wasted firmware {updates} {is} counted", "Then 1 wasted firmware update is counted")
def _(sm: ScenarioContext, n: str) -> None:
    if sm.wasted_updates != _whole(n):
        raise ScenarioFailure(f"expected {n} wasted firmware update(s) counted (R-SU-4), "
                              f"but the supplier counted {sm.wasted_updates}")


# --- Then: the SMI and the devices ---------------------------------------------------------------------


@step("Then", 'device "{device}" has SMI status "{status}"', 'Then device "E1" has SMI status "Suspended"')
def _(sm: ScenarioContext, device: str, status: str) -> None:
    expected = DeviceStatus.parse(status)
    actual = sm.record(device).status
    if actual is not expected:
        raise ScenarioFailure(f'expected "{device}" to have SMI status {expected.value}, but the SMI says {actual.value}')


@step("Then", 'device "{device}" has SMI firmware "{firmware}"', 'Then device "E1" has SMI firmware "0200BBBB"')
def _(sm: ScenarioContext, device: str, firmware: str) -> None:
    expected = firmware_version(firmware)
    actual = sm.record(device).firmware
    if actual != expected:
        raise ScenarioFailure(f'expected "{device}" to have SMI firmware {expected}, but the SMI says {actual}')


@step("Then", 'the SMI status history of "{device}" is "{statuses}"',
      'Then the SMI status history of "E1" is "Commissioned, Suspended, Commissioned"')
def _(sm: ScenarioContext, device: str, statuses: str) -> None:
    expected = [DeviceStatus.parse(s) for s in statuses.split(",")]
    actual = [s for s, _ in sm.record(device).history]
    if actual != expected:
        raise ScenarioFailure(f'expected the SMI status history of "{device}" to be '
                              f"{', '.join(s.value for s in expected)}, but it is {', '.join(s.value for s in actual)}")


@step("Then", 'device "{device}" runs firmware "{firmware}"', 'Then device "E1" runs firmware "0200BBBB"')
def _(sm: ScenarioContext, device: str, firmware: str) -> None:
    expected = firmware_version(firmware)
    actual = sm.device(device).running
    if actual != expected:
        raise ScenarioFailure(f'expected "{device}" to run firmware {expected}, but it runs {actual}')


@step("Then", 'device "{device}" holds firmware image "{firmware}"', 'Then device "E1" holds firmware image "0200BBBB"')
def _(sm: ScenarioContext, device: str, firmware: str) -> None:
    held = sm.device(device).held
    if held is None or held.version != firmware_version(firmware):
        raise ScenarioFailure(f'expected "{device}" to hold firmware image {firmware_version(firmware)}, '
                              f"but it holds {held.version if held else 'none'}")


@step("Then", 'device "{device}" holds no firmware image', 'Then device "E1" holds no firmware image')
def _(sm: ScenarioContext, device: str) -> None:
    held = sm.device(device).held
    if held is not None:
        raise ScenarioFailure(f'expected "{device}" to hold no firmware image, but it holds {held.version}')


@step("Then", 'the gas proxy "{device}" now holds GSME firmware "{firmware}"',
      'Then the gas proxy "P1" now holds GSME firmware "0200BBBB"')
def _(sm: ScenarioContext, device: str, firmware: str) -> None:
    proxy = sm.device(device)
    copy = getattr(proxy, "gsme_copy", None)
    if copy != firmware_version(firmware):
        raise ScenarioFailure(f'expected the gas proxy "{device}" to hold GSME firmware {firmware_version(firmware)}, '
                              f"but it holds {copy}")


# --- Then: DCC alerts (those sent since the first When step of the current When ... Then block) ---------


def _recipients(sm: ScenarioContext, device: str, who: str) -> list[tuple[str, str]]:
    record = sm.record(device)
    found = []
    if "supplier" in who:
        found.append((record.supplier, "responsible supplier"))
    if "network operator" in who:
        found.append((record.network_operator, "network operator"))
    return found


def _check_sent(sm: ScenarioContext, code: str, device: str, who: str) -> None:
    device_id = sm.device_id(device)
    alerts = sm.window_alerts()
    for recipient, label in _recipients(sm, device, who):
        if not any(a.code == code and a.device_id == device_id and a.recipient == recipient for a in alerts):
            raise ScenarioFailure(f'expected DCC alert {code} about "{device}" to go to its {label}, '
                                  f"but the DCC alerts sent were: {sm.describe_alerts(alerts)}")


@step("Then", 'DCC alert "{code}" is sent to the responsible supplier and the network operator of "{device}"',
      'Then DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"')
def _(sm: ScenarioContext, code: str, device: str) -> None:
    _check_sent(sm, code.strip(), device, "supplier and network operator")


@step("Then", 'DCC alert "{code}" is sent to the responsible supplier of "{device}"',
      'Then DCC alert "N50" is sent to the responsible supplier of "E1"')
def _(sm: ScenarioContext, code: str, device: str) -> None:
    _check_sent(sm, code.strip(), device, "supplier")


@step("Then", 'DCC alert "{code}" is not sent to the network operator of "{device}"',
      'Then DCC alert "N50" is not sent to the network operator of "E1"')
def _(sm: ScenarioContext, code: str, device: str) -> None:
    record = sm.record(device)
    alerts = sm.window_alerts()
    if any(a.code == code and a.recipient == record.network_operator for a in alerts):
        raise ScenarioFailure(f'expected DCC alert {code} not to go to the network operator of "{device}", '
                              f"but the DCC alerts sent were: {sm.describe_alerts(alerts)}")


@step("Then", 'DCC alert "{code}" about "{device}" reports firmware "{reported}" against SMI firmware "{smi}"',
      'Then DCC alert "N52" about "G1" reports firmware "0200BBBB" against SMI firmware "0100AAAA"')
def _(sm: ScenarioContext, code: str, device: str, reported: str, smi: str) -> None:
    device_id = sm.device_id(device)
    alerts = [a for a in sm.window_alerts() if a.code == code and a.device_id == device_id]
    if not alerts:
        raise ScenarioFailure(f'no DCC alert {code} about "{device}" was sent; the DCC alerts sent were: '
                              f"{sm.describe_alerts(sm.window_alerts())}")
    payload = alerts[-1].payload
    got = (getattr(payload, "device_version", None), getattr(payload, "smi_version", None))
    if got != (firmware_version(reported), firmware_version(smi)):
        raise ScenarioFailure(f"expected DCC alert {code} to report firmware {firmware_version(reported)} against SMI "
                              f"firmware {firmware_version(smi)}, but it reports {got[0]} against {got[1]}")


@step("Then", 'no DCC alert "{code}" is sent', 'Then no DCC alert "N29" is sent')
def _(sm: ScenarioContext, code: str) -> None:
    alerts = [a for a in sm.window_alerts() if a.code == code.strip()]
    if alerts:
        raise ScenarioFailure(f"expected no DCC alert {code}, but the DCC alerts sent were: {sm.describe_alerts(alerts)}")


@step("Then", "no DCC alerts are sent", "Then no DCC alerts are sent")
def _(sm: ScenarioContext) -> None:
    alerts = sm.window_alerts()
    if alerts:
        raise ScenarioFailure(f"expected no DCC alerts, but the DCC alerts sent were: {sm.describe_alerts(alerts)}")


__all__ = ["sm", "undefined_steps", "CONTEXT"]
