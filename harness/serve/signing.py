"""Signatures at the DUIS endpoint: what `serve --trust DIR` checks on every request, and what
`serve --signing-key FILE --signing-cert FILE` signs on every message it sends.

- **In** (with a trust store): every request's own ``ds:Signature`` must verify with the trusted
  certificate its ``X509IssuerSerial`` names, and that certificate must be the RequestID originator's
  (:func:`dsp.duis.xmldsig.verify_message`); a Signed Pre-Command's GBCS signature must verify with
  one of the originator's GBCS (digital signing) certificates. Without a trust store nothing is checked:
  signatures are carried, as before.
- **Out** (with a key): every Response is signed as DCC Boxed's signing tool signs
  (:func:`dsp.duis.xmldsig.sign_message`). Without a key, a Response that carries a signature inside
  it (a SMETS1 response's ``SMETS1SignedResponse``) also gets a placeholder signature of its own:
  DCC Boxed's validator skips a Response with two signatures (as real SMETS1 responses, signed by the
  device's side and by the DSP, are), but refuses one whose only signature names no known key
  [model: the schema does not let the inner signature be left out].

An XML signing certificate must be valid at the moment the request is checked (serve's clock); a GBCS
signing certificate's dates are not checked (DCC Boxed's own test certificates for GBCS signing expired
in 2025, and no DCC tool checks them).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dsp.duis.errors import DuisError
from dsp.duis.gbcs_precommand import verify_gbcs_signature
from dsp.duis.render import DS_NS, placeholder_signature, to_bytes
from dsp.duis.trust import TrustStore
from dsp.duis.xmldsig import SignatureRefused, SigningIdentity, sign_message, verify_message

__all__ = ["CERTIFICATE_SUFFIXES", "Signatures", "load_identity", "load_trust"]

CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")
_MAX_FILE_BYTES = 1 << 20  # a certificate or key is a few hundred bytes
_SIGNATURE = f"{{{DS_NS}}}Signature"


@dataclass(frozen=True)
class Signatures:
    """The endpoint's trust store (None: requests are not checked) and signing identity (None:
    responses are not signed)."""

    trust: TrustStore | None = None
    identity: SigningIdentity | None = None

    def refusal(self, raw: bytes, originator: str, at: datetime, *, max_bytes: int) -> SignatureRefused | None:
        """Why the request's XML signature is refused, or None (also when nothing is checked)."""
        if self.trust is None:
            return None
        try:
            verify_message(raw, self.trust, at=at, originator=originator, source="request", max_bytes=max_bytes)
        except SignatureRefused as refused:
            return refused
        return None

    def gbcs_signed_by(self, signed: bytes, originator: str) -> bool:
        """Whether a Signed Pre-Command's GBCS signature is the originator's (True when nothing is checked)."""
        if self.trust is None:
            return True
        return any(verify_gbcs_signature(signed, key) for key in self.trust.gbcs_signing_keys(originator))

    def finish(self, root: ET.Element) -> bytes:
        """The document the endpoint sends for ``root``: signed with the identity, or with the
        placeholder a nested signature needs when there is no identity."""
        if self.identity is not None:
            return sign_message(to_bytes(root), self.identity, source="response")
        if root.find(_SIGNATURE) is None and any(True for _ in root.iter(_SIGNATURE)):
            root.append(placeholder_signature())
        return to_bytes(root)


def load_trust(folder: str | Path) -> TrustStore:
    """Every certificate in the files of ``folder`` named ``*.pem``, ``*.crt``, ``*.cer`` or ``*.der``;
    DuisError (one line, naming the file) for a folder that is missing or holds none, or a bad file."""
    path = Path(folder)
    if not path.is_dir():
        raise DuisError(f"--trust {str(path)!r}: not a folder")
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in CERTIFICATE_SUFFIXES)
    if not files:
        raise DuisError(f"--trust {str(path)!r}: no certificate files ({', '.join(CERTIFICATE_SUFFIXES)})")
    return TrustStore.from_files((str(f), _read(f, "--trust")) for f in files)


def load_identity(key_file: str | Path, certificate_file: str | Path) -> SigningIdentity:
    """The signing key and its certificate; DuisError (one line) when either cannot be used."""
    key, certificate = Path(key_file), Path(certificate_file)
    return SigningIdentity.from_bytes(
        _read(key, "--signing-key"), _read(certificate, "--signing-cert"),
        key_source=str(key), certificate_source=str(certificate),
    )


def _read(path: Path, option: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > _MAX_FILE_BYTES:
            raise DuisError(f"{option} {str(path)!r}: {size} bytes, too big for a key or certificate")
        return path.read_bytes()
    except OSError as error:
        raise DuisError(f"{option} {str(path)!r}: cannot read: {error.strerror or error}") from None
