"""`sm-harness serve` refuses a setting it cannot honour at start, in one line with exit code 2, rather
than accepting it and losing every message later."""
from __future__ import annotations

import pytest

from harness.serve.state import ServeState, identity_of
from tests.cli.conftest import one_line_error


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
