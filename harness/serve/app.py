"""The ASGI app of `sm-harness serve` (Starlette): the DUIS paths, the test-double endpoints, and the
background tasks that deliver what the endpoint queues and keep simulated time moving."""
from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from dsp.duis.errors import DuisError
from dsp.errors import DomainError
from harness.serve.delivery import deliver, tick
from harness.serve.endpoint import PATH_VARIANTS, BadRequest, DuisEndpoint, SlowBody
from harness.serve.outbox import STATES


def create_app(endpoint: DuisEndpoint) -> Starlette:
    """The Starlette app: DUIS paths, test-double endpoints, and the delivery and clock tasks."""
    config = endpoint.config
    # the parse slots are taken only by a request whose body is in whole: a slow sender waits alone
    admitted = asyncio.Semaphore(config.concurrent_requests)
    budget = BodyBudget(config.bodies_in_flight_bytes)

    async def service(request: Request) -> Response:
        path = request.path_params["path"]
        if path not in PATH_VARIANTS:
            return _text(f"unknown path /api/v1/{_printable(path)}: use "
                         f"{', '.join('/api/v1/' + p for p in PATH_VARIANTS)}", 404)
        media = request.headers.get("content-type", "")
        if media and "xml" not in media.lower():
            return _text(f"content type '{_printable(media)}' is not XML: send application/xml", 415)
        try:
            async with budget.reserve(request, config.max_bytes) as reserved:
                if not reserved:
                    return _text("too many large request bodies arriving at once: try again shortly", 503,
                                 {"Retry-After": "1"})
                raw = await read_limited(request, config.max_bytes, config.read_timeout)
                async with admitted:
                    reply = await run_in_threadpool(endpoint.serve, path, raw)
        except BadRequest as error:
            return _text(str(error), 408 if isinstance(error, SlowBody) else 400)
        except ClientDisconnect:
            return _text("the client went away before its body arrived", 400)
        headers = {"X-SM-Harness-Reason": _printable(reply.reason)[:200]} if reply.reason else None
        return Response(reply.body, reply.status, headers=headers, media_type=reply.media_type)

    def json_route(handler: Callable[[dict[str, Any], dict[str, Any]], Any]) -> Callable[[Request], Any]:
        async def route(request: Request) -> Response:
            try:
                # a POST's JSON body, or a GET's query parameters
                body = await _json_body(request, config.read_timeout) if request.method == "POST" else dict(request.query_params)
                result = await run_in_threadpool(handler, request.path_params, body)
            except (BadRequest, DomainError, DuisError) as error:
                return JSONResponse({"error": str(error)}, 400)
            return JSONResponse(result)

        return route

    def smi(params, body):
        return endpoint.smi(params.get("device"))

    def firmware(params, body):
        return endpoint.set_device_firmware(params["device"], _field(body, "version", str))

    def suspend(params, body):
        return endpoint.suspend(params["device"])

    def cpl(params, body):
        return endpoint.set_cpl(
            _field(body, "device_type", str), _field(body, "firmware", str), _field(body, "status", str),
            _field(body, "model", str, required=False), _field(body, "image_hash", str, required=False),
        )

    def cpl_entries(params, body):
        return endpoint.cpl()

    def loss(params, body):
        return endpoint.lose_next(
            _field(body, "device", str), _field(body, "srv", str), _field(body, "leg", str, required=False) or "response"
        )

    def clock(params, body):
        return endpoint.advance(_field(body, "advance_seconds", (int, float)))  # range-checked as given: float() overflows

    def outbox(params, query):
        state = query.get("state") or None
        if state is not None and state not in STATES:
            raise BadRequest(f"state {_printable(state)!r}: expected one of {', '.join(STATES)}")
        after, limit = _whole(query, "after", 0), _whole(query, "limit", 100)
        if not 1 <= limit <= 1000:
            raise BadRequest(f"limit {limit}: expected 1 to 1000")
        return endpoint.outbox_page(state, after, limit)

    def health(params, body):
        return endpoint.health()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        endpoint.on_queued(lambda: loop.call_soon_threadsafe(wake.set))
        tasks = [asyncio.create_task(deliver(endpoint, wake)), asyncio.create_task(tick(endpoint))]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    routes = [
        Route("/api/v1/{path}", service, methods=["POST"]),
        Route("/test/smi", json_route(smi), methods=["GET"]),
        Route("/test/smi/{device}", json_route(smi), methods=["GET"]),
        Route("/test/devices/{device}/firmware", json_route(firmware), methods=["POST"]),
        Route("/test/devices/{device}/suspend", json_route(suspend), methods=["POST"]),
        Route("/test/cpl", json_route(cpl), methods=["POST"]),
        Route("/test/cpl", json_route(cpl_entries), methods=["GET"]),
        Route("/test/loss", json_route(loss), methods=["POST"]),
        Route("/test/clock", json_route(clock), methods=["POST"]),
        Route("/test/outbox", json_route(outbox), methods=["GET"]),
        Route("/health", json_route(health), methods=["GET"]),
    ]
    async def http_error(request: Request, error: Exception) -> Response:
        """Starlette's own refusals (no such path, a method the path does not take) in one line too."""
        status = getattr(error, "status_code", 500)
        what = {404: "no such path", 405: f"{request.method} is not served at this path"}.get(status, "refused")
        return _text(f"{what}: {_printable(request.url.path)[:200]}", status)

    return Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: http_error})


class BodyBudget:
    """Bytes of request bodies being received at once, bounded: a body's declared length (or, without
    one, the size limit) is reserved before it is read and given back when its request is done. Bodies
    of at most `SMALL_BODY` bytes are never refused (they are bounded by the connection limit)."""

    SMALL_BODY = 1 << 20

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    @contextlib.asynccontextmanager
    async def reserve(self, request: Request, max_bytes: int) -> AsyncIterator[bool]:
        declared = request.headers.get("content-length", "")
        wanted = min(int(declared), max_bytes) if declared.isdigit() else max_bytes
        counted = wanted if wanted > self.SMALL_BODY else 0
        if counted and self.used + counted > self.limit:
            yield False
            return
        self.used += counted
        try:
            yield True
        finally:
            self.used -= counted


def _printable(text: str) -> str:
    """`text` safe for a header or a one-line message: printable ASCII, anything else escaped."""
    return "".join(c if " " <= c <= "~" else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}" for c in text)


def _text(message: str, status: int, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(f"sm-harness: {message}\n", status, headers=headers)


async def read_limited(request: Request, limit: int, timeout: float = 30.0) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise BadRequest(f"Content-Length {declared[:20]!r} is not a number")
        if int(declared) > limit:
            raise BadRequest(f"request body is {int(declared)} bytes, over the {limit}-byte limit")
    chunks, size = [], 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BadRequest(f"request body is over the {limit}-byte limit")
                chunks.append(chunk)
    except TimeoutError:
        raise SlowBody(f"request body did not arrive within {timeout:g} s ({size} bytes read)") from None
    return b"".join(chunks)


async def _json_body(request: Request, timeout: float) -> dict[str, Any]:
    raw = await read_limited(request, 64 * 1024, timeout)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"request body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object")
    return body


SQLITE_INTEGER_MAX = 2**63 - 1  # an id beyond this is none the outbox can hold (SQLite would overflow)


def _whole(query: dict[str, Any], name: str, default: int, most: int = SQLITE_INTEGER_MAX) -> int:
    text = str(query.get(name, default))
    if not (text.isascii() and text.isdigit()) or int(text) > most:  # isdigit alone passes '²', which int() refuses
        shown = _printable(text[:40]) + ("..." if len(text) > 40 else "")
        raise BadRequest(f"{name} {shown!r}: expected a whole number from 0 to {most}")
    return int(text)


def _field(body: dict[str, Any], name: str, kind: type | tuple[type, ...], *, required: bool = True) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(f"missing field {name!r}")
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BadRequest(f"field {name!r} has the wrong type: {type(value).__name__}")
    return value
