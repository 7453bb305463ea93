"""A study: a scenario's sweep points times its replications, run on an executor, summarised.

Output goes to a staging folder `DIR.partial` first; every finished replication is appended there at
once, so an interrupted study keeps its work and the same command resumes it (a staging folder that holds
no finished work is removed when the study fails or is interrupted). Only a complete study, listed in its
manifest, is swapped in for DIR at once (harness/study/publish.py): there is never a half-written output
folder, and a write that fails (a full disk, a read-only folder) is one line naming where.

A sharded scenario (`shards` > 1, harness/study/shards.py) runs each replication as `shards` tasks. A finished
shard is kept at once too: its counts as a line of results.jsonl, its sorted times to restore as raw
doubles in `shards/P-R-S.f64`; when a replication's last shard is in, its shards are merged into one
replication line and their files go. So a resumed study reruns only the shards it has not got.
"""
from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.study.executors import run_tasks
from dsp.errors import DomainError
from harness.study.output import check_replaceable, output_folder, read_times, resume, times_file
from harness.study.publish import publish, write_manifest
from harness.study.shards import merge
from harness.study.study_plan import Study, plan
from harness.study.summary import assemble, dumps, replication_rows, write_csv

__all__ = ["Study", "plan", "run_study"]


def run_study(
    study: Study,
    out_dir: str | Path,
    *,
    executor: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    on_result: Callable[[int, int, dict], None] | None = None,
    on_task: Callable[[int, int, int], None] | None = None,
    on_cluster: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run what is not done yet, then write summary.json, replications.csv and the report to `out_dir`.
    `on_result(point, replication, result)` is called per replication, `on_task(point, replication, shard)`
    per shard task (the same when there is one shard), each also for the work a resumed study kept;
    `on_cluster(line)` once a Dask cluster is connected (harness/study/executors.py)."""
    out = output_folder(out_dir)
    staging = out.with_name(out.name + ".partial")
    started = time.time()
    with _writing(staging):
        results, parts = resume(staging, study)
    try:
        _run(study, staging, results, parts, executor, workers, scheduler, on_result, on_task, on_cluster)
    except BaseException:
        _drop_if_empty(staging)
        raise
    summary = assemble(study, results, elapsed=time.time() - started, started=started)
    rows = replication_rows(study, results)
    final = staging.with_name(out.name + ".writing")
    with _writing(staging, final):
        if final.exists():
            shutil.rmtree(final)  # a write cut short earlier
        final.mkdir()
        from reports.whatif import write_report

        with _naming(final / "summary.json"):
            (final / "summary.json").write_text(dumps(summary), encoding="utf-8")
        with _naming(final / "replications.csv"):
            write_csv(final / "replications.csv", rows)
        with _naming(final / "report.html"):
            write_report(final, summary, rows)
        with _naming(final):
            write_manifest(final)
        check_replaceable(out, out_dir)  # again: the user may have put something there during the run
        publish(final, out)
        shutil.rmtree(staging)
    return summary


def _run(study: Study, staging: Path, results: dict, parts: dict, executor: str, workers: int,
         scheduler: str | None, on_result: Callable | None, on_task: Callable | None,
         on_cluster: Callable[[str], None] | None = None) -> None:
    """Run the tasks not yet done, keeping each result in the staging folder as it comes."""
    todo = [(p, r, s, d) for p, r, s, d in study.tasks() if (p, r) not in results and s not in parts.get((p, r), {})]
    with open(staging / "results.jsonl", "a", encoding="utf-8") as log:

        def write(entry: dict) -> None:
            with _writing(staging), _naming(staging / "results.jsonl"):
                log.write(json.dumps(entry) + "\n")
                log.flush()

        def finished(point: int, replication: int, result: dict) -> None:
            results[(point, replication)] = result
            write({"point": point, "replication": replication, "result": result})
            if on_result is not None:
                on_result(point, replication, result)

        def done(point: int, replication: int, shard: int, result: dict) -> None:
            times = result.pop("restore_times")
            if study.datas[point]["shards"] == 1:
                finished(point, replication, merge(replication, [result], [times]))
            else:
                with _writing(staging):
                    times_file(staging, point, replication, shard).write_bytes(times.tobytes())  # before its line
                write({"point": point, "replication": replication, "shard": shard, "result": result})
                parts.setdefault((point, replication), {})[shard] = result
                merge_if_complete(point, replication)
            if on_task is not None:
                on_task(point, replication, shard)

        def merge_if_complete(point: int, replication: int) -> None:
            got = parts.get((point, replication), {})
            if len(got) < study.datas[point]["shards"]:
                return
            files = [times_file(staging, point, replication, s) for s in sorted(got)]
            times = [read_times(f) for f in files]
            finished(point, replication, merge(replication, [got[s] for s in sorted(got)], times))
            del parts[(point, replication)]
            for f in files:
                f.unlink()

        for (p, r), result in sorted(results.items()):  # the work a resumed study kept
            if on_result is not None:
                on_result(p, r, result)
            if on_task is not None:
                for s in range(study.datas[p]["shards"]):
                    on_task(p, r, s)
        if on_task is not None:
            for (p, r), got in sorted(parts.items()):
                for s in sorted(got):
                    on_task(p, r, s)
        for p, r in sorted(parts):  # every shard was in, the merge was not (interrupted in between)
            merge_if_complete(p, r)
        run_tasks(todo, done, executor=executor, workers=workers, scheduler=scheduler, on_cluster=on_cluster)


class OutputError(DomainError):
    """The output (or its staging folder) cannot be written: a full disk, a read-only folder."""


@contextmanager
def _writing(staging: Path, final: Path | None = None) -> Iterator[None]:
    """A failed write (or a final check) as one line naming where: the half-written output folder `final`
    is removed, the staging folder kept when it holds finished work (and the line says how to resume)."""
    try:
        yield
    except BaseException as error:
        if final is not None:
            shutil.rmtree(final, ignore_errors=True)
        if not isinstance(error, (OSError, DomainError)):
            raise
        kept = _drop_if_empty(staging)
        if isinstance(error, OSError):
            message = f"cannot write {error.filename or staging}: {error.strerror or error}"
        else:
            message = str(error)
        advice = f"; the finished work is kept in {staging}: run the same command again to resume" if kept else ""
        raise OutputError(message + advice) from None


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """A write error that names no file (a write on an open file) names `path`."""
    try:
        yield
    except OSError as error:
        if error.filename is None:
            error.filename = str(path)
        raise


def _drop_if_empty(staging: Path) -> bool:
    """Remove a staging folder of ours that holds no finished work; True if it holds some (and stays)."""
    try:
        if (staging / "results.jsonl").stat().st_size > 0:
            return True
    except OSError:
        pass
    if (staging / "study.json").is_file():
        shutil.rmtree(staging, ignore_errors=True)
    return False
