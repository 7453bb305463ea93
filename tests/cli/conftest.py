"""Helpers for the command line's bad-input tests: how a user's failure is observed, and a folder the
machine refuses to write (a read-only folder, even for root)."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.cli import main

ROOT = Path(__file__).resolve().parents[2]


def one_line_error(capsys, argv: list[str]) -> str:
    """Run the command line; assert it answered with exit code 2 and exactly one line, no traceback."""
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, (code, captured.err)
    assert captured.err.count("\n") == 1 and captured.err.startswith("sm-harness: error: "), captured.err
    assert "Traceback" not in captured.err + captured.out
    return captured.err.strip()


@pytest.fixture
def read_only(tmp_path):
    """A function making a folder read-only: its mode for ordinary users, the immutable flag for root
    (whom modes do not stop); skips when the machine offers neither. Undone at the end."""
    made: list[Path] = []

    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o555)
        probe = folder / ".probe"
        try:
            probe.touch()
        except OSError:
            made.append(folder)
            return folder
        probe.unlink()
        if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
            made.append(folder)
            return folder
        pytest.skip("no way to make a folder read-only here (root without chattr)")

    yield make
    for folder in made:
        if shutil.which("chattr"):
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        os.chmod(folder, 0o755)
