"""`sm-harness features --out DIR` replaces only an empty folder or exactly a previous evidence pack (the files
its SHA256SUMS lists, unchanged, and nothing else), as `sm-harness run --out` replaces only a previous study's
output: a folder holding anything of the user's is refused in one line before anything runs, and a full disk
is one line naming the file, with nothing half-written."""
from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time

import pytest

from harness.cli import main
from tests.cli.conftest import ROOT, one_line_error
from tests.features.conftest import write_feature
from tests.features.test_cli_features import TESTER_FEATURE


@pytest.fixture
def feature(tmp_path):
    return write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Commissioned"))


@pytest.mark.parametrize(("users", "says"), [
    ({"junit.xml": "mine", "evidence.html": "mine too"}, "holds files and no SHA256SUMS: it is not a features run's output"),
    ({"mine.txt": "mine"}, "holds mine.txt, which no features run wrote"),
])
def test_a_folder_of_the_users_own_files_is_refused_before_anything_runs(tmp_path, capsys, feature, users, says):
    out = tmp_path / "u"
    out.mkdir()
    if "mine.txt" in users:  # beside a genuine pack
        assert main(["features", str(feature), "--out", str(out)]) == 0
    for name, text in users.items():
        (out / name).write_text(text)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    started = time.monotonic()
    error = one_line_error(capsys, ["features", str(feature), "--out", str(out)])
    assert says in error and time.monotonic() - started < 2  # refused before the scenarios ran
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if ".writing" in p.name]


def test_a_pack_edited_since_it_was_written_is_the_users_and_is_refused(tmp_path, capsys, feature):
    out = tmp_path / "pack"
    assert main(["features", str(feature), "--out", str(out)]) == 0
    (out / "junit.xml").write_text("<testsuites/> my notes")
    assert "junit.xml was changed after the features run wrote it" in one_line_error(
        capsys, ["features", str(feature), "--out", str(out)])
    assert (out / "junit.xml").read_text() == "<testsuites/> my notes"


def test_the_current_folder_or_one_above_it_is_refused(tmp_path, capsys, feature, monkeypatch):
    inner = tmp_path / "inner"
    inner.mkdir()
    monkeypatch.chdir(inner)
    for out in (".", ".."):
        assert "would replace the current folder or one above it" in one_line_error(
            capsys, ["features", str(feature), "--out", out])
    assert list(inner.iterdir()) == []


def test_a_full_disk_is_one_line_naming_the_file_and_nothing_is_half_written(tmp_path, feature):
    """A disk that fills while the pack is written (here: no file may pass 48 KB; evidence.html is ~64 KB):
    one line naming the file, exit 2, the previous pack intact, nothing beside it."""
    out = tmp_path / "pack"
    assert main(["features", str(feature), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (48 << 10, 48 << 10))

    done = subprocess.run([sys.executable, "-m", "harness.cli", "features", str(feature), "--out", str(out), "--seed", "3"],
                          cwd=ROOT, capture_output=True, text=True, preexec_fn=small_files)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"cannot write {out / 'evidence.html'}: File too large" in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours.feature", "pack"]
