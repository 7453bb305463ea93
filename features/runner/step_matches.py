"""Where each step of a scenario is defined: the library's phrase it matched, and that phrase's function.

The evidence records, for every step the library knows, `match`: `{"pattern", "uri", "line"}` (the regular
expression pytest-bdd matched with, and the file and line of the step function), which Cucumber JSON and
Cucumber Messages report as the step's match and step definition. `library_definitions()` gives every
phrase of the library in the same terms, for the messages' `stepDefinition` envelopes.
"""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import features.steps.library  # noqa: F401  (importing the library registers its phrases)
from features.steps.phrases import DEFINITIONS, PHRASES, Phrase, find
from reports.cucumber_messages import StepDefinition

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding features/: step files shown from here


def _where(function: Any) -> tuple[str | None, int | None]:
    """(file as shown, first line) of a step function, its decorators unwrapped."""
    original = inspect.unwrap(function)
    code = getattr(original, "__code__", None)
    if code is None:
        return None, None
    path = Path(code.co_filename).resolve()
    try:
        shown = path.relative_to(PACKAGE_ROOT).as_posix()
    except ValueError:
        shown = path.as_posix()
    return shown, code.co_firstlineno


def phrase_match(phrase: Phrase) -> dict[str, Any]:
    """The evidence's `match` for a step that uses this phrase."""
    uri, line = _where(DEFINITIONS[phrase]) if phrase in DEFINITIONS else (None, None)
    return {"pattern": phrase.regex.pattern, "uri": uri, "line": line}


def planned_match(step_type: str, text: str) -> dict[str, Any] | None:
    """Before a step runs: the phrase the library will match it with, None when it knows no such step."""
    phrase = find(step_type, text)
    return phrase_match(phrase) if phrase is not None else None


def ran_match(step_func: Any) -> dict[str, Any] | None:
    """When a step runs: the phrase of the step function pytest-bdd chose (it may differ from the planned
    one only if two phrases match one text); None for a step function that is not the library's."""
    phrase = getattr(step_func, "phrase", None)
    return phrase_match(phrase) if isinstance(phrase, Phrase) else None


def library_definitions() -> list[StepDefinition]:
    """Every phrase of the step library as a Cucumber step definition, with its file and line."""
    definitions = []
    for phrase in PHRASES:
        match = phrase_match(phrase)
        definitions.append(StepDefinition(phrase.keywords, match["pattern"], match["uri"], match["line"]))
    return definitions
