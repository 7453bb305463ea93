"""evidence.html: the SIT/UIT evidence pack a release board signs off, from evidence.json.

    write_evidence(out_dir, evidence)            # -> out_dir/evidence.html

One self-contained file: the manifest, the counts (checked against every output of the pack), the
traceability matrix of the rule catalogue and the seed's Req-1 / Req-2 against scenarios, then every scenario
with its steps, messages, SMI before/after and failure. Failed, errored and skipped scenarios are listed
like passed ones: nothing is dropped.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dsp.rule_catalogue import RULES, Rule

from reports.counts import STATUSES, CountCheck, check_counts
from reports.evidence_diff import NEWLY_FAILING, NEWLY_PASSING, NO_LONGER_RUN, OTHER, STILL_FAILING, evidence_diff
from reports.render import format_clock, plural, render, write_atomically
from reports.traceability import scenario_requirements, scenario_rules, traceability_matrix

EVIDENCE_HTML = "evidence.html"
JUNIT_XML = "junit.xml"

# SmiRecord.snapshot() fields in reading order; any other key follows them.
SMI_FIELDS = ("device_id", "device_type", "smets", "model", "firmware", "status", "history",
              "supplier", "network_operator", "gpf", "gsme", "chf")
# harness.sim.world.TRACE_KINDS, as a reader names them (a test keeps the two in step).
MESSAGE_KINDS = {
    "request": "Service Request",
    "response": "Service Response",
    "device_command": "Device handles command",
    "device_message": "Device message to DSP",
    "dcc_alert": "DCC alert",
    "smi_change": "SMI change",
    "lost": "Lost in transit",
}
SYMBOL = {"passed": "✓", "failed": "✗", "skipped": "⊘", "errored": "⚠", "proven": "✓", "failing": "✗", "gap": "○",
          "undefined": "?"}  # undefined: a step the library does not know


def write_evidence(
    out_dir: Path | str,
    evidence: Mapping[str, Any],
    rules: Sequence[Rule] = RULES,
    junit_path: Path | str | None = None,
    *,
    counts: CountCheck | None = None,
    baseline: Mapping[str, Any] | None = None,
    evidence_sha256: str | None = None,
) -> Path:
    """Write `evidence.html` into `out_dir` and return its path.

    `rules`: the matrix's rows (default: the rule catalogue). `counts`: the check of every output's counts
    (reports.evidence_pack); without it, `junit_path` (default `out_dir/junit.xml`) is checked when the
    file exists. Any disagreement is shown. `baseline`: an earlier run's evidence; the page then says what
    changed since (reports.evidence_diff). `evidence_sha256`: the digest of the evidence.json beside it,
    shown on the page so the two vouch for each other (reports.integrity).
    """
    out_dir = Path(out_dir)
    junit = Path(junit_path) if junit_path is not None else out_dir / JUNIT_XML
    html = render_evidence(evidence, rules, junit, counts=counts, baseline=baseline, evidence_sha256=evidence_sha256)
    return write_atomically(out_dir / EVIDENCE_HTML, html)


def render_evidence(
    evidence: Mapping[str, Any], rules: Sequence[Rule] = RULES, junit_path: Path | str | None = None,
    *, counts: CountCheck | None = None, baseline: Mapping[str, Any] | None = None, evidence_sha256: str | None = None,
) -> str:
    view = evidence_view(evidence, rules, junit_path, counts=counts, baseline=baseline)
    return render("evidence.html", **view, evidence_sha256=evidence_sha256)


def evidence_view(
    evidence: Mapping[str, Any], rules: Sequence[Rule] = RULES, junit_path: Path | str | None = None,
    *, counts: CountCheck | None = None, baseline: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the template shows, as plain data (the template only lays it out)."""
    manifest = dict(evidence.get("manifest") or {})
    scenarios = [_scenario_view(i, s) for i, s in enumerate(evidence.get("scenarios") or [])]
    matrix = traceability_matrix(evidence.get("scenarios") or [], rules)
    if counts is None:
        counts = check_counts(evidence, junit_path)
    shown = counts.sources["scenarios"]
    not_passed = shown["total"] - shown["passed"]
    return {
        "page_title": f"Evidence: {shown['passed']} of {shown['total']} scenarios passed",
        "suite_title": _suite_title(manifest),
        "tool_version": str(manifest.get("tool_version", "")),
        "manifest": _manifest_view(manifest),
        "counts": counts.as_dict(),
        "shown": shown,
        "statuses": STATUSES,
        "all_passed": not_passed == 0 and shown["total"] > 0 and counts.agree,
        "not_passed": [s for s in scenarios if s["status"] != "passed"],
        "matrix": matrix,
        "rule_sections": _by_section(matrix["rules"]),
        "modelling_decisions": [r for r in matrix["rules"] if r["modelling_decision"]],
        "scenarios": scenarios,
        "symbol": SYMBOL,
        "baseline": _baseline_view(evidence_diff(baseline, evidence, rules), scenarios) if baseline else None,
    }


def _baseline_view(diff: Mapping[str, Any], scenarios: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The diff against the baseline, each scenario of this run linked to its place on the page (a removed
    one has no place on it)."""
    anchors = {s["id"]: s["anchor"] for s in scenarios}

    def linked(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [{**item, "anchor": anchors.get(item.get("id"))} for item in items]

    changed = [(kind, linked([c for c in diff["changed"] if c["kind"] == kind]))
               for kind in (NEWLY_FAILING, NO_LONGER_RUN, STILL_FAILING, NEWLY_PASSING, OTHER)]
    return {
        **diff,
        "groups": [(title, items) for title, items in
                   [*changed, ("added", linked(diff["added"])), ("removed", [{**item, "anchor": None} for item in diff["removed"]])] if items],
        "manifest_rows": [(m["what"], _manifest_text(m["old"]), _manifest_text(m["new"])) for m in diff["manifest"]],
        "statuses": [(k, diff["old"]["summary"].get(k, 0), diff["new"]["summary"].get(k, 0))
                     for k in (*STATUSES, "total")],
    }


def _suite_title(manifest: Mapping[str, Any]) -> str:
    """What was run: the built-in suite (every feature file under the package's features/), or the
    tester's own files."""
    paths = [str(f.get("path", "")) for f in manifest.get("features") or []]
    if paths and all(p.startswith("features/") for p in paths):
        return "MP105 built-in Gherkin suite"
    return f"Gherkin scenarios from {plural(len(paths), 'feature file')}"


def _by_section(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rules grouped by rulebook section, in the catalogue's order."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        sections.setdefault(row.get("section") or "", []).append(row)
    return list(sections.items())


def _manifest_view(manifest: Mapping[str, Any]) -> dict[str, Any]:
    rulesets = manifest.get("rulesets")
    rows = [
        ("Tool version", manifest.get("tool_version")),
        ("Git commit", manifest.get("git_commit") or "none (not a git checkout)"),
        ("Rule sets", ", ".join(map(str, rulesets)) if isinstance(rulesets, list) else rulesets),
        ("Seed", manifest.get("seed")),
        ("Python", manifest.get("python")),
        ("OS", " ".join(str(v) for v in (manifest.get("os") or {}).values()) or None),
        ("CPU", (manifest.get("cpu") or {}).get("name")),
        ("Started", manifest.get("started")),
        ("Finished", manifest.get("finished")),
    ]
    shown = {"tool_version", "git_commit", "rulesets", "seed", "python", "os", "cpu", "started", "finished", "features",
             "packages"}
    rows += [(key.replace("_", " ").capitalize(), value) for key, value in manifest.items() if key not in shown]
    return {
        "rows": [(label, _manifest_text(value)) for label, value in rows],
        "features": [(str(f.get("path", "")), str(f.get("sha256", ""))) for f in manifest.get("features") or []],
        "packages": sorted((str(k), str(v)) for k, v in (manifest.get("packages") or {}).items()),
    }


def _manifest_text(value: Any) -> str:
    """A manifest value as a reader wants it: mappings one `key: value` per line, lists comma-joined."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, Mapping):
        return "\n".join(f"{k}: {_manifest_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def _scenario_view(index: int, scenario: Mapping[str, Any]) -> dict[str, Any]:
    status = str(scenario.get("status") or "unknown")
    return {
        "index": index,
        "anchor": f"scenario-{index + 1}",
        "id": str(scenario.get("id") or ""),
        # a feature file that cannot be run has no feature name: its path stands in
        "feature": str(scenario.get("feature") or scenario.get("feature_file") or ""),
        "feature_file": str(scenario.get("feature_file") or ""),
        "line": scenario.get("line"),
        "name": str(scenario.get("name") or "(unnamed scenario)"),
        "tags": [str(t) for t in scenario.get("tags") or []],
        "rules": scenario_rules(scenario),
        "requirements": scenario_requirements(scenario),
        "status": status,
        "status_class": status if status in STATUSES else "other",
        "duration_s": scenario.get("duration_s"),
        "simulated_seconds": scenario.get("simulated_seconds"),
        "steps": [
            {
                "keyword": str(step.get("keyword") or ""),
                "text": str(step.get("text") or ""),
                "status": str(step.get("status") or ""),
                "line": step.get("line"),
            }
            for step in scenario.get("steps") or []
        ],
        # a skipped scenario's why is its `reason` (the collector keeps `failure` for what went wrong)
        "failure": scenario.get("failure") or (scenario.get("reason") if status == "skipped" else None),
        "messages": [_message_view(m) for m in scenario.get("messages") or []],
        "devices": [_device_view(d) for d in scenario.get("devices") or []],
    }


def _message_view(message: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(message.get("kind") or "")
    details = message.get("details") or {}
    return {
        "time": message.get("time"),
        "kind": MESSAGE_KINDS.get(kind, kind.replace("_", " ")),
        "is_alert": "alert" in kind,
        "srv": message.get("srv"),
        "device_id": message.get("device_id"),
        "user": message.get("user"),
        # the names the feature file used ("E1", "electricity supplier"), when they differ from the EUI-64
        "device_alias": _alias(message.get("device"), message.get("device_id")),
        "user_alias": _alias(message.get("user_alias"), message.get("user")),
        "code": message.get("code"),
        "details": [(str(k), _plain(v)) for k, v in details.items()] if isinstance(details, Mapping) else [("", _plain(details))],
        "xml": message.get("xml"),
    }


def _alias(alias: Any, eui: Any) -> str | None:
    return str(alias) if alias and alias != eui else None


def _device_view(device: Mapping[str, Any]) -> dict[str, Any]:
    before = device.get("before") or {}
    after = device.get("after") or {}
    keys = [k for k in SMI_FIELDS if k in before or k in after]
    keys += [k for k in list(before) + list(after) if k not in keys and k not in SMI_FIELDS]
    keys = list(dict.fromkeys(keys))
    return {
        "alias": str(device.get("alias") or ""),
        "device_id": str(device.get("device_id") or ""),
        "fields": [
            {
                "name": key.replace("_", " "),
                "before": _smi_value(key, before.get(key)),
                "after": _smi_value(key, after.get(key)),
                "changed": before.get(key) != after.get(key),
            }
            for key in keys
        ],
    }


def _smi_value(key: str, value: Any) -> str:
    if key == "history" and isinstance(value, list):
        return " → ".join(
            f"{entry[0]} ({format_clock(entry[1])})" if isinstance(entry, (list, tuple)) and len(entry) == 2 else str(entry)
            for entry in value
        )
    return "—" if value is None else str(value)


def _plain(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(_plain, value))
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items())
    return "—" if value is None else str(value)
