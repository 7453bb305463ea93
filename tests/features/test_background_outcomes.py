"""A Background's step that fails or is undefined fails (or errors) every scenario after it, and every output of
the pack says so: cucumber.json's readers fold the background element's steps into the scenario after it."""
from __future__ import annotations

import json

import pytest

from features.runner.suite import run_features
from reports.cucumber_json import count_cucumber_json
from reports.evidence_pack import verify_pack
from tests.features.conftest import write_feature

BACKGROUND = '''Feature: A Background that {what}
  Background:
    {step}

  @R-CPL-1
  Scenario: one
    Given these devices are in the inventory:
      | device | type | smets | firmware | status       |
      | E1     | ESME | 2     | 0100AAAA | Commissioned |
    Then device "E1" has SMI status "Commissioned"

  Scenario Outline: rows
    Given these devices are in the inventory:
      | device | type | smets | firmware | status   |
      | E1     | ESME | 2     | 0100AAAA | <status> |
    Then device "E1" has SMI status "<status>"

    Examples:
      | status       |
      | Commissioned |
      | Suspended    |
'''


@pytest.mark.parametrize(("what", "step", "status"), [
    ("fails", 'Given the DSP applies the "nope" rules', "failed"),
    ("names a step nobody wrote", "Given the meter is struck by lightning", "errored"),
])
def test_a_background_that_stops_every_scenario_is_counted_alike_in_every_output(tmp_path, what, step, status):
    write_feature(tmp_path, "bg.feature", BACKGROUND.format(what=what, step=step))
    out = tmp_path / "out"
    result = run_features([str(tmp_path / "bg.feature")], out=str(out))
    assert result.exit_code == 1 and result.problems == []
    assert [s["status"] for s in result.evidence["scenarios"]] == [status] * 3  # the scenario and both rows
    counts = count_cucumber_json(json.loads((out / "cucumber.json").read_text()))
    assert counts[status] == counts["total"] == 3
    assert verify_pack(out) == []  # a fresh pack verifies
