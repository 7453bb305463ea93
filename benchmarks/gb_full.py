#!/usr/bin/env python3
"""Benchmark: the whole of GB (`scenarios/gb-full.toml`: 34.8 M devices in 35 shards, one replication)
end to end through the command line, as a user runs it:

    python benchmarks/gb_full.py [--workers 2] [--set KEY=VALUE ...]

Runs `sm-harness run scenarios/gb-full.toml --workers N --quiet` into a temporary folder and reports the
wall time (targets on the 2-core machine: <= 5 minutes with 2 workers) and the largest peak RSS of a
worker process (summary.json's performance.peak_rss_mb: every shard's ru_maxrss; target <= 1.5 GB), with
the machine's load average before and after. --set passes overrides through (e.g. a scaled-down fleet).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "gb-full.toml"))
    args = parser.parse_args()
    cli = Path(sys.executable).with_name("sm-harness")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "gb-full"
        command = [str(cli), "run", args.scenario, "--workers", str(args.workers), "--out", str(out), "--quiet"]
        for value in args.set:
            command += ["--set", value]
        load_before = os.getloadavg()
        started = time.perf_counter()
        subprocess.run(command, check=True)
        wall = time.perf_counter() - started
        summary = json.loads((out / "summary.json").read_text())
    perf = summary["performance"]
    print(json.dumps({"devices": summary["devices"], "workers": args.workers, "wall_seconds": round(wall, 1),
                      "performance": perf, "loadavg_before": load_before, "loadavg_after": os.getloadavg()}))
    print(f"{summary['devices']} devices on {args.workers} workers: {wall / 60:.2f} min end to end (target <= 5), "
          f"worker peak RSS {perf['peak_rss_mb']} MB (target <= 1500), slowest shard {perf['slowest_task_seconds']} s")


if __name__ == "__main__":
    main()
