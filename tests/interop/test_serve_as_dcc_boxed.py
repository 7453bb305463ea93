"""A supplier's adapter runs the MP105 story against `sm-harness serve` exactly as against DCC Boxed.

`boxed-client.js` is DCC Boxed's client as DCC's Node-RED nodes drive a DSP, with DCC Boxed's own tooling
from the npm registry (@smartdcc/duis-parser, @smartdcc/duis-sign-wrap: signing and validation, Java):
it builds each request from its template, signs it, sends it to its Command Variant's path, completes a
CV 4 with its CV 5, and validates and parses every synchronous answer and every asynchronous message
(responses and DCC alerts, received on its own loopback HTTP receiver). `serve` runs as a real process
with DCC Boxed's ZAZ1 test credentials, read at test time from the installed JAR (nothing is copied into
the project): `--trust` the Users' certificates, `--signing-key` the DSP's XML signing key, and the fleet
of `fleet.toml` beside the RTDS devices.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from dsp.identities import RTDS_NETWORK_OPERATOR as NETWORK_OPERATOR
from dsp.identities import RTDS_SUPPLIER as SUPPLIER
from tests.duis.duis_fixtures import REQUESTS, XSD_DIR, request
from tests.interop.test_dcc_boxed_tooling import JAR, needs_java
from tests.serve.duis_requests import with_counter, with_hash, with_target
from tests.serve.process import free_port, serve_process

pytestmark = [needs_java, pytest.mark.slow]

HERE = Path(__file__).parent
CLIENT = HERE / "boxed-client.js"
FLEET = HERE / "fleet.toml"
DSP_KEY, DSP_CERT = "dsp-xml-sign-90B3D51F30000002-ds.key", "dsp-xml-sign-90B3D51F30000002-ds.pem"
SUPPLIER_GBCS_KEY = "Z1-supplier-ds.key"  # what DCC's client signs a supplier's pre-commands with
NETWORK_OPERATOR_CERTS = ("xml-sign-90B3D51F30020000-ds.pem", "Z1-networkOperator-ds.pem")
JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"  # each signature or check is a JVM
TIMEOUT = 120.0


class Credentials:
    """DCC Boxed's ZAZ1 credentials, out of the installed JAR into a temporary folder."""

    def __init__(self, folder: Path) -> None:
        with zipfile.ZipFile(JAR) as jar:
            names = [n for n in jar.namelist() if n.endswith((".pem", ".key"))]
            jar.extractall(folder / "all", members=names)
        self.all = folder / "all"
        self.trust = folder / "trust"  # every certificate DCC Boxed ships: the Users' and the DSP's
        self.trust.mkdir()
        for name in names:
            if name.endswith(".pem") and not name.endswith(".key.pem"):
                (self.trust / name).write_bytes((self.all / name).read_bytes())
        self.operator_only = folder / "operator-only"
        self.operator_only.mkdir()
        for name in NETWORK_OPERATOR_CERTS:
            (self.operator_only / name).write_bytes((self.all / name).read_bytes())

    def path(self, name: str) -> str:
        return str(self.all / name)


class BoxedClient:
    """The Node process: one JSON command a line in, one JSON answer a line out."""

    def __init__(self, dsp: str, credentials: Credentials) -> None:
        env = {**os.environ, "JAVA_TOOL_OPTIONS": JAVA_OPTIONS}
        self.process = subprocess.Popen(
            ["node", str(CLIENT), "--dsp", dsp, "--gbcs-key", f"{SUPPLIER}={credentials.path(SUPPLIER_GBCS_KEY)}"],
            cwd=HERE, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        self.receiver = self._answer()["receiver"]

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"boxed-client exited {self.process.poll()}"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _ask(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._answer()

    def send(self, xml: bytes, *, tamper: tuple[str, str] | None = None) -> dict[str, Any]:
        return self._ask({"op": "send", "xml": xml.decode("utf-8"), **({"tamper": list(tamper)} if tamper else {})})

    def received(self) -> list[dict[str, Any]]:
        return list(self._ask({"op": "received"})["messages"])

    def wait_for(self, condition: Callable[[list[dict[str, Any]]], bool], what: str) -> list[dict[str, Any]]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            messages = self.received()
            if condition(messages):
                return messages
            if time.monotonic() > deadline:
                pytest.fail(f"the client did not receive {what} within {TIMEOUT:g} s: {summary(messages)}")
            time.sleep(0.25)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._ask({"op": "quit"})
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def serving(port: int, deliver_to: str, credentials: Credentials, trust: Path) -> Iterator[httpx.Client]:
    """`sm-harness serve` as a real process, as a tester starts it for a DCC Boxed client."""
    with serve_process("--schema", str(XSD_DIR), "--deliver-to", deliver_to, "--scenario", str(FLEET),
                       "--trust", str(trust), "--signing-key", credentials.path(DSP_KEY),
                       "--signing-cert", credentials.path(DSP_CERT), port=port) as (base, _):
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client


class Rig:
    """A DCC Boxed client and the `serve` process it talks to."""

    def __init__(self, client: BoxedClient, double: httpx.Client) -> None:
        self.client, self.double = client, double

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.double.post(path, json=body or {})
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def smi(self, device: str) -> dict[str, Any]:
        result: dict[str, Any] = self.double.get(f"/test/smi/{device}").json()
        return result


@pytest.fixture(scope="module")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> Credentials:
    return Credentials(tmp_path_factory.mktemp("zaz1"))


@pytest.fixture(scope="module")
def rig(credentials: Credentials) -> Iterator[Rig]:
    port = free_port()
    client = BoxedClient(f"http://127.0.0.1:{port}", credentials)
    try:
        with serving(port, client.receiver, credentials, credentials.trust) as double:
            yield Rig(client, double)
    finally:
        client.close()


# --- what the client saw ------------------------------------------------------------------------------


def request_id(header: dict[str, Any], name: str = "requestId") -> str:
    rid = header[name]
    return f"{rid['originatorId']}:{rid['targetId']}:{rid['counter']}".upper()


def codes(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(step["endpoint"], step.get("responseCode", step["status"])) for step in result["steps"]]


def summary(messages: list[dict[str, Any]]) -> list[str]:
    return [f"{m['header'].get('responseCode')} {m['body']}" if "header" in m else f"INVALID {m['error'][:80]}" for m in messages]


def responses_to(messages: list[dict[str, Any]], rid: str) -> list[dict[str, Any]]:
    """The Responses to a request that DCC Boxed's validator passed (SMETS1 ones included: see below)."""
    return [m for m in messages if "requestId" in m.get("header", {}) and request_id(m["header"]) == rid]


# DCC's client library (@smartdcc/duis-parser 0.6.0, the registry's newest) has no SMETS1ResponseMessage
# in its Response body type, so DCC's client refuses every SMETS1 response (HTTP 400 from its receiver)
# after DCC Boxed's validator has passed it: DCC Boxed serves no SMETS1 devices. `serve` answers as the
# DUIS says; the story's SMETS1 restore shows in its DCC alerts and the SMI.
SMETS1_BODY = "SMETS1ResponseMessage"


def taken(message: dict[str, Any]) -> bool:
    """Validated by DCC Boxed's validator, and parsed by DCC's client unless it is a SMETS1 response."""
    return bool(message["validated"]) and (message["parsed"] or message.get("body") == [SMETS1_BODY])


def alerts(messages: list[dict[str, Any]], code: str, device: str) -> list[dict[str, Any]]:
    found = []
    for m in messages:
        alert = m["ok"] and m["message"].get("DCCAlertMessage")
        if alert and alert["DCCAlertCode"] == code and device.lower() in json.dumps(alert).lower():
            found.append(m)
    return found


def recipients(found: list[dict[str, Any]]) -> set[str]:
    return {m["header"]["responseId"]["targetId"].upper() for m in found}


# --- every template ---------------------------------------------------------------------------------

CV4_UNSERVED = ("6.15.1", "8.1.1")  # Critical SRVs with no GBCS encoding here: I99 once Table 22 passes


def expected(template: Path) -> list[tuple[str, str]] | str:
    """What DCC Boxed's client gets for a template: the codes of its exchanges, or the error it stops at."""
    name = template.name
    if name.endswith("-invalid.XML"):
        return "bad request id"  # duis-parser refuses it before anything is sent
    if "unknown-originator" in name:
        return "missing credentials"  # the signing tool holds no key for the originator
    text = template.read_text()
    srv = re.search(r"<sr:ServiceReferenceVariant>([^<]+)<", text).group(1)  # type: ignore[union-attr]
    cv = int(re.search(r"<sr:CommandVariant>(\d)<", text).group(1))  # type: ignore[union-attr]
    if cv == 4 and srv == "11.3":
        return [("Transform Service", "I0"), ("Send Command Service", "I99")]
    if cv == 4:
        return [("Transform Service", "I99")]
    if srv == "8.2":
        return [("Non-Device Service", "I0")]
    return [("Non-Device Service" if cv == 8 else "Send Command Service", "I99")]


def test_every_rtds_template_is_answered_as_dcc_boxed_would_and_every_message_validates(rig: Rig) -> None:
    waited: list[str] = []
    for template in REQUESTS:
        result = rig.client.send(template.read_bytes())
        want = expected(template)
        if isinstance(want, str):
            assert not result["ok"] and want in result["error"] and not result["steps"], (template.name, result)
            continue
        assert result["ok"], (template.name, result)
        assert codes(result) == want, (template.name, result)
        last = result["steps"][-1]
        if last["responseCode"] == "I99" and re.search(r">(11\.2|11\.3|6\.23)<", template.read_text()):
            waited.append(request_id(last["header"]))  # a served device SR: its device's response follows
        if want[0] == ("Transform Service", "I0"):
            precommand = result["steps"][0]["message"]["ResponseMessage"]["PreCommand"]
            assert precommand["GBCSVersion"] and precommand["GBCSPayload"]
    messages = rig.client.wait_for(lambda ms: all(responses_to(ms, rid) for rid in waited), "every device's response")
    assert all(m["ok"] for m in messages), [m for m in messages if not m["ok"]]  # validated and parsed, each
    assert len(waited) == 9  # 11.2 x3 (ESME, GSME, PPMID), 6.23 x3, 11.3 x3 (CV 4 + CV 5)


# --- --trust: what is refused ------------------------------------------------------------------------

ECS52 = "ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"


def test_a_request_altered_after_dcc_boxeds_tool_signed_it_is_refused(rig: Rig) -> None:
    raw = with_counter(request(ECS52), 5000)
    result = rig.client.send(raw, tamper=(":5000<", ":5001<"))
    assert result["ok"] and codes(result) == [("Send Command Service", "E1")], result


def test_a_request_signed_with_a_key_serve_does_not_trust_is_refused(credentials: Credentials) -> None:
    port = free_port()
    client = BoxedClient(f"http://127.0.0.1:{port}", credentials)
    try:
        with serving(port, client.receiver, credentials, credentials.operator_only):  # no supplier certificate
            refused = client.send(with_counter(request(ECS52), 5100))
            assert refused["ok"] and codes(refused) == [("Send Command Service", "E1")], refused
            operator = with_counter(request(ECS52).replace(SUPPLIER.encode(), NETWORK_OPERATOR.encode()), 5101)
            passed = client.send(operator)  # the network operator's own request, signed with its own key
            assert passed["ok"] and codes(passed) == [("Send Command Service", "I99")], passed
    finally:
        client.close()


# --- the MP105 story ----------------------------------------------------------------------------------

STORY = {  # SMETS version: (device for 11.2, device for 11.3, the latter's model)
    2: ("00-DB-00-00-00-00-00-00", "00-DB-00-00-00-00-00-01", "DB/S2-ACTIVATE"),
    1: ("00-DB-00-00-00-00-00-02", "00-DB-00-00-00-00-00-03", "DB/S1-ACTIVATE"),
}


def image(model: str) -> bytes:
    """The firmware 0300CCCC image of a model (each model its own image, so its own hash on the CPL)."""
    return f"sm-harness interop image, firmware 0300CCCC for {model}".encode()


def digest(model: str) -> str:
    return hashlib.sha256(image(model)).hexdigest().upper()


def suspend(rig: Rig, device: str) -> None:
    """The story's first step: the device's firmware is removed from the CPL, it is Suspended, and the
    suspension alert (N28, R-CPL-2) reaches its supplier."""
    assert rig.post(f"/test/devices/{device}/suspend")["record"]["status"] == "Suspended"
    found = rig.client.wait_for(lambda ms: bool(alerts(ms, "N28", device)), f"N28 for {device}")
    assert recipients(alerts(found, "N28", device)) == {SUPPLIER}


def restored(rig: Rig, device: str, firmware: str) -> None:
    found = rig.client.wait_for(lambda ms: len(alerts(ms, "N29", device)) >= 2, f"N29 for {device}")
    assert recipients(alerts(found, "N29", device)) == {SUPPLIER, NETWORK_OPERATOR}
    record = rig.smi(device)
    assert (record["status"], record["firmware"], record["device_runs"]) == ("Commissioned", firmware, firmware)


@pytest.mark.parametrize("smets", [2, 1], ids=["SMETS2", "SMETS1"])
def test_the_mp105_story_11_2_restores_a_suspended_device_with_n29_to_supplier_and_network_operator(rig: Rig, smets: int) -> None:
    device = STORY[smets][0]
    rig.post(f"/test/devices/{device}/firmware", {"version": "0200BBBB"})  # it runs firmware the SMI does not know
    suspend(rig, device)
    result = rig.client.send(with_counter(with_target(request(ECS52), device), 6000 + smets))
    assert codes(result) == [("Send Command Service", "I99")], result
    rid = request_id(result["steps"][-1]["header"])
    found = rig.client.wait_for(lambda ms: bool(responses_to(ms, rid)), "the 11.2 response")
    response = responses_to(found, rid)[0]
    assert response["header"]["responseCode"] == "I0" and taken(response)
    assert response["body"] == ([SMETS1_BODY] if smets == 1 else ["ResponseMessage"])
    restored(rig, device, "0200BBBB")


def activation(device: str, model: str, counter: int) -> bytes:
    template = request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML")
    return with_counter(with_target(with_hash(template, digest(model)), device), counter)


def firmware_update(device: str, model: str, counter: int) -> bytes:
    raw = request("11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML")
    old = re.search(rb"<sr:FirmwareImage>([^<]*)<", raw).group(1)  # type: ignore[union-attr]
    raw = raw.replace(old, base64.b64encode(image(model))).replace(b">00000000<", b">0300CCCC<")
    raw = re.sub(rb"<sr:DeviceIDList>[^<]*<", f"<sr:DeviceIDList>{device}<".encode(), raw)
    return with_counter(raw, counter)


@pytest.mark.parametrize("smets", [2, 1], ids=["SMETS2", "SMETS1"])
def test_the_mp105_story_an_11_3_whose_response_is_lost_is_restored_by_the_automated_retry(rig: Rig, smets: int) -> None:
    _, device, model = STORY[smets]
    suspend(rig, device)
    rig.post("/test/cpl", {"device_type": "ESME", "model": model, "firmware": "0300CCCC", "status": "Current",
                           "image_hash": digest(model)})
    if smets == 2:  # SMETS2 takes the image first (11.1); SMETS1 transfers and activates in one step (R-DEV-4)
        result = rig.client.send(firmware_update(device, model, 7000))
        assert codes(result) == [("Non-Device Service", "I99")], result
        rid = request_id(result["steps"][-1]["header"])
        rig.client.wait_for(lambda ms: bool(responses_to(ms, rid)), "the 11.1 response")
    rig.post("/test/loss", {"device": device, "srv": "11.3", "leg": "response"})
    first = rig.client.send(activation(device, model, 7100 + smets))
    assert codes(first) == [("Transform Service", "I0"), ("Send Command Service", "I99")], first
    assert rig.smi(device)["device_runs"] == "0300CCCC" and rig.smi(device)["status"] == "Suspended"
    # no response: after the DSP's response timeout the user gets E21 (R-DEV-6), and the supplier's
    # automated retry (R-SU-2) sends the 11.3 again, CV 4 then CV 5
    rig.post("/test/clock", {"advance_seconds": 3601})
    rid = request_id(first["steps"][-1]["header"])
    found = rig.client.wait_for(lambda ms: bool(responses_to(ms, rid)), "E21 for the lost response")
    assert [m["header"]["responseCode"] for m in responses_to(found, rid)] == ["E21"]
    retry = rig.client.send(activation(device, model, 7200 + smets))
    assert codes(retry) == [("Transform Service", "I0"), ("Send Command Service", "I99")], retry
    retried = request_id(retry["steps"][-1]["header"])
    found = rig.client.wait_for(lambda ms: bool(responses_to(ms, retried)), "the retried 11.3's response")
    response = responses_to(found, retried)[0]
    assert response["header"]["responseCode"] == "I0" and taken(response)
    restored(rig, device, "0300CCCC")


def test_every_message_serve_sent_passed_dcc_boxeds_validator(rig: Rig) -> None:
    received = rig.client.received()
    assert received and all(taken(m) for m in received), [m for m in received if not taken(m)]
    outbox = rig.double.get("/test/outbox", params={"limit": 1000}).json()["messages"]
    refused = [e for e in outbox if e["state"] != "delivered"]  # a 4xx is a refusal: kept, not retried
    assert len(outbox) >= 20 and all(SMETS1_BODY in e["xml"] and (e["state"], e["outcome"]) == ("refused", "HTTP 400")
                                     for e in refused)
