"""Large binary content validated in linear time, outside the schema validator.

xmlschema checks an `xs:base64Binary` value with a regular expression that backtracks over every group of
four characters: a 10 MB firmware image in an 11.1 costs ~1.8 GB of memory and ~10 s (a 14 MB GBCS
payload in a response, more). So before the schema pass, each element whose text is over `LARGE_TEXT`
characters and whose declared type derives from base64Binary is checked here (its characters, its
padding, its decoded length against the type's length facets), and a short stand-in takes its place
while the schema validator walks the tree; the text is put back afterwards, whatever happens.
"""

from __future__ import annotations

import binascii
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["LARGE_TEXT", "binaries_set_aside"]

LARGE_TEXT = 64 * 1024  # characters: smaller texts are left to the schema validator
_BASE64 = "{http://www.w3.org/2001/XMLSchema}base64Binary"


@contextmanager
def binaries_set_aside(root: ET.Element, schema: Any, namespaces: dict[str, str]) -> Iterator[list[str]]:
    """While open, every large base64Binary text in `root` is replaced by a valid stand-in; yields the
    reasons found invalid here (path: why), for the caller to report with the schema's own."""
    reasons: list[str] = []
    kept: list[tuple[ET.Element, str]] = []
    try:
        for element, tags in _large_texts(root):
            path = _prefixed(tags, namespaces)
            xsd_type = _declared_type(schema, path, namespaces)
            if xsd_type is None or not _is_base64(xsd_type) or getattr(xsd_type, "patterns", None):
                continue  # not ours to check: the schema validator sees it as it is
            text = element.text or ""
            reason = _check(text, xsd_type)
            if reason:
                reasons.append(f"{path}: {reason}")
            kept.append((element, text))
            element.text = _stand_in(xsd_type)
        yield reasons
    finally:
        for element, text in kept:
            element.text = text


def _large_texts(root: ET.Element) -> Iterator[tuple[ET.Element, tuple[str, ...]]]:
    """(element, the Clark names from the root down to it) for each element whose text is over LARGE_TEXT."""
    stack: list[tuple[ET.Element, tuple[str, ...]]] = [(root, (root.tag,))]
    while stack:
        element, tags = stack.pop()
        if element.text is not None and len(element.text) > LARGE_TEXT:
            yield element, tags
        stack.extend((child, (*tags, child.tag)) for child in element if isinstance(child.tag, str))


def _declared_type(schema: Any, path: str, namespaces: dict[str, str]) -> Any:
    try:
        declared = schema.find(path, namespaces=namespaces)
    except Exception:  # xmlschema's XPath on a path it cannot follow: leave the element to the validator
        return None
    return getattr(declared, "type", None)


def _prefixed(tags: tuple[str, ...], namespaces: dict[str, str]) -> str:
    """`/sr:Request/sr:Body/...` for the Clark names `tags`."""
    prefixes = {uri: prefix for prefix, uri in namespaces.items()}
    steps = []
    for tag in tags:
        uri, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        steps.append(f"{prefixes[uri]}:{local}" if uri in prefixes else local)
    return "/" + "/".join(steps)


def _is_base64(xsd_type: Any) -> bool:
    primitive = getattr(xsd_type, "primitive_type", None)
    return getattr(primitive, "name", None) == _BASE64


def _check(text: str, xsd_type: Any) -> str:
    """Why `text` is not a valid value of the base64Binary type (empty when it is)."""
    compact = "".join(text.split())  # the type's whitespace is collapsed; spaces between groups are allowed
    try:
        octets = len(binascii.a2b_base64(compact, strict_mode=True))
    except (binascii.Error, ValueError):
        return "not a base64 encoding"
    exact, low, high = (getattr(xsd_type, name, None) for name in ("length", "min_length", "max_length"))
    if exact is not None and octets != exact:
        return f"value length {octets} octets, the type requires {exact}"
    if low is not None and octets < low:
        return f"value length {octets} octets, under the type's minLength {low}"
    if high is not None and octets > high:
        return f"value length {octets} octets, over the type's maxLength {high}"
    return ""


def _stand_in(xsd_type: Any) -> str:
    """A short value the schema validator accepts for the type (its shortest allowed length)."""
    octets = getattr(xsd_type, "length", None) or getattr(xsd_type, "min_length", None) or 0
    return binascii.b2a_base64(bytes(min(octets, LARGE_TEXT)), newline=False).decode("ascii")
