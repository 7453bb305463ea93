"""`sm-harness evidence diff OLD_DIR NEW_DIR [--json]` and `sm-harness evidence verify DIR ...`: evidence packs
(the folders `sm-harness features --out` writes) compared, for a release board's "what changed since the last
signed-off run", and checked to be as they were written.

diff: exit code 0 when nothing regressed, 1 when anything did (a scenario newly failing, or no longer run
after passing, an added scenario failing, a rule or requirement that lost its proof), 2 for bad input (a
folder that is not an evidence folder, or one altered since it was written: one line saying which and why).
verify: exit code 0 when every folder is intact (its files match its SHA256SUMS, its page shows the digest of
its evidence.json, its outputs' counts agree), 1 when any is not (each problem on a line), 2 when any is not
an evidence pack; every folder named is checked and reported.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_REGRESSED, EXIT_NOT_INTACT, EXIT_BAD_INPUT = 0, 1, 1, 2


def add_parser(commands: argparse._SubParsersAction) -> None:
    evidence = commands.add_parser("evidence", help="compare and verify evidence packs (the folders sm-harness features "
                                   "--out writes)")
    actions = evidence.add_subparsers(dest="evidence_command", required=True, metavar="ACTION")
    diff = actions.add_parser(
        "diff", help="what changed from OLD_DIR to NEW_DIR: scenarios, rules' proof, manifest (exit 1 if anything regressed)",
        description="Compare two evidence packs: scenarios added, removed, newly failing or passing; rules and "
                    "requirements whose proof was lost or gained; manifest differences. Exit code 1 when anything "
                    "regressed, 0 otherwise, 2 for a folder that is not an evidence pack or was altered.")
    diff.add_argument("old", metavar="OLD_DIR", help="the baseline pack, e.g. the last signed-off run")
    diff.add_argument("new", metavar="NEW_DIR", help="the pack to compare with it")
    diff.add_argument("--json", action="store_true", help="print the differences as JSON instead of text")
    diff.set_defaults(func=diff_command)
    verify = actions.add_parser(
        "verify", help="check that evidence packs are as they were written (SHA256SUMS, the page's digest, counts)",
        description="Check each evidence pack: every file against its SHA256SUMS, the SHA-256 of evidence.json that "
                    "evidence.html shows, and the counts of all its outputs. Exit code 0 when all are intact, 1 "
                    "when any is not, 2 for a folder that is not an evidence pack.")
    verify.add_argument("folders", nargs="+", metavar="DIR")
    verify.set_defaults(func=verify_command)


def diff_command(args: argparse.Namespace) -> int:
    from reports.evidence_diff import diff_text, evidence_diff
    from reports.evidence_pack import read_intact_evidence

    old, new = read_intact_evidence(args.old), read_intact_evidence(args.new)  # bad input: one line, exit 2
    diff = evidence_diff(old, new)
    print(json.dumps(diff, indent=1) if args.json else diff_text(diff, args.old, args.new))
    return EXIT_REGRESSED if diff["regressed"] else EXIT_OK


def verify_command(args: argparse.Namespace) -> int:
    """Every folder named is checked and reported; the exit code is the worst (bad input 2, not intact 1)."""
    from dsp.errors import DomainError
    from reports.evidence_pack import CHECKED_FILES, verify_pack
    from reports.integrity import sha256_file

    worst = EXIT_OK
    for folder in args.folders:
        try:
            problems = verify_pack(folder)
        except DomainError as error:  # not an evidence pack: its one line, and on to the next folder
            print(f"sm-harness: error: {error}", file=sys.stderr)
            worst = max(worst, EXIT_BAD_INPUT)
            continue
        if problems:
            worst = max(worst, EXIT_NOT_INTACT)
            print(f"{folder}: NOT INTACT")
            print("\n".join(f"  {p}" for p in problems))
        else:
            present = sum(1 for name in CHECKED_FILES if (Path(folder) / name).is_file())
            print(f"{folder}: intact: {present} files match SHA256SUMS, evidence.json SHA-256 "
                  f"{sha256_file(Path(folder) / 'evidence.json')}, the counts agree")
    return worst
