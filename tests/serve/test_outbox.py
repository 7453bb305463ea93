"""The outbox as a queue: held until delivered, refused or expired; in order per User and device; retried
with exponential backoff and jitter; the same in SQLite's memory as in a --state file."""
from __future__ import annotations

import pytest

from harness.serve.outbox import DeliveryPolicy
from harness.serve.state import ServeState, StateError, identity_of

WORLD = identity_of("mp105", None)
POLICY = DeliveryPolicy(hold_seconds=100.0, first_retry_seconds=1.0, max_retry_seconds=8.0)


@pytest.fixture(params=["memory", "file"])
def state(request, tmp_path):
    opened = ServeState.open(None if request.param == "memory" else tmp_path / "state.db", WORLD, POLICY)
    yield opened
    opened.close()


def test_the_wait_doubles_from_the_first_retry_up_to_the_cap_drawn_from_its_upper_half():
    assert [POLICY.retry_after(n, 0.999999) for n in range(1, 7)] == pytest.approx([1, 2, 4, 8, 8, 8], rel=1e-5)
    assert [POLICY.retry_after(n, 0.0) for n in range(1, 5)] == [0.5, 1.0, 2.0, 4.0]
    assert POLICY.retry_after(10_000, 0.5) == 6.0  # no overflow however many attempts


def test_messages_about_one_device_go_one_at_a_time_and_a_failing_one_holds_only_its_own(state):
    outbox = state.outbox
    first = outbox.add("dcc_alert", b"<a/>", "SUPPLIER", "METER-1", 0.0, deliver=True)
    outbox.add("response", b"<b/>", "SUPPLIER", "METER-1", 0.0, deliver=True)
    other = outbox.add("response", b"<c/>", "SUPPLIER", "METER-2", 0.0, deliver=True)
    assert [m.id for m in outbox.due(0.0, 10, set())] == [first, other]  # the heads of the two keys
    assert [m.id for m in outbox.due(0.0, 10, {"SUPPLIER|METER-1"})] == [other]  # one in flight: its key waits
    head = outbox.due(0.0, 10, set())[0]
    retry = outbox.failed(head, 0.0, "HTTP 500")
    assert 0.5 <= retry <= 1.0
    assert [m.id for m in outbox.due(0.1, 10, set())] == [other]  # METER-1's second waits behind its first
    assert outbox.next_due(set()) == 0.0 and outbox.next_due({"SUPPLIER|METER-2"}) == retry


def test_a_message_is_delivered_refused_or_expired_and_every_state_is_counted(state):
    outbox = state.outbox
    for device in ("A", "B", "C"):
        outbox.add("response", b"<r/>", "U", device, 0.0, deliver=True)
    outbox.add("response", b"<r/>", "U", "D", 0.0, deliver=False)
    a, b, c = outbox.due(0.0, 10, set())
    outbox.delivered(a, 1.0, "HTTP 200")
    outbox.refused(b, 1.0, "HTTP 400")
    now = 1.0
    while (retry := outbox.failed(c, now, "ConnectError")) is not None:  # until a wait would pass the hold period
        now = retry
        (c,) = outbox.due(now, 1, set())
    assert outbox.counts() == {"pending": 0, "delivered": 1, "refused": 1, "expired": 1, "kept": 1}
    page = outbox.page("expired", 0, 10)
    assert [m["device"] for m in page["messages"]] == ["C"] and page["messages"][0]["attempts"] >= 5


def test_pending_messages_past_their_hold_period_expire_and_old_final_ones_are_pruned(state):
    outbox = state.outbox
    old = outbox.add("dcc_alert", b"<a/>", "U", "A", 0.0, deliver=True)
    outbox.delivered(outbox.due(0.0, 1, set())[0], 0.0, "HTTP 200")
    outbox.add("dcc_alert", b"<a/>", "U", "B", 50.0, deliver=True)
    assert outbox.expire(120.0) == []  # B is held until 150
    assert [row[0] for row in outbox.expire(151.0)] == [old + 1]
    assert outbox.counts()["delivered"] == 0  # delivered at 0, pruned once 100 s (the hold period) had passed


def test_a_message_never_delivered_is_logged_when_it_is_deleted_one_hold_period_after_it_finished(state, caplog):
    """Expired and refused messages vanished from /test/outbox (their counts back to 0) with no trace."""
    import logging

    outbox = state.outbox
    delivered = outbox.add("dcc_alert", b"<a/>", "U", "A", 0.0, deliver=True)
    refused = outbox.add("dcc_alert", b"<a/>", "U", "B", 0.0, deliver=True)
    expired = outbox.add("response", b"<r/>", "U", "C", 0.0, deliver=True)
    for message in outbox.due(0.0, 3, set()):
        {delivered: outbox.delivered, refused: outbox.refused}.get(message.id, outbox.failed)(message, 0.0, "HTTP 4xx")
    outbox.expire(100.0)  # C's hold period is over: it expires, and stays in sight one more hold period
    assert outbox.counts() == {"pending": 0, "delivered": 1, "refused": 1, "expired": 1, "kept": 0}
    with caplog.at_level(logging.INFO, logger="sm_harness"):
        outbox.expire(100.0)
        assert caplog.records == [] and outbox.counts()["refused"] == 1  # A and B finished at 0: in sight until 100
        outbox.expire(150.0)
        assert outbox.counts() == {"pending": 0, "delivered": 0, "refused": 0, "expired": 1, "kept": 0}
        outbox.expire(200.5)
    assert outbox.counts() == {state: 0 for state in outbox.counts()}
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2, lines  # the delivered one leaves no line: it was delivered
    assert lines[0].startswith(f"message={refused} kind=dcc_alert recipient=U device=B: deleted from the outbox, "
                               "never delivered (refused at 1970-01-01T00:00:00Z after 1 attempts")
    assert lines[1].startswith(f"message={expired} kind=response recipient=U device=C: deleted from the outbox, "
                               "never delivered (expired at 1970-01-01T00:01:40Z after 1 attempts")


def test_the_outbox_pages_through_everything_in_order(state):
    for n in range(25):
        state.outbox.add("response", f"<r n='{n}'/>".encode(), "U", f"D{n}", 0.0, deliver=True)
    seen, after = [], 0
    while after is not None:
        page = state.outbox.page("pending", after, 10)
        seen += [m["id"] for m in page["messages"]]
        after = page["next_after"]
    assert seen == sorted(seen) and len(seen) == 25 and page["counts"]["pending"] == 25


def test_a_state_file_is_one_servers_at_a_time_and_one_worlds(tmp_path):
    path = tmp_path / "state.db"
    held = ServeState.open(path, WORLD)
    with pytest.raises(StateError, match="in use by another sm-harness serve"):
        ServeState.open(path, WORLD)
    held.close()
    with pytest.raises(StateError, match=r"made for --rules mp105 \(no scenario\), not --rules legacy"):
        ServeState.open(path, identity_of("legacy", None))
    (tmp_path / "junk.db").write_text("not a database")
    with pytest.raises(StateError, match="not an sm-harness state database"):
        ServeState.open(tmp_path / "junk.db", WORLD)
    with pytest.raises(StateError, match="is a folder"):
        ServeState.open(tmp_path, WORLD)
