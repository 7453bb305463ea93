"""A real Dask cluster: `dask scheduler` and two `dask worker` processes started from the command line on
loopback, each bounded in time and always torn down. A sharded study run on it gives the local pool's
summary.json, also when a worker is killed in the middle of the study (its shards rerun on the other)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from harness.study import runner as replicate, scenario
from tests.sim.helpers import write_scenario

pytestmark = pytest.mark.slow
DASK = Path(sys.executable).with_name("dask")
LIFETIME = 240  # seconds: no process of the cluster outlives a test by more


def stable(out: Path) -> str:
    summary = json.loads((out / "summary.json").read_text())
    summary.pop("performance")
    return json.dumps(summary, indent=2)


class Cluster:
    """A scheduler and its workers as separate processes, each in its own session (killed as a group)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / "scheduler.json"
        self.processes: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, *args: str) -> None:
        log = open(self.folder / f"{name}.log", "wb")
        command = ["timeout", "-s", "KILL", str(LIFETIME), str(DASK), *args]
        self.processes[name] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                                cwd=self.folder)

    def start(self, workers: int = 2) -> str:
        self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", "127.0.0.1:0",
                    "--scheduler-file", str(self.file))
        deadline = time.monotonic() + 60
        while not self.file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(self.file.read_text())["address"]
        for k in range(workers):
            self._start(f"w{k}", "worker", address, "--name", f"w{k}", "--nthreads", "1", "--nworkers", "1",
                        "--no-dashboard", "--host", "127.0.0.1", "--death-timeout", "30", "--memory-limit", "1.5GB")
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=60)
        return address

    def kill(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


@pytest.fixture
def cluster(tmp_path):
    pytest.importorskip("distributed")
    if not DASK.exists() or shutil.which("timeout") is None:
        pytest.skip("the dask command line (and coreutils' timeout) are needed to start a cluster")
    folder = tmp_path / "cluster"
    folder.mkdir()
    running = Cluster(folder)
    try:
        yield running
    finally:
        running.stop()


def sharded(tmp_path, count: int, shards: int):
    return replicate.plan(scenario.load(write_scenario(tmp_path, count=count, retries=1, replications=1), {"shards": shards}))


def test_a_sharded_study_on_a_real_cluster_gives_the_local_pools_summary(tmp_path, cluster):
    address = cluster.start()
    study = sharded(tmp_path, 400, 3)
    lines: list[str] = []
    replicate.run_study(study, tmp_path / "local", workers=2)
    replicate.run_study(study, tmp_path / "dask", executor="dask", scheduler=address, on_cluster=lines.append)
    assert stable(tmp_path / "local") == stable(tmp_path / "dask")
    [line] = lines  # the cluster, as the progress display prints it: its workers and its dashboard
    assert line.startswith(f"Dask: {address}, 2 workers (2 threads), dashboard http://127.0.0.1:")


def test_a_worker_killed_in_the_middle_of_a_study_costs_only_its_shards_rerun(tmp_path, cluster):
    from distributed import Client

    address = cluster.start()
    study = sharded(tmp_path, 60_000, 4)  # seconds per shard: time to kill a worker in the middle of one
    replicate.run_study(study, tmp_path / "local", workers=2)
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["summary"] = replicate.run_study(study, tmp_path / "dask", executor="dask", scheduler=address)
        except BaseException as error:  # reported below
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    killed = None
    with Client(address, timeout="30s") as client:
        deadline = time.monotonic() + 60
        while killed is None and time.monotonic() < deadline:
            busy = [addr for addr, keys in client.processing().items() if keys]
            if busy:
                killed = client.scheduler_info()["workers"][busy[0]]["name"]
            else:
                time.sleep(0.1)
    assert killed is not None, "no worker took a shard"
    cluster.kill(killed)
    thread.join(LIFETIME - 60)
    assert not thread.is_alive() and "error" not in outcome, outcome.get("error")
    assert stable(tmp_path / "local") == stable(tmp_path / "dask")


def test_the_scheduler_lost_in_the_middle_of_a_study_stops_it_in_one_line_keeping_what_finished(tmp_path, cluster):
    from harness.study.executors import ClusterLost

    address = cluster.start(workers=1)
    study = sharded(tmp_path, 60_000, 4)
    done: list[int] = []

    def lose_the_scheduler(point: int, replication: int, shard: int) -> None:
        done.append(shard)
        if len(done) == 1:  # one shard kept: then the scheduler goes
            cluster.kill("scheduler")

    with pytest.raises(ClusterLost, match=f"the Dask scheduler {address} was lost"):
        replicate.run_study(study, tmp_path / "dask", executor="dask", scheduler=address, on_task=lose_the_scheduler)
    kept = [json.loads(line) for line in (tmp_path / "dask.partial" / "results.jsonl").read_text().splitlines()]
    assert [entry["shard"] for entry in kept] == done[:1]  # the same command resumes from it
    assert not (tmp_path / "dask").exists()
