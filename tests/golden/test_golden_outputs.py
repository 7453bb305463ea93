"""Golden tests of the JSON (and CSV) the two producers write for a small fixed run (issue 4).

- `sm-harness run` on `fixtures/tiny_sweep.toml` (200 devices, 2 replications, a 2-point rule-set sweep,
  seed 11): `summary.json` and `replications.csv`.
- `sm-harness run` on `fixtures/tiny_whatif.toml` (the same with two suppliers, prepayment meters and
  [costs]): `summary_whatif.json`, the what-if blocks of issue 14.
- `sm-harness features` on `fixtures/golden.feature` (one passing, one failing, one skipped scenario,
  seed 5): `evidence.json`.

Everything is pinned byte for byte except the fields listed in the NORMALISE_* tables below: wall-clock
times, durations, versions and the git commit, which legitimately change from run to run or machine to
machine. Each listed field must be present (so a renamed field cannot slip past) and is replaced by a
placeholder, not dropped, so its presence stays pinned too. Keep these lists narrow: anything not in
them that changes is a change in behaviour, and these tests are meant to catch it.

Regenerate after an intended change, then read the diff before committing it:

    SM_HARNESS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/golden -p no:cacheprovider
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
EXPECTED = HERE / "expected"
ROOT = HERE.parents[1]  # the repository: feature paths in the evidence are shown relative to it
UPDATE = "SM_HARNESS_UPDATE_GOLDEN"

# --- what is normalised, and nothing else --------------------------------------------------------------

# summary.json: the "performance" block (wall-clock timings, rates, memory, start and end time) is
# dropped whole, as issue 6 says; in the manifest, the versions of the tool, Python and packages, and the git commit.
SUMMARY_DROPPED = ("performance",)
SUMMARY_MANIFEST_PLACEHOLDERS = ("tool_version", "git_commit", "python")
SUMMARY_MANIFEST_VERSION_MAPS = ("packages",)  # {package: version or null} -> {package: "<version>"}

# evidence.json: in the manifest, versions, the git commit, wall-clock times and the machine (os, cpu);
# per scenario, its wall-clock start and duration; per step, its wall-clock duration (when it ran) and the
# line of its step function (a step file edited elsewhere moves it). (Simulated seconds, messages and the
# step that sent each, device IDs, SMI records, failure texts, step patterns and feature texts are pinned:
# they follow from the feature file, the step library and the seed alone.)
EVIDENCE_MANIFEST_PLACEHOLDERS = ("tool_version", "git_commit", "python", "started", "finished", "os", "cpu")
EVIDENCE_MANIFEST_VERSION_MAPS = ("packages",)
EVIDENCE_SCENARIO_PLACEHOLDERS = ("started", "duration_s")
EVIDENCE_STEP_PLACEHOLDERS = ("duration_s",)
EVIDENCE_MATCH_PLACEHOLDERS = ("line",)
# and, should a path be written absolute, the repository's location on this machine
REPO_PLACEHOLDER = "<repo>"


def _placeholder(table: dict, keys: tuple[str, ...], where: str) -> None:
    for key in keys:
        assert key in table, f"{where}.{key} is missing: the output changed shape (update the normalisation?)"
        table[key] = f"<{key}>"


def _versions(table: dict, keys: tuple[str, ...], where: str) -> None:
    for key in keys:
        assert isinstance(table.get(key), dict), f"{where}.{key} is missing or not a table"
        table[key] = {name: "<version>" for name in table[key]}


def normalise_summary(summary: dict[str, Any]) -> dict[str, Any]:
    for key in SUMMARY_DROPPED:
        assert key in summary, f"summary.json has no {key!r} block"
        del summary[key]
    _placeholder(summary["manifest"], SUMMARY_MANIFEST_PLACEHOLDERS, "manifest")
    _versions(summary["manifest"], SUMMARY_MANIFEST_VERSION_MAPS, "manifest")
    return summary


def normalise_evidence(evidence: dict[str, Any]) -> dict[str, Any]:
    manifest = evidence["manifest"]
    _placeholder(manifest, EVIDENCE_MANIFEST_PLACEHOLDERS, "manifest")
    _versions(manifest, EVIDENCE_MANIFEST_VERSION_MAPS, "manifest")
    for scenario in evidence["scenarios"]:
        where = f"scenarios[{scenario.get('id')}]"
        _placeholder(scenario, EVIDENCE_SCENARIO_PLACEHOLDERS, where)
        for number, step in enumerate(scenario.get("steps", [])):
            if step.get("duration_s") is not None:  # a step that never ran has none, and that is pinned
                _placeholder(step, EVIDENCE_STEP_PLACEHOLDERS, f"{where}.steps[{number}]")
            if step.get("match") is not None:
                _placeholder(step["match"], EVIDENCE_MATCH_PLACEHOLDERS, f"{where}.steps[{number}].match")
    return evidence


def _without_repo_path(text: str) -> str:
    return text.replace(str(ROOT), REPO_PLACEHOLDER)


# --- comparing with the golden files ---------------------------------------------------------------------


def matches_golden(name: str, text: str) -> None:
    """`text` must equal the golden file `expected/NAME` (line endings aside)."""
    text = text.replace("\r\n", "\n")
    path = EXPECTED / name
    if os.environ.get(UPDATE):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    if not path.is_file():
        pytest.fail(f"{path} is missing: run with {UPDATE}=1 to write it")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        import difflib

        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), f"golden/{name}", "now", n=2))
        lines = diff.splitlines()
        shown = "\n".join(lines[:60]) + (f"\n... ({len(lines) - 60} more diff lines)" if len(lines) > 60 else "")
        pytest.fail(
            f"{name} differs from its golden file {path}.\n"
            f"If the change is intended, regenerate with {UPDATE}=1 .venv/bin/python -m pytest tests/golden "
            f"and review the diff before committing.\n{shown}",
            pytrace=False,
        )


# --- the producers, each run once per session --------------------------------------------------------------


@pytest.fixture(scope="module")
def whatif_out(tmp_path_factory) -> Path:
    """`sm-harness run` in-process (a tiny study takes well under a second)."""
    out = tmp_path_factory.mktemp("golden-run") / "out"
    code = main(["run", str(FIXTURES / "tiny_sweep.toml"), "--out", str(out), "--quiet"])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def evidence_out(tmp_path_factory) -> Path:
    """`sm-harness features` (it runs pytest in a child process itself), from the repository root so
    the feature file is shown as tests/golden/fixtures/golden.feature wherever the tests are started."""
    out = tmp_path_factory.mktemp("golden-features") / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        code = main(["features", str(FIXTURES / "golden.feature"), "--out", str(out), "--seed", "5"])
    assert code == 1  # one scenario fails on purpose
    return out


def test_summary_json_of_a_tiny_sweep(whatif_out):
    summary = json.loads((whatif_out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["performance"]) >= {"wall_seconds", "service_requests", "service_requests_per_second", "peak_rss_mb"}
    assert summary["manifest"]["scenario_file"] == "tiny_sweep.toml"
    text = json.dumps(normalise_summary(summary), indent=2) + "\n"  # as the producer writes it (key order kept)
    matches_golden("summary.json", _without_repo_path(text))


@pytest.fixture(scope="module")
def whatif_parts_out(tmp_path_factory) -> Path:
    """`sm-harness run` of the tiny study with suppliers, prepayment and costs (issue 14)."""
    out = tmp_path_factory.mktemp("golden-whatif") / "out"
    assert main(["run", str(FIXTURES / "tiny_whatif.toml"), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    return out


def test_summary_json_of_a_tiny_study_with_suppliers_prepayment_and_costs(whatif_parts_out):
    summary = json.loads((whatif_parts_out / "summary.json").read_text(encoding="utf-8"))
    assert [c["point"] for c in summary["comparisons"]] == [{"ruleset": "mp105"}]
    assert list(summary["points"][0]["suppliers"]) == ["retries", "manual"] and "costs" in summary
    text = json.dumps(normalise_summary(summary), indent=2) + "\n"
    matches_golden("summary_whatif.json", _without_repo_path(text))


def test_replications_csv_of_a_tiny_sweep(whatif_out):
    text = (whatif_out / "replications.csv").read_text(encoding="utf-8")
    assert len(text.splitlines()) == 1 + 2 * 2  # header, 2 points x 2 replications
    matches_golden("replications.csv", _without_repo_path(text))


def test_evidence_json_of_a_pass_a_fail_and_a_skip(evidence_out):
    evidence = json.loads((evidence_out / "evidence.json").read_text(encoding="utf-8"))
    assert evidence["summary"] == {"passed": 1, "failed": 1, "skipped": 1, "errored": 0, "total": 3}
    text = json.dumps(normalise_evidence(evidence), indent=1) + "\n"
    matches_golden("evidence.json", _without_repo_path(text))


def test_the_normalisation_is_narrow():
    """Only the listed fields change; anything else in a golden output is compared as written."""
    summary = {"performance": {"wall_seconds": 1}, "metrics": {"x": 1},
               "manifest": {"tool_version": "9", "git_commit": "f00d", "python": "3",
                            "packages": {"simpy": "4", "dask": None}, "scenario_sha256": "abc"}}
    assert normalise_summary(summary) == {
        "metrics": {"x": 1},
        "manifest": {"tool_version": "<tool_version>", "git_commit": "<git_commit>", "python": "<python>",
                     "packages": {"simpy": "<version>", "dask": "<version>"}, "scenario_sha256": "abc"},
    }
    with pytest.raises(AssertionError, match="started is missing"):
        normalise_evidence({"manifest": {"tool_version": "1", "git_commit": None, "python": "3"}, "scenarios": []})
