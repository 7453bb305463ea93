"""Cucumber tag expressions for `sm-harness features --tags`: `@R-VER-2 and not (@legacy or @slow)`.

The `@` is optional; `and` binds tighter than `or`; `not` tighter than both.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection

from dsp.errors import DomainError

_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")
Predicate = Callable[[Collection[str]], bool]


def parse_tag_expression(text: str) -> Predicate:
    """A predicate over a scenario's tags (without `@`); a DomainError names what is malformed."""
    tokens = [t for t in _TOKEN.findall(text or "") if t]
    if not tokens:
        raise DomainError("empty tag expression")
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        token = peek()
        if token is None:
            raise DomainError(f"tag expression {text!r} ends too early")
        pos += 1
        return token

    def expression() -> Predicate:
        left = term()
        while peek() == "or":
            take()
            right = term()
            left = (lambda a, b: lambda tags: a(tags) or b(tags))(left, right)
        return left

    def term() -> Predicate:
        left = factor()
        while peek() == "and":
            take()
            right = factor()
            left = (lambda a, b: lambda tags: a(tags) and b(tags))(left, right)
        return left

    def factor() -> Predicate:
        token = take()
        if token == "not":
            inner = factor()
            return lambda tags: not inner(tags)
        if token == "(":
            inner = expression()
            if take() != ")":
                raise DomainError(f"tag expression {text!r}: missing ')'")
            return inner
        if token in ("and", "or", ")"):
            raise DomainError(f"tag expression {text!r}: unexpected {token!r}")
        name = token.lstrip("@")
        return lambda tags: name in tags

    predicate = expression()
    if pos != len(tokens):
        raise DomainError(f"tag expression {text!r}: unexpected {tokens[pos]!r}")
    return predicate
