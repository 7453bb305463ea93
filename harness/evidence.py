"""The evidence collector: a pytest plugin that records every scenario of a `sm-harness features` run.

pytest-bdd's own `--cucumberjson` drops failed and skipped scenarios, so the evidence is built here, from
pytest and pytest-bdd hooks: one record per scenario (and per feature file that does not parse), whatever
its outcome, written to `evidence.json` beside pytest's `junit.xml` so the counts agree.

Also here, because they decide what a run is: `@skip` tags, `--tags` selection, and the setup check that
turns a step the library does not know into a one-line error naming file, line and the nearest phrasings.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from reports.render import write_atomically

from dsp import DspSettings
from dsp.errors import DomainError

RULE_TAG = re.compile(r"^R-[A-Z0-9]+-\d+$")
REQUIREMENT_TAG = re.compile(r"^Req-\d+$")
# the packages that shape the evidence: running the scenarios, drawing aliases, validating and rendering
# the DUIS XML it shows, rendering the page
PACKAGES = ("sm-harness", "pytest", "pytest-bdd", "gherkin-official", "simpy", "faker", "xmlschema", "defusedxml",
            "jinja2")
SCHEMA_VERSION = 1

RECORD = pytest.StashKey[dict]()
FAILED_STEP = pytest.StashKey[tuple]()


class FeatureFileError(Exception):
    """A feature file that cannot be run: it does not parse, or holds no scenario, or repeats a name."""


def check_feature_file(path: str, display: str | None = None) -> None:
    """Parse a feature file as pytest-bdd will; raise FeatureFileError with one line on any problem.

    pytest-bdd keys scenarios by name, so two scenarios with one name would silently become one: refused.
    """
    from pytest_bdd.exceptions import GherkinParseError
    from pytest_bdd.parser import FeatureParser

    shown = display or path
    try:
        feature = FeatureParser(os.path.dirname(path), os.path.basename(path)).parse()
    except GherkinParseError as error:
        raise FeatureFileError(f"{shown}:{error.line}: does not parse: {error.message} ({error.line_content.strip()!r})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise FeatureFileError(f"{shown}: cannot be read: {error}") from None
    if not feature.scenarios:
        raise FeatureFileError(f"{shown}:{feature.line_number}: the feature has no scenarios")
    text = Path(path).read_text(encoding="utf-8")
    names: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r"\s*(Scenario Outline|Scenario Template|Scenario|Example):\s*(.*?)\s*$", line)
        if m:
            if m.group(2) in names:
                raise FeatureFileError(f"{shown}:{number}: scenario name {m.group(2)!r} is already used at line "
                                       f"{names[m.group(2)]}; each scenario of a feature needs its own name")
            names[m.group(2)] = number


# --- options and run description ----------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sm-harness evidence")
    group.addoption("--sm-evidence", metavar="DIR", help="write evidence.json to DIR")
    group.addoption("--sm-run", metavar="FILE", help="the run description written by sm-harness features")
    group.addoption("--sm-tags", metavar="EXPRESSION", help="run only scenarios whose tags match")


class Collector:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        run_file = config.getoption("--sm-run")
        self.run: dict[str, Any] = json.loads(Path(run_file).read_text()) if run_file else {}
        self.modules: dict[str, dict] = self.run.get("modules", {})
        self.display = {m["path"]: m["display"] for m in self.modules.values()}
        self.records: list[dict] = []
        self.started = _now()
        tags = config.getoption("--sm-tags") or self.run.get("tags")
        from features.steps.tags import parse_tag_expression

        self.select = parse_tag_expression(tags) if tags else None
        self.tags = tags

    def shown(self, path: str) -> str:
        return self.display.get(os.path.abspath(path), path)


_collector: Collector | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _collector
    _collector = Collector(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    global _collector
    _collector = None


# --- tags -----------------------------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function):
    """Tags are evidence, not pytest marks (a rule ID is no valid mark name); `@skip` skips."""
    if tag == "skip":
        pytest.mark.skip(reason="tagged @skip")(function)
    return True


# --- collection -------------------------------------------------------------------------------------------


def _scenario_of(item: pytest.Item):
    from pytest_bdd.scenario import scenario_wrapper_template_registry

    template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))
    if template is None:
        return None, None, {}
    example = item.callspec.params.get("_pytest_bdd_example", {}) if hasattr(item, "callspec") else {}
    return template, template.render(example), example


def _tags(template) -> list[str]:
    tags = set(template.tags) | set(template.feature.tags)
    if template.rule is not None:
        tags |= set(template.rule.tags)
    return sorted(tags)


def _record_for(item: pytest.Item) -> dict | None:
    template, scenario, example = _scenario_of(item)
    if template is None:
        return None
    shown = _collector.shown(template.feature.filename)
    example_tags: set[str] = set()
    if example:
        for examples in template.examples:
            if any(dict(zip(examples.example_params, row)) == example for row in examples.examples):
                example_tags |= set(examples.tags or ())
    tags = sorted(set(_tags(template)) | example_tags)
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
        "rules": [t for t in tags if RULE_TAG.match(t)],
        "requirements": [t for t in tags if REQUIREMENT_TAG.match(t)],
        "status": "skipped",
        "duration_s": 0.0,
        "simulated_seconds": 0.0,
        "ruleset": None,
        "steps": [{"keyword": s.keyword, "text": s.name, "status": "skipped", "line": s.line_number} for s in scenario.steps],
        "failure": None,
        "messages": [],
        "devices": [],
    }


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        record = _record_for(item)
        if record is None:
            keep.append(item)
            continue
        if _collector.select is not None and not _collector.select(set(record["tags"])):
            drop.append(item)
            continue
        record["id"] = _unique_id(record["id"], {r["id"] for r in _collector.records})
        item.stash[RECORD] = record
        _collector.records.append(record)
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _unique_id(wanted: str, taken: set[str]) -> str:
    """An Examples table may repeat a row: each scenario still needs its own ID in the evidence."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}#{n}" in taken:
        n += 1
    return f"{wanted}#{n}"


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """A generated module whose feature file does not parse: one line for JUnit and the evidence."""
    report = yield
    if report.failed and isinstance(collector, pytest.Module):
        module = _collector.modules.get(Path(str(collector.path)).name)
        if module is not None:
            try:
                check_feature_file(module["path"], module["display"])
                message = f"{module['display']}: cannot be collected: {_one_line(report.longrepr)}"
            except FeatureFileError as error:
                message = str(error)
            report.longrepr = message
            line = re.match(r"[^:]*:(\d+):", message)
            _collector.records.append({
                "id": module["display"], "feature": None, "feature_file": module["display"],
                "line": int(line.group(1)) if line else 0, "name": "(feature file cannot be run)", "tags": [],
                "rules": [], "requirements": [], "status": "errored", "duration_s": 0.0, "simulated_seconds": 0.0,
                "ruleset": None, "steps": [], "failure": message, "messages": [], "devices": [],
            })
    return report


# --- running ----------------------------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Every step must be in the library before the scenario starts: an unknown one errors the scenario."""
    record = item.stash.get(RECORD, None)
    if record is None:
        return
    from features.steps.library import undefined_steps
    from features.steps.phrases import unknown_step_message

    _, scenario, _ = _scenario_of(item)
    missing = undefined_steps(scenario)
    if missing:
        for step in missing:
            for entry in record["steps"]:
                if entry["line"] == step.line_number:
                    entry["status"] = "undefined"
        first = missing[0]
        message = unknown_step_message(record["feature_file"], first.line_number, first.keyword, first.name)
        if len(missing) > 1:
            message += f" (and {len(missing) - 1} more unknown step{'s' if len(missing) > 2 else ''}: lines " \
                       + ", ".join(str(s.line_number) for s in missing[1:]) + ")"
        pytest.fail(message, pytrace=False)


def _step_entry(request, step) -> dict | None:
    record = request.node.stash.get(RECORD, None)
    if record is None:
        return None
    for entry in record["steps"]:
        if entry["line"] == step.line_number and entry["status"] in ("skipped", "running"):
            return entry
    return None


def pytest_bdd_before_step(request, feature, scenario, step, step_func) -> None:
    entry = _step_entry(request, step)
    if entry is not None:
        entry["status"] = "running"


def pytest_bdd_after_step(request, feature, scenario, step, step_func, step_func_args) -> None:
    entry = _step_entry(request, step)
    if entry is not None:
        entry["status"] = "passed"


def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception) -> None:
    entry = _step_entry(request, step)
    if entry is not None:
        entry["status"] = "failed"
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
    from features.steps.library import CONTEXT
    from features.steps.phrases import ScenarioFailure

    if report.failed and call.excinfo is not None:
        failed = item.stash.get(FAILED_STEP, None)
        error = call.excinfo.value
        if failed is not None and call.when == "call":
            step, _ = failed
            # a table step ends in ':' ("these devices are in the inventory:"): one colon before the reason
            where = f"{record['feature_file']}:{step.line_number}: {step.keyword} {step.name.rstrip(':')}"
            if isinstance(error, (ScenarioFailure, DomainError)):
                message = f"{where}: {_first_line(str(error))}"
                report.longrepr = message
            else:
                message = f"{where}: {type(error).__name__}: {_first_line(str(error))}"
        elif isinstance(error, pytest.fail.Exception):
            message = _first_line(str(error))
            report.longrepr = message
        else:
            message = f"{type(error).__name__}: {_first_line(str(error))}"
        if record["failure"] is None:
            record["failure"] = message
    context = item.stash.get(CONTEXT, None)
    if context is not None and call.when in ("call", "teardown"):
        record.update(context.evidence())
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    record = _record_by_nodeid(report.nodeid)
    if record is None:
        return
    record["duration_s"] = round(record["duration_s"] + report.duration, 6)
    if report.when == "setup":
        if report.failed:
            record["status"] = "errored"
        elif report.skipped:
            record["status"] = "skipped"
            record["reason"] = _skip_reason(report)
    elif report.when == "call":
        record["status"] = "passed" if report.passed else "failed" if report.failed else "skipped"
        if report.skipped:
            record["reason"] = _skip_reason(report)
    elif report.when == "teardown" and report.failed and record["status"] == "passed":
        record["status"] = "errored"
        record["failure"] = record["failure"] or _one_line(report.longrepr)


_by_nodeid: dict[str, dict] = {}


def _record_by_nodeid(nodeid: str) -> dict | None:
    return _by_nodeid.get(nodeid)


def pytest_collection_finish(session: pytest.Session) -> None:
    _by_nodeid.clear()
    for item in session.items:
        record = item.stash.get(RECORD, None)
        if record is not None:
            _by_nodeid[item.nodeid] = record


# --- writing ----------------------------------------------------------------------------------------------


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    out = session.config.getoption("--sm-evidence")
    if not out or _collector is None:
        return
    evidence = build_evidence(_collector)
    write_json_atomically(Path(out) / "evidence.json", evidence)


def build_evidence(collector: Collector) -> dict:
    records = collector.records
    summary = {status: sum(1 for r in records if r["status"] == status) for status in ("passed", "failed", "skipped", "errored")}
    summary["total"] = len(records)
    run = collector.run
    features = [{"path": m["display"], "sha256": _sha256(m["path"])} for m in collector.modules.values()]
    rulesets = sorted({r["ruleset"] for r in records if r.get("ruleset")})
    manifest = {
        "tool_version": _version("sm-harness") or _pyproject_version(),
        "git_commit": _git_commit(),
        "rulesets": rulesets,
        "seed": run.get("seed", collector.config.getoption("--sm-seed", 0)),
        "tags": collector.tags,
        "features": features,
        "python": platform.python_version(),
        "packages": {name: v for name in PACKAGES if (v := _version(name)) is not None},
        "modelling_decisions": DspSettings().modelling_decisions(),
        "started": run.get("started", collector.started),
        "finished": _now(),
        "schema_version": SCHEMA_VERSION,
    }
    return {"manifest": manifest, "summary": summary, "scenarios": records}


def write_json_atomically(path: Path, data: Any) -> None:
    """Nothing half-written: the file appears whole or not at all."""
    write_atomically(path, json.dumps(data, indent=1, default=str))


# --- small helpers ----------------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _one_line(longrepr) -> str:
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return _first_line(crash.message)
    text = str(longrepr)
    errors = [line[2:].strip() for line in text.splitlines() if line.startswith("E ")]
    return errors[-1] if errors else _first_line(text.splitlines()[-1] if text.strip() else "")


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return _one_line(longrepr)


def _sha256(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _pyproject_version() -> str | None:
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    try:
        import tomllib

        return tomllib.loads(pyproject.read_text())["project"]["version"]
    except (OSError, KeyError, ValueError):
        return None


def _git_commit(root: Path | None = None) -> str | None:
    """HEAD of the checkout the harness runs from, `-dirty` when tracked files differ from it."""
    root = root or Path(__file__).resolve().parents[1]
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    if done.returncode != 0 or not commit:
        return None
    # the evidence must not claim a commit the code no longer matches: mark uncommitted changes as
    # `git describe --dirty` does
    try:
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return commit
    return f"{commit}-dirty" if status.returncode == 0 and status.stdout.strip() else commit

