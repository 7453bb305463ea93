"""The outbox: every message `serve` sends (device responses, DCC alerts), kept in SQLite until it is
delivered, refused or its hold period ends.

A message is `pending` from the moment it is queued (in the same transaction as the request's other
effects, harness/serve/state.py) until `--deliver-to` answers 2xx (`delivered`), answers 4xx other than 408
or 429 (`refused`: the receiver says it will never take it; retrying cannot help), or the hold period
(`DeliveryPolicy.hold_seconds`, 2 days by default, as DCC holds alerts) passes without either (`expired`).
Without `--deliver-to` a message is `kept`, for `GET /test/outbox` only. Times are wall-clock seconds
(the hold period is the receiver's time, not the simulation's).

Order: messages with the same `ordering_key` (the recipient User and the device the message is about)
are delivered one at a time, oldest first, so a device's response never overtakes its earlier alert;
messages about other devices do not wait behind a failing one.

Memory: the queue is the table; only the messages being attempted are held in memory. A message in a
final state (delivered, refused, expired) is deleted one hold period after it finished; one that never
reached the receiver (refused, expired) is logged as it is deleted, so it leaves a trace (`kept` messages
are never deleted).
"""
from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = ["DeliveryPolicy", "Message", "Outbox", "STATES", "TABLE"]

log = logging.getLogger("sm_harness.serve.outbox")

STATES = ("pending", "delivered", "refused", "expired", "kept")
TABLE = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,            -- response | dcc_alert
    recipient TEXT NOT NULL,       -- the DUIS User the message is for
    device TEXT NOT NULL,          -- the device it is about ('' for none)
    ordering_key TEXT NOT NULL,
    body BLOB NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT '',
    queued REAL NOT NULL,
    next_attempt REAL NOT NULL,
    expires REAL NOT NULL,
    finished REAL
);
CREATE INDEX IF NOT EXISTS outbox_order ON outbox (state, ordering_key, id);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt);
"""


@dataclass(frozen=True)
class DeliveryPolicy:
    """How `serve` delivers to `--deliver-to`."""

    hold_seconds: float = 2 * 86400.0  # a message is tried this long before it expires (DCC: 2 days)
    first_retry_seconds: float = 1.0  # the wait after the first failure, doubling with each attempt ...
    max_retry_seconds: float = 300.0  # ... up to this, each wait drawn from its upper half (jitter)
    timeout_seconds: float = 10.0  # one attempt, whole (a hanging receiver costs this, no more)
    concurrency: int = 8  # attempts in flight at once

    def retry_after(self, attempts: int, draw: float) -> float:
        """Seconds to wait after the `attempts`-th failure; `draw` in [0, 1) spreads the waits (jitter)."""
        ceiling = min(self.max_retry_seconds, self.first_retry_seconds * 2 ** min(attempts - 1, 40))
        return ceiling * (0.5 + 0.5 * draw)


@dataclass(frozen=True)
class Message:
    id: int
    kind: str
    recipient: str
    device: str
    ordering_key: str
    body: bytes
    attempts: int
    expires: float


_COLUMNS = "id, kind, recipient, device, ordering_key, body, attempts, expires"


class Outbox:
    """The outbox table on a connection shared with the rest of the state; every call takes `lock`."""

    def __init__(self, connection: sqlite3.Connection, lock: threading.RLock, policy: DeliveryPolicy) -> None:
        self.db = connection
        self.lock = lock
        self.policy = policy
        self.random = random.Random()

    @contextmanager
    def _cursor(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            yield self.db

    # --- the request path -------------------------------------------------------------------------------

    def add(self, kind: str, body: bytes, recipient: str, device: str, now: float, deliver: bool) -> int:
        """Queue a message (inside the caller's transaction, if one is open); its id."""
        state = "pending" if deliver else "kept"
        with self._cursor() as db:
            cursor = db.execute(
                "INSERT INTO outbox (kind, recipient, device, ordering_key, body, state, queued, next_attempt, expires)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, recipient, device, f"{recipient}|{device}", body, state, now, now, now + self.policy.hold_seconds),
            )
            return int(cursor.lastrowid or 0)

    # --- the delivery worker ------------------------------------------------------------------------------

    def due(self, now: float, limit: int, busy: set[str]) -> list[Message]:
        """Up to `limit` messages to attempt now: the oldest pending message of each ordering key that is
        not `busy` (being attempted), if its next attempt is due."""
        if limit <= 0:
            return []
        with self._cursor() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM outbox AS o WHERE state = 'pending' AND next_attempt <= ? AND id = "
                "(SELECT MIN(id) FROM outbox WHERE state = 'pending' AND ordering_key = o.ordering_key) "
                "ORDER BY next_attempt, id LIMIT ?",
                (now, limit + len(busy)),
            ).fetchall()
        return [m for m in (Message(*row) for row in rows) if m.ordering_key not in busy][:limit]

    def all_due(self, now: float) -> None:
        """Every pending message due now (the worker's start: a restart is a moment to try again)."""
        with self._cursor() as db:
            db.execute("UPDATE outbox SET next_attempt = ? WHERE state = 'pending' AND next_attempt > ?", (now, now))

    def next_due(self, busy: set[str]) -> float | None:
        """When the next message can be attempted: the earliest next attempt of the oldest pending message
        of each ordering key not `busy` (None: none is waiting)."""
        marks = ", ".join("?" * len(busy))
        skip = f"AND ordering_key NOT IN ({marks})" if busy else ""
        with self._cursor() as db:
            (when,) = db.execute(
                f"SELECT MIN(next_attempt) FROM outbox AS o WHERE state = 'pending' {skip} AND id = "
                "(SELECT MIN(id) FROM outbox WHERE state = 'pending' AND ordering_key = o.ordering_key)",
                tuple(busy),
            ).fetchone()
        return None if when is None else float(when)

    def delivered(self, message: Message, now: float, outcome: str) -> None:
        self._finish(message, "delivered", now, outcome)

    def refused(self, message: Message, now: float, outcome: str) -> None:
        self._finish(message, "refused", now, outcome)

    def failed(self, message: Message, now: float, outcome: str) -> float | None:
        """Record a failed attempt; when the next one is due (None: the message has expired)."""
        attempts = message.attempts + 1
        retry = now + self.policy.retry_after(attempts, self.random.random())
        if retry >= message.expires:
            self._finish(message, "expired", now, outcome, attempts)
            return None
        with self._cursor() as db:
            db.execute("UPDATE outbox SET attempts = ?, outcome = ?, next_attempt = ? WHERE id = ?",
                       (attempts, outcome, retry, message.id))
        return retry

    def expire(self, now: float) -> list[tuple[int, str, str, int]]:
        """Pending messages past their hold period become `expired`; (id, recipient, device, attempts) of each."""
        with self._cursor() as db:
            gone = db.execute("SELECT id, recipient, device, attempts FROM outbox WHERE state = 'pending' AND expires <= ?",
                              (now,)).fetchall()
            db.execute("UPDATE outbox SET state = 'expired', finished = ? WHERE state = 'pending' AND expires <= ?", (now, now))
            cutoff = now - self.policy.hold_seconds
            undelivered = db.execute(
                "SELECT id, kind, recipient, device, state, attempts, outcome, finished FROM outbox"
                " WHERE state IN ('refused', 'expired') AND finished < ? ORDER BY id", (cutoff,)).fetchall()
            db.execute("DELETE FROM outbox WHERE state IN ('delivered', 'refused', 'expired') AND finished < ?", (cutoff,))
        for message_id, kind, recipient, device, state, attempts, outcome, finished in undelivered:
            log.warning("message=%s kind=%s recipient=%s device=%s: deleted from the outbox, never delivered "
                        "(%s at %s after %s attempts, last %s)", message_id, kind, recipient, device or "-", state,
                        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(finished)), attempts, outcome or "-")
        return [tuple(row) for row in gone]

    def _finish(self, message: Message, state: str, now: float, outcome: str, attempts: int | None = None) -> None:
        with self._cursor() as db:
            db.execute("UPDATE outbox SET state = ?, attempts = ?, outcome = ?, finished = ? WHERE id = ?",
                       (state, message.attempts + 1 if attempts is None else attempts, outcome, now, message.id))

    # --- looking ------------------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        with self._cursor() as db:
            found = dict(db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
        return {state: int(found.get(state, 0)) for state in STATES}

    def page(self, state: str | None, after: int, limit: int) -> dict[str, Any]:
        """Messages (in one state, or all) with an id above `after`, oldest first, and the counts."""
        where, args = ("WHERE id > ?", [after]) if state is None else ("WHERE id > ? AND state = ?", [after, state])
        with self._cursor() as db:
            rows = db.execute(
                "SELECT id, kind, recipient, device, state, attempts, outcome, queued, next_attempt, expires, finished, body"
                f" FROM outbox {where} ORDER BY id LIMIT ?", (*args, limit + 1),
            ).fetchall()
        more = len(rows) > limit
        messages = [_entry(row) for row in rows[:limit]]
        return {"counts": self.counts(), "state": state, "messages": messages,
                "next_after": messages[-1]["id"] if more else None}

    def last_id(self) -> int:
        with self._cursor() as db:
            return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM outbox").fetchone()[0])

    def since(self, after: int) -> list[tuple[int, str, bytes]]:
        """(id, kind, body) of every message queued after id `after`, oldest first."""
        with self._cursor() as db:
            return [(int(i), k, bytes(b)) for i, k, b in
                    db.execute("SELECT id, kind, body FROM outbox WHERE id > ? ORDER BY id", (after,)).fetchall()]


def _entry(row: tuple[Any, ...]) -> dict[str, Any]:
    keys = ("id", "kind", "recipient", "device", "state", "attempts", "outcome", "queued", "next_attempt",
            "expires", "finished")
    entry = dict(zip(keys, row[:-1]))
    entry["xml"] = bytes(row[-1]).decode("utf-8", "replace")
    return entry
