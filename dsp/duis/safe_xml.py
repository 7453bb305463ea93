"""Parse untrusted DUIS XML safely: no DTDs, no entities, no network, bounded size and shape.

Before any tree is built, one streaming pass (expat, no DTD, nothing stored) checks the shape of the
document against `XmlLimits`: elements, nesting depth, attributes per element and the text of one element.
So a header with 16,000 attributes is refused in milliseconds rather than costing seconds of schema work,
and elements nested hundreds deep are a one-line error rather than a RecursionError further on. The
limits sit far above any DUIS message: the published templates, responses and schemas nest at most 13
deep, with at most 4 attributes on an element and ~3,300 elements.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.parsers import expat

import defusedxml
import defusedxml.ElementTree as DET

from dsp.duis.errors import DuisError

__all__ = ["DEFAULT_LIMITS", "DEFAULT_MAX_BYTES", "XmlLimits", "check_shape", "parse_xml"]

DEFAULT_MAX_BYTES = 1 << 20  # 1 MiB: far above any DUIS message the harness exchanges (an 11.1 asks for more)


@dataclass(frozen=True)
class XmlLimits:
    """The largest document shape accepted (besides its size in bytes, given per call)."""

    max_elements: int = 100_000
    max_depth: int = 64
    max_attributes: int = 64  # on one element (namespace declarations not counted)
    max_text: int = 16 << 20  # characters of text directly inside one element (an 11.1's base64 image)


DEFAULT_LIMITS = XmlLimits()


def parse_xml(
    data: bytes | str,
    *,
    source: str = "<DUIS message>",
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: XmlLimits = DEFAULT_LIMITS,
) -> ET.Element:
    """Return the root element of ``data``; raise :class:`DuisError` for anything unsafe, malformed or
    over the limits.

    Any DOCTYPE is refused (so no entity is ever declared, expanded or fetched); ``source`` names the
    input in error messages.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise DuisError(f"{source}: message is {len(raw)} bytes, over the {max_bytes}-byte limit")
    check_shape(raw, source=source, limits=limits)
    try:
        root: ET.Element = DET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise DuisError(
            f"{source}: line {_line_of(raw, b'<!DOCTYPE')}: DOCTYPE is not allowed in a DUIS message "
            "(no DTDs or entities)"
        ) from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as err:
        raise DuisError(f"{source}: entity or external reference is not allowed ({err})") from None
    except ET.ParseError as err:
        line, column = err.position
        reason = str(err).split(":")[0]
        raise DuisError(f"{source}: line {line}, column {column + 1}: malformed XML ({reason})") from None
    except (ValueError, LookupError) as err:  # e.g. an unknown encoding declaration
        raise DuisError(f"{source}: unreadable XML ({err})") from None
    return root


class _Stop(Exception):
    """The shape pass met something the real parse reports better (a DOCTYPE): stop scanning."""


class _OverLimit(Exception):
    """The shape pass found the document over a limit: why, in one line."""


def check_shape(raw: bytes, *, source: str = "<DUIS message>", limits: XmlLimits = DEFAULT_LIMITS) -> None:
    """Raise DuisError if the document has more elements, deeper nesting, more attributes on an element
    or more text in an element than `limits` allow. Malformed XML is left to the parse that follows
    (it names the fault); a DOCTYPE ends the pass at once, before anything in it is read."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = elements = text = 0

    def refuse(why: str) -> None:
        raise _OverLimit(f"{source}: line {parser.CurrentLineNumber}: {why}")

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, elements, text
        depth += 1
        elements += 1
        text = 0
        if depth > limits.max_depth:
            refuse(f"elements nested more than {limits.max_depth} deep")
        if elements > limits.max_elements:
            refuse(f"more than {limits.max_elements} elements")
        if len(attributes) > limits.max_attributes:
            refuse(f"element <{_local(name)}> has {len(attributes)} attributes, over the limit of {limits.max_attributes}")

    def end(name: str) -> None:
        nonlocal depth, text
        depth -= 1
        text = 0

    def characters(data: str) -> None:
        nonlocal text
        text += len(data)
        if text > limits.max_text:
            refuse(f"text of more than {limits.max_text} characters in one element")

    def doctype(*_: object) -> None:
        raise _Stop

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(raw, True)
    except _OverLimit as over:
        raise DuisError(str(over)) from None
    except (_Stop, expat.ExpatError, ValueError, LookupError):
        return  # the real parse refuses it, with its own message


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _line_of(raw: bytes, needle: bytes) -> int:
    index = raw.find(needle)
    return raw.count(b"\n", 0, index) + 1 if index >= 0 else 1
