"""The traceability matrix: every rule and business requirement against the scenarios that prove it.

The rows are the project's rule catalogue (`dsp.rule_catalogue`, kept in step with RULES.md by its tests),
so the matrix lists every rule wherever the project runs, and a rule no scenario proves shows as a gap.
A rule is *proven* when at least one scenario naming it passed and none failed or errored; *failing* when
any scenario naming it failed or errored; a *gap* when no scenario names it or every one was skipped.
The matrix is plain JSON-able data: the evidence HTML renders it and a golden test pins it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dsp.rule_catalogue import REQUIREMENTS, RULES, Requirement, Rule
from reports.counts import STATUSES
from reports.rule_tags import requirements_of, rules_of

CATALOGUE = "dsp/rule_catalogue.py"  # where the rows come from, as the report names it
PROVEN, FAILING, GAP = "proven", "failing", "gap"


def scenario_rules(scenario: Mapping[str, Any]) -> list[str]:
    """The rule IDs a scenario proves: its `rules`, and any rule-ID tag the collector did not copy there."""
    return rules_of([*(scenario.get("rules") or []), *(scenario.get("tags") or [])])


def scenario_requirements(scenario: Mapping[str, Any]) -> list[str]:
    """The requirement IDs a scenario proves, canonical (`Req-1`), from its `requirements` and its tags."""
    return requirements_of([*(scenario.get("requirements") or []), *(scenario.get("tags") or [])])


def traceability_matrix(
    scenarios: Sequence[Mapping[str, Any]],
    rules: Sequence[Rule] = RULES,
    requirements: Iterable[Requirement] = REQUIREMENTS,
) -> dict[str, Any]:
    """Rules (in catalogue order), requirements, and rule tags the catalogue does not know."""
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
            "text": r.statement,
            "source": r.source,
            "sources": list(r.marks),
            "modelling_decision": r.modelling_decision,
            "in_rulebook": r.in_rulebook,
            **_verdict(by_rule.get(r.id, [])),
        }
        for r in rules
    ]
    unknown = [{"id": rule_id, **_verdict(refs)} for rule_id, refs in sorted(by_rule.items()) if rule_id not in known]
    reqs = [
        {"id": q.id, "text": q.statement, "source": q.source, **_verdict(by_requirement.get(q.id, []))}
        for q in requirements
    ]
    return {
        "rules_source": CATALOGUE,
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
