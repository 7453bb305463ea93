"""cucumber.json: the run in the legacy Cucumber JSON layout (`--format json`) that Jira Xray, Zephyr Scale
and TestRail import.

    features = cucumber_json(evidence, sources)       # sources: {uri: text}, see gherkin_source.read_sources
    write_cucumber_json(out_dir, evidence, sources)   # -> out_dir/cucumber.json

The cucumber-ruby / cucumber-jvm shape: one feature per feature file, a `background` element before each
scenario that has one, one `scenario` element per scenario and per outline row (its `line` the row's, its
`id` ending `;examples-name;row`). Keywords, lines, descriptions, tag lines, data tables and doc strings
come from the feature file as Cucumber's Gherkin parser reads it; statuses and messages from the evidence
(reports.cucumber_outcome). A scenario's DUIS messages are `embeddings` (application/xml, base64) on the
step that sent them when the record says which, else on an `after` hook named for the evidence.
Nothing is left out: a failed, undefined-step, skipped or errored scenario, and a feature file that cannot
be run (an element with a failed `before` hook and its message), are all there.
"""
from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reports.counts import STATUSES, Counts
from reports.cucumber_outcome import Outcome, evidence_status, outcome
from reports.gherkin_source import MatchedScenario, MatchedStep, match_run
from reports.render import write_atomically

CUCUMBER_JSON = "cucumber.json"
SETUP_HOOK = "sm-harness: scenario setup"  # the `match.location` of the hooks we report
EVIDENCE_HOOK = "sm-harness: scenario evidence"
XML = "application/xml"


def cucumber_json(evidence: Mapping[str, Any], sources: Mapping[str, str]) -> list[dict[str, Any]]:
    run = match_run(evidence, sources)
    features = []
    for uri, scenarios in run.features():
        source = scenarios[0].source
        feature = source.feature if source is not None else None
        head: dict[str, Any]
        if feature is None:  # a feature file that does not parse: named after its file
            head = {"keyword": "Feature", "name": scenarios[0].record.get("feature") or Path(uri).name,
                    "description": "", "line": 1, "tags": []}
        else:
            head = {"keyword": feature["keyword"], "name": feature["name"],
                    "description": feature.get("description", ""), "line": feature["location"]["line"],
                    "tags": [{"name": t["name"], "line": t["location"]["line"]} for t in feature.get("tags", [])]}
        feature_id = _slug(str(head["name"])) or _slug(Path(uri).stem)
        elements: list[dict[str, Any]] = []
        for scenario in scenarios:
            elements.extend(_elements(scenario, feature_id))
        features.append({"uri": uri, "id": feature_id, **head, "elements": elements})
    return features


def write_cucumber_json(out_dir: Path | str, evidence: Mapping[str, Any], sources: Mapping[str, str]) -> Path:
    return write_atomically(Path(out_dir) / CUCUMBER_JSON, json.dumps(cucumber_json(evidence, sources), indent=1))


def count_cucumber_json(features: Sequence[Mapping[str, Any]]) -> Counts:
    """The evidence's counts read back from cucumber.json (reports.cucumber_outcome says how)."""
    counts = {s: 0 for s in STATUSES}
    for feature in features:
        background: list[str] = []  # a background's steps belong to the scenario after it (Cucumber's readers)
        for element in feature.get("elements", []):
            if element.get("type") == "background":
                background += [s["result"]["status"] for s in element.get("steps", [])]
                continue
            if element.get("type") != "scenario":
                continue
            steps = [*background, *(s["result"]["status"] for s in element.get("steps", []))]
            background = []
            hooks = [h["result"]["status"] for h in (*element.get("before", []), *element.get("after", []))]
            counts[evidence_status(steps, hooks)] += 1
    counts["total"] = sum(counts.values())
    return counts


# --- elements ---------------------------------------------------------------------------------------


def _elements(scenario: MatchedScenario, feature_id: str) -> list[dict[str, Any]]:
    record = scenario.record
    result = outcome(record)
    if scenario.is_feature_file_error or scenario.scenario is None:
        return [{"id": f"{feature_id};{_slug(record['name'])}", "keyword": "Scenario", "line": record.get("line", 0),
                 "name": record["name"], "description": "", "type": "scenario", "tags": [],
                 "before": [_hook(SETUP_HOOK, "failed", record.get("failure") or "the feature file cannot be run")],
                 "steps": []}]
    ast = scenario.scenario
    steps = [_step(step, status, message, record)
             for step, status, message in zip(scenario.steps, result.statuses, result.messages)]
    background = [s for s, m in zip(steps, scenario.steps) if m.background is not None]
    own = [s for s, m in zip(steps, scenario.steps) if m.background is None]
    elements = []
    if background:
        first = next(m.background for m in scenario.steps if m.background is not None)
        elements.append({"keyword": first["keyword"], "line": first["location"]["line"], "name": first.get("name", ""),
                         "description": first.get("description", ""), "type": "background", "steps": background})
    element: dict[str, Any] = {
        "id": _element_id(feature_id, scenario),
        "keyword": ast["keyword"],
        "line": scenario.row["location"]["line"] if scenario.row is not None else ast["location"]["line"],
        "name": scenario.pickle["name"] if scenario.pickle else record["name"],
        "description": ast.get("description", ""),
        "type": "scenario",
        "tags": scenario.tags(),
    }
    if record.get("started"):
        element["start_timestamp"] = record["started"]
    if result.setup_failure is not None:
        element["before"] = [_hook(SETUP_HOOK, "failed", result.setup_failure)]
    element["steps"] = own
    after = _after_hooks(record, result)
    if after:
        element["after"] = after
    _place_embeddings(record, steps, element)
    elements.append(element)
    return elements


def _element_id(feature_id: str, scenario: MatchedScenario) -> str:
    ast = scenario.scenario or {}
    ident = f"{feature_id};{_slug(ast.get('name', ''))}"
    if scenario.examples is not None:
        ident += f";{_slug(scenario.examples.get('name', '')) or 'examples'};{(scenario.row_index or 0) + 1}"
    return ident


def _step(step: MatchedStep, status: str, message: str | None, record: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {"status": status}
    if isinstance(step.record.get("duration_s"), (int, float)):
        result["duration"] = round(step.record["duration_s"] * 1e9)
    if message is not None:
        result["error_message"] = message
    entry: dict[str, Any] = {"keyword": step.ast_step["keyword"], "line": step.ast_step["location"]["line"],
                             "name": step.pickle_step["text"]}
    match = step.record.get("match")
    if isinstance(match, Mapping) and match.get("uri"):  # where the step is defined, as `file:line`
        entry["match"] = {"location": f"{match['uri']}:{match['line']}" if match.get("line") else str(match["uri"])}
    entry["result"] = result
    argument = step.pickle_step.get("argument", {})
    if "dataTable" in argument:
        entry["rows"] = [{"cells": [c["value"] for c in row["cells"]]} for row in argument["dataTable"]["rows"]]
    if "docString" in argument:
        doc = {"value": argument["docString"]["content"], "line": step.ast_step["docString"]["location"]["line"]}
        if argument["docString"].get("mediaType"):
            doc["content_type"] = argument["docString"]["mediaType"]
        entry["doc_string"] = doc
    return entry


def _hook(location: str, status: str, message: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"status": status}
    if message is not None:
        result["error_message"] = message
    return {"match": {"location": location}, "result": result}


def _after_hooks(record: Mapping[str, Any], result: Outcome) -> list[dict[str, Any]]:
    unplaced = [m for m in record.get("messages", []) if m.get("xml") and step_of(m, record) is None]
    if result.teardown_failure is None and not unplaced:
        return []
    status = "failed" if result.teardown_failure is not None else "passed"
    return [_hook(EVIDENCE_HOOK, status, result.teardown_failure)]


def _place_embeddings(record: Mapping[str, Any], steps: list[dict[str, Any]], element: dict[str, Any]) -> None:
    """Each DUIS message on the step that sent it (the record's `step` index), else on the evidence hook."""
    for number, message in enumerate(record.get("messages", []), 1):
        if not message.get("xml"):
            continue
        embedding = {"mime_type": XML, "data": base64.b64encode(str(message["xml"]).encode("utf-8")).decode("ascii"),
                     "name": attachment_name(number, message)}
        index = step_of(message, record)
        holder = steps[index] if index is not None else element["after"][0]
        holder.setdefault("embeddings", []).append(embedding)


def step_of(message: Mapping[str, Any], record: Mapping[str, Any]) -> int | None:
    """The index of the step that sent the message, when the collector recorded it (`step`)."""
    index = message.get("step")
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(record.get("steps", [])):
        return index
    return None


def attachment_name(number: int, message: Mapping[str, Any]) -> str:
    """`003-request-11.1-E1.xml`: the message's place in the scenario, its kind, SRV (or code), device."""
    parts = [f"{number:03d}", str(message.get("kind") or "message")]
    label = message.get("srv") or message.get("code")
    parts += [str(v) for v in (label, message.get("device")) if v]
    return _safe_name("-".join(parts)) + ".xml"


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
