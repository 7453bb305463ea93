"""Every rule of RULES.md §3-6 is named by a unit test and implemented (named in a comment) in the core."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT.parent / "shared" / "domain" / "RULES.md"


def rule_ids(sections=("3", "4", "5", "6")) -> list[str]:
    text = RULES.read_text()
    found = []
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        if section.split(".")[0].strip() in sections:
            found += re.findall(r"^\| (R-[A-Z0-9]+-\d+) \|", section, flags=re.M)
    return found


def named_in(folder: str) -> str:
    return "\n".join(p.read_text() for p in (ROOT / folder).rglob("*.py"))


def test_rulebook_sections_3_to_6_are_read():
    assert len(rule_ids()) >= 25 and "R-VER-2" in rule_ids()


def test_every_rule_is_named_by_a_unit_test():
    tests = named_in("tests/core")
    missing = [r for r in rule_ids() if not re.search(rf"\b{r}\b", tests)]
    assert not missing, f"rules with no unit test naming them: {missing}"


def test_every_rule_is_named_in_the_code_that_implements_it():
    code = named_in("dsp") + named_in("devices") + named_in("harness")
    missing = [r for r in rule_ids() if not re.search(rf"\b{r}\b", code)]
    assert not missing, f"rules no code names: {missing}"
