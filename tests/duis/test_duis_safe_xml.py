"""Untrusted DUIS XML: parsed without DTDs, entities or network, within a size limit."""

from __future__ import annotations

import pytest

from dsp.duis.errors import DuisError
from dsp.duis.safe_xml import DEFAULT_MAX_BYTES, parse_xml
from tests.duis.duis_fixtures import XXE, request

SR = "{http://www.dccinterface.co.uk/ServiceUserGateway}"


def test_real_template_parses_to_its_root_element() -> None:
    root = parse_xml(request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"))
    assert root.tag == f"{SR}Request"
    assert root.get("schemaVersion") == "5.4"


def test_xxe_file_is_refused_without_resolving_the_entity() -> None:
    with pytest.raises(DuisError) as caught:
        parse_xml(XXE.read_bytes(), source=XXE.name)
    message = str(caught.value)
    assert message == f"{XXE.name}: line 2: DOCTYPE is not allowed in a DUIS message (no DTDs or entities)"
    assert "root:" not in message  # nothing of /etc/passwd leaked


def test_internal_entity_expansion_is_refused() -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;">]><a>&l2;</a>'
    with pytest.raises(DuisError, match="DOCTYPE is not allowed"):
        parse_xml(laughs)


def test_oversized_message_is_refused_before_parsing() -> None:
    with pytest.raises(DuisError, match=r"message is 2049 bytes, over the 2048-byte limit"):
        parse_xml(b"<a>" + b"x" * 2042 + b"</a>", max_bytes=2048)
    assert DEFAULT_MAX_BYTES == 1 << 20


def test_limit_is_configurable_upwards() -> None:
    big = b"<a>" + b"x" * DEFAULT_MAX_BYTES + b"</a>"
    assert parse_xml(big, max_bytes=2 * DEFAULT_MAX_BYTES).tag == "a"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<a>\n<b></a>", "msg.xml: line 2, column 6: malformed XML (mismatched tag)"),
        (b"", "msg.xml: line 1, column 1: malformed XML (no element found)"),
        (b"<a/><b/>", "msg.xml: line 1, column 5: malformed XML (junk after document element)"),
        (b'<?xml version="1.0" encoding="nope"?><a/>', "msg.xml: unreadable XML (unknown encoding: nope)"),
    ],
)
def test_malformed_xml_is_one_line_saying_what_and_where(data: bytes, expected: str) -> None:
    with pytest.raises(DuisError) as caught:
        parse_xml(data, source="msg.xml")
    assert str(caught.value) == expected


def test_duis_error_is_a_value_error_and_always_one_line() -> None:
    err = DuisError("first line\n  second line")
    assert isinstance(err, ValueError)
    assert str(err) == "first line second line"


def test_character_references_are_not_entities() -> None:
    assert parse_xml(b"<a>x&#13;y&amp;</a>").text == "x\ry&"
