"""A feature file checked before it runs: it parses, holds a scenario, gives each scenario its own name, and
each Examples table a row and its columns their own names."""
from __future__ import annotations

import os
import re
from pathlib import Path

from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.parser import FeatureParser

_SCENARIO_LINE = re.compile(r"\s*(Scenario Outline|Scenario Template|Scenario|Example):\s*(.*?)\s*$")


class FeatureFileError(Exception):
    """A feature file that cannot be run: it does not parse, or holds no scenario, or repeats a name."""


def check_feature_file(path: str, display: str | None = None) -> None:
    """Parse a feature file as pytest-bdd will; raise FeatureFileError with one line on any problem.

    pytest-bdd keys scenarios by name, so two scenarios with one name would silently become one: refused.
    So is an Examples table that names a column twice: pytest-bdd fills `<name>` from the last such column,
    Cucumber from the first, so the scenario run would not be the one the reports describe. And an Examples
    table with a header and no rows: pytest-bdd runs the outline once with `<name>` unfilled, Cucumber runs
    nothing, so again the reports could not describe what ran.
    """
    shown = display or path
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FeatureFileError(f"{shown}: cannot be read: {error}") from None
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise FeatureFileError(f"{shown}:1: the file is empty: a feature file starts with 'Feature:' and holds scenarios")
    try:
        feature = FeatureParser(os.path.dirname(path), os.path.basename(path)).parse()
    except GherkinParseError as error:
        raise FeatureFileError(f"{shown}:{error.line}: does not parse: {error.message} ({error.line_content.strip()!r})") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:  # pytest-bdd's reader on a shape it did not expect
        raise FeatureFileError(f"{shown}:1: does not parse: {type(error).__name__} {error}") from None
    if not feature.scenarios:
        raise FeatureFileError(f"{shown}:{feature.line_number}: the feature has no scenarios")
    for scenario in feature.scenarios.values():
        for examples in scenario.examples:
            if not examples.examples:  # pytest-bdd would run the outline once, unfilled; Cucumber not at all
                raise FeatureFileError(f"{shown}:{examples.line_number}: the Examples table has no rows: give it a "
                                       "row of values under its header, or remove it")
            twice = sorted({c for c in examples.example_params if examples.example_params.count(c) > 1})
            if twice:
                raise FeatureFileError(f"{shown}:{examples.line_number}: the Examples table names column "
                                       f"{twice[0]!r} twice; each column needs its own name")
    names: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = _SCENARIO_LINE.match(line)
        if m:
            if m.group(2) in names:
                raise FeatureFileError(f"{shown}:{number}: scenario name {m.group(2)!r} is already used at line "
                                       f"{names[m.group(2)]}; each scenario of a feature needs its own name")
            names[m.group(2)] = number
