"""Fixtures for the report tests: small hand-written inputs that follow the producers' contracts."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).with_name("fixtures")
GOLDEN = Path(__file__).with_name("golden")
ARTEFACTS = Path(__file__).resolve().parents[2] / "out" / "artefacts"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def evidence() -> dict:
    return load("evidence_small.json")


@pytest.fixture
def hostile_evidence() -> dict:
    return load("evidence_hostile.json")


@pytest.fixture
def summary() -> dict:
    return load("summary_single.json")


@pytest.fixture
def sweep() -> dict:
    return load("summary_sweep.json")


@pytest.fixture
def replications() -> list[dict]:
    with open(FIXTURES / "replications_single.csv", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def rulebook() -> Path:
    return FIXTURES / "RULES_small.md"


@pytest.fixture
def junit() -> Path:
    return FIXTURES / "junit_small.xml"
