"""What each step of a scenario's record says in Cucumber's terms, and back: one home for the mapping.

The evidence has four scenario statuses (passed, failed, skipped, errored); Cucumber has step statuses
(passed, failed, skipped, undefined, pending) and hooks. The mapping, used by cucumber.json and
messages.ndjson alike, and read back by their counters:

- a step's status is the evidence's; a step left `running` (the scenario stopped inside it on something
  pytest-bdd's step-error hook does not see, e.g. `pytest.skip()`) is `skipped` in a skipped scenario and
  `failed` otherwise;
- the scenario's failure message goes on the first failed or undefined step; a skip reason on the first
  skipped step of a skipped scenario;
- a failure that no step carries is a failed hook: before the steps when none passed (setup), after them
  otherwise (teardown);
- read back: a failed hook, an undefined or pending step make the scenario `errored`; a failed step
  `failed`; a skipped step `skipped` (all of them for `@skip`, the rest of the scenario for a step that
  skipped it: Cucumber's own rule, the worst step status is the scenario's); anything else `passed`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reports.gherkin_source import EvidenceMismatch

STEP_STATUSES = ("passed", "failed", "skipped", "undefined", "pending")
_STOPPED = ("failed", "undefined", "pending")
NO_MESSAGE = "the scenario {status} without a recorded message"


@dataclass(frozen=True)
class Outcome:
    statuses: tuple[str, ...]  # one Cucumber status per step
    messages: tuple[str | None, ...]  # the error message (or skip reason) per step
    setup_failure: str | None  # a failure before any step ran that no step carries
    teardown_failure: str | None  # a failure after the steps that no step carries


def outcome(record: Mapping[str, Any]) -> Outcome:
    steps: Sequence[Mapping[str, Any]] = record.get("steps", [])
    statuses = []
    for step in steps:
        status = step.get("status")
        if status == "running":  # the scenario stopped inside it: skipped there (pytest.skip), else failed
            status = "skipped" if record.get("status") == "skipped" else "failed"
        if status not in STEP_STATUSES:
            raise EvidenceMismatch(f"{record.get('id')}: step at line {step.get('line')} has status {status!r}")
        statuses.append(status)
    messages: list[str | None] = [None] * len(statuses)
    status = record.get("status")
    failure = record.get("failure") or (NO_MESSAGE.format(status=status) if status in ("failed", "errored") else None)
    setup = teardown = None
    stopped = next((i for i, s in enumerate(statuses) if s in _STOPPED), None)
    if stopped is not None and failure is not None:
        messages[stopped] = failure
    elif status in ("failed", "errored"):
        if "passed" in statuses:
            teardown = failure
        else:
            setup = failure
    if status == "skipped" and record.get("reason") and "skipped" in statuses:
        messages[statuses.index("skipped")] = str(record["reason"])
    return Outcome(tuple(statuses), tuple(messages), setup, teardown)


def evidence_status(step_statuses: Sequence[str], hook_statuses: Sequence[str] = ()) -> str:
    """The evidence's status of a scenario from its Cucumber step and hook statuses (lower case)."""
    if "failed" in hook_statuses or any(s in ("undefined", "pending", "ambiguous") for s in step_statuses):
        return "errored"
    if "failed" in step_statuses:
        return "failed"
    if "skipped" in step_statuses:
        return "skipped"
    return "passed"
