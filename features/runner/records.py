"""The evidence record of one scenario, and the evidence of a run: what `evidence.json` holds.

A record is made for every scenario when it is collected (status "skipped" until it runs), and one for a
feature file that cannot be run (`kind: "feature_file"`), so no scenario is ever missing from the evidence
whatever its outcome. Beside its outcome a record says what the formats a test-management tool imports
need: when the scenario started, its example row and the row's line, the tags written on the scenario
itself (`scenario_tags`; `tags` adds those it inherits from its Feature and Rule), and per step its
duration and where its step is defined (`match`). The manifest carries each feature file's text, so the
evidence can be re-rendered or compared without the files.
"""
from __future__ import annotations

import functools
import hashlib
import platform
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser
from pytest_bdd.scenario import scenario_wrapper_template_registry

from dsp import DspSettings
from features.runner.step_matches import planned_match
from reports.manifest import manifest
from reports.rule_tags import requirements_of, rules_of

# the packages that shape the evidence: running the scenarios, drawing aliases, validating and rendering
# the DUIS XML it shows, rendering the page
PACKAGES = ("sm-harness", "pytest", "pytest-bdd", "gherkin-official", "simpy", "faker", "xmlschema", "defusedxml",
            "jinja2")
SCHEMA_VERSION = 2  # 2: kind, started, example, scenario_tags, step duration_s and match, message step, feature texts
OUTCOMES = ("passed", "failed", "skipped", "errored")
SCENARIO, FEATURE_FILE = "scenario", "feature_file"  # the two kinds of record


def scenario_of(item: pytest.Item) -> tuple[Any, Any, dict[str, str]]:
    """(template, rendered scenario, example row) of a pytest-bdd item; (None, None, {}) for any other item."""
    function = getattr(item, "obj", None)
    template = scenario_wrapper_template_registry.get(function) if function is not None else None
    if template is None:
        return None, None, {}
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example", {}) if callspec is not None else {}
    return template, template.render(example), example


def _own_tags(template: Any, row: int | None) -> set[str]:
    """The tags written on the scenario, and on the Examples table its row belongs to."""
    tags = set(template.tags)
    if row is not None:
        examples, _ = _examples_of(template, row)
        tags |= set(examples.tags or ())
    return tags


def _examples_of(template: Any, row: int) -> tuple[Any, int]:
    """(Examples table, index of the row in it) of the `row`-th example row of an outline, counted across
    its tables in order (pytest-bdd's parametrisation index)."""
    for examples in template.examples:
        if row < len(examples.examples):
            return examples, row
        row -= len(examples.examples)
    raise IndexError("an example row beyond the outline's tables")


def _row_index(item: pytest.Item) -> int | None:
    callspec = getattr(item, "callspec", None)
    if callspec is None or "_pytest_bdd_example" not in callspec.indices:
        return None
    return int(callspec.indices["_pytest_bdd_example"])


@functools.lru_cache(maxsize=256)
def _gherkin_document(path: str) -> dict[str, Any] | None:
    try:
        document: Any = Parser().parse(Path(path).read_text(encoding="utf-8"))
        return dict(document)
    except (OSError, UnicodeDecodeError, CompositeParserException, ParserError):
        return None


def _row_line(template: Any, row: int) -> int | None:
    """The line of an outline's example row in its feature file (pytest-bdd does not keep it)."""
    document = _gherkin_document(str(template.feature.filename))
    if document is None:
        return None
    children = document.get("feature", {}).get("children", [])
    items = [c for child in children for c in [child, *child.get("rule", {}).get("children", [])]]
    for item in items:
        scenario = item.get("scenario")
        if scenario is None or scenario["location"]["line"] != template.line_number:
            continue
        rows = [r for examples in scenario.get("examples", []) for r in examples.get("tableBody", [])]
        return int(rows[row]["location"]["line"]) if row < len(rows) else None
    return None


def record_for(item: pytest.Item, shown: str) -> dict[str, Any] | None:
    """The record of a scenario item (None for an item that is not a scenario); `shown` is its feature
    file as reports show it."""
    template, scenario, example = scenario_of(item)
    if template is None:
        return None
    row = _row_index(item) if example else None
    own = _own_tags(template, row)
    inherited = set(template.feature.tags) | (set(template.rule.tags) if template.rule is not None else set())
    tags = sorted(own | inherited)
    name = scenario.name
    suffix = ""
    if example:
        suffix = "[" + ", ".join(f"{k}={v}" for k, v in example.items()) + "]"
        if name == template.name:
            name = f"{name} {suffix}"
    record: dict[str, Any] = {
        "kind": SCENARIO,
        "id": f"{shown}:{template.line_number}{suffix}",
        "feature": template.feature.name,
        "feature_file": shown,
        "line": template.line_number,
        "name": name,
        "tags": tags,
        "scenario_tags": sorted(own),
        "rules": rules_of(tags),
        "requirements": requirements_of(tags),
        "status": "skipped",
        "started": None,
        "duration_s": 0.0,
        "simulated_seconds": 0.0,
        "ruleset": None,
        "steps": [{"keyword": s.keyword, "text": s.name, "status": "skipped", "line": s.line_number,
                   "duration_s": None, "match": planned_match(s.type, s.name)} for s in scenario.steps],
        "failure": None,
        "messages": [],
        "devices": [],
    }
    if example:
        record["example"] = dict(example)
        record["example_line"] = _row_line(template, row) if row is not None else None
    return record


def unrunnable_file_record(shown: str, line: int, message: str) -> dict[str, Any]:
    """The record of a feature file that cannot be run (it does not parse, or holds no scenario)."""
    return {
        "kind": FEATURE_FILE, "id": shown, "feature": None, "feature_file": shown, "line": line,
        "name": "(feature file cannot be run)", "tags": [], "scenario_tags": [], "rules": [], "requirements": [],
        "status": "errored", "started": None, "duration_s": 0.0, "simulated_seconds": 0.0, "ruleset": None,
        "steps": [], "failure": message, "messages": [], "devices": [],
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
        features=[_feature(m) for m in modules],
        modelling_decisions=DspSettings().modelling_decisions(),
        started=started,
        finished=now(),
        os={"name": platform.system(), "version": platform.release()},
        cpu={"name": platform.machine()},
        schema_version=SCHEMA_VERSION,
    )
    return {"manifest": run_manifest, "summary": summary, "scenarios": records}


def now(precise: bool = False) -> str:
    """The time as ISO 8601 in UTC: to the second (the run), or to the microsecond (a scenario's start)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds" if precise else "seconds")


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


def _feature(module: Mapping[str, str]) -> dict[str, Any]:
    """A feature file as the manifest names it: its path as shown, its SHA-256, and its text (None when it
    cannot be read as UTF-8: the file's own record then says why it could not be run)."""
    try:
        data = Path(module["path"]).read_bytes()
    except OSError:
        return {"path": module["display"], "sha256": None, "text": None}
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return {"path": module["display"], "sha256": hashlib.sha256(data).hexdigest(), "text": text}
