"""Fuzz: mutated DUIS templates and GBCS vectors give a record or a DuisError, never another exception."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsp.duis.envelope import parse_message
from dsp.duis.errors import DuisError
from dsp.duis.gbcs import firmware_facts
from tests.duis.duis_fixtures import REQUESTS, RESPONSES, VECTORS

TEMPLATES = [p.read_bytes() for p in REQUESTS + RESPONSES]
PAYLOADS = [bytes.fromhex(p.read_text().strip()) for p in VECTORS]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw: st.DrawFn, originals: list[bytes]) -> bytes:
    """An original with a few byte flips, insertions, deletions and maybe a truncation."""
    data = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[at:at] = draw(
                st.binary(min_size=1, max_size=8) | st.sampled_from([b"<", b">", b"&", b"<!DOCTYPE a>"])
            )
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        else:
            del data[at:]
    return bytes(data)


@FUZZ
@given(mutated(TEMPLATES))
def test_mutated_duis_messages_parse_or_raise_duis_error(data: bytes) -> None:
    try:
        parse_message(data)
    except DuisError as err:
        assert "\n" not in str(err)


@FUZZ
@given(mutated(PAYLOADS))
def test_mutated_gbcs_payloads_give_facts_or_raise_duis_error(payload: bytes) -> None:
    try:
        facts = firmware_facts(payload)
    except DuisError as err:
        assert "\n" not in str(err)
    else:
        assert facts.firmware_version is None or len(facts.firmware_version) == 8


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_gbcs_reader(payload: bytes) -> None:
    with contextlib.suppress(DuisError):
        firmware_facts(payload)
