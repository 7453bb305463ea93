"""The traffic profile: every Service Request the users submit, counted in the hour it was sent, by SRV."""
from __future__ import annotations

import json
import math

from harness.cli import main
from harness.sim.traffic import Traffic
from harness.study import scenario
from harness.study.replication import run_replication
from harness.study.traffic_summary import traffic_per_hour
from tests.sim.helpers import write_scenario


def test_a_request_counts_in_the_hour_it_was_sent_and_not_past_the_horizon():
    traffic = Traffic(2.5 * 3600)
    for srv, now in (("11.1", 0.0), ("11.1", 3599.9), ("11.3", 3600.0), ("11.3", 2.4 * 3600), ("11.3", 3 * 3600)):
        traffic.count(srv, now)
    assert traffic.bins == 3 and traffic.as_dict() == {"11.1": [2, 0, 0], "11.3": [0, 1, 1]}


def test_every_request_of_a_run_is_in_the_profile_and_the_campaign_starts_in_its_hour(tmp_path):
    path = write_scenario(tmp_path, count=300, retries=2, sweeps=1, q=0.1)
    result = run_replication(scenario.load(path, {"campaign.window": 300, "campaign.start_hour": 3}).data, 0)
    profile = result["traffic"]
    assert sum(sum(hours) for hours in profile.values()) == result["service_requests"]
    assert len(profile["11.1"]) == 200  # the helper's horizon, in hours
    assert profile["11.1"][3] == 300 and sum(profile["11.1"]) == 300  # all at once: the window holds the fleet
    assert sum(profile["8.2"]) == 1  # one recovery round, one page


def test_the_summary_is_the_mean_hour_by_hour_and_names_the_peak():
    runs = [{"traffic": {"11.3": [1, 4, 0], "11.1": [2, 0, 0]}}, {"traffic": {"11.3": [0, 6, 1]}}]
    profile = traffic_per_hour(runs, 2.5)
    assert profile == {"hours": 3, "by_srv": {"11.1": [1.0, 0.0, 0.0], "11.3": [0.5, 5.0, 0.5]},
                       "total": [1.5, 5.0, 0.5], "peak": {"hour": 1, "requests": 5.0}}


def test_summary_json_has_each_points_traffic_per_hour(tmp_path):
    path = write_scenario(tmp_path, count=50, replications=2)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet", "--workers", "1", "--sweep", "ruleset=legacy,mp105"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    for point in summary["points"]:
        profile = point["traffic_per_hour"]
        assert profile["hours"] == math.ceil(summary["horizon_hours"]) == len(profile["total"])
        assert math.isclose(sum(profile["total"]), point["service_requests"])
        assert profile["peak"]["requests"] == max(profile["total"])
    html = (out / "report.html").read_text()
    assert "Service requests per hour by SRV" in html and "Requests in every hour (200 hours)" in html
