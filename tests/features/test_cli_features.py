"""`sm-harness features` as a tester meets it: their own files anywhere on disk, readable failures,
honest counts across junit.xml and evidence.json."""
from __future__ import annotations

import json

from harness.cli import main
from reports.counts import junit_counts
from tests.features.conftest import write_feature

TESTER_FEATURE = '''Feature: Our adapter's MP105 sign-off
  As a supplier's UIT tester
  I want to replay our lost-response case
  So that I can sign off the release

  @R-112-2 @Req-1
  Scenario: The 11.2 response restores our stuck meter
    Given the DSP applies the "mp105" rules
    And the CPL lists these firmware versions:
      | device_type | firmware | status  |
      | ESME        | 0200BBBB | Current |
    And these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    When firmware "0100AAAA" is removed from the CPL for ESME
    And the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
    And the next 11.3 response from "E1" is lost
    And the supplier sends SR 11.3 to "E1" activating "0200BBBB"
    And the supplier sends SR 11.2 to "E1"
    Then device "E1" has SMI status "{expected}"
    And DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
'''


def test_a_testers_scenario_in_a_folder_of_their_own_passes(tmp_path, capsys):
    write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Commissioned"))
    assert main(["features", str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    assert "1 scenario: 1 passed" in capsys.readouterr().out
    evidence = json.loads((tmp_path / "out" / "evidence.json").read_text())
    (scenario,) = evidence["scenarios"]
    assert (scenario["status"], scenario["rules"], scenario["requirements"]) == ("passed", ["R-112-2"], ["Req-1"])
    assert evidence["manifest"]["features"][0]["sha256"]


def test_a_testers_wrong_expectation_fails_with_a_readable_message(tmp_path, capsys):
    path = write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Suspended"))
    assert main(["features", str(path)]) == 1
    out = capsys.readouterr().out
    expected = (f'{path}:20: Then device "E1" has SMI status "Suspended": expected "E1" to have SMI status '
                "Suspended, but the SMI says Commissioned")
    assert expected in out
    assert "Traceback" not in out


SUITE = '''Feature: One of each outcome
  As a release manager
  I want every outcome in the evidence
  So that nothing is hidden

  Background:
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |

  Scenario: passes
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "I0"

  Scenario: fails
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "E5"

  @skip
  Scenario: skipped
    When the supplier sends SR 11.2 to "E1"

  Scenario: undefined step
    When the supplier reads the firmware of "E1"
    Then the response code is "I0"

  Scenario: unknown alias
    When the supplier sends SR 11.2 to "E9"
'''


def test_junit_and_evidence_agree_on_passed_failed_skipped_and_errored(tmp_path, capsys):
    write_feature(tmp_path, "outcomes.feature", SUITE)
    write_feature(tmp_path, "broken.feature", "Feature: broken\n  Scenario: x\n    Given foo\n  Nonsense here\n")
    out = tmp_path / "out"
    assert main(["features", str(tmp_path), "--out", str(out)]) == 1
    evidence = json.loads((out / "evidence.json").read_text())
    summary = evidence["summary"]
    assert summary == {"passed": 1, "failed": 2, "skipped": 1, "errored": 2, "total": 6}
    counts = junit_counts(out / "junit.xml")
    assert {k: counts[k] for k in summary} == summary
    by_name = {s["name"]: s for s in evidence["scenarios"]}
    assert by_name["skipped"]["status"] == "skipped"
    undefined = by_name["undefined step"]
    assert undefined["status"] == "errored"
    assert [s["status"] for s in undefined["steps"]][1:] == ["undefined", "skipped"]
    assert 'unknown step "When the supplier reads the firmware of "E1""' in undefined["failure"]
    assert "outcomes.feature:24:" in undefined["failure"] and "did you mean" in undefined["failure"]
    assert by_name["unknown alias"]["failure"].endswith('unknown device "E9": the inventory lists E1')
    broken = by_name["(feature file cannot be run)"]
    assert broken["status"] == "errored" and "broken.feature:4: does not parse" in broken["failure"]
    assert (out / "evidence.html").exists()


def test_tags_select_scenarios_and_a_bad_expression_is_bad_input(tmp_path, capsys):
    write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Commissioned"))
    assert main(["features", str(tmp_path), "--tags", "@Req-1"]) == 0
    assert main(["features", str(tmp_path), "--tags", "@R-112-2 and"]) == 2
    assert main(["features", str(tmp_path), "--tags", "@Req-2"]) == 2
    err = capsys.readouterr().err
    assert "sm-harness: error: tag expression '@R-112-2 and' ends too early" in err
    assert "no scenario matches --tags '@Req-2'" in err


def test_a_path_that_does_not_exist_is_bad_input(tmp_path, capsys):
    assert main(["features", str(tmp_path / "nowhere")]) == 2
    assert "no such feature file or folder" in capsys.readouterr().err


def test_the_same_seed_gives_the_same_trace_and_another_seed_other_ids(tmp_path):
    write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Commissioned"))
    runs = []
    for seed, name in ((0, "a"), (0, "b"), (7, "c")):
        main(["features", str(tmp_path / "ours.feature"), "--out", str(tmp_path / name), "--seed", str(seed)])
        runs.append(json.loads((tmp_path / name / "evidence.json").read_text())["scenarios"][0])
    assert runs[0]["messages"] == runs[1]["messages"] and runs[0]["devices"] == runs[1]["devices"]
    assert runs[0]["devices"][0]["device_id"] != runs[2]["devices"][0]["device_id"]
