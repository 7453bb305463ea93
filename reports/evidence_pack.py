"""The evidence pack: every file of a `sm-harness features --out` folder, written together from evidence.json.

    check = write_pack(folder, evidence, step_definitions)   # folder already holds evidence.json

| File | For |
|---|---|
| `evidence.json` | the run itself (the collector's records and the manifest, feature texts included) |
| `junit.xml` | any JUnit reader; Jira Xray reads its `test_key`/`requirements`/`tags` properties |
| `cucumber.json` | Xray, Zephyr Scale and TestRail's Cucumber importers |
| `messages.ndjson` | Cucumber's own reporters (the HTML formatter and others) |
| `evidence.html` | the release board: counts, traceability matrix, every scenario, evidence.json's SHA-256 |
| `SHA256SUMS` | the SHA-256 of each file above, for `sha256sum -c SHA256SUMS` (reports.integrity) |

Everything but evidence.json is written from it, so all five count the same scenarios; `pack_counts`
reads each back and says where they differ (evidence.html shows the check it was written with, and
`write_pack` checks the page too once it is written). SHA256SUMS is written last, and lists the pack's
files: the runner swaps the whole folder into --out (features.runner.evidence_folder), and replaces only a
folder holding exactly what its SHA256SUMS lists. `verify_pack` checks a folder:
its checksums, the digest its page shows, and its counts.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dsp.errors import DomainError
from dsp.rule_catalogue import RULES, Rule
from reports.counts import CountCheck, Counts, check_counts, html_counts
from reports.cucumber_json import CUCUMBER_JSON, count_cucumber_json, write_cucumber_json
from reports.cucumber_messages import MESSAGES_NDJSON, StepDefinition, count_messages, read_messages, write_messages
from reports.evidence_html import EVIDENCE_HTML, write_evidence
from reports.gherkin_source import read_sources
from reports.integrity import SHA256SUMS, check_checksums, sha256_file, write_checksums
from reports.junit_xml import JUNIT_XML, write_junit

EVIDENCE_JSON = "evidence.json"
CHECKED_FILES = (EVIDENCE_JSON, JUNIT_XML, CUCUMBER_JSON, MESSAGES_NDJSON, EVIDENCE_HTML)
PACK_FILES = (*CHECKED_FILES, SHA256SUMS)  # in the order they are written and published: SHA256SUMS last
_SHOWN_DIGEST = re.compile(r'data-evidence-sha256="(?P<digest>[0-9a-f]{64})"')
SCHEMA_VERSIONS = (1, 2)  # the evidence.json layouts this version reads (the collector writes the last)
MAX_EVIDENCE_BYTES = 512 << 20  # the built-in suite's is ~3 MB; a pack of thousands of scenarios fits


def write_pack(folder: Path | str, evidence: Mapping[str, Any], step_definitions: Sequence[StepDefinition] = (),
               *, rules: Sequence[Rule] = RULES, baseline: Mapping[str, Any] | None = None) -> CountCheck:
    """Write junit.xml, cucumber.json, messages.ndjson and evidence.html beside the evidence; return the
    check of all five files' counts. The feature texts come from the manifest (no file is read). With a
    `baseline` (an earlier run's evidence), evidence.html says what changed since.

    Raises `reports.gherkin_source.EvidenceMismatch` when the evidence and its feature texts disagree."""
    folder = Path(folder)
    sources = read_sources(evidence)
    write_junit(folder, evidence)
    write_cucumber_json(folder, evidence, sources)
    write_messages(folder, evidence, sources, step_definitions)
    write_evidence(folder, evidence, rules, counts=pack_counts(folder, evidence, with_html=False), baseline=baseline,
                   evidence_sha256=sha256_file(folder / EVIDENCE_JSON))
    check = pack_counts(folder, evidence)
    write_checksums(folder, CHECKED_FILES)
    return check


def verify_pack(folder: Path | str) -> list[str]:
    """Everything wrong with an evidence folder as written, one line each (empty when it is intact): its
    files against SHA256SUMS, the evidence.json digest its page shows, and its outputs' counts. A folder
    that is not an evidence folder at all raises DomainError (read_evidence); a pack (it has SHA256SUMS)
    whose evidence.json was altered past reading is not intact, and says so."""
    folder = Path(folder)
    try:
        evidence = read_evidence(folder)
    except DomainError as error:
        problems = check_checksums(folder, CHECKED_FILES) if (folder / SHA256SUMS).is_file() else []
        if not problems:
            raise  # not a pack, or one as written that this version cannot read: bad input
        return [*problems, f"{EVIDENCE_JSON}: cannot be read as evidence: {error}"]
    problems = check_checksums(folder, CHECKED_FILES)
    if (folder / EVIDENCE_HTML).is_file():
        shown = _SHOWN_DIGEST.search((folder / EVIDENCE_HTML).read_text(encoding="utf-8", errors="replace"))
        if shown is None:
            problems.append(f"{EVIDENCE_HTML}: shows no SHA-256 of {EVIDENCE_JSON}")
        elif shown["digest"] != sha256_file(folder / EVIDENCE_JSON):
            problems.append(f"{EVIDENCE_HTML}: shows a SHA-256 of {EVIDENCE_JSON} that is not this one's")
    try:
        problems += [f"counts: {p}" for p in pack_counts(folder, evidence).problems]
    except (ValueError, OSError, KeyError, TypeError, SyntaxError) as error:  # an output altered past reading (XML: SyntaxError)
        problems.append(f"counts: an output cannot be read back: {error}")
    return problems


def pack_counts(folder: Path | str, evidence: Mapping[str, Any], *, with_html: bool = True) -> CountCheck:
    """The counts of every output present in `folder` against evidence.json's scenario list."""
    folder = Path(folder)
    others: dict[str, Counts] = {}
    if (folder / CUCUMBER_JSON).is_file():
        others[CUCUMBER_JSON] = count_cucumber_json(json.loads((folder / CUCUMBER_JSON).read_text(encoding="utf-8")))
    if (folder / MESSAGES_NDJSON).is_file():
        others[MESSAGES_NDJSON] = count_messages(read_messages(folder / MESSAGES_NDJSON))
    if with_html and (folder / EVIDENCE_HTML).is_file():
        others[EVIDENCE_HTML] = html_counts(folder / EVIDENCE_HTML)
    return check_counts(evidence, folder / JUNIT_XML, others)


def read_evidence(folder: Path | str) -> dict[str, Any]:
    """The evidence.json of an evidence folder, checked to be sm-harness evidence; bad input (no such folder,
    not an evidence folder, not JSON, not evidence, a layout newer than this version reads) raises
    DomainError with one line naming the folder."""
    folder = Path(folder)
    if not folder.exists():
        raise DomainError(f"{folder}: no such evidence folder")
    if not folder.is_dir():
        raise DomainError(f"{folder}: not a folder (give the folder sm-harness features --out wrote)")
    path = folder / EVIDENCE_JSON
    if not path.is_file():
        raise DomainError(f"{folder}: not an evidence folder (it has no {EVIDENCE_JSON})")
    if path.stat().st_size > MAX_EVIDENCE_BYTES:
        raise DomainError(f"{path}: larger than {MAX_EVIDENCE_BYTES >> 20} MiB, not an evidence file")
    try:
        evidence = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise DomainError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise DomainError(f"{path}:{error.lineno}: not JSON: {error.msg}") from None
    problem = _not_evidence(evidence)
    if problem:
        raise DomainError(f"{path}: not sm-harness evidence: {problem}")
    version = evidence["manifest"].get("schema_version", 1)
    if version not in SCHEMA_VERSIONS:
        raise DomainError(f"{path}: evidence schema {version!r}; this sm-harness reads schema "
                          f"{', '.join(map(str, SCHEMA_VERSIONS))}")
    return dict(evidence)


def read_intact_evidence(folder: Path | str) -> dict[str, Any]:
    """read_evidence, and a folder with SHA256SUMS must match it: a pack altered since it was written is bad
    input for a comparison (DomainError, one line). A pack written before SHA256SUMS existed is read as is."""
    evidence = read_evidence(folder)
    if (Path(folder) / SHA256SUMS).is_file():
        problems = check_checksums(folder, CHECKED_FILES)
        if problems:
            raise DomainError(f"{folder}: altered since it was written: {problems[0]} "
                              f"(sm-harness evidence verify {folder} lists every difference)")
    return evidence


def _not_evidence(evidence: Any) -> str | None:
    """What is missing for a document to be an evidence.json, or None."""
    if not isinstance(evidence, dict):
        return "the document is not a JSON object"
    for key, kind in (("manifest", dict), ("summary", dict), ("scenarios", list)):
        if not isinstance(evidence.get(key), kind):
            return f"no {key!r} {'object' if kind is dict else 'list'}"
    if evidence["manifest"].get("tool") != "sm-harness":
        return "its manifest does not name sm-harness as the tool"
    for number, scenario in enumerate(evidence["scenarios"]):
        missing = [k for k in ("id", "feature_file", "name", "status") if not isinstance(scenario, dict) or k not in scenario]
        if missing:
            return f"scenario {number} has no {missing[0]!r}"
    return _misshapen(evidence)


_TEXT_LISTS = ("tags", "rules", "requirements")  # a scenario's fields the readers take as lists of text


def _misshapen(evidence: dict[str, Any]) -> str | None:
    """The first field the readers (diff, traceability, the page) would trip on, named by its place, or None:
    valid JSON is not yet evidence."""
    manifest, summary = evidence["manifest"], evidence["summary"]
    for key in ("packages", "modelling_decisions"):
        if manifest.get(key) is not None and not isinstance(manifest[key], dict):
            return f"manifest.{key} is not an object"
    features = manifest.get("features")
    if features is not None and not isinstance(features, list):
        return "manifest.features is not a list"
    for number, feature in enumerate(features or []):
        if not isinstance(feature, dict) or not all(isinstance(feature.get(k), str) for k in ("path", "sha256")):
            return f"manifest.features[{number}] is not an object with a text 'path' and 'sha256'"
    for key, value in summary.items():
        if not isinstance(value, int) or isinstance(value, bool):
            return f"summary.{key} is not a whole number"
    for number, scenario in enumerate(evidence["scenarios"]):
        for key in ("id", "feature_file", "name", "status"):
            if not isinstance(scenario[key], str):
                return f"scenarios[{number}].{key} is not text"
        for key in _TEXT_LISTS:
            value = scenario.get(key)
            if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                return f"scenarios[{number}].{key} is not a list of text"
        for key in ("failure", "reason"):
            if scenario.get(key) is not None and not isinstance(scenario[key], str):
                return f"scenarios[{number}].{key} is not text"
    return None
