"""The scripted World, as the Gherkin steps drive it: zero latency, nothing lost unless a step says so."""
from __future__ import annotations

import json

import pytest

from dsp import DeviceModel, DeviceStatus, DeviceType, FirmwareVersionRead, ResponseCode
from dsp.errors import DomainError
from harness.sim.comms import Comms
from harness.sim.world import World
from tests.core.bench import NEW, OLD, Bench


def world_of(bench: Bench, **kwargs) -> World:
    world = World(bench.dsp, **kwargs)
    world.add_devices(bench.devices.values())
    return world


def codes(exchange) -> list[str]:
    return [r.code.value for r in exchange.responses]


def kinds(world: World) -> list[str]:
    return [e.kind for e in world.trace]


@pytest.fixture
def bench() -> Bench:
    return Bench("mp105")


def test_a_read_is_acknowledged_then_answered_with_the_device_version_at_the_same_instant(bench):
    meter = bench.add()
    world = world_of(bench)
    exchange = world.send(bench.request("11.2", meter))
    assert exchange.code is ResponseCode.I99
    assert codes(exchange) == ["I99", "I0"]
    body = exchange.responses[-1].body
    assert isinstance(body, FirmwareVersionRead) and body.version == OLD
    assert world.now == 0.0
    assert kinds(world) == ["request", "device_command", "device_message", "response"]


def test_a_rejected_request_never_reaches_the_device(bench):
    bench = Bench("legacy")
    meter = bench.add(status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
    world = world_of(bench)
    exchange = world.send(bench.request("11.2", meter))
    assert exchange.code is ResponseCode.E5 and codes(exchange) == ["E5"]
    assert "device_command" not in kinds(world)


def test_removal_from_the_cpl_suspends_at_now_and_records_the_alert(bench):
    meter = bench.add()
    world = world_of(bench)
    world.advance(60)
    assert world.remove_from_cpl(DeviceType.ESME, DeviceModel.default_for(DeviceType.ESME), OLD) == 1
    assert bench.record(meter).status is DeviceStatus.SUSPENDED
    assert [(a.code, a.time) for a in world.alerts] == [("N28", 60.0)]
    assert kinds(world) == ["smi_change", "dcc_alert"]


def suspended_meter_updated_with_lost_activation(bench: Bench, world: World | None = None):
    meter = bench.add()
    if world is None:
        world = world_of(bench)
    else:
        world.add_device(bench.devices[meter])
    world.remove_from_cpl(DeviceType.ESME, DeviceModel.default_for(DeviceType.ESME), OLD)
    world.send(bench.request("11.1", meter, version=NEW))
    world.lose_next(meter, "11.3", "response")
    exchange = world.send(bench.request("11.3", meter, version=NEW))
    return meter, world, exchange


def test_a_lost_activation_response_leaves_the_device_running_new_firmware_while_the_smi_says_suspended(bench):
    meter, world, exchange = suspended_meter_updated_with_lost_activation(bench)
    assert exchange.lost and codes(exchange) == ["I99"]
    assert world.devices[meter].running == NEW
    assert (bench.record(meter).status, bench.record(meter).firmware) == (DeviceStatus.SUSPENDED, OLD)
    assert "lost" in kinds(world)


def test_the_user_gets_e21_only_when_the_response_timeout_has_passed(bench):
    meter, world, exchange = suspended_meter_updated_with_lost_activation(bench)
    world.advance(3599)
    assert codes(exchange) == ["I99"]
    world.advance(1)
    assert codes(exchange) == ["I99", "E21"] and exchange.responses[-1].time == 3600.0


def test_the_response_timeout_is_configurable(bench):
    meter, world, exchange = suspended_meter_updated_with_lost_activation(
        bench, World(bench.dsp, comms=Comms.scripted(response_timeout=60))
    )
    world.advance(60)
    assert codes(exchange) == ["I99", "E21"]


def test_a_retried_activation_restores_the_device_under_mp105_with_n29(bench):
    meter, world, _ = suspended_meter_updated_with_lost_activation(bench)
    retry = world.send(bench.request("11.3", meter, version=NEW))
    assert codes(retry) == ["I99", "I0"]
    assert sorted(a.code for a in retry.alerts) == ["N29", "N29"]
    assert bench.record(meter).status is DeviceStatus.COMMISSIONED
    assert [a.code for a in world.alerts][-2:] == ["N29", "N29"]


def test_a_retried_activation_leaves_the_device_suspended_under_legacy():
    bench = Bench("legacy")
    meter, world, _ = suspended_meter_updated_with_lost_activation(bench)
    retry = world.send(bench.request("11.3", meter, version=NEW))
    assert codes(retry) == ["I99", "I0"] and retry.alerts == []
    assert bench.record(meter).status is DeviceStatus.SUSPENDED


def test_a_lost_request_never_reaches_the_device(bench):
    meter = bench.add()
    world = world_of(bench)
    world.send(bench.request("11.1", meter, version=NEW))
    world.lose_next(meter, "11.3", "request")
    exchange = world.send(bench.request("11.3", meter, version=NEW))
    assert exchange.lost and world.devices[meter].running == OLD
    world.advance(3600)
    assert codes(exchange) == ["I99", "E21"]


def test_a_lost_delivery_updates_the_smi_but_the_user_hears_nothing(bench):
    meter = bench.add()
    world = world_of(bench)
    world.send(bench.request("11.1", meter, version=NEW))
    world.lose_next(meter, "11.3", "delivery")
    exchange = world.send(bench.request("11.3", meter, version=NEW))
    assert codes(exchange) == ["I99"] and exchange.lost
    assert bench.record(meter).firmware == NEW


def test_a_future_dated_activation_reports_by_alert_at_its_execution_time(bench):
    meter = bench.add()
    world = world_of(bench)
    world.send(bench.request("11.1", meter, version=NEW))
    exchange = world.send(bench.request("11.3", meter, version=NEW, execution_time=7200.0))
    assert codes(exchange) == ["I99", "I0"] and world.devices[meter].running == OLD
    world.advance(7199)
    assert bench.record(meter).firmware == OLD
    world.advance(1)
    assert world.devices[meter].running == NEW and bench.record(meter).firmware == NEW
    assert codes(exchange) == ["I99", "I0", "I0"]
    alert = next(e for e in world.trace if e.kind == "device_message" and e.time == 7200.0)
    assert alert.details["alert_code"] == "0x8F66"


def test_a_lost_activation_alert_leaves_the_smi_behind(bench):
    meter = bench.add()
    world = world_of(bench)
    world.send(bench.request("11.1", meter, version=NEW))
    world.lose_next(meter, "11.3", "alert")
    world.send(bench.request("11.3", meter, version=NEW, execution_time=600.0))
    world.advance(600)
    assert world.devices[meter].running == NEW and bench.record(meter).firmware == OLD


def test_a_gsme_activation_refreshes_its_gpf_copy_so_a_gpf_read_raises_no_mismatch(bench):
    gsme, gpf = bench.add_gas_pair()
    world = world_of(bench)
    world.send(bench.request("11.1", gsme, version=NEW))
    world.send(bench.request("11.3", gsme, version=NEW))
    read = world.send(bench.request("11.2", gpf))
    assert read.responses[-1].body.version == NEW and read.alerts == []


def test_a_lagging_gpf_copy_raises_n52_until_it_catches_up(bench):
    gsme, gpf = bench.add_gas_pair()
    world = world_of(bench, comms=Comms.scripted(gpf_refresh_lag=600))
    world.send(bench.request("11.1", gsme, version=NEW))
    world.send(bench.request("11.3", gsme, version=NEW))
    assert [a.code for a in world.send(bench.request("11.2", gpf)).alerts] == ["N52", "N52"]  # R-ALERT-2: GS and GT
    world.advance(600)
    assert world.send(bench.request("11.2", gpf)).alerts == []


def test_a_forced_activation_failure_answers_activation_failure(bench):
    meter = bench.add()
    world = world_of(bench)
    world.send(bench.request("11.1", meter, version=NEW))
    world.fail_next_activation(meter)
    exchange = world.send(bench.request("11.3", meter, version=NEW))
    assert exchange.responses[-1].body.outcome.duis_name == "activationFailure"


def test_the_trace_is_json_and_in_time_order(bench):
    meter, world, _ = suspended_meter_updated_with_lost_activation(bench)
    world.advance(3600)
    dumped = json.loads(json.dumps([e.to_dict() for e in world.trace]))
    assert [e["time"] for e in dumped] == sorted(e["time"] for e in dumped)
    assert {e["kind"] for e in dumped} >= {"request", "response", "device_command", "smi_change", "dcc_alert", "lost"}
    assert dumped[-1]["code"] == "E21"


def test_an_unknown_leg_is_refused(bench):
    with pytest.raises(DomainError, match="unknown leg"):
        world_of(bench).lose_next("00-DB-12-34-56-78-90-A0", "11.3", "sideways")


def test_time_cannot_go_back(bench):
    with pytest.raises(DomainError):
        world_of(bench).advance(-1)


def test_a_forced_activation_failure_waits_for_the_activation_not_the_image_distribution(bench):
    meter = bench.add()
    world = world_of(bench)
    world.fail_next_activation(meter)  # armed before the 11.1: the 11.1 must not use it up
    world.send(bench.request("11.1", meter, version=NEW))
    exchange = world.send(bench.request("11.3", meter, version=NEW))
    assert exchange.responses[-1].body.outcome.duis_name == "activationFailure"
    assert world.devices[meter].running == OLD


def test_a_forced_failure_of_a_future_dated_activation_fails_it_when_it_runs_not_when_it_is_accepted(bench):
    meter = bench.add()
    world = world_of(bench)
    world.send(bench.request("11.1", meter, version=NEW))
    world.fail_next_activation(meter)
    world.send(bench.request("11.3", meter, version=NEW, execution_time=600.0))
    world.advance(600)
    alert = [e for e in world.trace if e.kind == "device_message"][-1]
    assert (alert.details["alert_code"], alert.details["outcome"]) == ("0x8F67", "activationFailure")
    assert world.devices[meter].running == OLD
