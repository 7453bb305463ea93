"""The project's rule catalogue (dsp/rule_catalogue.py): well formed, written in the project's own words, and
in step with the rulebook ../shared/domain/RULES.md where that file is beside the repository (every rule of
the rulebook in the catalogue, in its section, with its modelling-decision mark; nothing in the catalogue
claiming to be in the rulebook that is not). The rulebook is read here and nowhere else."""
from __future__ import annotations

import re
import pytest

from dsp.rule_catalogue import MARKS, REQUIREMENTS, RULES, SECTIONS, rule, rules_in
from reports.rule_tags import RULE_ID, requirement_id
from tests.shared_data import SHARED, missing_reason

RULEBOOK = SHARED / "domain" / "RULES.md"
_MARK = re.compile(r"\[((?:seed|duis|model)\b[^\]]*)\]")  # [seed], [duis], [model], [seed + model], [seed: "..."]


def rulebook_rows(text: str) -> dict[str, tuple[str, set[str], str]]:
    """{rule ID: (section heading, its marks, its row's text)} for every table row of RULES.md naming a rule."""
    rows: dict[str, tuple[str, set[str], str]] = {}
    section = ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if cells and RULE_ID.fullmatch(cells[0]):
            row = " ".join(cells[1:])
            marks = {m for mark in _MARK.findall(row) for m in MARKS if re.search(rf"\b{m}\b", mark)}
            rows[cells[0]] = (section, marks, row)
    return rows


@pytest.fixture(scope="module")
def rulebook() -> dict[str, tuple[str, set[str], str]]:
    reason = missing_reason("domain/RULES.md")
    if reason is not None:
        pytest.skip(f"{reason} (the catalogue is kept in step with it where it is)")
    return rulebook_rows(RULEBOOK.read_text(encoding="utf-8"))


def test_every_rule_of_the_rulebook_is_in_the_catalogue_and_nothing_else_claims_to_be(rulebook):
    claimed = [r.id for r in RULES if r.in_rulebook]
    assert sorted(claimed) == sorted(rulebook), (
        f"in RULES.md, not in the catalogue: {sorted(set(rulebook) - set(claimed))}; "
        f"in the catalogue as a rulebook rule, not in RULES.md: {sorted(set(claimed) - set(rulebook))}")
    assert claimed == [i for i in rulebook if i in claimed]  # in the rulebook's order
    beyond = [r.id for r in RULES if not r.in_rulebook]
    assert not set(beyond) & set(rulebook), "a rule marked beyond the rulebook is in it: set in_rulebook=True"


def test_each_rule_sits_in_its_rulebook_section_with_its_marks(rulebook):
    for entry in RULES:
        if not entry.in_rulebook:
            continue
        section, marks, _ = rulebook[entry.id]
        assert entry.section == section, entry.id
        assert entry.modelling_decision == ("model" in marks), f"{entry.id}: the modelling-decision mark differs"
        assert marks <= set(entry.marks), f"{entry.id}: the catalogue drops the rulebook's marks {marks}"


def test_the_statements_are_the_projects_own_words_not_the_rulebooks(rulebook):
    def runs(text: str, n: int = 8) -> set[tuple[str, ...]]:
        words = re.findall(r"[\w.'-]+", text.lower())
        return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}

    rulebook_runs = set().union(*(runs(row) for _, _, row in rulebook.values()))
    copied = [r.id for r in RULES if runs(r.statement) & rulebook_runs]
    assert not copied, f"statements that copy eight words or more of RULES.md: {copied}"


def test_the_catalogue_is_well_formed():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)) and all(RULE_ID.fullmatch(i) for i in ids)
    for entry in RULES:
        assert entry.section in SECTIONS, entry.id
        assert entry.marks == tuple(m for m in MARKS if m in entry.marks), f"{entry.id}: marks out of order"
        assert entry.statement and "\n" not in entry.statement and entry.statement.endswith("."), entry.id
        assert entry.source, entry.id
    assert [q.id for q in REQUIREMENTS] == ["Req-1", "Req-2"]
    assert all(requirement_id(q.id) == q.id and "Annex A" in q.source for q in REQUIREMENTS)
    assert {r.id for r in RULES if r.modelling_decision} >= {"R-CPL-2", "R-DEV-5", "R-DEV-6"}


def test_rules_are_found_by_id_and_by_section():
    assert rule("R-VER-2").section == "5. Firmware processing (the heart of MP105)"
    with pytest.raises(KeyError):
        rule("R-VER-99")
    assert [r.id for r in rules_in("4")] == ["R-CPL-1", "R-CPL-2", "R-CPL-3"]
    assert rules_in("6. Devices") == rules_in("6")
