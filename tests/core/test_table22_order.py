"""Table 22 as the legal text reads (R-T22-1), the rulebook's order as an option (R-T22-2), and the rules
of E4, E11 and E19 that the order decides (RULES §3, as amended by issue 11)."""
import dataclasses

import pytest

from dsp import DeviceStatus, DspSettings, ResponseCode, ServiceRequest, ServiceUser, UserRole
from dsp.identities import DCC_ACCESS_CONTROL_BROKER
from dsp.rulesets import Table22Order
from tests.core.bench import IMPORT_SUPPLIER, NEW, OLD, Bench

ABSENT = "00-DB-12-34-56-78-90-FF"
RULEBOOK = DspSettings(table22_order=Table22Order.RULEBOOK)


def code(bench: Bench, request: ServiceRequest) -> ResponseCode:
    return bench.dsp.submit(request, 0.0).code


# --- R-T22-1: E1, E2, E3, E4, E5, E17, E19; the first failure answers -----------------------------------


def test_a_suspended_user_naming_an_absent_device_hears_e3():
    """R-T22-1: E3 comes before any check that needs the device."""
    bench = Bench()
    bench.dsp.users.suspend(IMPORT_SUPPLIER)
    assert code(bench, ServiceRequest("11.2", bench.supplier, ABSENT)) is ResponseCode.E3


def test_a_non_critical_request_to_a_device_absent_from_the_smi_fails_e4_first():
    """R-E4-2: no Registration Data, so the user cannot be an Eligible User: E4, before E19 is reached."""
    bench = Bench()
    assert code(bench, ServiceRequest("11.2", bench.supplier, ABSENT)) is ResponseCode.E4
    assert code(bench, ServiceRequest("6.23", bench.supplier, ABSENT)) is ResponseCode.E4


def test_e4_comes_before_e5():
    """R-T22-1: another supplier's request to a Decommissioned device fails E4, not E5."""
    bench = Bench("legacy")
    device = bench.add(status=DeviceStatus.DECOMMISSIONED)
    assert bench.send("11.2", device, user=bench.other_supplier).code is ResponseCode.E4


def test_e5_comes_before_e17():
    """R-T22-1: a local delivery to a Decommissioned device fails E5 (E17 would fail it too)."""
    bench = Bench()
    device = bench.add(status=DeviceStatus.DECOMMISSIONED)
    assert bench.send("11.2", device, command_variant=3).code is ResponseCode.E5


def test_e5_comes_before_e19_for_a_non_device_request():
    """R-T22-1 / R-E19-2: 11.1 naming a Decommissioned device, addressed to someone other than the DCC: E5."""
    bench = Bench()
    device = bench.add(status=DeviceStatus.DECOMMISSIONED)
    request = bench.request("11.1", device, version=NEW)
    assert code(bench, dataclasses.replace(request, target=IMPORT_SUPPLIER)) is ResponseCode.E5


# --- R-E4-1: E4 is not applied to Critical SRs or Signed Pre-Commands -------------------------------------


@pytest.mark.parametrize("cv", [4, 5])
def test_another_suppliers_critical_request_passes_table_22(cv):
    """R-E4-1: E4 "is not applied for Critical Service Requests or Critical Signed Pre-Commands"."""
    bench = Bench()
    device = bench.add()
    assert bench.send("11.3", device, user=bench.other_supplier, version=NEW, command_variant=cv).code is ResponseCode.I99


def test_a_device_discards_a_critical_command_signed_by_a_party_it_does_not_trust():
    """R-E4-3 [model]: the device holds its supplier's and network operator's credentials only; another
    supplier's Critical command passes Table 22 but is not executed, and nothing comes back."""
    bench = Bench()
    device = bench.add()
    meter = bench.devices[device]
    meter.trusted_signers = frozenset((IMPORT_SUPPLIER,))
    bench.send("11.1", device, version=NEW)
    exchange = bench.send("11.3", device, user=bench.other_supplier, version=NEW)
    assert exchange.code is ResponseCode.I99 and len(exchange.submitted.commands) == 1
    assert exchange.processed is None and meter.running == OLD and meter.held is not None
    assert bench.send("11.3", device, version=NEW).processed.responses[0].body.version == NEW  # its own supplier's


def test_a_non_critical_command_from_anyone_eligible_is_executed_whatever_the_device_trusts():
    """R-E4-3 concerns Critical commands only: a Non-Critical one is authorised by E4 at the DSP."""
    bench = Bench()
    device = bench.add()
    bench.devices[device].trusted_signers = frozenset((IMPORT_SUPPLIER,))
    assert bench.send("11.2", device, user=bench.distributor).processed.responses[0].body.version == OLD


def test_srvs_named_exempt_from_e4_skip_it():
    """R-E4-1: the seed's "limited number of specific Service Requests" are a setting (none by default)."""
    bench = Bench(settings=DspSettings(e4_exempt_srvs=frozenset(("11.2",))))
    device = bench.add()
    assert bench.send("11.2", device, user=bench.other_supplier).code is ResponseCode.I99
    assert bench.send("6.23", device, user=bench.other_supplier).code is ResponseCode.E4


def test_an_exempt_request_to_an_absent_device_reaches_e19():
    """R-E4-1 / R-E19-1: without E4, the absent device is found by E19, the last check."""
    bench = Bench(settings=DspSettings(e4_exempt_srvs=frozenset(("11.2",))))
    assert code(bench, ServiceRequest("11.2", bench.supplier, ABSENT)) is ResponseCode.E19


# --- R-E19-1, R-E19-2, R-E11-1 ----------------------------------------------------------------------------


def test_a_critical_request_to_an_absent_device_fails_e19():
    """R-E19-1: E4 and E5 are not applied, so E19 finds it."""
    bench = Bench()
    request = ServiceRequest("11.3", bench.supplier, ABSENT, command_variant=5, firmware_hash=bytes(32))
    assert code(bench, request) is ResponseCode.E19


@pytest.mark.parametrize("srv,cv", [("12.1", 8), ("8.2", 8), ("11.1", 8)])
def test_a_non_device_request_not_addressed_to_the_access_control_broker_fails_e19(srv, cv):
    """R-E19-2: "if the BusinessTargetID is not the DCC Access Control Broker ID"."""
    bench = Bench()
    device = bench.add()
    devices = (device,) if srv != "12.1" else ()
    wrong = ServiceRequest(srv, bench.supplier, IMPORT_SUPPLIER, command_variant=cv, device_list=devices,
                           firmware_version=NEW, firmware_hash=bytes(32))
    assert code(bench, wrong) is ResponseCode.E19
    right = dataclasses.replace(wrong, target=DCC_ACCESS_CONTROL_BROKER)
    assert code(bench, right) in (ResponseCode.I0, ResponseCode.I99)


def test_a_device_of_a_type_the_srv_cannot_target_fails_e11_before_table_22():
    """R-E11-1: DUIS validation precedes authorisation, so even an unregistered user hears E11."""
    bench = Bench()
    gsme, gpf = bench.add_gas_pair()
    unregistered = ServiceUser("90-B3-D5-1F-30-09-09-09", UserRole.GS)
    assert bench.send("11.3", gpf, user=unregistered, version=NEW).code is ResponseCode.E11
    assert bench.send("6.23", gpf, user=bench.gas_supplier).code is ResponseCode.E11
    assert bench.send("11.2", gpf, user=bench.gas_supplier).code is ResponseCode.I99  # 11.2 may target a GPF


# --- R-E5-1 / R-E5-7: Signed Pre-Commands and transforms ------------------------------------------------------


@pytest.mark.parametrize("status", [DeviceStatus.SUSPENDED, DeviceStatus.DECOMMISSIONED, DeviceStatus.WITHDRAWN])
def test_a_signed_pre_command_is_not_checked_against_the_status_outside_recovery(status):
    """R-E5-1: CV 5 passes E5 whatever the status, except Recovery."""
    bench = Bench("legacy")
    device = bench.add(status=status, prior_status=DeviceStatus.COMMISSIONED)
    assert bench.send("11.3", device, version=NEW, command_variant=5).code is ResponseCode.I99


def test_a_signed_pre_command_fails_e5_when_the_device_is_in_recovery():
    """R-E5-1: "it is applied for Signed Pre-Commands when the Device Status is 'Recovery'"."""
    bench = Bench()
    device = bench.add(status=DeviceStatus.RECOVERY, prior_status=DeviceStatus.COMMISSIONED)
    exchange = bench.send("11.3", device, version=NEW, command_variant=5)
    assert exchange.code is ResponseCode.E5 and exchange.submitted.commands == ()


def test_a_transform_alone_is_never_checked_against_the_status():
    """R-E5-1 / R-E5-7: the Critical SR (CV 4) answered with its Pre-Command passes in Recovery; the model's
    CV 4 sent to the device stands for the Signed Pre-Command too, so it fails."""
    bench = Bench()
    device = bench.add(status=DeviceStatus.RECOVERY, prior_status=DeviceStatus.COMMISSIONED)
    request = bench.request("11.3", device, version=NEW)
    assert request.command_variant == 4
    assert bench.dsp.authorise(request, transform_only=True) is None
    assert bench.dsp.authorise(request) is ResponseCode.E5
    assert bench.dsp.authorise(dataclasses.replace(request, command_variant=5), transform_only=True) is ResponseCode.E5


def test_authorise_alone_changes_nothing():
    bench = Bench()
    device = bench.add()
    before = bench.record(device).snapshot()
    assert bench.dsp.authorise(bench.request("11.2", device)) is None
    assert bench.record(device).snapshot() == before


# --- R-T22-2: the rulebook's order, a labelled modelling option ------------------------------------------------


def test_under_the_rulebook_order_an_absent_device_fails_e19_before_e4():
    """R-T22-2"""
    bench = Bench(settings=RULEBOOK)
    assert code(bench, ServiceRequest("11.2", bench.supplier, ABSENT)) is ResponseCode.E19


def test_under_the_rulebook_order_a_device_the_srv_cannot_target_fails_e19():
    """R-T22-2: E19 for a device of the wrong type, after E1-E3."""
    bench = Bench(settings=RULEBOOK)
    gsme, gpf = bench.add_gas_pair()
    assert bench.send("11.3", gpf, user=bench.gas_supplier, version=NEW).code is ResponseCode.E19
    unregistered = ServiceUser("90-B3-D5-1F-30-09-09-09", UserRole.GS)
    assert bench.send("11.3", gpf, user=unregistered, version=NEW).code is ResponseCode.E1


def test_under_the_rulebook_order_e4_applies_to_critical_requests():
    """R-T22-2: another supplier's 11.3 fails E4, as the model had it."""
    bench = Bench(settings=RULEBOOK)
    device = bench.add()
    assert bench.send("11.3", device, user=bench.other_supplier, version=NEW).code is ResponseCode.E4


def test_under_the_rulebook_order_e17_comes_last():
    """R-T22-2: a Pending device is refused local delivery to the network operator: E17."""
    bench = Bench(settings=RULEBOOK)
    device = bench.add(status=DeviceStatus.PENDING)
    assert bench.send("11.2", device, user=bench.distributor, command_variant=3).code is ResponseCode.E17


def test_the_order_is_a_labelled_modelling_decision():
    assert "legal text's order" in DspSettings().modelling_decisions()["R-T22-1"]
    assert "rulebook" in RULEBOOK.modelling_decisions()["R-T22-1"]
    assert DspSettings(table22_order="rulebook").table22_order is Table22Order.RULEBOOK


def test_an_unknown_order_is_refused_naming_the_two():
    from dsp import DomainError

    with pytest.raises(DomainError, match="expected one of annex-b, rulebook"):
        DspSettings(table22_order="alphabetical")

