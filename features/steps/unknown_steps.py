"""Steps the library does not know: which ones a scenario has, and the one line that says so.

The runner (features.runner.plugin) checks every scenario before it starts, so an unknown step errors the
scenario with this line instead of pytest-bdd's traceback; the library's lookup-error hook is a backstop
that says the same.
"""
from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from features.steps.phrases import PHRASES, find


def undefined_steps(scenario: Any) -> list[Any]:
    """The steps of a (rendered) pytest-bdd scenario the library has no phrase for."""
    return [s for s in scenario.steps if find(s.type, s.name) is None]


def nearest(keyword: str, text: str, n: int = 3) -> list[str]:
    """The documented examples closest to an unknown step (for "did you mean")."""
    line = f"{keyword.title()} {text}"
    examples = [p.example for p in PHRASES]
    close = difflib.get_close_matches(line, examples, n=n, cutoff=0.3)
    if not close:  # compare without the keyword: a Given written as When still finds its phrase
        by_text = {p.example.split(" ", 1)[1]: p.example for p in PHRASES}
        close = [by_text[t] for t in difflib.get_close_matches(text, list(by_text), n=n, cutoff=0.3)]
    return close


def unknown_step_message(path: str, line: int, keyword: str, text: str) -> str:
    """One line: the step quoted, where it is, and the nearest documented phrasings."""
    message = f'{path}:{line}: unknown step "{keyword.title()} {text}"'
    close = nearest(keyword, text)
    if close:
        message += "; did you mean: " + " | ".join(f'"{c}"' for c in close)
    return message + " (features/README.md lists every step)"


def undefined_steps_message(path: str, missing: Sequence[Any]) -> str:
    """The one line for a scenario whose steps `missing` (in order) are unknown: the first in full, the
    others by line."""
    first = missing[0]
    message = unknown_step_message(path, first.line_number, first.keyword, first.name)
    if len(missing) > 1:
        message += f" (and {len(missing) - 1} more unknown step{'s' if len(missing) > 2 else ''}: lines " \
                   + ", ".join(str(s.line_number) for s in missing[1:]) + ")"
    return message
