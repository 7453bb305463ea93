"""`serve --state PATH`: what the endpoint must not lose, in SQLite (stdlib sqlite3, WAL mode).

One database holds the served world's SMI records, CPL entries and device firmware
(harness/serve/world_state.py), the pending transforms (`StoredTransforms`), every outgoing message
(harness/serve/outbox.py) and the clock (so simulated time goes on across a restart). Each request's
effects are one transaction: the endpoint's world lock (`WorldLock`) opens it when taken and, when
released, writes what changed and commits, so a kill at any moment leaves the state before or after a
request, whole. Without `--state` the same tables live in SQLite's `:memory:`, with the same semantics.

WAL with `synchronous=NORMAL`: a committed transaction survives the process being killed; a power cut
may lose the last few. The database is locked for one `serve` at a time.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from dsp.errors import DomainError
from harness.serve.outbox import TABLE as OUTBOX_TABLE, DeliveryPolicy, Outbox
from harness.serve.transforms import PendingTransform

__all__ = ["FORMAT", "ServeState", "StateError", "StoredTransforms", "WorldLock", "identity_of", "wall_clock"]

FORMAT = 1
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS smi (device_id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cpl (entry TEXT PRIMARY KEY, status TEXT NOT NULL, image_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (device_id TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS transforms (
    key TEXT PRIMARY KEY, srv TEXT NOT NULL, precommand BLOB NOT NULL, request BLOB NOT NULL,
    created REAL NOT NULL, expires REAL NOT NULL, seq INTEGER NOT NULL
);
""" + OUTBOX_TABLE


class StateError(DomainError):
    """The --state database cannot be used: one line naming it and why."""


class ServeState:
    """The state database: its connection (shared by threads, one lock), its meta values, the outbox."""

    def __init__(self, connection: sqlite3.Connection, path: str, policy: DeliveryPolicy) -> None:
        self.db = connection
        self.path = path
        self.lock = threading.RLock()
        self._depth = 0
        self.outbox = Outbox(connection, self.lock, policy)
        self.fresh = self.meta("format") is None

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None, identity: dict[str, Any],
             policy: DeliveryPolicy = DeliveryPolicy()) -> ServeState:
        """The state at `path` (created if absent; None: in memory), made for a world of `identity`
        (rule set and scenario): a state made for another world is refused, as is one another `serve` holds."""
        shown = ":memory:" if path is None else str(path)
        if path is not None:
            target = Path(path)
            if target.is_dir():
                raise StateError(f"--state {shown}: is a folder; give a file (it is created if absent)")
            if not target.parent.is_dir():
                raise StateError(f"--state {shown}: the folder {target.parent} does not exist")
        connection: sqlite3.Connection | None = None
        opened = False
        try:
            connection = sqlite3.connect(shown, isolation_level=None, check_same_thread=False, timeout=0.2)
            if path is not None:
                connection.execute("PRAGMA locking_mode = EXCLUSIVE")
                _refuse_a_foreign_database(connection, shown)  # before anything is written to it
                mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode != "wal":
                    raise StateError(f"--state {shown}: the file system does not support SQLite's WAL mode")
                connection.execute("PRAGMA synchronous = NORMAL")
            connection.executescript(_TABLES)
            connection.execute("BEGIN IMMEDIATE")  # the write lock, kept (EXCLUSIVE): a second serve is refused
            opened = True
        except sqlite3.OperationalError as error:
            if "locked" in str(error):
                raise StateError(f"--state {shown}: in use by another sm-harness serve") from None
            raise StateError(f"--state {shown}: cannot be opened: {error}") from None
        except sqlite3.DatabaseError as error:
            raise StateError(f"--state {shown}: not an sm-harness state database ({error})") from None
        finally:
            if connection is not None and not opened:
                connection.close()  # refused: let the file go
        try:
            return cls._checked(cls(connection, shown, policy), identity)
        except BaseException:
            connection.close()
            raise

    @staticmethod
    def _checked(state: ServeState, identity: dict[str, Any]) -> ServeState:
        shown, connection = state.path, state.db
        found = state.meta("format")
        if found is not None and found != FORMAT:
            raise StateError(f"--state {shown}: written by another version of sm-harness (format {found}, this one reads {FORMAT})")
        made_for = state.meta("identity")
        if (made_for is not None and made_for != identity and isinstance(made_for, dict)
                and {**made_for, "scenario_sha256": None} == {**identity, "scenario_sha256": None}):
            raise StateError(f"--state {shown}: made for --scenario {identity['scenario']} as it was "
                             f"(SHA-256 {str(made_for.get('scenario_sha256'))[:12]}...), and the file has changed since "
                             f"(SHA-256 {str(identity.get('scenario_sha256'))[:12]}...): its fleet's saved changes "
                             "would not fit the fleet it builds now; put the file back, or use another --state file")
        if made_for is not None and made_for != identity:
            raise StateError(f"--state {shown}: made for {_describe(made_for)}, not {_describe(identity)}: "
                             "use the same --rules and --scenario, or another --state file")
        state.set_meta("format", FORMAT)
        state.set_meta("identity", identity)
        connection.execute("COMMIT")
        return state

    # --- transactions ---------------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (nested ones join the outermost): committed at the end, rolled back on error."""
        with self.lock:
            outermost = self._depth == 0
            if outermost:
                self.db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    self.db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self.db.execute("COMMIT")

    def meta(self, key: str) -> Any:
        with self.lock:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def close(self) -> None:
        with self.lock:
            self.db.close()


class WorldLock:
    """The endpoint's lock on the world, which is also the state's transaction: taken, it opens one;
    released, it calls `sync` (write what the world changed) and commits. If the request failed half way,
    what it changed in memory is still written: the database mirrors the world, whatever happened."""

    def __init__(self, state: ServeState, sync: Callable[[], None]) -> None:
        self.state = state
        self.sync = sync
        self._world = threading.Lock()
        self._open: Any = None

    def __enter__(self) -> WorldLock:
        self._world.acquire()
        try:
            self._open = self.state.transaction()
            self._open.__enter__()
        except BaseException:
            self._world.release()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        try:
            self.sync()
            self._open.__exit__(None, None, None)
        except BaseException as failed:
            self._open.__exit__(type(failed), failed, failed.__traceback__)
            raise
        finally:
            self._open = None
            self._world.release()


class StoredTransforms:
    """The pending transforms in the state database (harness/serve/transforms.py's `TransformStore`):
    at most `limit` (the oldest goes first when full), each for `ttl` simulated seconds."""

    def __init__(self, state: ServeState, limit: int, ttl: float) -> None:
        if limit <= 0:
            raise DomainError(f"pending transforms: the limit must be > 0, got {limit}")
        if not ttl > 0:
            raise DomainError(f"pending transforms: the time to live must be > 0 s, got {ttl}")
        self.state, self.limit, self.ttl = state, limit, ttl
        self.dropped = 0

    def put(self, pending: PendingTransform) -> None:
        with self.state.transaction():
            db = self.state.db
            (seq,) = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM transforms").fetchone()
            db.execute("INSERT OR REPLACE INTO transforms VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (pending.key, pending.srv, pending.precommand, pending.request, pending.created, pending.expires, seq))
            (count,) = db.execute("SELECT COUNT(*) FROM transforms").fetchone()
            if count > self.limit:
                db.execute("DELETE FROM transforms WHERE key IN (SELECT key FROM transforms ORDER BY seq LIMIT ?)",
                           (count - self.limit,))
                self.dropped += count - self.limit

    def get(self, key: str, now: float) -> PendingTransform | None:
        with self.state.transaction():
            row = self.state.db.execute(
                "SELECT key, srv, precommand, request, created, expires FROM transforms WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                return None
            pending = PendingTransform(row[0], row[1], bytes(row[2]), bytes(row[3]), row[4], row[5])
            if pending.expires <= now:
                self.remove(key)
                return None
            return pending

    def remove(self, key: str) -> None:
        with self.state.transaction():
            self.state.db.execute("DELETE FROM transforms WHERE key = ?", (key,))

    def expire(self, now: float) -> int:
        with self.state.transaction():
            return int(self.state.db.execute("DELETE FROM transforms WHERE expires <= ?", (now,)).rowcount)

    def __len__(self) -> int:
        with self.state.lock:
            (count,) = self.state.db.execute("SELECT COUNT(*) FROM transforms").fetchone()
        return int(count)


def _tables(connection: sqlite3.Connection) -> dict[str, list[str]]:
    """Each table's (and view's) column names, SQLite's own tables aside."""
    names = [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")]
    return {name: [column for (_, column, *_) in connection.execute("SELECT * FROM pragma_table_info(?)", (name,))]
            for name in names}


def _state_tables() -> dict[str, list[str]]:
    scratch = sqlite3.connect(":memory:")
    try:
        scratch.executescript(_TABLES)
        return _tables(scratch)
    finally:
        scratch.close()


_STATE_TABLES = _state_tables()


def _refuse_a_foreign_database(connection: sqlite3.Connection, shown: str) -> None:
    """A database that holds anything but sm-harness state is another application's: refused, untouched.
    An empty one (or a new file) becomes state; one with only sm-harness's tables is state (its meta,
    if it holds any row, names the format; an empty meta is a state whose first start was cut short)."""
    found = _tables(connection)
    if not found:
        return
    ours = all(_STATE_TABLES.get(name) == columns for name, columns in found.items())
    if ours and "meta" in found:
        keys = {key for (key,) in connection.execute("SELECT key FROM meta")}
        ours = not keys or "format" in keys
    if not ours:
        listed = ", ".join(list(found)[:12]) + (", ..." if len(found) > 12 else "")
        raise StateError(f"--state {shown}: not an sm-harness state database (it holds tables {listed}); "
                         "give another file")


def identity_of(ruleset: str, scenario: str | None) -> dict[str, Any]:
    """What a state is made for: the rule set and the scenario file (by its absolute path and its content's
    SHA-256: a scenario's fleet is saved as its changes from the fleet the file builds)."""
    if scenario is None:
        return {"ruleset": ruleset, "scenario": None}
    try:
        digest = hashlib.sha256(Path(scenario).read_bytes()).hexdigest()
    except OSError as unreadable:
        raise StateError(f"--scenario {scenario}: cannot be read ({unreadable.strerror})") from None
    return {"ruleset": ruleset, "scenario": os.path.abspath(scenario), "scenario_sha256": digest}


def _describe(identity: Any) -> str:
    if not isinstance(identity, dict):
        return repr(identity)
    scenario, digest = identity.get("scenario"), identity.get("scenario_sha256")
    held = f" --scenario {scenario}" + (f" (SHA-256 {digest[:12]}...)" if isinstance(digest, str) else "")
    return f"--rules {identity.get('ruleset')}" + (held if scenario else " (no scenario)")


def wall_clock() -> float:
    """Wall-clock seconds (the outbox's times)."""
    return time.time()
