"""Where replications run: in this process, on a local process pool, or on a Dask cluster.

Every executor runs the same pure task, `run_shard(data, replication, shard)` (one slice of one
replication's fleet; the whole fleet when the scenario has one shard), and hands each result back as it
finishes; the caller orders and merges them, so results do not depend on the executor or the worker count.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from dsp.errors import DomainError
from harness.study.replication import run_shard

Task = tuple[int, int, int, dict[str, Any]]  # (point, replication, shard, scenario data)
Done = Callable[[int, int, int, dict[str, Any]], None]  # called with (point, replication, shard, result)
EXECUTORS = ("local", "dask")


def run_tasks(tasks: Iterable[Task], done: Done, *, executor: str = "local", workers: int = 1, scheduler: str | None = None) -> None:
    """Run every task, calling `done` as each finishes (in whatever order they finish)."""
    tasks = list(tasks)
    if executor == "dask":
        _dask(tasks, done, workers, scheduler)
    elif executor != "local":
        raise DomainError(f"unknown executor {executor!r}: expected one of {', '.join(EXECUTORS)}")
    elif workers <= 1 or len(tasks) <= 1:
        for point, replication, shard, data in tasks:
            done(point, replication, shard, run_shard(data, replication, shard))
    else:
        _pool(tasks, done, workers)


def _pool(tasks: list[Task], done: Done, workers: int) -> None:
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        pending = {pool.submit(run_shard, data, r, s): (p, r, s) for p, r, s, data in tasks}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    done(*pending.pop(future), future.result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _dask(tasks: list[Task], done: Done, workers: int, scheduler: str | None) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - the optional extra is missing
        raise DomainError("--executor dask needs the optional extra: pip install 'sm-harness[dask]'") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=max(workers, 2), threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
        client = Client(cluster)
    try:
        futures = {}
        for point, replication, shard, data in tasks:
            key = f"sm-harness-{point}-{replication}-{shard}-{id(data)}"
            futures[client.submit(run_shard, data, replication, shard, key=key, pure=False)] = (point, replication, shard)
        for future in as_completed(futures):
            done(*futures.pop(future), future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
