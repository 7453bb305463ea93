"""`sm-harness serve`'s signing options as bad input: one line saying what and where, exit code 2,
before anything listens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serve.test_serve_process import REPO, free_port


def serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", "serve", "--port", str(free_port()), *args],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--trust", "/no/such/folder"], "sm-harness: error: --trust '/no/such/folder': not a folder"),
        (["--signing-key", "key.pem"], "sm-harness: error: --signing-key and --signing-cert go together"),
        (["--signing-key", "/no/key.pem", "--signing-cert", "/no/cert.pem"],
         "sm-harness: error: --signing-key '/no/key.pem': cannot read: No such file or directory"),
        (["--response-code", "signature"], "sm-harness: error: --response-code 'signature': expected CASE=CODE, CASE one of"),
        (["--response-code", "signature=E99"], "sm-harness: error: --response-code 'signature=E99': 'E99' is not one of"),
        (["--response-code", "signature=I0"], "sm-harness: error: signature_refused: a refusal needs an E-code, not I0"),
    ],
    ids=["trust-missing", "key-without-cert", "key-missing", "code-without-value", "code-unknown", "code-not-an-error"],
)
def test_bad_signing_options_are_refused_in_one_line(args: list[str], line: str) -> None:
    result = serve(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") - result.stderr.count("warning:") == 1, result.stderr
    assert line in result.stderr


def test_a_trust_folder_with_a_file_that_is_no_certificate_is_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / "bad.pem").write_text("hello")
    result = serve("--trust", str(tmp_path))
    assert result.returncode == 2 and f"{tmp_path / 'bad.pem'}: not an X.509 certificate" in result.stderr
