#!/usr/bin/env python3
"""Benchmark: the GB-scale scenario shape against the bare-SimPy floor, in the same run.

    python benchmarks/gb_scale.py [--devices 200000] [--no-floor]

Runs `scenarios/gb-scale.toml` with every fleet count scaled so the world holds --devices devices (one
replication, in this process), then `shared/bench/simpy_floor.py` with the same number of round trips,
and prints both rates and their ratio (target >= 0.5). The model's rate is service requests per second
of simulation (`World.run`), as the floor's is round trips per second of `env.run`; the whole-run rate
(fleet build and CPL removal included) is printed too. Peak RSS is this process's.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FLOOR = ROOT.parent / "shared" / "bench" / "simpy_floor.py"

from harness.study import scenario  # noqa: E402
from harness.study.replication import run_replication  # noqa: E402


def load_floor():
    spec = importlib.util.spec_from_file_location("simpy_floor", FLOOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def model(devices: int) -> dict:
    loaded = scenario.load(ROOT / "scenarios" / "gb-scale.toml")
    scale = devices / loaded.devices()
    data = loaded.data
    for group in data["fleet"]:
        group["count"] = max(1, round(group["count"] * scale))
    result = run_replication(data, 0)
    return {
        "devices": result["devices"],
        "service_requests": result["service_requests"],
        "simulate_seconds": round(result["simulate_seconds"], 3),
        "build_seconds": round(result["build_seconds"], 3),
        "service_requests_per_second": round(result["service_requests"] / result["simulate_seconds"]),
        "whole_run_service_requests_per_second": round(result["service_requests"] / result["wall_seconds"]),
        "suspended_at_end_fraction": result["metrics"]["suspended_at_end_fraction"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200_000)
    parser.add_argument("--no-floor", action="store_true", help="skip the floor (e.g. a memory-only run at 1,000,000)")
    args = parser.parse_args()
    ours = model(args.devices)
    print(json.dumps({"model": ours}))
    if not args.no_floor:
        floor = load_floor().floor(args.devices)
        print(json.dumps({"floor": floor}))
        ratio = ours["service_requests_per_second"] / floor["round_trips_per_second"]
        print(f"model {ours['service_requests_per_second']} SR/s, floor {floor['round_trips_per_second']} round trips/s, "
              f"ratio {ratio:.2f} (target >= 0.5); whole run {ours['whole_run_service_requests_per_second']} SR/s; "
              f"peak RSS {ours['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
