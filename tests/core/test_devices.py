"""R-DEV-1..6: the devices as pure state machines, and the DSP's side of a lost response."""
import pytest

from devices import GasProxyFunction, Smets1Device, build_device
from dsp import ActivationOutcome, DeviceType, DomainError, DspSettings, ResponseCode
from tests.core.bench import NEW, OLD, Bench


def test_smets2_update_is_two_steps_distribute_then_activate_with_matching_hash():
    """R-DEV-1"""
    bench = Bench()
    device = bench.add()
    meter = bench.devices[device]
    distributed = bench.send("11.1", device, version=NEW)
    assert distributed.processed.responses[0].body.held and meter.held.version == NEW and meter.running == OLD
    bench.send("11.3", device, version=NEW)
    assert meter.running == NEW and meter.held is None


def test_activation_with_a_hash_that_does_not_match_the_held_image_answers_hash_mismatch():
    """R-DEV-1, R-DEV-2"""
    bench = Bench()
    device = bench.add()
    bench.send("11.1", device, version=NEW)
    exchange = bench.send("11.3", device, version=NEW, firmware_hash=b"\x01" * 32)
    body = exchange.processed.responses[0].body
    assert body.outcome is ActivationOutcome.HASH_MISMATCH and body.version == OLD


@pytest.mark.parametrize(
    "prepare,kwargs,outcome",
    [
        (False, {}, ActivationOutcome.NO_IMAGE_HELD),
        (True, {"activation_fails": True}, ActivationOutcome.ACTIVATION_FAILURE),
        (True, {}, ActivationOutcome.SUCCESS),
    ],
)
def test_every_smets2_activation_response_carries_the_running_version(prepare, kwargs, outcome):
    """R-DEV-2: outcome codes 0..3, the running version in every immediate response."""
    bench = Bench()
    device = bench.add()
    if prepare:
        bench.send("11.1", device, version=NEW)
    body = bench.send("11.3", device, version=NEW, device_kwargs=kwargs).processed.responses[0].body
    assert body.outcome is outcome and int(body.outcome) == outcome.value
    assert body.version == bench.devices[device].running


def test_retry_after_success_answers_no_image_held_with_the_new_version():
    """R-DEV-3"""
    bench = Bench()
    device = bench.add()
    bench.update_firmware(device, NEW)
    body = bench.send("11.3", device, version=NEW).processed.responses[0].body
    assert (body.outcome, body.version) == (ActivationOutcome.NO_IMAGE_HELD, NEW)


def test_legacy_recovery_is_a_fresh_update_firmware_and_activation():
    """R-DEV-3 / R-SU-4: under legacy only a new 11.1 + 11.3 restores a stuck device."""
    bench = Bench("legacy")
    device = bench.add()
    bench.remove(OLD)
    bench.update_firmware(device, NEW, lose_activation=True)
    bench.update_firmware(device, NEW)
    assert bench.record(device).status.value == "Commissioned"


def test_smets1_updates_in_one_step_and_its_retry_may_carry_no_version():
    """R-DEV-4"""
    bench = Bench()
    device = bench.add(smets=1)
    meter = bench.devices[device]
    assert isinstance(meter, Smets1Device)
    first = bench.send("11.3", device, version=NEW).processed.responses[0].body
    assert (first.outcome, first.version, meter.running) == (ActivationOutcome.SUCCESS, NEW, NEW)
    retry = bench.send("11.3", device, version=NEW).processed.responses[0].body
    assert (retry.outcome, retry.version) == (ActivationOutcome.NO_IMAGE_HELD, None)
    kept = bench.send("11.3", device, version=NEW, device_kwargs={"retry_omits_version": False})
    assert kept.processed.responses[0].body.version == NEW


@pytest.mark.parametrize("fails,known_image,outcome", [
    (True, True, ActivationOutcome.ACTIVATION_FAILURE),
    (False, False, ActivationOutcome.HASH_MISMATCH),  # the hash names no image the CPL knows
])
def test_a_smets1_failed_activation_may_carry_no_version(fails, known_image, outcome):
    """R-DEV-7: "a failed activation response may not contain firmware version" (the seed, Annex C)."""
    bench = Bench()
    device = bench.add(smets=1)
    request = bench.request("11.3", device, version=NEW)
    if not known_image:
        request = bench.request("11.3", device, version=NEW, firmware_hash=bytes(32))
    command = bench.dsp.submit(request, 0.0).commands[0]
    meter = bench.devices[device]
    omitted = meter.handle(command, 0.0, activation_fails=fails, retry_omits_version=True)
    kept = meter.handle(command, 0.0, activation_fails=fails, retry_omits_version=False)
    assert (omitted.outcome, omitted.version) == (outcome, None)
    assert (kept.outcome, kept.version) == (outcome, OLD) and meter.running == OLD


def test_a_smets1_success_always_carries_its_version():
    """R-DEV-7 concerns failures only: a success reports the version now running."""
    bench = Bench()
    device = bench.add(smets=1)
    body = bench.send("11.3", device, version=NEW, device_kwargs={"retry_omits_version": True}).processed.responses[0].body
    assert (body.outcome, body.version) == (ActivationOutcome.SUCCESS, NEW)


def test_a_device_that_trusts_nobody_in_particular_executes_every_command():
    """R-E4-3: trusted_signers None (the simulator's fleets) trusts every sender."""
    bench = Bench()
    device = bench.add()
    assert bench.devices[device].trusted_signers is None
    bench.send("11.1", device, version=NEW)
    bench.send("11.3", device, user=bench.other_supplier, version=NEW)
    assert bench.devices[device].running == NEW


def test_a_gpf_discards_a_critical_command_from_a_party_it_does_not_trust():
    """R-E4-3 for the GPF too."""
    bench = Bench()
    gsme, gpf = bench.add_gas_pair()
    proxy = bench.devices[gpf]
    proxy.trusted_signers = frozenset()
    command = bench.dsp.submit(bench.request("11.2", gpf, user=bench.gas_supplier), 0.0).commands[0]
    assert proxy.handle(command, 0.0) is not None  # 11.2 is not Critical
    critical = type(command)(bench.request("11.3", gsme, version=NEW), gpf)
    assert proxy.handle(critical, 0.0) is None


def test_gpf_answers_with_its_own_lagging_copy_of_the_gsme_version():
    """R-DEV-5"""
    bench = Bench()
    gsme, gpf = bench.add_gas_pair(OLD)
    bench.update_firmware(gsme, NEW)
    proxy = bench.devices[gpf]
    assert isinstance(proxy, GasProxyFunction)
    assert bench.send("11.2", gpf, user=bench.gas_supplier).processed.responses[0].body.version == OLD
    proxy.refresh(NEW)
    assert bench.send("11.2", gpf, user=bench.gas_supplier).processed.responses[0].body.version == NEW


def test_lost_device_response_leaves_the_dsp_unaware_and_answers_e21_after_the_timeout():
    """R-DEV-6: the DSP never learns the outcome; E21 (or, configurably, nothing)."""
    bench = Bench()
    device = bench.add()
    bench.remove(OLD)
    exchange = bench.update_firmware(device, NEW, lose_activation=True)
    assert bench.devices[device].running == NEW and bench.record(device).firmware == OLD
    request = exchange.submitted.responses[0].request
    assert bench.dsp.no_response(request, 3600.0).code is ResponseCode.E21
    silent = Bench(settings=DspSettings(e21_on_timeout=False))
    assert silent.dsp.no_response(request, 3600.0).responses == ()


def test_future_dated_activation_runs_only_when_due():
    """R-FD-1 on the device side: accepted now, alert 0x8F66 at the execution time."""
    bench = Bench()
    device = bench.add()
    bench.send("11.1", device, version=NEW)
    bench.send("11.3", device, version=NEW, execution_time=7200.0)
    meter = bench.devices[device]
    assert meter.execute_due(3600.0) is None and meter.running == OLD
    alert = meter.execute_due(7200.0)
    assert (alert.alert_code, alert.outcome, alert.version) == (0x8F66, ActivationOutcome.SUCCESS, NEW)
    assert meter.execute_due(9000.0) is None


def test_build_device_rejects_bad_input_with_a_domain_error():
    with pytest.raises(DomainError, match="malformed firmware version"):
        build_device("00-DB-12-34-56-78-90-A0", DeviceType.ESME, 2, "XYZ")
    with pytest.raises(DomainError, match="SMETS version"):
        build_device("00-DB-12-34-56-78-90-A0", DeviceType.ESME, 3, OLD)
    with pytest.raises(DomainError, match="needs its GSME"):
        build_device("00-DB-12-34-56-78-90-A0", DeviceType.GPF, 2, OLD)


def test_cancelled_future_dated_activation_never_runs():
    """R-FD-1: DUIS cancels a pending future-dated 11.3 by repeating it with the cancellation date."""
    bench = Bench()
    device = bench.add()
    bench.send("11.1", device, version=NEW)
    bench.send("11.3", device, version=NEW, execution_time=7200.0)
    cancelled = bench.send("11.3", device, version=NEW, cancels=True)
    assert cancelled.processed.responses[0].code is ResponseCode.I0
    assert cancelled.processed.alerts == () and cancelled.processed.changes == ()
    meter = bench.devices[device]
    assert meter.execute_due(9000.0) is None and meter.running == OLD and meter.held.version == NEW
