"""`sm-harness evidence diff OLD_DIR NEW_DIR [--json]`: what changed between two evidence packs (the folders
`sm-harness features --out` writes), for a release board's "what changed since the last signed-off run".

Exit code 0 when nothing regressed, 1 when anything did (a scenario newly failing, or no longer run after
passing, an added scenario failing, a rule or requirement that lost its proof), 2 for bad input (a folder
that is not an evidence folder: one line saying which and why).
"""
from __future__ import annotations

import argparse
import json

EXIT_SAME_OR_BETTER, EXIT_REGRESSED = 0, 1


def add_parser(commands: argparse._SubParsersAction) -> None:
    evidence = commands.add_parser("evidence", help="compare evidence packs (the folders sm-harness features --out writes)")
    actions = evidence.add_subparsers(dest="evidence_command", required=True, metavar="ACTION")
    diff = actions.add_parser(
        "diff", help="what changed from OLD_DIR to NEW_DIR: scenarios, rules' proof, manifest (exit 1 if anything regressed)",
        description="Compare two evidence packs: scenarios added, removed, newly failing or passing; rules and "
                    "requirements whose proof was lost or gained; manifest differences. Exit code 1 when anything "
                    "regressed, 0 otherwise, 2 for a folder that is not an evidence pack.")
    diff.add_argument("old", metavar="OLD_DIR", help="the baseline pack, e.g. the last signed-off run")
    diff.add_argument("new", metavar="NEW_DIR", help="the pack to compare with it")
    diff.add_argument("--json", action="store_true", help="print the differences as JSON instead of text")
    diff.set_defaults(func=diff_command)


def diff_command(args: argparse.Namespace) -> int:
    from reports.evidence_diff import diff_text, evidence_diff
    from reports.evidence_pack import read_evidence

    old, new = read_evidence(args.old), read_evidence(args.new)  # bad input: DomainError, one line, exit 2
    diff = evidence_diff(old, new)
    print(json.dumps(diff, indent=1) if args.json else diff_text(diff, args.old, args.new))
    return EXIT_REGRESSED if diff["regressed"] else EXIT_SAME_OR_BETTER
