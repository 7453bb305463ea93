"""The DUIS endpoint in process: every RTDS template accepted unchanged, bad input refused in one line,
and the test-double endpoints."""

from __future__ import annotations

from pathlib import Path

import re
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx versions
    from starlette.testclient import TestClient

from dsp.duis.codec import describe
from dsp.duis.envelope import parse_request
from dsp.duis.schema import validate
from harness.serve.app import create_app
from harness.serve.endpoint import PATH_VARIANTS, DuisEndpoint, EndpointConfig
from harness.serve.rtds_world import ESME, build_served_world
from tests.duis.duis_fixtures import DUIS, INVALID_REQUESTS, REQUESTS, XSD_DIR, XXE, request
from tests.duis.test_duis_fuzz import FUZZ, mutated

SERVED = {"11.1", "11.2", "11.3", "6.23", "8.2"}


def endpoint(ruleset: str = "mp105", **config) -> DuisEndpoint:
    return DuisEndpoint(build_served_world(ruleset), EndpointConfig(schema=XSD_DIR, **config))


def path_for(raw: bytes) -> str:
    cv = parse_request(raw).command_variant
    return next(p for p, variants in PATH_VARIANTS.items() if cv in variants)


@pytest.mark.parametrize("template", [p for p in REQUESTS if p not in INVALID_REQUESTS],
                         ids=lambda p: p.relative_to(DUIS / "requests").as_posix())
def test_every_template_is_answered_with_a_valid_duis_response(template: Path) -> None:
    served = endpoint()
    raw = template.read_bytes()
    parsed = parse_request(raw)
    reply = served.serve(path_for(raw), raw)
    assert reply.status == 200 and reply.media_type == "application/xml", reply.body
    assert validate(reply.body, XSD_DIR) == []
    facts = describe(reply.body)
    if "unknown-originator" in template.name:
        assert facts["response_code"] == "E1"  # Table 22: the User ID is not registered
    elif parsed.command_variant == 4 and parsed.service_reference_variant == "11.3":
        assert (facts["response_code"], facts["payload_kind"]) == ("I0", "PreCommand")  # the Transform Service
    elif parsed.service_reference_variant in SERVED:
        assert facts["response_code"] in ("I99", "I0"), (template.name, facts, reply.reason)
    else:  # authorised (Table 22 passed), acknowledged, and no further: the model does not serve it
        assert facts["response_code"] == "I99", (template.name, facts, reply.reason)
        assert not served.take_outgoing()


def test_the_8_2_template_is_answered_at_once_with_the_inventory() -> None:
    reply = endpoint().serve("serviceD", request("8.2_READ_INVENTORY_REQUEST_DUIS.XML"))
    facts = describe(reply.body)
    assert (facts["response_code"], facts["payload_kind"]) == ("I0", "DSPInventory")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<sr:Request", r"malformed XML"),
        (XXE.read_bytes(), r"DOCTYPE is not allowed"),
        ((DUIS / "requests/duis-sign-wrap-tests/8.2_READ_INVENTORY_REQUEST_DUIS-invalid.XML").read_bytes(),
         r"request body is not valid DUIS: /sr:Request/sr:Header: Unexpected child"),
        (request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML").replace(b"<sr:CommandVariant>1<", b"<sr:CommandVariant>9<"),
         r"CommandVariant 9 is not a DUIS Command Variant \(1 to 8\)"),
    ],
    ids=["malformed", "xxe", "schema-invalid", "not-a-command-variant"],
)
def test_bad_input_gets_400_with_one_line(body: bytes, reason: str) -> None:
    reply = endpoint().serve("serviceS", body)
    assert reply.status == 400
    text = reply.body.decode()
    assert text.count("\n") == 1 and text.startswith("sm-harness: ")
    assert re.search(reason, text), text


def test_a_path_that_is_no_duis_path_is_not_found() -> None:
    reply = endpoint().serve("serviceX", request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"))
    assert reply.status == 404 and reply.body.decode().startswith("sm-harness: unknown path /api/v1/serviceX")


def test_a_body_over_the_limit_is_refused_before_it_is_read_whole() -> None:
    client = TestClient(create_app(endpoint(max_bytes=1000)))
    answer = client.post("/api/v1/serviceS", content=request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"),
                         headers={"content-type": "application/xml"})
    assert answer.status_code == 400 and "over the 1000-byte limit" in answer.text


def test_under_legacy_a_suspended_esme_is_answered_e5_and_under_mp105_it_is_restored() -> None:
    for ruleset, code in (("legacy", "E5"), ("mp105", "I99")):
        served = endpoint(ruleset)
        served.set_device_firmware(ESME, "0200BBBB")
        assert served.suspend(ESME)["record"]["status"] == "Suspended"
        reply = served.serve("serviceS", request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"))
        assert describe(reply.body)["response_code"] == code
        delivered = [describe(xml) for _, xml in served.take_outgoing()]
        if ruleset == "mp105":
            assert served.smi(ESME)["status"] == "Commissioned"
            assert {d["alert_code"] for d in delivered} >= {"N28", "N29"}
            assert any(d["firmware_version"] == "0200BBBB" for d in delivered)


def test_the_test_double_endpoints_speak_json() -> None:
    client = TestClient(create_app(endpoint()))
    assert client.post(f"/test/devices/{ESME}/firmware", json={"version": "0200bbbb"}).json()["device_runs"] == "0200BBBB"
    assert client.post(f"/test/devices/{ESME}/firmware", json={"version": "nope"}).status_code == 400
    assert client.post("/test/loss", json={"device": ESME, "srv": "11.2"}).json()["lost"] == "next"
    assert client.post("/test/loss", json={"device": ESME, "srv": "11.2", "leg": "sideways"}).status_code == 400
    assert client.post("/test/cpl", json={"device_type": "ESME", "firmware": "0100AAAA", "status": "Removed"}).json()["suspended"] == 1
    assert client.get(f"/test/smi/{ESME}").json()["status"] == "Suspended"
    assert client.post("/test/clock", json={"advance_seconds": 60}).json()["sim_time"] >= 60
    assert client.post("/test/clock", content=b"{not json").status_code == 400
    assert len(client.get("/test/smi").json()) == 5
    assert client.get("/health").json()["ruleset"] == "mp105"


_TEMPLATES = [p.read_bytes() for p in REQUESTS]
_SERVED = endpoint()


@settings(FUZZ, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(_TEMPLATES))
def test_mutated_templates_get_a_duis_response_or_a_clean_400(data: bytes) -> None:
    reply = _SERVED.serve("serviceS", data)
    assert reply.status in (200, 400), reply.body
    if reply.status == 400:
        assert reply.body.decode().count("\n") == 1


# --- review fixes ------------------------------------------------------------------------------------


def test_dcc_alerts_raised_at_the_same_moment_get_distinct_response_ids() -> None:
    from dsp import DccAlert, DeviceStatus, UserRole
    from dsp.messages import StatusChangePayload
    from harness.serve.rtds_world import GSME, SUPPLIER

    served = endpoint()
    for device in (ESME, GSME, ESME):  # R-CPL-1 suspends a whole model at once: same time, same recipient
        payload = StatusChangePayload(device, "DeviceSuspended", DeviceStatus.SUSPENDED)
        served._on_alert(DccAlert("N28", device, SUPPLIER, UserRole.IS, payload, 5.0, "R-CPL-2"))
    alerts = [xml for _, xml in served.take_outgoing()]
    ids = [describe(xml)["response_id"] for xml in alerts]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert all(validate(xml, XSD_DIR) == [] for xml in alerts)


def test_the_endpoint_codec_keeps_no_firmware_images() -> None:
    served = endpoint()
    assert served.serve("serviceD", request("11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML")).status == 200
    assert not served.codec._images


def test_a_stalled_body_is_answered_408_instead_of_holding_the_connection() -> None:
    import asyncio

    from harness.serve.app import read_limited as _read_limited
    from harness.serve.endpoint import SlowBody

    class Stalled:
        headers = {"content-type": "application/xml"}

        async def stream(self):
            yield b"<sr:Request"
            await asyncio.sleep(60)

    with pytest.raises(SlowBody, match=r"did not arrive within 0.1 s \(11 bytes read\)"):
        asyncio.run(_read_limited(Stalled(), 1000, 0.1))  # type: ignore[arg-type]
