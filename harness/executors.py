"""Where replications run: in this process, on a local process pool, or on a Dask cluster.

Every executor runs the same pure task, `run_replication(data, replication)`, and hands each result back
as it finishes; the caller orders them, so results do not depend on the executor or the worker count.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from dsp.errors import DomainError
from harness.simulation import run_replication

Task = tuple[int, int, dict[str, Any]]  # (point, replication, scenario data)
Done = Callable[[int, int, dict[str, Any]], None]  # called with (point, replication, result)
EXECUTORS = ("local", "dask")


def run_tasks(tasks: Iterable[Task], done: Done, *, executor: str = "local", workers: int = 1, scheduler: str | None = None) -> None:
    """Run every task, calling `done` as each finishes (in whatever order they finish)."""
    tasks = list(tasks)
    if executor == "dask":
        _dask(tasks, done, workers, scheduler)
    elif executor != "local":
        raise DomainError(f"unknown executor {executor!r}: expected one of {', '.join(EXECUTORS)}")
    elif workers <= 1 or len(tasks) <= 1:
        for point, replication, data in tasks:
            done(point, replication, run_replication(data, replication))
    else:
        _pool(tasks, done, workers)


def _pool(tasks: list[Task], done: Done, workers: int) -> None:
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        pending = {pool.submit(run_replication, data, r): (p, r) for p, r, data in tasks}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    point, replication = pending.pop(future)
                    done(point, replication, future.result())
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
        for point, replication, data in tasks:
            future = client.submit(run_replication, data, replication, key=f"sm-harness-{point}-{replication}-{id(data)}", pure=False)
            futures[future] = (point, replication)
        for future in as_completed(futures):
            point, replication = futures[future]
            done(point, replication, future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
