"""`sm-harness`: the command line. Bad input gets one line on stderr and exit code 2, never a traceback."""
from __future__ import annotations

import argparse
import importlib
import sys

from dsp.errors import DomainError

EXIT_BAD_INPUT = 2


def _demo(args: argparse.Namespace) -> int:
    from harness import demo

    demo.main()
    return 0


def _add_demo(commands) -> None:
    demo = commands.add_parser("demo", help="one device through the MP105 story under legacy and mp105")
    demo.set_defaults(func=_demo)


# Each subcommand lives in its own module with `add_parser(subparsers)`; the parser sets `func`, which
# takes the parsed arguments and returns the exit code. Heavy imports belong inside `func`.
COMMANDS = [
    "harness.cli:_add_demo",
    "harness.cli_run:add_parser",
    "harness.cli_duis:add_parser",
    "harness.cli_serve:add_parser",
    "harness.cli_features:add_parser",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sm-harness",
        description="Test harness and device simulator for GB smart metering: SEC modification MP105.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for entry in COMMANDS:
        module, _, function = entry.partition(":")
        getattr(importlib.import_module(module), function)(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DomainError as error:
        print(f"sm-harness: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("sm-harness: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
