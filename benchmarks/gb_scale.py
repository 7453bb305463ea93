#!/usr/bin/env python3
"""Benchmark: the hot path against the bare-SimPy floor in the same run, and a 1,000,000-device world.

    python benchmarks/gb_scale.py [--devices 200000] [--runs 3]     # the hot path: ratio to the floor
    python benchmarks/gb_scale.py --memory [--devices 1000000]      # a world's build time and peak RSS

The hot path: `scenarios/gb-scale.toml` with every fleet count scaled so the world holds --devices
devices (one replication, in this process), between two runs of `shared/bench/simpy_floor.py` with the
same number of round trips; the ratio is the model's service requests per second of simulation
(`World.run`) over the floor's round trips per second (the mean of the two floors around it), in CPU
seconds of this process (the machine is shared: CPU time is what another user's load disturbs least) and
in wall seconds. --runs such triples, one after another; the median ratio is the figure (target >= 0.8).

--memory: a fresh process builds the world (the fleet, the CPL removal, the supplier started: the
replication's build phase), runs it to the horizon, and reports the build time and its peak RSS
(targets: built in <= 2 s, <= 400 MB for 1,000,000 devices).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FLOOR = ROOT.parent / "shared" / "bench" / "simpy_floor.py"

from harness.sim.supplier import Supplier  # noqa: E402
from harness.study import scenario  # noqa: E402
from harness.study.metrics import tally  # noqa: E402
from harness.study.scenario import HOUR  # noqa: E402
from harness.study.world_setup import build, policy_of  # noqa: E402


def load_floor():
    spec = importlib.util.spec_from_file_location("simpy_floor", FLOOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scaled(devices: int) -> dict:
    loaded = scenario.load(ROOT / "scenarios" / "gb-scale.toml")
    scale = devices / loaded.devices()
    data = loaded.data
    for group in data["fleet"]:
        group["count"] = max(1, round(group["count"] * scale))
    return data


def model(devices: int) -> dict:
    """One replication of the scaled scenario: build, then simulate, timed apart (wall and CPU)."""
    data = scaled(devices)
    wall, cpu = time.perf_counter(), time.process_time()
    world, fleet = build(data, 0)
    supplier = Supplier(world, fleet, policy_of(data))
    for device_type, model_, version in fleet.removed:
        world.remove_from_cpl(device_type, model_, version)
    supplier.start()
    built_wall, built_cpu = time.perf_counter(), time.process_time()
    world.run(data["horizon_hours"] * HOUR)
    sim_wall, sim_cpu = time.perf_counter() - built_wall, time.process_time() - built_cpu
    counts, _ = tally(world, supplier.wasted_updates)
    return {
        "devices": counts["devices"],
        "service_requests": world.service_requests,
        "build_seconds": round(built_wall - wall, 3),
        "build_cpu_seconds": round(built_cpu - cpu, 3),
        "simulate_seconds": round(sim_wall, 3),
        "simulate_cpu_seconds": round(sim_cpu, 3),
        "suspended_at_end": counts["suspended"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
    }


def floor(devices: int, module) -> dict:
    cpu = time.process_time()
    result = module.floor(devices)
    result["cpu_seconds"] = round(time.process_time() - cpu, 3)
    return result


def hot_path(devices: int, runs: int) -> None:
    module = load_floor()
    ratios, wall_ratios = [], []
    for run in range(runs):
        before = floor(devices, module)
        ours = model(devices)
        after = floor(devices, module)
        floor_cpu = 2 * devices / (before["cpu_seconds"] + after["cpu_seconds"])
        floor_wall = 2 * devices / (before["wall_seconds"] + after["wall_seconds"])
        ratio = ours["service_requests"] / ours["simulate_cpu_seconds"] / floor_cpu
        wall_ratio = ours["service_requests"] / ours["simulate_seconds"] / floor_wall
        ratios.append(ratio)
        wall_ratios.append(wall_ratio)
        print(json.dumps({"run": run + 1, "model": ours, "floor": [before, after], "ratio_cpu": round(ratio, 3),
                          "ratio_wall": round(wall_ratio, 3), "loadavg": os.getloadavg()}), flush=True)
    print(f"hot path at {devices} devices, {runs} runs: ratio to the floor (CPU) median {statistics.median(ratios):.2f} "
          f"(each {', '.join(f'{r:.2f}' for r in ratios)}), wall median {statistics.median(wall_ratios):.2f}; target >= 0.8")


def memory(devices: int) -> None:
    """In a fresh process, so the peak RSS is this world's alone."""
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); "
            f"from benchmarks.gb_scale import model; print(json.dumps(model({devices})))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    result = json.loads(out.splitlines()[-1])
    print(json.dumps({"memory": result, "loadavg": os.getloadavg()}))
    print(f"{result['devices']} devices: fleet built in {result['build_seconds']} s "
          f"({result['build_cpu_seconds']} s CPU; target <= 2 s), peak RSS {result['peak_rss_mb']} MB (target <= 400 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory", action="store_true", help="a world's build time and peak RSS (default 1,000,000 devices)")
    args = parser.parse_args()
    if args.memory:
        memory(args.devices or 1_000_000)
    else:
        hot_path(args.devices or 200_000, args.runs)


if __name__ == "__main__":
    main()
