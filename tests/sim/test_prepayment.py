"""Prepayment consumers: SR 2.2 top-ups, a Poisson stream per prepayment meter, rejected E5 while a
SMETS2 meter is Suspended; SMETS1 meters are topped up with Command Variant 2, which R-E5-3 allows.

Closed form (legacy, no retries or sweeps, every meter SMETS2 and in prepayment, fixed latencies d, a
window holding the whole fleet): every meter is Suspended at time 0; the campaign's 11.1 goes at t_s, its
answer is back at t_s + 2d, the 11.3 reaches the meter at t_s + 3d and its response restores it at
t_r = t_s + 4d, unless it is lost (probability p): then the meter stays Suspended to the horizon H. With
top-ups at rate lambda the suspended time S is H (probability p) or t_r, so per meter

- top-ups rejected: E = lambda (p H + (1 - p) t_r), variance lambda E[S] + lambda^2 Var(S);
- hours Suspended: E[S] = p H + (1 - p) t_r, Var(S) = p (1 - p) (H - t_r)^2;
- share with at least one rejected: p (1 - exp(-lambda H)) + (1 - p) (1 - exp(-lambda t_r)).

The simulated means over N meters must lie within 4 standard errors.
"""
from __future__ import annotations

import json
import math

import pytest

from harness.cli import main
from harness.sim.topups import TopUps
from harness.sim.traffic import Traffic
from harness.study import scenario
from harness.study.prepayment import is_prepayment, prepay_meters, suspended_seconds
from harness.study.replication import run_replication
from harness.study.world_setup import build
from tests.sim.helpers import write_scenario

P, RATE, D, START, H = 0.2, 2.0, 60.0, 1.0, 96.0


def prepaid(tmp_path, *, share=1.0, rate=RATE, smets=2, **kwargs):
    kwargs.setdefault("p", P)
    path = write_scenario(tmp_path, smets=smets, **kwargs)
    text = path.read_text().replace('firmware = "0100AAAA"\n', f'firmware = "0100AAAA"\nprepayment = {share}\n', 1)
    path.write_text(text + f"\n[prepayment]\ntopups_per_day = {rate}\n")
    return path


def within(observed, expected, se):
    assert abs(observed - expected) <= 4 * se, f"{observed} not within 4 SE ({se:.4g}) of {expected}"


@pytest.mark.slow
def test_rejected_top_ups_and_hours_suspended_follow_the_closed_form_under_legacy(tmp_path):
    count, replications = 3000, 2
    overrides = {"horizon_hours": H, "campaign.window": count, "campaign.start_hour": START,
                 "latency.request": D, "latency.response": D}
    data = scenario.load(prepaid(tmp_path, ruleset="legacy", count=count), overrides).data
    runs = [run_replication(data, r) for r in range(replications)]
    n = count * replications
    lam, horizon, restored_at = RATE / 86400, H * 3600, START * 3600 + 4 * D
    mean_s = P * horizon + (1 - P) * restored_at
    var_s = P * (1 - P) * (horizon - restored_at) ** 2
    observed = {m: sum(r["metrics"][m] for r in runs) / replications for m in runs[0]["metrics"]}
    within(observed["topups_rejected_per_prepay_device"], lam * mean_s, math.sqrt((lam * mean_s + lam**2 * var_s) / n))
    within(observed["prepay_hours_suspended_per_prepay_device"], mean_s / 3600, math.sqrt(var_s / n) / 3600)
    share = P * (1 - math.exp(-lam * horizon)) + (1 - P) * (1 - math.exp(-lam * restored_at))
    within(observed["prepay_topup_rejected_fraction"], share, math.sqrt(share * (1 - share) / n))


def test_rejected_top_ups_follow_the_closed_form_quick(tmp_path):
    count = 1500
    overrides = {"horizon_hours": H, "campaign.window": count, "campaign.start_hour": START,
                 "latency.request": D, "latency.response": D}
    result = run_replication(scenario.load(prepaid(tmp_path, ruleset="legacy", count=count), overrides).data, 0)
    lam, horizon, restored_at = RATE / 86400, H * 3600, START * 3600 + 4 * D
    mean_s = P * horizon + (1 - P) * restored_at
    var_s = P * (1 - P) * (horizon - restored_at) ** 2
    within(result["metrics"]["topups_rejected_per_prepay_device"], lam * mean_s,
           math.sqrt((lam * mean_s + lam**2 * var_s) / count))


def test_with_the_reports_exception_smets1_prepayment_meters_are_topped_up_while_suspended_none_rejected(tmp_path):
    path = prepaid(tmp_path, ruleset="legacy", smets=1, count=400)
    result = run_replication(scenario.load(path, {"dsp.smets1_top_up_cv2_when_suspended": True}).data, 0)
    assert result["metrics"]["topups_rejected_per_prepay_device"] == 0.0
    assert result["metrics"]["prepay_topup_rejected_fraction"] == 0.0
    assert result["metrics"]["prepay_hours_suspended_per_prepay_device"] > 30  # Suspended, yet topped up
    assert "E5" not in result["counts"]


def test_by_default_a_suspended_smets1_prepayment_meter_refuses_top_ups_as_annex_b_reads(tmp_path):
    """R-E5-8: the legal text's E5 row excepts no 2.2, so SMETS1 consumers are refused like SMETS2 ones."""
    result = run_replication(scenario.load(prepaid(tmp_path, ruleset="legacy", smets=1, count=400)).data, 0)
    assert result["metrics"]["topups_rejected_per_prepay_device"] > 0
    assert result["metrics"]["prepay_topup_rejected_fraction"] > 0
    assert result["counts"]["E5"] > 0


def test_top_ups_use_command_variant_1_on_smets2_and_2_on_smets1_and_are_in_the_traffic(tmp_path):
    for smets, variant in ((2, 1), (1, 2)):
        data = scenario.load(prepaid(tmp_path, smets=smets, count=50, rate=24.0)).data
        world, _ = build(data, 0, trace=True)
        traffic = Traffic(10 * 3600)
        topups = TopUps(world, prepay_meters(world, data), 24.0, 10 * 3600, traffic)
        topups.start()
        world.run(10 * 3600)
        requests = [e.message for e in world.trace if e.kind == "request" and e.srv == "2.2"]
        assert requests and {r.command_variant for r in requests} == {variant}
        assert len(requests) == topups.sent == sum(traffic.as_dict()["2.2"]) == sum(topups.arrivals)
        assert all(0 <= e.time < 10 * 3600 for e in world.trace if e.kind == "request")


def test_the_arrivals_are_the_same_whatever_the_rule_set_and_the_shards(tmp_path):
    path = prepaid(tmp_path, count=300, retries=2)
    sent = {}
    for ruleset in ("legacy", "mp105"):
        for shards in (1, 3):
            result = run_replication(scenario.load(path, {"ruleset": ruleset, "shards": shards}).data, 1)
            sent[(ruleset, shards)] = sum(result["traffic"]["2.2"])
    assert len(set(sent.values())) == 1, sent


def test_top_ups_change_no_firmware_outcome(tmp_path):
    """A SMETS2 top-up reaches only a meter that is not Suspended, and a SMETS1 top-up is delivered
    locally: neither shifts the random draws of the campaign's messages."""
    for smets in (2, 1):
        path = write_scenario(tmp_path, ruleset="mp105", smets=smets, count=400, retries=1, sweeps=1, q=0.3)
        without = run_replication(scenario.load(path).data, 0)
        with_topups = run_replication(scenario.load(prepaid(tmp_path, smets=smets, count=400, retries=1, sweeps=1, q=0.3)).data, 0)
        for name, value in without["metrics"].items():
            assert with_topups["metrics"][name] == value, name


def test_a_groups_share_of_prepayment_meters_is_spread_through_it():
    meters = [u for u in range(1000) if is_prepayment(u, 0.3)]
    assert len(meters) == pytest.approx(300, abs=2)
    assert all(any(is_prepayment(u, 0.3) for u in range(start, start + 10)) for start in range(0, 1000, 10))


def test_hours_suspended_are_counted_up_to_the_horizon():
    from dsp import DeviceStatus as S

    assert suspended_seconds([(S.COMMISSIONED, 0.0), (S.SUSPENDED, 0.0), (S.COMMISSIONED, 50.0)], 100.0) == 50.0
    assert suspended_seconds([(S.COMMISSIONED, 0.0), (S.SUSPENDED, 10.0)], 100.0) == 90.0
    assert suspended_seconds([(S.COMMISSIONED, 0.0)], 100.0) == 0.0


def test_summary_report_and_suppliers_carry_the_prepayment_metrics(tmp_path):
    out = tmp_path / "out"
    path = prepaid(tmp_path, share=0.5, count=200, replications=2)
    assert main(["run", str(path), "--out", str(out), "--quiet", "--workers", "1", "--sweep", "ruleset=legacy,mp105"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    for name in ("topups_rejected_per_prepay_device", "prepay_topup_rejected_fraction", "prepay_hours_suspended_per_prepay_device"):
        assert name in summary["metrics"] and name in summary["comparisons"][0]["metrics"]
    assert sum(summary["points"][0]["traffic_per_hour"]["by_srv"]["2.2"]) > 0
    html = (out / "report.html").read_text()
    assert "Top-ups rejected (E5) per prepayment meter" in html and 'id="chart-prepay"' in html


@pytest.mark.parametrize("edit, expected", [
    (('type = "ESME"', 'type = "CHF"'), "fleet[0].prepayment: only ESME and GSME meters take top-ups (SR 2.2), not CHF"),
    (("prepayment = 1.0", "prepayment = 1.5"), "fleet[0].prepayment: must be a probability in [0, 1]"),
    (("topups_per_day = 2.0", "topups_per_day = -1"), "prepayment.topups_per_day: must be >= 0"),
    (("topups_per_day = 2.0", "top_ups_per_day = 1"), "prepayment.top_ups_per_day: unknown key"),
])
def test_bad_prepayment_input_is_one_line_and_exit_2(tmp_path, capsys, edit, expected):
    path = prepaid(tmp_path)
    path.write_text(path.read_text().replace(*edit))
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err and not out.exists()
