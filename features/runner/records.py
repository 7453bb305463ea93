"""The evidence record of one scenario, and the evidence of a run: what `evidence.json` holds.

A record is made for every scenario when it is collected (status "skipped" until it runs), and one for a
feature file that cannot be run, so no scenario is ever missing from the evidence whatever its outcome.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

from dsp import DspSettings
from reports.manifest import manifest
from reports.rule_tags import requirements_of, rules_of

# the packages that shape the evidence: running the scenarios, drawing aliases, validating and rendering
# the DUIS XML it shows, rendering the page
PACKAGES = ("sm-harness", "pytest", "pytest-bdd", "gherkin-official", "simpy", "faker", "xmlschema", "defusedxml",
            "jinja2")
SCHEMA_VERSION = 1
OUTCOMES = ("passed", "failed", "skipped", "errored")


def scenario_of(item: pytest.Item) -> tuple[Any, Any, dict[str, str]]:
    """(template, rendered scenario, example row) of a pytest-bdd item; (None, None, {}) for any other item."""
    function = getattr(item, "obj", None)
    template = scenario_wrapper_template_registry.get(function) if function is not None else None
    if template is None:
        return None, None, {}
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example", {}) if callspec is not None else {}
    return template, template.render(example), example


def _tags(template: Any, example: Mapping[str, str]) -> list[str]:
    tags = set(template.tags) | set(template.feature.tags)
    if template.rule is not None:
        tags |= set(template.rule.tags)
    if example:  # an Examples table's own tags belong to its rows
        for examples in template.examples:
            if any(dict(zip(examples.example_params, row)) == example for row in examples.examples):
                tags |= set(examples.tags or ())
    return sorted(tags)


def record_for(item: pytest.Item, shown: str) -> dict[str, Any] | None:
    """The record of a scenario item (None for an item that is not a scenario); `shown` is its feature
    file as reports show it."""
    template, scenario, example = scenario_of(item)
    if template is None:
        return None
    tags = _tags(template, example)
    name = scenario.name
    suffix = ""
    if example:
        suffix = "[" + ", ".join(f"{k}={v}" for k, v in example.items()) + "]"
        if name == template.name:
            name = f"{name} {suffix}"
    return {
        "id": f"{shown}:{template.line_number}{suffix}",
        "feature": template.feature.name,
        "feature_file": shown,
        "line": template.line_number,
        "name": name,
        "tags": tags,
        "rules": rules_of(tags),
        "requirements": requirements_of(tags),
        "status": "skipped",
        "duration_s": 0.0,
        "simulated_seconds": 0.0,
        "ruleset": None,
        "steps": [{"keyword": s.keyword, "text": s.name, "status": "skipped", "line": s.line_number} for s in scenario.steps],
        "failure": None,
        "messages": [],
        "devices": [],
    }


def unrunnable_file_record(shown: str, line: int, message: str) -> dict[str, Any]:
    """The record of a feature file that cannot be run (it does not parse, or holds no scenario)."""
    return {
        "id": shown, "feature": None, "feature_file": shown, "line": line, "name": "(feature file cannot be run)",
        "tags": [], "rules": [], "requirements": [], "status": "errored", "duration_s": 0.0, "simulated_seconds": 0.0,
        "ruleset": None, "steps": [], "failure": message, "messages": [], "devices": [],
    }


def unique_id(wanted: str, taken: set[str]) -> str:
    """An Examples table may repeat a row: each scenario still needs its own ID in the evidence."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}#{n}" in taken:
        n += 1
    return f"{wanted}#{n}"


def build_evidence(records: list[dict[str, Any]], modules: Iterable[Mapping[str, str]], *, seed: int,
                   tags: str | None, started: str) -> dict[str, Any]:
    """evidence.json: the manifest, the counts by outcome, and every record."""
    summary = {status: sum(1 for r in records if r["status"] == status) for status in OUTCOMES}
    summary["total"] = len(records)
    run_manifest = manifest(
        PACKAGES,
        rulesets=sorted({r["ruleset"] for r in records if r.get("ruleset")}),
        seed=seed,
        tags=tags,
        features=[{"path": m["display"], "sha256": _sha256(m["path"])} for m in modules],
        modelling_decisions=DspSettings().modelling_decisions(),
        started=started,
        finished=now(),
        schema_version=SCHEMA_VERSION,
    )
    return {"manifest": run_manifest, "summary": summary, "scenarios": records}


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def one_line(longrepr: Any) -> str:
    """pytest's report of a failure as its one telling line."""
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return first_line(crash.message)
    text = str(longrepr)
    errors = [line[2:].strip() for line in text.splitlines() if line.startswith("E ")]
    return errors[-1] if errors else first_line(text.splitlines()[-1] if text.strip() else "")


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return one_line(longrepr)


def _sha256(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
