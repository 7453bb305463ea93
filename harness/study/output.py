"""Where a study writes: the output folder it may replace, and the staging folder that keeps finished work.

Output goes to a staging folder `DIR.partial` first; every finished replication (or shard) is appended
there at once, so an interrupted study keeps its work and the same command resumes it (`resume`).
"""
from __future__ import annotations

import json
import os
import shutil
from array import array
from pathlib import Path

from dsp.errors import DomainError
from harness.study.publish import STUDY, NotAStudyOutput, OutputKind, recover, replaceable
from harness.study.study_plan import Study


class OutputFolderError(DomainError):
    """--out names a folder the study must not replace, or one it cannot write."""


def output_folder(out_dir: str | Path, kind: OutputKind = STUDY) -> Path:
    """The absolute output folder, refused before any work when replacing it at the end could destroy
    something that is not an output of `kind` (a study's by default): the current folder or one above it, a
    file, or a folder holding anything but exactly a previous such output (harness/study/publish.py). A
    symbolic link is followed: the folder it points to is the output (the link keeps pointing at it)."""
    out = resolved(out_dir)
    if os.path.islink(os.path.abspath(out_dir)) and not out.is_dir():
        raise OutputFolderError(f"--out {out_dir}: is a symbolic link to {out}, which is not a folder")
    if out == Path(out.anchor) or Path.cwd() == out or out in Path.cwd().parents:
        raise OutputFolderError(f"--out {out_dir}: the output folder would replace the current folder or one above it")
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"--out {out_dir}: is a file, not a folder")
    parent = next(p for p in out.parents if p.exists())  # where the output and its staging folder go
    if not parent.is_dir():
        raise OutputFolderError(f"--out {out_dir}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputFolderError(f"--out {out_dir}: cannot write in {parent}: permission denied or a read-only file system")
    recover(out, kind)
    check_replaceable(out, out_dir, kind)
    return out


def resolved(out_dir: str | Path) -> Path:
    """The folder --out names: absolute, ".." and "." resolved lexically, a symbolic link followed."""
    out = Path(os.path.abspath(out_dir))
    return Path(os.path.realpath(out)) if os.path.islink(out) else out


def check_replaceable(out: Path, shown: str | Path, kind: OutputKind = STUDY) -> None:
    """Refuse (OutputFolderError) a folder that is not absent, empty, or exactly a previous output of `kind`."""
    try:
        replaceable(out, kind)
    except NotAStudyOutput as why:
        raise OutputFolderError(f"--out {shown}: exists and {why}; it would be replaced: move it or choose another folder") from None
    except OSError as error:
        raise OutputFolderError(f"--out {shown}: cannot be read: {error.strerror}") from None


def resume(staging: Path, study: Study) -> tuple[dict[tuple[int, int], dict], dict[tuple[int, int], dict[int, dict]]]:
    """Finished replications, and finished shards of unfinished ones, of the same study left by an
    interrupted run (else a fresh staging folder)."""
    marker = staging / "study.json"
    if staging.exists():
        found = finished(staging, study)
        if found is None and marker_missing(staging):
            raise OutputFolderError(f"{staging}: is in the way of the study's staging folder and is not one: move it")
        if found is not None:
            (staging / "shards").mkdir(exist_ok=True)
            return found
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    marker.write_text(json.dumps({"key": study.key, "scenario": study.scenario.path}))  # first: the folder is ours
    (staging / "shards").mkdir()
    (staging / "results.jsonl").touch()
    return {}, {}


def finished(staging: Path, study: Study) -> tuple[dict[tuple[int, int], dict], dict[tuple[int, int], dict[int, dict]]] | None:
    """What `staging` holds of this study: its finished replications, and the finished shards of the
    unfinished ones (None: it is not this study's staging folder, or there is none)."""
    try:
        if json.loads((staging / "study.json").read_text())["key"] != study.key:
            return None
        lines = (staging / "results.jsonl").read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    results: dict[tuple[int, int], dict] = {}
    parts: dict[tuple[int, int], dict[int, dict]] = {}
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut short by the interruption
        key = (entry["point"], entry["replication"])
        if "shard" not in entry:
            results[key] = entry["result"]
        elif _times_intact(staging, entry):
            parts.setdefault(key, {})[entry["shard"]] = entry["result"]
    return results, {k: v for k, v in parts.items() if k not in results}


def kept(out_dir: str | Path, study: Study) -> tuple[int, int]:
    """(replications, shard tasks) an interrupted study left in the staging folder of --out `out_dir`, as
    the same command will find them to resume: read from the folder, so what it says is what is there."""
    out = resolved(out_dir)
    found = finished(out.with_name(out.name + ".partial"), study)
    if found is None:
        return 0, 0
    results, parts = found
    return len(results), sum(study.datas[p]["shards"] for p, _ in results) + sum(len(v) for v in parts.values())


def marker_missing(staging: Path) -> bool:
    """A folder named like the staging folder that the study did not make (no study.json, not empty)."""
    return not (staging / "study.json").is_file() and (not staging.is_dir() or any(staging.iterdir()))


def times_file(staging: Path, point: int, replication: int, shard: int) -> Path:
    return staging / "shards" / f"{point}-{replication}-{shard}.f64"


def _times_intact(staging: Path, entry: dict) -> bool:
    """A shard's times file is there and holds one double per restored device (else the shard reruns)."""
    path = times_file(staging, entry["point"], entry["replication"], entry["shard"])
    try:
        return path.stat().st_size == 8 * sum(entry["result"]["restore_histogram"])
    except OSError:
        return False


def read_times(path: Path) -> array:
    times = array("d")
    times.frombytes(path.read_bytes())
    return times
