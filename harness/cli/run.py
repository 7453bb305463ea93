"""`sm-harness run SCENARIO`: replicated what-if studies, with a progress bar and a results table."""
from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import Any

from harness.study.executors import EXECUTORS, ClusterLost


def add_parser(commands) -> None:
    run = commands.add_parser(
        "run",
        help="run a what-if scenario (TOML): replications, sweeps, summary.json, replications.csv, report.html",
        description="Run a scenario's replications (and sweep points) and write the results to --out.",
    )
    run.add_argument("scenario", help="scenario file (TOML), e.g. scenarios/lost-11-3-20pc.toml")
    run.add_argument("--replications", type=int, help="replications per point (default: the file's)")
    run.add_argument("--seed", type=int, help="base seed (default: the file's)")
    run.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                     help="worker processes of the local pool (default: one per core); results do not depend on it")
    run.add_argument("--executor", choices=EXECUTORS, default="local", help="local process pool or a Dask cluster")
    run.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster of two workers)")
    run.add_argument("--max-tasks", type=int, default=None, metavar="N",
                     help="largest plan accepted: replications x sweep points x shards (default 1,000,000)")
    run.add_argument("--max-memory", type=float, default=None, metavar="GB",
                     help="memory the study may use (default: what the machine has available at the start)")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a scenario key, e.g. supplier.retry_11_3=0")
    run.add_argument("--sweep", action="append", default=[], metavar="KEY=v1,v2", help="sweep a key over values (repeatable: cross product)")
    run.add_argument("--out", help="output folder (default results/NAME)")
    run.add_argument("--quiet", action="store_true", help="no progress bar or table")
    run.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from harness.study import capacity, output, runner as replicate, scenario

    overrides = _once("--set", [scenario.parse_assignment(a) for a in args.set])
    sweep = _once("--sweep", [scenario.parse_sweep(s) for s in args.sweep])
    _check_arguments(args)
    loaded = scenario.load(args.scenario, overrides, sweep)
    capacity.check_tasks(loaded, args.replications, args.max_tasks or capacity.DEFAULT_MAX_TASKS)
    study = replicate.plan(loaded, replications=args.replications, seed=args.seed)
    if args.executor == "local" or args.scheduler is None:  # a remote cluster's memory is its own
        parallel = max(args.workers, 2) if args.executor == "dask" else args.workers
        capacity.check_memory(study, parallel, None if args.max_memory is None else int(args.max_memory * capacity.GB))
    out = Path(args.out or Path("results") / study.scenario.name)
    output.output_folder(out)  # a folder it may not replace is refused before a progress bar is drawn
    console = Console(stderr=True, quiet=args.quiet)
    total = len(study.tasks())
    replications = len(study.datas) * study.replications
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False, disable=args.quiet,
    ) as progress:
        # a sharded study shows its shard tasks and its replications done; unsharded, its replications
        shards = progress.add_task(f"{study.scenario.name}: shards", total=total) if total > replications else None
        bar = progress.add_task(f"{study.scenario.name}: replications", total=replications)
        try:
            summary = replicate.run_study(
                study, out, executor=args.executor, workers=args.workers, scheduler=args.scheduler,
                on_task=(lambda p, r, s: progress.advance(shards)) if shards is not None else None,
                on_result=lambda p, r, result: progress.advance(bar),
                on_cluster=progress.console.print,  # the cluster's address, workers and dashboard
            )
        except (KeyboardInterrupt, ClusterLost) as error:
            progress.stop()
            replications_kept, tasks_kept = output.kept(out, study)  # what resuming finds
            done = replications_kept if shards is None else tasks_kept
            unit = "replications" if shards is None else "shard tasks"
            what = "interrupted" if isinstance(error, KeyboardInterrupt) else str(error)
            code = 130 if isinstance(error, KeyboardInterrupt) else 1
            if not done:
                print(f"sm-harness: {what}: no {unit} had finished; nothing kept", file=sys.stderr)
                return code
            again = "" if isinstance(error, KeyboardInterrupt) else " (with a live scheduler)"
            print(
                f"sm-harness: {what}: {done} of {total} {unit} kept in {out}.partial; "
                f"run the same command again{again} to resume",
                file=sys.stderr,
            )
            return code
    if not args.quiet:
        # a log or pipe has no width: give the results table room rather than rich's 80 columns
        _table(Console() if sys.stdout.isatty() else Console(width=160), summary, out)
    return 0


def _once(option: str, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """KEY=... options as a dict; a key given twice is refused (the later one would silently win)."""
    from harness.study.scenario import ScenarioError

    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ScenarioError(f"{option} {key}: given twice (name each key once)")
        out[key] = value
    return out


def _check_arguments(args: argparse.Namespace) -> None:
    """The command line's own numbers, refused in one line before the scenario is read."""
    from harness.study.scenario import ScenarioError

    if args.replications is not None and args.replications < 1:
        raise ScenarioError(f"--replications {args.replications}: must be >= 1")
    if args.workers < 1:
        raise ScenarioError(f"--workers {args.workers}: must be >= 1")
    if args.max_tasks is not None and args.max_tasks < 1:
        raise ScenarioError(f"--max-tasks {args.max_tasks}: must be >= 1")
    if args.max_memory is not None and not 0 < args.max_memory < math.inf:
        raise ScenarioError(f"--max-memory {args.max_memory:g}: must be a number of GB > 0")
    if args.scheduler is not None and args.executor != "dask":
        raise ScenarioError(f"--scheduler {args.scheduler}: needs --executor dask")
    if args.scheduler is not None and not args.scheduler.strip():
        raise ScenarioError("--scheduler: empty address (expected e.g. tcp://host:8786)")


_LABELS = {
    "suspended_at_end_fraction": "suspended\nat end",
    "restored_fraction": "restored",
    "time_to_restore_hours_p50": "restore h\np50",
    "time_to_restore_hours_p95": "restore h\np95",
    "service_requests_per_device": "SRs per\ndevice",
    "wasted_firmware_updates_per_device": "wasted\nupdates",
    "firmware_misaligned_at_end_fraction": "misaligned\nat end",
    "topups_rejected_per_prepay_device": "top-ups\nrejected",
    "prepay_topup_rejected_fraction": "meters\nrefused",
    "prepay_hours_suspended_per_prepay_device": "prepay h\nSuspended",
    "site_visits_per_1000_devices": "visits\n/1,000",
    "cost_per_1000_devices": "GBP\n/1,000",
}


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


METRIC_COLUMN = 17  # characters a metric's column takes: "0.123456" over "[0.1234,0.1235]", and its borders


def _table(console, summary: dict, out: Path) -> None:
    """The results on the terminal: as many metrics per table as its width holds, so nothing is cut short."""
    from rich.table import Table

    names = list(summary["metrics"])
    labels = [", ".join(f"{k}={v}" for k, v in p["params"].items() if k != "ruleset") or "-"  # ruleset: its own column
              for p in summary["points"]]
    lead = max(len(x) for x in ["point", *labels]) + max(len(p["ruleset"]) for p in summary["points"]) + 8
    per = max(1, (console.width - lead) // METRIC_COLUMN)
    title = f"{summary['name']}: {summary['replications']} replications, {summary['devices']} devices (mean [95% CI])"
    for start in range(0, len(names), per):
        group = names[start:start + per]
        table = Table(title=title if start == 0 else None)
        table.add_column("point")
        table.add_column("ruleset")
        for name in group:
            table.add_column(_LABELS.get(name, name), justify="right")
        for label, point in zip(labels, summary["points"]):
            cells = []
            for name in group:
                s = point["metrics"][name]
                cells.append("–" if s["mean"] is None else f"{_number(s['mean'])}\n[{_number(s['ci95'][0])},{_number(s['ci95'][1])}]")
            table.add_row(label, point["ruleset"], *cells)
        console.print(table)
    perf = summary["performance"]
    console.print(
        f"{perf['service_requests']} service requests, {perf['service_requests_per_second']} SR/s per worker "
        f"(simulated seconds), peak {perf['peak_rss_mb']} MB, {perf['wall_seconds']} s. Results in {out}/"
    )
