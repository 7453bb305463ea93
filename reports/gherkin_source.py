"""The feature files of a run, parsed by Cucumber's own Gherkin parser, each evidence record matched to its pickle.

    sources = read_sources(evidence, root)             # {uri: text}, checked against the manifest's sha256
    run = match_run(evidence, sources)                 # run.scenarios: one MatchedScenario per record

`gherkin-official` (the parser pytest-bdd itself uses) gives the Gherkin document and the pickles (the
compiled scenarios, outline rows expanded) in the Cucumber Messages layout; the Cucumber JSON and the
messages writers take keywords, lines, descriptions, tag lines, tables and doc strings from there, and
outcomes only from the evidence. A record whose scenario is not in the text as it is now, or whose steps
differ from the pickle's, is an error: the formats must never describe a scenario other than the one run.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.ast_builder import AstBuilder
from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler
from gherkin.stream.id_generator import IdGenerator

GHERKIN_MEDIA_TYPE = "text/x.cucumber.gherkin+plain"
_DUPLICATE = re.compile(r"^(?P<base>.*)#(?P<n>\d+)$")  # the collector's suffix for a repeated Examples row


class EvidenceMismatch(ValueError):
    """The evidence and the feature files given with it do not describe the same scenarios."""


@dataclass
class FeatureSource:
    """One feature file: its text, and the parser's document and pickles, or its parse errors."""

    uri: str
    text: str
    document: dict[str, Any] | None
    pickles: list[dict[str, Any]]
    errors: list[dict[str, Any]]  # parseError messages: {"source": {...}, "message": ...}
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # AST node id -> node
    background_steps: dict[str, dict[str, Any]] = field(default_factory=dict)  # step id -> its Background

    @property
    def feature(self) -> dict[str, Any] | None:
        return (self.document or {}).get("feature")


@dataclass
class MatchedStep:
    record: dict[str, Any]  # the evidence's step: keyword, text, status, line (and what the collector adds)
    pickle_step: dict[str, Any]
    ast_step: dict[str, Any]
    background: dict[str, Any] | None  # the Background the step comes from, None for the scenario's own


@dataclass
class MatchedScenario:
    record: dict[str, Any]
    source: FeatureSource | None  # None only when no text was given for a feature file that cannot be run
    pickle: dict[str, Any] | None  # None for a feature file that cannot be run
    scenario: dict[str, Any] | None = None  # the AST Scenario (or Scenario Outline)
    examples: dict[str, Any] | None = None
    row: dict[str, Any] | None = None  # the Examples row of an outline
    steps: list[MatchedStep] = field(default_factory=list)

    @property
    def is_feature_file_error(self) -> bool:
        return self.pickle is None

    @property
    def row_index(self) -> int | None:
        """1-based index of the row in its Examples table (the header is row 0)."""
        if self.examples is None or self.row is None:
            return None
        ids = [r["id"] for r in self.examples.get("tableBody", [])]
        return ids.index(self.row["id"]) + 1

    def tags(self) -> list[dict[str, Any]]:
        """The pickle's tags (feature, rule, scenario, examples), each with the line it is written on."""
        if self.pickle is None or self.source is None:
            return []
        found = []
        for tag in self.pickle.get("tags", []):
            node = self.source.nodes.get(tag["astNodeId"], {})
            found.append({"name": tag["name"], "line": node.get("location", {}).get("line", 0)})
        return found


@dataclass
class MatchedRun:
    sources: dict[str, FeatureSource]
    scenarios: list[MatchedScenario]
    ids: IdGenerator  # the parser's ID sequence, to continue for the messages' own IDs

    def features(self) -> Iterator[tuple[str, list[MatchedScenario]]]:
        """(uri, scenarios) per feature file, in the order the run first met them."""
        order: dict[str, list[MatchedScenario]] = {}
        for scenario in self.scenarios:
            order.setdefault(scenario.record["feature_file"], []).append(scenario)
        yield from order.items()


# --- reading and parsing -----------------------------------------------------------------------------


def read_sources(evidence: Mapping[str, Any], root: Path | str | None = None,
                 locate: Callable[[str], Path] | None = None) -> dict[str, str]:
    """The text of every feature file the manifest names, as it was when the run read it.

    A feature the manifest carries with its `text` needs no file, and one whose `text` is null (the run
    could not read it as UTF-8) has none. Otherwise the file is found by `locate`
    (default: its path as shown, relative to `root` or the working folder) and its SHA-256 must equal the
    manifest's: a file edited since the run would make the report describe other scenarios.
    """
    texts: dict[str, str] = {}
    for feature in evidence.get("manifest", {}).get("features", []):
        uri = feature["path"]
        if isinstance(feature.get("text"), str):
            texts[uri] = feature["text"]
            continue
        if "text" in feature:  # the run could not read it as text: its record says why it did not run
            continue
        path = locate(uri) if locate is not None else Path(root or ".") / uri
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise EvidenceMismatch(f"{uri}: the feature file cannot be read: {error.strerror or error}") from None
        wanted = feature.get("sha256")
        if wanted and hashlib.sha256(data).hexdigest() != wanted:
            raise EvidenceMismatch(f"{uri}: the feature file has changed since the run (its SHA-256 differs "
                                   "from the manifest's)")
        try:
            texts[uri] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise EvidenceMismatch(f"{uri}: the feature file is not UTF-8") from None
    return texts


def parse_sources(texts: Mapping[str, str], ids: IdGenerator | None = None) -> dict[str, FeatureSource]:
    """Parse every feature file with one ID sequence (IDs are unique across the run), in the given order."""
    ids = ids or IdGenerator()
    parser = Parser(ast_builder=AstBuilder(ids))
    compiler = Compiler(ids)
    parsed = {}
    for uri, text in texts.items():
        try:
            document: dict[str, Any] = {**parser.parse(text), "uri": uri}
        except (CompositeParserException, ParserError) as error:
            problems = error.errors if isinstance(error, CompositeParserException) else [error]
            errors = [{"source": {"uri": uri, "location": dict(getattr(p, "location", None) or {"line": 1})},
                       "message": str(p)} for p in problems]
            parsed[uri] = FeatureSource(uri, text, None, [], errors)
            continue
        pickles: list[dict[str, Any]] = [dict(p) for p in compiler.compile(document)]  # type: ignore[arg-type]
        source = FeatureSource(uri, text, document, pickles, [])
        _index(source)
        parsed[uri] = source
    return parsed


def _index(source: FeatureSource) -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "id" in node and isinstance(node["id"], str):
                source.nodes[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(source.document)
    feature = source.feature or {}
    for child in feature.get("children", []):
        children = [child] + list(child.get("rule", {}).get("children", []))
        for item in children:
            background = item.get("background")
            if background:
                for step in background.get("steps", []):
                    source.background_steps[step["id"]] = background


# --- matching records to pickles -----------------------------------------------------------------------


def match_run(evidence: Mapping[str, Any], texts: Mapping[str, str]) -> MatchedRun:
    """Each evidence record with the pickle it ran; EvidenceMismatch when the two tell different stories."""
    ids = IdGenerator()
    sources = parse_sources(texts, ids)
    used: set[str] = set()
    matched = []
    for record in evidence.get("scenarios", []):
        uri = record["feature_file"]
        source = sources.get(uri)
        if is_feature_file_error(record):
            matched.append(MatchedScenario(record, source, None))
            continue
        if source is None:
            raise EvidenceMismatch(f"{record['id']}: no text was given for its feature file {uri}")
        matched.append(_match(record, source, used))
    return MatchedRun(sources, matched, ids)


def is_feature_file_error(record: Mapping[str, Any]) -> bool:
    """The collector's record for a feature file that cannot be run (`kind: "feature_file"`; evidence of
    schema 1 has no kind: no feature, no steps, errored)."""
    if "kind" in record:
        return bool(record["kind"] == "feature_file")
    return record.get("feature") is None and not record.get("steps") and record.get("status") == "errored"


def _match(record: dict[str, Any], source: FeatureSource, used: set[str]) -> MatchedScenario:
    """The pickle of a record: by its scenario's line and its example row's line when the collector wrote
    it (`example_line`), else (schema 1) by the `[name=value, ...]` suffix of its ID and its `#n`."""
    wanted = _DUPLICATE.match(record["id"])
    base, nth = (wanted["base"], int(wanted["n"])) if wanted else (record["id"], 1)
    row_line = record.get("example_line")
    candidates: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]] = []
    for pickle in source.pickles:
        scenario = source.nodes[pickle["astNodeIds"][0]]
        if scenario["location"]["line"] != record["line"]:
            continue
        examples, row = _row_of(source, pickle)
        if isinstance(row_line, int):
            if row is not None and row["location"]["line"] == row_line:
                candidates, nth = [(pickle, scenario, examples, row)], 1
                break
        elif _record_id(source.uri, scenario, examples, row) == base:
            candidates.append((pickle, scenario, examples, row))
    if len(candidates) < nth:
        raise EvidenceMismatch(f"{record['id']}: no such scenario in {source.uri} as it is now")
    pickle, scenario, examples, row = candidates[nth - 1]
    if pickle["id"] in used:
        raise EvidenceMismatch(f"{record['id']}: two evidence records for one scenario of {source.uri}")
    used.add(pickle["id"])
    steps = _match_steps(record, source, pickle)
    return MatchedScenario(record, source, pickle, scenario, examples, row, steps)


def _row_of(source: FeatureSource, pickle: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if len(pickle["astNodeIds"]) < 2:
        return None, None
    row = source.nodes[pickle["astNodeIds"][1]]
    scenario = source.nodes[pickle["astNodeIds"][0]]
    for examples in scenario.get("examples", []):
        if any(r["id"] == row["id"] for r in examples.get("tableBody", [])):
            return examples, row
    raise EvidenceMismatch(f"{source.uri}: pickle {pickle['id']} names a row that is in no Examples table")


def _record_id(uri: str, scenario: Mapping[str, Any], examples: Mapping[str, Any] | None,
               row: Mapping[str, Any] | None) -> str:
    """The ID the collector gives this scenario: `uri:line`, and for an outline row `[name=value, ...]`."""
    ident = f"{uri}:{scenario['location']['line']}"
    if examples is None or row is None:
        return ident
    header = [c["value"] for c in examples["tableHeader"]["cells"]]
    values = dict(zip(header, (c["value"] for c in row["cells"])))
    return ident + "[" + ", ".join(f"{k}={v}" for k, v in values.items()) + "]"


def _match_steps(record: Mapping[str, Any], source: FeatureSource, pickle: Mapping[str, Any]) -> list[MatchedStep]:
    steps: Sequence[dict[str, Any]] = record.get("steps", [])
    pickle_steps = pickle.get("steps", [])
    if len(steps) != len(pickle_steps):
        raise EvidenceMismatch(f"{record['id']}: the evidence has {len(steps)} steps, the feature file "
                               f"{len(pickle_steps)}")
    matched = []
    for step, pickle_step in zip(steps, pickle_steps):
        ast_step = source.nodes[pickle_step["astNodeIds"][0]]
        if step.get("text") != pickle_step["text"] or step.get("line") != ast_step["location"]["line"]:
            raise EvidenceMismatch(f"{record['id']}: step {step.get('text')!r} at line {step.get('line')} is "
                                   f"{pickle_step['text']!r} at line {ast_step['location']['line']} in the feature file")
        matched.append(MatchedStep(step, pickle_step, ast_step, source.background_steps.get(ast_step["id"])))
    return matched
