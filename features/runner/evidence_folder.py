"""The --out folder of `sm-harness features`: refused before anything runs unless it is absent, empty or
exactly a previous evidence pack, and replaced whole at the end.

The rule and the swap are the study's (harness/study/output.py, harness/study/publish.py): a pack lists its
files in SHA256SUMS, so a folder holding only the files its SHA256SUMS lists, unchanged, is a previous pack
and may be replaced; anything else there (a file of the user's, a pack file edited since) is the user's, and
the folder is refused, as is the current folder or one above it. The new pack is written in a folder beside
--out and swapped in at once, so --out holds the old pack or the new one, whole, never a mixture.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dsp.errors import DomainError
from harness.study.output import check_replaceable, output_folder
from harness.study.publish import OutputKind, publish
from reports.evidence_pack import EVIDENCE_JSON
from reports.integrity import SHA256SUMS, read_checksums


def _pack_files(path: Path) -> Mapping[str, Any]:
    return {name: {"sha256": digest} for name, digest in read_checksums(path.parent).items()}


EVIDENCE_PACK = OutputKind("features run", SHA256SUMS, _pack_files)


def evidence_folder(out: str) -> Path:
    """--out as an absolute folder the pack may replace, checked before anything runs (DomainError: one line)."""
    folder = output_folder(out, EVIDENCE_PACK)
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise DomainError(f"--out {out}: cannot write in {folder}: permission denied or a read-only file system")
    return folder


def publish_pack(evidence_json: Path, out_dir: Path, shown: str, write: Callable[[Path], None]) -> None:
    """Write the pack beside --out (`write` adds its files to a folder holding evidence.json), check --out is
    still replaceable (the user may have put something there during the run) and swap it in. A file that
    cannot be written (a full disk) is one line naming it, and nothing is left half-written."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.writing-"))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the pack is for sharing
        try:
            shutil.copyfile(evidence_json, staging / EVIDENCE_JSON)
            write(staging)
        except OSError as error:  # named as the file it would have been in --out
            where = out_dir / Path(error.filename).name if error.filename else out_dir
            raise DomainError(f"--out {shown}: cannot write {where}: {error.strerror or error} "
                              f"(nothing was written to {out_dir})") from None
        check_replaceable(out_dir, shown, EVIDENCE_PACK)
        try:
            publish(staging, out_dir)
        except OSError as error:
            raise DomainError(f"--out {shown}: cannot write {error.filename or out_dir}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
