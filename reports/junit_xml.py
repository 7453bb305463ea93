"""junit.xml written from the evidence: one `testcase` per scenario, with the properties Jira Xray reads.

    write_junit(out_dir, evidence)   # -> out_dir/junit.xml

Written here rather than taken from pytest, so that (1) its counts are the evidence's by construction, a
feature file that cannot be run included; (2) a test is named as a tester knows it: `classname` is the
feature file's path (`features.alerts.dcc_alert_recipients`; features.runner.suite shows it the same
from any working directory), `name` the scenario's name with its example row, both stable from run to
run, where pytest's names carry a generated module number that shifts when a file is added; (3) each `testcase` carries Xray's properties:

- `requirements`: the scenario's rule IDs (`@R-VER-2`), requirement IDs (`@Req-1`) and Jira requirement
  keys (`@REQ_ABC-12`, Xray's own Cucumber convention), comma-separated;
- `tags`: every tag of the scenario, without `@`, comma-separated (Xray adds them as labels);
- `test_key`: the Jira key of the Test when a tag names exactly one: `@TEST_ABC-123` (Xray's Cucumber
  convention) or `@XRAY-ABC-123`. A key written on the scenario (or its Examples table) wins over one it
  inherits from its Feature or Rule; a key on a Feature applies to each of its scenarios that has none of
  its own (Xray then reports them into one Test); two keys at the same level give none (it would be a
  guess), and both stay in `tags`.

And TestRail's: `test_id`, the TestRail case (`C42`) when a `@C42` tag names exactly one (TestRail's own
Cucumber convention, the same precedence as `test_key`), which its CLI reads with
`trcli parse_junit --case-matcher property`.

The layout is the common JUnit one (Jenkins' junit-10 schema: testsuites > testsuite > testcase with
failure, error, skipped, system-out) plus Xray's `properties` inside a `testcase`, which JUnit consumers
that do not know it ignore. Each testsuite (one per feature file) declares its totals and the run's
manifest as properties; the root declares none, so no consumer can read a second, differing total.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from reports.render import write_atomically

JUNIT_XML = "junit.xml"
SUITES_NAME = "sm-harness features"
TEST_KEY_TAG = re.compile(r"^(?:TEST_|XRAY-)(?P<key>[A-Z][A-Z0-9_]*-\d+)$")
JIRA_REQUIREMENT_TAG = re.compile(r"^REQ_(?P<key>[A-Z][A-Z0-9_]*-\d+)$")
TESTRAIL_CASE_TAG = re.compile(r"^(?P<key>C\d+)$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold
MANIFEST_PROPERTIES = ("tool_version", "git_commit", "seed", "tags", "started", "finished")


def xray_properties(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, value) pairs for a scenario: test_key (when one), requirements and tags (when any)."""
    tags = [str(t).lstrip("@") for t in record.get("tags", [])]
    own = [str(t).lstrip("@") for t in record.get("scenario_tags", [])]
    keys = _test_keys(own) or _test_keys(tags)  # the scenario's own key, else the one it inherits
    requirements = [*record.get("rules", []), *record.get("requirements", []),
                    *(m["key"] for t in tags if (m := JIRA_REQUIREMENT_TAG.match(t)))]
    properties = []
    if len(keys) == 1:
        properties.append(("test_key", keys[0]))
    if requirements:
        properties.append(("requirements", ",".join(dict.fromkeys(str(r) for r in requirements))))
    if tags:
        properties.append(("tags", ",".join(tags)))
    return properties


def testrail_properties(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """[("test_id", "C42")] for a scenario a `@C42` tag names (its own tag over an inherited one), else []."""
    tags = [str(t).lstrip("@") for t in record.get("tags", [])]
    own = [str(t).lstrip("@") for t in record.get("scenario_tags", [])]
    cases = _test_keys(own, TESTRAIL_CASE_TAG) or _test_keys(tags, TESTRAIL_CASE_TAG)
    return [("test_id", cases[0])] if len(cases) == 1 else []


def _test_keys(tags: Sequence[str], pattern: re.Pattern[str] = TEST_KEY_TAG) -> list[str]:
    return sorted({m["key"] for t in tags if (m := pattern.match(t))})


def junit_xml(evidence: Mapping[str, Any]) -> str:
    root = ElementTree.Element("testsuites", {"name": SUITES_NAME})
    manifest = evidence.get("manifest", {})
    by_file: dict[str, list[Mapping[str, Any]]] = {}
    for record in evidence.get("scenarios", []):
        by_file.setdefault(str(record.get("feature_file")), []).append(record)
    for uri, records in by_file.items():
        root.append(_suite(uri, records, manifest))
    ElementTree.indent(root, space=" ")
    return "<?xml version='1.0' encoding='UTF-8'?>\n" + ElementTree.tostring(root, encoding="unicode") + "\n"


def write_junit(out_dir: Path | str, evidence: Mapping[str, Any]) -> Path:
    return write_atomically(Path(out_dir) / JUNIT_XML, junit_xml(evidence))


def classname(uri: str) -> str:
    """`features/alerts/x.feature` -> `features.alerts.x`: a package and class, as JUnit readers expect."""
    stem = re.sub(r"\.feature$", "", uri.replace("\\", "/")).strip("/")
    return re.sub(r"[/.]+", ".", stem) or "feature"


def _suite(uri: str, records: Sequence[Mapping[str, Any]], manifest: Mapping[str, Any]) -> ElementTree.Element:
    statuses = [r.get("status") for r in records]
    suite = ElementTree.Element("testsuite", {
        "name": _text(uri),
        "tests": str(len(records)),
        "failures": str(statuses.count("failed")),
        "errors": str(statuses.count("errored")),
        "skipped": str(statuses.count("skipped")),
        "time": _seconds(sum(float(r.get("duration_s") or 0.0) for r in records)),
    })
    began = min((str(r["started"]) for r in records if r.get("started")), default=None) or manifest.get("started")
    if began:  # when its first scenario started (evidence of schema 1 knows only the run's start)
        suite.set("timestamp", _text(began))
    properties = [(k, manifest[k]) for k in MANIFEST_PROPERTIES if manifest.get(k) not in (None, "", [])]
    properties += [("rulesets", ",".join(manifest["rulesets"]))] if manifest.get("rulesets") else []
    if properties:
        _properties(suite, [(k, str(v)) for k, v in properties])
    names: dict[str, int] = {}
    for record in records:
        suite.append(_case(uri, record, names))
    return suite


def _case(uri: str, record: Mapping[str, Any], names: dict[str, int]) -> ElementTree.Element:
    name = str(record.get("name") or record.get("id"))
    names[name] = names.get(name, 0) + 1
    if names[name] > 1:  # a repeated Examples row: each test case still needs its own name
        name = f"{name} #{names[name]}"
    case = ElementTree.Element("testcase", {"classname": _text(classname(uri)), "name": _text(name),
                                            "time": _seconds(float(record.get("duration_s") or 0.0))})
    properties = xray_properties(record) + testrail_properties(record)
    if properties:
        _properties(case, properties)
    status, failure = record.get("status"), record.get("failure")
    if status == "failed":
        _outcome(case, "failure", failure or "the scenario failed", "failed step")
    elif status == "errored":
        kind = "undefined step" if any(s.get("status") == "undefined" for s in record.get("steps", [])) else "error"
        _outcome(case, "error", failure or "the scenario errored", kind)
    elif status == "skipped":
        ElementTree.SubElement(case, "skipped", {"message": _text(record.get("reason") or "skipped")})
    out = ElementTree.SubElement(case, "system-out")
    out.text = _text(_step_listing(record))
    return case


def _outcome(case: ElementTree.Element, tag: str, message: str, kind: str) -> None:
    element = ElementTree.SubElement(case, tag, {"message": _text(message.splitlines()[0] if message else ""),
                                                 "type": kind})
    element.text = _text(message)


def _step_listing(record: Mapping[str, Any]) -> str:
    """The scenario as a tester reads it: its ID, then each step with its outcome."""
    lines = [f"{record.get('id')}  {record.get('name')}"]
    for step in record.get("steps", []):
        lines.append(f"  [{step.get('status')}] {step.get('keyword')} {step.get('text')}  (line {step.get('line')})")
    if record.get("reason"):
        lines.append(f"  skipped: {record['reason']}")
    if record.get("failure"):
        lines.append(f"  {record['failure']}")
    return "\n".join(lines) + "\n"


def _properties(parent: ElementTree.Element, pairs: Sequence[tuple[str, str]]) -> None:
    holder = ElementTree.SubElement(parent, "properties")
    for name, value in pairs:
        ElementTree.SubElement(holder, "property", {"name": _text(name), "value": _text(value)})


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def _text(value: Any) -> str:
    """Any text as XML can hold it: characters XML 1.0 forbids become U+FFFD."""
    return _NOT_XML.sub("\ufffd", str(value))
