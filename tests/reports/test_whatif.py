"""report.html: the answer at a glance, every chart with its numbers, the same bytes for the same input."""
from __future__ import annotations

import copy
import re

from reports.whatif import render_report, results, sweep_axes, sweep_points, write_report


def test_a_single_run_has_the_results_table_three_charts_and_their_tables(summary, replications, tmp_path):
    html = write_report(tmp_path, summary, replications).read_text()
    assert "Under mp105, 1.00 % (0.00 – 2.08 %) of 1,000 devices were left Suspended" in html
    assert html.count('<div class="chart-row') == 3 and html.count("<svg ") == 3
    assert html.count("The numbers in this chart") == 3
    assert '<a href="replications.csv">replications.csv</a>' in html
    assert not (tmp_path / "replications.csv").exists()  # the simulation writes it, not the report


def test_a_sweep_draws_each_rule_set_against_the_loss_rate(sweep):
    points = sweep_points(sweep)
    assert sweep_axes(points) == ("loss.11.3.response", ["ruleset"])
    html = render_report(sweep, [])
    assert html.count("<svg ") == 4
    assert "Devices left Suspended with 40 % of 11.3 responses lost: legacy: 40.00 %" in html
    legend = re.findall(r">(legacy|mp105-option1|mp105)</text>", html)  # SVG text stays text
    assert set(legend) == {"legacy", "mp105-option1", "mp105"}


def test_a_sweep_with_no_numeric_parameter_plots_points_as_categories(sweep):
    by_ruleset = {"sweep": [p for p in sweep["sweep"] if p["parameters"]["loss.11.3.response"] == 0.2]}
    for p in by_ruleset["sweep"]:
        p["parameters"] = {"ruleset": p["parameters"]["ruleset"]}
    assert sweep_axes(sweep_points(by_ruleset)) == (None, ["ruleset"])
    assert render_report(by_ruleset, []).count("<svg ") == 4


def test_missing_and_not_a_number_metrics_render_as_a_dash(summary):
    broken = copy.deepcopy(summary)
    broken["metrics"]["time_to_restore_hours_p50"] = {"mean": float("nan"), "ci95": [None, None]}
    del broken["metrics"]["wasted_firmware_updates_per_device"]
    del broken["alerts"], broken["performance"], broken["manifest"]
    table = results(broken)
    assert table["points"][0]["values"]["time_to_restore_hours_p50"] == {"mean": None, "lo": None, "hi": None}
    html = render_report(broken, [])
    assert "No manifest was recorded with this summary." in html


def test_an_optional_time_to_restore_histogram_is_drawn_with_its_table(summary):
    with_hist = dict(summary, distributions={"time_to_restore_hours": {"edges": [0, 1, 2, 4], "counts": [10, 30, 5]}})
    html = render_report(with_hist, [])
    assert "Distribution of time to restore" in html and html.count("<svg ") == 4


def test_the_same_input_gives_the_same_bytes(sweep):
    assert render_report(sweep, []) == render_report(copy.deepcopy(sweep), [])


def test_svg_ids_are_unique_across_the_charts_of_a_page(sweep):
    ids = re.findall(r' id="([^"]+)"', render_report(sweep, []))
    assert len(ids) == len(set(ids))


def test_the_report_prints_cleanly(summary):
    html = render_report(summary, [])
    assert "@media print" in html and "@page { size: A4" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def _real_sweep() -> dict:
    """The golden tiny sweep's summary.json: a real `sm-harness run` output (tests/golden)."""
    import json
    from pathlib import Path

    return json.loads((Path(__file__).resolve().parents[1] / "golden" / "expected" / "summary.json").read_text())


def test_the_report_leads_with_the_paired_differences_against_the_baseline():
    html = render_report(_real_sweep(), [])
    lead = html.index('<div class="verdict ok headline"')
    assert html.index("mp105 against legacy: ", lead) < html.index('id="scenario"')
    assert "pp left Suspended [" in html
    assert html.index('id="differences"') < html.index('id="scenario"') < html.index('id="results"')
    assert "Paired differences against ruleset = legacy" in html and "variance ÷" in html


def test_the_traffic_profile_is_a_stacked_chart_per_point_with_its_peak_and_every_hour_in_a_table():
    summary = _real_sweep()
    html = render_report(summary, [])
    assert 'id="chart-traffic"' in html and html.count("<svg ") == 5
    for point in summary["points"]:
        peak = point["traffic_per_hour"]["peak"]
        assert f"<td class=\"num\">{peak['hour']}</td>" in html
    assert "Requests in every hour (120 hours)" in html
    assert html.count("<tr><td>119</td>") == 1  # the last hour's row of the hourly table


def test_the_break_even_fleet_is_the_implementation_cost_over_the_saving_per_device():
    from reports.whatif_costs import break_even

    assert break_even(150000, 20000, 18000, 22000) == "7,500 (6,818 – 8,333)"  # GBP per 1,000 devices
    assert break_even(150000, 20000, -500, 40500) == "7,500 (the interval includes no saving)"
    assert break_even(150000, -10, -20, 0) == "never: no saving"
    assert break_even(150000, None, None, None) == "never: no saving"


def test_the_break_even_counts_the_devices_suspended_not_the_fleet_with_its_gpfs():
    from reports.whatif_costs import break_even, costs_view

    # 850 of 1,000 fleet devices Suspended (the GPFs never are): GBP 20 per 1,000 fleet devices is
    # GBP 20 / 850 per device Suspended, so GBP 150 is recovered after 150 / 20 x 850 = 6,375 of them
    assert break_even(150000, 20000, 18000, 22000, 0.85) == "6,375 (5,795 – 7,083)"
    difference = {"mean": -20000.0, "ci95": [-22000.0, -18000.0]}
    summary = {"costs": {"implementation_cost": 150000}, "compare": {"baseline": {"ruleset": "legacy"}, "headline": {}},
               "points": [{"params": {"ruleset": "legacy"}, "devices": 1000, "ever_suspended": 850.0},
                          {"params": {"ruleset": "mp105"}, "devices": 1000, "ever_suspended": 850.0}],
               "comparisons": [{"baseline": {"ruleset": "legacy"}, "point": {"ruleset": "mp105"},
                                "metrics": {"cost_per_1000_devices": {"difference": difference}}}]}
    view = costs_view(summary)
    assert view["columns"][-1] == "Break-even: devices Suspended"
    assert view["rows"][0][-1] == "6,375 (5,795 – 7,083)"
    assert "recovered once 6,375 (5,795 – 7,083) devices have been Suspended" in view["lines"][0]
    for point in summary["points"]:  # a summary.json written before the count was kept: fleet devices, said so
        del point["ever_suspended"]
    view = costs_view(summary)
    assert view["columns"][-1] == "Break-even: fleet devices (GPFs included)"
    assert view["rows"][0][-1] == "7,500 (6,818 – 8,333)"
    assert "7,500 (6,818 – 8,333) devices of a fleet like this study's (GPFs included)" in view["lines"][0]
