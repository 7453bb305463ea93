"""`sm-harness duis` given a file over the 16 MiB limit of a DUIS message: one line, exit code 2."""
from __future__ import annotations

from harness.cli import duis
from tests.cli.conftest import one_line_error


def test_parse_of_a_file_over_16_mib_is_one_line_without_reading_it(tmp_path, capsys):
    """`duis parse` of a file over 16 MiB: a traceback, exit 1."""
    big = tmp_path / "big.xml"
    with open(big, "wb") as file:
        file.truncate(duis.MAX_FILE_BYTES + 1)  # sparse: the limit is checked before anything is read
    error = one_line_error(capsys, ["duis", "parse", str(big)])
    assert error == f"sm-harness: error: {big}: the file is 16,777,217 bytes, over the 16,777,216-byte (16 MiB) limit of a DUIS message"


def test_parse_of_a_file_that_cannot_be_read_is_one_line(tmp_path, capsys):
    assert one_line_error(capsys, ["duis", "parse", str(tmp_path / "absent.xml")]).endswith("absent.xml: cannot read the file: No such file or directory")
