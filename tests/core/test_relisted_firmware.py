"""R-VER-5: a Suspended device on firmware listed Current again is restored by the next message that
reports it (3.8.120.4), though the version equals the SMI's; R-VER-1 alone as a labelled option."""
import pytest

from dsp import DeviceModel, DeviceStatus, DeviceType, DspSettings, ResponseCode
from tests.core.bench import ELECTRICITY_DISTRIBUTOR, GAS_SUPPLIER, GAS_TRANSPORTER, IMPORT_SUPPLIER, OLD, Bench

HOUR = 3600.0
RECIPIENTS = {DeviceType.ESME: [IMPORT_SUPPLIER, ELECTRICITY_DISTRIBUTOR], DeviceType.GSME: [GAS_SUPPLIER, GAS_TRANSPORTER]}


def relisted(bench: Bench, device_type: DeviceType = DeviceType.ESME) -> str:
    """A device on OLD, suspended when OLD was removed from the CPL, then OLD listed Current again."""
    device = bench.add(device_type)
    bench.remove(OLD, device_type)
    assert bench.record(device).status is DeviceStatus.SUSPENDED
    bench.dsp.list_on_cpl(device_type, DeviceModel.default_for(device_type), OLD)  # reinstating restores nothing
    assert bench.record(device).status is DeviceStatus.SUSPENDED
    return device


def assert_restored(bench: Bench, device: str, alerts, device_type: DeviceType = DeviceType.ESME) -> None:
    record = bench.record(device)
    assert record.status is DeviceStatus.COMMISSIONED and record.firmware == OLD
    assert [s.value for s, _ in record.history] == ["Commissioned", "Suspended", "Commissioned"]
    assert [(a.code, a.recipient, a.rule) for a in alerts] == [("N29", r, "R-VER-5") for r in RECIPIENTS[device_type]]


@pytest.mark.parametrize("ruleset", ["mp105-option1", "mp105"])
@pytest.mark.parametrize("device_type", [DeviceType.ESME, DeviceType.GSME])
def test_an_11_2_reading_the_relisted_version_restores_the_device(ruleset, device_type):
    """R-VER-5 with R-112-2: the SMI's version is the current valid one again."""
    bench = Bench(ruleset)
    device = relisted(bench, device_type)
    exchange = bench.send("11.2", device, user=bench.user_for(device_type))
    assert [(c.field, c.new, c.rule) for c in exchange.processed.changes] == [("status", DeviceStatus.COMMISSIONED, "R-112-2")]
    assert_restored(bench, device, exchange.processed.alerts, device_type)


def test_under_legacy_the_11_2_cannot_reach_the_device():
    """R-112-1: the restore needs a message; legacy refuses the 11.2 (E5)."""
    bench = Bench("legacy")
    device = relisted(bench)
    assert bench.send("11.2", device).code is ResponseCode.E5
    assert bench.record(device).status is DeviceStatus.SUSPENDED


@pytest.mark.parametrize("ruleset", ["legacy", "mp105-option1", "mp105"])
def test_a_successful_activation_of_the_relisted_version_restores_under_every_rule_set(ruleset):
    """R-VER-5 with R-113-1: the supplier re-activates the very version (SMETS2: 11.1 then 11.3)."""
    bench = Bench(ruleset)
    device = relisted(bench)
    exchange = bench.update_firmware(device, OLD)
    assert exchange.processed.responses[0].body.version == OLD
    assert_restored(bench, device, exchange.processed.alerts)


def test_under_mp105_a_no_image_held_response_reporting_the_relisted_version_restores():
    """R-VER-5 with R-113-2: any 11.3 response carrying the version."""
    bench = Bench("mp105")
    device = relisted(bench)
    exchange = bench.send("11.3", device, version=OLD)
    assert exchange.processed.responses[0].body.outcome.duis_name == "noImageHeld"
    assert_restored(bench, device, exchange.processed.alerts)


@pytest.mark.parametrize("ruleset", ["legacy", "mp105"])
def test_a_future_dated_success_alert_reporting_the_relisted_version_restores(ruleset):
    """R-VER-5 with R-FD-1 (0x8F66)."""
    bench = Bench(ruleset)
    device = relisted(bench)
    bench.send("11.1", device, version=OLD)
    bench.send("11.3", device, version=OLD, execution_time=HOUR)
    alert = bench.devices[device].execute_due(2 * HOUR)
    processed = bench.dsp.receive(alert, 2 * HOUR)
    assert alert.alert_code == 0x8F66
    assert_restored(bench, device, processed.alerts)


def test_a_version_the_cpl_still_lists_removed_restores_nothing():
    """R-VER-1: v = s on a Removed entry: nothing, no alert."""
    bench = Bench("mp105")
    device = bench.add()
    bench.remove(OLD)
    exchange = bench.send("11.2", device)
    assert exchange.processed.changes == () and exchange.processed.alerts == ()


def test_a_device_that_is_not_suspended_is_left_alone():
    """R-VER-1: v = s on a Commissioned device: nothing, whatever the CPL says."""
    bench = Bench("mp105")
    device = bench.add()
    exchange = bench.send("11.2", device)
    assert exchange.processed.changes == () and exchange.processed.alerts == ()


def test_the_old_behaviour_is_a_labelled_option():
    """R-VER-5 off: R-VER-1 alone, so the relisted device stays Suspended whatever reports it."""
    settings = DspSettings(restore_on_unchanged_version=False)
    bench = Bench("mp105", settings=settings)
    device = relisted(bench)
    exchange = bench.send("11.2", device)
    assert exchange.processed.changes == () and exchange.processed.alerts == ()
    assert bench.record(device).status is DeviceStatus.SUSPENDED
    assert "R-VER-1 alone" in settings.modelling_decisions()["R-VER-5"]
    assert "3.8.120.4" in DspSettings().modelling_decisions()["R-VER-5"]
