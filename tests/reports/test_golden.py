"""Golden tests: the JSON the reports derive from a small fixed input, pinned byte for byte.

Regenerate after an intended change with `SM_HARNESS_UPDATE_GOLDEN=1 pytest tests/reports/test_golden.py`
and read the diff before committing it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reports.counts import check_counts
from reports.traceability import traceability_matrix
from reports.whatif import results
from tests.reports.conftest import FIXTURES, GOLDEN

GOLDEN_RUN = Path(__file__).resolve().parents[1] / "golden" / "expected"  # a real run's outputs


def _matches_golden(name: str, data) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path = GOLDEN / name
    if os.environ.get("SM_HARNESS_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if not path.is_file():
        pytest.fail(f"{path} is missing: run with SM_HARNESS_UPDATE_GOLDEN=1 to write it")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def test_traceability_matrix_of_the_small_evidence(evidence, rulebook):
    _matches_golden("traceability_small.json", traceability_matrix(evidence["scenarios"], rulebook))


def test_count_check_of_the_small_evidence_and_its_junit(evidence, junit):
    _matches_golden("counts_small.json", check_counts(evidence, junit).as_dict())


def test_whatif_results_of_a_single_run(summary):
    _matches_golden("whatif_single.json", results(summary))


def test_whatif_results_of_a_sweep(sweep):
    _matches_golden("whatif_sweep.json", results(sweep))


def test_the_fixtures_follow_the_evidence_contract(evidence, hostile_evidence):
    """The hand-written fixtures have the shape the real producer writes: its keys, its trace kinds, a
    skipped scenario's `reason`. Checked against tests/golden's evidence.json of a real `sm-harness features`
    run, so a fixture cannot drift into a contract of its own (they once had `alert` kinds and a skip
    reason in `failure`, and the HTML passed its tests while never showing a real skip reason)."""
    from harness.sim.world import TRACE_KINDS

    real = json.loads((GOLDEN_RUN / "evidence.json").read_text(encoding="utf-8"))
    real_scenario_keys = {status: set(s) for s in real["scenarios"] for status in [s["status"]]}
    for fixture in (evidence, hostile_evidence):
        assert set(fixture) == set(real) == {"manifest", "summary", "scenarios"}
        assert set(fixture["manifest"]) == set(real["manifest"])
        for scenario in fixture["scenarios"]:
            wanted = real_scenario_keys.get(scenario["status"], real_scenario_keys["passed"])
            assert set(scenario) == wanted, scenario["id"]
            for message in scenario["messages"]:
                assert message["kind"] in TRACE_KINDS
                assert set(message) - {"xml"} == {"time", "kind", "srv", "device_id", "user", "code", "details",
                                                  "device", "user_alias", "step"}
    assert (FIXTURES / "junit_small.xml").is_file()
