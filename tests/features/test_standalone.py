"""The evidence pack stands on its own: the project copied somewhere with nothing beside it (no ../shared, so
no RULES.md, no DUIS artefacts, not a git checkout) runs the built-in suite and writes an evidence pack
whose traceability matrix lists every rule of the catalogue, with no "not found" anywhere."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dsp.rule_catalogue import REQUIREMENTS, RULES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("dsp", "devices", "harness", "features", "reports")


@pytest.mark.slow  # the whole built-in suite in a copy of the project: about 15 s
def test_a_copy_of_the_project_alone_writes_an_evidence_pack_listing_every_rule(tmp_path):
    alone = tmp_path / "alone" / "sm-harness"  # ../shared of this copy does not exist
    for package in PACKAGES:
        shutil.copytree(ROOT / package, alone / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", alone / "pyproject.toml")
    assert not (alone.parent / "shared").exists()
    env = {**os.environ, "PYTHONPATH": str(alone)}
    env.pop("PYTEST_ADDOPTS", None)
    out = tmp_path / "evidence"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "features", "--out", str(out)], cwd=alone, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    evidence = json.loads((out / "evidence.json").read_text())
    assert evidence["manifest"]["git_commit"] is None  # it really ran from the copy
    assert all(f["text"] for f in evidence["manifest"]["features"])
    html = (out / "evidence.html").read_text()
    for rule in RULES:
        assert f'id="rule-{rule.id}"' in html, rule.id
    for requirement in REQUIREMENTS:
        assert f"<b>{requirement.id}</b>" in html
    assert "not found" not in html.lower()
