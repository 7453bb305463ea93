"""cucumber.json, messages.ndjson and junit.xml, as `sm-harness features --out` writes them for real runs, read
as the tools that import them read them: Cucumber's own JSON converter, the @cucumber/messages JSON schema
and Cucumber's HTML formatter (npm, tests/interop_cucumber), a JUnit XSD, and the counts of all five
outputs against evidence.json.

Two runs: the golden feature (a passing, a failing and a skipped scenario) and a tester's folder with an
outline, a failing row, an undefined step, an undefined first step, a skipped scenario inside a Rule with
its own Background, and a feature file that does not parse.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from harness.cli import main
from reports.counts import junit_counts
from reports.cucumber_json import count_cucumber_json, cucumber_json
from reports.cucumber_messages import PROTOCOL_VERSION, count_messages, cucumber_messages, read_messages
from reports.evidence_pack import pack_counts
from reports.gherkin_source import EvidenceMismatch, parse_sources, read_sources
from reports.junit_xml import xray_properties
from tests.reports.browser import Chromium, find_chromium
from tests.reports.conftest import ARTEFACTS, FIXTURES
from tests.reports.cucumber_tools import INTEROP, installed_version, needs_node, run_node
from tests.tools import needs_tool

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_FEATURE = ROOT / "tests" / "golden" / "fixtures" / "golden.feature"

TESTER_FEATURE = """@team @TEST_SMH-1
Feature: A tester's MP105 check
  Our adapter's own scenarios.

  Background:
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |

  @R-112-2 @Req-1 @XRAY-SMH-11
  Scenario Outline: 11.2 under <ruleset> answers <code>
    Given the DSP applies the "<ruleset>" rules
    When the supplier sends SR 11.2 to "E1"
    Then the response code is "<code>"

    @smoke
    Examples: ones that pass
      | ruleset | code |
      | mp105   | I0   |

    Examples: one that fails
      | ruleset | code |
      | legacy  | E5   |

  @TEST_SMH-7 @REQ_SMH-2
  Scenario: A step the library does not know in the middle
    Given the DSP applies the "mp105" rules
    When the meter is hit with a hammer
    Then the response code is "I0"

  @C42
  Scenario: A first step the library does not know
    Given a step nobody wrote
    Then the response code is "I0"

  Rule: Suspended devices

    Background:
      Given the DSP applies the "mp105" rules

    @skip
    Scenario: Skipped inside a rule
      When the supplier sends SR 11.2 to "E1"
      Then the response code is "I0"
"""
BROKEN_FEATURE = "Feature: Broken\n  Scenario: half written\n    Given the DSP applies the \"mp105\" rules\n  Oops\n"


@dataclass
class Pack:
    """One run's --out folder: its evidence and the formats written from it."""

    evidence: dict[str, Any]
    out: Path
    cucumber: list[dict[str, Any]]
    messages: list[dict[str, Any]]

    @property
    def junit(self) -> Path:
        return self.out / "junit.xml"

    def scenarios(self) -> list[dict[str, Any]]:
        return [e for f in self.cucumber for e in f["elements"] if e["type"] == "scenario"]


def _pack(paths: list[Path], out: Path) -> Pack:
    main(["features", *map(str, paths), "--out", str(out)])
    evidence = json.loads((out / "evidence.json").read_text())
    return Pack(evidence, out, json.loads((out / "cucumber.json").read_text()), read_messages(out / "messages.ndjson"))


@pytest.fixture(scope="module")
def golden(tmp_path_factory) -> Pack:
    return _pack([GOLDEN_FEATURE], tmp_path_factory.mktemp("golden"))


@pytest.fixture(scope="module")
def tester(tmp_path_factory) -> Pack:
    folder = tmp_path_factory.mktemp("tester")
    (folder / "features").mkdir()
    (folder / "features" / "a_broken.feature").write_text(BROKEN_FEATURE)
    (folder / "features" / "tester.feature").write_text(TESTER_FEATURE)
    return _pack([folder / "features"], folder / "out")  # --out never holds the user's own files


@pytest.fixture(scope="module")
def builtin(tmp_path_factory) -> Pack:
    return _pack([], tmp_path_factory.mktemp("builtin"))


@pytest.fixture(params=["golden", "tester"])
def pack(request) -> Pack:
    return request.getfixturevalue(request.param)


def by_name(pack: Pack) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in pack.scenarios()}


def scenarios_in(messages: list[dict[str, Any]]) -> list[str]:
    """The names of the scenarios, outlines and Examples tables of the messages' Gherkin documents."""
    names = []
    for envelope in messages:
        for child in envelope.get("gherkinDocument", {}).get("feature", {}).get("children", []):
            for item in [child, *child.get("rule", {}).get("children", [])]:
                if "scenario" in item:
                    names.append(item["scenario"]["name"])
                    names += [e["name"] for e in item["scenario"].get("examples", [])]
    return names


def statuses(element: dict[str, Any]) -> list[str]:
    return [s["result"]["status"] for s in element["steps"]]


# --- cucumber.json -----------------------------------------------------------------------------------


def test_cucumber_json_has_each_golden_scenario_with_its_outcome_keywords_and_tag_lines(golden):
    (feature,) = golden.cucumber
    assert (feature["keyword"], feature["name"], feature["line"]) == ("Feature", "Golden evidence of a tiny run", 4)
    assert feature["tags"] == [{"name": "@golden", "line": 3}]
    kinds = [e["type"] for e in feature["elements"]]
    assert kinds == ["background", "scenario"] * 3  # the Background before each scenario, as Cucumber writes it
    scenarios = by_name(golden)
    passed = scenarios["A lost 11.3 response is restored by an 11.2 under mp105"]
    assert set(statuses(passed)) == {"passed"}
    assert passed["tags"] == [{"name": "@golden", "line": 3}, {"name": "@R-112-2", "line": 14},
                              {"name": "@Req-1", "line": 14}]
    assert [s["keyword"] for s in passed["steps"][:2]] == ["Given ", "And "]  # as written, with Cucumber's space
    assert passed["steps"][1]["rows"] == [{"cells": ["device_type", "firmware", "status"]},
                                          {"cells": ["ESME", "0200BBBB", "Current"]}]
    failed = scenarios["A lost request expected to be answered E5 (this one fails on purpose)"]
    assert statuses(failed) == ["passed", "passed", "passed", "failed"]
    record = next(r for r in golden.evidence["scenarios"] if r["status"] == "failed")
    assert failed["steps"][-1]["result"]["error_message"] == record["failure"]
    skipped = scenarios["Skipped on purpose"]
    assert statuses(skipped) == ["skipped", "skipped"]


def test_cucumber_json_expands_outline_rows_and_keeps_undefined_skipped_and_unrunnable_scenarios(tester):
    scenarios = by_name(tester)
    assert len(scenarios) == len(tester.evidence["scenarios"]) == 6
    passing, failing = scenarios["11.2 under mp105 answers I0"], scenarios["11.2 under legacy answers E5"]
    assert (passing["keyword"], passing["line"], failing["line"]) == ("Scenario Outline", 19, 23)  # the rows' lines
    assert passing["id"].endswith(";ones-that-pass;2") and failing["id"].endswith(";one-that-fails;2")
    assert "@smoke" in [t["name"] for t in passing["tags"]] and "@smoke" not in [t["name"] for t in failing["tags"]]
    assert statuses(failing)[-1] == "failed"
    middle = scenarios["A step the library does not know in the middle"]
    assert statuses(middle) == ["skipped", "undefined", "skipped"]
    assert "unknown step" in middle["steps"][1]["result"]["error_message"]
    first = scenarios["A first step the library does not know"]
    assert statuses(first) == ["undefined", "skipped"]
    in_rule = scenarios["Skipped inside a rule"]
    background = next(f for f in tester.cucumber if f["name"] == "A tester's MP105 check")["elements"][-2]
    assert [s["line"] for s in background["steps"]] == [6, 39]  # the Feature's and the Rule's Background
    assert statuses(in_rule) == ["skipped", "skipped"]
    unrunnable = scenarios["(feature file cannot be run)"]
    assert unrunnable["steps"] == [] and unrunnable["before"][0]["result"]["status"] == "failed"
    assert "does not parse" in unrunnable["before"][0]["result"]["error_message"]


def test_cucumber_json_embeds_each_duis_message_as_base64_xml_on_the_step_that_sent_it(golden):
    record = next(r for r in golden.evidence["scenarios"] if r["status"] == "passed")
    element = by_name(golden)[record["name"]]
    assert "after" not in element  # every message was sent by a step: no evidence hook is needed
    steps = element["steps"]  # the scenario's own steps: the golden Background sends nothing
    background = len(record["steps"]) - len(steps)
    embedded = [(i + background, base64.b64decode(e["data"]).decode("utf-8"))
                for i, s in enumerate(steps) for e in s.get("embeddings", [])]
    assert embedded == [(m["step"], m["xml"]) for m in record["messages"] if m.get("xml")]
    sent = steps[record["steps"].index(next(s for s in record["steps"] if "SR 11.2" in s["text"])) - background]
    assert {e["mime_type"] for e in sent["embeddings"]} == {"application/xml"}
    numbered = [(n, m) for n, m in enumerate(record["messages"], 1) if m.get("xml")]  # its place in the trace
    names = [e["name"] for s in steps for e in s.get("embeddings", [])]
    assert names[:2] == [f"{n:03d}-{m['kind']}-{m['srv'] or m['code']}-E1.xml" for n, m in numbered[:2]]


def test_cucumber_json_gives_each_step_its_duration_and_definition_and_each_scenario_its_start(golden):
    record = next(r for r in golden.evidence["scenarios"] if r["status"] == "passed")
    element = by_name(golden)[record["name"]]
    assert element["start_timestamp"] == record["started"]
    own = record["steps"][-len(element["steps"]):]
    assert [s["result"]["duration"] for s in element["steps"]] == [round(s["duration_s"] * 1e9) for s in own]
    assert [s["match"]["location"] for s in element["steps"]] == [f"{s['match']['uri']}:{s['match']['line']}"
                                                                 for s in own]
    skipped = by_name(golden)["Skipped on purpose"]
    assert all("duration" not in s["result"] for s in skipped["steps"])  # a step that never ran took no time


@needs_node
def test_cucumber_json_is_accepted_by_cucumbers_own_converter(pack):
    checked = run_node("check_cucumber_json.mjs", pack.out / "cucumber.json")
    assert checked["scenarios"] == pack.evidence["summary"]["total"]
    assert checked["embeddings"] == sum(1 for r in pack.evidence["scenarios"] for m in r["messages"] if m.get("xml"))


# --- messages.ndjson ---------------------------------------------------------------------------------


def test_messages_carry_the_gherkin_parsers_own_document_and_a_pickle_per_scenario(tester):
    documents = [e["gherkinDocument"] for e in tester.messages if "gherkinDocument" in e]
    sources = {e["source"]["uri"]: e["source"]["data"] for e in tester.messages if "source" in e}
    parsed = parse_sources(sources)
    assert documents == [s.document for s in parsed.values() if s.document is not None]
    pickles = [e["pickle"]["name"] for e in tester.messages if "pickle" in e]
    assert sorted(pickles) == sorted(r["name"] for r in tester.evidence["scenarios"] if r["steps"])
    (error,) = [e["parseError"] for e in tester.messages if "parseError" in e]
    assert error["source"]["uri"].endswith("a_broken.feature") and "does not parse" in error["message"]


def test_messages_report_each_step_result_and_attach_the_duis_xml(golden):
    results = [e["testStepFinished"]["testStepResult"] for e in golden.messages if "testStepFinished" in e]
    failed = [r for r in results if r["status"] == "FAILED"]
    assert len(failed) == 1 and "expected response code E5" in failed[0]["message"]
    attachments = [e["attachment"] for e in golden.messages if "attachment" in e]
    xml = [m["xml"] for r in golden.evidence["scenarios"] for m in r["messages"] if m.get("xml")]
    assert [a["body"] for a in attachments] == xml
    assert {a["mediaType"] for a in attachments} == {"application/xml"}
    meta = golden.messages[0]["meta"]
    assert (meta["protocolVersion"], meta["implementation"]["name"]) == (PROTOCOL_VERSION, "sm-harness")


def test_messages_name_each_steps_definition_by_file_and_line_and_time_each_step(golden):
    definitions = {e["stepDefinition"]["id"]: e["stepDefinition"] for e in golden.messages if "stepDefinition" in e}
    where = {(d["sourceReference"].get("uri"), d["sourceReference"].get("location", {}).get("line"))
             for d in definitions.values()}
    assert len(where) == len(definitions)  # each definition once, however many steps use it
    for uri, line in where:
        assert (ROOT / uri).read_text().splitlines()[line - 1].lstrip().startswith("@step(")
    record = next(r for r in golden.evidence["scenarios"] if r["status"] == "passed")
    started = next(e["testCaseStarted"] for e in golden.messages if "testCaseStarted" in e)
    assert started["timestamp"]["seconds"] == int(datetime.fromisoformat(record["started"]).timestamp())
    finished = [e["testStepFinished"] for e in golden.messages if "testStepFinished" in e]
    first = [f["testStepResult"]["duration"] for f in finished if f["testCaseStartedId"] == started["id"]]
    assert [d["seconds"] * 1e9 + d["nanos"] for d in first] == [pytest.approx(s["duration_s"] * 1e9, abs=1)
                                                               for s in record["steps"]]


def test_evidence_without_step_matches_needs_the_step_definitions_never_a_guess(golden):
    evidence = json.loads(json.dumps(golden.evidence))
    for record in evidence["scenarios"]:  # evidence of schema 1: no step says where it is defined
        for step in record["steps"]:
            del step["match"]
    with pytest.raises(EvidenceMismatch, match="no step definition given matches"):
        cucumber_messages(evidence, read_sources(evidence), step_definitions=[])


@needs_node
def test_messages_are_valid_against_the_cucumber_messages_schema(pack):
    checked = run_node("validate_messages.mjs", pack.out / "messages.ndjson")
    assert checked["envelopes"] == len(pack.messages)
    assert checked["order"][:2] == ["meta", "source"] and checked["order"][-1] == "testRunFinished"
    assert checked["types"]["testCase"] == checked["types"]["testCaseFinished"] == len(
        [r for r in pack.evidence["scenarios"] if r["steps"]])


@needs_node
@pytest.mark.slow  # a browser start: about 5 s
@needs_tool(None if find_chromium() is not None else "headless Chromium not found: `apt-get install -y chromium`")
def test_cucumbers_html_formatter_renders_the_messages_into_its_report(tester):
    html = tester.out / "cucumber.html"
    run_node("render_html.mjs", tester.out / "messages.ndjson", html)
    with Chromium(find_chromium()) as browser:
        tab = browser.open(html)
        text = tab.evaluate("document.body.innerText")
        assert tab.visit.exceptions == [] and tab.visit.console_errors == []
        tab.screenshot(ARTEFACTS / "cucumber-html-formatter.png")
    for scenario in scenarios_in(tester.messages):  # as the formatter shows them: outlines with their Examples
        assert scenario in text, scenario
    words = " ".join(text.split())
    for shown in ("(1 / 5) passed", "PASSED 1", "FAILED 1", "SKIPPED 1", "UNDEFINED 2", "does not parse"):
        assert shown in words, shown  # the 6th scenario, the unparsable file, is the failed run hook


# --- junit.xml ---------------------------------------------------------------------------------------


def test_junit_is_valid_junit_and_carries_xrays_properties(tester):
    schema = xmlschema.XMLSchema(str(FIXTURES / "junit_xray.xsd"))
    schema.validate(str(tester.junit))
    cases = {c["@name"]: c for s in schema.to_dict(str(tester.junit))["testsuite"] for c in s["testcase"]}
    properties = {name: {p["@name"]: p["@value"] for p in case.get("properties", {}).get("property", [])}
                  for name, case in cases.items()}
    assert properties["11.2 under mp105 answers I0"] == {  # its own key wins over the Feature's TEST_SMH-1
        "test_key": "SMH-11", "requirements": "R-112-2,Req-1",
        "tags": "R-112-2,Req-1,TEST_SMH-1,XRAY-SMH-11,smoke,team"}
    assert properties["A step the library does not know in the middle"] == {
        "test_key": "SMH-7", "requirements": "SMH-2", "tags": "REQ_SMH-2,TEST_SMH-1,TEST_SMH-7,team"}
    assert properties["A first step the library does not know"] == {  # the Feature's Xray key; a TestRail case
        "test_key": "SMH-1", "tags": "C42,TEST_SMH-1,team", "test_id": "C42"}
    assert cases["A step the library does not know in the middle"]["error"]["@type"] == "undefined step"
    assert cases["Skipped inside a rule"]["skipped"]["@message"] == "tagged @skip"
    assert "does not parse" in cases["(feature file cannot be run)"]["error"]["@message"]


def test_xray_properties_follow_the_tag_conventions():
    record = {"tags": ["R-VER-2", "Req-2", "TEST_ABC-123", "REQ_ABC-7", "smoke"], "rules": ["R-VER-2"],
              "requirements": ["Req-2"]}
    assert xray_properties(record) == [("test_key", "ABC-123"), ("requirements", "R-VER-2,Req-2,ABC-7"),
                                       ("tags", "R-VER-2,Req-2,TEST_ABC-123,REQ_ABC-7,smoke")]
    two_keys = {"tags": ["TEST_ABC-1", "XRAY-ABC-2"], "rules": [], "requirements": []}
    assert [name for name, _ in xray_properties(two_keys)] == ["tags"]  # which Test it is would be a guess
    inherited = {"tags": ["TEST_ABC-1", "TEST_ABC-2"], "scenario_tags": ["TEST_ABC-2"], "rules": [], "requirements": []}
    assert xray_properties(inherited)[0] == ("test_key", "ABC-2")  # the scenario's own over its Feature's
    two_own = {**inherited, "scenario_tags": ["TEST_ABC-1", "TEST_ABC-2"]}
    assert [name for name, _ in xray_properties(two_own)] == ["tags"]
    assert xray_properties({"tags": [], "rules": [], "requirements": []}) == []


# --- all four agree ----------------------------------------------------------------------------------


def test_the_counts_agree_across_evidence_html_junit_cucumber_json_and_messages(pack):
    summary = {k: pack.evidence["summary"][k] for k in ("passed", "failed", "skipped", "errored", "total")}
    assert count_cucumber_json(pack.cucumber) == summary
    assert count_messages(pack.messages) == summary
    assert junit_counts(pack.junit) == summary
    check = pack_counts(pack.out, pack.evidence)
    assert check.agree and set(check.sources) == {"scenarios", "summary", "junit.xml", "cucumber.json",
                                                  "messages.ndjson", "evidence.html"}
    html = (pack.out / "evidence.html").read_text()
    assert "These counts agree across <b>scenarios</b>, <b>summary</b>, <b>junit.xml</b>, <b>cucumber.json</b>, " \
           "<b>messages.ndjson</b>" in html


def test_a_disagreeing_output_is_named_in_one_line(golden, tmp_path):
    for name in ("evidence.json", "junit.xml", "cucumber.json", "messages.ndjson", "evidence.html"):
        (tmp_path / name).write_bytes((golden.out / name).read_bytes())
    features = json.loads((tmp_path / "cucumber.json").read_text())
    features[0]["elements"] = [e for e in features[0]["elements"] if e.get("name") != "Skipped on purpose"]
    (tmp_path / "cucumber.json").write_text(json.dumps(features))
    check = pack_counts(tmp_path, golden.evidence)
    assert check.problems == ["cucumber.json says 0 skipped, the scenario list has 1",
                              "cucumber.json says 2 total, the scenario list has 3"]


@needs_node
@pytest.mark.slow  # the whole built-in suite: about 8 s
def test_the_built_in_suite_passes_every_check(builtin):
    summary = {k: builtin.evidence["summary"][k] for k in ("passed", "failed", "skipped", "errored", "total")}
    assert run_node("check_cucumber_json.mjs", builtin.out / "cucumber.json")["scenarios"] == summary["total"]
    assert run_node("validate_messages.mjs", builtin.out / "messages.ndjson")["envelopes"] == len(builtin.messages)
    assert count_cucumber_json(builtin.cucumber) == count_messages(builtin.messages) == summary
    assert junit_counts(builtin.junit) == summary
    assert pack_counts(builtin.out, builtin.evidence).agree
    xmlschema.XMLSchema(str(FIXTURES / "junit_xray.xsd")).validate(str(builtin.junit))


def test_a_feature_file_edited_since_the_run_is_refused(golden, tmp_path):
    evidence = json.loads(json.dumps(golden.evidence))
    copy = tmp_path / "golden.feature"
    copy.write_text(GOLDEN_FEATURE.read_text() + "\n# edited\n")
    evidence["manifest"]["features"][0]["path"] = str(copy)
    del evidence["manifest"]["features"][0]["text"]  # evidence of schema 1 names the file, not its text
    with pytest.raises(EvidenceMismatch, match="changed since the run"):
        read_sources(evidence)


def test_a_step_the_collector_left_running_is_reported_failed(golden):
    evidence = json.loads(json.dumps(golden.evidence))
    record = next(r for r in evidence["scenarios"] if r["status"] == "failed")
    record["steps"][-1]["status"] = "running"  # what a step leaves when it ends on an exception pytest-bdd misses
    sources = read_sources(evidence)
    element = next(e for f in cucumber_json(evidence, sources) for e in f["elements"] if e["name"] == record["name"])
    result = element["steps"][-1]["result"]
    assert (result["status"], result["error_message"]) == ("failed", record["failure"])


def test_the_npm_tools_are_pinned_by_the_lockfile_and_the_protocol_version_follows_them():
    lock = json.loads((INTEROP / "package-lock.json").read_text())
    wanted = json.loads((INTEROP / "package.json").read_text())["dependencies"]
    locked = {name: lock["packages"][f"node_modules/{name}"]["version"] for name in wanted}
    assert locked == wanted  # exact versions, no ranges
    assert locked["@cucumber/messages"] == PROTOCOL_VERSION
    assert (INTEROP / ".gitignore").read_text().split() == ["node_modules/"]


@needs_node
def test_the_installed_npm_tools_are_the_locked_ones():
    wanted = json.loads((INTEROP / "package.json").read_text())["dependencies"]
    assert {name: installed_version(name) for name in wanted} == wanted
