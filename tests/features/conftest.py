"""The built-in suite runs once per test session; the tests below read its evidence."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from features.runner.suite import FeaturesResult, run_features


@dataclass
class SuiteRun:
    result: FeaturesResult
    out: Path

    @property
    def evidence(self) -> dict:
        return self.result.evidence


@pytest.fixture(scope="session")
def builtin_run(tmp_path_factory) -> SuiteRun:
    out = tmp_path_factory.mktemp("builtin-evidence")
    return SuiteRun(run_features([], out=str(out)), out)


def write_feature(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path
