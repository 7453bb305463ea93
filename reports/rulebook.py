"""The rulebook as the reports read it: every rule of RULES.md and the seed's two business requirements.

The rule IDs and texts come from `../shared/domain/RULES.md` at report time, so a new rule shows up in the
traceability matrix (as a gap) the day it is written. The two business requirements are short statements
carried here with their citation, because the seed is a long report, not a table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reports.rule_tags import RULE_ID

# a provenance mark: [seed], [duis], [model], [seed + model], [model, consistent with the seed], [seed: "..."]
_MARK = re.compile(r"\[((?:seed|duis|model)\b[^\]]*)\]")
_SOURCES = ("seed", "duis", "model")


@dataclass(frozen=True)
class Rule:
    id: str
    section: str  # "5. Firmware processing (the heart of MP105)"
    text: str
    sources: tuple[str, ...]  # of "seed", "duis", "model", in that order

    @property
    def modelling_decision(self) -> bool:
        """A [model] rule: the public text is silent and the project decided (RULES.md, 'Marks')."""
        return "model" in self.sources


@dataclass(frozen=True)
class Requirement:
    id: str  # "Req-1"
    text: str
    citation: str


SEED = "shared/seed/000_dbd8467e7dbf3dfd.txt"
REQUIREMENTS = (
    Requirement(
        "Req-1",
        "The DCC shall process Service Request (SR) 11.2 'Read Firmware Version' where a Device has a "
        "Smart Metering Inventory (SMI) Status of 'Suspended'.",
        f"MP105 Modification Report, Annex A Business requirements v1.1, table 'Business Requirements', "
        f"Ref. 1 ({SEED})",
    ),
    Requirement(
        "Req-2",
        "Upon a Service User's automated second attempt of SR 11.3 'Activate Firmware', the response shall "
        "update the SMI with the new firmware version and subsequently the status of the Device.",
        f"MP105 Modification Report, Annex A Business requirements v1.1, table 'Business Requirements', "
        f"Ref. 2 ({SEED})",
    ),
)


def default_rules_path() -> Path:
    """`../shared/domain/RULES.md` beside the repository (where every developer and CI have it)."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "domain" / "RULES.md"


def parse_rules(text: str) -> list[Rule]:
    """Every table row of RULES.md whose first cell is a rule ID, in the file's order.

    A two-column table (ID | Rule) gives the rule text as it stands; wider tables (ID | When | Then, or the
    rule-set table) give 'Header: cell' for each column, so the rule-set differences stay readable.
    """
    rules: list[Rule] = []
    section = ""
    header: list[str] = []
    previous: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            section, header = line[3:].strip(), []
            continue
        if not line.startswith("|"):
            previous = []
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
            header = previous
            continue
        previous = cells
        if not RULE_ID.fullmatch(cells[0]):
            continue
        body = cells[1:]
        if len(body) == 1 or len(header) != len(cells):
            rule_text = " ".join(body)
        else:
            rule_text = "; ".join(f"{_plain(h)}: {c}" for h, c in zip(header[1:], body))
        rules.append(Rule(cells[0], section, _plain(rule_text), _sources(rule_text)))
    return rules


def load_rules(path: Path | str | None = None) -> tuple[list[Rule], Path | None]:
    """The rules and the file they came from; ([], None) when the file is absent (the caller falls back)."""
    path = Path(path) if path is not None else default_rules_path()
    if not path.is_file():
        return [], None
    return parse_rules(path.read_text(encoding="utf-8")), path


def _sources(text: str) -> tuple[str, ...]:
    found: set[str] = set()
    for mark in _MARK.findall(text):
        found.update(s for s in _SOURCES if re.search(rf"\b{s}\b", mark))
    return tuple(s for s in _SOURCES if s in found)


def _plain(text: str) -> str:
    """Markdown emphasis and code ticks off: the report renders text, not Markdown."""
    return re.sub(r"\*\*|`", "", text).strip()
