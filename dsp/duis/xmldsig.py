"""XML signatures of DUIS messages (XMLDSig), made and checked as DCC Boxed's signing tool
(``dccboxed-signing-tool``, wrapped by the npm package ``@smartdcc/duis-sign-wrap``) makes and checks
them, with signxml and cryptography:

- one enveloped ``ds:Signature``, the last child of the root; ``Reference URI=""`` whose only transform
  is enveloped-signature; exclusive c14n (``xml-exc-c14n#``); ECDSA P-256 with SHA-256
  (``xmldsig-more#ecdsa-sha256``, r || s); SHA-256 digest (``xmlenc#sha256``);
- ``ds:KeyInfo/ds:X509Data/ds:X509IssuerSerial``: the issuer as RFC 2253 ("CN=Z1,OU=07"), the serial
  in decimal; no certificate in the message: the receiver holds the sender's certificate.

DCC Boxed parses every message with schema validation, which drops whitespace between elements, before
it signs or checks: so the signed bytes never contain it. Both functions here do the same, so a message
indented after signing still verifies (as with DCC Boxed) and what :func:`sign_message` emits passes
DCC Boxed's validator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_private_key, load_pem_private_key
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature

from dsp.duis.errors import DuisError
from dsp.duis.gbcs_build import eui64_bytes
from dsp.duis.safe_xml import DEFAULT_MAX_BYTES, parse_xml
from dsp.duis.trust import TrustStore, load_certificates, subject_eui

__all__ = [
    "DS_NS",
    "SignatureFailure",
    "SignatureRefused",
    "SigningIdentity",
    "sign_message",
    "verify_message",
]

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
_DS = {"ds": DS_NS}
_CONFIG = SignatureConfiguration(
    require_x509=True,
    location="./",  # a child of the root: the DUIS Request's (and Response's) own ds:Signature
    expect_references=1,
    signature_methods=frozenset({SignatureMethod.ECDSA_SHA256}),
    digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    # XMLDSig: a Reference whose transforms end in a node-set (here: enveloped-signature only) is
    # digested as inclusive Canonical XML 1.0, as Java's XMLDSig (DCC Boxed) does
    default_reference_c14n_method=CanonicalizationMethod.CANONICAL_XML_1_0,
)


class _DuisSigner(XMLSigner):
    """signxml's enveloped signer, with DCC Boxed's Reference: the enveloped-signature transform alone,
    so its digest is over inclusive Canonical XML 1.0 (the XMLDSig default), while SignedInfo is
    canonicalised with exclusive c14n. (signxml otherwise digests the Reference with the SignedInfo
    method without saying so in a Transform.)"""

    def _unpack(self, data, references):  # type: ignore[no-untyped-def]
        sig_root, doc_root, c14n_inputs, found = super()._unpack(data, references)
        inclusive = CanonicalizationMethod.CANONICAL_XML_1_0
        return sig_root, doc_root, c14n_inputs, [replace(r, c14n_method=inclusive) for r in found]


class SignatureFailure(Enum):
    """Why a message's XML signature was refused."""

    MISSING = "no ds:Signature"
    MALFORMED = "malformed ds:Signature"
    UNKNOWN_CERTIFICATE = "signed with a certificate that is not trusted"
    CERTIFICATE_NOT_VALID = "signed with a certificate that is not valid at that time"
    NOT_THE_ORIGINATOR = "signed with a certificate of another party than the originator"
    INVALID = "signature does not verify"


class SignatureRefused(DuisError):
    """A message whose XML signature does not pass; ``failure`` says which check failed."""

    def __init__(self, source: str, failure: SignatureFailure, detail: str = "") -> None:
        self.failure = failure
        super().__init__(f"{source}: {failure.value}" + (f" ({detail})" if detail else ""))


@dataclass(frozen=True)
class SigningIdentity:
    """A private key (EC P-256) and the certificate that names it."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @classmethod
    def from_bytes(cls, key: bytes, certificate: bytes, *, key_source: str, certificate_source: str) -> SigningIdentity:
        """Load a PKCS#8 (or SEC1) key, PEM or DER, and its certificate; both must belong together."""
        try:
            loaded = load_pem_private_key(key, None) if b"-----BEGIN" in key else load_der_private_key(key, None)
        except (ValueError, TypeError) as err:
            raise DuisError(f"{key_source}: not an unencrypted private key (PKCS#8, PEM or DER): {err}") from None
        if not isinstance(loaded, ec.EllipticCurvePrivateKey) or not isinstance(loaded.curve, ec.SECP256R1):
            raise DuisError(f"{key_source}: DUIS signing keys are EC P-256 (prime256v1)")
        certificates = load_certificates(certificate, certificate_source)
        if len(certificates) != 1:
            raise DuisError(f"{certificate_source}: expected one certificate, found {len(certificates)}")
        if certificates[0].public_key() != loaded.public_key():
            raise DuisError(f"{certificate_source}: its public key is not the one of {key_source}")
        return cls(loaded, certificates[0])


def sign_message(xml: bytes, identity: SigningIdentity, *, source: str = "<DUIS message>") -> bytes:
    """``xml`` with its root's ``ds:Signature`` made by ``identity``, as DCC Boxed's signing tool makes
    it; an existing root-level ``ds:Signature`` (a placeholder) is replaced, nested ones are kept."""
    root = _parse(xml, source, DEFAULT_MAX_BYTES)
    for old in root.findall("ds:Signature", _DS):
        root.remove(old)
    _drop_ignorable_whitespace(root)
    signer = _DuisSigner(
        signature_algorithm=SignatureMethod.ECDSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(root, key=identity.key, key_info=_key_info(identity.certificate), exclude_c14n_transform_element=True)
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def verify_message(
    xml: bytes,
    trust: TrustStore,
    *,
    at: datetime,
    originator: str | None = None,
    source: str = "<DUIS message>",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> x509.Certificate:
    """Check the root's ``ds:Signature`` of ``xml`` against the trusted certificate its
    ``X509IssuerSerial`` names, valid at ``at``; with ``originator`` (an EUI-64), that certificate must
    be the originator's. Return the certificate; raise :class:`SignatureRefused` saying why not (and
    :class:`DuisError` for XML that is not safe to read)."""
    root = _parse(xml, source, max_bytes)
    signatures = root.findall("ds:Signature", _DS)
    if not signatures:
        raise SignatureRefused(source, SignatureFailure.MISSING)
    if len(signatures) > 1:
        raise SignatureRefused(source, SignatureFailure.MALFORMED, f"{len(signatures)} signatures on the root")
    certificate = _named_certificate(signatures[0], trust, source)
    if originator is not None and subject_eui(certificate) != eui64_bytes(originator):
        raise SignatureRefused(source, SignatureFailure.NOT_THE_ORIGINATOR, f"originator {originator}")
    references = signatures[0].findall("ds:SignedInfo/ds:Reference", _DS)
    if len(references) != 1 or references[0].get("URI") != "":
        raise SignatureRefused(source, SignatureFailure.MALFORMED, 'expected one Reference with URI=""')
    _drop_ignorable_whitespace(root)
    if at.tzinfo is None:
        raise DuisError("verify_message: the verification time has no time zone")
    config = replace(_CONFIG, verification_time=at)
    try:
        XMLVerifier().verify(root, x509_cert=certificate, expect_config=config)
    except InvalidCertificate as err:
        raise SignatureRefused(source, SignatureFailure.CERTIFICATE_NOT_VALID, str(err)) from None
    except (InvalidSignature, InvalidDigest) as err:
        raise SignatureRefused(source, SignatureFailure.INVALID, str(err)) from None
    except (InvalidInput, ValueError, etree.DocumentInvalid) as err:
        raise SignatureRefused(source, SignatureFailure.MALFORMED, str(err)) from None
    return certificate


# --- helpers ----------------------------------------------------------------------------------------


def _parse(xml: bytes, source: str, max_bytes: int) -> etree._Element:
    parse_xml(xml, source=source, max_bytes=max_bytes)  # the house gate: size, no DTD, no entities
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as err:
        raise DuisError(f"{source}: malformed XML ({err})") from None



def _drop_ignorable_whitespace(root: etree._Element) -> None:
    """Remove whitespace-only text between elements, as a schema-validating parser does for
    element-only content (DUIS has no mixed content); the text of leaf elements is kept."""
    for element in root.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element is not root and element.tail is not None and not element.tail.strip():
            element.tail = None


def _named_certificate(signature: etree._Element, trust: TrustStore, source: str) -> x509.Certificate:
    serials = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509IssuerSerial", _DS)
    if len(serials) != 1:
        raise SignatureRefused(source, SignatureFailure.MALFORMED, "expected one KeyInfo/X509Data/X509IssuerSerial")
    issuer = (serials[0].findtext("ds:X509IssuerName", None, _DS) or "").strip()
    serial_text = (serials[0].findtext("ds:X509SerialNumber", None, _DS) or "").strip()
    if not issuer or not serial_text.isdigit():
        raise SignatureRefused(source, SignatureFailure.MALFORMED, "X509IssuerName or X509SerialNumber missing")
    certificate = trust.by_issuer_serial(issuer, int(serial_text))
    if certificate is None:
        raise SignatureRefused(source, SignatureFailure.UNKNOWN_CERTIFICATE, f"issuer {issuer!r}, serial {serial_text}")
    return certificate


def _key_info(certificate: x509.Certificate) -> etree._Element:
    key_info = etree.Element(f"{{{DS_NS}}}KeyInfo", nsmap={"ds": DS_NS})
    issuer_serial = etree.SubElement(etree.SubElement(key_info, f"{{{DS_NS}}}X509Data"), f"{{{DS_NS}}}X509IssuerSerial")
    etree.SubElement(issuer_serial, f"{{{DS_NS}}}X509IssuerName").text = certificate.issuer.rfc4514_string()
    etree.SubElement(issuer_serial, f"{{{DS_NS}}}X509SerialNumber").text = str(certificate.serial_number)
    return key_info
