"""A study: a scenario's sweep points times its replications, run on an executor, summarised.

Output goes to a staging folder `DIR.partial` first; every finished replication is appended there at
once, so an interrupted study keeps its work and the same command resumes it. Only a complete study is
renamed to DIR: there is never a half-written output folder.

A sharded scenario (`shards` > 1, harness/study/shards.py) runs each replication as `shards` tasks. A finished
shard is kept at once too: its counts as a line of results.jsonl, its sorted times to restore as raw
doubles in `shards/P-R-S.f64`; when a replication's last shard is in, its shards are merged into one
replication line and their files go. So a resumed study reruns only the shards it has not got.
"""
from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.study.executors import run_tasks
from harness.study.output import output_folder, read_times, resume, times_file
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
) -> dict[str, Any]:
    """Run what is not done yet, then write summary.json, replications.csv and the report to `out_dir`.
    `on_result(point, replication, result)` is called per replication, `on_task(point, replication, shard)`
    per shard task (the same when there is one shard), each also for the work a resumed study kept."""
    out = output_folder(out_dir)
    staging = out.with_name(out.name + ".partial")
    started = time.time()
    results, parts = resume(staging, study)
    todo = [(p, r, s, d) for p, r, s, d in study.tasks() if (p, r) not in results and s not in parts.get((p, r), {})]
    with open(staging / "results.jsonl", "a", encoding="utf-8") as log:

        def write(entry: dict) -> None:
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
        run_tasks(todo, done, executor=executor, workers=workers, scheduler=scheduler)
    summary = assemble(study, results, elapsed=time.time() - started, started=started)
    rows = replication_rows(study, results)
    final = staging.with_name(out.name + ".writing")
    if final.exists():
        shutil.rmtree(final)
    final.mkdir()
    (final / "summary.json").write_text(dumps(summary), encoding="utf-8")
    write_csv(final / "replications.csv", rows)
    from reports.whatif import write_report

    write_report(final, summary, rows)
    if out.exists():
        shutil.rmtree(out)
    final.rename(out)
    shutil.rmtree(staging)
    return summary
