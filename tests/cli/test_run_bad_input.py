"""`sm-harness run` given what a careless or hostile user gives it: one line saying what and where, exit
code 2, no traceback, no staging folder left, before any work that could not finish."""
from __future__ import annotations

import json
import time

import pytest

from harness.cli import main
from harness.study import capacity, scenario
from harness.study.runner import plan
from tests.cli.conftest import one_line_error
from tests.sim.helpers import write_scenario


def _run(tmp_path, *extra: str) -> list[str]:
    return ["run", str(tmp_path / "t.toml"), "--out", str(tmp_path / "out"), "--quiet", "--workers", "1", *extra]


def _nothing_left(tmp_path) -> None:
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob("out.*")), list(tmp_path.glob("out.*"))


def test_a_bare_number_latency_is_a_fixed_latency_as_documented(tmp_path):
    """`[latency] response = 30` crashed the run with KeyError: 'low' and left a .partial folder."""
    path = write_scenario(tmp_path, count=5, replications=1)
    path.write_text(path.read_text() + '\n[latency]\nresponse = 30\n"11.3.alert" = 4.5\n')
    loaded = scenario.load(path)
    assert loaded["latency"]["response"] == {"distribution": "fixed", "mean": 30.0, "low": 0.0, "high": 0.0}
    assert main(_run(tmp_path)) == 0
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["replications"] == 1
    assert not list(tmp_path.glob("out.*"))


def test_a_uniform_latency_whose_low_is_above_its_high_is_refused(tmp_path, capsys):
    path = write_scenario(tmp_path, count=5, replications=1)
    path.write_text(path.read_text() + '\n[latency]\nresponse = { distribution = "uniform", low = 9, high = 1 }\n')
    assert "latency.response: low (9) must be at most high (1)" in one_line_error(capsys, _run(tmp_path))
    _nothing_left(tmp_path)


def test_a_hundred_billion_replications_are_refused_before_the_plan_is_built(tmp_path, capsys):
    """`replications = 100000000000` grew to 11 GB in a minute building its task list."""
    write_scenario(tmp_path, count=5, replications=100_000_000_000)
    started = time.monotonic()
    error = one_line_error(capsys, _run(tmp_path))
    assert time.monotonic() - started < 5
    assert "100,000,000,000 tasks" in error and "over the limit of 1,000,000" in error and "--max-tasks N" in error
    _nothing_left(tmp_path)


def test_the_task_limit_counts_sweep_points_and_shards_and_can_be_raised(tmp_path, capsys):
    write_scenario(tmp_path, count=10, replications=300)
    sweep = ["--sweep", "loss.11.3.response=0.1,0.2,0.3,0.4", "--set", "shards=2"]
    error = one_line_error(capsys, _run(tmp_path, *sweep, "--max-tasks", "2000"))
    assert "2,400 tasks (1,200 replications x 4 sweep points x 2 shards), over the limit of 2,000" in error
    loaded = scenario.load(tmp_path / "t.toml", {"shards": 2}, {"loss.11.3.response": [0.1, 0.2, 0.3, 0.4]})
    capacity.check_tasks(loaded, None, 2400)  # at the limit: accepted


def test_a_fleet_that_cannot_fit_in_memory_is_refused_before_it_is_built(tmp_path, capsys):
    """60 M devices (the validation allows 67 M) died with a MemoryError traceback after building for minutes."""
    write_scenario(tmp_path, count=60_000_000, replications=1)
    started = time.monotonic()
    error = one_line_error(capsys, _run(tmp_path, "--max-memory", "16"))
    assert time.monotonic() - started < 5
    assert "needs about 22.5 GB of memory (a world of 60,000,000 devices" in error
    assert "more than the limit of 16.0 GB (--max-memory)" in error
    assert "shards = 2 or more" in error and "raise the limit with --max-memory GB" in error
    _nothing_left(tmp_path)


def test_the_memory_estimate_counts_the_worlds_run_at_once(tmp_path, capsys):
    write_scenario(tmp_path, count=2_000_000, replications=4)
    path = ["run", str(tmp_path / "t.toml"), "--out", str(tmp_path / "out"), "--quiet", "--set", "shards=2"]
    error = one_line_error(capsys, [*path, "--workers", "4", "--max-memory", "1.5"])
    assert "(4 worlds of 1,000,000 devices at once" in error and "fewer --workers" in error
    study = plan(scenario.load(tmp_path / "t.toml", {"shards": 2}))
    assert capacity.check_memory(study, 1, int(1.5 * capacity.GB)).worlds == 1  # one worker: one world at a time


@pytest.mark.slow
def test_the_memory_estimate_stays_above_a_real_world(tmp_path):
    """The estimate is only worth having if it is an upper bound: a 200,000-device world (a GSME and its
    GPF each, a tenth offline, lost responses retried), measured in a process of its own."""
    import subprocess
    import sys

    from tests.cli.conftest import ROOT

    path = write_scenario(tmp_path, type="GSME", count=100_000, replications=1, retries=2)
    path.write_text(path.read_text() + "\n[offline]\nfraction = 0.1\nduration_hours = 24\n")
    code = (  # the child's own peak: VmHWM (exec resets it), not ru_maxrss (Linux carries it across exec)
        "from harness.study import scenario; from harness.study.replication import run_shard\n"
        f"data = scenario.load({str(path)!r}).data\n"
        "run_shard(data, 0)\n"
        "print(next(int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith('VmHWM:')))"
    )
    peak = int(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    assert peak < capacity.world_bytes(200_000), f"{peak / 2**20:.0f} MB, estimated {capacity.world_bytes(200_000) / 2**20:.0f} MB"


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["--workers", "0"], "--workers 0: must be >= 1"),
        (["--workers", "-3"], "--workers -3: must be >= 1"),
        (["--replications", "0"], "--replications 0: must be >= 1"),
        (["--max-tasks", "0"], "--max-tasks 0: must be >= 1"),
        (["--max-memory", "-1"], "--max-memory -1: must be a number of GB > 0"),
        (["--max-memory", "inf"], "--max-memory inf: must be a number of GB > 0"),
        (["--sweep", "ruleset=legacy,mp105", "--sweep", "ruleset=mp105-option1"], "--sweep ruleset: given twice"),
        (["--set", "seed=1", "--set", "seed=2"], "--set seed: given twice"),
        (["--sweep", "ruleset=legacy,legacy"], "sweep.ruleset: 'legacy' is listed twice"),
        (["--sweep", "loss.11.3.response=0.1,0.10"], "sweep.loss.11.3.response: 0.1 is listed twice"),
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler tcp://127.0.0.1:8786: needs --executor dask"),
        (["--executor", "dask", "--scheduler", "tcp://127.0.0.1:abc"], "--scheduler tcp://127.0.0.1:abc: cannot connect"),
        (["--executor", "dask", "--scheduler", "http://127.0.0.1:8786"], "unknown address scheme 'http'"),
        (["--executor", "dask", "--scheduler", " "], "--scheduler: empty address"),
    ],
)
def test_bad_numbers_and_addresses_on_the_command_line_are_one_line(tmp_path, capsys, extra, expected):
    """`--workers 0` used to run silently; a malformed scheduler address gave a traceback."""
    write_scenario(tmp_path, count=5, replications=1)
    assert expected in one_line_error(capsys, _run(tmp_path, *extra))
    _nothing_left(tmp_path)


@pytest.mark.slow
def test_a_scheduler_that_does_not_answer_is_one_line_within_a_few_seconds(tmp_path, capsys):
    """`--executor dask --scheduler tcp://127.0.0.1:1` gave a traceback after 30 s and left a .partial folder."""
    pytest.importorskip("distributed")
    write_scenario(tmp_path, count=5, replications=1)
    started = time.monotonic()
    error = one_line_error(capsys, _run(tmp_path, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"))
    assert time.monotonic() - started < 10
    assert error.startswith("sm-harness: error: --scheduler tcp://127.0.0.1:1: cannot connect to a Dask scheduler")
    _nothing_left(tmp_path)


def test_a_scenario_that_is_not_utf8_is_one_line_naming_the_line(tmp_path, capsys):
    """It used to run with the bad bytes replaced: its name came out as U+FFFD in summary.json."""
    path = write_scenario(tmp_path, count=5, replications=1)
    text = path.read_bytes()
    path.write_bytes(text.replace(b'name = "t"', b'name = "\xff\xfe"', 1))
    assert b"\xff" in path.read_bytes()
    line = text[:text.index(b'name = "t"')].count(b"\n") + 1
    assert one_line_error(capsys, _run(tmp_path)) == f"sm-harness: error: {path}:{line}: not UTF-8 (byte 0xff); TOML is UTF-8"
    _nothing_left(tmp_path)
