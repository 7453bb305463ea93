"""The traceability matrix: every rule against the scenarios that prove it, unproven rules as gaps."""
from __future__ import annotations

import re

from reports.evidence_html import render_evidence
from reports.rule_tags import requirement_id
from reports.rulebook import default_rules_path, load_rules, parse_rules
from reports.traceability import traceability_matrix


def _scenario(name, status, *tags):
    return {"id": name, "name": name, "status": status, "tags": list(tags),
            "rules": [t for t in tags if t.startswith("R-")], "requirements": []}


def _rows(matrix):
    return {r["id"]: r for r in matrix["rules"]}


def test_a_rule_no_scenario_names_is_a_gap(rulebook):
    rules, source = load_rules(rulebook)
    matrix = traceability_matrix([_scenario("a", "passed", "R-VER-2")], rules, source)
    rows = _rows(matrix)
    assert rows["R-VER-2"]["verdict"] == "proven"
    assert rows["R-VER-4"]["verdict"] == "gap" and rows["R-VER-4"]["why"] == "no scenario names it"
    assert matrix["totals"]["gap"] == len(rules) - 1


def test_a_rule_proven_only_by_skipped_scenarios_is_a_gap(rulebook):
    matrix = traceability_matrix([_scenario("a", "skipped", "R-113-3")], *load_rules(rulebook))
    assert _rows(matrix)["R-113-3"]["verdict"] == "gap"
    assert _rows(matrix)["R-113-3"]["why"] == "every scenario naming it was skipped"


def test_one_failing_scenario_makes_a_rule_failing_even_when_another_passed(rulebook):
    scenarios = [_scenario("a", "passed", "R-E5-3"), _scenario("b", "errored", "R-E5-3")]
    assert _rows(traceability_matrix(scenarios, *load_rules(rulebook)))["R-E5-3"]["verdict"] == "failing"


def test_a_gap_is_shown_in_the_evidence_html(evidence, rulebook):
    html = render_evidence(evidence, rulebook)
    row = re.search(r'<tr class="gap" id="rule-R-E5-6".*?</tr>', html, re.S)
    assert row and "no scenario names it" in row.group(0)
    assert 'data-key="gap model"' in html  # R-DEV-5 is a modelling decision and a gap


def test_requirements_are_traced_from_their_tags(evidence, rulebook):
    matrix = traceability_matrix(evidence["scenarios"], *load_rules(rulebook))
    reqs = {q["id"]: q for q in matrix["requirements"]}
    assert reqs["Req-1"]["verdict"] == "failing" and reqs["Req-2"]["verdict"] == "proven"
    assert "Annex A" in reqs["Req-1"]["citation"]
    assert [requirement_id(t) for t in ("Req-1", "@req2", "Req. 2", "R-VER-2")] == ["Req-1", "Req-2", "Req-2", None]


def test_a_tag_naming_no_rule_of_the_rulebook_is_reported(rulebook):
    matrix = traceability_matrix([_scenario("a", "passed", "R-VER-99")], *load_rules(rulebook))
    assert [r["id"] for r in matrix["unknown_rules"]] == ["R-VER-99"]


def test_without_a_rulebook_the_rows_are_the_rule_ids_the_scenarios_name(evidence, tmp_path):
    rules, source = load_rules(tmp_path / "missing.md")
    assert (rules, source) == ([], None)
    matrix = traceability_matrix(evidence["scenarios"], rules, source)
    assert [r["id"] for r in matrix["rules"]] == ["R-112-1", "R-113-2", "R-113-3", "R-E5-3", "R-VER-2", "R-VER-4"]
    html = render_evidence(evidence, tmp_path / "missing.md")
    assert "The rulebook was not found at" in html and "missing.md" in html


def test_rules_are_parsed_with_their_sources_and_modelling_marks(rulebook):
    rules = {r.id: r for r in parse_rules(rulebook.read_text())}
    assert list(rules) == ["R-E5-3", "R-E5-6", "R-VER-2", "R-VER-4", "R-112-1", "R-113-2", "R-113-3", "R-DEV-5"]
    assert rules["R-VER-2"].text == "When: v ≠ s, CPL(v) = Current; Then: SMI firmware := v; restore and send N29 [seed]"
    assert rules["R-112-1"].text == "Message: 11.2 to a Suspended device; legacy: rejected E5; mp105: allowed"
    assert rules["R-DEV-5"].modelling_decision and not rules["R-E5-3"].modelling_decision
    assert rules["R-E5-6"].sources == ("duis",) and rules["R-E5-6"].section == "3. Authorisation"


def test_every_rule_id_of_the_real_rulebook_is_read():
    path = default_rules_path()
    if not path.is_file():
        import pytest

        pytest.skip(f"{path} is not beside the repository")
    text = path.read_text()
    every_id = set(re.findall(r"^\| (R-[A-Z0-9]+-\d+) \|", text, re.M))
    rules, _ = load_rules(path)
    assert {r.id for r in rules} == every_id and len(rules) == len(every_id)
    assert all(r.text for r in rules)
    assert {r.id for r in rules if r.modelling_decision} >= {"R-CPL-2", "R-DEV-5", "R-DEV-6"}
