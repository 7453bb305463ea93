"""The Transform Service (CV 4 at serviceT) and its Signed Pre-Commands (CV 5 at serviceS), in process:
a Critical 11.3 gets its pre-command, nothing reaches the device until the User's signed form of it
comes back, and then the device's response follows exactly as for CV 1."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from dsp.duis.codec import describe
from dsp.duis.gbcs_precommand import build_precommand, sign_precommand
from dsp.duis.envelope import parse_request
from dsp.duis.schema import validate
from dsp.vocabulary import DeviceStatus
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.rtds_world import ESME, NETWORK_OPERATOR, SUPPLIER, build_served_world
from harness.serve.transforms import MemoryTransformStore, PendingTransform
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.duis_requests import precommand_of, signed_pre_command, with_counter, with_hash

IMMEDIATE = "CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"
KEY = ec.generate_private_key(ec.SECP256R1())  # the User's GBCS signing key (nothing checks it here)


def endpoint(ruleset: str = "mp105") -> DuisEndpoint:
    return DuisEndpoint(build_served_world(ruleset), EndpointConfig(schema=XSD_DIR))


def facts(xml: bytes) -> dict:
    assert validate(xml, XSD_DIR) == []
    return describe(xml)


def transform(served: DuisEndpoint, cv4: bytes) -> bytes:
    reply = served.serve("serviceT", cv4)
    assert reply.status == 200 and facts(reply.body)["payload_kind"] == "PreCommand", reply.body
    return precommand_of(reply.body)


def delivered(served: DuisEndpoint) -> list[dict]:
    return [facts(xml) for _, xml in served.take_outgoing()]


def test_a_critical_11_3_at_the_transform_service_gets_its_precommand_and_nothing_reaches_the_device() -> None:
    served = endpoint()
    cv4 = request(IMMEDIATE)
    reply = served.serve("serviceT", cv4)
    answer = facts(reply.body)
    assert (answer["response_code"], answer["request_id"], answer["service_reference_variant"]) == (
        "I0", f"{SUPPLIER}:{ESME}:1000", "11.3")
    body = parse_request(cv4).body
    assert precommand_of(reply.body) == build_precommand(body, originator=SUPPLIER, device=ESME, counter=1000)  # type: ignore[arg-type]
    assert served.take_outgoing() == [] and served.world.service_requests == 0
    assert len(served.transforms) == 1


def test_its_signed_form_at_serviceS_is_acknowledged_and_the_device_answers_as_for_cv_1() -> None:
    served = endpoint()
    cv4 = request(IMMEDIATE)
    signed = sign_precommand(transform(served, cv4), KEY)
    reply = served.serve("serviceS", signed_pre_command(cv4, signed))  # lower-case EUIs, schemaVersion 5.2
    assert (facts(reply.body)["response_code"], facts(reply.body)["request_id"]) == ("I99", f"{SUPPLIER}:{ESME}:1000")
    (response,) = delivered(served)
    assert (response["response_code"], response["service_reference_variant"], response["gbcs_use_case"]) == ("I0", "11.3", "CS06")
    assert response["request_id"] == f"{SUPPLIER}:{ESME}:1000"
    assert len(served.transforms) == 0  # used up


@pytest.mark.parametrize("form", ["with the empty signature length", "without it (the RTDS vectors' form)"])
def test_a_signed_form_of_either_precommand_form_is_accepted(form: str) -> None:
    served = endpoint()
    cv4 = request(IMMEDIATE)
    precommand = transform(served, cv4)
    precommand = precommand if form.startswith("with ") else precommand[:-1]
    reply = served.serve("serviceS", signed_pre_command(cv4, sign_precommand(precommand, KEY)))
    assert facts(reply.body)["response_code"] == "I99"


def unmatched(served: DuisEndpoint, raw: bytes) -> str:
    reply = served.serve("serviceS", raw)
    assert facts(reply.body)["response_code"] == "E12", reply.reason
    assert served.take_outgoing() == []
    return reply.reason


def test_a_signed_pre_command_that_matches_no_pending_precommand_is_refused_e12() -> None:
    served = endpoint()
    cv4 = request(IMMEDIATE)
    signed = sign_precommand(transform(served, cv4), KEY)
    assert "no pending pre-command for RequestID" in unmatched(served, signed_pre_command(with_counter(cv4, 2000), signed))
    altered = bytearray(signed)
    altered[60] ^= 0x01  # one bit of the image hash
    assert "not the pre-command returned" in unmatched(served, signed_pre_command(cv4, bytes(altered)))
    assert facts(served.serve("serviceS", signed_pre_command(cv4, signed)).body)["response_code"] == "I99"  # still pending
    served.take_outgoing()
    assert "already used" in unmatched(served, signed_pre_command(cv4, signed))  # a replay


def test_a_signed_pre_command_for_another_srv_than_its_transform_is_refused() -> None:
    served = endpoint()
    cv4 = request(IMMEDIATE)
    signed = sign_precommand(transform(served, cv4), KEY)
    other = signed_pre_command(cv4, signed, srv="6.15.1")
    assert "was transformed for SR 11.3" in unmatched(served, other)


def test_a_pending_precommand_expires() -> None:
    served = endpoint()
    cv4 = request(IMMEDIATE)
    signed = sign_precommand(transform(served, cv4), KEY)
    served.advance(served.decisions.transform_ttl + 1)
    assert "expired" in unmatched(served, signed_pre_command(cv4, signed))


def test_table_22_runs_at_the_transform_service_and_nothing_is_kept_for_a_refusal() -> None:
    served = endpoint()
    stranger = request(IMMEDIATE).replace(b"90-B3-D5-1F-30-01-00-00", b"90-B3-D5-1F-30-09-00-00")
    assert facts(served.serve("serviceT", stranger).body)["response_code"] == "E1"
    absent = request(IMMEDIATE).replace(b"00-DB-12-34-56-78-90-A0", b"00-DB-12-34-56-78-90-FF")
    assert facts(served.serve("serviceT", absent).body)["response_code"] == "E19"
    assert len(served.transforms) == 0


def test_no_e5_for_a_suspended_device_but_e5_for_a_signed_pre_command_to_a_device_in_recovery() -> None:
    served = endpoint()
    served.suspend(ESME)
    cv4 = request(IMMEDIATE)
    signed = sign_precommand(transform(served, cv4), KEY)  # R-E5-1: not for Critical SRs
    assert facts(served.serve("serviceS", signed_pre_command(cv4, signed)).body)["response_code"] == "I99"
    served.take_outgoing()
    cv4 = with_counter(cv4, 1001)
    signed = sign_precommand(transform(served, cv4), KEY)
    served.dsp.inventory.get(ESME).set_status(DeviceStatus.RECOVERY, served.world.now)
    assert facts(served.serve("serviceS", signed_pre_command(cv4, signed)).body)["response_code"] == "E5"  # R-E5-1


def test_an_activation_whose_response_is_lost_is_restored_by_a_retried_cv4_and_cv5() -> None:
    served = endpoint()
    image = b"sm-harness test image 0300CCCC"
    digest = hashlib.sha256(image).hexdigest().upper()
    served.suspend(ESME)
    served.set_cpl("ESME", "0300CCCC", "Current", None, digest)
    update = request("11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML")
    update = update.replace(b">00000000<", b">0300CCCC<")
    update = update.replace(image_text(update), base64.b64encode(image))
    assert facts(served.serve("serviceD", update).body)["response_code"] == "I99"
    served.take_outgoing()
    served.lose_next(ESME, "11.3", "response")
    cv4 = with_hash(request(IMMEDIATE), digest)
    served.serve("serviceS", signed_pre_command(cv4, sign_precommand(transform(served, cv4), KEY)))
    assert served.smi(ESME)["device_runs"] == "0300CCCC" and served.smi(ESME)["status"] == "Suspended"
    served.advance(served.world.response_timeout + 1)
    assert [f["response_code"] for f in delivered(served)] == ["E21"]
    retry = with_counter(cv4, 1001)  # the supplier's automated retry (R-SU-2)
    served.serve("serviceS", signed_pre_command(retry, sign_precommand(transform(served, retry), KEY)))
    after = delivered(served)
    assert after[0]["activation_outcome"] == "noImageHeld" and after[0]["firmware_version"] == "0300CCCC"
    assert {f["response_id"].split(":")[1] for f in after if f["alert_code"] == "N29"} == {SUPPLIER, NETWORK_OPERATOR}
    assert (served.smi(ESME)["status"], served.smi(ESME)["firmware"]) == ("Commissioned", "0300CCCC")


def image_text(raw: bytes) -> bytes:
    start = raw.index(b"<sr:FirmwareImage>") + len(b"<sr:FirmwareImage>")
    return raw[start : raw.index(b"</sr:FirmwareImage>")]


def test_a_critical_srv_the_model_does_not_serve_is_acknowledged_at_the_transform_service() -> None:
    served = endpoint()
    reply = served.serve("serviceT", request("CS02bSupplierBySupplier_6.15.1_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"))
    assert facts(reply.body)["response_code"] == "I99" and "no GBCS command" in reply.reason
    assert len(served.transforms) == 0


# --- the store --------------------------------------------------------------------------------------


def pending(key: str, created: float = 0.0, ttl: float = 10.0) -> PendingTransform:
    return PendingTransform(key, "11.3", b"\xdf", b"<request/>", created, created + ttl)


def test_the_store_forgets_an_expired_transform() -> None:
    store = MemoryTransformStore()
    store.put(pending("A"))
    assert store.get("A", 9.9) is not None and store.get("A", 10.0) is None and len(store) == 0
    store.put(pending("B"))
    store.put(pending("C", created=5.0))
    assert store.expire(12.0) == 1 and len(store) == 1


def test_the_store_is_bounded_and_the_oldest_goes_first() -> None:
    store = MemoryTransformStore(limit=2)
    for key in "ABC":
        store.put(pending(key))
    assert store.get("A", 0.0) is None and store.get("C", 0.0) is not None and store.dropped == 1


def test_the_store_refuses_bounds_that_make_no_sense() -> None:
    with pytest.raises(Exception, match="limit must be > 0"):
        MemoryTransformStore(limit=0)
    with pytest.raises(Exception, match="time to live must be > 0"):
        MemoryTransformStore(ttl=0)
