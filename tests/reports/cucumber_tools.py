"""Cucumber's own npm tools, installed at test time in tests/interop_cucumber (`npm ci` there), and our
small drivers around them: check_cucumber_json.mjs, validate_messages.mjs, render_html.mjs.

A test that needs them skips with the reason when node or the installed packages are absent.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.tools import needs_tool

INTEROP = Path(__file__).resolve().parents[1] / "interop_cucumber"
PACKAGES = ("@cucumber/cucumber-json-converter", "@cucumber/messages", "@cucumber/html-formatter", "ajv")
TIMEOUT_S = 60


def missing_reason() -> str | None:
    """Why the npm tools cannot run here, or None when they can."""
    if shutil.which("node") is None:
        return "node is not installed (Debian: apt-get install -y nodejs npm)"
    absent = [p for p in PACKAGES if not (INTEROP / "node_modules" / p / "package.json").is_file()]
    if absent:
        return f"npm packages not installed ({', '.join(absent)}): run `npm ci` in tests/interop_cucumber"
    return None


needs_node = needs_tool(missing_reason())


def run_node(script: str, *args: Path | str) -> dict[str, Any]:
    """Run one of our driver scripts; its one JSON line on success, an assertion error with stderr if not."""
    done = subprocess.run(["node", str(INTEROP / script), *map(str, args)], cwd=INTEROP, capture_output=True,
                          text=True, timeout=TIMEOUT_S)
    assert done.returncode == 0, f"{script} refused it:\n{done.stderr[-4000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def installed_version(package: str) -> str:
    return json.loads((INTEROP / "node_modules" / package / "package.json").read_text())["version"]
