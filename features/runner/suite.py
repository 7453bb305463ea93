"""Running Gherkin scenarios: the feature files found, a generated pytest-bdd module each, pytest in a child
process with the step library and the evidence collector as plugins, then the evidence pack written from
the collector's evidence.json (reports.evidence_pack: junit.xml, cucumber.json, messages.ndjson,
evidence.html) written beside --out and swapped in whole (features.runner.evidence_folder: --out may
hold nothing but a previous pack).

Given no path, the built-in suite (the `.feature` files shipped in the `features` package) runs; given files
or folders anywhere on disk, those run. Exit code 0 only if every scenario passed; 1 when any failed,
errored, was skipped or used an unknown step; bad input (no such path, a malformed tag expression) raises
`DomainError` (the command line's one line and exit code 2).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import features
from dsp.errors import DomainError
from features.runner.evidence_folder import evidence_folder, publish_pack
from features.steps.tags import parse_tag_expression, quote_expression
from reports.evidence_diff import evidence_diff
from reports.evidence_pack import read_intact_evidence, write_pack
from reports.gherkin_source import EvidenceMismatch

BUILTIN = Path(features.__file__).resolve().parent  # the built-in suite
PACKAGE_ROOT = BUILTIN.parent  # the folder holding dsp/, harness/, features/: the child's import path
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def builtin_features() -> Path:
    return BUILTIN


# --- finding the feature files ---------------------------------------------------------------------------


def feature_files(paths: list[str]) -> list[tuple[Path, str]]:
    """(absolute path, path as shown in reports) for every feature file to run, in a stable order."""
    if not paths:
        root = builtin_features()
        return [(p, f"features/{p.relative_to(root).as_posix()}") for p in sorted(root.rglob("*.feature"))]
    found: list[tuple[Path, str]] = []
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            raise DomainError(f"no such feature file or folder: {given}")
        if path.is_dir():
            files = sorted(path.resolve().rglob("*.feature"))
            if not files:
                raise DomainError(f"no .feature files in folder {given}")
        elif path.suffix != ".feature":
            raise DomainError(f"{given} is not a .feature file")
        else:
            files = [path.resolve()]
        anchor = path.resolve() if path.is_dir() else path.resolve().parent
        for file in files:
            if all(file != f for f, _ in found):
                found.append((file, _shown(file, anchor)))
    return _unique(found)


def _shown(path: Path, named: Path) -> str:
    """A feature file's path as the reports show it, the same wherever the command is run from (JUnit's
    `classname` comes from it, and Xray, Zephyr and TestRail key tests on it): from the top of the git work
    tree holding it, else from the folder the user named (its name included: `acceptance/x.feature`)."""
    top = next((d for d in (path.parent, *path.parent.parents) if (d / ".git").exists()), None)
    return path.relative_to(top if top is not None else named.parent).as_posix()


def _unique(found: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Two files shown alike (folders of one name in two places, outside any git work tree) are shown by
    their absolute paths instead, so no two tests share a name."""
    counts: dict[str, int] = {}
    for _, shown in found:
        counts[shown] = counts.get(shown, 0) + 1
    return [(file, shown if counts[shown] == 1 else file.as_posix()) for file, shown in found]


# --- running ---------------------------------------------------------------------------------------------


class FeaturesResult:
    def __init__(self, exit_code: int, evidence: dict | None, pytest_output: str, out: Path | None, seconds: float,
                 problems: list[str] | None = None, diff: dict | None = None):
        self.exit_code = exit_code
        self.evidence = evidence
        self.pytest_output = pytest_output
        self.out = out
        self.seconds = seconds
        self.problems = problems or []  # where the outputs' counts disagree (never, unless a writer is wrong)
        self.diff = diff  # what changed since the baseline, when one was given (reports.evidence_diff)

    def summary_text(self) -> str:
        if self.evidence is None:
            tail = "\n".join(self.pytest_output.strip().splitlines()[-15:])
            return f"sm-harness: error: the scenarios could not be run:\n{tail}"
        lines = []
        for scenario in self.evidence["scenarios"]:
            status = scenario["status"]
            if status == "passed":
                continue
            lines.append(f"{status.upper():8} {scenario['id']}  {scenario['name']}")
            detail = scenario.get("failure") or scenario.get("reason")
            if detail:
                lines.append(f"         {detail}")
        s = self.evidence["summary"]
        counts = ", ".join(f"{s[k]} {k}" for k in ("passed", "failed", "skipped", "errored") if s[k])
        noun = "scenario" if s["total"] == 1 else "scenarios"
        lines.append(f"{s['total']} {noun}: {counts or 'none run'} in {self.seconds:.1f} s")
        lines += [f"the outputs' counts disagree: {problem}" for problem in self.problems]
        if self.diff is not None:
            lines.append(_since_baseline(self.diff))
        if self.out is not None:
            lines.append(f"evidence written to {self.out}")
        return "\n".join(lines)


def run_features(paths: list[str], *, tags: str | None = None, out: str | None = None, seed: int = 0,
                 baseline: str | None = None, plugins: tuple[str, ...] = ()) -> FeaturesResult:
    """Run the scenarios; bad input raises DomainError (the CLI turns it into one line and exit code 2).

    `baseline`: an earlier run's evidence folder; the result (and evidence.html) then says what changed
    since, and a regression makes the exit code 1 even when every scenario passed. It is read before
    anything runs, so it may be the --out folder itself. `plugins`: more pytest plugins for the child run,
    after the step library (the tests add steps the library does not offer with it)."""
    started = time.monotonic()
    if tags is not None:
        parse_tag_expression(tags)  # a malformed expression is bad input, before anything runs
    old = read_intact_evidence(baseline) if baseline is not None else None
    files = feature_files(paths)
    out_dir = evidence_folder(out) if out else None
    with tempfile.TemporaryDirectory(prefix="sm-features-") as work:
        work_dir = Path(work)
        # written here first, moved to --out together only when the run is whole: never a new junit.xml
        # beside an old evidence.json, nor outputs of a run that ends in an error
        evidence_dir = work_dir / "out"
        run_file = _write_suite(work_dir, files, tags, seed)
        command = [
            sys.executable, "-m", "pytest", str(work_dir / "suite"),
            "-c", str(work_dir / "pytest.ini"), "--rootdir", str(work_dir),
            "-p", "features.steps.library", *(arg for p in plugins for arg in ("-p", p)),
            "-p", "features.runner.plugin", "-p", "no:cacheprovider",
            "--continue-on-collection-errors", "-q", "--no-header", "-rN",
            "--sm-evidence", str(evidence_dir), "--sm-run", str(run_file), "--sm-seed", str(seed),
        ]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(PACKAGE_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env.pop("PYTEST_ADDOPTS", None)
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=work_dir)
        output = done.stdout + done.stderr
        evidence_file = evidence_dir / "evidence.json"
        if done.returncode in (0, 1, 5) and evidence_file.exists():
            evidence = json.loads(evidence_file.read_text())
        else:
            evidence = None
        if evidence is not None and evidence["summary"]["total"] == 0:
            raise DomainError(f"no scenario matches --tags {quote_expression(tags)}" if tags else "no scenarios to run")
        problems: list[str] = []
        if evidence is not None and out_dir is not None and out is not None:
            try:
                publish_pack(evidence_file, out_dir, out,
                             lambda folder: problems.extend(_write_pack(folder, evidence, old)))
            except EvidenceMismatch as error:  # a writer and the collector disagree: a bug, never published
                output += f"\nthe evidence formats could not be written: {error}"
                evidence = None
    seconds = time.monotonic() - started
    if evidence is None:
        return FeaturesResult(EXIT_INTERNAL, None, output, out_dir, seconds)
    summary = evidence["summary"]
    diff = evidence_diff(old, evidence) if old is not None else None
    passed = summary["passed"] == summary["total"] and not problems and not (diff and diff["regressed"])
    return FeaturesResult(EXIT_OK if passed else EXIT_FAILED, evidence, output, out_dir, seconds, problems, diff)


def _write_suite(work: Path, files: list[tuple[Path, str]], tags: str | None, seed: int) -> Path:
    """A pytest-bdd module per feature file (so one that does not parse errors alone), and the run file."""
    suite = work / "suite"
    suite.mkdir()
    (work / "pytest.ini").write_text(
        "[pytest]\n"
        "python_files = test_*.py\n"
        "filterwarnings = ignore::pytest.PytestUnknownMarkWarning\n"
    )
    modules = {}
    for number, (path, shown) in enumerate(files, 1):
        name = f"test_{number:04d}_{''.join(c if c.isalnum() else '_' for c in path.stem)}.py"
        (suite / name).write_text(
            f'"""Generated by sm-harness features for {shown}."""\n'
            "from pytest_bdd import scenarios\n\n"
            "from features.runner.feature_files import check_feature_file\n\n"
            f"FEATURE = {str(path)!r}\n"
            f"check_feature_file(FEATURE, {shown!r})\n"
            "scenarios(FEATURE)\n"
        )
        modules[name] = {"path": str(path), "display": shown}
    run_file = work / "run.json"
    run_file.write_text(json.dumps({
        "modules": modules,
        "tags": tags,
        "seed": seed,
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }))
    return run_file


def _write_pack(folder: Path, evidence: dict, baseline: dict | None) -> list[str]:
    """junit.xml, cucumber.json, messages.ndjson and evidence.html beside evidence.json; the count problems."""
    from features.runner.step_matches import library_definitions

    return write_pack(folder, evidence, library_definitions(), baseline=baseline).problems


def _since_baseline(diff: dict) -> str:
    """One line: what changed since the baseline, and whether it regressed."""
    kinds = [c["kind"] for c in diff["changed"]]
    parts = [f"{kinds.count(k)} {k}" for k in dict.fromkeys(kinds)]
    parts += [f"{len(diff[k])} {k}" for k in ("added", "removed") if diff[k]]
    parts += [f"{len(diff[k])} {k.replace('_', ' ')}" for k in ("rules_lost", "rules_gained") if diff[k]]
    verdict = "REGRESSED" if diff["regressed"] else "no regression"
    return f"since the baseline: {', '.join(parts) or 'no change in outcomes'}; {verdict}"
