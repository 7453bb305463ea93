"""A study's plan: one validated scenario per sweep point, each replicated, each replication in shards."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from harness.study.scenario import Scenario


@dataclass(frozen=True)
class Study:
    """What to run: one validated scenario data dict per sweep point, each replicated `replications` times."""

    scenario: Scenario
    replications: int
    seed: int
    params: list[dict[str, Any]]
    datas: list[dict[str, Any]]

    @property
    def key(self) -> str:
        """Identifies the study's work, so a resumed run only reuses results of the same study."""
        blob = json.dumps([self.datas, self.replications], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def tasks(self) -> list[tuple[int, int, int, dict[str, Any]]]:
        """(point, replication, shard, data): one task per shard of each replication of each point."""
        return [
            (p, r, s, data) for p, data in enumerate(self.datas) for r in range(self.replications) for s in range(data["shards"])
        ]


def plan(scenario: Scenario, *, replications: int | None = None, seed: int | None = None) -> Study:
    """Expand the sweep; command-line replications and seed win over the file's."""
    base = {}
    if replications is not None:
        base["replications"] = replications
    if seed is not None:
        base["seed"] = seed
    scenario = scenario.with_values(base) if base else scenario
    params = scenario.points()
    datas = [scenario.with_values(p).data if p else scenario.data for p in params]
    return Study(scenario, scenario["replications"], scenario["seed"], params, datas)
