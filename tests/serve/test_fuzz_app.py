"""A mutation fuzz of DUIS requests against the ASGI app, in process: byte flips, truncation, insertions,
element deletion and duplication, deep nesting, attribute floods, entities and DOCTYPEs, wrong Command
Variants and paths, huge texts. No case gets a 5xx or takes long, every refusal is one line, and the app
still answers a valid request correctly, between the cases and after them."""
from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
import pytest

from dsp.duis.codec import describe
from dsp.duis.schema import load_all
from harness.serve.app import create_app
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.rtds_world import build_served_world
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.mutations import Mutator

INVENTORY = request("8.2_READ_INVENTORY_REQUEST_DUIS.XML")
PER_REQUEST_SECONDS = 2.0


def fuzz(cases: int, seed: int = 12) -> tuple[Counter[int], float]:
    """Run `cases` mutated requests; the statuses seen and the slowest answer, in seconds."""
    load_all(XSD_DIR)  # as serve does at start: every version's XSD, before the clock starts
    served = DuisEndpoint(build_served_world("mp105"), EndpointConfig(schema=XSD_DIR))
    app = create_app(served)
    mutator = Mutator(seed)
    statuses: Counter[int] = Counter()
    slowest = 0.0

    async def valid(client: httpx.AsyncClient) -> None:
        answer = await client.post("/api/v1/serviceD", content=INVENTORY, headers={"content-type": "application/xml"})
        facts = describe(answer.content)
        assert answer.status_code == 200 and (facts["response_code"], facts["payload_kind"]) == ("I0", "DSPInventory")

    async def run() -> None:
        nonlocal slowest
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sm-harness") as client:
            await valid(client)
            for number in range(cases):
                case = mutator.case(number)
                started = time.perf_counter()
                async with asyncio.timeout(30):
                    answer = await client.post(f"/api/v1/{case.path}", content=case.body,
                                               headers={"content-type": "application/xml"})
                seconds = time.perf_counter() - started
                slowest = max(slowest, seconds)
                statuses[answer.status_code] += 1
                where = f"case {number} ({', '.join(case.operations)})"
                assert answer.status_code < 500, f"{where}: {answer.status_code} {answer.text[:300]}"
                assert seconds < PER_REQUEST_SECONDS, f"{where}: {seconds:.2f} s"
                if answer.status_code != 200:
                    assert answer.text.count("\n") == 1 and answer.text.startswith("sm-harness: "), f"{where}: {answer.text[:300]!r}"
                if number % 500 == 499:
                    await valid(client)
            await valid(client)

    asyncio.run(run())
    return statuses, slowest


def _report(statuses: Counter[int], slowest: float) -> None:
    total = sum(statuses.values())
    spread = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
    print(f"\nfuzz: {total} cases, statuses {spread}; 5xx: {sum(c for s, c in statuses.items() if s >= 500)}; "
          f"slowest {slowest * 1000:.0f} ms")


def test_a_few_hundred_mutated_requests_get_no_5xx():
    statuses, slowest = fuzz(300)
    _report(statuses, slowest)
    assert sum(statuses.values()) == 300 and statuses[200] and statuses[400]


@pytest.mark.slow
def test_ten_thousand_mutated_requests_get_no_5xx():
    statuses, slowest = fuzz(10_000, seed=2024)
    _report(statuses, slowest)
    assert sum(statuses.values()) == 10_000 and not any(s >= 500 for s in statuses)
