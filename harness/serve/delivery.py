"""The endpoint's background work: delivering what it queued (responses, DCC alerts) to --deliver-to, and the
clock tick that keeps simulated time up with the wall clock."""
from __future__ import annotations

import asyncio
import logging

from starlette.concurrency import run_in_threadpool

from harness.serve.endpoint import XML, DuisEndpoint

log = logging.getLogger("sm_harness.serve")


async def tick(endpoint: DuisEndpoint) -> None:
    while True:
        await asyncio.sleep(endpoint.config.tick_seconds)
        try:
            await run_in_threadpool(endpoint.catch_up)
        except Exception:  # keep ticking; the log has the details
            log.exception("clock tick failed")


async def deliver(endpoint: DuisEndpoint, wake: asyncio.Event) -> None:
    """POST every queued response and DCC alert to --deliver-to, in order, retrying a few times."""
    import httpx

    config = endpoint.config
    async with httpx.AsyncClient(timeout=5.0) as client:
        while True:
            await wake.wait()
            wake.clear()
            for kind, xml in endpoint.take_outgoing():
                if config.deliver_to is None:
                    endpoint.record(kind, xml, "kept")
                    continue
                status = "failed"
                for attempt in range(config.delivery_attempts):
                    try:
                        answer = await client.post(config.deliver_to, content=xml, headers={"content-type": XML})
                        if answer.status_code < 300:
                            status = "delivered"
                            break
                        status = f"failed: HTTP {answer.status_code}"
                    except httpx.HTTPError as error:
                        status = f"failed: {type(error).__name__}"
                    await asyncio.sleep(0.2 * (attempt + 1))
                endpoint.record(kind, xml, status)
