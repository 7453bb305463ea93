"""Tests that need a tool beside Python (Chromium, Node and npm packages, Java): skipped, saying what to
install, where the tool is missing. With SM_HARNESS_REQUIRE_TOOLS=1 (.ci/run sets it: CI installs every
tool, so a skip there would hide tests that never ran) a missing tool is an error of the module that
needs it instead, saying what is missing."""
from __future__ import annotations

import os

import pytest

REQUIRE = os.environ.get("SM_HARNESS_REQUIRE_TOOLS") == "1"


def needs_tool(missing: str | None) -> pytest.MarkDecorator:
    """The mark of a test that needs a tool; `missing` says what is missing and how to install it (None:
    nothing is)."""
    if missing is not None and REQUIRE:
        pytest.fail(f"SM_HARNESS_REQUIRE_TOOLS=1, but {missing}", pytrace=False)
    return pytest.mark.skipif(missing is not None, reason=missing or "")
