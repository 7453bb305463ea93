"""Which messages feed the version rule under each rule set: R-112-*, R-113-*, R-FD-1, R-ALERT-1."""
import pytest

from dsp import ActivationOutcome, DeviceStatus, DeviceType, DspSettings, ResponseCode
from tests.core.bench import (
    ELECTRICITY_DISTRIBUTOR,
    GAS_SUPPLIER,
    GAS_TRANSPORTER,
    IMPORT_SUPPLIER,
    NEW,
    OLD,
    UNKNOWN,
    WITHDRAWN,
    Bench,
)

RULESETS = ("legacy", "mp105-option1", "mp105")
HOUR = 3600.0


def stuck_after_lost_activation(bench, device_type=DeviceType.ESME, smets=2):
    """The MP105 problem: a Suspended device activates new firmware but its 11.3 response is lost."""
    device = bench.add(device_type, OLD, smets=smets)
    bench.remove(OLD, device_type)
    bench.update_firmware(device, NEW, lose_activation=True)
    assert bench.devices[device].running == NEW
    assert bench.record(device).status is DeviceStatus.SUSPENDED
    return device


def codes(exchange):
    return sorted(a.code for a in exchange.processed.alerts) if exchange.processed else []


# --- R-112-* ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset,expected", [("legacy", ResponseCode.E5), ("mp105-option1", ResponseCode.I99), ("mp105", ResponseCode.I99)])
def test_read_firmware_version_to_a_suspended_device_by_rule_set(ruleset, expected):
    """R-112-1"""
    bench = Bench(ruleset)
    device = stuck_after_lost_activation(bench)
    assert bench.send("11.2", device).code is expected


@pytest.mark.parametrize("ruleset", ["mp105-option1", "mp105"])
@pytest.mark.parametrize("device_type", [DeviceType.ESME, DeviceType.GSME, DeviceType.CHF])
def test_read_firmware_response_restores_a_stuck_device_under_mp105(ruleset, device_type):
    """R-112-2, R-112-5: the legacy defect fixed by Req. 1."""
    bench = Bench(ruleset)
    device = stuck_after_lost_activation(bench, device_type)
    exchange = bench.send("11.2", device)
    assert bench.record(device).status is DeviceStatus.COMMISSIONED
    assert bench.record(device).firmware == NEW
    assert codes(exchange) == ["N29", "N29"]


def test_read_firmware_response_under_legacy_updates_firmware_but_never_restores():
    """R-112-2: under legacy the 11.2 feeds the rule without restore (it reaches only unsuspended devices,
    or one suspended while the read was in flight)."""
    bench = Bench("legacy")
    device = bench.add(runs=NEW)
    request = bench.request("11.2", device)
    (command,) = bench.dsp.submit(request, 0.0).commands
    bench.remove(OLD)  # suspended while the read is in flight
    answer = bench.devices[device].handle(command, 0.0)
    processed = bench.dsp.receive(answer, 0.0)
    assert bench.record(device).firmware == NEW
    assert bench.record(device).status is DeviceStatus.SUSPENDED
    assert processed.alerts == ()


def test_smi_is_updated_by_the_dsp_itself_with_no_manual_step():
    """R-112-3: receiving the 11.2 response is all it takes; no user acts on the SMI."""
    bench = Bench("mp105")
    device = stuck_after_lost_activation(bench)
    exchange = bench.send("11.2", device)
    assert [c.field for c in exchange.processed.changes] == ["firmware", "status"]
    assert [c.rule for c in exchange.processed.changes] == ["R-VER-2", "R-112-2"]


@pytest.mark.parametrize("smets", [1, 2])
def test_mp105_applies_to_smets1_and_smets2_alike(smets):
    """R-112-4"""
    bench = Bench("mp105")
    device = stuck_after_lost_activation(bench, smets=smets)
    bench.send("11.2", device)
    assert bench.record(device).status is DeviceStatus.COMMISSIONED


@pytest.mark.parametrize("device_type", [DeviceType.PPMID, DeviceType.HCALCS])
def test_ppmid_and_hcalcs_read_responses_do_not_restore_unless_configured(device_type):
    """R-112-5 [model]: SECMP0007 territory, off by default, on when configured."""
    bench = Bench("mp105")
    device = bench.add(device_type, OLD, runs=NEW)
    bench.remove(OLD, device_type)
    assert bench.send("11.2", device).code is ResponseCode.I99
    assert bench.record(device).status is DeviceStatus.SUSPENDED
    configured = Bench("mp105", DspSettings(version_rule_11_2_types=frozenset(DeviceType)))
    device = configured.add(device_type, OLD, runs=NEW)
    configured.remove(OLD, device_type)
    configured.send("11.2", device)
    assert configured.record(device).status is DeviceStatus.COMMISSIONED


@pytest.mark.parametrize("ruleset", RULESETS)
def test_gpf_mismatch_sends_n52_to_the_service_users_and_never_restores_the_gsme(ruleset):
    """R-112-6: the GPF's (lagging) copy of the GSME version is never an input for restoring.
    R-ALERT-2: N52 goes to the GSME's Service Users, its gas supplier and its gas transporter."""
    bench = Bench(ruleset)
    gsme, gpf = bench.add_gas_pair(OLD)
    bench.remove(OLD, DeviceType.GSME)
    bench.devices[gpf].refresh(NEW)  # the GSME runs NEW and told its GPF
    exchange = bench.send("11.2", gpf, user=bench.gas_supplier)
    assert [(a.code, a.recipient) for a in exchange.processed.alerts] == [("N52", GAS_SUPPLIER), ("N52", GAS_TRANSPORTER)]
    payload = exchange.processed.alerts[0].payload
    assert (payload.device_id, payload.smi_version, payload.device_version) == (gsme, OLD, NEW)
    assert bench.record(gsme).status is DeviceStatus.SUSPENDED and bench.record(gsme).firmware == OLD


def test_gpf_copy_equal_to_the_smi_sends_nothing():
    """R-112-6"""
    bench = Bench("mp105")
    gsme, gpf = bench.add_gas_pair(OLD)
    assert bench.send("11.2", gpf, user=bench.gas_supplier).processed.alerts == ()


# --- R-113-* ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset", RULESETS)
def test_successful_activation_response_restores_under_every_rule_set(ruleset):
    """R-113-1"""
    bench = Bench(ruleset)
    device = bench.add()
    bench.remove(OLD)
    exchange = bench.update_firmware(device, NEW)
    assert exchange.processed.responses[0].body.outcome is ActivationOutcome.SUCCESS
    assert bench.record(device).status is DeviceStatus.COMMISSIONED
    assert codes(exchange) == ["N29", "N29"]


@pytest.mark.parametrize("ruleset,restored", [("legacy", False), ("mp105-option1", False), ("mp105", True)])
def test_retried_activation_answering_no_image_held_restores_only_under_mp105(ruleset, restored):
    """R-113-2, R-DEV-3: the legacy defect (a retry never restored), then Req. 2 fixes it."""
    bench = Bench(ruleset)
    device = stuck_after_lost_activation(bench)
    retry = bench.send("11.3", device, version=NEW)
    assert retry.processed.responses[0].body.outcome is ActivationOutcome.NO_IMAGE_HELD
    status = bench.record(device).status
    assert (status is DeviceStatus.COMMISSIONED) is restored
    assert codes(retry) == (["N29", "N29"] if restored else [])


@pytest.mark.parametrize("outcome_kw,expected", [({"activation_fails": True}, ActivationOutcome.ACTIVATION_FAILURE)])
def test_failed_activation_carrying_a_removed_version_warns_n50_only_under_mp105(outcome_kw, expected):
    """R-113-2: under mp105 every version-carrying 11.3 response feeds the rule (here: N50 branch)."""
    for ruleset, alerts in (("legacy", []), ("mp105", ["N50"])):
        bench = Bench(ruleset)
        device = bench.add(firmware=NEW, runs=WITHDRAWN)
        bench.send("11.1", device, version=OLD)
        exchange = bench.send("11.3", device, version=OLD, device_kwargs=outcome_kw)
        assert exchange.processed.responses[0].body.outcome is expected
        assert codes(exchange) == alerts


@pytest.mark.parametrize("ruleset", RULESETS)
def test_smets1_retry_response_without_a_version_is_ignored(ruleset):
    """R-113-3, R-DEV-4: nothing to feed the version rule with."""
    bench = Bench(ruleset)
    device = stuck_after_lost_activation(bench, smets=1)
    retry = bench.send("11.3", device, version=NEW)
    body = retry.processed.responses[0].body
    assert body.version is None and body.outcome is ActivationOutcome.NO_IMAGE_HELD
    assert bench.record(device).status is DeviceStatus.SUSPENDED and retry.processed.alerts == ()


def test_smets1_retry_response_carrying_its_version_restores_under_mp105():
    """R-113-2 with R-DEV-4's probability below 1: the retry carries the version."""
    bench = Bench("mp105")
    device = stuck_after_lost_activation(bench, smets=1)
    bench.send("11.3", device, version=NEW, device_kwargs={"retry_omits_version": False})
    assert bench.record(device).status is DeviceStatus.COMMISSIONED


# --- R-FD-1 -------------------------------------------------------------------------------------


def future_dated(bench, device, version=NEW, fails=False, lose_alert=False):
    bench.send("11.1", device, version=version)
    accepted = bench.send("11.3", device, version=version, execution_time=bench.now + 2 * HOUR)
    bench.now += 3 * HOUR
    alert = bench.devices[device].execute_due(bench.now, activation_fails=fails)
    processed = None if lose_alert else bench.dsp.receive(alert, bench.now)
    return accepted, alert, processed


@pytest.mark.parametrize("ruleset", RULESETS)
def test_future_dated_activation_is_only_accepted_at_first_and_its_success_alert_restores(ruleset):
    """R-FD-1: 0x8F66 with success feeds the rule with restore under every rule set."""
    bench = Bench(ruleset)
    device = bench.add()
    bench.remove(OLD)
    accepted, alert, processed = future_dated(bench, device)
    assert accepted.processed.responses[0].body.scheduled and accepted.processed.changes == ()
    assert alert.alert_code == 0x8F66 and alert.version == NEW
    assert bench.record(device).status is DeviceStatus.COMMISSIONED
    assert sorted(a.code for a in processed.alerts) == ["N29", "N29"]


@pytest.mark.parametrize("ruleset,restored", [("legacy", False), ("mp105-option1", False), ("mp105", True)])
def test_failure_alert_0x8f67_restores_only_under_mp105(ruleset, restored):
    """R-FD-1: 0x8F67 feeds only the N50/N51 branches before Req. 2. Here the device was already running
    the Current version (its first 11.3 response was lost), so the failed re-activation reports it."""
    bench = Bench(ruleset)
    device = stuck_after_lost_activation(bench)
    bench.send("11.1", device, version=NEW)
    bench.send("11.3", device, version=NEW, execution_time=HOUR)
    bench.now = 2 * HOUR
    alert = bench.devices[device].execute_due(bench.now, activation_fails=True)
    assert alert.alert_code == 0x8F67 and alert.version == NEW
    bench.dsp.receive(alert, bench.now)
    assert (bench.record(device).status is DeviceStatus.COMMISSIONED) is restored


@pytest.mark.parametrize("ruleset", RULESETS)
def test_failure_alert_0x8f67_with_an_unknown_version_warns_n51_under_every_rule_set(ruleset):
    """R-FD-1: the N50/N51 branches apply to 0x8F67 in every rule set."""
    bench = Bench(ruleset)
    device = bench.add(runs=UNKNOWN)
    bench.send("11.1", device, version=NEW)
    bench.send("11.3", device, version=NEW, execution_time=HOUR)
    alert = bench.devices[device].execute_due(2 * HOUR, activation_fails=True)
    processed = bench.dsp.receive(alert, 2 * HOUR)
    assert [a.code for a in processed.alerts] == ["N51"]


@pytest.mark.parametrize("ruleset", ["legacy", "mp105-option1"])
def test_before_req_2_a_failure_alert_carrying_a_current_version_updates_the_smi_without_restoring(ruleset):
    """R-FD-2: as a Removed version on an 0x8F67 is recorded (N50's trigger), so is a Current one."""
    bench = Bench(ruleset)
    device = stuck_after_lost_activation(bench)
    bench.send("11.1", device, version=NEW)
    bench.send("11.3", device, version=NEW, execution_time=HOUR)
    alert = bench.devices[device].execute_due(2 * HOUR, activation_fails=True)
    processed = bench.dsp.receive(alert, 2 * HOUR)
    record = bench.record(device)
    assert alert.alert_code == 0x8F67 and record.firmware == NEW and record.status is DeviceStatus.SUSPENDED
    assert [(c.field, c.rule) for c in processed.changes] == [("firmware", "R-VER-2")] and processed.alerts == ()


def test_the_warnings_only_reading_of_a_legacy_failure_alert_is_a_labelled_option():
    """R-FD-2 off: an 0x8F67 feeds only the N50/N51 branches, so the Current version is not recorded."""
    settings = DspSettings(legacy_failure_alert_records_current=False)
    bench = Bench("legacy", settings=settings)
    device = stuck_after_lost_activation(bench)
    bench.send("11.1", device, version=NEW)
    bench.send("11.3", device, version=NEW, execution_time=HOUR)
    alert = bench.devices[device].execute_due(2 * HOUR, activation_fails=True)
    assert bench.dsp.receive(alert, 2 * HOUR).changes == () and bench.record(device).firmware == OLD
    assert "N50/N51 branches" in settings.modelling_decisions()["R-FD-2"]


def test_a_legacy_failure_alert_carrying_a_removed_version_still_warns_n50():
    """R-FD-2 leaves the R-VER-3 branch as it was."""
    bench = Bench("legacy")
    device = bench.add(firmware=NEW, runs=WITHDRAWN)
    bench.send("11.1", device, version=NEW)
    bench.send("11.3", device, version=NEW, execution_time=HOUR)
    alert = bench.devices[device].execute_due(2 * HOUR, activation_fails=True)
    processed = bench.dsp.receive(alert, 2 * HOUR)
    assert [a.code for a in processed.alerts] == ["N50"] and bench.record(device).firmware == WITHDRAWN


# --- R-ALERT-1 ----------------------------------------------------------------------------------


def test_n29_goes_to_supplier_and_electricity_distributor_for_an_esme():
    """R-ALERT-1"""
    bench = Bench("mp105")
    device = stuck_after_lost_activation(bench)
    alerts = bench.send("11.2", device).processed.alerts
    assert {(a.code, a.recipient, a.recipient_role.value) for a in alerts} == {
        ("N29", IMPORT_SUPPLIER, "IS"),
        ("N29", ELECTRICITY_DISTRIBUTOR, "ED"),
    }
    assert all(a.payload.change == "DeviceRestored" for a in alerts)


def test_n29_goes_to_gas_supplier_and_gas_transporter_for_a_gsme():
    """R-ALERT-1"""
    bench = Bench("mp105")
    device = stuck_after_lost_activation(bench, DeviceType.GSME)
    alerts = bench.send("11.2", device).processed.alerts
    assert {(a.recipient, a.recipient_role.value) for a in alerts} == {(GAS_SUPPLIER, "GS"), (GAS_TRANSPORTER, "GT")}


def test_n50_and_n51_go_to_the_responsible_supplier_only():
    """R-ALERT-1"""
    bench = Bench("mp105")
    for version, code in ((WITHDRAWN, "N50"), (UNKNOWN, "N51")):
        device = bench.add(runs=version)
        alerts = bench.send("11.2", device).processed.alerts
        assert [(a.code, a.recipient) for a in alerts] == [(code, IMPORT_SUPPLIER)]


def test_n52_to_the_gas_supplier_only_is_a_labelled_option():
    """R-ALERT-2 off: the rulebook's reading, the gas supplier alone."""
    settings = DspSettings(n52_to_network_operator=False)
    bench = Bench("mp105", settings=settings)
    gsme, gpf = bench.add_gas_pair(OLD)
    bench.devices[gpf].refresh(NEW)
    exchange = bench.send("11.2", gpf, user=bench.gas_supplier)
    assert [(a.code, a.recipient, a.rule) for a in exchange.processed.alerts] == [("N52", GAS_SUPPLIER, "R-112-6")]
    assert "gas supplier only" in settings.modelling_decisions()["R-ALERT-2"]
    assert "gas transporter" in DspSettings().modelling_decisions()["R-ALERT-2"]


def test_n52_to_the_gas_transporter_names_its_role():
    """R-ALERT-2: the second N52 goes to the GSME's network operator, as GT."""
    bench = Bench("mp105")
    gsme, gpf = bench.add_gas_pair(OLD)
    bench.devices[gpf].refresh(NEW)
    alerts = bench.send("11.2", gpf, user=bench.gas_supplier).processed.alerts
    assert [(a.recipient, a.recipient_role.value, a.rule) for a in alerts] == [
        (GAS_SUPPLIER, "GS", "R-112-6"),
        (GAS_TRANSPORTER, "GT", "R-ALERT-2"),
    ]
