"""`sm-harness features [PATH ...] [--tags EXPRESSION] [--out DIR]`: run Gherkin scenarios with the step library
(the runner is `features.runner.suite`)."""
from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "features",
        help="run Gherkin scenarios (the built-in suite, or your own .feature files) and write the evidence",
        description="Run Gherkin scenarios with the built-in step library (features/README.md lists every step).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="feature files or folders (default: the built-in suite)")
    parser.add_argument("--tags", metavar="EXPRESSION", help='run only matching scenarios, e.g. "@R-VER-2 and not @legacy"')
    parser.add_argument("--out", metavar="DIR", help="write the evidence pack here: evidence.json, evidence.html, junit.xml, "
                        "cucumber.json, messages.ndjson")
    parser.add_argument("--seed", type=int, default=0, help="seed for the aliases' EUI-64s (default 0)")
    parser.add_argument("--baseline", metavar="DIR", help="an earlier run's evidence folder: say what changed since "
                        "(also in evidence.html); a regression makes the exit code 1")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's own output too")
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    from features.runner.suite import run_features

    result = run_features(args.paths, tags=args.tags, out=args.out, seed=args.seed, baseline=args.baseline)
    if args.verbose:
        print(result.pytest_output)
    print(result.summary_text())
    return result.exit_code


