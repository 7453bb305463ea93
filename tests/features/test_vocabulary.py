"""features/README.md documents every step of the library, and every example it shows is a step."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import features.steps.library  # noqa: F401  (registers the phrases)
from dsp.errors import DomainError
from features.steps.phrases import PHRASES, find
from features.steps.unknown_steps import nearest, unknown_step_message
from features.steps.tags import parse_tag_expression

README = Path(features.steps.library.__file__).resolve().parents[1] / "README.md"
STEP = re.compile(r"^\s*(Given|When|Then|And|But) (.*)$")


def readme_step_lines() -> list[tuple[str, str, int]]:
    """(keyword, text, line) for every step line in the README's gherkin blocks; And/But take the last keyword."""
    found, inside, keyword = [], False, ""
    for number, line in enumerate(README.read_text().splitlines(), 1):
        if line.strip().startswith("```"):
            inside = line.strip() == "```gherkin"
            keyword = ""
            continue
        m = STEP.match(line) if inside else None
        if m:
            if m.group(1) in ("Given", "When", "Then"):
                keyword = m.group(1)
            found.append((keyword, m.group(2), number))
    return found


def test_every_phrase_of_the_library_is_documented_with_its_example():
    text = README.read_text()
    undocumented = [p.documented for p in PHRASES if f"`{p.documented}`" not in text]
    assert not undocumented, f"steps missing from features/README.md: {undocumented}"
    no_example = [p.example for p in PHRASES if p.example not in text]
    assert not no_example, f"examples missing from features/README.md: {no_example}"


def test_every_step_the_readme_shows_is_a_step_of_the_library():
    lines = readme_step_lines()
    assert len(lines) >= len(PHRASES)
    unknown = [f"line {n}: {k} {t}" for k, t, n in lines if find(k, t) is None]
    assert not unknown, f"README examples the library does not know: {unknown}"


def test_every_phrase_has_an_example_in_the_readme_that_it_matches():
    lines = readme_step_lines()
    unmatched = [p.documented for p in PHRASES if not any(p.matches(k, t) for k, t, _ in lines)]
    assert not unmatched


def test_every_phrase_matches_its_own_example_and_no_other_phrase_does():
    for phrase in PHRASES:
        keyword, _, text = phrase.example.partition(" ")
        matching = [p.documented for p in PHRASES if p.matches(keyword, text)]
        assert matching == [phrase.documented], (phrase.example, matching)


def test_the_mandatory_phrasings_of_the_issue_are_all_steps():
    mandatory = '''Given the DSP applies the "mp105" rules
Given the CPL lists these firmware versions:
Given these devices are in the inventory:
Given device "E1" is running firmware "0200BBBB"
Given the next 11.3 response from "E1" is lost
When firmware "0100AAAA" is removed from the CPL for ESME
When the supplier sends SR 11.2 to "E1"
When the supplier sends SR 11.1 to "E1" distributing "0200BBBB"
When the supplier sends SR 11.3 to "E1" activating "0200BBBB"
When the supplier sends SR 11.3 to "E1" activating "0200BBBB" to execute in 2 hours
When the network operator sends SR 11.2 to "E1"
When 3 hours of simulated time pass
Then the response code is "E5"
Then no response is received
Then device "E1" has SMI status "Suspended"
Then device "E1" has SMI firmware "0200BBBB"
Then DCC alert "N29" is sent to the responsible supplier and the network operator of "E1"
Then DCC alert "N50" is sent to the responsible supplier of "E1"
Then no DCC alert "N29" is sent
Then no DCC alerts are sent'''.splitlines()
    for line in mandatory:
        keyword, _, text = line.partition(" ")
        assert find(keyword, text) is not None, line
    for ruleset in ("legacy", "mp105-option1"):
        assert find("Given", f'the DSP applies the "{ruleset}" rules')


def test_an_unknown_step_names_file_line_and_the_nearest_phrasings():
    message = unknown_step_message("my.feature", 12, "then", 'device "E1" has SMI state "Suspended"')
    assert message.startswith('my.feature:12: unknown step "Then device "E1" has SMI state "Suspended""')
    assert '"Then device "E1" has SMI status "Suspended""' in message
    assert "\n" not in message
    assert nearest("when", 'the suplier sends SR 11.2 to "E1"')[0] == 'When the supplier sends SR 11.2 to "E1"'


@pytest.mark.parametrize(
    "expression,tags,expected",
    [
        ("@R-VER-2", {"R-VER-2"}, True),
        ("@R-VER-2", {"R-VER-3"}, False),
        ("@a and not @b", {"a"}, True),
        ("@a and not @b", {"a", "b"}, False),
        ("@a or @b and @c", {"a"}, True),
        ("(@a or @b) and @c", {"a"}, False),
        ("not (@a or @b)", {"c"}, True),
        ("Req-1", {"Req-1"}, True),
    ],
)
def test_tag_expressions(expression, tags, expected):
    assert parse_tag_expression(expression)(tags) is expected


@pytest.mark.parametrize("expression", ["", "@a and", "(@a", "@a @b", "and @a", "@a )"])
def test_malformed_tag_expressions_are_refused_in_one_line(expression):
    with pytest.raises(DomainError):
        parse_tag_expression(expression)
