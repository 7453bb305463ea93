"""The main job (`make run`): the headline what-if study and the evidence suite, reports in one folder.

    python -m harness.cli.main_job [--out DIR]

1. The headline study: the three rule sets compared across lost 11.3 responses
   (`scenarios/rulesets-vs-loss.toml`) -> DIR/whatif/ (summary.json, replications.csv, report.html).
2. The evidence suite: every built-in Gherkin scenario -> DIR/evidence/ (evidence.html, evidence.json,
   junit.xml, cucumber.json, messages.ndjson).

Exit code 0 only if both succeed and every scenario passed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.cli import main as sm_harness

HEADLINE = Path(__file__).resolve().parents[2] / "scenarios" / "rulesets-vs-loss.toml"  # the repository's scenarios/


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.cli.main_job", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="out", help="folder for the reports (default: out)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    study = sm_harness(["run", str(HEADLINE), "--out", str(out / "whatif")])
    suite = sm_harness(["features", "--out", str(out / "evidence")])
    print()
    print(f"what-if report:  {out / 'whatif' / 'report.html'}")
    print(f"evidence report: {out / 'evidence' / 'evidence.html'}")
    return 0 if study == 0 and suite == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
