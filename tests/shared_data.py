"""The shared reference data beside the repository (`../shared`: the rulebook, the seed, the public DUIS
artefacts), which tests may read and the project never needs. A clone without it still passes `make test`:
each test that reads it skips, saying which file is missing.

    require_shared("duis")                      # at the top of a module that reads it: skip the whole module
    @needs_shared("duis/xsd")                   # one test
"""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def missing_reason(*relative: str) -> str | None:
    """Why a test reading these paths under ../shared cannot run here, or None when it can."""
    absent = [SHARED / r for r in relative if not (SHARED / r).exists()]
    if not absent:
        return None
    return f"needs ../shared, the project's reference data, beside the repository: {absent[0]} is missing"


def require_shared(*relative: str) -> None:
    """Skip the importing test module (with the reason) when these paths are not there."""
    reason = missing_reason(*relative)
    if reason is not None:
        pytest.skip(reason, allow_module_level=True)


def needs_shared(*relative: str) -> pytest.MarkDecorator:
    reason = missing_reason(*relative)
    return pytest.mark.skipif(reason is not None, reason=reason or "")
