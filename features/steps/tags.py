"""Cucumber tag expressions for `sm-harness features --tags`: `@R-VER-2 and not (@legacy or @slow)`.

The `@` is optional; `and` binds tighter than `or`; `not` tighter than both. A chain of `or`s (or `and`s)
is one node holding its terms, so a 1,000-term expression is as shallow as a 2-term one; nesting (brackets
and `not`) is bounded by `MAX_DEPTH`, so no expression can exhaust the stack.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection

from dsp.errors import DomainError

_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")
MAX_DEPTH = 100  # brackets and `not`s inside one another
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
            raise DomainError(f"tag expression {quote_expression(text)} ends too early")
        pos += 1
        return token

    def expression(depth: int) -> Predicate:
        terms = [term(depth)]
        while peek() == "or":
            take()
            terms.append(term(depth))
        return terms[0] if len(terms) == 1 else (lambda tags: any(t(tags) for t in terms))

    def term(depth: int) -> Predicate:
        factors = [factor(depth)]
        while peek() == "and":
            take()
            factors.append(factor(depth))
        return factors[0] if len(factors) == 1 else (lambda tags: all(f(tags) for f in factors))

    def factor(depth: int) -> Predicate:
        if depth >= MAX_DEPTH:
            raise DomainError(f"tag expression {quote_expression(text)}: nested more than {MAX_DEPTH} deep (brackets and nots)")
        token = take()
        if token == "not":
            inner = factor(depth + 1)
            return lambda tags: not inner(tags)
        if token == "(":
            inner = expression(depth + 1)
            if take() != ")":
                raise DomainError(f"tag expression {quote_expression(text)}: missing ')'")
            return inner
        if token in ("and", "or", ")"):
            raise DomainError(f"tag expression {quote_expression(text)}: unexpected {token!r}")
        name = token.lstrip("@")
        return lambda tags: name in tags

    predicate = expression(0)
    if pos != len(tokens):
        raise DomainError(f"tag expression {quote_expression(text)}: unexpected {tokens[pos]!r}")
    return predicate


def quote_expression(text: str, limit: int = 80) -> str:
    """The expression as quoted in an error: a long one cut, so the error stays one readable line."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text)} characters)"
