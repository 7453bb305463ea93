"""DUIS XML is checked for its shape before any tree is built, and large base64 content is validated in
linear time: a hostile header costs milliseconds, deep nesting is a one-line error, a 10 MB firmware
image validates in bounded memory."""
from __future__ import annotations

import base64
import re
import time
import tracemalloc

import pytest

from dsp.duis.errors import DuisError
from dsp.duis.safe_xml import XmlLimits, parse_xml
from dsp.duis.schema import validate
from tests.duis.duis_fixtures import XSD_DIR, request

UPDATE = request("11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML")
MAX_IMAGE = 10_240_000  # the DUIS XSD's maxLength of FirmwareImage, in octets


def with_image(octets: int, text: bytes | None = None) -> bytes:
    image = text if text is not None else base64.b64encode(bytes(range(256)) * (octets // 256) + bytes(octets % 256))
    return re.sub(rb"<sr:FirmwareImage>[^<]*<", b"<sr:FirmwareImage>" + image + b"<", UPDATE)


def test_a_header_with_16000_attributes_is_refused_in_milliseconds():
    """A 166 KB header with 16,000 attributes cost 16 s of schema work (quadratic in the attributes)."""
    attributes = " ".join(f'a{i}="x"' for i in range(16_000))
    hostile = UPDATE.replace(b"<sr:Header>", f"<sr:Header {attributes}>".encode())
    started = time.perf_counter()
    with pytest.raises(DuisError) as error:
        parse_xml(hostile, source="request body")
    assert time.perf_counter() - started < 0.1
    assert str(error.value) == "request body: line 3: element <Header> has 16000 attributes, over the limit of 64"


@pytest.mark.parametrize("depth, refused", [(60, False), (62, True), (330, True), (5000, True)])
def test_nesting_beyond_the_limit_is_one_line(depth, refused):
    """Elements nested ~330 deep inside ds:Signature gave a RecursionError in the schema validator."""
    nested = b"<a>" * depth + b"</a>" * depth  # inside ds:Object, which is 3 deep: 64 in all is the limit
    body = UPDATE.replace(b"</ds:KeyInfo>", b"</ds:KeyInfo><ds:Object>" + nested + b"</ds:Object>")
    if refused:
        with pytest.raises(DuisError, match=r"^request body: line \d+: elements nested more than 64 deep$"):
            parse_xml(body, source="request body")
    else:
        assert validate(parse_xml(body), XSD_DIR) == []


def test_the_element_count_and_the_text_of_one_element_are_bounded():
    limits = XmlLimits(max_elements=20, max_text=100)
    with pytest.raises(DuisError, match="more than 20 elements"):
        parse_xml(b"<a>" + b"<b/>" * 20 + b"</a>", limits=limits)
    with pytest.raises(DuisError, match="text of more than 100 characters in one element"):
        parse_xml(b"<a>" + b"x" * 101 + b"</a>", limits=limits)
    assert len(parse_xml(b"<a>" + b"<b>" + b"x" * 100 + b"</b>" * 1 + b"<b/>" * 18 + b"</a>", limits=limits)) == 19


def test_the_shape_pass_leaves_dtds_and_malformed_xml_to_the_parser_and_its_messages():
    with pytest.raises(DuisError, match="line 1: DOCTYPE is not allowed"):
        parse_xml(b'<!DOCTYPE a [<!ENTITY x "' + b"y" * 100 + b'">]><a>&x;</a>')
    with pytest.raises(DuisError, match=r"line 1, column \d+: malformed XML"):
        parse_xml(b"<a><b></a>")


def test_a_firmware_image_of_the_largest_size_validates_in_bounded_memory_and_time():
    """A 10 MB image peaked at 1.75 GB in the schema validator's base64 regular expression."""
    body = with_image(MAX_IMAGE)
    root = parse_xml(body, max_bytes=16 << 20)
    image = root.find(".//{*}FirmwareImage").text
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert validate(root, XSD_DIR) == []
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5 and peak < 64 << 20, f"{peak >> 20} MB"
    assert root.find(".//{*}FirmwareImage").text is image  # the stand-in is gone again


@pytest.mark.parametrize(
    "octets, text, reason",
    [
        (MAX_IMAGE + 1, None, f"value length {MAX_IMAGE + 1} octets, over the type's maxLength {MAX_IMAGE}"),
        (0, b"A" * 100_001, "not a base64 encoding"),
        (0, b"AAAA" * 30_000 + b"*AAA", "not a base64 encoding"),
    ],
    ids=["over-maxLength", "bad-padding", "bad-character"],
)
def test_a_large_image_that_breaks_its_type_is_reported_as_the_validator_would(octets, text, reason):
    reasons = validate(parse_xml(with_image(octets, text), max_bytes=16 << 20), XSD_DIR)
    assert reasons == [f"/sr:Request/sr:Body/sr:UpdateFirmware/sr:FirmwareImage: {reason}"]


def test_spaces_between_groups_of_a_large_image_are_allowed_as_the_type_allows():
    image = b" ".join([b"AAAA"] * 40_000)
    assert validate(parse_xml(with_image(0, image)), XSD_DIR) == []
