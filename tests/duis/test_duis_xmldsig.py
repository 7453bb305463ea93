"""XML signatures of DUIS messages, made and checked the way DCC Boxed's signing tool does: one
enveloped ds:Signature on the root, exclusive c14n, ECDSA P-256 / SHA-256, KeyInfo X509IssuerSerial.
Keys and certificates are made at test time (tests/duis/smki_fixtures.py)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner

from dsp.duis.errors import DuisError
from dsp.duis.schema import validate
from dsp.duis.trust import TrustStore
from dsp.identities import DCC_ACCESS_CONTROL_BROKER, RTDS_NETWORK_OPERATOR, RTDS_SUPPLIER
from dsp.duis.xmldsig import DS_NS, SignatureFailure, SignatureRefused, SigningIdentity, sign_message, verify_message
from dsp.duis.xmldsig import _key_info  # the KeyInfo DCC Boxed writes, reused for signxml's own signatures
from tests.duis.duis_fixtures import XSD_DIR, XXE, request
from tests.duis.smki_fixtures import Party, make_party, moment

USER = RTDS_SUPPLIER
TEMPLATE = "CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"
DS = {"ds": DS_NS}


@pytest.fixture(scope="module")
def user() -> Party:
    return make_party(USER)


def identity(party: Party) -> SigningIdentity:
    return SigningIdentity(party.key, party.certificate)


def trusting(*parties: Party) -> TrustStore:
    return TrustStore(tuple(p.certificate for p in parties))


def plain_signxml_signature(root: etree._Element, party: Party) -> bytes:
    """signxml's own enveloped signature (it names its exclusive c14n transform), made on ``root`` as is."""
    for old in root.findall("ds:Signature", DS):
        root.remove(old)
    signer = XMLSigner(
        signature_algorithm=SignatureMethod.ECDSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    return bytes(etree.tostring(signer.sign(root, key=party.key, key_info=_key_info(party.certificate))))


def refusal(xml: bytes, trust: TrustStore, **options: object) -> SignatureFailure:
    with pytest.raises(SignatureRefused) as caught:
        verify_message(xml, trust, at=moment(), **options)  # type: ignore[arg-type]
    return caught.value.failure


def test_a_request_signed_by_the_user_verifies_against_the_users_certificate(user: Party) -> None:
    signed = sign_message(request(TEMPLATE), identity(user))
    assert verify_message(signed, trusting(user), at=moment(), originator=USER) == user.certificate


def test_the_signature_has_the_shape_dcc_boxed_makes(user: Party) -> None:
    root = etree.fromstring(sign_message(request(TEMPLATE), identity(user)))
    (signature,) = root.findall("ds:Signature", DS)  # the template's placeholder is replaced
    assert root[-1] is signature
    algorithm = lambda path: [e.get("Algorithm") for e in signature.iterfind(path, DS)]  # noqa: E731
    assert algorithm("ds:SignedInfo/ds:CanonicalizationMethod") == ["http://www.w3.org/2001/10/xml-exc-c14n#"]
    assert algorithm("ds:SignedInfo/ds:SignatureMethod") == ["http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"]
    assert [r.get("URI") for r in signature.iterfind("ds:SignedInfo/ds:Reference", DS)] == [""]
    assert algorithm("ds:SignedInfo/ds:Reference/ds:Transforms/ds:Transform") == [
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    ]
    assert algorithm("ds:SignedInfo/ds:Reference/ds:DigestMethod") == ["http://www.w3.org/2001/04/xmlenc#sha256"]
    serial = signature.find("ds:KeyInfo/ds:X509Data/ds:X509IssuerSerial", DS)
    assert serial is not None and [child.text for child in serial] == ["CN=Z1,OU=07", str(user.certificate.serial_number)]
    assert all(not (e.tail or "").strip() and (len(e) == 0 or not (e.text or "").strip()) for e in root.iter())
    assert all(e.tail is None for e in root.iter() if e is not root)  # no whitespace between elements


def test_the_reference_digest_is_over_inclusive_c14n_as_java_xmldsig_computes_it(user: Party) -> None:
    # the template's root declares ds and xsi, unused there: inclusive and exclusive c14n differ
    root = etree.fromstring(sign_message(request(TEMPLATE), identity(user)))
    signature = root.find("ds:Signature", DS)
    assert signature is not None
    digest = base64.b64decode(signature.findtext("ds:SignedInfo/ds:Reference/ds:DigestValue", None, DS) or "")
    root.remove(signature)
    assert b'xmlns:xsi=' in etree.tostring(root, method="c14n")
    assert digest == hashlib.sha256(etree.tostring(root, method="c14n")).digest()
    assert digest != hashlib.sha256(etree.tostring(root, method="c14n", exclusive=True)).digest()


def test_a_signature_that_names_its_exclusive_c14n_transform_verifies_too(user: Party) -> None:
    root = etree.fromstring(request(TEMPLATE), etree.XMLParser(remove_blank_text=True))  # signed compact
    signed = plain_signxml_signature(root, user)
    assert verify_message(signed, trusting(user), at=moment()) == user.certificate


def test_a_signed_request_is_still_a_valid_duis_request(user: Party) -> None:
    assert validate(sign_message(request(TEMPLATE), identity(user)), XSD_DIR) == []


def test_a_request_altered_after_signing_is_refused(user: Party) -> None:
    signed = sign_message(request(TEMPLATE), identity(user))
    altered = signed.replace(b"AA758690730934FF", b"BB758690730934FF")
    assert altered != signed
    assert refusal(altered, trusting(user)) is SignatureFailure.INVALID


def test_a_request_signed_with_an_unknown_key_is_refused(user: Party) -> None:
    stranger = make_party(USER)
    assert refusal(sign_message(request(TEMPLATE), identity(stranger)), trusting(user)) is SignatureFailure.UNKNOWN_CERTIFICATE


def test_a_key_that_names_a_trusted_certificate_it_does_not_own_is_refused(user: Party) -> None:
    impostor = SigningIdentity(ec.generate_private_key(ec.SECP256R1()), user.certificate)
    assert refusal(sign_message(request(TEMPLATE), impostor), trusting(user)) is SignatureFailure.INVALID


def test_whitespace_added_between_elements_after_signing_does_not_matter_as_for_dcc_boxed(user: Party) -> None:
    root = etree.fromstring(sign_message(request(TEMPLATE), identity(user)))
    etree.indent(root, "    ")
    assert verify_message(etree.tostring(root), trusting(user), at=moment()) == user.certificate


def test_whitespace_signed_into_a_message_fails_as_with_dcc_boxed(user: Party) -> None:
    root = etree.fromstring(request(TEMPLATE))  # indented: the whitespace goes into the digest
    signed = plain_signxml_signature(root, user)
    assert refusal(signed, trusting(user)) is SignatureFailure.INVALID


def test_the_rtds_templates_placeholder_signature_names_no_trusted_certificate(user: Party) -> None:
    assert refusal(request(TEMPLATE), trusting(user)) is SignatureFailure.UNKNOWN_CERTIFICATE


def test_an_unsigned_request_is_refused_as_unsigned(user: Party) -> None:
    root = etree.fromstring(request(TEMPLATE))
    for signature in root.findall("ds:Signature", DS):
        root.remove(signature)
    assert refusal(etree.tostring(root), trusting(user)) is SignatureFailure.MISSING


def test_a_certificate_outside_its_validity_is_refused(user: Party) -> None:
    expired = make_party(USER, not_before=datetime(2015, 1, 1, tzinfo=UTC), not_after=datetime(2016, 1, 1, tzinfo=UTC))
    signed = sign_message(request(TEMPLATE), identity(expired))
    assert refusal(signed, trusting(expired)) is SignatureFailure.CERTIFICATE_NOT_VALID
    assert verify_message(signed, trusting(expired), at=datetime(2015, 6, 1, tzinfo=UTC)) == expired.certificate


def test_a_request_signed_by_another_party_than_its_originator_is_refused(user: Party) -> None:
    network_operator = make_party(RTDS_NETWORK_OPERATOR)
    signed = sign_message(request(TEMPLATE), identity(network_operator))
    trust = trusting(user, network_operator)
    assert verify_message(signed, trust, at=moment()) == network_operator.certificate
    assert refusal(signed, trust, originator=USER) is SignatureFailure.NOT_THE_ORIGINATOR


def test_two_signatures_on_the_root_are_refused(user: Party) -> None:
    signed = etree.fromstring(sign_message(request(TEMPLATE), identity(user)))
    signed.append(etree.fromstring(etree.tostring(signed.find("ds:Signature", DS))))
    assert refusal(etree.tostring(signed), trusting(user)) is SignatureFailure.MALFORMED


def test_unsafe_xml_is_refused_before_any_signature_work(user: Party) -> None:
    with pytest.raises(DuisError, match="DOCTYPE"):
        verify_message(XXE.read_bytes(), trusting(user), at=moment())
    with pytest.raises(DuisError, match="DOCTYPE"):
        sign_message(XXE.read_bytes(), identity(user))


def test_signing_a_smets1_response_keeps_the_inner_signature() -> None:
    dsp = make_party(DCC_ACCESS_CONTROL_BROKER, role="89")
    inner = (
        f'<ds:Signature xmlns:ds="{DS_NS}"><ds:SignedInfo/></ds:Signature>'  # shape does not matter here
    )
    xml = (
        '<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4">'
        f"<sr:Body><sr:SMETS1ResponseMessage><sr:SMETS1SignedResponse>{inner}</sr:SMETS1SignedResponse>"
        f"</sr:SMETS1ResponseMessage></sr:Body>{inner}</sr:Response>"
    ).encode()
    root = etree.fromstring(sign_message(xml, identity(dsp)))
    assert len(root.findall(".//ds:Signature", DS)) == 2
    assert root.find("sr:Body//ds:Signature", {**DS, "sr": "http://www.dccinterface.co.uk/ServiceUserGateway"}) is not None
    assert verify_message(etree.tostring(root), trusting(dsp), at=moment()) == dsp.certificate


@pytest.mark.parametrize("encoding", ["pem", "der"])
def test_a_signing_identity_loads_from_pkcs8_pem_or_der(user: Party, encoding: str) -> None:
    key = user.key_pem() if encoding == "pem" else user.key_der()
    cert = user.cert_pem() if encoding == "pem" else user.cert_der()
    loaded = SigningIdentity.from_bytes(key, cert, key_source="user.key", certificate_source="user.pem")
    assert loaded.certificate == user.certificate


def test_a_key_and_a_certificate_that_do_not_belong_together_are_refused(user: Party) -> None:
    other = make_party(USER)
    with pytest.raises(DuisError, match="user.pem: its public key is not the one of user.key"):
        SigningIdentity.from_bytes(other.key_pem(), user.cert_pem(), key_source="user.key", certificate_source="user.pem")


def test_keys_that_are_not_p256_or_not_keys_are_refused(user: Party) -> None:
    p384 = make_party(USER, curve=ec.SECP384R1())
    with pytest.raises(DuisError, match="P-256"):
        SigningIdentity.from_bytes(p384.key_pem(), p384.cert_pem(), key_source="k", certificate_source="c")
    with pytest.raises(DuisError, match="k: not an unencrypted private key"):
        SigningIdentity.from_bytes(b"hello", user.cert_pem(), key_source="k", certificate_source="c")
    with pytest.raises(DuisError, match="c: not an X.509 certificate"):
        SigningIdentity.from_bytes(user.key_pem(), b"hello", key_source="k", certificate_source="c")


def test_a_verification_time_without_a_zone_is_refused(user: Party) -> None:
    with pytest.raises(DuisError, match="time zone"):
        verify_message(sign_message(request(TEMPLATE), identity(user)), trusting(user), at=datetime(2030, 1, 1))
