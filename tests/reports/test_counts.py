"""Honest counts: evidence.json's summary, its scenarios and junit.xml agree, and the HTML shows them."""
from __future__ import annotations

import copy
import re
import shutil

from reports.counts import check_counts, count_scenarios
from reports.evidence_html import render_evidence, write_evidence


def test_the_small_evidence_its_summary_and_its_junit_agree(evidence, junit):
    check = check_counts(evidence, junit)
    assert check.agree, check.problems
    assert check.sources["scenarios"] == {"passed": 1, "failed": 1, "skipped": 1, "errored": 1, "total": 4}
    assert set(check.sources) == {"scenarios", "summary", "junit.xml", "junit.xml totals"}


def test_a_summary_that_hides_a_failure_is_caught(evidence):
    lying = copy.deepcopy(evidence)
    lying["summary"].update(passed=2, failed=0)
    check = check_counts(lying)
    assert not check.agree
    assert "summary says 2 passed, the scenario list has 1" in check.problems
    assert "summary says 0 failed, the scenario list has 1" in check.problems


def test_a_junit_that_drops_the_skipped_scenario_is_caught(evidence, junit, tmp_path):
    text = junit.read_text()
    dropped = re.sub(r'\s*<testcase [^>]*name="A SMETS1 retry[^"]*"[^>]*>.*?</testcase>', "", text, flags=re.S)
    (tmp_path / "junit.xml").write_text(dropped)
    check = check_counts(evidence, tmp_path / "junit.xml")
    assert "junit.xml says 0 skipped, the scenario list has 1" in check.problems
    assert "junit.xml says 3 total, the scenario list has 4" in check.problems


def test_a_status_outside_the_four_is_counted_and_reported():
    counts = count_scenarios([{"status": "passed"}, {"status": "undefined"}])
    assert counts == {"passed": 1, "failed": 0, "skipped": 0, "errored": 0, "other": 1, "total": 2}
    check = check_counts({"summary": {"passed": 1, "total": 2}, "scenarios": [{"status": "passed"}, {"status": "undefined"}]})
    assert any("undefined" in p for p in check.problems)


def test_the_html_shows_the_same_counts_and_reads_junit_beside_it(evidence, junit, rulebook, tmp_path):
    shutil.copy(junit, tmp_path / "junit.xml")
    html = write_evidence(tmp_path, evidence, rulebook).read_text()
    tiles = dict((status, int(n)) for n, status in re.findall(r'<span class="n">(\d+)</span>\S* (\w+)</div>', html))
    assert tiles == {"passed": 1, "failed": 1, "skipped": 1, "errored": 1}
    assert "These counts agree across <b>scenarios</b>, <b>summary</b>, <b>junit.xml</b>" in html
    assert "1 of 4 scenarios passed: 1 failed, 1 errored, 1 skipped" in re.sub(r"\s+", " ", html)


def test_the_html_says_so_when_the_counts_disagree(evidence, rulebook):
    lying = copy.deepcopy(evidence)
    lying["summary"]["skipped"] = 0
    html = render_evidence(lying, rulebook)
    assert "The counts disagree." in html and "summary says 0 skipped, the scenario list has 1" in html
