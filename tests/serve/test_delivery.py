"""Delivery to --deliver-to when the receiver misbehaves: down, answering 500, hanging, refusing. Every
message is delivered once it can be, none twice, in order per device; the request path never waits; every
attempt is one log line."""
from __future__ import annotations

import logging
import re
import time

import pytest

from dsp.duis.codec import describe
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.outbox import DeliveryPolicy
from harness.serve.rtds_world import ESME, GSME, build_served_world
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.live import live_server
from tests.serve.receiver import Receiver

FAST = DeliveryPolicy(first_retry_seconds=0.2, max_retry_seconds=1.0, timeout_seconds=0.5)
ECS52 = request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML")


def endpoint(receiver: Receiver, policy: DeliveryPolicy = FAST) -> DuisEndpoint:
    config = EndpointConfig(schema=XSD_DIR, deliver_to=receiver.url, delivery=policy, tick_seconds=0.2)
    return DuisEndpoint(build_served_world("mp105"), config)


def make_messages(served: DuisEndpoint) -> int:
    """Suspend both meters (R-CPL-1's alerts), restore the ESME with an 11.2 (its response and alerts)."""
    served.set_device_firmware(ESME, "0200BBBB")
    served.suspend(ESME)
    served.suspend(GSME)
    assert served.serve("serviceS", ECS52).status == 200
    # every message queued, whatever delivery has done with it already: a receiver that is up may have
    # refused some by now (counting the pending alone, the 400 test failed when run by itself)
    return sum(served.state.outbox.counts().values())


def delivered_once_in_order(receiver: Receiver, served: DuisEndpoint, count: int) -> None:
    ids = receiver.ids()
    assert len(ids) == count == len(set(ids)), ids  # everything, none twice
    assert served.state.outbox.counts()["delivered"] == count
    queued = {m["id"]: (m["recipient"], m["device"]) for m in served.outbox_page(None, 0, 1000)["messages"]}
    by_key: dict[tuple[str, str], list[int]] = {}
    for message_id in ids:
        by_key.setdefault(queued[int(message_id)], []).append(int(message_id))
    assert all(order == sorted(order) for order in by_key.values())  # per User and device: in the order queued
    assert all(describe(body) for _, body in receiver.accepted)  # each a readable DUIS message


def test_a_receiver_down_for_a_while_then_up_gets_everything_once():
    receiver = Receiver()  # down: nothing listens on its port
    served = endpoint(receiver)
    with live_server(served):
        count = make_messages(served)
        time.sleep(2.0)
        assert receiver.attempts == 0 and served.state.outbox.counts()["pending"] == count
        receiver.up()
        assert receiver.wait_for(count, 5.0)
        time.sleep(0.5)
    receiver.down()
    delivered_once_in_order(receiver, served, count)


def test_a_receiver_answering_500_is_retried_until_it_takes_them():
    receiver = Receiver().up()
    receiver.status = 500
    served = endpoint(receiver)
    with live_server(served):
        count = make_messages(served)
        deadline = time.monotonic() + 5
        while receiver.attempts < 2 * count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert receiver.attempts >= 2 * count and not receiver.accepted
        receiver.status = 200
        assert receiver.wait_for(count, 5.0)
        time.sleep(0.5)
    receiver.down()
    delivered_once_in_order(receiver, served, count)


def test_a_hanging_receiver_costs_each_attempt_its_timeout_and_never_the_request_path():
    """A receiver that hung cost ~16 s per message, in series."""
    receiver = Receiver().up()
    receiver.hang, receiver.status = 30.0, 599  # never answers within the attempt's 0.5 s
    served = endpoint(receiver)
    with live_server(served) as base:
        import httpx

        count = make_messages(served)
        time.sleep(1.5)
        started = time.perf_counter()
        answer = httpx.post(f"{base}/api/v1/serviceS", content=ECS52, headers={"content-type": "application/xml"})
        assert answer.status_code == 200 and time.perf_counter() - started < 1.0
        count += 1  # its response
        page = served.outbox_page("pending", 0, 100)
        assert page["counts"]["pending"] >= count - 1 and any(m["outcome"] == "TimeoutError" for m in page["messages"])
        receiver.hang, receiver.status = 0.0, 200
        assert receiver.wait_for(count, 8.0), (len(receiver.accepted), count)
        time.sleep(0.5)
    receiver.down()
    delivered_once_in_order(receiver, served, count)


def test_a_receiver_refusing_with_400_is_not_retried_and_the_message_is_kept_refused():
    receiver = Receiver().up()
    receiver.status = 400
    served = endpoint(receiver)
    with live_server(served):
        count = make_messages(served)
        deadline = time.monotonic() + 5
        while served.state.outbox.counts()["refused"] < count and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
    receiver.down()
    assert served.state.outbox.counts()["refused"] == count and receiver.attempts == count
    assert {m["outcome"] for m in served.outbox_page("refused", 0, 100)["messages"]} == {"HTTP 400"}


def test_every_attempt_is_one_log_line_naming_the_message_recipient_and_outcome(caplog):
    receiver = Receiver()
    served = endpoint(receiver)
    with caplog.at_level(logging.INFO, logger="sm_harness.serve.delivery"), live_server(served):
        count = make_messages(served)
        time.sleep(0.6)
        receiver.up()
        assert receiver.wait_for(count, 5.0)
        time.sleep(0.3)
    receiver.down()
    lines = [r.getMessage() for r in caplog.records if r.name == "sm_harness.serve.delivery"]
    pattern = re.compile(r"^message=\d+ kind=(response|dcc_alert) recipient=[0-9A-F-]{23} device=[0-9A-F-]{23} "
                         r"attempt=\d+: (HTTP 200|ConnectError: retry in \d+\.\d s)$")
    assert lines and all(pattern.match(line) for line in lines), lines
    assert sum(line.endswith("HTTP 200") for line in lines) == count


def test_the_outbox_endpoint_pages_with_counts_and_refuses_bad_parameters():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from harness.serve.app import create_app

    served = DuisEndpoint(build_served_world("mp105"), EndpointConfig(schema=XSD_DIR))
    count = make_messages(served) or served.state.outbox.counts()["kept"]
    client = TestClient(create_app(served))
    page = client.get("/test/outbox", params={"state": "kept", "limit": 2}).json()
    assert page["counts"]["kept"] == count and len(page["messages"]) == 2 and page["next_after"] == page["messages"][1]["id"]
    rest = client.get("/test/outbox", params={"state": "kept", "after": page["next_after"], "limit": 100}).json()
    assert len(page["messages"]) + len(rest["messages"]) == count and rest["next_after"] is None
    for bad in ({"state": "lost"}, {"after": "-1"}, {"limit": "0"}, {"limit": "x"}):
        answer = client.get("/test/outbox", params=bad)
        assert answer.status_code == 400 and "error" in answer.json()


@pytest.mark.parametrize("after", ["999999999999999999999999999999", str(2**63), "\u00b2", "-5"],
                         ids=["10**30", "2**63", "superscript-2", "-5"])
def test_an_outbox_id_no_sqlite_integer_holds_is_a_400_in_one_line_not_a_500(after, caplog):
    """after=10**30 was an OverflowError, HTTP 500 and a traceback in the server's log."""
    client = _test_client()
    answer = client.get("/test/outbox", params={"after": after})
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error.startswith("after ") and "expected a whole number from 0 to 9223372036854775807" in error
    assert "\n" not in error and len(error) < 200
    assert not [r for r in caplog.records if r.exc_info]
    assert client.get("/test/outbox", params={"after": str(2**63 - 1)}).json()["messages"] == []


@pytest.mark.parametrize("seconds", [10**400, -(10**400), 10**30, float("inf"), float("nan")],
                         ids=["10**400", "-10**400", "10**30", "inf", "nan"])
def test_a_clock_advance_no_float_holds_is_a_400_in_one_line_not_a_500(seconds):
    """advance_seconds 10**400 overflowed in float(): HTTP 500."""
    import json

    client = _test_client()
    answer = client.post("/test/clock", content=json.dumps({"advance_seconds": seconds}),
                         headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"].startswith("advance_seconds must be between 0 and ten years, got ")
    assert client.post("/test/clock", json={"advance_seconds": 60}).status_code == 200


def _test_client():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from harness.serve.app import create_app

    return TestClient(create_app(DuisEndpoint(build_served_world("mp105"), EndpointConfig(schema=XSD_DIR))))


@pytest.mark.slow
def test_a_receiver_down_for_30_seconds_then_up_gets_everything_once():
    """The issue's case: with --deliver-to down, each message was tried 3 times in 1.2 s and dropped."""
    receiver = Receiver()
    policy = DeliveryPolicy(first_retry_seconds=1.0, max_retry_seconds=5.0, timeout_seconds=2.0)
    served = endpoint(receiver, policy)
    with live_server(served):
        count = make_messages(served)
        time.sleep(30.0)
        pending = served.state.outbox.page("pending", 0, 100)["messages"]
        assert len(pending) == count and max(m["attempts"] for m in pending) >= 4  # heads retried, the rest wait in order
        receiver.up()
        assert receiver.wait_for(count, 10.0)
        time.sleep(1.0)
    receiver.down()
    delivered_once_in_order(receiver, served, count)
