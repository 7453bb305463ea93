"""R-CPL-1..3: removing a CPL entry suspends the devices on it; restoring returns the prior status."""
import pytest

from dsp import DeviceModel, DeviceStatus, DeviceType, DspSettings, DomainError
from tests.core.bench import IMPORT_SUPPLIER, NEW, OLD, Bench

SUSPENDABLE = [
    DeviceStatus.PENDING,
    DeviceStatus.WHITELISTED,
    DeviceStatus.INSTALLED_NOT_COMMISSIONED,
    DeviceStatus.COMMISSIONED,
]


@pytest.mark.parametrize("status", SUSPENDABLE)
def test_removing_firmware_from_the_cpl_suspends_devices_on_it_keeping_their_status_in_history(status):
    """R-CPL-1"""
    bench = Bench()
    device = bench.add(status=status)
    bench.remove(OLD)
    record = bench.record(device)
    assert record.status is DeviceStatus.SUSPENDED
    assert [s for s, _ in record.history] == [status, DeviceStatus.SUSPENDED]


def test_removal_suspends_recovered_devices_too():
    """R-CPL-1"""
    bench = Bench()
    device = bench.add(status=DeviceStatus.RECOVERED, prior_status=DeviceStatus.COMMISSIONED)
    bench.remove(OLD)
    assert bench.record(device).status is DeviceStatus.SUSPENDED


@pytest.mark.parametrize("status", [DeviceStatus.DECOMMISSIONED, DeviceStatus.WITHDRAWN, DeviceStatus.NOT_APPLICABLE])
def test_removal_leaves_devices_in_other_statuses_alone(status):
    """R-CPL-1"""
    bench = Bench()
    device = bench.add(status=status)
    assert bench.remove(OLD).alerts == ()
    assert bench.record(device).status is status


def test_removal_touches_only_the_model_and_version_removed():
    """R-CPL-1: other versions, other device types and other models of the same type are not suspended."""
    bench = Bench()
    on_old = bench.add(DeviceType.ESME, OLD)
    on_new = bench.add(DeviceType.ESME, NEW)
    gas_on_old = bench.add(DeviceType.GSME, OLD)
    other_model = DeviceModel("XY", "OTHER")
    bench.dsp.list_on_cpl(DeviceType.ESME, other_model, OLD)
    other = bench.dsp.inventory.add(
        "00-DB-12-34-56-78-91-00", DeviceType.ESME, OLD, supplier=IMPORT_SUPPLIER,
        network_operator="90-B3-D5-1F-30-02-00-00", model=other_model,
    )
    bench.remove(OLD, DeviceType.ESME)
    assert bench.record(on_old).status is DeviceStatus.SUSPENDED
    assert bench.record(on_new).status is DeviceStatus.COMMISSIONED
    assert bench.record(gas_on_old).status is DeviceStatus.COMMISSIONED
    assert other.status is DeviceStatus.COMMISSIONED


def test_suspension_alert_goes_to_the_responsible_supplier_with_device_suspended_payload():
    """R-CPL-2"""
    bench = Bench()
    device = bench.add()
    (alert,) = bench.remove(OLD).alerts
    assert alert.recipient == IMPORT_SUPPLIER and alert.code == "N28"
    assert alert.payload.change == "DeviceSuspended" and alert.payload.device_id == device


def test_suspension_alert_code_is_a_configurable_modelling_decision():
    """R-CPL-2 [model]"""
    bench = Bench(settings=DspSettings(suspension_alert_code="N31"))
    bench.add()
    assert [a.code for a in bench.remove(OLD).alerts] == ["N31"]
    assert "R-CPL-2" in DspSettings().modelling_decisions()
    with pytest.raises(DomainError, match="not a DUIS DCCAlertCode"):
        DspSettings(suspension_alert_code="X1")


@pytest.mark.parametrize("status", SUSPENDABLE + [DeviceStatus.RECOVERED])
def test_restored_device_returns_to_the_status_it_held_before_suspension(status):
    """R-CPL-3: a device suspended from InstalledNotCommissioned is restored to InstalledNotCommissioned."""
    bench = Bench("mp105")
    prior = DeviceStatus.COMMISSIONED if status is DeviceStatus.RECOVERED else None
    device = bench.add(status=status, prior_status=prior)
    bench.remove(OLD)
    bench.update_firmware(device, NEW)
    assert bench.record(device).status is status


def test_device_added_suspended_must_say_what_it_was_before():
    """R-CPL-3: there is always a prior status to restore."""
    bench = Bench()
    with pytest.raises(DomainError, match="needs the status it held before"):
        bench.add(status=DeviceStatus.SUSPENDED)


def test_reinstating_a_removed_version_restores_nothing_by_itself():
    bench = Bench()
    device = bench.add()
    bench.remove(OLD)
    bench.dsp.list_on_cpl(DeviceType.ESME, DeviceModel.default_for(DeviceType.ESME), OLD)
    assert bench.record(device).status is DeviceStatus.SUSPENDED
