"""A study's output folder, published whole: written beside `--out`, listed in a manifest, swapped in at once.

The manifest (`sm-harness-output.json`, written last) lists every file the study wrote with its size and
SHA-256. It is what lets a later study replace the folder: only a folder holding exactly those files,
unchanged, and nothing else, is a previous study's output (`replaceable`); anything else there is the
user's, and is never deleted.

The new folder is swapped for the old one in one step (Linux's `renameat2(RENAME_EXCHANGE)`), so a kill
at any moment leaves `--out` holding either the old output or the new one, complete. Where the exchange is
not supported (another OS, a file system without it) the old folder is moved aside to `DIR.previous`
first; a kill in between leaves no `--out` but a complete `DIR.previous`, which `recover` puts back.

The rule and the swap serve any output that lists its own files: an `OutputKind` names the listing file and
reads it (a study's manifest here; an evidence pack's SHA256SUMS in features/runner/evidence_folder.py).
"""
from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "sm-harness-output.json"
KIND = "sm-harness study output"

__all__ = ["MANIFEST", "STUDY", "NotAStudyOutput", "OutputKind", "publish", "recover", "replaceable", "write_manifest"]


class NotAStudyOutput(Exception):
    """The folder is not exactly a previous output of its kind (a study's, an evidence pack's): why, in one line."""


@dataclass(frozen=True)
class OutputKind:
    """A kind of output folder: who writes it (for the messages), the file in it listing every other file,
    and how that file is read: {file name: {"sha256": ..., "bytes": ... (when listed)}}, ValueError (or
    OSError, TypeError, AttributeError) when it is not such a listing."""

    writer: str
    listing: str
    read_listing: Callable[[Path], Mapping[str, Any]]


def _study_files(path: Path) -> Mapping[str, Any]:
    manifest = json.loads(path.read_text(encoding="utf-8"))
    listed = manifest["files"] if manifest.get("kind") == KIND else None
    if not isinstance(listed, dict):
        raise ValueError
    return listed


STUDY = OutputKind("study", MANIFEST, _study_files)


def write_manifest(folder: Path) -> None:
    """List every file in `folder` (size, SHA-256) in its manifest, each file and the folder synced to disk."""
    files = {}
    for path in sorted(folder.iterdir()):
        files[path.name] = {"bytes": path.stat().st_size, "sha256": _sha256(path)}
        _fsync(path)
    text = json.dumps({"kind": KIND, "files": files}, indent=2) + "\n"
    temporary = folder / f".{MANIFEST}.tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, folder / MANIFEST)
    _fsync(folder)


def replaceable(folder: Path, kind: OutputKind = STUDY) -> None:
    """Return if `folder` may be replaced (it is absent, empty, or exactly an output of `kind`); else raise
    NotAStudyOutput saying what in it is not."""
    if not folder.exists():
        return
    if folder.is_symlink() or not folder.is_dir():
        raise NotAStudyOutput("is not a folder")
    entries = {p.name: p for p in folder.iterdir()}
    if not entries:
        return
    if kind.listing not in entries:
        raise NotAStudyOutput(f"holds files and no {kind.listing}: it is not a {kind.writer}'s output")
    try:
        listed = kind.read_listing(entries.pop(kind.listing))
    except (OSError, ValueError, TypeError, AttributeError):
        raise NotAStudyOutput(f"its {kind.listing} is not a {kind.writer}'s manifest") from None
    for name, path in sorted(entries.items()):
        if name not in listed:
            raise NotAStudyOutput(f"holds {name}, which no {kind.writer} wrote")
        if path.is_symlink() or not path.is_file():
            raise NotAStudyOutput(f"{name} is not the file the {kind.writer} wrote")
        facts = listed[name]
        if (not isinstance(facts, dict) or path.stat().st_size != facts.get("bytes", path.stat().st_size)
                or _sha256(path) != facts.get("sha256")):
            raise NotAStudyOutput(f"{name} was changed after the {kind.writer} wrote it")


def publish(new: Path, out: Path) -> None:
    """Put the complete folder `new` (a sibling of `out`) in place of `out`, the old output removed."""
    if out.exists():
        if _exchange(new, out):  # now `new` holds the old output
            shutil.rmtree(new)
            _fsync(out.parent)
            return
        previous = _previous(out)
        os.rename(out, previous)
        os.rename(new, out)
        _fsync(out.parent)
        shutil.rmtree(previous)
    else:
        os.rename(new, out)
        _fsync(out.parent)


def recover(out: Path, kind: OutputKind = STUDY) -> None:
    """Undo a publish cut short between its two renames (only where the exchange is unsupported): the old
    output, complete in DIR.previous, goes back to DIR; a DIR.previous left beside a DIR is removed."""
    previous = _previous(out)
    if not previous.is_dir():
        return
    try:
        replaceable(previous, kind)
    except NotAStudyOutput:
        return  # not ours: leave it alone
    if out.exists():
        shutil.rmtree(previous)
    else:
        os.rename(previous, out)


def _previous(out: Path) -> Path:
    return out.with_name(out.name + ".previous")


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (renameat2 with RENAME_EXCHANGE); False where that is not supported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    """Sync a file or folder to disk (so a rename after it never publishes unwritten data)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):  # a folder some file systems cannot sync
            raise
    finally:
        os.close(descriptor)
