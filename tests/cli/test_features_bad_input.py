"""`sm-harness features` given what a careless user gives it: an empty feature file is an errored file in
the evidence (as a file that does not parse), a huge tag expression is evaluated or refused in one line,
an --out that cannot be written is one line before anything runs."""
from __future__ import annotations

import json
import time

import pytest

from dsp.errors import DomainError
from features.steps.tags import MAX_DEPTH, parse_tag_expression
from harness.cli import main
from tests.cli.conftest import one_line_error
from tests.features.conftest import write_feature
from tests.features.test_cli_features import TESTER_FEATURE


def test_an_empty_feature_file_is_an_errored_file_in_the_evidence(tmp_path, capsys):
    """An empty .feature file gave an INTERNALERROR and no evidence."""
    for name, text in (("empty", ""), ("blank", "\n\n   \n"), ("comment", "# only a comment\n")):
        write_feature(tmp_path, f"{name}.feature", text)
    write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Commissioned"))
    out = tmp_path / "evidence"
    assert main(["features", str(tmp_path), "--out", str(out)]) == 1
    printed = capsys.readouterr()
    assert "INTERNALERROR" not in printed.out + printed.err
    for name in ("empty", "blank", "comment"):
        assert f"{name}.feature:1: the file is empty" in printed.out
    scenarios = json.loads((out / "evidence.json").read_text())["scenarios"]
    assert sorted(s["status"] for s in scenarios) == ["errored", "errored", "errored", "passed"]


def test_a_thousand_term_or_expression_selects_without_recursion(tmp_path, capsys):
    """A 1,000-term `or` tag expression gave a RecursionError."""
    expression = " or ".join(f"@t{i}" for i in range(999)) + " or @Req-1"
    started = time.monotonic()
    predicate = parse_tag_expression(expression)
    assert predicate({"Req-1"}) and not predicate({"t1000"})
    assert parse_tag_expression(" and ".join(f"@t{i}" for i in range(10_000)))({f"t{i}" for i in range(10_000)})
    assert time.monotonic() - started < 1
    write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Commissioned"))
    assert main(["features", str(tmp_path), "--tags", expression]) == 0


def test_nesting_deeper_than_the_limit_is_one_line_and_the_expression_is_shortened(tmp_path, capsys):
    deep = "(" * (MAX_DEPTH + 1) + "@a" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(DomainError, match=f"nested more than {MAX_DEPTH} deep"):
        parse_tag_expression(deep)
    assert parse_tag_expression("not " * (MAX_DEPTH - 1) + "@a")({"b"})  # 99 nots: within the limit, odd: true
    error = one_line_error(capsys, ["features", str(tmp_path), "--tags", "not " * 5000 + "@a"])
    assert len(error) < 250 and "(20002 characters)" in error


def test_out_at_a_file_is_one_line_before_anything_runs(tmp_path, capsys):
    """`features --out` at a file gave a traceback after the run."""
    write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Commissioned"))
    (tmp_path / "a-file").write_text("keep")
    started = time.monotonic()
    error = one_line_error(capsys, ["features", str(tmp_path / "ours.feature"), "--out", str(tmp_path / "a-file")])
    assert "is a file, not a folder" in error and time.monotonic() - started < 2
    assert (tmp_path / "a-file").read_text() == "keep"


def test_out_in_a_read_only_folder_is_one_line(tmp_path, capsys, read_only):
    """`features --out` at a read-only folder gave a traceback."""
    write_feature(tmp_path, "ours.feature", TESTER_FEATURE.format(expected="Commissioned"))
    locked = read_only(tmp_path / "locked")
    for out in (locked, locked / "evidence"):
        assert "cannot write in" in one_line_error(capsys, ["features", str(tmp_path / "ours.feature"), "--out", str(out)])
    assert not any(locked.iterdir())


EMPTY_EXAMPLES = '''Feature: An outline with no rows
  Scenario Outline: each status
    Given these devices are in the inventory:
      | device | type | smets | firmware | status   |
      | E1     | ESME | 2     | 0100AAAA | <status> |
    Then device "E1" has SMI status "<status>"

    Examples:
      | status |
'''


def test_an_examples_table_with_no_rows_is_an_errored_file_with_and_without_out(tmp_path, capsys):
    """It was 1 failed without --out, and with --out exit 3 and no evidence ("no such scenario")."""
    from reports.evidence_pack import verify_pack

    path = write_feature(tmp_path, "empty.feature", EMPTY_EXAMPLES)
    for argv in ([], ["--out", str(tmp_path / "out")]):
        assert main(["features", str(path), *argv]) == 1
        printed = capsys.readouterr().out
        assert "empty.feature:8: the Examples table has no rows" in printed and "ERRORED" in printed
        assert "1 scenario: 1 errored" in printed
    (scenario,) = json.loads((tmp_path / "out" / "evidence.json").read_text())["scenarios"]
    assert scenario["status"] == "errored" and "the Examples table has no rows" in scenario["failure"]
    assert verify_pack(tmp_path / "out") == []
