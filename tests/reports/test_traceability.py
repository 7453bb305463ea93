"""The traceability matrix: every rule of the catalogue against the scenarios that prove it, unproven rules
as gaps, whatever is (or is not) beside the project."""
from __future__ import annotations

import re

from dsp.rule_catalogue import REQUIREMENTS, RULES
from reports.evidence_html import render_evidence
from reports.rule_tags import requirement_id
from reports.traceability import traceability_matrix


def _scenario(name, status, *tags):
    return {"id": name, "name": name, "status": status, "tags": list(tags),
            "rules": [t for t in tags if t.startswith("R-")], "requirements": []}


def _rows(matrix):
    return {r["id"]: r for r in matrix["rules"]}


def test_a_rule_no_scenario_names_is_a_gap(rulebook):
    rules = rulebook
    matrix = traceability_matrix([_scenario("a", "passed", "R-VER-2")], rules)
    rows = _rows(matrix)
    assert rows["R-VER-2"]["verdict"] == "proven"
    assert rows["R-VER-4"]["verdict"] == "gap" and rows["R-VER-4"]["why"] == "no scenario names it"
    assert matrix["totals"]["gap"] == len(rules) - 1


def test_a_rule_proven_only_by_skipped_scenarios_is_a_gap(rulebook):
    matrix = traceability_matrix([_scenario("a", "skipped", "R-113-3")], rulebook)
    assert _rows(matrix)["R-113-3"]["verdict"] == "gap"
    assert _rows(matrix)["R-113-3"]["why"] == "every scenario naming it was skipped"


def test_one_failing_scenario_makes_a_rule_failing_even_when_another_passed(rulebook):
    scenarios = [_scenario("a", "passed", "R-E5-3"), _scenario("b", "errored", "R-E5-3")]
    assert _rows(traceability_matrix(scenarios, rulebook))["R-E5-3"]["verdict"] == "failing"


def test_a_gap_is_shown_in_the_evidence_html(evidence, rulebook):
    html = render_evidence(evidence, rulebook)
    row = re.search(r'<tr class="gap" id="rule-R-E5-6".*?</tr>', html, re.S)
    assert row and "no scenario names it" in row.group(0)
    assert 'data-key="gap model"' in html  # R-DEV-5 is a modelling decision and a gap


def test_requirements_are_traced_from_their_tags(evidence, rulebook):
    matrix = traceability_matrix(evidence["scenarios"], rulebook)
    reqs = {q["id"]: q for q in matrix["requirements"]}
    assert reqs["Req-1"]["verdict"] == "failing" and reqs["Req-2"]["verdict"] == "proven"
    assert "Annex A" in reqs["Req-1"]["source"]
    assert [requirement_id(t) for t in ("Req-1", "@req2", "Req. 2", "R-VER-2")] == ["Req-1", "Req-2", "Req-2", None]


def test_a_tag_naming_no_rule_of_the_rulebook_is_reported(rulebook):
    matrix = traceability_matrix([_scenario("a", "passed", "R-VER-99")], rulebook)
    assert [r["id"] for r in matrix["unknown_rules"]] == ["R-VER-99"]


def test_the_matrix_lists_every_rule_of_the_catalogue_by_default_with_its_source(evidence):
    matrix = traceability_matrix(evidence["scenarios"])
    assert [r["id"] for r in matrix["rules"]] == [r.id for r in RULES]
    assert [q["id"] for q in matrix["requirements"]] == [q.id for q in REQUIREMENTS] == ["Req-1", "Req-2"]
    rows = _rows(matrix)
    assert rows["R-VER-2"]["source"].startswith("Annex B: clause 3.8.120.4")
    assert rows["R-DEV-5"]["modelling_decision"] and rows["R-DEV-5"]["sources"] == ["model"]
    assert matrix["rules_source"] == "dsp/rule_catalogue.py"


def test_the_evidence_html_lists_every_rule_and_never_says_the_rulebook_was_not_found(evidence):
    html = render_evidence(evidence)
    for rule in RULES:
        assert f'id="rule-{rule.id}"' in html, rule.id
    assert "not found" not in html
    assert "dsp/rule_catalogue.py" in html


def test_a_rule_beyond_the_rulebook_is_marked_so(evidence, rulebook):
    html = render_evidence(evidence, rulebook)
    row = re.search(r'<tr class="gap" id="rule-R-E17-1".*?</tr>', html, re.S)
    assert row and "beyond RULES.md" in row.group(0)
    assert "beyond RULES.md" not in re.search(r'<tr[^>]*id="rule-R-VER-2".*?</tr>', html, re.S).group(0)
