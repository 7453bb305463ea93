"""DUIS Table 22: E1, E2, E3 and every E5 rule (RULES §3); the order itself is test_table22_order.py."""
import pytest

from dsp import DeviceStatus, DomainError, DspSettings, ResponseCode, ServiceRequest, ServiceUser, UserRole
from tests.core.bench import IMPORT_SUPPLIER, NEW, OLD, Bench
from dsp.identities import DCC_ACCESS_CONTROL_BROKER

RULESETS = ("legacy", "mp105-option1", "mp105")


def test_unregistered_user_role_pair_fails_e1_before_anything_else():
    bench = Bench()
    device = bench.add()
    as_gas_supplier = ServiceUser(IMPORT_SUPPLIER, UserRole.GS)  # registered only as IS
    assert bench.send("11.2", device, user=as_gas_supplier).code is ResponseCode.E1


def test_activate_firmware_from_an_electricity_distributor_fails_e2():
    bench = Bench()
    device = bench.add()
    assert bench.send("11.3", device, user=bench.distributor, version=NEW).code is ResponseCode.E2


def test_suspended_user_fails_e3():
    bench = Bench()
    device = bench.add()
    bench.dsp.users.suspend(IMPORT_SUPPLIER)
    assert bench.send("11.2", device).code is ResponseCode.E3


def test_unknown_device_fails_e19_for_a_critical_request():
    """R-E19-1: E4 is not applied to a Critical SR, so the missing device is found by E19."""
    bench = Bench()
    request = ServiceRequest("11.3", bench.supplier, "00-DB-12-34-56-78-90-FF", command_variant=4, firmware_hash=bytes(32))
    assert bench.dsp.submit(request, 0.0).code is ResponseCode.E19


def test_another_suppliers_device_fails_e4():
    bench = Bench()
    device = bench.add()
    assert bench.send("11.2", device, user=bench.other_supplier).code is ResponseCode.E4


def test_network_operator_is_eligible_for_11_2_on_its_device():
    bench = Bench()
    device = bench.add()
    assert bench.send("11.2", device, user=bench.distributor).code is ResponseCode.I99


def test_checks_run_in_table_22_order_first_failure_answers():
    """A suspended user (E3) sending to an unknown device (E19) hears E3 only."""
    bench = Bench()
    bench.dsp.users.suspend(IMPORT_SUPPLIER)
    request = ServiceRequest("11.2", bench.supplier, "00-DB-12-34-56-78-90-FF")
    outcome = bench.dsp.submit(request, 0.0)
    assert [r.code for r in outcome.responses] == [ResponseCode.E3]


# --- R-E5-1 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset", RULESETS)
def test_activate_firmware_is_critical_and_passes_e5_on_a_suspended_device(ruleset):
    """R-E5-1: E5 does not apply to Critical SRs."""
    bench = Bench(ruleset)
    device = bench.add(status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
    assert bench.send("11.3", device, version=NEW).code is ResponseCode.I99


@pytest.mark.parametrize("status", [DeviceStatus.SUSPENDED, DeviceStatus.DECOMMISSIONED, DeviceStatus.RECOVERY])
def test_read_inventory_is_exempt_from_e5(status):
    """R-E5-1: 8.2 and 12.1 are never checked against the device status."""
    bench = Bench("legacy")
    device = bench.add(status=status, prior_status=DeviceStatus.COMMISSIONED)
    request = ServiceRequest("8.2", bench.supplier, DCC_ACCESS_CONTROL_BROKER, command_variant=8, device_list=(device,))
    outcome = bench.dsp.submit(request, 0.0)
    assert outcome.code is ResponseCode.I0
    assert [row.status for row in outcome.responses[0].body] == [status]
    wan = ServiceRequest("12.1", bench.supplier, DCC_ACCESS_CONTROL_BROKER, command_variant=8)
    assert bench.dsp.submit(wan, 0.0).code is ResponseCode.I0


def test_critical_request_fails_e5_when_the_device_is_in_recovery():
    """R-E5-1: E5 applies to Signed Pre-Commands (Critical SRs) when the device is in Recovery."""
    bench = Bench()
    device = bench.add(status=DeviceStatus.RECOVERY, prior_status=DeviceStatus.COMMISSIONED)
    assert bench.send("11.3", device, version=NEW).code is ResponseCode.E5


# --- R-E5-2 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        DeviceStatus.COMMISSIONED,
        DeviceStatus.INSTALLED_NOT_COMMISSIONED,
        DeviceStatus.WHITELISTED,
        DeviceStatus.PENDING,
    ],
)
def test_non_critical_request_passes_in_a_communicable_status(status):
    """R-E5-2"""
    bench = Bench("legacy")
    device = bench.add(status=status)
    assert bench.send("6.23", device).code is ResponseCode.I99


@pytest.mark.parametrize("status", [DeviceStatus.DECOMMISSIONED, DeviceStatus.WITHDRAWN, DeviceStatus.NOT_APPLICABLE])
def test_non_critical_request_fails_e5_in_any_other_status(status):
    """R-E5-2"""
    bench = Bench("mp105")
    device = bench.add(status=status)
    assert bench.send("11.2", device).code is ResponseCode.E5


# --- R-E5-3 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("ruleset", RULESETS)
def test_suspended_device_accepts_update_firmware_and_cos_credentials(ruleset):
    """R-E5-3: 11.1 and 6.23 pass on a Suspended device under every rule set."""
    bench = Bench(ruleset)
    device = bench.add(status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
    assert bench.send("11.1", device, version=NEW).code is ResponseCode.I99
    assert bench.send("6.23", device).code is ResponseCode.I99


@pytest.mark.parametrize("ruleset", RULESETS)
def test_suspended_device_rejects_top_up_except_command_variant_2_on_smets1_with_the_reports_exception(ruleset):
    """R-E5-3 with R-E5-8's setting on: 2.2 passes only with Command Variant 2 to a SMETS1 device."""
    bench = Bench(ruleset, settings=DspSettings(smets1_top_up_cv2_when_suspended=True))
    smets1 = bench.add(smets=1, status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
    smets2 = bench.add(smets=2, status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
    assert bench.send("2.2", smets1, command_variant=2).code is ResponseCode.I0  # R-E17-4: its local command
    assert bench.send("2.2", smets1, command_variant=1).code is ResponseCode.E5
    assert bench.send("2.2", smets2, command_variant=2).code is ResponseCode.E5


def test_read_firmware_version_to_a_suspended_device_fails_e5_under_legacy():
    """R-E5-3 / R-112-1: before MP105, 11.2 is not on the Suspended exception list."""
    bench = Bench("legacy")
    device = bench.add(status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
    exchange = bench.send("11.2", device)
    assert exchange.code is ResponseCode.E5
    assert exchange.submitted.commands == ()


@pytest.mark.parametrize("ruleset", ["mp105-option1", "mp105"])
def test_read_firmware_version_reaches_a_suspended_device_under_mp105(ruleset):
    """R-E5-3 / R-112-1: MP105 adds 11.2 to the exception list."""
    bench = Bench(ruleset)
    device = bench.add(status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
    assert bench.send("11.2", device).code is ResponseCode.I99


# --- R-E5-4 / R-E5-5 ------------------------------------------------------------------------------


def test_device_in_recovery_rejects_device_requests_but_not_non_device_ones():
    """R-E5-4"""
    bench = Bench()
    device = bench.add(status=DeviceStatus.RECOVERY, prior_status=DeviceStatus.COMMISSIONED)
    assert bench.send("11.2", device).code is ResponseCode.E5
    assert bench.send("6.23", device).code is ResponseCode.E5
    assert bench.send("11.1", device, version=NEW).code is ResponseCode.I99  # Non-Device


def test_recovered_device_is_validated_on_its_status_before_recovery():
    """R-E5-5: Recovered from Commissioned passes; Recovered from Decommissioned fails."""
    bench = Bench("legacy")
    was_commissioned = bench.add(status=DeviceStatus.RECOVERED, prior_status=DeviceStatus.COMMISSIONED)
    was_decommissioned = bench.add(status=DeviceStatus.RECOVERED, prior_status=DeviceStatus.DECOMMISSIONED)
    was_suspended = bench.add(status=DeviceStatus.RECOVERED, prior_status=DeviceStatus.SUSPENDED)
    assert bench.send("6.23", was_commissioned).code is ResponseCode.I99
    assert bench.send("6.23", was_decommissioned).code is ResponseCode.E5
    assert bench.send("2.2", was_suspended).code is ResponseCode.E5  # Suspended rules apply
    assert bench.send("6.23", was_suspended).code is ResponseCode.I99


# --- R-E5-6 -------------------------------------------------------------------------------------


def test_passed_request_is_acknowledged_then_answered_i0_with_the_device_response():
    """R-E5-6"""
    bench = Bench()
    device = bench.add()
    exchange = bench.send("11.2", device)
    assert exchange.code is ResponseCode.I99
    assert [c.device_id for c in exchange.submitted.commands] == [device]
    (response,) = exchange.processed.responses
    assert response.code is ResponseCode.I0 and response.body.version == OLD


def test_failed_request_is_answered_with_its_code_and_never_reaches_the_device():
    """R-E5-6"""
    bench = Bench("legacy")
    device = bench.add(status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
    exchange = bench.send("11.2", device)
    assert exchange.code is ResponseCode.E5 and exchange.submitted.commands == () and exchange.processed is None


# --- bad input ----------------------------------------------------------------------------------


def test_unknown_srv_raises_a_domain_error_naming_it():
    bench = Bench()
    device = bench.add()
    with pytest.raises(DomainError, match="unknown SRV '99.9'"):
        bench.dsp.submit(ServiceRequest("99.9", bench.supplier, device), 0.0)


def test_wrong_command_variant_raises_a_domain_error():
    bench = Bench()
    device = bench.add()
    with pytest.raises(DomainError, match="command variant 8 is not valid for SR 11.2"):
        bench.dsp.submit(ServiceRequest("11.2", bench.supplier, device, command_variant=8), 0.0)


def test_rejected_request_changes_nothing_in_the_smi():
    bench = Bench("legacy")
    device = bench.add(status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED, runs=NEW)
    before = bench.record(device).snapshot()
    bench.send("11.2", device)
    bench.send("11.2", device, user=bench.other_supplier)
    assert bench.record(device).snapshot() == before


def test_request_to_a_device_type_the_srv_cannot_target_fails_e11():
    """R-E11-1: DUIS validation (Invalid Service Request / device type combination), before Table 22."""
    bench = Bench()
    gsme, gpf = bench.add_gas_pair()
    assert bench.send("11.3", gpf, user=bench.gas_supplier, version=NEW).code is ResponseCode.E11
    assert bench.send("11.3", gpf, user=bench.other_supplier, version=NEW).code is ResponseCode.E11
