"""`sm-harness duis validate` and `sm-harness duis parse` as a user meets them."""

from __future__ import annotations

import json

from harness.cli import main
from tests.duis.duis_fixtures import DUIS, INVALID_REQUESTS, REQUESTS, RESPONSES, XSD_DIR, XXE


def test_validate_exits_0_when_every_file_is_valid(capsys) -> None:
    valid = [str(p) for p in REQUESTS if p not in INVALID_REQUESTS] + [str(p) for p in RESPONSES]
    assert main(["duis", "validate", *valid, "--schema", str(XSD_DIR)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(valid) and all(line.endswith(": valid") for line in out)


def test_validate_exits_1_and_says_why_for_invalid_malformed_and_unsafe_files(capsys, tmp_path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<sr:Request")
    (invalid,) = INVALID_REQUESTS
    files = [str(invalid), str(XXE), str(broken), str(REQUESTS[0])]
    assert main(["duis", "validate", *files, "--schema", str(XSD_DIR)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{invalid}: invalid: /sr:Request/sr:Header: Unexpected child")
    assert out[1] == f"{XXE}: invalid: line 2: DOCTYPE is not allowed in a DUIS message (no DTDs or entities)"
    assert out[2].startswith(f"{broken}: invalid: line 1, column") and "malformed XML" in out[2]
    assert out[3].endswith(": valid")


def test_validate_without_a_schema_exits_2_in_one_line(capsys, monkeypatch) -> None:
    monkeypatch.delenv("SM_HARNESS_DUIS_SCHEMA", raising=False)
    assert main(["duis", "validate", str(REQUESTS[0])]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no DUIS schema given" in err


def test_parse_prints_header_body_kind_and_firmware_version(capsys) -> None:
    response = DUIS / "responses/duis-templates/ECS52_11.2_SUCCESS_RESPONSE_DUIS.XML"
    assert main(["duis", "parse", str(response)]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert (facts["body_kind"], facts["response_code"], facts["firmware_version"]) == ("ResponseMessage", "I0", "00020000")
    assert facts["response_id"] == "BC-33-AC-00-FE-FA-55-3C:90-B3-D5-1F-30-01-00-00:1660286628923"


def test_parse_of_a_request_names_its_srv_and_body(capsys) -> None:
    assert main(["duis", "parse", str(DUIS / "requests/CS06_11.3_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML")]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert (facts["service_reference_variant"], facts["body_kind"], facts["command_variant"]) == ("11.3", "ActivateFirmware", 4)
    assert facts["execution_datetime"] == "2030-01-15T09:00:00+00:00"


def test_parse_refuses_unsafe_xml_in_one_line(capsys) -> None:
    assert main(["duis", "parse", str(XXE)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DOCTYPE is not allowed" in err


def test_a_schema_file_that_is_no_xsd_exits_2_in_one_line(capsys, tmp_path) -> None:
    broken = tmp_path / "broken.xsd"
    broken.write_text("not a schema")
    assert main(["duis", "validate", str(REQUESTS[0]), "--schema", str(broken)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "cannot load DUIS schema" in captured.err
    assert not captured.err.rstrip().endswith(":")


def test_validate_says_why_a_file_cannot_be_read_checks_the_rest_and_exits_2(capsys, tmp_path) -> None:
    missing = tmp_path / "nope.xml"
    assert main(["duis", "validate", str(missing), str(tmp_path), str(REQUESTS[0]), "--schema", str(XSD_DIR)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"sm-harness: error: {missing}: cannot read the file: No such file or directory",
                                         f"sm-harness: error: {tmp_path}: cannot read the file: Is a directory"]
    assert captured.out.splitlines() == [f"{REQUESTS[0]}: valid"]  # the readable file is still checked
