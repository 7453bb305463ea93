"""messages.ndjson: the run as Cucumber Messages, one envelope a line, for Cucumber's own reporters.

    envelopes = cucumber_messages(evidence, sources, step_definitions)
    write_messages(out_dir, evidence, sources, step_definitions)   # -> out_dir/messages.ndjson

The order a Cucumber run writes them: meta; per feature file its source and gherkinDocument (or its
parseError) and the pickles that ran; stepDefinitions; hooks; testRunStarted; a failed run hook
(testRunHookStarted/Finished) per feature file that cannot be run, since Cucumber's HTML report shows
those and not parse errors; the testCases; per scenario testCaseStarted, testStepStarted/Finished per step
(attachments inside the step that made them), testCaseFinished; testRunFinished. The Gherkin document and
pickles are the `gherkin-official` parser's own; statuses and messages come from the evidence
(reports.cucumber_outcome). A feature file that cannot be run is its source and a parseError carrying the
collector's message.

Step definitions: a step's own `match` in the record ({"pattern", "uri", "line"}) when the collector wrote
one, else the first of `step_definitions` whose keyword and regular expression fit the step (the library's
phrases: `step_definitions_from_phrases`). A step that ran but matches none is an error, never a guess.
"""
from __future__ import annotations

import json
import platform
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reports.counts import STATUSES, Counts
from reports.cucumber_json import attachment_name, step_of
from reports.cucumber_outcome import evidence_status, outcome
from reports.gherkin_source import GHERKIN_MEDIA_TYPE, EvidenceMismatch, MatchedRun, MatchedScenario, match_run
from reports.render import write_atomically

MESSAGES_NDJSON = "messages.ndjson"
# The @cucumber/messages release whose JSON schema these envelopes follow (tests/interop_cucumber pins it).
PROTOCOL_VERSION = "34.2.1"
_KEYWORD_OF_TYPE = {"Context": "Given", "Action": "When", "Outcome": "Then"}


@dataclass(frozen=True)
class StepDefinition:
    """A step the library offers: the keywords it answers and the regular expression it matches."""

    keywords: tuple[str, ...]
    pattern: str
    uri: str | None = None
    line: int | None = None

    def matches(self, keyword: str | None, text: str) -> re.Match[str] | None:
        if keyword is not None and keyword not in self.keywords:
            return None
        return re.fullmatch(self.pattern, text)


def step_definitions_from_phrases(phrases: Iterable[Any], uri: str | None = None) -> list[StepDefinition]:
    """From the step library's phrases (objects with `keywords` and a compiled `regex`)."""
    return [StepDefinition(tuple(p.keywords), p.regex.pattern, uri) for p in phrases]


def cucumber_messages(evidence: Mapping[str, Any], sources: Mapping[str, str],
                      step_definitions: Sequence[StepDefinition] = ()) -> list[dict[str, Any]]:
    run = match_run(evidence, sources)
    return _Writer(evidence, run, step_definitions).envelopes()


def write_messages(out_dir: Path | str, evidence: Mapping[str, Any], sources: Mapping[str, str],
                   step_definitions: Sequence[StepDefinition] = ()) -> Path:
    lines = (json.dumps(e, separators=(",", ":")) for e in cucumber_messages(evidence, sources, step_definitions))
    return write_atomically(Path(out_dir) / MESSAGES_NDJSON, "".join(line + "\n" for line in lines))


def read_messages(path: Path | str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def count_messages(envelopes: Iterable[Mapping[str, Any]]) -> Counts:
    """The evidence's counts read back from the envelopes (reports.cucumber_outcome says how)."""
    counts = {s: 0 for s in STATUSES}
    hook_steps: set[str] = set()
    case_of: dict[str, str] = {}
    results: dict[str, list[tuple[str, str]]] = {}
    for envelope in envelopes:
        if "parseError" in envelope:
            counts["errored"] += 1
        elif "testCase" in envelope:
            hook_steps |= {s["id"] for s in envelope["testCase"]["testSteps"] if "hookId" in s}
        elif "testCaseStarted" in envelope:
            case_of[envelope["testCaseStarted"]["id"]] = envelope["testCaseStarted"]["testCaseId"]
            results[envelope["testCaseStarted"]["id"]] = []
        elif "testStepFinished" in envelope:
            finished = envelope["testStepFinished"]
            results[finished["testCaseStartedId"]].append((finished["testStepId"],
                                                           finished["testStepResult"]["status"].lower()))
    for started in case_of:
        steps = [status for step, status in results[started] if step not in hook_steps]
        hooks = [status for step, status in results[started] if step in hook_steps]
        counts[evidence_status(steps, hooks)] += 1
    counts["total"] = sum(counts.values())
    return counts


# --- writing -------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, evidence: Mapping[str, Any], run: MatchedRun, definitions: Sequence[StepDefinition]) -> None:
        self.evidence, self.run = evidence, run
        self.manifest: Mapping[str, Any] = evidence.get("manifest", {})
        self.definitions: dict[StepDefinition, str] = {d: self._id() for d in definitions}
        self.hooks: dict[str, dict[str, Any]] = {}
        self.run_id = self._id()

    def _id(self) -> str:
        return str(self.run.ids.get_next_id())

    def envelopes(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [{"meta": self._meta()}]
        for uri, source in self.run.sources.items():
            out.append({"source": {"uri": uri, "data": source.text, "mediaType": GHERKIN_MEDIA_TYPE}})
            errored = [s for s in self.run.scenarios if s.is_feature_file_error and s.record["feature_file"] == uri]
            if source.document is None or errored:
                out.extend(self._parse_errors(uri, source.errors, errored))
                continue
            out.append({"gherkinDocument": source.document})
            ran = {s.pickle["id"] for s in self.run.scenarios if s.pickle is not None and s.source is source}
            out.extend({"pickle": p} for p in source.pickles if p["id"] in ran)
        for scenario in self.run.scenarios:  # a feature file the run could not read as text has no source
            if scenario.is_feature_file_error and scenario.record["feature_file"] not in self.run.sources:
                out.extend(self._parse_errors(scenario.record["feature_file"], [], [scenario]))
        cases = [(s, self._test_case(s)) for s in self.run.scenarios if not s.is_feature_file_error]
        unrunnable = [s.record for s in self.run.scenarios if s.is_feature_file_error]
        check = self._hook("feature file") if unrunnable else None
        for definition, ident in self.definitions.items():
            out.append({"stepDefinition": _step_definition(definition, ident)})
        out.extend({"hook": hook} for hook in self.hooks.values())
        started = _timestamp(self.manifest.get("started"))
        out.append({"testRunStarted": {"timestamp": started, "id": self.run_id}})
        for record in unrunnable:  # also a failed run hook: Cucumber's HTML report shows those, not parse errors
            hook_run = self._id()
            out.append({"testRunHookStarted": {"id": hook_run, "testRunStartedId": self.run_id, "hookId": check,
                                               "timestamp": started}})
            result = {"status": "FAILED", "duration": _duration(0.0),
                      "message": str(record.get("failure") or "the feature file cannot be run")}
            out.append({"testRunHookFinished": {"testRunHookStartedId": hook_run, "result": result,
                                                "timestamp": started}})
        out.extend({"testCase": case} for _, case in cases)
        for scenario, case in cases:
            out.extend(self._execution(scenario, case))
        summary = self.evidence.get("summary", {})
        out.append({"testRunFinished": {"success": summary.get("passed") == summary.get("total"),
                                        "timestamp": _timestamp(self.manifest.get("finished")),
                                        "testRunStartedId": self.run_id}})
        return out

    def _meta(self) -> dict[str, Any]:
        # os and cpu: the manifest's when the collector wrote them, else this machine's (the writer runs
        # in the same process as the run)
        system = self.manifest.get("os") or {"name": platform.system(), "version": platform.release()}
        cpu = self.manifest.get("cpu") or {"name": platform.machine()}
        meta = {"protocolVersion": PROTOCOL_VERSION,
                "implementation": _product("sm-harness", self.manifest.get("tool_version")),
                "runtime": _product("python", self.manifest.get("python")), "os": system, "cpu": cpu}
        return meta

    def _parse_errors(self, uri: str, errors: list[dict[str, Any]],
                      records: list[MatchedScenario]) -> list[dict[str, Any]]:
        """The collector's message for a feature file it could not run (one per record), else the parser's."""
        if not records:
            return [{"parseError": e} for e in errors]
        return [{"parseError": {"source": {"uri": uri, "location": {"line": max(int(r.record.get("line") or 1), 1)}},
                                "message": str(r.record.get("failure") or "the feature file cannot be run")}}
                for r in records]

    def _hook(self, kind: str) -> str:
        if kind not in self.hooks:
            name, when = {"setup": ("sm-harness scenario setup", "BEFORE_TEST_CASE"),
                          "evidence": ("sm-harness scenario evidence", "AFTER_TEST_CASE"),
                          "feature file": ("sm-harness feature file check", "BEFORE_TEST_RUN")}[kind]
            self.hooks[kind] = {"id": self._id(), "name": name, "sourceReference": {}, "type": when}
        return str(self.hooks[kind]["id"])

    def _test_case(self, scenario: MatchedScenario) -> dict[str, Any]:
        assert scenario.pickle is not None
        result = outcome(scenario.record)
        steps: list[dict[str, Any]] = []
        if result.setup_failure is not None:
            steps.append({"id": self._id(), "hookId": self._hook("setup")})
        for matched, status in zip(scenario.steps, result.statuses):
            step: dict[str, Any] = {"id": self._id(), "pickleStepId": matched.pickle_step["id"]}
            found = None if status == "undefined" else self._definition(scenario, matched.record,
                                                                        matched.pickle_step)
            step["stepDefinitionIds"] = [found[0]] if found else []
            step["stepMatchArgumentsLists"] = [{"stepMatchArguments": found[1]}] if found else []
            steps.append(step)
        messages = scenario.record.get("messages", [])
        if result.teardown_failure is not None or any(m.get("xml") and step_of(m, scenario.record) is None
                                                      for m in messages):
            steps.append({"id": self._id(), "hookId": self._hook("evidence")})
        return {"id": self._id(), "pickleId": scenario.pickle["id"], "testSteps": steps,
                "testRunStartedId": self.run_id}

    def _definition(self, scenario: MatchedScenario, record_step: Mapping[str, Any],
                    pickle_step: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]]] | None:
        keyword = _KEYWORD_OF_TYPE.get(pickle_step.get("type", ""))
        text = pickle_step["text"]
        own = record_step.get("match")
        candidates: Iterable[StepDefinition]
        if isinstance(own, Mapping) and own.get("pattern"):
            candidates = [self._known(keyword, own)]
        else:
            candidates = self.definitions
        for definition in candidates:
            match = definition.matches(keyword, text)
            if match is not None:
                arguments: list[dict[str, Any]] = [{"group": {"start": match.start(g), "value": match.group(g), "children": []}}
                             for g in range(1, (match.re.groups or 0) + 1) if match.group(g) is not None]
                return self.definitions[definition], arguments
        raise EvidenceMismatch(f"{scenario.record['id']}: step {text!r} ran but no step definition given matches "
                               "it (pass the step library's definitions)")

    def _known(self, keyword: str | None, match: Mapping[str, Any]) -> StepDefinition:
        """The step definition a record's `match` names: one of those given when its pattern, file and line
        are the same, else a new one."""
        where = (str(match["pattern"]), match.get("uri"), match.get("line"))
        for definition in self.definitions:
            if (definition.pattern, definition.uri, definition.line) == where:
                return definition
        definition = StepDefinition((keyword,) if keyword else (), *where)
        self.definitions[definition] = self._id()
        return definition

    def _execution(self, scenario: MatchedScenario, case: dict[str, Any]) -> list[dict[str, Any]]:
        record = scenario.record
        result = outcome(record)
        started_id = self._id()
        clock = _seconds(record.get("started") or self.manifest.get("started"))
        out: list[dict[str, Any]] = [{"testCaseStarted": {"id": started_id, "testCaseId": case["id"], "attempt": 0,
                                                          "timestamp": _stamp(clock)}}]
        by_step: dict[int | None, list[tuple[int, Mapping[str, Any]]]] = {}
        for number, message in enumerate(record.get("messages", []), 1):
            if message.get("xml"):
                by_step.setdefault(step_of(message, record), []).append((number, message))
        index = 0
        for test_step in case["testSteps"]:
            if "hookId" in test_step:
                setup = test_step["hookId"] == self.hooks.get("setup", {}).get("id")
                status = "FAILED" if (setup or result.teardown_failure is not None) else "PASSED"
                message = result.setup_failure if setup else result.teardown_failure
                seconds = 0.0
                attached = [] if setup else by_step.get(None, [])
            else:
                status = result.statuses[index].upper()
                message = result.messages[index]
                duration = scenario.steps[index].record.get("duration_s")
                seconds = float(duration) if isinstance(duration, (int, float)) else 0.0
                attached = by_step.get(index, [])
                index += 1
            out.append({"testStepStarted": {"testCaseStartedId": started_id, "testStepId": test_step["id"],
                                            "timestamp": _stamp(clock)}})
            for number, item in attached:
                out.append({"attachment": {"testCaseStartedId": started_id, "testStepId": test_step["id"],
                                           "body": str(item["xml"]), "contentEncoding": "IDENTITY",
                                           "mediaType": "application/xml", "fileName": attachment_name(number, item)}})
            clock += seconds
            step_result: dict[str, Any] = {"status": status, "duration": _duration(seconds)}
            if message is not None:
                step_result["message"] = message
            out.append({"testStepFinished": {"testCaseStartedId": started_id, "testStepId": test_step["id"],
                                             "testStepResult": step_result, "timestamp": _stamp(clock)}})
        ended = max(clock, _seconds(record.get("started") or self.manifest.get("started"))
                    + float(record.get("duration_s") or 0.0))
        out.append({"testCaseFinished": {"testCaseStartedId": started_id, "timestamp": _stamp(ended),
                                         "willBeRetried": False}})
        return out


def _step_definition(definition: StepDefinition, ident: str) -> dict[str, Any]:
    reference: dict[str, Any] = {}
    if definition.uri:
        reference["uri"] = definition.uri
        if definition.line:
            reference["location"] = {"line": int(definition.line)}
    return {"id": ident, "pattern": {"source": definition.pattern, "type": "REGULAR_EXPRESSION"},
            "sourceReference": reference}


def _product(name: str, version: Any) -> dict[str, str]:
    return {"name": name, "version": str(version)} if version else {"name": name}


def _seconds(iso: Any) -> float:
    """Seconds since the epoch of an ISO 8601 time (the manifest's); 0 when there is none."""
    if not iso:
        return 0.0
    try:
        return datetime.fromisoformat(str(iso)).timestamp()
    except ValueError:
        raise EvidenceMismatch(f"not an ISO 8601 time: {iso!r}") from None


def _stamp(seconds: float) -> dict[str, int]:
    whole = int(seconds // 1)
    return {"seconds": whole, "nanos": min(int(round((seconds - whole) * 1e9)), 999_999_999)}


def _timestamp(iso: Any) -> dict[str, int]:
    return _stamp(_seconds(iso))


def _duration(seconds: float) -> dict[str, int]:
    return _stamp(max(seconds, 0.0))
