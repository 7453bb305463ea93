"""Sharding: a replication's fleet split into slices run as separate tasks and merged (harness/study/shards.py).

One shard is the one world, bit for bit (tests/golden pins that); more shards are statistically
equivalent (the supplier's window is split), reproducible whatever the workers, and resumable per shard.
"""
from __future__ import annotations

import json
import random

import pytest

from harness.study import runner as replicate, scenario, shards
from harness.cli import main
from harness.study.fleet_layout import device_id
from harness.study.world_setup import build
from harness.study.metrics import SortedUnion, percentile
from harness.sim.streams import Streams, latency_drawer, uniform_drawer
from tests.sim.helpers import write_scenario


def with_shards(path, n: int, **values):
    return scenario.load(path, {"shards": n, **values})


def stable(out) -> str:
    summary = json.loads((out / "summary.json").read_text())
    summary.pop("performance")
    return json.dumps(summary, indent=2)


def test_a_shard_draws_by_the_global_device_index():
    whole, shard = Streams(7, 1), Streams(7, 1, offset=1000)
    assert shard.uniform(5, 3, 2) == whole.uniform(1005, 3, 2)
    assert uniform_drawer(whole.base, 1000)(5, 3, 2) == uniform_drawer(whole.base)(1005, 3, 2)
    for kind in ("exponential", "uniform", "fixed"):
        assert latency_drawer(whole.base, kind, 30.0, 1.0, 9.0, 1000)(5, 3, 1) == latency_drawer(whole.base, kind, 30.0, 1.0, 9.0)(1005, 3, 1)


def test_the_shards_partition_the_fleet_by_global_index_and_keep_each_gsme_with_its_gpf(tmp_path):
    path = write_scenario(tmp_path, type="GSME", count=7)  # 14 devices: GSME, GPF, GSME, GPF, ...
    data = with_shards(path, 3).data
    assert shards.spans(data) == [(0, 4), (4, 10), (10, 14)]  # cuts at 4 and 9 -> 9 is a GPF: moved to 10
    ids = []
    for span in shards.spans(data):
        world, fleet = build(data, 0, span=span)
        ids += list(world.devices)
        assert world.streams.offset == span[0]
        assert all(device_id(i) in world.devices for i in range(*span))
    assert ids == [device_id(i) for i in range(14)]


def test_the_window_is_split_by_campaign_devices_and_adds_up(tmp_path):
    data = with_shards(write_scenario(tmp_path, count=1000), 3).data  # window 200
    assert shards.windows(data) == [66, 67, 67] and sum(shards.windows(data)) == 200
    tiny = with_shards(write_scenario(tmp_path, count=1000), 4, **{"campaign.window": 2}).data
    assert shards.windows(tiny) == [1, 1, 1, 1]  # at least one lane each


def test_merged_percentiles_are_exact():
    rng = random.Random(5)
    parts = [sorted(rng.random() for _ in range(rng.randrange(0, 40))) for _ in range(6)] + [[0.5, 0.5, 0.5]]
    union, flat = SortedUnion(parts), sorted(x for p in parts for x in p)
    assert len(union) == len(flat) and [union[k] for k in range(len(flat))] == flat
    for q in (0, 50, 95, 100):
        assert percentile(union, q) == percentile(flat, q)
    assert percentile(SortedUnion([[], []]), 50) is None


@pytest.mark.slow
def test_the_fraction_left_suspended_agrees_between_one_and_four_shards(tmp_path):
    path = write_scenario(tmp_path, count=2000, p=0.3, retries=1, replications=6)
    one = replicate.run_study(replicate.plan(with_shards(path, 1)), tmp_path / "one")
    four = replicate.run_study(replicate.plan(with_shards(path, 4)), tmp_path / "four")
    assert one["devices"] == four["devices"] == 2000
    a, b = one["metrics"]["suspended_at_end_fraction"], four["metrics"]["suspended_at_end_fraction"]
    assert a["mean"] > 0 and b["mean"] > 0
    assert a["ci95"][0] <= b["ci95"][1] and b["ci95"][0] <= a["ci95"][1]  # the intervals overlap
    assert abs(a["mean"] - b["mean"]) <= (a["ci95"][1] - a["ci95"][0]) + (b["ci95"][1] - b["ci95"][0])


def test_three_shards_give_the_same_results_with_one_and_two_workers(tmp_path):
    path = write_scenario(tmp_path, count=600, q=0.3, retries=1, sweeps=1)
    loaded = scenario.load(path, {"shards": 3}, {"ruleset": ["legacy", "mp105"]})
    replicate.run_study(replicate.plan(loaded), tmp_path / "one", workers=1)
    replicate.run_study(replicate.plan(loaded), tmp_path / "two", workers=2)
    assert stable(tmp_path / "one") == stable(tmp_path / "two")
    assert (tmp_path / "one" / "replications.csv").read_bytes() == (tmp_path / "two" / "replications.csv").read_bytes()
    assert json.loads((tmp_path / "one" / "summary.json").read_text())["devices"] == 600
    perf = json.loads((tmp_path / "two" / "summary.json").read_text())["performance"]
    # a cluster's wall time is about its slowest task: one shard here, less than the 6 shard runs together
    assert 0 < perf["slowest_task_seconds"] < perf["replication_seconds"]


def test_an_interrupted_sharded_study_keeps_its_finished_shards_and_resumes_to_the_same_result(tmp_path):
    loaded = with_shards(write_scenario(tmp_path, count=300, retries=1), 3)
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    replicate.run_study(replicate.plan(loaded), whole)
    seen = []

    def interrupt_after_four(point, replication, shard):
        seen.append((replication, shard))
        if len(seen) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replicate.run_study(replicate.plan(loaded), broken, on_task=interrupt_after_four)
    staging = tmp_path / "broken.partial"
    lines = [json.loads(line) for line in (staging / "results.jsonl").read_text().splitlines()]
    assert [("shard" in e, e["replication"]) for e in lines] == [(True, 0)] * 3 + [(False, 0), (True, 1)]
    assert [f.name for f in (staging / "shards").iterdir()] == ["0-1-0.f64"]  # replication 0's merged away
    rerun = []
    replicate.run_study(replicate.plan(loaded), broken, on_task=lambda p, r, s: rerun.append((r, s)))
    assert rerun == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]  # kept ones reported, then the rest run
    assert stable(whole) == stable(broken) and not staging.exists()


@pytest.mark.parametrize(
    "value, expected",
    [(0, "shards: must be > 0"), (-2, "shards: must be > 0"), (2.5, "shards: expected an integer"),
     ('"four"', "shards: expected an integer"), ("true", "shards: expected an integer, got a boolean"),
     (1001, "shards: must be at most the fleet's 1000 devices")],
)
def test_bad_shards_are_one_line_naming_the_key(tmp_path, value, expected):
    path = write_scenario(tmp_path)
    path.write_text(path.read_text().replace("seed = 3", f"seed = 3\nshards = {value}"))
    with pytest.raises(scenario.ScenarioError) as error:
        scenario.load(path)
    message = str(error.value)
    assert expected in message and f"{path}:" in message and "\n" not in message


def test_a_fleet_beyond_the_streams_key_is_refused(tmp_path):
    with pytest.raises(scenario.ScenarioError, match="fleet: at most 67108864 devices"):
        scenario.load(write_scenario(tmp_path), {"fleet.0.count": (1 << 26) + 1})


def test_set_shards_is_checked_like_the_file(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", str(write_scenario(tmp_path)), "--out", str(out), "--quiet", "--set", "shards=0"])
    err = capsys.readouterr().err
    assert code == 2 and "shards: must be > 0" in err and err.count("\n") == 1 and not out.exists()
    assert scenario.load(write_scenario(tmp_path), {"shards": 4})["shards"] == 4
    assert scenario.load(write_scenario(tmp_path))["shards"] == 1


@pytest.mark.slow
def test_dask_gives_the_same_sharded_results_as_the_local_pool(tmp_path):
    pytest.importorskip("distributed")
    loaded = with_shards(write_scenario(tmp_path, count=400, retries=1), 3)
    replicate.run_study(replicate.plan(loaded), tmp_path / "local", workers=2)
    replicate.run_study(replicate.plan(loaded), tmp_path / "dask", executor="dask", workers=2)
    assert stable(tmp_path / "local") == stable(tmp_path / "dask")


def test_a_shard_lets_go_of_the_ids_it_parsed(tmp_path):
    """A worker runs shard after shard: a finished world's cache of parsed IDs must not outlive it (with the
    world left to the collector, a worker's RSS grew ~100 MB per GB-size shard: 1.66 GB after gb-full's 17)."""
    from harness.study import fleet_layout
    from harness.study.replication import run_shard

    data = scenario.load(write_scenario(tmp_path, count=500)).data
    assert run_shard(data, 0)["tally"]["devices"] == 500  # its world parsed each device's ID, more than once
    assert not fleet_layout._PARSED
