"""Paired comparisons: each sweep point against its baseline, replication by replication.

Points share their random streams, so replication r of two points loses the same messages: with no
retries under legacy, a device is left Suspended when the uniform draw u of its 11.3 response is below p.
At p = 0.2 against a baseline of p = 0.1 the per-device difference is 1{0.1 <= u < 0.2}: its mean is
0.1 and its variance 0.1 * 0.9 = 0.09 per device, against 0.2 * 0.8 + 0.1 * 0.9 = 0.25 for two
independent runs, a variance reduction of 0.25 / 0.09 = 2.78.
"""
from __future__ import annotations

import math

import pytest

from harness.cli import main
from harness.study import scenario
from harness.study.comparisons import comparisons, paired
from harness.study.metrics import t95
from harness.study.replication import run_replication
from harness.study.study_plan import plan
from tests.sim.helpers import write_scenario


def run_points(path, sweep, replications, compare=None):
    overrides = {"compare.baseline": compare} if compare else None
    study = plan(scenario.load(path, overrides, sweep), replications=replications)
    results = {(p, r): run_replication(data, r) for p, data in enumerate(study.datas) for r in range(replications)}
    return study, results


def test_a_paired_difference_is_the_mean_of_the_differences_with_its_t_interval():
    result = paired([0.30, 0.25, 0.32, 0.28], [0.20, 0.16, 0.21, 0.19])
    differences = [0.10, 0.09, 0.11, 0.09]
    mean = sum(differences) / 4
    sd = math.sqrt(sum((d - mean) ** 2 for d in differences) / 3)
    assert result["difference"]["mean"] == pytest.approx(mean)
    lo, hi = result["difference"]["ci95"]
    assert hi - mean == pytest.approx(mean - lo) == pytest.approx(t95(3) * sd / 2)
    xs, ys = [0.30, 0.25, 0.32, 0.28], [0.20, 0.16, 0.21, 0.19]
    var = lambda v: sum((x - sum(v) / len(v)) ** 2 for x in v) / (len(v) - 1)  # noqa: E731
    assert result["variance_reduction"] == pytest.approx((var(xs) + var(ys)) / sd**2, rel=1e-5)


def test_a_difference_may_be_negative_and_missing_values_are_left_out_in_pairs():
    result = paired([0.1, None, 0.1], [0.3, 0.2, None])
    assert result == {"difference": {"mean": -0.2, "ci95": [-0.2, -0.2]}, "variance_reduction": None}
    assert paired([1.0, 2.0], [1.0, 2.0])["variance_reduction"] is None  # no paired variance at all


def test_every_point_is_compared_with_the_legacy_point_of_the_same_loss(tmp_path):
    path = write_scenario(tmp_path, count=300, retries=1)
    study, results = run_points(path, {"ruleset": ["legacy", "mp105"], "loss.11.3.response": [0.1, 0.3]}, 2)
    found = comparisons(study, results)
    assert [(c["point"], c["baseline"]) for c in found] == [
        ({"ruleset": "mp105", "loss.11.3.response": 0.1}, {"ruleset": "legacy", "loss.11.3.response": 0.1}),
        ({"ruleset": "mp105", "loss.11.3.response": 0.3}, {"ruleset": "legacy", "loss.11.3.response": 0.3}),
    ]
    mp105, legacy = study.params.index(found[1]["point"]), study.params.index(found[1]["baseline"])
    per_replication = [results[(mp105, r)]["metrics"]["suspended_at_end_fraction"]
                       - results[(legacy, r)]["metrics"]["suspended_at_end_fraction"] for r in range(2)]
    assert found[1]["metrics"]["suspended_at_end_fraction"]["difference"]["mean"] == pytest.approx(sum(per_replication) / 2)
    assert set(found[0]["metrics"]) == set(results[(0, 0)]["metrics"])


def test_the_baseline_can_be_another_swept_value_and_nothing_is_compared_without_one(tmp_path):
    path = write_scenario(tmp_path, count=100)
    study, results = run_points(path, {"ruleset": ["mp105-option1", "mp105"]}, 1)
    assert comparisons(study, results) == []  # legacy is not swept: no default baseline
    study, results = run_points(path, {"ruleset": ["mp105-option1", "mp105"]}, 1, compare={"ruleset": "mp105-option1"})
    assert [(c["point"], c["baseline"]) for c in comparisons(study, results)] == [
        ({"ruleset": "mp105"}, {"ruleset": "mp105-option1"})]


@pytest.mark.slow
def test_pairing_narrows_the_interval_of_a_difference_as_the_closed_form_says(tmp_path):
    count, replications = 400, 12
    path = write_scenario(tmp_path, ruleset="legacy", count=count, p=0.2)
    study, results = run_points(path, {"loss.11.3.response": [0.1, 0.2]}, replications,
                                compare={"loss.11.3.response": 0.1})
    (found,) = comparisons(study, results)
    metric = found["metrics"]["suspended_at_end_fraction"]
    n = count * replications
    assert abs(metric["difference"]["mean"] - 0.1) <= 4 * math.sqrt(0.09 / n)
    # the paired interval is narrower than the interval two independent runs would give
    a = [results[(1, r)]["metrics"]["suspended_at_end_fraction"] for r in range(replications)]
    b = [results[(0, r)]["metrics"]["suspended_at_end_fraction"] for r in range(replications)]
    var = lambda v: sum((x - sum(v) / len(v)) ** 2 for x in v) / (len(v) - 1)  # noqa: E731
    unpaired_half = t95(2 * replications - 2) * math.sqrt((var(a) + var(b)) / replications)
    lo, hi = metric["difference"]["ci95"]
    assert (hi - lo) / 2 < unpaired_half
    # and the variance reduction is the closed form's 2.78, within the sampling error of 12 variances
    assert 1.5 < metric["variance_reduction"] < 6.0


def test_the_summary_carries_the_comparisons_and_the_baseline(tmp_path):
    path = write_scenario(tmp_path, count=60, replications=2)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet", "--workers", "1", "--sweep", "ruleset=legacy,mp105"]) == 0
    import json

    summary = json.loads((out / "summary.json").read_text())
    assert summary["compare"] == {"baseline": {"ruleset": "legacy"}, "headline": {}}
    assert [c["point"] for c in summary["comparisons"]] == [{"ruleset": "mp105"}]
    assert "Paired differences against ruleset = legacy" in (out / "report.html").read_text()


@pytest.mark.parametrize(
    "compare, expected",
    [
        ("{ seed = 3 }", "compare.baseline.seed: not a swept key (swept: ruleset)"),
        ('{ ruleset = "mp105-option1" }', "compare.baseline.ruleset: 'mp105-option1' is not one of its swept values"),
        ("{ ruleset = [1] }", "compare.baseline: ruleset: must be a single value"),
        ('"legacy"', "compare.baseline: expected a table"),
    ],
)
def test_a_bad_baseline_is_one_line_and_exit_2(tmp_path, capsys, compare, expected):
    path = write_scenario(tmp_path, count=10)
    path.write_text(path.read_text() + f'\n[sweep]\nruleset = ["legacy", "mp105"]\n\n[compare]\nbaseline = {compare}\n')
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()
