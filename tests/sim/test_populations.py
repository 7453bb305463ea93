"""Supplier populations: [[supplier]] tables share the fleet, each supplier with its own behaviour.

Closed forms (every device suspended at time 0, each 11.3 response lost with probability p): a supplier
retrying k times leaves p^(k+1) of its devices Suspended under mp105 and p under legacy; one that sweeps
11.2 once leaves none under mp105-option1 and mp105 (R-113-2, R-112-2). Each supplier's share of its own
devices must lie within 4 binomial standard errors of its closed form.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from harness.cli import main
from harness.study import scenario
from harness.study.populations import owner, populations, split_fleet, supplier_id
from harness.study.replication import run_replication
from harness.study.world_setup import build
from tests.sim.helpers import write_scenario

P = 0.2
MIX = """
[[supplier]]
name = "retries"
share = 0.5
retry_11_3 = 2

[[supplier]]
name = "none"
share = 0.3

[[supplier]]
name = "sweeps"
share = 0.2
sweep_11_2 = 1
"""


def mixed(tmp_path: Path, **kwargs) -> Path:
    path = write_scenario(tmp_path, p=P, **kwargs)
    text = path.read_text()
    head, _, rest = text.partition("[supplier]")
    tail = rest[rest.index("\n[", 1):] if "\n[" in rest[1:] else ""
    path.write_text(head + MIX.strip() + "\n" + tail)
    return path


def test_a_single_supplier_table_is_one_supplier_with_the_whole_fleet(tmp_path):
    data = scenario.load(write_scenario(tmp_path)).data
    assert populations(data) == [{"name": "supplier", "share": 1.0, **data["supplier"]}]
    world, fleet = build(data, 0)
    assert split_fleet(world, fleet, data) == [fleet]


def test_each_group_is_shared_by_the_shares_a_gsme_keeping_its_gpf(tmp_path):
    data = scenario.load(mixed(tmp_path, type="GSME", count=1000)).data
    world, fleet = build(data, 0)
    fleets = split_fleet(world, fleet, data)
    assert [len(f.campaign) for f in fleets] == pytest.approx([500, 300, 200], abs=3)
    assert sorted(d for f in fleets for d in f.campaign) == sorted(fleet.campaign)
    inventory = world.dsp.inventory
    for i, f in enumerate(fleets):
        for gsme in f.campaign:
            record = inventory.get(gsme)
            assert record.supplier == supplier_id(i) == inventory.get(record.gpf).supplier
            assert f.supplier[record.device_type].user_id == supplier_id(i)


def test_who_supplies_a_device_does_not_depend_on_the_shard_count(tmp_path):
    data = scenario.load(mixed(tmp_path, count=300), {"shards": 3}).data
    whole = scenario.load(mixed(tmp_path, count=300)).data
    world, fleet = build(whole, 0)
    split_fleet(world, fleet, whole)
    expected = {r.device_id: r.supplier for r in world.dsp.inventory}
    assert len(set(expected.values())) == 3
    from harness.study import shards

    for span in shards.spans(data):
        world, fleet = build(data, 0, span=span)
        split_fleet(world, fleet, data, span)
        assert all(expected[r.device_id] == r.supplier for r in world.dsp.inventory)


def test_each_suppliers_tally_read_from_the_arrays_is_its_records_tally(tmp_path, monkeypatch):
    """A supplier's counts and times to restore come from the fleet's arrays (no record per device): they
    are what a tally of its devices' records, one by one, gives."""
    from harness.study import populations as module
    from harness.study.metrics import record_tally, smi_tally

    seen = []

    def checked(inventory, devices, supplier):
        mine = [r for r in inventory if r.supplier == supplier]
        expected = record_tally(mine, devices)
        assert inventory.fleet is not None and smi_tally(inventory, devices, supplier) == expected
        seen.append(expected)
        return expected

    monkeypatch.setattr(module, "smi_tally", checked)
    run_replication(scenario.load(mixed(tmp_path, type="GSME", count=400)).data, 0)
    assert len(seen) == 3 and all(counts["devices"] and counts["ever_suspended"] and times for counts, times in seen)


def test_the_golden_ratio_spreads_every_supplier_through_a_group():
    bounds = [0.5, 0.8, 1.0]
    first_hundred = [owner(u, bounds) for u in range(100)]
    assert [first_hundred.count(i) for i in range(3)] == pytest.approx([50, 30, 20], abs=2)
    assert all(len(set(first_hundred[i:i + 10])) > 1 for i in range(0, 100, 10))  # no long runs of one supplier


@pytest.mark.parametrize("ruleset, expected", [
    ("legacy", {"retries": P, "none": P, "sweeps": P}),
    ("mp105-option1", {"retries": P, "none": P, "sweeps": 0.0}),
    ("mp105", {"retries": P**3, "none": P, "sweeps": 0.0}),
])
def test_each_supplier_leaves_suspended_what_its_own_behaviour_says(tmp_path, ruleset, expected):
    data = scenario.load(mixed(tmp_path, ruleset=ruleset, count=3000)).data
    result = run_replication(data, 0)
    for supplier in result["suppliers"]:
        observed, n, p = supplier["metrics"]["suspended_at_end_fraction"], supplier["devices"], expected[supplier["name"]]
        assert abs(observed - p) <= 4 * math.sqrt(p * (1 - p) / n) + 1e-12, (supplier["name"], observed, p)
    devices = sum(s["devices"] for s in result["suppliers"])
    overall = sum(s["metrics"]["suspended_at_end_fraction"] * s["devices"] for s in result["suppliers"]) / devices
    assert devices == result["devices"] and result["metrics"]["suspended_at_end_fraction"] == pytest.approx(overall)
    assert sum(s["service_requests"] for s in result["suppliers"]) == result["service_requests"]


def test_a_sharded_replication_merges_each_supplier_exactly(tmp_path):
    path = mixed(tmp_path, count=600)
    one = run_replication(scenario.load(path).data, 0)
    three = run_replication(scenario.load(path, {"shards": 3}).data, 0)
    assert [s["devices"] for s in three["suppliers"]] == [s["devices"] for s in one["suppliers"]]
    assert sum(s["devices"] for s in three["suppliers"]) == three["devices"]


def test_summary_and_report_show_each_supplier_and_its_paired_differences(tmp_path):
    out = tmp_path / "out"
    path = mixed(tmp_path, count=200, replications=2)
    assert main(["run", str(path), "--out", str(out), "--quiet", "--workers", "1", "--sweep", "ruleset=legacy,mp105"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    point = summary["points"][1]
    assert list(point["suppliers"]) == ["retries", "none", "sweeps"]
    assert point["suppliers"]["retries"]["share"] == 0.5
    assert point["suppliers"]["retries"]["behaviour"]["retry_11_3"] == 2
    assert sum(s["devices"] for s in point["suppliers"].values()) == point["devices"]
    assert set(summary["comparisons"][0]["suppliers"]) == {"retries", "none", "sweeps"}
    html = (out / "report.html").read_text()
    assert 'id="suppliers"' in html and "2 retries after 1 h · 0 11.2 sweeps · 0 re-updates" in html


def test_set_and_sweep_reach_a_supplier_by_its_number(tmp_path):
    path = mixed(tmp_path)
    assert scenario.load(path, {"supplier.1.retry_11_3": 3})["supplier"][1]["retry_11_3"] == 3
    loaded = scenario.load(path, sweep={"supplier.2.sweep_11_2": [0, 2]})
    assert len(loaded.points()) == 2


@pytest.mark.parametrize(
    "edit, expected",
    [
        (("share = 0.2", "share = 0.3"), "supplier: the shares must sum to 1, got 1.1 (retries 0.5, none 0.3, sweeps 0.3)"),
        (("share = 0.2", "share = 0"), "supplier[2].share: must be in (0, 1]"),
        (("sweep_11_2 = 1", "sweeps = 1"), "supplier[2].sweeps: unknown key (expected one of name, share, retry_11_3"),
        (('name = "none"', 'name = "retries"'), "supplier: names must be unique"),
        (('name = "none"', 'name = "a/b"'), "supplier[1].name: must be a plain name"),
        (("share = 0.3\n", ""), "supplier[1].share: required key missing"),
        (("retry_11_3 = 2", "retry_11_3 = -2"), "supplier[0].retry_11_3: must be >= 0"),
    ],
)
def test_bad_supplier_populations_are_one_line_and_exit_2(tmp_path, capsys, edit, expected):
    path = mixed(tmp_path)
    path.write_text(path.read_text().replace(*edit, 1))
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("key, expected", [
    ("supplier.retry_11_3", "the scenario has [[supplier]] tables: use supplier.N.KEY"),
    ("supplier.5.retry_11_3", "no such key (use supplier.N.{name, share, retry_11_3"),
])
def test_set_into_a_supplier_that_is_not_there_is_refused(tmp_path, key, expected):
    with pytest.raises(scenario.ScenarioError, match=expected.replace("[", r"\[").replace("{", r"\{").replace("(", r"\(")):
        scenario.load(mixed(tmp_path), {key: 1})
    with pytest.raises(scenario.ScenarioError, match="one \\[supplier\\] table: use supplier.KEY"):
        scenario.load(write_scenario(tmp_path), {"supplier.0.retry_11_3": 1})
