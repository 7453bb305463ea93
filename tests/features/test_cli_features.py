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
    shown = f"{path.parent.name}/{path.name}"  # outside a git work tree: from the folder the file is in
    expected = (f'{shown}:20: Then device "E1" has SMI status "Suspended": expected "E1" to have SMI status '
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


def test_a_table_steps_failure_reads_with_one_colon(tmp_path, capsys):
    write_feature(tmp_path, "ours.feature", '''Feature: a typo in the table
  Scenario: unknown status
    Given these devices are in the inventory:
      | device | type | smets | firmware | status    |
      | E1     | ESME | 2     | 0100AAAA | Suspendid |
''')
    assert main(["features", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "ours.feature:3: Given these devices are in the inventory: unknown device status 'Suspendid'" in out
    assert "inventory::" not in out


def test_a_repeated_examples_row_still_gives_each_scenario_its_own_id(tmp_path):
    write_feature(tmp_path, "ours.feature", '''Feature: repeated rows
  Scenario Outline: rules <ruleset>
    Given the DSP applies the "<ruleset>" rules

    Examples:
      | ruleset |
      | mp105   |
      | mp105   |
''')
    assert main(["features", str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    ids = [s["id"] for s in json.loads((tmp_path / "out" / "evidence.json").read_text())["scenarios"]]
    assert len(ids) == 2 and len(set(ids)) == 2


def test_the_git_commit_in_the_manifest_says_when_the_checkout_has_uncommitted_changes(tmp_path):
    import subprocess

    from reports.manifest import git_commit as _git_commit

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                       check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "dsp.py").write_text("RULE = 1\n")
    git("add", "dsp.py")
    git("commit", "-q", "-m", "one")
    clean = _git_commit(tmp_path)
    assert clean and len(clean) == 40
    (tmp_path / "dsp.py").write_text("RULE = 2\n")  # the evidence no longer comes from that commit
    assert _git_commit(tmp_path) == f"{clean}-dirty"
    assert _git_commit(tmp_path / "nowhere") is None


HOSTILE = '''Feature: <script>alert(1)</script>
  As a tester
  I want hostile names
  So that the page stays inert

  Scenario: <img src=x onerror=alert(2)>
    Given these devices are in the inventory:
      | device                | type | smets | firmware | status       |
      | <svg onload=alert(5)> | ESME | 2     | 0100AAAA | Commissioned |
    When the supplier sends SR 11.2 to "<svg onload=alert(5)>"
    Then the response code is "I0"

  @skip
  Scenario: not today
    Given the DSP applies the "mp105" rules
'''


def test_the_evidence_html_of_a_real_run_shows_aliases_and_skip_reasons_and_escapes_names(tmp_path):
    """End to end, not on a hand-written fixture: what the collector writes is what the page shows."""
    from tests.reports.test_escaping import assert_inert

    write_feature(tmp_path, "hostile.feature", HOSTILE)
    out = tmp_path / "out"
    assert main(["features", str(tmp_path), "--out", str(out)]) == 1
    html = (out / "evidence.html").read_text()
    assert_inert(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; › &lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>&lt;svg onload=alert(5)&gt;</b><br>00-DB-12-" in html  # the alias beside its EUI-64
    assert "<b>electricity supplier</b><br>90-B3-D5-" in html
    assert '<h4>Why it was skipped</h4><div class="failure skipped">tagged @skip</div>' in html


def test_bad_input_writes_no_evidence_and_a_run_replaces_the_pack_together(tmp_path, capsys):
    write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Commissioned"))
    out = tmp_path / "out"
    assert main(["features", str(tmp_path), "--tags", "@Req-2", "--out", str(out)]) == 2
    assert not out.exists() or not list(out.iterdir())  # nothing half-written (it once left junit.xml + json)
    assert main(["features", str(tmp_path), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "cucumber.json", "evidence.html", "evidence.json",
                                                     "junit.xml", "messages.ndjson"]


def test_publishing_never_leaves_a_stale_file_beside_new_ones_nor_deletes_the_users(tmp_path, capsys):
    """The pack is swapped in whole: a previous pack's files are all replaced, none left beside the new ones;
    a folder holding a file of the user's is refused (the user's file stays) rather than published into."""
    write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Commissioned"))
    out = tmp_path / "out"
    assert main(["features", str(tmp_path / "ours.feature"), "--out", str(out)]) == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    assert main(["features", str(tmp_path / "ours.feature"), "--out", str(out), "--seed", "7"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(old)
    assert all((out / name).read_bytes() != text for name, text in old.items() if name != "junit.xml")  # all new
    (out / "notes.txt").write_text("the user's own")
    assert main(["features", str(tmp_path / "ours.feature"), "--out", str(out)]) == 2
    assert (out / "notes.txt").read_text() == "the user's own"


def test_junit_names_a_test_alike_from_any_working_directory(tmp_path, monkeypatch):
    """Xray, Zephyr and TestRail key a test on its classname and name: run from the folder's parent, from
    inside it, from elsewhere by an absolute path, and by a relative path from a sibling, the same files
    gave four classnames (feats.review, review, tmp...feats.review); and inside a git work tree, from its top."""
    from xml.etree import ElementTree

    feats = tmp_path / "project" / "feats"
    feats.mkdir(parents=True)
    write_feature(feats, "review.feature", TESTER_FEATURE.format(expected="Commissioned"))
    (tmp_path / "elsewhere").mkdir()

    runs = iter(range(10))

    def names(cwd, given) -> set[tuple[str, str]]:
        monkeypatch.chdir(cwd)
        out = tmp_path / "packs" / f"run{next(runs)}"
        assert main(["features", given, "--out", str(out)]) == 0
        root = ElementTree.parse(out / "junit.xml").getroot()
        return {(c.get("classname"), c.get("name")) for c in root.iter("testcase")} | {("suite", s.get("name")) for s in root.iter("testsuite")}

    seen = [names(feats.parent, "feats"), names(feats, "."), names(tmp_path / "elsewhere", str(feats)),
            names(tmp_path / "elsewhere", "../project/feats")]
    assert all(s == seen[0] for s in seen), seen
    assert ("feats.review", "The 11.2 response restores our stuck meter") in seen[0]
    (tmp_path / ".git").mkdir()  # now the files are in a git work tree: shown from its top
    in_git = names(feats, ".")
    assert ("suite", "project/feats/review.feature") in in_git and ("project.feats.review", "The 11.2 response restores our stuck meter") in in_git
    assert in_git == names(tmp_path / "elsewhere", str(feats / "review.feature")) == names(tmp_path, "project")
