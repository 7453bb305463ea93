"""Paired comparisons: how much one sweep point differs from its baseline, replication by replication.

Sweep points share their random streams: a draw is keyed by (seed, replication, device, message,
purpose), never by the point (harness/sim/streams.py). Replication r of `ruleset = "mp105"` therefore loses
the same 11.3 responses as replication r of `ruleset = "legacy"`, and the difference between the two is
measured with the noise they share cancelled (common random numbers). For every point that is not a
baseline, its baseline is the point with the same parameters except the baseline's keys
(`[compare] baseline`, by default `ruleset = "legacy"` when legacy is swept):

- `difference`: point - baseline per replication, then the mean and its 95% t interval (not clipped:
  a difference may be negative);
- `variance_reduction`: the variance of the difference were the two runs independent (the sum of their
  variances) over the variance of the paired differences: how many times more replications an unpaired
  comparison would need for the same interval. None when the paired differences do not vary at all.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from harness.study.metrics import summarise_difference, variance
from harness.study.scenario import Scenario, value_of
from harness.study.study_plan import Study

DEFAULT_BASELINE = {"ruleset": "legacy"}


def baseline_of(scenario: Scenario) -> dict[str, Any] | None:
    """The swept values the other points are compared with: `[compare] baseline`, else legacy when the
    rule set is swept with legacy among its values, else None (nothing to compare)."""
    given = scenario.data["compare"]["baseline"]
    if given:
        return dict(given)
    swept = dict(scenario.sweep)
    if "legacy" in swept.get("ruleset", ()):
        return dict(DEFAULT_BASELINE)
    return None


def headline_values(scenario: Scenario, baseline: dict[str, Any] | None) -> dict[str, Any]:
    """The values of the other swept keys the report leads with: the scenario file's own value where it
    is one of the swept ones (rulesets-vs-loss.toml's 20% lost 11.3 responses), else the first swept."""
    out = {}
    for key, values in scenario.sweep:
        if baseline is not None and key in baseline:
            continue
        own = value_of(scenario.data, key)
        out[key] = own if own in values else values[0]
    return out


def compare_block(study: Study) -> dict[str, Any]:
    """summary.json's `compare`: the baseline used and the headline values."""
    baseline = baseline_of(study.scenario)
    return {"baseline": baseline, "headline": headline_values(study.scenario, baseline)}


def comparisons(study: Study, results: dict[tuple[int, int], dict]) -> list[dict[str, Any]]:
    """summary.json's `comparisons`: one entry per point that has a baseline point, in point order."""
    baseline = baseline_of(study.scenario)
    if baseline is None:
        return []
    keys = [k for k, _ in study.scenario.sweep]
    index = {_key(params, keys): p for p, params in enumerate(study.params)}
    out = []
    for p, params in enumerate(study.params):
        if all(params.get(k) == v for k, v in baseline.items()):
            continue  # a baseline itself
        base = index.get(_key({**params, **baseline}, keys))
        if base is None:
            continue
        runs = [results[(p, r)]["metrics"] for r in range(study.replications)]
        bases = [results[(base, r)]["metrics"] for r in range(study.replications)]
        entry = {"baseline": dict(study.params[base]), "point": dict(params), "metrics": _paired_metrics(runs, bases)}
        if "suppliers" in results[(p, 0)] and "suppliers" in results[(base, 0)]:  # each supplier's too
            entry["suppliers"] = {
                s["name"]: _paired_metrics([results[(p, r)]["suppliers"][i]["metrics"] for r in range(study.replications)],
                                           [results[(base, r)]["suppliers"][i]["metrics"] for r in range(study.replications)])
                for i, s in enumerate(results[(p, 0)]["suppliers"])
            }
        out.append(entry)
    return out


def _paired_metrics(runs: Sequence[dict[str, Any]], bases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    names = [n for n in runs[0] if n in bases[0]]
    return {n: paired([m[n] for m in runs], [m[n] for m in bases]) for n in names}


def paired(points: Sequence[float | None], baselines: Sequence[float | None]) -> dict[str, Any]:
    """The paired difference of one metric over replications (pairs with a value on both sides)."""
    pairs = [(x, y) for x, y in zip(points, baselines) if x is not None and y is not None]
    differences = [x - y for x, y in pairs]
    return {"difference": summarise_difference(differences), "variance_reduction": variance_reduction(pairs)}


def variance_reduction(pairs: Sequence[tuple[float, float]]) -> float | None:
    """(var(x) + var(y)) / var(x - y) over the pairs; None with fewer than two pairs or no paired variance."""
    if len(pairs) < 2:
        return None
    paired_var = variance([x - y for x, y in pairs])
    if paired_var <= 0.0:
        return None
    unpaired = variance([x for x, _ in pairs]) + variance([y for _, y in pairs])
    return float(f"{unpaired / paired_var:.6g}") if math.isfinite(unpaired / paired_var) else None


def _key(params: dict[str, Any], keys: Sequence[str]) -> tuple[str, ...]:
    """A point's swept values as a lookup key (1 and 1.0 alike: a baseline may spell a number either way)."""
    return tuple(repr(float(v) if isinstance(v, int) and not isinstance(v, bool) else v) for v in (params.get(k) for k in keys))
