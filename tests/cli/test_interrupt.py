"""Ctrl-C in a big sweep: one line saying what was kept, exit code 130, no worker's traceback, no worker
left running; the same command resumes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.cli.conftest import ROOT
from tests.sim.helpers import write_scenario


def _interrupt(command: list[str], ready, timeout: float = 60) -> subprocess.CompletedProcess:
    """Start `command` in a process group of its own, press Ctrl-C (SIGINT to the whole group, as a
    terminal does) once `ready()` holds, and wait for it to finish."""
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # even when the tests run in the background
    )
    deadline = time.monotonic() + timeout
    while not ready() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=timeout)
    for _ in range(100):  # the forkserver and resource tracker follow their parent out within moments
        leftover = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True, text=True).stdout.split()
        if not leftover:
            break
        time.sleep(0.05)
    assert not leftover, f"processes of the run still alive 5 s after it ended: {leftover}"
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def test_ctrl_c_in_a_200000_task_sweep_is_one_line_and_the_work_is_kept(tmp_path):
    """Ctrl-C in a 200,000-task sweep printed a traceback from every worker."""
    path = write_scenario(tmp_path, count=1, replications=2000)
    out = tmp_path / "out"
    values = ",".join(f"{i / 100:.2f}" for i in range(100))
    command = [sys.executable, "-m", "harness.cli", "run", str(path), "--out", str(out), "--quiet", "--workers", "2",
               "--sweep", f"loss.11.3.response={values}"]
    log = tmp_path / "out.partial" / "results.jsonl"
    done = _interrupt(command, lambda: log.exists() and log.stat().st_size > 20_000)
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("sm-harness: interrupted: ") and " of 200000 replications kept in " in done.stderr
    kept = int(done.stderr.split("interrupted: ")[1].split(" of ")[0])
    assert 0 < kept == len(log.read_text().splitlines()) and not out.exists()


@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="no SIGINT")
def test_ctrl_c_before_anything_finished_keeps_nothing(tmp_path):
    path = write_scenario(tmp_path, count=300_000, replications=1)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "harness.cli", "run", str(path), "--out", str(out), "--quiet", "--workers", "1"]
    started = tmp_path / "out.partial" / "study.json"
    done = _interrupt(command, started.exists)
    assert done.returncode == 130 and done.stderr == "sm-harness: interrupted: no replications had finished; nothing kept\n"
    assert not list(tmp_path.glob("out*"))
