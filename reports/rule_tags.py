"""The one grammar of rule and requirement IDs in tags, for the evidence collector and every report.

- A rule tag is the rule's ID as the rulebook spells it: `@R-VER-2` (`R-`, an upper-case area, `-`, a number).
- A requirement tag names one of the seed's business requirements: `@Req-1`; `@req1`, `@Req. 2` and
  `@requirement-2` are read the same, and every report shows the canonical `Req-N`.
The `@` is optional everywhere.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

RULE_ID = re.compile(r"R-[A-Z0-9]+-\d+")
RULE_ID_IN_TEXT = re.compile(rf"\b{RULE_ID.pattern}\b")  # a rule ID inside prose (the rulebook's tables)
_REQUIREMENT = re.compile(r"req(?:uirement)?[-_. ]?(\d+)", re.IGNORECASE)


def rule_id(tag: str) -> str | None:
    """'@R-VER-2' or 'R-VER-2' -> 'R-VER-2'; anything else -> None."""
    bare = str(tag).strip().lstrip("@")
    return bare if RULE_ID.fullmatch(bare) else None


def requirement_id(tag: str) -> str | None:
    """'Req-1', '@req1', 'Req. 2', 'requirement-2' -> 'Req-1' / 'Req-2'; anything else -> None."""
    match = _REQUIREMENT.fullmatch(str(tag).strip().lstrip("@").replace(". ", "."))
    return f"Req-{match.group(1)}" if match else None


def rules_of(tags: Iterable[str]) -> list[str]:
    """The rule IDs among tags, in order, each once."""
    return list(dict.fromkeys(r for r in map(rule_id, tags) if r))


def requirements_of(tags: Iterable[str]) -> list[str]:
    """The requirement IDs among tags, canonical, in order, each once."""
    return list(dict.fromkeys(r for r in map(requirement_id, tags) if r))
