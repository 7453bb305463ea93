"""What harness/sim/simpy_adapter.py relies on in SimPy's internals: if a SimPy release changes any of it,
these fail before the world misbehaves."""
from __future__ import annotations

import itertools

import simpy
from simpy.events import NORMAL

from harness.sim.simpy_adapter import BareEvent, Call, FastEnvironment


def test_simpy_keeps_its_queue_counter_and_clock_where_the_adapter_reads_them():
    env = simpy.Environment(initial_time=0.0)
    assert env._queue == [] and isinstance(env._eid, itertools.count) and env._now == 0.0
    event = env.timeout(5.0)
    time, priority, eid, queued = env._queue[0]
    assert (time, priority, queued) == (5.0, NORMAL, event) and isinstance(eid, int)


def test_simpys_step_runs_a_bare_event_through_callbacks_and_ok_alone():
    env = FastEnvironment(initial_time=0.0)
    seen: list[tuple[float, tuple]] = []
    env.schedule(Call(lambda call: seen.append((env.now, call.args)), ("a",)), delay=2.0)
    env.step()
    assert seen == [(2.0, ("a",))]


def test_the_fast_loop_runs_what_is_due_before_until_in_order_and_leaves_the_rest():
    env = FastEnvironment(initial_time=0.0)
    order: list[str] = []
    for at, name in ((3.0, "c"), (1.0, "a"), (2.0, "b"), (5.0, "at-until")):
        env.at(at, Call(lambda call: order.append(call.args[0]), (name,)))
    env.run_until(5.0)
    assert order == ["a", "b", "c"] and env.now == 5.0
    env.settle()  # what is due exactly at now
    assert order == ["a", "b", "c", "at-until"]


def test_a_bare_event_is_all_simpy_needs_even_mixed_with_real_events():
    env = FastEnvironment(initial_time=0.0)
    fired: list[str] = []
    env.timeout(1.0).callbacks.append(lambda event: fired.append("timeout"))
    env.at(0.5, Call(lambda call: fired.append("bare")))
    env.run(until=2.0)  # SimPy's own loop over both kinds
    assert fired == ["bare", "timeout"] and issubclass(Call, BareEvent)
