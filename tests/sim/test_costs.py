"""Site visits and cost ([costs]): a meter still Suspended site_visit_after_hours after its suspension
gets a visit that restores it, and every visit, update and request is priced.

Closed form: legacy, no retries, no sweeps; each 11.3 response lost with probability p. The devices left
Suspended are the ones whose response was lost, so at A hours (A < horizon) a share p of the meters gets
a visit, and none is left Suspended at the end.
"""
from __future__ import annotations

import json
import math

import pytest

from dsp import DeviceStatus
from harness.cli import main
from harness.sim.site_visits import SiteVisits
from harness.sim.supplier import Supplier
from harness.study import scenario
from harness.study.replication import run_replication
from harness.study.world_setup import build, policy_of
from tests.sim.helpers import write_scenario

P = 0.2
COSTS = "\n[costs]\nper_service_request = 0.05\nper_firmware_update = 1.5\nper_site_visit = 120\nsite_visit_after_hours = 48\n"


def with_costs(tmp_path, extra=COSTS, **kwargs):
    kwargs.setdefault("p", P)
    path = write_scenario(tmp_path, **kwargs)
    path.write_text(path.read_text() + extra)
    return path


def test_a_meter_still_suspended_gets_a_visit_that_restores_it_and_none_is_left_suspended(tmp_path):
    count = 3000
    result = run_replication(scenario.load(with_costs(tmp_path, ruleset="legacy", count=count)).data, 0)
    visits = result["metrics"]["site_visits_per_1000_devices"] / 1000
    assert abs(visits - P) <= 4 * math.sqrt(P * (1 - P) / count)
    assert result["metrics"]["suspended_at_end_fraction"] == 0.0
    assert result["metrics"]["firmware_misaligned_at_end_fraction"] == 0.0
    assert result["metrics"]["time_to_restore_hours_p95"] == 48.0  # the visits restore at 48 h


def test_the_cost_is_each_request_update_and_visit_at_its_price(tmp_path):
    data = scenario.load(with_costs(tmp_path, ruleset="mp105", retries=1, count=500)).data
    result = run_replication(data, 0)
    metrics, n = result["metrics"], result["devices"]
    visits = metrics["site_visits_per_1000_devices"] * n / 1000
    expected = 0.05 * result["supplier_service_requests"] + 1.5 * result["firmware_updates"] + 120 * visits
    assert metrics["cost_per_1000_devices"] == pytest.approx(1000 * expected / n)


def test_a_visit_installs_the_firmware_on_a_device_that_does_not_run_it_and_corrects_the_smi(tmp_path):
    path = with_costs(tmp_path, ruleset="legacy", count=20, p=0.0)
    data = scenario.load(path, {"devices.activation_failure": 1.0}).data  # every activation fails
    world, fleet = build(data, 0)
    supplier = Supplier(world, fleet, policy_of(data))
    for device_type, model, version in fleet.removed:
        world.remove_from_cpl(device_type, model, version)
    supplier.start()
    visits = SiteVisits(world, 48 * 3600, "0200BBBB")
    visits.start()
    world.run(47 * 3600)
    assert all(r.status is DeviceStatus.SUSPENDED for r in world.dsp.inventory)
    assert {d.running for d in world.devices.values()} == {"0100AAAA"}
    world.run(49 * 3600)
    assert visits.visits == 20
    for record in world.dsp.inventory:
        assert record.status is DeviceStatus.COMMISSIONED and record.history[-1] == (DeviceStatus.COMMISSIONED, 48 * 3600)
        assert record.firmware == world.devices[record.device_id].running == "0200BBBB"


def test_without_costs_there_are_no_cost_metrics(tmp_path):
    result = run_replication(scenario.load(write_scenario(tmp_path, count=50)).data, 0)
    assert "cost_per_1000_devices" not in result["metrics"] and "site" not in json.dumps(result["metrics"])


def test_summary_and_report_weigh_the_paired_saving_against_the_implementation_cost(tmp_path):
    out = tmp_path / "out"
    path = with_costs(tmp_path, count=300, replications=2, retries=2)
    assert main(["run", str(path), "--out", str(out), "--quiet", "--workers", "1", "--sweep", "ruleset=legacy,mp105"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["costs"]["implementation_cost"] == 150000.0  # the seed's upper estimate, by default
    difference = summary["comparisons"][0]["metrics"]["cost_per_1000_devices"]["difference"]
    assert difference["mean"] < 0  # mp105's retries restore what legacy pays engineers to visit
    html = (out / "report.html").read_text()
    saving = -difference["mean"]
    assert f"saves £{saving:,.0f} per 1,000 devices" in html
    point = summary["points"][1]  # mp105's: the break-even counts the devices Suspended, not the fleet's GPFs
    suspended_share = point["ever_suspended"] / point["devices"]
    assert 0 < suspended_share <= 1
    assert f"once {150000 / saving * 1000 * suspended_share:,.0f} (" in html
    assert "devices have been Suspended by a CPL removal" in html


@pytest.mark.parametrize("edit, expected", [
    (("per_site_visit = 120", "per_site_visit = -120"), "costs.per_site_visit: must be >= 0"),
    (("site_visit_after_hours = 48", "site_visit_after_hours = -1"), "costs.site_visit_after_hours: must be >= 0"),
    (("per_site_visit", "per_visit"), "costs.per_visit: unknown key (expected one of per_service_request"),
    (("per_site_visit = 120", 'per_site_visit = 120\nimplementation_cost = "lots"'), "costs.implementation_cost: expected a number"),
])
def test_bad_costs_are_one_line_and_exit_2(tmp_path, capsys, edit, expected):
    out = tmp_path / "out"
    assert main(["run", str(with_costs(tmp_path, COSTS.replace(*edit))), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err and not out.exists()
