"""Where replications run: in this process, on a local process pool, or on a Dask cluster.

Every executor runs the same pure task, `run_shard(data, replication, shard)` (one slice of one
replication's fleet; the whole fleet when the scenario has one shard), and hands each result back as it
finishes; the caller orders and merges them, so results do not depend on the executor or the worker count.
"""
from __future__ import annotations

import gc
import itertools
import multiprocessing
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from typing import Any

from dsp.errors import DomainError
from harness.study.replication import run_shard

Task = tuple[int, int, int, dict[str, Any]]  # (point, replication, shard, scenario data)
Done = Callable[[int, int, int, dict[str, Any]], None]  # called with (point, replication, shard, result)
EXECUTORS = ("local", "dask")


def run_tasks(
    tasks: Iterable[Task],
    done: Done,
    *,
    executor: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    on_cluster: Callable[[str], None] | None = None,
) -> None:
    """Run every task, calling `done` as each finishes (in whatever order they finish); `on_cluster` hears
    one line about the Dask cluster once connected (its address, workers and dashboard, if any)."""
    tasks = list(tasks)
    if executor == "dask":
        _dask(tasks, done, workers, scheduler, on_cluster)
    elif executor != "local":
        raise DomainError(f"unknown executor {executor!r}: expected one of {', '.join(EXECUTORS)}")
    elif workers <= 1 or len(tasks) <= 1:
        for point, replication, shard, data in tasks:
            done(point, replication, shard, run_shard(data, replication, shard))
    else:
        _pool(tasks, done, workers)


def _pool(tasks: list[Task], done: Done, workers: int) -> None:
    """At most two tasks per worker in flight (a 200,000-task sweep is not submitted at once). The workers
    ignore Ctrl-C; the caller hears it, and the workers are stopped, so an interrupt prints one line."""
    context = multiprocessing.get_context("forkserver")
    queue = iter(tasks)
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context, initializer=_ignore_interrupts) as pool:
        pending: dict[Future, tuple[int, int, int]] = {}
        try:
            for point, replication, shard, data in itertools.islice(queue, 2 * workers):
                pending[pool.submit(run_shard, data, replication, shard)] = (point, replication, shard)
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    done(*pending.pop(future), future.result())
                    for point, replication, shard, data in itertools.islice(queue, 1):
                        pending[pool.submit(run_shard, data, replication, shard)] = (point, replication, shard)
        except BaseException:
            _stop_workers(pool)
            raise


def _ignore_interrupts() -> None:
    """A worker's initializer: Ctrl-C reaches the whole process group; only the parent acts on it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now rather than after their running tasks (a large world runs for minutes; its
    work is redone on resume). Python 3.14 has terminate_workers(); before it, the pool's own list of
    processes is the only handle on them."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:  # pragma: no cover - Python >= 3.14
        terminate()
        return
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()


def _dask(tasks: list[Task], done: Done, workers: int, scheduler: str | None, on_cluster: Callable[[str], None] | None) -> None:
    """The tasks on a Dask cluster. A task is pure and keyed by (point, replication, shard): a worker lost
    in the middle of one (killed, out of memory) costs only its rerun on another worker, with the same
    result. The scheduler lost: the study stops with one line (what finished is kept: the same command
    resumes)."""
    try:
        from distributed import Client, LocalCluster
        from distributed import wait as wait_for
    except ImportError:  # pragma: no cover - the optional extra is missing
        raise DomainError("--executor dask needs the optional extra: pip install 'sm-harness[dask]'") from None
    cluster = None
    if scheduler:
        client = _connect(Client, scheduler)
        try:
            check_workers(client, scheduler)
        except BaseException:
            client.close()
            raise
    else:
        cluster = LocalCluster(
            n_workers=max(workers, 2), threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
        client = Client(cluster)
    try:
        if on_cluster is not None:
            on_cluster(_describe(client, scheduler))
        futures = {}
        for point, replication, shard, data in tasks:
            key = f"sm-harness-{point}-{replication}-{shard}-{id(data)}"
            futures[client.submit(run_shard, data, replication, shard, key=key, pure=False)] = (point, replication, shard)
        pending = set(futures)
        try:
            while pending:
                try:
                    finished, pending = wait_for(pending, timeout=WATCH_S, return_when="FIRST_COMPLETED")
                except TimeoutError:  # nothing finished for a while: is the scheduler still there?
                    if client.status not in ("running", "connecting"):  # the client gave up reconnecting
                        raise ClusterLost(f"the Dask scheduler {scheduler or 'of the local cluster'} was lost") from None
                    continue
                for future in finished:
                    done(*futures.pop(future), future.result())
        except (OSError, CancelledError) as error:  # the scheduler went away (CommClosedError is an OSError)
            raise ClusterLost(f"the Dask scheduler {scheduler or 'of the local cluster'} was lost ({type(error).__name__})") from None
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


SCHEDULER_TIMEOUT_S = 5
WATCH_S = 5  # how often a study waiting on a cluster checks that its scheduler is still there


def _connect(client: Any, scheduler: str) -> Any:
    """A client of the Dask scheduler at `scheduler`, or one line saying why not within a few seconds.

    A client whose connection failed is finalised here, at once (gc.collect, outside the except block that
    held it): left to a later collection, its __del__ could run inside the next client's start, and
    distributed's loop runner then waits on itself for ever (seen in CI: a test hung in LoopRunner.stop
    called from Client.__del__ inside LoopRunner._start_unlocked)."""
    gc.collect()  # the same for any client an earlier failure left behind
    try:
        return client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
    except (OSError, ValueError, TypeError) as error:  # unreachable or refused (OSError), malformed (ValueError)
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    gc.collect()
    raise DomainError(f"--scheduler {scheduler}: cannot connect to a Dask scheduler: {reason}")


def check_workers(client: Any, scheduler: str) -> None:
    """Every worker of a cluster runs this sm-harness (a task is its code: a worker that cannot import it
    would leave the study waiting on tasks that never start): one line naming the first that does not."""
    from importlib.metadata import version

    ours = version("sm-harness")
    for worker, found in sorted(client.run(version, "sm-harness", on_error="return").items()):
        if isinstance(found, BaseException):
            raise DomainError(f"--scheduler {scheduler}: worker {worker} cannot run sm-harness ({type(found).__name__}: "
                              f"{found}): install this sm-harness in the Python each `dask worker` runs")
        if found != ours:
            raise DomainError(f"--scheduler {scheduler}: worker {worker} runs sm-harness {found}, this is {ours}: "
                              "install the same one on every worker")


class ClusterLost(RuntimeError):
    """The Dask scheduler went away in the middle of a study."""


def _describe(client: Any, scheduler: str | None) -> str:
    """One line about the cluster: its scheduler, its workers, and its dashboard when it has one."""
    info = client.scheduler_info()
    workers = info.get("workers", {})
    threads = sum(w.get("nthreads", 0) for w in workers.values())
    line = f"Dask: {scheduler or 'a local cluster'}, {len(workers)} workers ({threads} threads)"
    if "dashboard" in info.get("services", {}):
        line += f", dashboard {client.dashboard_link}"
    return line
