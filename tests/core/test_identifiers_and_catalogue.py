"""Edges of the model: identifiers, enums, the SRV look-up (the catalogue itself: test_catalogue_matrix.py)."""
import pytest

from dsp import DeviceStatus, DomainError, RuleSet, UserRole, definition, eui64, firmware_version
from dsp.vocabulary import DeviceType


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


def test_unknown_srv_says_it_is_not_in_the_matrix_and_names_the_served_ones():
    with pytest.raises(DomainError, match=r"unknown SRV '99.9': not an SRV of the DUIS request matrix \(the model serves 2.2, 6.23, 8.2, 11.1, 11.2, 11.3, 12.1\)"):
        definition("99.9")
