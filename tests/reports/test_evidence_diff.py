"""Run against run (`sm-harness evidence diff OLD NEW`, and evidence.html's section with `--baseline`): what a
release board asks of "the last signed-off run": what was added, removed, newly failing or passing, which
rules lost or gained their proof, what differs in the manifest, and whether anything regressed."""
from __future__ import annotations

import copy
import json
import re

import pytest

from harness.cli import main
from reports.evidence_diff import evidence_diff
from reports.evidence_html import render_evidence
from tests.features.conftest import write_feature

OURS = '''Feature: Our adapter's sign-off
  As a release manager
  I want to compare runs
  So that I can sign off what changed

  Background:
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |

  @R-112-2
  Scenario: steady
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "{steady}"

  @R-VER-1
  Scenario: flaky
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "{flaky}"
{extra}'''
EXTRA = '''
  Scenario: new one
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "I0"
'''


def run(tmp_path, name: str, **values) -> tuple[int, dict]:
    folder = tmp_path / f"{name}-features"
    folder.mkdir()
    text = OURS.format(**{"steady": "I0", "flaky": "I0", "extra": "", **values})
    write_feature(folder, "ours.feature", text)
    code = main(["features", str(folder / "ours.feature"), "--out", str(tmp_path / name)])
    return code, json.loads((tmp_path / name / "evidence.json").read_text())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A signed-off run (both pass), and one where `flaky` fails and a scenario was added."""
    tmp = tmp_path_factory.mktemp("runs")
    _, old = run(tmp, "old")
    _, new = run(tmp, "new", flaky="E5", extra=EXTRA)
    return tmp, old, new


def test_a_scenario_that_stopped_passing_and_the_rule_it_proved_are_regressions(runs):
    _, old, new = runs
    diff = evidence_diff(old, new)
    (change,) = diff["changed"]
    assert (change["name"], change["was"], change["status"], change["kind"]) == ("flaky", "passed", "failed",
                                                                                 "newly failing")
    assert "expected response code E5" in change["failure"]
    assert [a["name"] for a in diff["added"]] == ["new one"] and diff["removed"] == []
    assert diff["rules_lost"] == [{"id": "R-VER-1", "was": "proven", "now": "failing"}]
    assert diff["regressed"] and diff["regressions"] == 2


def test_the_other_way_round_nothing_regressed_and_the_proof_is_gained(runs):
    _, old, new = runs
    diff = evidence_diff(new, old)
    assert [(c["name"], c["kind"]) for c in diff["changed"]] == [("flaky", "newly passing")]
    assert [r["name"] for r in diff["removed"]] == ["new one"]
    assert diff["rules_gained"] == [{"id": "R-VER-1", "was": "failing", "now": "proven"}]
    assert not diff["regressed"]


def test_the_command_prints_the_differences_and_exits_1_on_a_regression(runs, capsys):
    tmp, _, _ = runs
    assert main(["evidence", "diff", str(tmp / "old"), str(tmp / "new")]) == 1
    out = capsys.readouterr().out
    assert "newly failing (1):\n  " in out and "ours.feature › flaky  passed -> failed: " in out
    assert "rules that lost their proof (1):\n  R-VER-1  proven -> failing" in out
    assert "added (1):" in out and out.rstrip().endswith("REGRESSED: 2 regressions")
    assert main(["evidence", "diff", str(tmp / "new"), str(tmp / "old")]) == 0
    assert capsys.readouterr().out.rstrip().endswith("no regression")
    assert main(["evidence", "diff", str(tmp / "old"), str(tmp / "old"), "--json"]) == 0
    same = json.loads(capsys.readouterr().out)
    assert same["changed"] == same["added"] == same["removed"] == same["manifest"] == [] and not same["regressed"]


def test_a_scenario_failing_in_both_runs_is_listed_as_still_failing_and_is_no_regression(runs):
    """A release board keeps a known failure in sight: it used to be left out when its status was the same."""
    _, _, new = runs
    diff = evidence_diff(new, new)
    assert [(c["name"], c["was"], c["status"], c["kind"]) for c in diff["changed"]] == [("flaky", "failed", "failed", "still failing")]
    assert "expected response code E5" in diff["changed"][0]["failure"]
    assert not diff["regressed"] and diff["regressions"] == 0
    errored = copy.deepcopy(new)
    next(s for s in errored["scenarios"] if s["name"] == "flaky")["status"] = "errored"
    assert [(c["was"], c["status"], c["kind"]) for c in evidence_diff(new, errored)["changed"]] == [("failed", "errored", "still failing")]


def test_scenarios_are_matched_by_name_not_line_and_a_moved_file_is_the_same_scenarios(runs):
    _, old, _ = runs
    moved = copy.deepcopy(old)
    for scenario in moved["scenarios"]:
        scenario["feature_file"] = "elsewhere/ours.feature"
        scenario["id"] = scenario["id"].replace(old["scenarios"][0]["feature_file"], "elsewhere/ours.feature")
        scenario["line"] += 3  # lines added above them
    diff = evidence_diff(old, moved)
    assert diff["added"] == diff["removed"] == diff["changed"] == [] and not diff["regressed"]


def test_manifest_differences_are_listed_one_by_one(runs):
    _, old, _ = runs
    other = copy.deepcopy(old)
    other["manifest"].update(git_commit="f00d", seed=7, rulesets=["legacy"])
    other["manifest"]["packages"]["pytest"] = "0.1"
    other["manifest"]["modelling_decisions"]["R-CPL-2"] = "something else"
    other["manifest"]["features"][0]["sha256"] = "ab" * 32
    whats = [m["what"] for m in evidence_diff(old, other)["manifest"]]
    assert whats == ["git commit", "rule sets", "seed", "package pytest", "modelling decision R-CPL-2",
                     f"feature file {old['manifest']['features'][0]['path']}"]
    assert not evidence_diff(old, other)["regressed"]  # a difference is shown, not judged


def test_a_passed_scenario_now_skipped_is_a_regression(runs):
    _, old, _ = runs
    skipped = copy.deepcopy(old)
    steady = next(s for s in skipped["scenarios"] if s["name"] == "steady")
    steady["status"] = "skipped"
    diff = evidence_diff(old, skipped)
    assert [(c["name"], c["kind"]) for c in diff["changed"]] == [("steady", "no longer run")]
    assert diff["rules_lost"] == [{"id": "R-112-2", "was": "proven", "now": "gap"}] and diff["regressed"]


@pytest.mark.parametrize("make, says", [
    (lambda p: p / "nowhere", "no such evidence folder"),
    (lambda p: p, "not an evidence folder (it has no evidence.json)"),
    (lambda p: (p / "evidence.json").parent if (p / "evidence.json").write_text("{not json") else p, "evidence.json:1: not JSON"),
    (lambda p: p if (p / "evidence.json").write_text('{"manifest": {}, "summary": {}, "scenarios": []}') else p,
     "not sm-harness evidence: its manifest does not name sm-harness as the tool"),
    (lambda p: p if (p / "evidence.json").write_bytes(b'\xff\xfe') else p, "not UTF-8 text"),
    (lambda p: (p / "file.txt") if (p / "file.txt").write_text("x") else p, "not a folder"),
])
def test_a_folder_that_is_not_an_evidence_pack_is_bad_input_in_one_line(runs, tmp_path, capsys, make, says):
    folder, _, _ = runs
    bad = make(tmp_path)
    assert main(["evidence", "diff", str(folder / "old"), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err and "Traceback" not in err


def test_a_newer_evidence_schema_is_refused_in_one_line(runs, tmp_path, capsys):
    folder, old, _ = runs
    future = copy.deepcopy(old)
    future["manifest"]["schema_version"] = 99
    (tmp_path / "evidence.json").write_text(json.dumps(future))
    assert main(["evidence", "diff", str(folder / "old"), str(tmp_path)]) == 2
    assert "evidence schema 99; this sm-harness reads schema 1, 2" in capsys.readouterr().err


def test_features_with_a_baseline_says_what_changed_in_its_summary_and_its_page(runs, capsys):
    tmp, _, _ = runs
    folder = tmp / "new-features"
    out = tmp / "against-baseline"
    assert main(["features", str(folder / "ours.feature"), "--out", str(out), "--baseline", str(tmp / "old")]) == 1
    printed = capsys.readouterr().out
    assert "since the baseline: 1 newly failing, 1 added, 1 rules lost; REGRESSED" in printed
    html = (out / "evidence.html").read_text()
    section = re.search(r'<section id="baseline">.*?</section>', html, re.S).group(0)
    assert "Regressed since the baseline" in section and "1 scenario got worse, 1 rule and 0 requirements" in section
    assert re.search(r'<h3>Newly failing \(1\)</h3>\s*<ul class="diff"><li>.*?<a href="#scenario-\d+">.*? › flaky</a>',
                     section, re.S)
    assert '<a href="#rule-R-VER-1" class="mono">R-VER-1</a>' in section
    assert '<a href="#baseline">Since the baseline</a>' in html


def test_a_baseline_that_passes_again_exits_0_and_the_page_says_nothing_regressed(runs, capsys):
    tmp, _, _ = runs
    assert main(["features", str(tmp / "old-features" / "ours.feature"), "--out", str(tmp / "again"),
                 "--baseline", str(tmp / "old")]) == 0
    assert "since the baseline: no change in outcomes; no regression" in capsys.readouterr().out
    assert "Nothing regressed since the baseline" in (tmp / "again" / "evidence.html").read_text()


def test_the_baseline_may_be_the_out_folder_itself(runs, tmp_path, capsys):
    tmp, _, _ = runs
    feature = tmp / "old-features" / "ours.feature"
    assert main(["features", str(feature), "--out", str(tmp_path)]) == 0
    assert main(["features", str(feature), "--out", str(tmp_path), "--baseline", str(tmp_path)]) == 0
    assert "no regression" in capsys.readouterr().out


def test_a_bad_baseline_is_refused_before_anything_runs(runs, tmp_path, capsys):
    tmp, _, _ = runs
    out = tmp_path / "out"
    assert main(["features", str(tmp / "old-features"), "--out", str(out), "--baseline", str(tmp_path)]) == 2
    assert "not an evidence folder" in capsys.readouterr().err
    assert not out.exists()


def test_without_a_baseline_the_page_has_no_such_section(runs):
    _, old, _ = runs
    assert 'id="baseline"' not in render_evidence(old)


def test_a_scenario_removed_since_the_baseline_is_listed_on_the_page_without_a_link(runs, capsys):
    tmp, _, _ = runs
    out = tmp / "removed-since"
    assert main(["features", str(tmp / "old-features" / "ours.feature"), "--out", str(out),
                 "--baseline", str(tmp / "new")]) == 0  # it once crashed: 'dict object' has no attribute 'anchor'
    assert "1 removed" in capsys.readouterr().out
    section = re.search(r'<section id="baseline">.*?</section>', (out / "evidence.html").read_text(), re.S).group(0)
    removed = re.search(r"<h3>Removed \(1\)</h3>\s*<ul class=\"diff\">(.*?)</ul>", section, re.S)
    assert removed and "new one" in removed.group(1) and "<a " not in removed.group(1)


@pytest.mark.parametrize(("where", "value", "says"), [
    (("manifest", "packages"), "x", "manifest.packages is not an object"),
    (("manifest", "features"), [1], "manifest.features[0] is not an object"),
    (("scenarios", 0, "tags"), 5, "scenarios[0].tags is not a list of text"),
    (("scenarios", 0, "rules"), 5, "scenarios[0].rules is not a list of text"),
    (("summary", "failed"), "1", "summary.failed is not a whole number"),
])
def test_evidence_of_the_wrong_shape_is_one_line_naming_the_field_before_anything_runs(runs, tmp_path, capsys, where,
                                                                                         value, says):
    """Valid JSON with a field of the wrong type (and SHA256SUMS recomputed) gave a traceback from the diff,
    and from --baseline only after the whole suite had run."""
    import shutil
    import time

    from reports.evidence_pack import CHECKED_FILES
    from reports.integrity import write_checksums
    from tests.cli.conftest import one_line_error

    tmp, old, _ = runs
    bad = tmp_path / "bad"
    shutil.copytree(tmp / "old", bad)
    edited = copy.deepcopy(old)
    target = edited
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    (bad / "evidence.json").write_text(json.dumps(edited))
    write_checksums(bad, CHECKED_FILES)
    error = one_line_error(capsys, ["evidence", "diff", str(bad), str(tmp / "new")])
    assert f"{bad / 'evidence.json'}: not sm-harness evidence: {says}" in error
    started = time.monotonic()
    error = one_line_error(capsys, ["features", str(tmp / "old-features"), "--baseline", str(bad)])
    assert says in error and time.monotonic() - started < 2
