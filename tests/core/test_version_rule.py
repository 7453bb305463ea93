"""R-VER-1..4: the firmware version rule, fed here by an 11.2 response under mp105."""
import pytest

from dsp import DeviceStatus, DeviceType
from tests.core.bench import ELECTRICITY_DISTRIBUTOR, IMPORT_SUPPLIER, NEW, OLD, UNKNOWN, WITHDRAWN, Bench


def suspended_device_running(bench, version, device_type=DeviceType.ESME):
    device = bench.add(device_type, OLD, runs=version)
    bench.remove(OLD, device_type)
    return device


def test_same_version_changes_nothing_and_sends_no_alert():
    """R-VER-1: v = s"""
    bench = Bench("mp105")
    device = suspended_device_running(bench, OLD)
    exchange = bench.send("11.2", device)
    assert exchange.processed.alerts == () and exchange.processed.changes == ()
    assert bench.record(device).status is DeviceStatus.SUSPENDED


def test_current_version_updates_the_smi_firmware_and_restores_a_suspended_device_with_n29():
    """R-VER-2"""
    bench = Bench("mp105")
    device = suspended_device_running(bench, NEW)
    exchange = bench.send("11.2", device)
    record = bench.record(device)
    assert record.firmware == NEW and record.status is DeviceStatus.COMMISSIONED
    assert sorted((a.code, a.recipient) for a in exchange.processed.alerts) == [
        ("N29", IMPORT_SUPPLIER),
        ("N29", ELECTRICITY_DISTRIBUTOR),
    ]


def test_current_version_on_a_device_not_suspended_updates_firmware_without_alert():
    """R-VER-2: Requirement 2's benefit for every device: the SMI firmware is realigned."""
    bench = Bench("mp105")
    device = bench.add(runs=NEW)
    exchange = bench.send("11.2", device)
    assert bench.record(device).firmware == NEW
    assert exchange.processed.alerts == ()


def test_removed_version_updates_the_firmware_keeps_the_status_and_warns_n50():
    """R-VER-3: a Suspended device stays Suspended; a Commissioned one is not suspended."""
    bench = Bench("mp105")
    suspended = suspended_device_running(bench, WITHDRAWN)
    commissioned = bench.add(firmware=NEW, runs=WITHDRAWN)
    for device in (suspended, commissioned):
        before = bench.record(device).status
        exchange = bench.send("11.2", device)
        assert bench.record(device).firmware == WITHDRAWN
        assert bench.record(device).status is before
        assert [(a.code, a.recipient) for a in exchange.processed.alerts] == [("N50", IMPORT_SUPPLIER)]


def test_version_not_on_the_cpl_leaves_the_smi_unchanged_and_warns_n51():
    """R-VER-4"""
    bench = Bench("mp105")
    device = suspended_device_running(bench, UNKNOWN)
    before = bench.record(device).snapshot()
    exchange = bench.send("11.2", device)
    assert bench.record(device).snapshot() == before
    assert [(a.code, a.recipient) for a in exchange.processed.alerts] == [("N51", IMPORT_SUPPLIER)]
    assert exchange.processed.alerts[0].payload.device_version == UNKNOWN


@pytest.mark.parametrize("ruleset", ["legacy", "mp105-option1", "mp105"])
def test_version_rule_runs_on_the_devices_model_only(ruleset):
    """CPL(v) is looked up for the device's own model: a version Current for ESME is unknown for a CHF."""
    bench = Bench(ruleset)
    from dsp import DeviceModel

    bench.dsp.list_on_cpl(DeviceType.ESME, DeviceModel.default_for(DeviceType.ESME), "0A0A0A0A")
    chf = bench.add(DeviceType.CHF, OLD, runs="0A0A0A0A")
    exchange = bench.send("11.2", chf)
    assert [a.code for a in exchange.processed.alerts] == ["N51"]
