"""A study: a scenario's sweep points times its replications, run on an executor, summarised.

Output goes to a staging folder `DIR.partial` first; every finished replication is appended there at
once, so an interrupted study keeps its work and the same command resumes it. Only a complete study is
renamed to DIR: there is never a half-written output folder.

A sharded scenario (`shards` > 1, harness/shards.py) runs each replication as `shards` tasks. A finished
shard is kept at once too: its counts as a line of results.jsonl, its sorted times to restore as raw
doubles in `shards/P-R-S.f64`; when a replication's last shard is in, its shards are merged into one
replication line and their files go. So a resumed study reruns only the shards it has not got.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import shutil
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from dsp import DspSettings
from dsp.errors import DomainError
from harness.executors import run_tasks
from harness.metrics import ALERT_CODES, METRICS, restore_bin_edges, summarise
from harness.scenario import Scenario
from harness.shards import merge

TOOL = "sm-harness"
HARNESS_DECISIONS = {
    "R-SU-1": "one supplier (IS and GS) updates every ESME, GSME, CHF and HCALCS, a window of devices at a time",
    "R-SU-2": "an 11.3 is retried when no I0 reaches the supplier within retry_timeout_hours (E21 alone does not trigger it)",
    "R-SU-3": "recovery rounds read the inventory (8.2) a page at a time and send 11.2 to each device still Suspended",
    "R-SU-4": "a repeat firmware update counts as wasted when the device already runs the target firmware",
    "R-DEV-5": "a GSME's successful activation reaches its GPF's copy after gpf_refresh_lag_hours",
    "R-DEV-6": "a command to an offline device is lost (an offline window touches commands only, not responses "
    "or alerts); losses and latencies are drawn per device and message; the DSP's immediate answer "
    "(acknowledgement, E-code, 8.2 rows) is never lost or delayed",
    "fleet": "devices listed Suspended/Recovered at the start held Commissioned before",
}


@dataclass(frozen=True)
class Study:
    """What to run: one validated scenario data dict per sweep point, each replicated `replications` times."""

    scenario: Scenario
    replications: int
    seed: int
    params: list[dict[str, Any]]
    datas: list[dict[str, Any]]

    @property
    def key(self) -> str:
        """Identifies the study's work, so a resumed run only reuses results of the same study."""
        blob = json.dumps([self.datas, self.replications], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def tasks(self) -> list[tuple[int, int, int, dict[str, Any]]]:
        """(point, replication, shard, data): one task per shard of each replication of each point."""
        return [
            (p, r, s, data) for p, data in enumerate(self.datas) for r in range(self.replications) for s in range(data["shards"])
        ]


def plan(scenario: Scenario, *, replications: int | None = None, seed: int | None = None) -> Study:
    """Expand the sweep; command-line replications and seed win over the file's."""
    base = {}
    if replications is not None:
        base["replications"] = replications
    if seed is not None:
        base["seed"] = seed
    scenario = scenario.with_values(base) if base else scenario
    params = scenario.points()
    datas = [scenario.with_values(p).data if p else scenario.data for p in params]
    return Study(scenario, scenario["replications"], scenario["seed"], params, datas)


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
    results, parts = _resume(staging, study)
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
                _times_file(staging, point, replication, shard).write_bytes(times.tobytes())  # before its line
                write({"point": point, "replication": replication, "shard": shard, "result": result})
                parts.setdefault((point, replication), {})[shard] = result
                merge_if_complete(point, replication)
            if on_task is not None:
                on_task(point, replication, shard)

        def merge_if_complete(point: int, replication: int) -> None:
            got = parts.get((point, replication), {})
            if len(got) < study.datas[point]["shards"]:
                return
            files = [_times_file(staging, point, replication, s) for s in sorted(got)]
            times = [_read_times(f) for f in files]
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


class OutputFolderError(DomainError):
    """--out names a folder the study must not replace."""


def output_folder(out_dir: str | Path) -> Path:
    """The absolute output folder, refused before any work when replacing it at the end could destroy
    something that is not a study's output: the current folder or one above it, a file, or a folder
    holding other things (a previous study's output, recognised by its summary.json, is replaced)."""
    out = Path(os.path.abspath(out_dir))  # ".." and "." resolved lexically; a symlink is not followed
    if out == Path(out.anchor) or Path.cwd() == out or out in Path.cwd().parents:
        raise OutputFolderError(f"--out {out_dir}: the output folder would replace the current folder or one above it")
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"--out {out_dir}: is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / "summary.json").is_file():
        raise OutputFolderError(
            f"--out {out_dir}: exists and is not a study's output (no summary.json): it would be replaced; choose another folder"
        )
    return out


def _resume(staging: Path, study: Study) -> tuple[dict[tuple[int, int], dict], dict[tuple[int, int], dict[int, dict]]]:
    """Finished replications, and finished shards of unfinished ones, of the same study left by an
    interrupted run (else a fresh staging folder)."""
    marker = staging / "study.json"
    if staging.exists():
        try:
            same = json.loads(marker.read_text())["key"] == study.key
            lines = (staging / "results.jsonl").read_text(encoding="utf-8").splitlines() if same else []
        except (OSError, ValueError, KeyError, TypeError):
            same = False
        if same:
            results: dict[tuple[int, int], dict] = {}
            parts: dict[tuple[int, int], dict[int, dict]] = {}
            for line in lines:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by the interruption
                key = (entry["point"], entry["replication"])
                if "shard" not in entry:
                    results[key] = entry["result"]
                elif _times_intact(staging, entry):
                    parts.setdefault(key, {})[entry["shard"]] = entry["result"]
            (staging / "shards").mkdir(exist_ok=True)
            return results, {k: v for k, v in parts.items() if k not in results}
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / "shards").mkdir()
    marker.write_text(json.dumps({"key": study.key, "scenario": study.scenario.path}))
    (staging / "results.jsonl").touch()
    return {}, {}


def _times_file(staging: Path, point: int, replication: int, shard: int) -> Path:
    return staging / "shards" / f"{point}-{replication}-{shard}.f64"


def _times_intact(staging: Path, entry: dict) -> bool:
    """A shard's times file is there and holds one double per restored device (else the shard reruns)."""
    path = _times_file(staging, entry["point"], entry["replication"], entry["shard"])
    try:
        return path.stat().st_size == 8 * sum(entry["result"]["restore_histogram"])
    except OSError:
        return False


def _read_times(path: Path) -> array:
    times = array("d")
    times.frombytes(path.read_bytes())
    return times


def dumps(summary: dict) -> str:
    return json.dumps(summary, indent=2, sort_keys=False) + "\n"


def _point_summary(study: Study, p: int, results: dict) -> dict[str, Any]:
    runs = [results[(p, r)] for r in range(study.replications)]
    data = study.datas[p]
    codes = sorted({c for run in runs for c in run["counts"]})
    alert_codes = [c for c in codes if c.startswith("N")]
    response_codes = [c for c in codes if not c.startswith("N")]
    n = len(runs)
    return {
        "params": study.params[p],
        "ruleset": data["ruleset"],
        "devices": runs[0]["devices"],
        "metrics": {
            m: summarise([run["metrics"][m] for run in runs], 1.0 if m.endswith("_fraction") else None)
            for m in METRICS
        },
        # mean count per replication received by the users
        "alerts": {c: round(sum(run["counts"].get(c, 0) for run in runs) / n, 6) for c in sorted(set(ALERT_CODES[1:]) | set(alert_codes))},
        "responses": {c: round(sum(run["counts"].get(c, 0) for run in runs) / n, 6) for c in response_codes},
        "service_requests": sum(run["service_requests"] for run in runs),
        # restored devices of every replication, by hours from suspension to restore
        "distributions": {
            "time_to_restore_hours": {
                "edges": restore_bin_edges(data["horizon_hours"]),
                "counts": [sum(c) for c in zip(*(run["restore_histogram"] for run in runs))],
            }
        },
    }


def assemble(study: Study, results: dict[tuple[int, int], dict], *, elapsed: float, started: float) -> dict[str, Any]:
    """summary.json: the first point at the top level (the only one without a sweep), every point in
    `points`, the manifest, and the performance block (the one part that varies run to run)."""
    points = [_point_summary(study, p, results) for p in range(len(study.datas))]
    first, data = points[0], study.datas[0]
    settings = DspSettings(
        suspension_alert_code=data["dsp"]["suspension_alert_code"], e21_on_timeout=data["dsp"]["e21_on_timeout"]
    )
    walls = [r["wall_seconds"] for r in results.values()]
    requests = sum(r["service_requests"] for r in results.values())
    simulate = sum(r.get("simulate_seconds", r["wall_seconds"]) for r in results.values())
    return {
        "name": study.scenario.name,
        "description": data["description"],
        "ruleset": first["ruleset"],
        "seed": study.seed,
        "replications": study.replications,
        "devices": first["devices"],
        "horizon_hours": data["horizon_hours"],
        "metrics": first["metrics"],
        "alerts": first["alerts"],
        "responses": first["responses"],
        "distributions": first["distributions"],
        "sweep": {k: list(v) for k, v in study.scenario.sweep},
        "points": points,
        "modelling_decisions": {**settings.modelling_decisions(), **{f"harness {k}": v for k, v in HARNESS_DECISIONS.items()}},
        "manifest": manifest(study),
        "performance": {
            "wall_seconds": round(elapsed, 3),
            "replication_seconds": round(sum(walls), 3),
            "service_requests": requests,
            "service_requests_per_second": round(requests / simulate) if simulate else None,
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in results.values()), 1),
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    }


def manifest(study: Study) -> dict[str, Any]:
    """What was run, with what: for the evidence (no times here, so the rest of the summary is stable)."""
    versions = {}
    for package in ("sm-harness", "simpy", "dask", "distributed", "rich"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "tool": TOOL,
        "tool_version": versions.pop("sm-harness") or "0.1.0",
        "python": platform.python_version(),
        "packages": versions,
        "scenario_file": Path(study.scenario.path).name,
        "scenario_sha256": study.scenario.file_hash,
    }


def replication_rows(study: Study, results: dict[tuple[int, int], dict]) -> list[dict[str, Any]]:
    """One row per (point, replication): its parameters, metrics and counts (no timings: stable)."""
    keys = [k for k, _ in study.scenario.sweep]
    codes = sorted({c for r in results.values() for c in r["counts"]})
    rows = []
    for (p, r) in sorted(results):
        result = results[(p, r)]
        row: dict[str, Any] = {"point": p, **{k: study.params[p].get(k) for k in keys}}
        row.update(ruleset=study.datas[p]["ruleset"], replication=r, seed=study.seed, devices=result["devices"])
        row.update({m: ("" if result["metrics"][m] is None else result["metrics"][m]) for m in METRICS})
        row.update(
            service_requests=result["service_requests"],
            firmware_updates=result["firmware_updates"],
            lost_messages=result["lost_messages"],
        )
        row.update({c: result["counts"].get(c, 0) for c in codes})
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["point"])
        writer.writeheader()
        writer.writerows(rows)
