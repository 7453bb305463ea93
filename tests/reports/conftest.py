"""Fixtures for the report tests: small hand-written inputs that follow the producers' contracts."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from dsp.rule_catalogue import Rule

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


# A small made-up catalogue in the shape of dsp.rule_catalogue, for tests that pin what the matrix shows.
SMALL_CATALOGUE = (
    Rule("R-E5-3", "3. Authorisation", "A Suspended device refuses Non-Critical requests except 11.1; MP105 adds 11.2",
         "Annex B: Table 22", ("seed",)),
    Rule("R-E5-6", "3. Authorisation", "A failed request gets its E-code and never reaches the device",
         "DUIS schema", ("duis",)),
    Rule("R-VER-2", "5. Firmware processing", "A differing Current version is written, the device restored, N29 sent",
         "Annex B: clause 3.8.120.4", ("seed",)),
    Rule("R-VER-4", "5. Firmware processing", "A version not on the CPL changes nothing; N51 to the supplier",
         "Annex B: clause 3.8.120.4", ("seed",)),
    Rule("R-112-1", "5. Firmware processing", "11.2 to a Suspended device: E5 under legacy, allowed under mp105",
         "Annex A, requirement 1", ("seed",)),
    Rule("R-113-2", "5. Firmware processing", "An 11.3 response with another outcome restores only under mp105",
         "Annex A, requirement 2", ("seed",)),
    Rule("R-113-3", "5. Firmware processing", "An 11.3 response with no version is ignored",
         "Seed §7", ("seed",)),
    Rule("R-E17-1", "3. Authorisation", "A made-up rule the project added beyond the rulebook",
         "Annex B: Table 22", ("seed",), in_rulebook=False),
    Rule("R-DEV-5", "6. Devices", "A GPF's copy of its GSME's version can lag (configurable)",
         "The project's decision", ("model",)),
)


@pytest.fixture
def rulebook() -> tuple[Rule, ...]:
    """The small catalogue: the matrix's rows for the report tests."""
    return SMALL_CATALOGUE


@pytest.fixture
def junit() -> Path:
    return FIXTURES / "junit_small.xml"
