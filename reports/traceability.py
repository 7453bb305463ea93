"""The traceability matrix: every rule and business requirement against the scenarios that prove it.

A rule is *proven* when at least one scenario naming it passed and none failed or errored; *failing* when
any scenario naming it failed or errored; a *gap* when no scenario names it or every one was skipped.
The matrix is plain JSON-able data: the evidence HTML renders it and a golden test pins it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from reports.counts import STATUSES
from reports.rule_tags import requirements_of, rules_of
from reports.rulebook import REQUIREMENTS, Requirement, Rule

PROVEN, FAILING, GAP = "proven", "failing", "gap"


def scenario_rules(scenario: Mapping[str, Any]) -> list[str]:
    """The rule IDs a scenario proves: its `rules`, and any rule-ID tag the collector did not copy there."""
    return rules_of([*(scenario.get("rules") or []), *(scenario.get("tags") or [])])


def scenario_requirements(scenario: Mapping[str, Any]) -> list[str]:
    """The requirement IDs a scenario proves, canonical (`Req-1`), from its `requirements` and its tags."""
    return requirements_of([*(scenario.get("requirements") or []), *(scenario.get("tags") or [])])


def traceability_matrix(
    scenarios: Sequence[Mapping[str, Any]],
    rules: Sequence[Rule],
    rules_source: Path | str | None,
    requirements: Iterable[Requirement] = REQUIREMENTS,
) -> dict[str, Any]:
    """Rules (in rulebook order), requirements, and rule tags the rulebook does not know.

    With no rulebook (`rules` empty, `rules_source` None) the rows are the rule IDs the scenarios name,
    so the report still says what each scenario claims to prove.
    """
    by_rule: dict[str, list[dict[str, Any]]] = {}
    by_requirement: dict[str, list[dict[str, Any]]] = {}
    for index, scenario in enumerate(scenarios):
        ref = {"index": index, "id": scenario.get("id"), "name": scenario.get("name"), "status": scenario.get("status")}
        for rule in scenario_rules(scenario):
            by_rule.setdefault(rule, []).append(ref)
        for req in scenario_requirements(scenario):
            by_requirement.setdefault(req, []).append(ref)

    known = {r.id for r in rules}
    rows = [
        {
            "id": r.id,
            "section": r.section,
            "text": r.text,
            "sources": list(r.sources),
            "modelling_decision": r.modelling_decision,
            **_verdict(by_rule.get(r.id, [])),
        }
        for r in rules
    ]
    unknown = [
        {"id": rule_id, "section": None, "text": None, "sources": [], "modelling_decision": False, **_verdict(refs)}
        for rule_id, refs in sorted(by_rule.items())
        if rule_id not in known
    ]
    if not rules:  # no rulebook: the claimed IDs are the rows
        rows, unknown = unknown, []
    reqs = [
        {"id": q.id, "text": q.text, "citation": q.citation, **_verdict(by_requirement.get(q.id, []))}
        for q in requirements
    ]
    return {
        "rules_source": str(rules_source) if rules_source else None,
        "rules": rows,
        "requirements": reqs,
        "unknown_rules": unknown,
        "totals": {
            "rules": len(rows),
            PROVEN: sum(r["verdict"] == PROVEN for r in rows),
            FAILING: sum(r["verdict"] == FAILING for r in rows),
            GAP: sum(r["verdict"] == GAP for r in rows),
            "modelling_decisions": sum(r["modelling_decision"] for r in rows),
        },
    }


def _verdict(refs: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {s: sum(r["status"] == s for r in refs) for s in STATUSES}
    if not refs:
        verdict, why = GAP, "no scenario names it"
    elif counts["failed"] or counts["errored"]:
        verdict, why = FAILING, f"{counts['failed'] + counts['errored']} of {_n(len(refs))} failed or errored"
    elif counts["passed"]:
        verdict, why = PROVEN, f"{counts['passed']} of {_n(len(refs))} passed"
    else:
        verdict, why = GAP, "every scenario naming it was skipped"
    return {"scenarios": refs, "counts": counts, "verdict": verdict, "why": why}


def _n(count: int) -> str:
    return f"{count} scenario" if count == 1 else f"{count} scenarios"
