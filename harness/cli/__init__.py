"""`sm-harness`: the command line. Bad input gets one line on stderr and exit code 2, never a traceback.

Each subcommand is a module of this package with `add_parser(subparsers)`; the parser sets `func`, which
takes the parsed arguments and returns the exit code. A subcommand's heavy imports (uvicorn, pytest, the
study runner) belong inside its `func`, so `sm-harness --help` stays quick. This package is the only part
of `harness/` that imports `features/` (the Gherkin runner lives there).
"""
from __future__ import annotations

import argparse
import sys

from dsp.errors import DomainError
from harness.cli import demo, duis, evidence, features, run, serve

EXIT_BAD_INPUT = 2
SUBCOMMANDS = (demo, run, duis, serve, features, evidence)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sm-harness",
        description="Test harness and device simulator for GB smart metering: SEC modification MP105.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for subcommand in SUBCOMMANDS:
        subcommand.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except DomainError as error:
        print(f"sm-harness: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("sm-harness: interrupted", file=sys.stderr)
        return 130
    except OSError as error:  # the machine said no (a full disk, a read-only folder): one line, not a traceback
        where = f"{error.filename}: " if error.filename else ""
        print(f"sm-harness: error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_BAD_INPUT
