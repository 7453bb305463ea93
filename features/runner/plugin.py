"""The evidence collector: a pytest plugin that records every scenario of a `sm-harness features` run.

pytest-bdd's own `--cucumberjson` drops failed and skipped scenarios, so the evidence is built here, from
pytest and pytest-bdd hooks: one record per scenario (and per feature file that does not parse), whatever
its outcome, written to `evidence.json`; junit.xml, cucumber.json and messages.ndjson are all written from
it afterwards (features.runner.suite), so every output counts the same scenarios. Per step the collector
times it, says which step definition it ran, and which of the scenario's messages it sent.

Also here, because they decide what a run is: `@skip` tags, `--tags` selection, and the setup check that
turns a step the library does not know into a one-line error naming file, line and the nearest phrasings.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from dsp.errors import DomainError
from features.runner.feature_files import FeatureFileError, check_feature_file
from features.runner.records import (
    build_evidence,
    first_line,
    now,
    one_line,
    record_for,
    scenario_of,
    skip_reason,
    unique_id,
    unrunnable_file_record,
)
from features.runner.step_matches import ran_match
from features.steps.library import CONTEXT
from features.steps.phrases import ScenarioFailure
from features.steps.tags import parse_tag_expression
from features.steps.unknown_steps import undefined_steps, undefined_steps_message
from reports.render import write_atomically

RECORD = pytest.StashKey[dict]()
FAILED_STEP = pytest.StashKey[tuple]()
# the step running now: (its entry in the record, perf_counter and trace length when it started)
RUNNING = pytest.StashKey[tuple]()
# per step that ran: (index in the record's steps, trace length when it started, when it ended)
STEP_SPANS = pytest.StashKey[list]()


# --- options and run description ----------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sm-harness evidence")
    group.addoption("--sm-evidence", metavar="DIR", help="write evidence.json to DIR")
    group.addoption("--sm-run", metavar="FILE", help="the run description written by sm-harness features")
    group.addoption("--sm-tags", metavar="EXPRESSION", help="run only scenarios whose tags match")


class Collector:
    """The run's records, and what the run description (written by features.runner.suite) says of it."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        run_file = config.getoption("--sm-run")
        self.run: dict[str, Any] = json.loads(Path(run_file).read_text()) if run_file else {}
        self.modules: dict[str, dict] = self.run.get("modules", {})
        self.display = {m["path"]: m["display"] for m in self.modules.values()}
        self.records: list[dict] = []
        self.by_nodeid: dict[str, dict] = {}
        self.started = self.run.get("started", now())
        self.tags = config.getoption("--sm-tags") or self.run.get("tags")
        self.select = parse_tag_expression(self.tags) if self.tags else None

    def shown(self, path: str) -> str:
        return self.display.get(os.path.abspath(path), path)

    def evidence(self) -> dict:
        seed = self.run.get("seed", self.config.getoption("--sm-seed", 0))
        return build_evidence(self.records, self.modules.values(), seed=seed, tags=self.tags, started=self.started)


_collector: Collector | None = None


def _the_collector() -> Collector:
    if _collector is None:  # pragma: no cover - pytest calls pytest_configure first
        raise RuntimeError("the evidence collector is not configured")
    return _collector


def pytest_configure(config: pytest.Config) -> None:
    global _collector
    _collector = Collector(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    global _collector
    _collector = None


# --- tags and collection ----------------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function: Any) -> bool:
    """Tags are evidence, not pytest marks (a rule ID is no valid mark name); `@skip` skips."""
    if tag == "skip":
        pytest.mark.skip(reason="tagged @skip")(function)
    return True


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    collector = _the_collector()
    keep, drop = [], []
    for item in items:
        template, _, _ = scenario_of(item)
        record = record_for(item, collector.shown(template.feature.filename)) if template is not None else None
        if record is None:
            keep.append(item)
            continue
        if collector.select is not None and not collector.select(set(record["tags"])):
            drop.append(item)
            continue
        record["id"] = unique_id(record["id"], {r["id"] for r in collector.records})
        item.stash[RECORD] = record
        collector.records.append(record)
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_collection_finish(session: pytest.Session) -> None:
    collector = _the_collector()
    collector.by_nodeid = {item.nodeid: item.stash[RECORD] for item in session.items if RECORD in item.stash}


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """A generated module whose feature file does not parse: one line for JUnit and the evidence."""
    report = yield
    if report.failed and isinstance(collector, pytest.Module):
        module = _the_collector().modules.get(Path(str(collector.path)).name)
        if module is not None:
            try:
                check_feature_file(module["path"], module["display"])
                message = f"{module['display']}: cannot be collected: {one_line(report.longrepr)}"
            except FeatureFileError as error:
                message = str(error)
            report.longrepr = message
            line = re.match(r"[^:]*:(\d+):", message)
            _the_collector().records.append(unrunnable_file_record(module["display"], int(line.group(1)) if line else 0, message))
    return report


# --- running ----------------------------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Every step must be in the library before the scenario starts: an unknown one errors the scenario."""
    record = item.stash.get(RECORD, None)
    if record is None:
        return
    record["started"] = now(precise=True)
    _, scenario, _ = scenario_of(item)
    missing = undefined_steps(scenario)
    if missing:
        lines = {step.line_number for step in missing}
        for entry in record["steps"]:
            if entry["line"] in lines:
                entry["status"] = "undefined"
        pytest.fail(undefined_steps_message(record["feature_file"], missing), pytrace=False)


def _step_entry(request: pytest.FixtureRequest, step: Any) -> dict | None:
    record = request.node.stash.get(RECORD, None)
    if record is None:
        return None
    for entry in record["steps"]:
        if entry["line"] == step.line_number and entry["status"] in ("skipped", "running"):
            return entry
    return None


def _trace_length(request: pytest.FixtureRequest) -> int:
    context = request.node.stash.get(CONTEXT, None)
    world = context.world if context is not None else None
    return len(world.trace) if world is not None else 0


def pytest_bdd_before_step(request, feature, scenario, step, step_func) -> None:
    entry = _step_entry(request, step)
    if entry is None:
        return
    entry["status"] = "running"
    entry["match"] = ran_match(step_func) or entry.get("match")
    request.node.stash[RUNNING] = (entry, time.perf_counter(), _trace_length(request))


def _step_ended(request: pytest.FixtureRequest, status: str) -> None:
    running = request.node.stash.get(RUNNING, None)
    if running is None:
        return
    entry, started, trace_start = running
    del request.node.stash[RUNNING]
    _close_step(request.node, entry, status, started, trace_start, _trace_length(request))


def _close_step(item: pytest.Item, entry: dict, status: str, started: float, trace_start: int,
                trace_end: int) -> None:
    entry["status"] = status
    entry["duration_s"] = round(time.perf_counter() - started, 6)
    record = item.stash[RECORD]
    index = next(i for i, e in enumerate(record["steps"]) if e is entry)
    item.stash.setdefault(STEP_SPANS, []).append((index, trace_start, trace_end))


def pytest_bdd_after_step(request, feature, scenario, step, step_func, step_func_args) -> None:
    _step_ended(request, "passed")


def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception) -> None:
    _step_ended(request, "failed")
    request.node.stash[FAILED_STEP] = (step, exception)


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_step_func_lookup_error(request, feature, scenario, step, exception) -> None:
    entry = _step_entry(request, step)
    if entry is not None:
        entry["status"] = "undefined"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    record = item.stash.get(RECORD, None)
    if record is None:
        return report
    running = item.stash.get(RUNNING, None)
    if running is not None and call.when == "call":
        # the step ended on what pytest-bdd's step-error hook does not catch (pytest.skip() inside it)
        del item.stash[RUNNING]
        entry, started, trace_start = running
        context = item.stash.get(CONTEXT, None)
        world = context.world if context is not None else None
        trace_end = len(world.trace) if world is not None else trace_start
        _close_step(item, entry, "skipped" if report.skipped else "failed", started, trace_start, trace_end)
    if report.failed and call.excinfo is not None:
        failed = item.stash.get(FAILED_STEP, None)
        error = call.excinfo.value
        if failed is not None and call.when == "call":
            step, _ = failed
            # a table step ends in ':' ("these devices are in the inventory:"): one colon before the reason
            where = f"{record['feature_file']}:{step.line_number}: {step.keyword} {step.name.rstrip(':')}"
            if isinstance(error, (ScenarioFailure, DomainError)):
                message = f"{where}: {first_line(str(error))}"
                report.longrepr = message
            else:
                message = f"{where}: {type(error).__name__}: {first_line(str(error))}"
        elif isinstance(error, pytest.fail.Exception):
            message = first_line(str(error))
            report.longrepr = message
        else:
            message = f"{type(error).__name__}: {first_line(str(error))}"
        if record["failure"] is None:
            record["failure"] = message
    context = item.stash.get(CONTEXT, None)
    if context is not None and call.when in ("call", "teardown"):
        record.update(context.evidence())
        _mark_senders(record, item.stash.get(STEP_SPANS, []))
    return report


def _mark_senders(record: dict, spans: list[tuple[int, int, int]]) -> None:
    """Each message's `step`: the index of the step during which the world traced it (None outside any)."""
    for number, message in enumerate(record["messages"]):
        message["step"] = next((index for index, start, end in spans if start <= number < end), None)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    record = _the_collector().by_nodeid.get(report.nodeid) if _collector is not None else None
    if record is None:
        return
    record["duration_s"] = round(record["duration_s"] + report.duration, 6)
    if report.when == "setup":
        if report.failed:
            record["status"] = "errored"
        elif report.skipped:
            record["status"] = "skipped"
            record["reason"] = skip_reason(report)
    elif report.when == "call":
        record["status"] = "passed" if report.passed else "failed" if report.failed else "skipped"
        if report.skipped:
            record["reason"] = skip_reason(report)
    elif report.when == "teardown" and report.failed and record["status"] == "passed":
        record["status"] = "errored"
        record["failure"] = record["failure"] or one_line(report.longrepr)


# --- writing ----------------------------------------------------------------------------------------------


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    out = session.config.getoption("--sm-evidence")
    if not out or _collector is None:
        return
    write_atomically(Path(out) / "evidence.json", json.dumps(_collector.evidence(), indent=1, default=str))
