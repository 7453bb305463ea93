"""Signatures at the endpoint: `--trust DIR` refuses a request signed with a key it does not trust, or
altered after signing, or signed by another party than its originator, and a Signed Pre-Command whose
GBCS signature is not the originator's; `--signing-key/--signing-cert` signs every message sent; without
a key a SMETS1 response carries the placeholder DCC Boxed's validator needs. Keys are made at test time."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dsp.duis.codec import describe
from dsp.duis.errors import DuisError
from dsp.duis.gbcs_precommand import sign_precommand
from dsp.duis.schema import validate
from dsp.duis.trust import TrustStore
from dsp.duis.xmldsig import SigningIdentity, sign_message, verify_message
from dsp.identities import DCC_ACCESS_CONTROL_BROKER
from harness.serve.decisions import ServeDecisions
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.rtds_world import ESME, NETWORK_OPERATOR, SUPPLIER, build_served_world
from harness.serve.signing import Signatures, load_identity, load_trust
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.duis.smki_fixtures import Party, make_party
from tests.serve.duis_requests import precommand_of, signed_pre_command

ECS52 = "ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"
ACTIVATE = "CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"
DS = b"http://www.w3.org/2000/09/xmldsig#"

SUPPLIER_XML, SUPPLIER_GBCS = make_party(SUPPLIER), make_party(SUPPLIER, "02")
OPERATOR_XML, STRANGER = make_party(NETWORK_OPERATOR), make_party(SUPPLIER)
DSP_XML = make_party(DCC_ACCESS_CONTROL_BROKER, "89")


def identity(party: Party) -> SigningIdentity:
    return SigningIdentity.from_bytes(party.key_pem(), party.cert_pem(), key_source="key", certificate_source="cert")


def trust_folder(tmp_path: Path, *parties: Party) -> Path:
    folder = tmp_path / "trust"
    folder.mkdir()
    for index, party in enumerate(parties):
        (folder / f"{index}.pem").write_bytes(party.cert_pem())
    return folder


def trusting(tmp_path: Path, decisions: ServeDecisions | None = None) -> DuisEndpoint:
    trust = load_trust(trust_folder(tmp_path, SUPPLIER_XML, SUPPLIER_GBCS, OPERATOR_XML))
    config = EndpointConfig(schema=XSD_DIR, decisions=decisions or ServeDecisions())
    return DuisEndpoint(build_served_world("mp105"), config, signatures=Signatures(trust=trust))


def answer(served: DuisEndpoint, path: str, raw: bytes) -> tuple[str, str]:
    reply = served.serve(path, raw)
    assert reply.status == 200 and validate(reply.body, XSD_DIR) == [], reply.body
    return describe(reply.body)["response_code"], reply.reason


def signed(raw: bytes, party: Party = SUPPLIER_XML) -> bytes:
    return sign_message(raw, identity(party))


def test_a_request_signed_by_its_originator_passes(tmp_path: Path) -> None:
    assert answer(trusting(tmp_path), "serviceS", signed(request(ECS52)))[0] == "I99"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda raw: raw, "request: signed with a certificate that is not trusted (issuer 'CN=U1, OU=07'"),  # a placeholder
        (lambda raw: signed(raw, STRANGER), "request: signed with a certificate that is not trusted"),
        (lambda raw: signed(raw).replace(b"<sr:CommandVariant>1<", b"<sr:CommandVariant>2<"), "request: signature does not verify"),
        (lambda raw: signed(raw, OPERATOR_XML), "request: signed with a certificate of another party than the originator"),
    ],
    ids=["template-placeholder", "unknown-key", "altered-after-signing", "not-the-originator"],
)
def test_a_request_whose_signature_fails_is_refused_e1(tmp_path: Path, make, reason: str) -> None:
    served = trusting(tmp_path)
    code, why = answer(served, "serviceS", make(request(ECS52)))
    assert code == "E1" and why.startswith(reason)
    assert served.take_outgoing() == [] and served.world.service_requests == 0


def test_the_code_for_a_refused_signature_is_a_setting(tmp_path: Path) -> None:
    served = trusting(tmp_path, ServeDecisions().with_codes(["signature=E2"]))
    assert answer(served, "serviceS", signed(request(ECS52), STRANGER))[0] == "E2"


def test_a_signed_pre_command_must_carry_the_originators_gbcs_signature(tmp_path: Path) -> None:
    served = trusting(tmp_path)
    cv4 = signed(request(ACTIVATE))
    reply = served.serve("serviceT", cv4)
    precommand = precommand_of(reply.body)
    for signer, expected in ((STRANGER, "E1"), (SUPPLIER_XML, "E1"), (SUPPLIER_GBCS, "I99")):  # XML keys do not sign GBCS
        code, why = answer(served, "serviceS", signed(signed_pre_command(cv4, sign_precommand(precommand, signer.key))))
        assert code == expected, (signer, why)
        if expected == "E1":
            assert why == f"the GBCS signature is not made with a trusted key of {SUPPLIER}"


def test_with_a_signing_key_every_message_sent_is_signed_and_verifies(tmp_path: Path) -> None:
    served = DuisEndpoint(build_served_world("mp105"), EndpointConfig(schema=XSD_DIR),
                          signatures=Signatures(identity=identity(DSP_XML)))
    served.set_device_firmware(ESME, "0200BBBB")
    served.suspend(ESME)
    sent = [served.serve("serviceS", request(ECS52)).body] + [xml for _, xml in served.take_outgoing()]
    assert len(sent) >= 4  # the acknowledgement, the DCC alerts of the suspension and restore, the response
    dsp = TrustStore((DSP_XML.certificate,))
    for xml in sent:
        assert validate(xml, XSD_DIR) == []
        assert verify_message(xml, dsp, at=datetime.now(UTC)) == DSP_XML.certificate


SMETS1_SCENARIO = """name = "smets1-esme"
[[fleet]]
type = "ESME"
smets = 1
count = 1
firmware = "0100AAAA"
[campaign]
firmware = "0200BBBB"
"""
SMETS1_ESME = "00-DB-00-00-00-00-00-00"


@pytest.mark.parametrize("key", [None, DSP_XML], ids=["no-key", "dsp-key"])
def test_a_smets1_response_carries_two_signatures_so_dcc_boxeds_validator_skips_it(tmp_path: Path, key) -> None:
    scenario = tmp_path / "smets1.toml"
    scenario.write_text(SMETS1_SCENARIO)
    signatures = Signatures(identity=identity(key)) if key else Signatures()
    served = DuisEndpoint(build_served_world("mp105", str(scenario)), EndpointConfig(schema=XSD_DIR), signatures=signatures)
    served.serve("serviceS", request(ECS52).replace(ESME.encode(), SMETS1_ESME.encode()))
    (response,) = [xml for kind, xml in served.take_outgoing() if kind == "response"]
    assert describe(response)["body_kind"] == "SMETS1ResponseMessage" and validate(response, XSD_DIR) == []
    root = ET.fromstring(response)
    signature = f"{{{DS.decode()}}}Signature"
    assert len(list(root.iter(signature))) == 2 and root[-1].tag == signature  # the inner one, and the root's own
    if key is not None:
        assert verify_message(response, TrustStore((key.certificate,)), at=datetime.now(UTC)) == key.certificate


def test_without_a_key_a_response_that_carries_no_signature_gets_none() -> None:
    served = DuisEndpoint(build_served_world("mp105"), EndpointConfig(schema=XSD_DIR))
    assert DS not in served.serve("serviceS", request(ECS52)).body


# --- loading keys and certificates (bad input: one line naming the file) -------------------------------


def test_a_trust_folder_must_hold_certificates(tmp_path: Path) -> None:
    with pytest.raises(DuisError, match=r"--trust '.*nope': not a folder"):
        load_trust(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DuisError, match=r"no certificate files \(.pem, .crt, .cer, .der\)"):
        load_trust(tmp_path / "empty")
    folder = trust_folder(tmp_path, SUPPLIER_XML)
    (folder / "junk.pem").write_bytes(b"not a certificate")
    with pytest.raises(DuisError, match=r"junk.pem: not an X.509 certificate"):
        load_trust(folder)


def test_a_signing_key_must_match_its_certificate(tmp_path: Path) -> None:
    key, cert, other = tmp_path / "k.pem", tmp_path / "c.pem", tmp_path / "o.pem"
    key.write_bytes(DSP_XML.key_pem())
    cert.write_bytes(DSP_XML.cert_pem())
    other.write_bytes(SUPPLIER_XML.cert_pem())
    assert load_identity(key, cert).certificate == DSP_XML.certificate
    with pytest.raises(DuisError, match=r"o.pem: its public key is not the one of"):
        load_identity(key, other)
    with pytest.raises(DuisError, match=r"--signing-key '.*missing.pem': cannot read"):
        load_identity(tmp_path / "missing.pem", cert)
