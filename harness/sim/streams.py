"""Random numbers keyed by (seed, replication, device, message, purpose): no shared generator.

Every draw is a pure function of its key (counter-based hashing with SplitMix64), so a replication gives
the same result whatever else runs, in whatever order, on whichever worker. A device numbers its own
messages; each message draws for a handful of purposes (loss on a leg, latency on a leg, ...).
"""
from __future__ import annotations

import math

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_TO_UNIT = 2.0**-53

# what a draw is for: one slot per purpose in a message's key
REQUEST_LOSS, REQUEST_LATENCY, RESPONSE_LOSS, RESPONSE_LATENCY = 0, 1, 2, 3
ALERT_LOSS, ALERT_LATENCY, DELIVERY_LOSS, DELIVERY_LATENCY = 4, 5, 6, 7
ACTIVATION_FAILS, OMITS_VERSION, OFFLINE, ALERT_DELIVERY_LOSS, ALERT_DELIVERY_LATENCY = 8, 9, 10, 11, 12
TOPUP_ARRIVAL = 13  # a prepayment meter's k-th top-up arrival (harness/sim/topups.py): keyed (meter, k)


def mix64(z: int) -> int:
    """SplitMix64's finaliser: a bijection on 64-bit ints that scatters nearby keys."""
    z = (z + _GOLDEN) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


class Streams:
    """The random streams of one replication: `uniform(device, message, purpose)` in [0, 1).

    `device` is the world's own index of a device; `offset` is the fleet-wide index of the world's first
    device, so a shard of the fleet (harness/study/shards.py) draws what the whole fleet's world would: a draw
    is keyed by the device's GLOBAL index (device + offset < 2^26), whatever the shard count."""

    __slots__ = ("base", "offset", "uniform")

    def __init__(self, seed: int, replication: int, offset: int = 0) -> None:
        self.base = mix64(mix64(seed & _MASK) ^ (replication & _MASK))
        self.offset = offset
        # a uniform draw for one purpose of one message of one device (message < 2^24): a plain closure,
        # no bound-method lookup on the hot path
        self.uniform = uniform_drawer(self.base, offset)


def uniform_drawer(base: int, offset: int = 0):
    """`uniform(device, message, purpose)` of the streams whose base is `base`, as a plain function for
    the hot path. Two multiply-xorshift rounds of SplitMix64 over the packed key: cheap, and every bit of
    the key reaches the 53 bits kept. With an `offset` (a shard's first global index) the key is
    `device + offset`; without one the closure is the unshifted one, so an unsharded world pays nothing."""
    if offset:

        def shifted(device: int, message: int, purpose: int) -> float:
            z = ((base ^ (((device + offset) << 37) | (message << 8) | purpose)) * 0xBF58476D1CE4E5B9) & _MASK
            z = ((z ^ (z >> 31)) * 0x94D049BB133111EB) & _MASK
            return ((z ^ (z >> 29)) >> 11) * _TO_UNIT

        return shifted

    def uniform(device: int, message: int, purpose: int) -> float:
        z = ((base ^ ((device << 37) | (message << 8) | purpose)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 31)) * 0x94D049BB133111EB) & _MASK
        return ((z ^ (z >> 29)) >> 11) * _TO_UNIT

    return uniform


def latency_drawer(base: int, kind: str, mean: float, low: float, high: float, offset: int = 0):
    """`draw(device, message, purpose) -> seconds`: a uniform draw and its inverse transform fused into
    one call for the hot path (the same numbers as `Latency.sample(Streams.uniform(...))`)."""
    log = math.log
    span = high - low
    uniform = uniform_drawer(base, offset)

    if kind == "exponential" and offset:

        def shifted(device: int, message: int, purpose: int) -> float:
            z = ((base ^ (((device + offset) << 37) | (message << 8) | purpose)) * 0xBF58476D1CE4E5B9) & _MASK
            z = ((z ^ (z >> 31)) * 0x94D049BB133111EB) & _MASK
            return -mean * log(1.0 - ((z ^ (z >> 29)) >> 11) * _TO_UNIT)

        return shifted
    if kind == "exponential":

        def draw(device: int, message: int, purpose: int) -> float:
            z = ((base ^ ((device << 37) | (message << 8) | purpose)) * 0xBF58476D1CE4E5B9) & _MASK
            z = ((z ^ (z >> 31)) * 0x94D049BB133111EB) & _MASK
            return -mean * log(1.0 - ((z ^ (z >> 29)) >> 11) * _TO_UNIT)

        return draw
    if kind == "uniform":
        return lambda device, message, purpose: low + span * uniform(device, message, purpose)
    return lambda device, message, purpose: mean
