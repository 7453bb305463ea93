"""The step vocabulary: every phrasing the library offers, with an example, as one registry.

A phrase is written once, in a readable pattern (`device "{device}" has SMI status "{status}"`); it compiles
to the regular expression pytest-bdd matches with, is documented in `features/README.md` with its example
(a test keeps the two true), and feeds the "did you mean" list for an unknown step (`unknown_steps`).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from pytest_bdd import given, parsers, then, when

from dsp.errors import DomainError

# What a placeholder outside quotes matches; inside quotes a placeholder is any text without a quote.
_BARE = {
    "n": r"\d+(?:\.\d+)?",
    "unit": r"seconds?|minutes?|hours?|days?",
    "srv": r"\S+",
    "cv": r"\d+",
    "device_type": r"[A-Za-z0-9]+",
    "sender": r"the supplier|the network operator|another supplier|an unregistered user",
    "pass": r"pass|passes",
    "retries": r"retry|retries",
    "times": r"times?",
    "updates": r"updates?",
    "alerts": r"alerts?",
    "is": r"is|are",
}
_PLACEHOLDER = re.compile(r'"\{(\w+)\}"|\{(\w+)\}')
_DECORATORS = {"Given": given, "When": when, "Then": then}


class ScenarioFailure(AssertionError):
    """An expectation in a Then step that does not hold, or a step that cannot be carried out.
    Its message is one line a tester can act on; the evidence shows it as the scenario's failure."""


@dataclass(frozen=True)
class Phrase:
    keywords: tuple[str, ...]  # the step keywords it answers: ("Given",), ("Given", "When"), ...
    pattern: str  # as documented: device "{device}" has SMI status "{status}"
    example: str  # a whole step line: Then device "E1" has SMI status "Suspended"
    regex: re.Pattern[str]

    @property
    def documented(self) -> str:
        """The pattern as the README shows it, with its keyword(s)."""
        return f"{'/'.join(self.keywords)} {self.pattern}"

    def matches(self, keyword: str, text: str) -> bool:
        return keyword.title() in self.keywords and self.regex.fullmatch(text) is not None


PHRASES: list[Phrase] = []
# each phrase's step function, for where the evidence says a step is defined (features.runner.step_matches)
DEFINITIONS: dict[Phrase, Callable[..., object]] = {}


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """`"{name}"` matches quoted text; `{name}` matches what `_BARE[name]` says."""
    parts, last = [], 0
    for m in _PLACEHOLDER.finditer(pattern):
        parts.append(re.escape(pattern[last : m.start()]))
        if m.group(1):
            parts.append(f'"(?P<{m.group(1)}>[^"]*)"')
        else:
            name = m.group(2)
            parts.append(f"(?P<{name}>{_BARE[name]})")
        last = m.end()
    parts.append(re.escape(pattern[last:]))
    return re.compile("".join(parts))


def step(keywords: str, pattern: str, example: str) -> Callable[[Callable], Callable]:
    """Register a step for one or more keywords ("Given", "Given/When", ...) with its documented example.

    A `DomainError` raised while the step runs (unknown alias, status, rule set, SRV, ...) fails the
    scenario with its one-line message, never a traceback.
    """
    names = tuple(k.strip().title() for k in keywords.split("/"))
    regex = compile_pattern(pattern)
    phrase = Phrase(names, pattern, example, regex)
    keyword, _, text = example.partition(" ")
    if not phrase.matches(keyword, text):
        raise ValueError(f"the example {example!r} does not match its own pattern {pattern!r}")
    PHRASES.append(phrase)

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def run(*args, **kwargs):
            __tracebackhide__ = True
            try:
                return func(*args, **kwargs)
            except DomainError as error:
                raise ScenarioFailure(str(error)) from None

        run.phrase = phrase  # type: ignore[attr-defined]  # which phrase a step ran (the evidence's match)
        DEFINITIONS[phrase] = func
        wrapped: Callable[..., object] = run
        for name in names:
            # stacklevel 2: the step fixture belongs to the module that applies this decorator
            wrapped = _DECORATORS[name](parsers.re(regex.pattern), stacklevel=2)(wrapped)
        return wrapped

    return decorate


def find(keyword: str, text: str) -> Phrase | None:
    """The phrase a step line uses, or None when the library has no such step."""
    for phrase in PHRASES:
        if phrase.matches(keyword, text):
            return phrase
    return None
