"""Honest counts: evidence.json's summary, its scenario list and every other output must tell the same story.

A failed, errored or skipped scenario is never missing from any output (ARCHITECTURE, 'Honest evidence').
`check_counts` compares the scenario list with the summary, junit.xml and any other output's counts it is
given (cucumber.json and messages.ndjson, read back by their own modules; evidence.html's tiles, read by
`html_counts`), and says, in one line per disagreement, where they differ.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

STATUSES = ("passed", "failed", "skipped", "errored")
Counts = dict[str, int]


def count_scenarios(scenarios: Sequence[Mapping[str, Any]]) -> Counts:
    """passed/failed/skipped/errored/total from the scenario list; an unknown status counts as 'other'."""
    counts = {s: 0 for s in STATUSES}
    other = 0
    for scenario in scenarios:
        status = scenario.get("status")
        if status in counts:
            counts[status] += 1
        else:
            other += 1
    if other:
        counts["other"] = other
    counts["total"] = len(scenarios)
    return counts


def junit_counts(path: Path | str) -> Counts:
    """Counts from the <testcase> elements of a JUnit XML file (error before failure before skipped)."""
    root = _root(path)
    counts = {s: 0 for s in STATUSES}
    for case in root.iter("testcase"):
        children = {child.tag for child in case}
        if "error" in children:
            counts["errored"] += 1
        elif "failure" in children:
            counts["failed"] += 1
        elif "skipped" in children:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    counts["total"] = sum(counts.values())
    return counts


def _junit_declared(path: Path | str) -> Counts | None:
    """The totals the file declares on its outermost element, when it declares them."""
    root = _root(path)
    if root.get("tests") is None:
        return None
    tests, failures = int(root.get("tests", 0)), int(root.get("failures", 0))
    errors, skipped = int(root.get("errors", 0)), int(root.get("skipped", 0))
    return {"passed": tests - failures - errors - skipped, "failed": failures, "skipped": skipped,
            "errored": errors, "total": tests}


@dataclass
class CountCheck:
    """The counts of each source, and a one-line reason per disagreement (empty when they agree)."""

    sources: dict[str, Counts] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def agree(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"agree": self.agree, "sources": self.sources, "problems": self.problems}


# evidence.html's count tiles: <div class="tile passed" data-status="passed" data-count="3">
_TILE = re.compile(r'<div class="tile[^"]*" data-status="(?P<status>[a-z]+)" data-count="(?P<n>\d+)">')


def html_counts(path: Path | str) -> Counts:
    """The counts evidence.html shows in its tiles (each outcome and the total)."""
    found = {m["status"]: int(m["n"]) for m in _TILE.finditer(Path(path).read_text(encoding="utf-8"))}
    return {key: found.get(key, 0) for key in (*STATUSES, "total")}


def check_counts(evidence: Mapping[str, Any], junit_path: Path | str | None = None,
                 others: Mapping[str, Counts] | None = None) -> CountCheck:
    """Compare evidence.json's summary, its scenarios, junit.xml (when given and present) and `others`
    ({output name: its counts})."""
    check = CountCheck()
    scenarios = evidence.get("scenarios") or []
    check.sources["scenarios"] = listed = count_scenarios(scenarios)
    summary = evidence.get("summary")
    if isinstance(summary, Mapping):
        check.sources["summary"] = {k: int(summary.get(k, 0)) for k in (*STATUSES, "total")}
    else:
        check.problems.append("evidence.json has no summary block")
    if junit_path is not None and Path(junit_path).is_file():
        check.sources["junit.xml"] = junit_counts(junit_path)
        declared = _junit_declared(junit_path)
        if declared is not None:
            check.sources["junit.xml totals"] = declared
    check.sources.update(others or {})
    if listed.get("other"):
        odd = sorted({str(s.get("status")) for s in scenarios if s.get("status") not in STATUSES})
        check.problems.append(f"{listed['other']} scenarios have a status that is not one of {STATUSES}: {odd}")
    for name, counts in check.sources.items():
        if name == "scenarios":
            continue
        for key in (*STATUSES, "total"):
            if counts.get(key, 0) != listed.get(key, 0):
                check.problems.append(
                    f"{name} says {counts.get(key, 0)} {key}, the scenario list has {listed.get(key, 0)}"
                )
    return check


def _root(path: Path | str) -> Any:
    """The root element of a JUnit file (defusedxml: the file is untrusted)."""
    root = ElementTree.parse(str(path)).getroot()
    if root is None:
        raise ValueError(f"{path}: an XML file with no root element")
    return root
