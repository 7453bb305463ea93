"""`sm-harness run --out`: only exactly a previous study's output is replaced, swapped in whole; nothing of
the user's is deleted; a folder the machine will not write is one line, with nothing half-written."""
from __future__ import annotations

import builtins
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys

import pytest

from harness.cli import main
from harness.study import publish
from harness.study.output import output_folder
from tests.cli.conftest import ROOT, one_line_error
from tests.sim.helpers import write_scenario


def _study(tmp_path, out, seed: int = 1, *extra: str) -> list[str]:
    return ["run", str(tmp_path / "t.toml"), "--out", str(out), "--quiet", "--workers", "1", "--seed", str(seed), *extra]


@pytest.fixture
def previous(tmp_path):
    """A previous study's output in tmp_path/out (seed 1)."""
    write_scenario(tmp_path, count=5, replications=1)
    out = tmp_path / "out"
    assert main(_study(tmp_path, out)) == 0
    return out


def _seed_of(out) -> int:
    return json.loads((out / "summary.json").read_text())["seed"]


def test_a_study_lists_what_it_wrote_in_its_manifest(previous):
    manifest = json.loads((previous / publish.MANIFEST).read_text())
    assert manifest["kind"] == "sm-harness study output"
    assert sorted(manifest["files"]) == ["replications.csv", "report.html", "summary.json"]
    assert sorted(p.name for p in previous.iterdir()) == sorted([*manifest["files"], publish.MANIFEST])
    assert manifest["files"]["summary.json"]["bytes"] == (previous / "summary.json").stat().st_size


def test_a_previous_studys_output_is_replaced(tmp_path, previous):
    assert main(_study(tmp_path, previous, 2)) == 0
    assert _seed_of(previous) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("out.")]


def test_a_folder_holding_a_summary_json_and_the_users_files_is_never_replaced(tmp_path, capsys):
    """`--out` at a folder holding any summary.json (even `{}`) replaced the whole folder."""
    write_scenario(tmp_path, count=5, replications=1)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.json").write_text("{}")
    (mine / "thesis.tex").write_text("three years of work")
    error = one_line_error(capsys, _study(tmp_path, mine))
    assert "--out" in error and "no sm-harness-output.json" in error and "choose another folder" in error
    assert (mine / "thesis.tex").read_text() == "three years of work" and (mine / "summary.json").read_text() == "{}"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("mine.")]


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda out: (out / "notes.txt").write_text("mine"), "holds notes.txt, which no study wrote"),
        (lambda out: (out / "figures").mkdir(), "holds figures, which no study wrote"),
        (lambda out: (out / "report.html").write_text("edited"), "report.html was changed after the study wrote it"),
        (lambda out: (out / publish.MANIFEST).write_text("{}"), "is not a study's manifest"),
    ],
)
def test_a_previous_output_the_user_added_to_or_edited_is_not_replaced(tmp_path, capsys, previous, change, expected):
    change(previous)
    before = {p.name: p.read_bytes() for p in previous.iterdir() if p.is_file()}
    assert expected in one_line_error(capsys, _study(tmp_path, previous, 2))
    assert {p.name: p.read_bytes() for p in previous.iterdir() if p.is_file()} == before


def test_a_file_added_while_the_study_runs_is_seen_before_the_swap(tmp_path, capsys, previous):
    def add_notes(point, replication, result):
        (previous / "notes.txt").write_text("written during the run")

    from harness.study import runner, scenario

    study = runner.plan(scenario.load(tmp_path / "t.toml"), seed=2)
    with pytest.raises(runner.OutputError, match="holds notes.txt.*kept in .*out.partial: run the same command again"):
        runner.run_study(study, previous, on_result=add_notes)
    assert (previous / "notes.txt").exists() and _seed_of(previous) == 1
    assert not (tmp_path / "out.writing").exists()


def test_a_symlinked_out_writes_the_folder_it_points_to(tmp_path, previous):
    """`--out` as a symlink to an earlier study: a traceback after the run, temporary folders left."""
    link = tmp_path / "latest"
    link.symlink_to(previous)
    assert main(_study(tmp_path, link, 2)) == 0
    assert link.is_symlink() and _seed_of(link) == 2 and _seed_of(previous) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest", "out", "t.toml"]


def test_a_symlink_to_nothing_is_refused(tmp_path, capsys):
    write_scenario(tmp_path, count=5, replications=1)
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    assert "is a symbolic link to" in one_line_error(capsys, _study(tmp_path, tmp_path / "dangling"))
    assert not (tmp_path / "gone").exists()


def test_a_read_only_folder_is_one_line_and_the_previous_output_stays(tmp_path, capsys, previous, read_only):
    read_only(tmp_path)
    error = one_line_error(capsys, _study(tmp_path, previous, 2))
    assert "cannot write in" in error and "read-only" in error
    assert _seed_of(previous) == 1


def test_an_output_below_a_read_only_folder_is_one_line(tmp_path, capsys, read_only):
    write_scenario(tmp_path, count=5, replications=1)
    locked = read_only(tmp_path / "locked")
    assert "cannot write in" in one_line_error(capsys, _study(tmp_path, locked / "new" / "out"))
    assert not any(locked.iterdir())


def test_a_full_disk_is_one_line_nothing_half_written_and_the_previous_output_stays(tmp_path, previous):
    """A disk that fills while the report is written (here: the process may write no file over 64 KB,
    as a full disk refuses the next block): one line naming the file, exit 2, the old output intact, no
    half-written folder, the finished work kept to resume."""
    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))

    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", *_study(tmp_path, previous, 2)], cwd=ROOT, capture_output=True,
        text=True, preexec_fn=small_files,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("sm-harness: error: cannot write ") and "report.html: File too large" in done.stderr
    assert "the finished work is kept in" in done.stderr
    assert _seed_of(previous) == 1 and not (tmp_path / "out.writing").exists()
    publish.replaceable(previous)  # still exactly the old study's output
    assert main(_study(tmp_path, previous, 2)) == 0 and _seed_of(previous) == 2  # resumed once the disk has room


# --- a kill at any point ---------------------------------------------------------------------------------

MUTATIONS = ("rename", "replace", "mkdir", "rmdir", "unlink")


def _killed_at(tmp_path, out, step: int, exchange: bool, act=None) -> bool:
    """Run the study (seed 2) over `out` in a forked child that is killed (os._exit: no clean-up, no
    finally) at its `step`-th change to the file system: a rename, a removal, a folder made, a file opened
    for writing, the exchange. False when the study finished before that step."""
    pid = os.fork()
    if pid == 0:
        try:
            count = 0

            def counted(original, writes_only=False):
                def change(*args, **kwargs):
                    nonlocal count
                    mode = args[1] if len(args) > 1 else kwargs.get("mode", "r")
                    if not writes_only or any(c in str(mode) for c in "wax+"):
                        count += 1
                        if count == step:
                            os._exit(9)
                    return original(*args, **kwargs)

                return change

            for name in MUTATIONS:
                setattr(os, name, counted(getattr(os, name)))
            io.open = builtins.open = counted(builtins.open, writes_only=True)
            publish._exchange = counted(publish._exchange if exchange else (lambda a, b: False))
            if act is not None:
                act()
                os._exit(0)
            os._exit(0 if main(_study(tmp_path, out, 2)) == 0 else 1)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, 9), code
    return code == 9


@pytest.mark.slow
@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_kill_at_any_point_leaves_the_old_or_the_new_output_complete(tmp_path, previous, exchange):
    """A kill between removing the old output and renaming the new one left no --out folder at all."""
    seen = set()
    for step in range(1, 200):
        old = {p.name: p.read_bytes() for p in previous.iterdir()}
        if not _killed_at(tmp_path, previous, step, exchange):
            break
        if not exchange:
            output_folder(previous)  # the next run's first act: put a moved-aside old output back
        publish.replaceable(previous)  # complete: exactly what its manifest lists
        seed = _seed_of(previous)
        seen.add(seed)
        if seed == 1:
            assert {p.name: p.read_bytes() for p in previous.iterdir()} == old
    else:
        pytest.fail("the study never finished")
    assert seen == {1, 2} and _seed_of(previous) == 2 and step > 5


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_publishing_killed_at_any_step_leaves_the_old_or_the_new_folder_complete(tmp_path, exchange):
    """The swap itself, killed at each of its steps (the whole study killed at every step is the slow test
    above): `out` is always one complete folder, once the next run's recovery has looked."""
    def folder(name: str, text: str):
        path = tmp_path / name
        path.mkdir()
        (path / "summary.json").write_text(text)
        publish.write_manifest(path)
        return path

    for step in range(1, 50):
        for leftover in tmp_path.iterdir():
            shutil.rmtree(leftover)
        out, new = folder("out", "old"), folder("out.writing", "new")
        killed = _killed_at(tmp_path, out, step, exchange, act=lambda: publish.publish(new, out))
        publish.recover(out)
        assert out.is_dir()
        publish.replaceable(out)
        assert (out / "summary.json").read_text() in ("old", "new")
        if not killed:
            assert (out / "summary.json").read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["out"]
            break
    assert step >= 2


def test_a_refused_folder_is_one_line_with_no_progress_bar_drawn_first(tmp_path, capsys):
    """Without --quiet, an empty progress bar (0/5) used to be drawn before the refusal."""
    write_scenario(tmp_path, count=5, replications=1)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    argv = ["run", str(tmp_path / "t.toml"), "--out", str(mine), "--workers", "1"]
    assert "it is not a study's output" in one_line_error(capsys, argv)
