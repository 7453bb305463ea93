"""How the what-if report writes numbers, intervals, parameters and labels (reports.whatif's formatting)."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from reports.render import format_number


def finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def triple(values: Mapping[str, Any]) -> tuple[float | None, float | None, float | None]:
    return values["mean"], values["lo"], values["hi"]


def one(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "fraction":
        return f"{value * 100:.2f} %"
    if kind == "hours":
        return f"{value:.2f} h"
    if kind == "money":
        return f"£{value:,.0f}" if value >= 0 else f"−£{-value:,.0f}"
    if kind == "money_p":  # a unit price: pence shown
        return f"£{value:,.2f}"
    if kind == "per1000":
        return f"{value:,.1f}"
    return f"{value:.3f}"


MINUS = "\u2212"  # a difference's sign, as a typeset minus


def signed(value: float | None, kind: str) -> str:
    """A difference: its sign always written, a fraction in percentage points."""
    if value is None:
        return "—"
    sign = MINUS if value < 0 else "+" if value > 0 else ""
    size = abs(value)
    if kind == "fraction":
        return f"{sign}{size * 100:.2f} pp"
    if kind == "hours":
        return f"{sign}{size:.2f} h"
    if kind == "money":
        return f"{sign}£{size:,.0f}"
    if kind == "per1000":
        return f"{sign}{size:,.1f}"
    return f"{sign}{size:.3f}"


def signed_ci(lo: float | None, hi: float | None, kind: str) -> str:
    """'[−22.89, −17.31]' in the difference's unit (said once, after the bracket)."""
    if lo is None or hi is None:
        return "—"
    unit = {"fraction": " pp", "hours": " h"}.get(kind, "")
    return f"[{signed(lo, kind).removesuffix(unit)}, {signed(hi, kind).removesuffix(unit)}]{unit}"


def mean(values: Mapping[str, Any], kind: str) -> str:
    return one(values["mean"], kind)


def ci(values: Mapping[str, Any], kind: str) -> str:
    """'0.84 – 3.16 %': the unit once, so the interval stays on one line in print."""
    lo, hi = values["lo"], values["hi"]
    if lo is None or hi is None:
        return "—"
    low, high = one(lo, kind), one(hi, kind)
    unit = {"fraction": " %", "hours": " h"}.get(kind, "")
    return f"{low.removesuffix(unit)} – {high}"


def cell(triple: tuple[float | None, float | None, float | None], kind: str) -> str:
    mean, lo, hi = triple
    text = one(mean, kind)
    return text if lo is None or hi is None else f"{text} ({ci({'lo': lo, 'hi': hi}, kind)})"


def sample_range(samples: Sequence[float], kind: str) -> str:
    return f"{one(min(samples), kind)} – {one(max(samples), kind)}" if samples else "—"


def column(rows: list[Mapping[str, Any]], name: str) -> list[float]:
    return [v for v in (finite(r.get(name)) for r in rows) if v is not None]


def series_label(parameters: Mapping[str, Any], keys: Sequence[str]) -> str:
    if len(keys) == 1 and keys[0] == "ruleset":
        return str(parameters.get("ruleset"))
    return ", ".join(f"{k}={fmt_param(k, parameters.get(k))}" for k in keys)


def fmt_param(key: str, value: Any) -> str:
    if key.startswith("loss") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value * 100:g} %"
    return "—" if value is None else str(value)


def param_label(key: str) -> str:
    """'loss.11.3.response' -> '11.3 responses lost'; other keys as they are written."""
    if key.startswith("loss."):
        srv, _, leg = key[len("loss."):].rpartition(".")
        return f"{srv} {leg}s lost" if srv else f"{leg} messages lost"
    return key


def x_label(key: str) -> str:
    if key.startswith("loss."):
        srv_leg = key[len("loss."):]
        srv, _, leg = srv_leg.rpartition(".")
        return f"{srv} {leg}s lost (%)" if srv else f"{leg} messages lost (%)"
    return key


def count(value: Any) -> str:
    return "—" if value is None else format_number(value, 0)


def code_order(code: str) -> tuple[str, int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (code.rstrip("0123456789"), int(digits) if digits else 0, code)


def plain(value: Any) -> str:
    if isinstance(value, float):
        return format_number(value, 4)
    return "" if value is None else str(value)


def kv(mapping: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(str(v.get("path", v)) if isinstance(v, Mapping) else str(v) for v in value)
        out.append((key.replace("_", " ").capitalize(), "—" if value in (None, "") else str(value)))
    return out


def same_value(a: Any, b: Any) -> bool:
    """A swept value equals another (1 and 1.0 alike)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return float(a) == float(b)
    return bool(a == b)
