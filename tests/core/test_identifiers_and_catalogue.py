"""Edges of the model: identifiers, enums, the SR catalogue against the DCC request matrix."""
import json
from pathlib import Path

import pytest

from dsp import CATALOGUE, DeviceStatus, DomainError, RuleSet, UserRole, definition, eui64, firmware_version
from dsp.vocabulary import DeviceType

MATRIX = Path(__file__).resolve().parents[3] / "shared" / "duis" / "reference_tables" / "duis-request-matrix.json"


def test_eui64_is_canonicalised_from_dashed_or_bare_hex():
    assert eui64("00db1234567890a0") == "00-DB-12-34-56-78-90-A0"
    assert eui64(" 00-db-12-34-56-78-90-a0 ") == "00-DB-12-34-56-78-90-A0"


@pytest.mark.parametrize("bad", ["", "00-DB-12", "00-DB-12-34-56-78-90-ZZ", "00-DB-12-34-56-78-90-A0-01", None])
def test_malformed_eui64_is_a_domain_error(bad):
    with pytest.raises(DomainError, match="malformed EUI-64"):
        eui64(bad)


@pytest.mark.parametrize("bad", ["0100AAA", "0100AAAAA", "0100AAAG", ""])
def test_malformed_firmware_version_is_a_domain_error(bad):
    with pytest.raises(DomainError, match="malformed firmware version"):
        firmware_version(bad)


def test_firmware_version_is_upper_case():
    assert firmware_version("0100aaaa") == "0100AAAA"


@pytest.mark.parametrize(
    "enum,text,error",
    [
        (UserRole, "XX", "unknown user role 'XX'"),
        (DeviceStatus, "Sleeping", "unknown device status 'Sleeping'"),
        (RuleSet, "mp999", "unknown rule set 'mp999': expected one of legacy, mp105-option1, mp105"),
        (DeviceType, "IHD", "unknown device type 'IHD'"),
    ],
)
def test_unknown_values_name_what_is_accepted(enum, text, error):
    with pytest.raises(DomainError, match=error):
        enum.parse(text)


def test_unknown_srv_names_the_catalogue():
    with pytest.raises(DomainError, match="the catalogue serves 11.1, 11.2, 11.3"):
        definition("4.1.1")


def test_catalogue_agrees_with_the_dcc_request_matrix():
    rows = {r["Service Reference Variant"]: r for r in json.loads(MATRIX.read_text())}
    for srv, entry in CATALOGUE.items():
        row = rows[srv]
        assert entry.critical == (row["Critical"] == "Yes"), srv
        assert entry.non_device == (row["Non-Device Request"] == "Yes"), srv
        assert {r.value for r in entry.roles} == set(row["Eligible User Roles"]), srv
