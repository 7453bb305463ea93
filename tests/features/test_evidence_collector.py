"""What the evidence collector records beyond outcomes, for the formats a test-management tool imports:
when each scenario started, each step's duration and definition, the step each message belongs to, the
example row and its line, the scenario's own tags, the kind of record, and the feature texts and platform
in the manifest, so evidence.json stands on its own."""
from __future__ import annotations

import json
import platform
from datetime import datetime
from pathlib import Path

import pytest

from features.runner.suite import run_features
from reports.evidence_pack import pack_counts
from tests.features.conftest import write_feature

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_FEATURE = ROOT / "tests" / "golden" / "fixtures" / "golden.feature"

OUTLINE = '''@feature-tag
Feature: Rows and their lines

  @outline-tag
  Scenario Outline: rules <ruleset>
    Given the DSP applies the "<ruleset>" rules

    Examples: first
      | ruleset | note |
      | mp105   | a    |
      | legacy  | b    |

    @second-table
    Examples: second
      | ruleset | note |

      # a comment between rows
      | mp105   | a    |
'''


@pytest.fixture(scope="module")
def golden(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("golden")
    run_features([str(GOLDEN_FEATURE)], out=str(out), seed=5)
    return json.loads((out / "evidence.json").read_text())


def test_each_scenario_has_its_start_and_each_step_that_ran_its_duration(golden):
    records = [r for r in golden["scenarios"]]
    starts = [datetime.fromisoformat(r["started"]) for r in records]
    assert starts == sorted(starts) and starts[0] >= datetime.fromisoformat(golden["manifest"]["started"])
    passed = next(r for r in records if r["status"] == "passed")
    assert all(s["duration_s"] > 0 for s in passed["steps"])
    assert sum(s["duration_s"] for s in passed["steps"]) <= passed["duration_s"]
    skipped = next(r for r in records if r["status"] == "skipped")
    assert [s["duration_s"] for s in skipped["steps"]] == [None] * len(skipped["steps"])  # none of them ran


def test_each_step_names_the_definition_it_matched_by_file_and_line(golden):
    for record in golden["scenarios"]:
        for step in record["steps"]:
            match = step["match"]
            assert match["uri"].startswith("features/steps/") and match["uri"].endswith("_steps.py")
            decorator = (ROOT / match["uri"]).read_text().splitlines()[match["line"] - 1]
            assert decorator.startswith("@step("), (step["text"], decorator)
            import re

            assert re.fullmatch(match["pattern"], step["text"])


def test_each_message_names_the_step_during_which_it_was_sent(golden):
    passed = next(r for r in golden["scenarios"] if r["status"] == "passed")
    senders = {m["step"] for m in passed["messages"]}
    assert None not in senders
    texts = {passed["steps"][i]["text"] for i in senders}
    assert 'the supplier sends SR 11.2 to "E1"' in texts and "these devices are in the inventory:" not in texts
    steps = [m["step"] for m in passed["messages"]]
    assert steps == sorted(steps)  # the trace is in the order the steps ran
    request = next(m for m in passed["messages"] if m["kind"] == "request" and m["srv"] == "11.2")
    assert passed["steps"][request["step"]]["text"] == 'the supplier sends SR 11.2 to "E1"'


def test_the_manifest_carries_each_feature_files_text_and_the_platform(golden):
    (feature,) = golden["manifest"]["features"]
    assert feature["text"] == GOLDEN_FEATURE.read_text()
    assert golden["manifest"]["os"] == {"name": platform.system(), "version": platform.release()}
    assert golden["manifest"]["cpu"] == {"name": platform.machine()}
    assert golden["manifest"]["schema_version"] == 2
    assert {r["kind"] for r in golden["scenarios"]} == {"scenario"}


def test_an_outline_row_keeps_its_example_its_line_and_the_tags_written_on_it(tmp_path):
    path = write_feature(tmp_path, "rows.feature", OUTLINE)
    out = tmp_path / "out"
    result = run_features([str(path)], out=str(out))
    records = result.evidence["scenarios"]
    lines = OUTLINE.splitlines()
    assert [r["example_line"] for r in records] == [10, 11, 18]
    assert [lines[r["example_line"] - 1].split("|")[1].strip() for r in records] == ["mp105", "legacy", "mp105"]
    assert [r["example"] for r in records] == [{"ruleset": "mp105", "note": "a"}, {"ruleset": "legacy", "note": "b"},
                                               {"ruleset": "mp105", "note": "a"}]  # the same row twice: its line tells
    assert records[0]["scenario_tags"] == ["outline-tag"] and records[2]["scenario_tags"] == ["outline-tag", "second-table"]
    assert records[2]["tags"] == ["feature-tag", "outline-tag", "second-table"]
    assert pack_counts(out, result.evidence).agree  # the formats find each row by its line
    cucumber = json.loads((out / "cucumber.json").read_text())
    assert [e["line"] for e in cucumber[0]["elements"]] == [10, 11, 18]


def test_an_examples_table_naming_a_column_twice_cannot_be_run(tmp_path):
    """pytest-bdd would fill <ruleset> from the last such column, Cucumber from the first."""
    path = write_feature(tmp_path, "twice.feature", OUTLINE.replace("| ruleset | note |", "| ruleset | ruleset |", 1))
    result = run_features([str(path)])
    (record,) = result.evidence["scenarios"]
    assert record["kind"] == "feature_file"
    assert record["failure"].endswith("twice.feature:8: the Examples table names column 'ruleset' twice; each "
                                      "column needs its own name")


def test_a_feature_file_that_cannot_be_run_is_a_record_of_its_own_kind(tmp_path):
    write_feature(tmp_path, "broken.feature", "Feature: broken\n  Scenario: x\n    Given foo\n  Nonsense here\n")
    (tmp_path / "latin.feature").write_bytes("Feature: café\n  Scenario: y\n".encode("latin-1"))
    out = tmp_path / "out"
    result = run_features([str(tmp_path)], out=str(out))
    kinds = {r["feature_file"].rsplit("/", 1)[-1]: r["kind"] for r in result.evidence["scenarios"]}
    assert kinds == {"broken.feature": "feature_file", "latin.feature": "feature_file"}
    texts = {Path(f["path"]).name: f["text"] for f in result.evidence["manifest"]["features"]}
    assert texts["latin.feature"] is None and texts["broken.feature"].startswith("Feature: broken")
    assert pack_counts(out, result.evidence).agree  # both are errored in every output, text or none


def test_a_step_that_skips_the_scenario_is_closed_not_left_running(tmp_path):
    path = write_feature(tmp_path, "skips.feature", '''Feature: a step that skips
  Scenario: skipped from inside
    Given the DSP applies the "mp105" rules
    And the step skips the scenario
    Then the response code is "I0"
''')
    out = tmp_path / "out"
    result = run_features([str(path)], out=str(out), plugins=("tests.features.steps_for_tests",))
    (record,) = result.evidence["scenarios"]
    assert (record["status"], record["reason"]) == ("skipped", "skipped from inside a step")
    assert [s["status"] for s in record["steps"]] == ["passed", "skipped", "skipped"]
    assert record["steps"][1]["duration_s"] is not None and record["steps"][2]["duration_s"] is None
    assert record["steps"][1]["match"]["uri"] == "tests/features/steps_for_tests.py"
    cucumber = json.loads((out / "cucumber.json").read_text())
    assert [s["result"]["status"] for s in cucumber[0]["elements"][0]["steps"]] == ["passed", "skipped", "skipped"]
    assert pack_counts(out, result.evidence).agree
