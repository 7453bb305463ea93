"""The endpoint's background work: delivering the outbox (harness/serve/outbox.py) to --deliver-to, and
the clock tick that keeps simulated time up with the wall clock.

The worker attempts up to `DeliveryPolicy.concurrency` messages at once, one per ordering key (a User and
a device), each within `timeout_seconds`: a receiver that is down, answers 5xx, 408 or 429, or hangs is
retried with exponential backoff and jitter until the hold period ends; one that answers another 4xx has
refused the message (kept as `refused`, not retried). Every attempt is one log line: the message's id,
kind, recipient, device, attempt number and outcome. Nothing here runs on the request path: a request only
adds a row to the outbox, in its own transaction.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool

from dsp.errors import DomainError
from harness.serve.endpoint import XML, DuisEndpoint
from harness.serve.outbox import Message

log = logging.getLogger("sm_harness.serve.delivery")

__all__ = ["check_url", "deliver", "tick"]

RETRIED = frozenset((408, 425, 429))  # 4xx that say "later", not "never"


def check_url(url: str) -> str:
    """`--deliver-to` checked at start: an http(s) URL with a host and a valid port; DomainError if not."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port that is no number or out of range
    except ValueError as error:
        raise DomainError(f"--deliver-to {url!r}: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise DomainError(f"--deliver-to {url!r}: not an http(s) URL")
    if not parts.hostname:
        raise DomainError(f"--deliver-to {url!r}: no host")
    if port == 0:
        raise DomainError(f"--deliver-to {url!r}: port 0 is not a port to deliver to")
    return url


async def tick(endpoint: DuisEndpoint) -> None:
    while True:
        await asyncio.sleep(endpoint.config.tick_seconds)
        try:
            await run_in_threadpool(endpoint.catch_up)
        except Exception:  # keep ticking; the log has the details
            log.exception("clock tick failed")


async def deliver(endpoint: DuisEndpoint, wake: asyncio.Event, clock: Callable[[], float] = time.time) -> None:
    """Deliver the outbox for as long as the server runs (messages without --deliver-to are only kept)."""
    import httpx

    url = endpoint.config.deliver_to
    if url is None:
        return
    outbox, policy = endpoint.state.outbox, endpoint.config.delivery
    busy: dict[str, asyncio.Task[None]] = {}  # ordering key -> its attempt in flight
    finished = asyncio.Event()
    timeout = httpx.Timeout(policy.timeout_seconds, connect=min(policy.timeout_seconds, 5.0))
    limits = httpx.Limits(max_connections=policy.concurrency, max_keepalive_connections=policy.concurrency)
    await asyncio.to_thread(outbox.all_due, clock())
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:

        async def attempt(message: Message) -> None:
            try:
                outcome, final = await _post(client, url, message, policy.timeout_seconds)
                now = clock()
                if final == "delivered":
                    await asyncio.to_thread(outbox.delivered, message, now, outcome)
                    _log(message, outcome)
                elif final == "refused":
                    await asyncio.to_thread(outbox.refused, message, now, outcome)
                    _log(message, f"{outcome}: refused, not retried")
                else:
                    retry = await asyncio.to_thread(outbox.failed, message, now, outcome)
                    _log(message, f"{outcome}: " + ("expired, held for its whole period" if retry is None
                                                    else f"retry in {retry - now:.1f} s"))
            except Exception:  # a bug here must not stop delivery of everything else
                log.exception("delivery of message %s failed unexpectedly", message.id)
            finally:
                busy.pop(message.ordering_key, None)
                finished.set()

        while True:
            now = clock()
            for message_id, recipient, device, attempts in await asyncio.to_thread(outbox.expire, now):
                log.warning("message=%s recipient=%s device=%s: expired after %s attempts", message_id, recipient, device, attempts)
            room = policy.concurrency - len(busy)
            for message in await asyncio.to_thread(outbox.due, now, room, set(busy)):
                busy[message.ordering_key] = asyncio.create_task(attempt(message))
            due = await asyncio.to_thread(outbox.next_due, set(busy))
            wait = 5.0 if due is None else min(5.0, max(0.0, due - clock()))
            wake.clear()
            finished.clear()
            waiters = [asyncio.create_task(wake.wait()), asyncio.create_task(finished.wait())]
            await asyncio.wait(waiters, timeout=max(wait, 0.01), return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()


async def _post(client: object, url: str, message: Message, seconds: float) -> tuple[str, str]:
    """One attempt: (outcome, 'delivered' | 'refused' | 'failed')."""
    import httpx

    assert isinstance(client, httpx.AsyncClient)
    headers = {"content-type": XML, "x-sm-harness-message-id": str(message.id)}
    try:
        async with asyncio.timeout(seconds):  # the whole attempt, however the receiver trickles
            answer = await client.post(url, content=message.body, headers=headers)
    except (httpx.HTTPError, TimeoutError, OSError) as error:
        return f"{type(error).__name__}", "failed"
    outcome = f"HTTP {answer.status_code}"
    if answer.status_code < 300:
        return outcome, "delivered"
    if 400 <= answer.status_code < 500 and answer.status_code not in RETRIED:
        return outcome, "refused"
    return outcome, "failed"


def _log(message: Message, outcome: str) -> None:
    log.info("message=%s kind=%s recipient=%s device=%s attempt=%s: %s", message.id, message.kind,
             message.recipient, message.device or "-", message.attempts + 1, outcome)
