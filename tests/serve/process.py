"""`sm-harness serve` as a real process, as a tester starts it: on a free loopback port, waited for until
`/health` answers (a bounded wait: a process that exits or does not come up fails the test with what it
printed), terminated (killed if it will not stop) at the end."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve_process(*args: str, port: int | None = None, stderr: IO[Any] | int = subprocess.PIPE
                  ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`sm-harness serve --port P ARGS...`; yields its base URL and the process. `stderr`: a file to keep
    what it prints (default: a pipe, read into the failure if it exits before it answers)."""
    port = free_port() if port is None else port
    process = subprocess.Popen([sys.executable, "-m", "harness.cli", "serve", "--port", str(port), *args],
                               cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                               stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                printed = process.stderr.read().decode() if process.stderr else "(see its log)"
                pytest.fail(f"sm-harness serve exited {process.returncode}: {printed}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"sm-harness serve did not come up within {START_SECONDS} s")
            time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr:
            process.stderr.close()
