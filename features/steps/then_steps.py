"""The Then steps: responses, what the supplier did, the SMI and the devices, DCC alerts."""
from __future__ import annotations

from dsp import (
    ActivationOutcome,
    ActivationResponse,
    DeviceStatus,
    FirmwareVersionRead,
    InventoryRow,
    LocalCommand,
    ResponseCode,
    firmware_version,
)
from features.steps.context import ScenarioContext, whole_number
from features.steps.phrases import ScenarioFailure, step


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


@step("Then", 'the final response code is "{code}"', 'Then the final response code is "E21"')
def _(sm: ScenarioContext, code: str) -> None:
    expected = ResponseCode.parse(code)
    exchange = sm.last
    final = exchange.responses[-1].code if exchange.responses else None
    if final is not expected:
        raise ScenarioFailure(f"expected the final response code {expected.value}, but {sm.describe(exchange)}")


@step("Then", 'the request is answered with a local command for "{device}"',
      'Then the request is answered with a local command for "E1"')
def _(sm: ScenarioContext, device: str) -> None:
    device_id = sm.device_id(device)
    exchange = sm.last
    local = [r for r in exchange.responses if isinstance(r.body, LocalCommand) and r.body.command.device_id == device_id]
    if not local or local[0].code is not ResponseCode.I0:
        raise ScenarioFailure(f'expected an I0 carrying a local command for "{device}", but {sm.describe(exchange)}')


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
    body = found[-1].body
    assert isinstance(body, ActivationResponse)
    return body


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


@step("Then", 'the 11.2 response from "{device}" reports firmware "{firmware}"',
      'Then the 11.2 response from "E1" reports firmware "0200BBBB"')
def _(sm: ScenarioContext, device: str, firmware: str) -> None:
    found = sm.device_responses(device, FirmwareVersionRead)
    if not found:
        raise ScenarioFailure(f'no SR 11.2 response from "{device}" has reached the user')
    body = found[-1].body
    assert isinstance(body, FirmwareVersionRead)
    if body.version != firmware_version(firmware):
        raise ScenarioFailure(f'expected the 11.2 response from "{device}" to report firmware {firmware_version(firmware)}, '
                              f"but it reported {body.version or 'no firmware version'}")


@step("Then", 'the inventory response lists "{device}" with SMI status "{status}"',
      'Then the inventory response lists "E1" with SMI status "Suspended"')
def _(sm: ScenarioContext, device: str, status: str) -> None:
    expected = DeviceStatus.parse(status)
    exchange = sm.last
    if exchange.request.srv != "8.2" or not exchange.responses or exchange.responses[0].body is None:
        raise ScenarioFailure(f"the last request was not answered with an inventory: {sm.describe(exchange)}")
    device_id = sm.device_id(device)
    body: tuple[InventoryRow, ...] = exchange.responses[0].body  # type: ignore[assignment]  # 8.2's I0
    rows = [r for r in body if r.device_id == device_id]
    if not rows:
        raise ScenarioFailure(f'the inventory response does not list "{device}"')
    if rows[0].status is not expected:
        raise ScenarioFailure(f'expected the inventory to list "{device}" as {expected.value}, but it says {rows[0].status.value}')


# --- Then: what the supplier did (its requests, answers and counts) ------------------------------------


@step("Then", 'the supplier sent SR {srv} to "{device}" {n} {times}', 'Then the supplier sent SR 11.3 to "E1" 3 times')
def _(sm: ScenarioContext, srv: str, device: str, n: str) -> None:
    sent = len(sm.supplier.requests(srv, device))
    if sent != whole_number(n):
        raise ScenarioFailure(f'expected the supplier to have sent SR {srv} to "{device}" {n} time(s), but it sent it {sent} time(s)')


@step("Then", 'the supplier\'s SR {srv} to "{device}" is answered "{code}"',
      'Then the supplier\'s SR 11.2 to "E1" is answered "E5"')
def _(sm: ScenarioContext, srv: str, device: str, code: str) -> None:
    expected = ResponseCode.parse(code)
    codes = [r.code.value for r in sm.supplier.answers(srv, device)]
    if expected.value not in codes:
        raise ScenarioFailure(f'expected an answer {expected.value} to the supplier\'s SR {srv} to "{device}", '
                              f"but it was answered {', '.join(codes) or 'nothing'}")


@step("Then", "{n} firmware {updates} {is} counted", "Then 3 firmware updates are counted")
def _(sm: ScenarioContext, n: str) -> None:
    if sm.supplier.firmware_updates != whole_number(n):
        raise ScenarioFailure(f"expected {n} firmware update(s) counted, but the supplier counted {sm.supplier.firmware_updates}")


@step("Then", "{n} wasted firmware {updates} {is} counted", "Then 1 wasted firmware update is counted")
def _(sm: ScenarioContext, n: str) -> None:
    if sm.supplier.wasted_updates != whole_number(n):
        raise ScenarioFailure(f"expected {n} wasted firmware update(s) counted (R-SU-4), "
                              f"but the supplier counted {sm.supplier.wasted_updates}")


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


@step("Then", 'DCC alert "{code}" is sent to the network operator of "{device}"',
      'Then DCC alert "N52" is sent to the network operator of "G1"')
def _(sm: ScenarioContext, code: str, device: str) -> None:
    _check_sent(sm, code.strip(), device, "network operator")


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


@step("Then", "exactly {n} DCC {alerts} {is} sent", "Then exactly 2 DCC alerts are sent")
def _(sm: ScenarioContext, n: str) -> None:
    alerts = sm.window_alerts()
    if len(alerts) != whole_number(n):
        raise ScenarioFailure(f"expected exactly {n} DCC alert(s), but {len(alerts)} were sent: {sm.describe_alerts(alerts)}")
