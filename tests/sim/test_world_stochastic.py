"""The World in stochastic mode: latency, loss and offline windows drawn from keyed streams (R-DEV-6).

The scripted tests (test_world_scripted.py) drive a world with zero latency and forced losses; these give
the world a `Comms` with drawn latencies, loss probabilities and offline windows, and check what the
users hear, what the DSP learns, and that every draw is a function of (seed, replication, device,
message) only: not of the order in which devices are served, nor of the traffic of other devices.
"""
from __future__ import annotations

import pytest

from dsp import DeviceModel, DeviceStatus, DeviceType, DspSettings
from harness.sim.comms import Comms, Latency, Leg, OfflineWindow
from harness.sim.world import World
from tests.core.bench import NEW, OLD, Bench

HOUR = 3600.0
ESME_MODEL = DeviceModel.default_for(DeviceType.ESME)


def fixed(seconds: float) -> Latency:
    return Latency("fixed", seconds)


def setup(n: int = 1, *, comms: Comms, seed: int = 1, replication: int = 0, ruleset: str = "mp105",
          settings: DspSettings | None = None, runs: str = NEW) -> tuple[Bench, World, list[str]]:
    """`n` ESMEs recorded on OLD but running NEW, added in order; OLD is then removed from the CPL, so
    every meter is Suspended and an 11.2 that reaches the DSP restores it (R-112-2 under mp105)."""
    bench = Bench(ruleset, settings=settings)
    meters = [bench.add(runs=runs) for _ in range(n)]
    world = World(bench.dsp, comms=comms, seed=seed, replication=replication)
    world.add_devices(bench.devices[m] for m in meters)
    world.remove_from_cpl(DeviceType.ESME, ESME_MODEL, OLD)
    assert all(bench.record(m).status is DeviceStatus.SUSPENDED for m in meters)
    return bench, world, meters


def timeline(exchange) -> list[tuple[str, float]]:
    return [(r.code.value, r.time) for r in exchange.responses]


def events(world: World, kind: str, **match) -> list:
    return [e for e in world.trace if e.kind == kind and all(e.details.get(k) == v for k, v in match.items())]


# --- the response timeout (R-DEV-6) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "legs",
    [
        {"11.2.response": Leg(0.0, fixed(1.5 * HOUR))},  # the device's answer is slow
        {"11.2.request": Leg(0.0, fixed(1.5 * HOUR))},  # the command is slow to reach the device
        {"11.2.request": Leg(0.0, fixed(0.75 * HOUR)), "11.2.response": Leg(0.0, fixed(0.75 * HOUR))},  # neither alone
    ],
    ids=["response-leg", "request-leg", "round-trip"],
)
def test_latency_beyond_the_response_timeout_gives_e21_at_the_timeout_and_the_late_answer_is_still_processed(legs):
    """R-DEV-6 in the world as built: the user gets E21 when the timeout passes, and when the device's
    answer arrives after that the DSP still processes it: the SMI is updated (here: restored, R-112-2),
    the alerts go out, and the user receives an I0 after the E21 for the same request."""
    bench, world, (meter,) = setup(comms=Comms(legs=legs, response_timeout=HOUR))
    exchange = world.submit(bench.request("11.2", meter))
    world.run(1.2 * HOUR)
    assert timeline(exchange) == [("I99", 0), ("E21", HOUR)]
    assert bench.record(meter).status is DeviceStatus.SUSPENDED  # the DSP does not know yet
    world.run(10 * HOUR)
    assert timeline(exchange) == [("I99", 0), ("E21", HOUR), ("I0", 1.5 * HOUR)]
    assert exchange.final.body.version == NEW
    assert bench.record(meter).status is DeviceStatus.COMMISSIONED and bench.record(meter).firmware == NEW
    assert sorted(a.code for a in exchange.alerts) == ["N29", "N29"]
    assert not exchange.lost and world.lost_messages == 0  # late is not lost


def test_latency_exactly_at_the_timeout_is_in_time():
    bench, world, (meter,) = setup(comms=Comms(legs={"11.2.response": Leg(0.0, fixed(HOUR))}, response_timeout=HOUR))
    exchange = world.submit(bench.request("11.2", meter))
    world.run(10 * HOUR)
    assert timeline(exchange) == [("I99", 0), ("I0", HOUR)]


def test_a_late_answer_configured_without_e21_is_the_only_answer():
    settings = DspSettings(e21_on_timeout=False)
    comms = Comms(legs={"11.2.response": Leg(0.0, fixed(2 * HOUR))}, response_timeout=HOUR)
    bench, world, (meter,) = setup(comms=comms, settings=settings)
    exchange = world.submit(bench.request("11.2", meter))
    world.run(10 * HOUR)
    assert timeline(exchange) == [("I99", 0), ("I0", 2 * HOUR)]


def test_drawn_latencies_give_e21_exactly_to_the_exchanges_whose_round_trip_exceeds_the_timeout():
    comms = Comms(legs={"response": Leg(0.0, Latency("exponential", mean=HOUR))}, response_timeout=HOUR)
    bench, world, meters = setup(40, comms=comms)
    exchanges = [world.submit(bench.request("11.2", m)) for m in meters]
    world.run(100 * HOUR)
    late = [x for x in exchanges if x.final.time > HOUR]
    assert 0 < len(late) < len(exchanges)  # exponential, mean = timeout: about 37% late
    for x in exchanges:
        codes = [c for c, _ in timeline(x)]
        assert codes == (["I99", "E21", "I0"] if x in late else ["I99", "I0"])
    assert all(bench.record(m).status is DeviceStatus.COMMISSIONED for m in meters)


# --- offline windows ------------------------------------------------------------------------------------


def test_a_command_reaching_an_offline_device_is_lost_and_answered_e21_and_the_device_is_back_after_the_window():
    window = OfflineWindow(fraction=1.0, start=0.0, duration=2 * HOUR)
    bench, world, meters = setup(5, comms=Comms(offline=(window,), response_timeout=HOUR))
    inside = [world.submit(bench.request("11.2", m)) for m in meters]
    world.run(2 * HOUR)  # the window ends at 2 h: a command arriving then finds the device online
    after = [world.submit(bench.request("11.2", m)) for m in meters]
    world.run(10 * HOUR)
    assert all(timeline(x) == [("I99", 0), ("E21", HOUR)] and x.lost for x in inside)
    assert len(events(world, "lost", leg="request", reason="offline")) == 5
    assert all(timeline(x) == [("I99", 2 * HOUR), ("I0", 2 * HOUR)] and not x.lost for x in after)
    assert world.lost_messages == 5
    # the offline device never saw the first command: one device_command per device, from the second
    assert sorted(e.device_id for e in events(world, "device_command")) == sorted(meters)


def test_the_offline_window_is_judged_when_the_command_arrives_not_when_it_is_sent():
    window = OfflineWindow(fraction=1.0, start=HOUR, duration=HOUR)
    comms = Comms(legs={"request": Leg(0.0, fixed(0.5 * HOUR))}, offline=(window,), response_timeout=2 * HOUR)
    bench, world, (meter,) = setup(comms=comms)
    world.run(0.75 * HOUR)
    sent_before = world.submit(bench.request("11.2", meter))  # arrives at 1.25 h, inside the window
    world.run(10 * HOUR)
    assert sent_before.lost and [c for c, _ in timeline(sent_before)] == ["I99", "E21"]


def test_a_share_of_devices_is_offline_for_the_whole_window_chosen_by_their_own_streams():
    window = OfflineWindow(fraction=0.5, start=0.0, duration=10 * HOUR)
    comms = Comms(offline=(window,), response_timeout=HOUR)
    bench, world, meters = setup(60, comms=comms, seed=4)
    offline_sets = []
    for _ in range(3):  # three rounds inside the window: the same devices are offline each time
        start = world.now
        exchanges = {m: world.submit(bench.request("11.2", m)) for m in meters}
        world.run(start + 2 * HOUR)
        offline_sets.append({m for m, x in exchanges.items() if x.lost})
    assert offline_sets[0] == offline_sets[1] == offline_sets[2]
    assert 15 < len(offline_sets[0]) < 45  # about half of 60
    # another replication draws another share
    bench2, world2, meters2 = setup(60, comms=comms, seed=4, replication=1)
    exchanges2 = {m: world2.submit(bench2.request("11.2", m)) for m in meters2}
    world2.run(2 * HOUR)
    assert {meters2.index(m) for m, x in exchanges2.items() if x.lost} != {meters.index(m) for m in offline_sets[0]}


# --- loss probabilities per leg ---------------------------------------------------------------------------


def test_loss_one_on_the_request_leg_loses_every_command_and_none_reaches_a_device():
    bench, world, meters = setup(20, comms=Comms(legs={"11.2.request": Leg(1.0)}))
    exchanges = [world.submit(bench.request("11.2", m)) for m in meters]
    world.run(10 * HOUR)
    assert len(events(world, "lost", leg="request")) == 20 == world.lost_messages
    assert not events(world, "device_command")
    assert all(x.lost and [c for c, _ in timeline(x)] == ["I99", "E21"] for x in exchanges)
    assert all(bench.record(m).status is DeviceStatus.SUSPENDED for m in meters)


def test_loss_one_on_the_response_leg_loses_every_answer_the_devices_sent():
    bench, world, meters = setup(20, comms=Comms(legs={"11.2.response": Leg(1.0)}))
    exchanges = [world.submit(bench.request("11.2", m)) for m in meters]
    world.run(10 * HOUR)
    assert len(events(world, "device_command")) == 20  # every device got its command ...
    assert len(events(world, "lost", leg="response")) == 20 == world.lost_messages  # ... no answer came back
    assert not events(world, "device_message")
    assert all(x.lost and [c for c, _ in timeline(x)] == ["I99", "E21"] for x in exchanges)
    assert all(bench.record(m).status is DeviceStatus.SUSPENDED for m in meters)


def test_loss_one_on_the_delivery_leg_loses_every_answer_and_alert_on_the_way_to_the_user():
    """The DSP got the device's answer (SMI restored, no E21); only the user hears nothing after I99."""
    bench, world, meters = setup(10, comms=Comms(legs={"11.2.delivery": Leg(1.0)}))
    exchanges = [world.submit(bench.request("11.2", m)) for m in meters]
    world.run(10 * HOUR)
    assert all(bench.record(m).status is DeviceStatus.COMMISSIONED for m in meters)
    assert all(x.lost and timeline(x) == [("I99", 0)] for x in exchanges)
    lost = events(world, "lost", leg="delivery")
    assert sorted(e.code for e in lost) == ["I0"] * 10 + ["N29"] * 20  # the I0 and both N29s of each
    assert world.lost_messages == 30 and not events(world, "dcc_alert", rule="R-VER-2")


def test_loss_one_on_the_alert_leg_loses_every_future_dated_activation_alert():
    bench, world, meters = setup(5, comms=Comms(legs={"11.3.alert": Leg(1.0)}), runs=OLD)
    for m in meters:
        world.submit(bench.request("11.1", m, version=NEW))
    world.run(1.0)
    exchanges = [world.submit(bench.request("11.3", m, version=NEW, execution_time=HOUR)) for m in meters]
    world.run(10 * HOUR)
    assert all(bench.devices[m].running == NEW for m in meters)  # the devices did activate ...
    assert len(events(world, "lost", leg="alert")) == 5 == world.lost_messages  # ... the DSP never heard
    assert all(bench.record(m).firmware == OLD for m in meters)
    assert all(x.lost for x in exchanges)


def test_loss_one_on_one_srv_leaves_the_other_srvs_alone():
    bench, world, meters = setup(10, comms=Comms(legs={"11.2.response": Leg(1.0)}), runs=OLD)
    distributed = [world.submit(bench.request("11.1", m, version=NEW)) for m in meters]
    world.run(10 * HOUR)
    assert all([c for c, _ in timeline(x)] == ["I99", "I0"] and not x.lost for x in distributed)
    assert world.lost_messages == 0


@pytest.mark.parametrize("leg", ["request", "response", "delivery"])
def test_loss_zero_loses_nothing_even_with_drawn_latency(leg):
    legs = {
        "request": Leg(0.0, Latency("uniform", low=1.0, high=60.0)),
        "response": Leg(0.0, Latency("exponential", mean=60.0)),
        "delivery": Leg(0.0, Latency("uniform", low=0.0, high=5.0)),
    }
    legs[f"11.2.{leg}"] = Leg(0.0, legs[leg].latency)
    bench, world, meters = setup(30, comms=Comms(legs=legs, response_timeout=24 * HOUR))
    exchanges = [world.submit(bench.request("11.2", m)) for m in meters]
    world.run(48 * HOUR)
    assert world.lost_messages == 0 and not events(world, "lost")
    assert all([c for c, _ in timeline(x)] == ["I99", "I0"] and not x.lost for x in exchanges)
    assert all(bench.record(m).status is DeviceStatus.COMMISSIONED for m in meters)
    assert len({x.final.time for x in exchanges}) > 20  # the latencies were drawn, not fixed


# --- reproducibility: keyed streams -------------------------------------------------------------------


RANDOM = Comms(
    legs={
        "request": Leg(0.1, Latency("uniform", low=1.0, high=600.0)),
        "response": Leg(0.25, Latency("exponential", mean=900.0)),
        "delivery": Leg(0.05, Latency("uniform", low=0.0, high=30.0)),
    },
    offline=(OfflineWindow(0.2, 0.0, 3 * HOUR),),
    response_timeout=HOUR,
    activation_failure=0.2,
)


def campaign(seed: int, replication: int, *, order=None, only=None) -> tuple[World, list[str]]:
    """A small random world: every meter (or those in `only`) gets 11.1 then 11.3, then an 11.2 round;
    `order` is the order in which the meters are served in each round."""
    bench, world, meters = setup(25, comms=RANDOM, seed=seed, replication=replication, runs=OLD)
    served = [meters[i] for i in (order or range(len(meters))) if only is None or i in only]
    for m in served:
        world.submit(bench.request("11.1", m, version=NEW))
    world.run(4 * HOUR)
    for m in reversed(served) if order else served:
        world.submit(bench.request("11.3", m, version=NEW))
    world.run(8 * HOUR)
    for m in served:
        world.submit(bench.request("11.2", m))
    world.run(24 * HOUR)
    return world, meters


def trace_of(world: World) -> list[dict]:
    return [e.to_dict() for e in world.trace]


def per_device(world: World, meters: list[str]) -> dict[int, list[tuple]]:
    """Each meter's own events, in order, keyed by its position in the world (its stream's key)."""
    out: dict[int, list[tuple]] = {i: [] for i in range(len(meters))}
    where = {m: i for i, m in enumerate(meters)}
    for e in world.trace:
        if e.device_id in where:
            d = e.to_dict()
            d["details"].pop("request_id", None)
            out[where[e.device_id]].append((d["time"], d["kind"], d["srv"], d["user"], d["code"], sorted(d["details"].items())))
    return out


def test_the_same_seed_and_replication_give_the_same_trace():
    first, _ = campaign(3, 0)
    again, _ = campaign(3, 0)
    assert trace_of(first) == trace_of(again)
    assert first.lost_messages > 0 and first.counts["E21"] > 0  # the randomness was exercised


def test_another_replication_or_seed_gives_another_trace():
    base = trace_of(campaign(3, 0)[0])
    assert trace_of(campaign(3, 1)[0]) != base
    assert trace_of(campaign(4, 0)[0]) != base


def test_a_devices_draws_do_not_depend_on_the_order_devices_are_served():
    forward, meters = campaign(3, 0)
    backward, meters_b = campaign(3, 0, order=list(reversed(range(25))))
    assert trace_of(forward) != trace_of(backward)  # the interleaving differs ...
    assert per_device(forward, meters) == per_device(backward, meters_b)  # ... each device's story does not


def test_a_devices_draws_do_not_depend_on_other_devices_traffic():
    everyone, meters = campaign(3, 0)
    odd = set(range(1, 25, 2))
    some, meters_s = campaign(3, 0, only=odd)
    full, part = per_device(everyone, meters), per_device(some, meters_s)
    for i in odd:
        assert part[i] == full[i]
    assert all(len(e) == 2 for i, e in part.items() if i not in odd)  # the others: only their suspension


def test_a_devices_draws_do_not_depend_on_smi_devices_outside_the_world():
    """The suspension alerts of a device the SMI holds but the world does not must not be drawn from
    another device's stream (they used to take device 0's message numbers)."""
    comms = Comms(legs={"delivery": Leg(0.0, Latency("uniform", low=1.0, high=600.0))})

    def alert_times(with_stranger: bool) -> list[float]:
        bench = Bench("mp105")
        stranger = bench.add() if with_stranger else None  # in the SMI only
        meter = bench.add()
        world = World(bench.dsp, comms=comms, seed=2, trace=True)
        world.add_device(bench.devices[meter])
        world.remove_from_cpl(DeviceType.ESME, ESME_MODEL, OLD)
        world.run(HOUR)
        assert stranger is None or bench.record(stranger).status is DeviceStatus.SUSPENDED
        return [e.time for e in events(world, "dcc_alert") if e.device_id == meter]  # when they reached the user

    assert alert_times(True) == alert_times(False)
