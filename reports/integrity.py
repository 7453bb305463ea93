"""Integrity of an evidence folder: `SHA256SUMS` over its files, in the format `sha256sum -c` checks.

    write_checksums(folder, names)    # folder/SHA256SUMS, one "<sha256>  <name>" line per file
    problems = check_checksums(folder, names)   # [] when every file matches

A pack attached to a release cannot then be altered unnoticed: `sha256sum -c SHA256SUMS` in the folder (or
`sm-harness evidence verify DIR`) finds any file changed, removed or added beside the others, and
evidence.html shows the digest of evidence.json, so a page and its evidence vouch for each other.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from reports.render import write_atomically

SHA256SUMS = "SHA256SUMS"
_LINE = re.compile(r"^(?P<digest>[0-9a-f]{64}) [ *](?P<name>[^/\\]+)$")  # text (two spaces) or binary (" *") mode
_CHUNK = 1 << 20


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_checksums(folder: Path | str, names: Sequence[str]) -> Path:
    """SHA256SUMS for the files of `names` that exist in `folder`, in that order (written atomically)."""
    folder = Path(folder)
    lines = [f"{sha256_file(folder / name)}  {name}\n" for name in names if (folder / name).is_file()]
    return write_atomically(folder / SHA256SUMS, "".join(lines))


def read_checksums(folder: Path | str) -> dict[str, str]:
    """{file name: sha256} from folder/SHA256SUMS; ValueError naming the line when one is not in the format."""
    path = Path(folder) / SHA256SUMS
    sums: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"{path}:{number}: not a '<sha256>  <file>' line")
        sums[match["name"]] = match["digest"]
    return sums


def check_checksums(folder: Path | str, names: Sequence[str]) -> list[str]:
    """One line per problem: no SHA256SUMS, a listed file missing or changed, a file present but not listed
    (added after the pack was written; those of `names` first). Empty when the folder is as it was written."""
    folder = Path(folder)
    if not (folder / SHA256SUMS).is_file():
        return [f"{folder}: no {SHA256SUMS}, so the pack cannot be verified"]
    try:
        sums = read_checksums(folder)
    except (ValueError, UnicodeDecodeError, OSError) as error:
        return [str(error) if isinstance(error, ValueError) else f"{folder / SHA256SUMS}: cannot be read: {error}"]
    problems = []
    for name, digest in sums.items():
        if not (folder / name).is_file():
            problems.append(f"{name}: listed in {SHA256SUMS} but missing")
        elif sha256_file(folder / name) != digest:
            problems.append(f"{name}: changed since the pack was written (its SHA-256 differs from {SHA256SUMS})")
    unlisted = [*(n for n in names if (folder / n).is_file()), *sorted(p.name for p in folder.iterdir())]
    problems += [f"{name}: present but not listed in {SHA256SUMS} (added after the pack was written)"
                 for name in dict.fromkeys(unlisted) if name not in sums and name != SHA256SUMS]
    return problems
