"""Steps the library does not offer, loaded only into the child runs of tests/features/test_evidence_collector.py
(`run_features(..., plugins=...)`): what a step may do that no library step does today."""
from __future__ import annotations

import pytest

from features.steps.phrases import step


@step("Given", "the step skips the scenario", "Given the step skips the scenario")
def _() -> None:
    pytest.skip("skipped from inside a step")  # pytest-bdd's step-error hook does not see a skip
