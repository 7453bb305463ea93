"""The run manifest every report carries: what ran (the tool, its version and commit), with what (Python and
the packages that shape the output), so a release board can tell one run from another.

One builder for the evidence pack (features.runner) and the what-if study (harness.study); each adds the
facts of its own kind of run (the feature files and seed, or the scenario file and its hash).
"""
from __future__ import annotations

import platform
import subprocess
import tomllib
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

TOOL = "sm-harness"
PROJECT_ROOT = Path(__file__).resolve().parents[1]  # the folder holding dsp/, harness/, reports/, pyproject.toml


def manifest(packages: Sequence[str], **facts: Any) -> dict[str, Any]:
    """`tool`, `tool_version`, `git_commit`, `python`, `packages` ({name: version, None when absent}), then
    the caller's `facts` in the order given."""
    return {
        "tool": TOOL,
        "tool_version": tool_version(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "packages": {name: package_version(name) for name in packages},
        **facts,
    }


def package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def tool_version() -> str | None:
    """The installed distribution's version, else the checkout's pyproject.toml (a source tree run in place)."""
    installed = package_version(TOOL)
    if installed is not None:
        return installed
    try:
        version: str = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]
        return version
    except (OSError, KeyError, ValueError):
        return None


def git_commit(root: Path | None = None) -> str | None:
    """HEAD of the checkout the tool runs from, `-dirty` when tracked files differ from it; None outside git."""
    root = root or PROJECT_ROOT
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    if done.returncode != 0 or not commit:
        return None
    # the report must not claim a commit the code no longer matches: mark uncommitted changes as
    # `git describe --dirty` does
    try:
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return commit
    return f"{commit}-dirty" if status.returncode == 0 and status.stdout.strip() else commit
