"""The one place that uses SimPy's internals, and why: the simulator's hot path.

A GB-size study moves tens of millions of messages. SimPy's public `Environment.run` and `Event` carry
per-event costs the world does not need (a StopSimulation event, a try block and a method call per step,
an Event object with a value and a defused flag per message). So the world

- schedules *bare events*: plain objects with SimPy's two event attributes, `callbacks` and `_ok`, which
  is all `Environment.step` and this module's loop touch;
- pushes a message's arrival straight onto the environment's queue at an absolute time (`at`);
- runs to a time with a loop of its own (`run_until`), the body of `Environment.step` inlined.

Everything else uses SimPy's public API (`schedule`, `step`, `peek`, `now`, `run`). The test
`tests/sim/test_simpy_adapter.py` fails if a SimPy release changes what this module relies on: the queue
`_queue` as a heap of `(time, priority, event id, event)`, the id counter `_eid`, the clock `_now`, and
`step` reading only `callbacks` and `_ok` of an event that succeeded.
"""
from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import simpy
from simpy.events import NORMAL


class BareEvent:
    """An event as SimPy's loop sees it: callbacks to call once, and success. Subclasses add their data."""

    __slots__ = ("callbacks",)
    _ok = True

    callbacks: list[Callable[[Any], None]] | None


class Call(BareEvent):
    """A function to call with `args` at a simulated time."""

    __slots__ = ("args",)

    def __init__(self, fn: Callable[[Any], None], args: tuple[Any, ...] = ()) -> None:
        self.callbacks = [fn]
        self.args = args


class FastEnvironment(simpy.Environment):
    """A SimPy environment with the world's three fast paths (see the module docstring)."""

    # the clock read without a Python frame (SimPy's own `now` is a Python property over `_now`)
    now = property(attrgetter("_now"))  # type: ignore[assignment]

    if TYPE_CHECKING:  # SimPy's own annotation says Event; a bare event is what its loop needs (see above)

        def schedule(self, event: BareEvent | simpy.Event, priority: int = NORMAL, delay: float = 0) -> None: ...

    def at(self, time: float, event: BareEvent) -> None:
        """Schedule `event` at absolute simulated `time` (not before now), normal priority."""
        heappush(self._queue, (time, NORMAL, next(self._eid), event))  # type: ignore[misc]  # a bare event

    def run_until(self, until: float) -> None:
        """Process every event due before `until`, then set the clock to `until` (events due exactly at
        `until` are left for later, as `run(until=...)` does)."""
        queue = self._queue
        pop = heappop
        while queue and queue[0][0] < until:
            self._now, _, _, event = pop(queue)
            callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]  # as Environment.step does
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                raise event._value
        self._now = max(self._now, until)

    def settle(self) -> None:
        """Process every event due at `now` (zero-latency consequences included)."""
        while self.peek() <= self.now:
            self.step()
