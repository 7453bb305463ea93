"""Throwaway SMKI-shaped keys and certificates, made at test time (the project holds no keys).

Like the ZAZ1 test PKI DCC Boxed uses: an issuer "OU=07, CN=Z1" signs Organisation Certificates whose
subject carries the party's Remote Party Role code in OU and its EUI-64 as x500UniqueIdentifier (a BIT
STRING), P-256 keys, Key Usage digitalSignature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime(2118, 1, 1, tzinfo=UTC)
XML_SIGN_ROLE, SUPPLIER_ROLE = "87", "02"


@dataclass(frozen=True)
class Party:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    def key_pem(self) -> bytes:
        return self.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())

    def key_der(self) -> bytes:
        return self.key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())

    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(Encoding.PEM)

    def cert_der(self) -> bytes:
        return self.certificate.public_bytes(Encoding.DER)


@cache
def issuer_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


ISSUER = x509.Name([x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "07"), x509.NameAttribute(NameOID.COMMON_NAME, "Z1")])


def make_party(
    eui: str,
    role: str = XML_SIGN_ROLE,
    *,
    serial: int | None = None,
    not_before: datetime = NOT_BEFORE,
    not_after: datetime = NOT_AFTER,
    curve: ec.EllipticCurve | None = None,
    digital_signature: bool = True,
) -> Party:
    """A key and an Organisation Certificate for ``eui`` in ``role``, issued by the test "Z1"."""
    key = ec.generate_private_key(curve or ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
            x509.NameAttribute(
                NameOID.X500_UNIQUE_IDENTIFIER, b"\x00" + bytes.fromhex(eui.replace("-", "")), _ASN1Type.BitString
            ),
        ]
    )
    usage = x509.KeyUsage(digital_signature, False, False, False, not digital_signature, False, False, False, False)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ISSUER)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(usage, critical=True)
        .sign(issuer_key(), hashes.SHA256())
    )
    return Party(key, certificate)


def moment() -> datetime:
    """A verification time inside every default certificate's validity."""
    return NOT_BEFORE + timedelta(days=3650)
