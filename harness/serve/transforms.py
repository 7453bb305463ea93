"""The Transform Service's pending transforms: the pre-commands returned to Users (Command Variant 4)
and not yet signed and sent back (Command Variant 5).

A pending transform is keyed by the RequestID the CV 4 carried, as parsed (EUI-64s upper case: DCC's
client writes them lower case in the CV 5), since the Signed Pre-Command reuses that RequestID. It keeps
the pre-command (what the Signed Pre-Command must be a signed form of) and the CV 4 request as received
(what the DSP acts on when the Signed Pre-Command arrives). Times are the endpoint's simulated seconds.

`TransformStore` is the interface the endpoint uses; `MemoryTransformStore` keeps them in memory,
bounded and expiring. A durable store only has to honour the same five methods.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from dsp.errors import DomainError

__all__ = ["DEFAULT_LIMIT", "DEFAULT_TTL_SECONDS", "MemoryTransformStore", "PendingTransform", "TransformStore"]

# [model] how long a pre-command waits for its signed form, and how many may wait at once: the DUIS
# gives no figure; an hour is ample for a client that signs at once, 1000 ample for a test rig
DEFAULT_TTL_SECONDS = 3600.0
DEFAULT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class PendingTransform:
    """A pre-command returned for a Critical Service Request, waiting for its Signed Pre-Command."""

    key: str  # the CV 4's RequestID, parsed: "ORIGINATOR:TARGET:counter", EUI-64s upper case
    srv: str
    precommand: bytes  # the GBCS the User was given to sign
    request: bytes  # the CV 4 request document as it arrived
    created: float  # simulated seconds
    expires: float


class TransformStore(Protocol):
    """Where pending transforms wait. Every method takes the current simulated time, so an expired
    transform is never returned."""

    def put(self, pending: PendingTransform) -> None:
        """Keep ``pending`` (replacing one with the same key)."""

    def get(self, key: str, now: float) -> PendingTransform | None:
        """The pending transform for ``key``, unless there is none or it has expired."""

    def remove(self, key: str) -> None:
        """Forget the transform for ``key`` (its Signed Pre-Command was acted on)."""

    def expire(self, now: float) -> int:
        """Forget every transform expired by ``now``; how many were."""

    def __len__(self) -> int:
        """How many transforms are kept (expired ones included until `expire` runs)."""


class MemoryTransformStore:
    """Pending transforms in memory: at most ``limit`` (the oldest goes first when full), each for
    ``ttl`` simulated seconds from its creation."""

    def __init__(self, limit: int = DEFAULT_LIMIT, ttl: float = DEFAULT_TTL_SECONDS) -> None:
        if limit <= 0:
            raise DomainError(f"pending transforms: the limit must be > 0, got {limit}")
        if not ttl > 0:
            raise DomainError(f"pending transforms: the time to live must be > 0 s, got {ttl}")
        self.limit, self.ttl = limit, ttl
        self.dropped = 0  # pushed out by newer ones while still pending
        self._pending: OrderedDict[str, PendingTransform] = OrderedDict()

    def put(self, pending: PendingTransform) -> None:
        self._pending.pop(pending.key, None)
        self._pending[pending.key] = pending
        while len(self._pending) > self.limit:
            self._pending.popitem(last=False)
            self.dropped += 1

    def get(self, key: str, now: float) -> PendingTransform | None:
        pending = self._pending.get(key)
        if pending is None:
            return None
        if pending.expires <= now:
            del self._pending[key]
            return None
        return pending

    def remove(self, key: str) -> None:
        self._pending.pop(key, None)

    def expire(self, now: float) -> int:
        gone = [key for key, pending in self._pending.items() if pending.expires <= now]
        for key in gone:
            del self._pending[key]
        return len(gone)

    def __len__(self) -> int:
        return len(self._pending)
