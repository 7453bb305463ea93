"""The Users' certificates a DSP trusts (SMKI Organisation Certificates), looked up two ways:

- by ``X509IssuerSerial`` (issuer name and serial number), as a DUIS message's ``ds:KeyInfo`` names
  the certificate of the XML signing key that signed it;
- by EUI-64, for the GBCS signature of a Signed Pre-Command, whose originator is the User's EUI-64.

An SMKI certificate's subject carries the party's EUI-64 as ``x500UniqueIdentifier`` (a BIT STRING:
``#030900`` + 8 bytes) and its Remote Party Role code in ``OU``; XML signing certificates have the role
codes 0x87 (a User) and 0x89 (the DSP), and are not GBCS signing keys (DCC's client tooling excludes
role 135 the same way when it picks a key to sign a pre-command).

Pure: the caller reads the files and passes their bytes (PEM, one or more certificates, or DER).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from dsp.duis.errors import DuisError
from dsp.duis.gbcs_build import eui64_bytes

__all__ = ["XML_SIGNING_ROLES", "TrustStore", "load_certificates", "normalise_name", "subject_eui"]

XML_SIGNING_ROLES = frozenset({"87", "89"})  # SMKI Remote Party Role codes of XML signing certificates
_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
# attribute type names in X509IssuerName -> OID (RFC 4514 names, and the ones Java and OpenSSL print)
_ATTRIBUTE_TYPES = {
    "CN": "2.5.4.3",
    "C": "2.5.4.6",
    "L": "2.5.4.7",
    "ST": "2.5.4.8",
    "S": "2.5.4.8",
    "STREET": "2.5.4.9",
    "O": "2.5.4.10",
    "OU": "2.5.4.11",
    "T": "2.5.4.12",
    "TITLE": "2.5.4.12",
    "SERIALNUMBER": "2.5.4.5",
    "X500UNIQUEIDENTIFIER": "2.5.4.45",
    "UID": "0.9.2342.19200300.100.1.1",
    "DC": "0.9.2342.19200300.100.1.25",
    "E": "1.2.840.113549.1.9.1",
    "EMAILADDRESS": "1.2.840.113549.1.9.1",
}


def load_certificates(data: bytes, source: str) -> list[x509.Certificate]:
    """The certificates in ``data``: every PEM block in it, or else one DER certificate."""
    blocks = _PEM.findall(data)
    try:
        if blocks:
            return [x509.load_pem_x509_certificate(block) for block in blocks]
        return [x509.load_der_x509_certificate(data)]
    except ValueError as err:
        raise DuisError(f"{source}: not an X.509 certificate (PEM or DER): {err}") from None


def normalise_name(name: str) -> tuple[tuple[str, str], ...]:
    """An RFC 2253 / 4514 distinguished name as comparable attributes: attribute types as OIDs, spaces
    around separators ignored, values compared without regard to case ("CN=U1, OU=07" = "cn=u1,OU=07")."""
    parts: list[tuple[str, str]] = []
    for attribute in _split_unescaped(name):
        kind, sep, value = attribute.partition("=")
        if not sep:
            raise DuisError(f"X509IssuerName {name!r}: {attribute.strip()!r} is not type=value")
        key = kind.strip().upper()
        if key.startswith("OID."):
            key = key[4:]
        parts.append((_ATTRIBUTE_TYPES.get(key, key), _unescape(value.strip()).casefold()))
    return tuple(parts)


@dataclass(frozen=True)
class TrustStore:
    """Certificates keyed by (issuer name, serial number) and by subject EUI-64."""

    certificates: tuple[x509.Certificate, ...] = ()
    _by_issuer_serial: dict[tuple[tuple[tuple[str, str], ...], int], x509.Certificate] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for certificate in self.certificates:
            key = (normalise_name(certificate.issuer.rfc4514_string()), certificate.serial_number)
            self._by_issuer_serial.setdefault(key, certificate)

    @classmethod
    def from_files(cls, files: Iterable[tuple[str, bytes]]) -> TrustStore:
        """A store of every certificate in ``files``: (name for errors, bytes) pairs."""
        return cls(tuple(c for name, data in files for c in load_certificates(data, name)))

    def __len__(self) -> int:
        return len(self.certificates)

    def by_issuer_serial(self, issuer_name: str, serial_number: int) -> x509.Certificate | None:
        """The certificate a ``ds:X509IssuerSerial`` names, if trusted."""
        return self._by_issuer_serial.get((normalise_name(issuer_name), serial_number))

    def gbcs_signing_keys(self, eui: str) -> tuple[ec.EllipticCurvePublicKey, ...]:
        """The P-256 public keys of the Digital Signing certificates of the party ``eui`` (an EUI-64,
        dashes optional) that are not XML signing certificates."""
        wanted = eui64_bytes(eui)
        keys: list[ec.EllipticCurvePublicKey] = []
        for certificate in self.certificates:
            key = certificate.public_key()
            if (
                subject_eui(certificate) == wanted
                and _digital_signing(certificate)
                and not XML_SIGNING_ROLES.intersection(_roles(certificate))
                and isinstance(key, ec.EllipticCurvePublicKey)
                and isinstance(key.curve, ec.SECP256R1)
            ):
                keys.append(key)
        return tuple(keys)


def subject_eui(certificate: x509.Certificate) -> bytes | None:
    """The 8-byte EUI-64 in the subject's x500UniqueIdentifier, if it has one."""
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.X500_UNIQUE_IDENTIFIER):
        value = attribute.value
        raw = value if isinstance(value, bytes) else value.encode("latin-1", "replace")
        if len(raw) == 9 and raw[0] == 0:  # BIT STRING: the unused-bits byte, then the EUI-64
            return raw[1:]
        if len(raw) == 8:
            return raw
    return None


def _roles(certificate: x509.Certificate) -> list[str]:
    return [str(a.value).strip().upper() for a in certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]


def _digital_signing(certificate: x509.Certificate) -> bool:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return bool(usage.digital_signature)



def _split_unescaped(name: str) -> list[str]:
    parts, current, escaped = [], [], False
    for char in name:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char in ",;+":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _unescape(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return re.sub(r"\\([0-9A-Fa-f]{2}|.)", lambda m: chr(int(m[1], 16)) if len(m[1]) == 2 else m[1], value)
