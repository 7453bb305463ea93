"""The trust store: Users' certificates found by the X509IssuerSerial a signature names, and a User's
GBCS signing keys found by the EUI-64 a Signed Pre-Command's originator carries."""

from __future__ import annotations

import pytest

from dsp.duis.errors import DuisError
from dsp.duis.gbcs_precommand import build_precommand, sign_precommand, verify_gbcs_signature
from dsp.duis.bodies import ActivateFirmware
from dsp.identities import RTDS_NETWORK_OPERATOR, RTDS_SUPPLIER
from dsp.duis.trust import TrustStore, load_certificates, normalise_name, subject_eui
from tests.duis.smki_fixtures import SUPPLIER_ROLE, XML_SIGN_ROLE, make_party

USER, OPERATOR = RTDS_SUPPLIER, RTDS_NETWORK_OPERATOR


@pytest.mark.parametrize(
    "written", ["CN=Z1,OU=07", "CN=Z1, OU=07", "cn=z1 , ou=07", "2.5.4.3=Z1,OID.2.5.4.11=07", 'CN="Z1",OU=07']
)
def test_issuer_names_compare_as_dcc_boxed_and_the_rtds_templates_write_them(written: str) -> None:
    assert normalise_name(written) == normalise_name("CN=Z1,OU=07")


def test_issuer_names_that_differ_do_not_compare_equal() -> None:
    assert normalise_name("CN=Z1,OU=07") != normalise_name("OU=07,CN=Z1")  # RDN order matters
    assert normalise_name("CN=Z1,OU=07") != normalise_name("CN=Z2,OU=07")
    assert normalise_name(r"CN=a\,b") == (("2.5.4.3", "a,b"),)
    with pytest.raises(DuisError, match="not type=value"):
        normalise_name("Z1")


def test_a_certificate_is_found_by_issuer_and_serial_only() -> None:
    party = make_party(USER, serial=1234567890)
    store = TrustStore.from_files([("user.pem", party.cert_pem())])
    assert store.by_issuer_serial("CN=Z1, OU=07", 1234567890) == party.certificate
    assert store.by_issuer_serial("CN=U1, OU=07", 1234567890) is None  # the RTDS templates' issuer
    assert store.by_issuer_serial("CN=Z1,OU=07", 1234567891) is None


def test_certificates_load_from_pem_bundles_and_der() -> None:
    a, b, c = (make_party(USER) for _ in range(3))
    store = TrustStore.from_files([("bundle.pem", a.cert_pem() + b"\n" + b.cert_pem()), ("c.der", c.cert_der())])
    assert len(store) == 3 and set(store.certificates) == {a.certificate, b.certificate, c.certificate}
    with pytest.raises(DuisError, match="notes.txt: not an X.509 certificate"):
        load_certificates(b"hello", "notes.txt")


def test_the_subject_eui_is_read_from_x500_unique_identifier() -> None:
    assert subject_eui(make_party(USER).certificate) == bytes.fromhex("90B3D51F30010000")


def test_gbcs_signing_keys_are_the_parties_digital_signing_keys_but_not_its_xml_signing_ones() -> None:
    xml_signing = make_party(USER, XML_SIGN_ROLE)
    gbcs_signing = make_party(USER, SUPPLIER_ROLE)
    key_agreement = make_party(USER, SUPPLIER_ROLE, digital_signature=False)
    other = make_party(OPERATOR, "03")
    store = TrustStore(tuple(p.certificate for p in (xml_signing, gbcs_signing, key_agreement, other)))
    assert store.gbcs_signing_keys(USER) == (gbcs_signing.certificate.public_key(),)
    assert store.gbcs_signing_keys("90B3D51F30010000") == store.gbcs_signing_keys(USER)
    assert store.gbcs_signing_keys(OPERATOR) == (other.certificate.public_key(),)
    with pytest.raises(DuisError, match="not an EUI-64"):
        store.gbcs_signing_keys("nobody")


def test_a_signed_pre_command_verifies_with_a_key_the_store_finds_for_its_originator() -> None:
    gbcs_signing = make_party(USER, SUPPLIER_ROLE)
    store = TrustStore((make_party(USER).certificate, gbcs_signing.certificate))
    precommand = build_precommand(ActivateFirmware("AB" * 32), originator=USER, device="00-DB-12-34-56-78-90-A0", counter=9)
    signed = sign_precommand(precommand, gbcs_signing.key)
    assert any(verify_gbcs_signature(signed, key) for key in store.gbcs_signing_keys(USER))
    assert not any(verify_gbcs_signature(signed, key) for key in store.gbcs_signing_keys(OPERATOR))
