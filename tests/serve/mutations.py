"""Mutated DUIS requests for the endpoint's fuzz test: each case is a real RTDS request template with one
to three mutations (seeded, so a failing case can be replayed by its number)."""
from __future__ import annotations

import copy
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from tests.duis.duis_fixtures import REQUESTS

PATHS = ("serviceS", "serviceD", "serviceT")
TEMPLATES = [p.read_bytes() for p in REQUESTS]


@dataclass(frozen=True)
class Case:
    number: int
    path: str
    body: bytes
    operations: tuple[str, ...]


class Mutator:
    """`case(n)`: the n-th case, the same every time for the same seed."""

    OPERATIONS = ("flip", "truncate", "insert", "delete_element", "duplicate_element", "deep_nesting",
                  "attribute_flood", "entities", "command_variant", "path", "huge_text", "strip_namespaces")

    def __init__(self, seed: int = 12) -> None:
        self.seed = seed

    def case(self, number: int) -> Case:
        draw = random.Random(self.seed * 1_000_003 + number)
        body = draw.choice(TEMPLATES)
        path = _home(body)
        operations = tuple(draw.choice(self.OPERATIONS) for _ in range(draw.randint(1, 3)))
        for operation in operations:
            if operation == "path":
                path = draw.choice(PATHS + ("service", "serviceX", "service%00S", "..%2fhealth", "serviceS/extra"))
            else:
                try:
                    body = getattr(self, operation)(draw, body)
                except RecursionError:  # ElementTree copying or writing a tree nested thousands deep
                    pass
        return Case(number, path, body, operations)

    # --- bytes ---------------------------------------------------------------------------------------------

    def flip(self, draw: random.Random, body: bytes) -> bytes:
        data = bytearray(body)
        for _ in range(draw.randint(1, 8)):
            if data:
                data[draw.randrange(len(data))] ^= draw.randint(1, 255)
        return bytes(data)

    def truncate(self, draw: random.Random, body: bytes) -> bytes:
        return body[: draw.randrange(len(body) + 1)]

    def insert(self, draw: random.Random, body: bytes) -> bytes:
        at = draw.randrange(len(body) + 1)
        junk = draw.choice([b"<", b">", b"&", b"]]>", b"<!--", b"\x00", "\u00e9\u2028".encode(), b"\xff\xfe",
                            bytes(draw.randrange(256) for _ in range(draw.randint(1, 32)))])
        return body[:at] + junk + body[at:]

    def huge_text(self, draw: random.Random, body: bytes) -> bytes:
        size = draw.choice([10_000, 200_000, 2_000_000])
        filler = draw.choice([b"A", b"9", b"\xc3\xa9", b" "])
        return re.sub(rb"(<[^/!?][^>]*>)([^<]{1,40})(</)", lambda m: m.group(1) + filler * size + m.group(3), body, count=1)

    def entities(self, draw: random.Random, body: bytes) -> bytes:
        declaration = draw.choice([
            b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/dtd">',
            b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p"> %p;]>',
        ])
        body = re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or b"") + declaration, body, count=1)
        return body.replace(b"</sr:RequestID>", b"&b;&x;</sr:RequestID>", 1) if draw.random() < 0.5 else body

    def command_variant(self, draw: random.Random, body: bytes) -> bytes:
        value = draw.choice([b"0", b"3", b"4", b"5", b"7", b"8", b"9", b"-1", b"99999999999999999999", b"x", b""])
        return re.sub(rb"<sr:CommandVariant>[^<]*<", b"<sr:CommandVariant>" + value + b"<", body, count=1)

    # --- structure -----------------------------------------------------------------------------------------

    def _tree(self, body: bytes) -> ET.Element | None:
        try:
            return ET.fromstring(body)  # a template or an earlier mutation of one: ours, not hostile
        except (ET.ParseError, ValueError, LookupError):
            return None

    def _elements(self, root: ET.Element) -> list[tuple[ET.Element, ET.Element]]:
        return [(parent, child) for parent in root.iter() for child in parent]

    def delete_element(self, draw: random.Random, body: bytes) -> bytes:
        root = self._tree(body)
        if root is None or not (pairs := self._elements(root)):
            return body
        parent, child = draw.choice(pairs)
        parent.remove(child)
        return ET.tostring(root)

    def duplicate_element(self, draw: random.Random, body: bytes) -> bytes:
        root = self._tree(body)
        if root is None or not (pairs := self._elements(root)):
            return body
        parent, child = draw.choice(pairs)
        at = list(parent).index(child)
        for _ in range(draw.choice([1, 1, 2, 50])):
            parent.insert(at, copy.deepcopy(child))
        return ET.tostring(root)

    def deep_nesting(self, draw: random.Random, body: bytes) -> bytes:
        depth = draw.choice([10, 60, 70, 330, 2000, 20_000])
        tag = draw.choice([b"a", b"sr:Body", b"ds:Object"])
        nested = b"<" + tag + b">" + b"<" + tag + b">" * (depth - 1) + b"</" + tag + b">" * depth
        where = draw.choice([b"</sr:Header>", b"</ds:KeyInfo>", b"</sr:Body>"])
        return body.replace(where, where + nested, 1) if where in body else body + nested

    def attribute_flood(self, draw: random.Random, body: bytes) -> bytes:
        count = draw.choice([5, 65, 1000, 16_000])
        attributes = b" ".join(b'a%d="%s"' % (i, b"x" * draw.randint(0, 3)) for i in range(count))
        element = draw.choice([b"<sr:Header", b"<sr:Body", b"<sr:Request "])
        return body.replace(element, element + b" " + attributes + (b" " if element.endswith(b" ") else b""), 1)

    def strip_namespaces(self, draw: random.Random, body: bytes) -> bytes:
        return re.sub(rb'\sxmlns(:\w+)?="[^"]*"', b"", body, count=draw.randint(1, 3))


def _home(body: bytes) -> str:
    found = re.search(rb"<sr:CommandVariant>(\d)<", body)
    variant = int(found.group(1)) if found else 1
    return {4: "serviceT", 2: "serviceD", 6: "serviceD", 8: "serviceD"}.get(variant, "serviceS")
