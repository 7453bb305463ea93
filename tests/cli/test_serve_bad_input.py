"""`sm-harness serve` refuses a setting it cannot honour at start, in one line with exit code 2, rather
than accepting it and losing every message later."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from harness.serve.state import ServeState, identity_of
from tests.cli.conftest import ROOT, one_line_error


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["--deliver-to", "http://127.0.0.1:abc/in"], "--deliver-to 'http://127.0.0.1:abc/in': Port could not be cast"),
        (["--deliver-to", "http://127.0.0.1:99999/in"], "--deliver-to 'http://127.0.0.1:99999/in': Port out of range"),
        (["--deliver-to", "ftp://127.0.0.1/in"], "not an http(s) URL"),
        (["--deliver-to", "http:///in"], "no host"),
        (["--hold-hours", "0"], "--hold-hours must be in (0, 8760]"),
        (["--delivery-timeout", "-1"], "--delivery-timeout in (0, 3600]"),
    ],
)
def test_a_delivery_setting_that_cannot_work_is_refused_at_start(capsys, extra, expected):
    """A malformed --deliver-to was accepted, and every message lost silently."""
    assert expected in one_line_error(capsys, ["serve", "--port", "1", *extra])


def test_a_state_file_that_cannot_be_used_is_refused_at_start(tmp_path, capsys):
    (tmp_path / "junk.db").write_text("a tester's notes")
    cases = {
        str(tmp_path): "is a folder",
        str(tmp_path / "missing" / "state.db"): "does not exist",
        str(tmp_path / "junk.db"): "not an sm-harness state database",
    }
    for path, expected in cases.items():
        assert expected in one_line_error(capsys, ["serve", "--state", path])
    assert (tmp_path / "junk.db").read_text() == "a tester's notes"
    legacy = ServeState.open(tmp_path / "legacy.db", identity_of("legacy", None))
    assert "in use by another sm-harness serve" in one_line_error(capsys, ["serve", "--rules", "legacy", "--state", str(tmp_path / "legacy.db")])
    legacy.close()
    assert "made for --rules legacy (no scenario), not --rules mp105" in one_line_error(
        capsys, ["serve", "--rules", "mp105", "--state", str(tmp_path / "legacy.db")])


def _serve_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", "serve", *args], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60)


def test_a_port_already_in_use_is_one_line_naming_it_and_no_claim_to_serve(tmp_path):
    """serve said it was serving, then uvicorn printed its own error and exited 3."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _serve_process("--port", str(port), "--state", str(tmp_path / "state.db"))
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"sm-harness: error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    assert not (tmp_path / "state.db").exists()  # the state it would have made is not left behind


def test_a_host_that_is_no_address_is_one_line_naming_it():
    result = _serve_process("--host", "256.1.1.1", "--port", "8079")
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "serving" not in result.stderr
    assert result.stderr.startswith("sm-harness: error: cannot listen on 256.1.1.1:8079: "), result.stderr


def _refused(*args: str) -> str:
    """serve as a process (a regression that serves instead is cut off by the timeout): its one line."""
    result = _serve_process("--port", str(_free_port()), *args)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "serving" not in result.stderr
    return result.stderr.strip()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("value", ["0", "-1"])
def test_a_body_limit_that_is_not_positive_is_refused_not_taken_as_the_default(value):
    """--max-bytes 0 quietly became 16 MiB."""
    assert _refused("--max-bytes", value) == "sm-harness: error: --max-bytes must be > 0"


@pytest.mark.parametrize("option", ["--scenario", "--state", "--schema", "--trust", "--deliver-to"])
def test_an_empty_option_value_is_refused_not_taken_as_leaving_it_out(option):
    """--trust '' served with signatures unchecked, --schema '' without validation."""
    assert _refused(f"{option}=") == f"sm-harness: error: {option} is empty: give a value or leave the option out"


def test_an_empty_signing_key_is_refused_not_taken_as_signing_nothing():
    assert "--signing-key is empty" in _refused("--signing-key=", "--signing-cert=")


def _database(path, *statements: str):
    import sqlite3

    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return path


@pytest.mark.parametrize(
    ("statements", "tables"),
    [
        (["CREATE TABLE users (id INTEGER, name TEXT)", "INSERT INTO users VALUES (1, 'ann')"], "users"),
        (["CREATE TABLE outbox (id INTEGER, note TEXT)", "CREATE TABLE meta (key TEXT, value TEXT)"], "meta, outbox"),
        (["CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", "INSERT INTO meta VALUES ('owner', 'crm')"], "meta"),
        (["CREATE TABLE smi (device_id TEXT PRIMARY KEY, record TEXT NOT NULL)", "CREATE TABLE notes (n TEXT)"], "notes, smi"),
    ],
    ids=["other-tables", "same-names-other-columns", "meta-of-another-app", "ours-and-another"],
)
def test_another_applications_database_is_refused_before_anything_is_written_to_it(capsys, tmp_path, statements, tables):
    """It was taken as a new state (tables added, WAL on), or refused after it had been changed."""
    import hashlib

    mine = _database(tmp_path / "mine.db", *statements)
    before = hashlib.sha256(mine.read_bytes()).hexdigest()
    with socket.socket() as taken:  # a regression that took the file would stop at the port, not serve for ever
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        refused = one_line_error(capsys, ["serve", "--port", str(taken.getsockname()[1]), "--state", str(mine)])
    assert refused == (
        f"sm-harness: error: --state {mine}: not an sm-harness state database (it holds tables {tables}); give another file")
    assert hashlib.sha256(mine.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.db"]  # no -wal or -shm beside it


def test_an_empty_file_or_an_empty_database_becomes_a_new_state(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    blank = _database(tmp_path / "blank.db")
    for path in (empty, blank, tmp_path / "new.db"):
        state = ServeState.open(path, identity_of("mp105", None))
        assert state.fresh
        state.close()
        again = ServeState.open(path, identity_of("mp105", None))  # and it is state now
        assert not again.fresh
        again.close()
