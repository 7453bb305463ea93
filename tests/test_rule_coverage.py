"""Every rule of the catalogue's sections 3-6 (dsp/rule_catalogue.py) is named by a unit test and implemented
(named in a comment) in the code."""
import re
from pathlib import Path

from dsp.rule_catalogue import rules_in

ROOT = Path(__file__).resolve().parents[1]


def rule_ids(sections=("3", "4", "5", "6")) -> list[str]:
    """The IDs of the catalogue's rules in those sections (3 authorisation ... 6 devices), in order."""
    return [rule.id for rule in rules_in(*sections)]


CATALOGUE = ROOT / "dsp" / "rule_catalogue.py"  # names every rule, implements none


def named_in(folder: str) -> str:
    return "\n".join(p.read_text() for p in (ROOT / folder).rglob("*.py") if p != CATALOGUE)


def test_the_catalogue_holds_the_rules_of_sections_3_to_6():
    assert len(rule_ids()) >= 25 and "R-VER-2" in rule_ids()


def test_every_rule_is_named_by_a_unit_test():
    tests = named_in("tests/core")
    missing = [r for r in rule_ids() if not re.search(rf"\b{r}\b", tests)]
    assert not missing, f"rules with no unit test naming them: {missing}"


def test_every_rule_is_named_in_the_code_that_implements_it():
    code = named_in("dsp") + named_in("devices") + named_in("harness")
    missing = [r for r in rule_ids() if not re.search(rf"\b{r}\b", code)]
    assert not missing, f"rules no code names: {missing}"
