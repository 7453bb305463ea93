"""Reproducibility: the same scenario and seed give byte-identical summary.json (performance aside),
whatever the worker count or executor; an interrupted study keeps its work and resumes to the same end."""
from __future__ import annotations

import json

import pytest

from harness.study import runner as replicate, scenario
from harness.sim.streams import Streams
from tests.sim.helpers import write_scenario


def stable(out) -> str:
    summary = json.loads((out / "summary.json").read_text())
    summary.pop("performance")
    return json.dumps(summary, indent=2)


def study(tmp_path, **kwargs):
    loaded = scenario.load(write_scenario(tmp_path, retries=1, sweeps=1, q=0.3, count=600), sweep={"ruleset": ["legacy", "mp105"]})
    return replicate.plan(loaded, **kwargs)


def test_one_and_two_workers_give_the_same_summary_and_csv(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    replicate.run_study(study(tmp_path), one, workers=1)
    replicate.run_study(study(tmp_path), two, workers=2)
    assert stable(one) == stable(two)
    assert (one / "replications.csv").read_bytes() == (two / "replications.csv").read_bytes()
    assert (one / "report.html").exists()


def test_summary_holds_the_issue_shape_and_the_manifest(tmp_path):
    out = tmp_path / "out"
    summary = replicate.run_study(study(tmp_path), out)
    assert {"name", "ruleset", "seed", "replications", "devices", "metrics", "alerts", "responses", "performance"} <= set(summary)
    assert set(summary["performance"]) >= {"wall_seconds", "service_requests", "service_requests_per_second", "peak_rss_mb",
                                           "slowest_task_seconds"}
    # unsharded, a task is a whole replication
    assert summary["performance"]["slowest_task_seconds"] <= summary["performance"]["replication_seconds"]
    assert all(set(m) == {"mean", "ci95"} for m in summary["metrics"].values())
    assert {"N29", "N50", "N51", "N52"} <= set(summary["alerts"]) and "I0" in summary["responses"]
    assert summary["manifest"]["scenario_sha256"] and "R-CPL-2" in summary["modelling_decisions"]
    assert [p["ruleset"] for p in summary["points"]] == ["legacy", "mp105"]


def test_an_interrupted_study_keeps_finished_replications_and_resumes_to_the_same_result(tmp_path):
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    replicate.run_study(study(tmp_path), whole)

    def interrupt(point, replication, result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replicate.run_study(study(tmp_path), broken, on_result=interrupt)
    assert not broken.exists()
    kept = (tmp_path / "broken.partial" / "results.jsonl").read_text().splitlines()
    assert len(kept) == 1
    replicate.run_study(study(tmp_path), broken)
    assert stable(whole) == stable(broken) and not (tmp_path / "broken.partial").exists()


def test_a_draw_depends_only_on_its_key():
    a, b = Streams(7, 0), Streams(7, 0)
    assert a.uniform(5, 3, 2) == b.uniform(5, 3, 2)
    assert a.uniform(5, 3, 2) != Streams(7, 1).uniform(5, 3, 2) != Streams(8, 0).uniform(5, 3, 2)
    assert len({a.uniform(d, m, p) for d in range(20) for m in range(20) for p in range(13)}) == 20 * 20 * 13


@pytest.mark.slow
def test_dask_gives_the_same_summary_as_the_local_pool(tmp_path):
    pytest.importorskip("distributed")
    local, dask = tmp_path / "local", tmp_path / "dask"
    replicate.run_study(study(tmp_path), local, workers=2)
    replicate.run_study(study(tmp_path), dask, executor="dask", workers=2)
    assert stable(local) == stable(dask)


def test_a_staging_folder_missing_its_results_log_is_started_afresh_not_a_traceback(tmp_path):
    planned, out = study(tmp_path), tmp_path / "out"
    staging = tmp_path / "out.partial"
    staging.mkdir()
    (staging / "study.json").write_text(json.dumps({"key": planned.key}))  # results.jsonl lost
    replicate.run_study(planned, out)
    assert (out / "summary.json").is_file() and not staging.exists()


WHATIF = __import__("pathlib").Path(__file__).resolve().parents[1] / "golden" / "fixtures" / "tiny_whatif.toml"


@pytest.mark.slow
@pytest.mark.parametrize("executor, workers", [("local", 2), ("dask", 2)])
def test_the_what_if_parts_are_byte_identical_whatever_the_workers_and_executor(tmp_path, executor, workers):
    """Suppliers, prepayment top-ups, site visits, comparisons and the traffic profile (issue 14)."""
    if executor == "dask":
        pytest.importorskip("distributed")
    one, other = tmp_path / "one", tmp_path / "other"
    replicate.run_study(replicate.plan(scenario.load(WHATIF)), one, workers=1)
    replicate.run_study(replicate.plan(scenario.load(WHATIF)), other, executor=executor, workers=workers)
    assert stable(one) == stable(other)
    assert (one / "replications.csv").read_bytes() == (other / "replications.csv").read_bytes()


def test_a_resumed_what_if_study_ends_as_an_uninterrupted_one(tmp_path):
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    replicate.run_study(replicate.plan(scenario.load(WHATIF)), whole)

    def interrupt(point, replication, result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replicate.run_study(replicate.plan(scenario.load(WHATIF)), broken, on_result=interrupt)
    replicate.run_study(replicate.plan(scenario.load(WHATIF)), broken)
    assert stable(whole) == stable(broken)


def test_a_decision_a_sweep_changes_is_listed_with_the_points_it_holds_for(tmp_path):
    from harness.cli import main

    path = write_scenario(tmp_path, count=20, replications=1)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet", "--workers", "1",
                 "--sweep", "dsp.suspension_alert_code=N28,N42", "--sweep", "dsp.e21_on_timeout=true,false"]) == 0
    decisions = json.loads((out / "summary.json").read_text())["modelling_decisions"]
    alert = decisions["R-CPL-2"]
    assert alert.startswith("where dsp.suspension_alert_code = N28: ") and "; where dsp.suspension_alert_code = N42: " in alert
    assert "N28" in alert.split("; ")[0] and "N42" in alert.split("; ")[1]
    assert decisions["R-DEV-6"].startswith("where dsp.e21_on_timeout = true: ")
    assert "where dsp.e21_on_timeout = false: " in decisions["R-DEV-6"]
    assert "; " not in decisions["R-T22-1"] and not decisions["R-T22-1"].startswith("where")  # the same at every point
