"""A study's results as the analyst reads them: summary.json (every metric's mean and 95% interval per sweep
point, alerts and responses, distributions, modelling decisions, the manifest, performance) and
replications.csv (one row per point and replication)."""
from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any

from harness.study.comparisons import compare_block, comparisons
from harness.study.populations import suppliers_summary
from harness.study.metrics import ALERT_CODES, METRICS, restore_bin_edges, summarise
from harness.study.study_plan import Study
from harness.study.traffic_summary import traffic_per_hour
from harness.study.world_setup import settings_of
from reports.manifest import manifest as run_manifest

HARNESS_DECISIONS = {
    "R-SU-1": "a supplier (its IS and GS User IDs) updates every ESME, GSME, CHF and HCALCS it supplies, a window of devices at a time",
    "R-SU-2": "an 11.3 is retried when no I0 reaches the supplier within retry_timeout_hours (E21 alone does not trigger it)",
    "R-SU-3": "recovery rounds read the inventory (8.2) a page at a time and send 11.2 to each device still Suspended",
    "R-SU-4": "a repeat firmware update counts as wasted when the device already runs the target firmware",
    "R-DEV-5": "a GSME's successful activation reaches its GPF's copy after gpf_refresh_lag_hours",
    "R-DEV-6": "a command to an offline device is lost (an offline window touches commands only, not responses "
    "or alerts); losses and latencies are drawn per device and message; the DSP's immediate answer "
    "(acknowledgement, E-code, 8.2 rows) is never lost or delayed",
    "fleet": "devices listed Suspended/Recovered at the start held Commissioned before",
}



def decisions_of(data: dict[str, Any]) -> dict[str, str]:
    """The modelling decisions one point's figures rest on: the DSP's settings, then the harness's."""
    return {**settings_of(data).modelling_decisions(),
            **{f"harness {k}": v for k, v in {**HARNESS_DECISIONS, **whatif_decisions(data)}.items()}}


def modelling_decisions(study: Study) -> dict[str, str]:
    """Every point's decisions: one text where the points agree; where a sweep changes one (an alert code,
    E21 or not), each text with the points it holds for, named by the swept values they share."""
    texts: dict[str, dict[str, list[int]]] = {}
    for p, data in enumerate(study.datas):
        for key, text in decisions_of(data).items():
            texts.setdefault(key, {}).setdefault(text, []).append(p)
    everywhere = list(range(len(study.datas)))
    return {key: next(iter(by_text)) if list(by_text.values()) == [everywhere]
            else "; ".join(f"{_where(study, points)}: {text}" for text, points in by_text.items())
            for key, by_text in texts.items()}


def _where(study: Study, points: list[int]) -> str:
    """'where dsp.e21_on_timeout = false' (the swept values these points share), else 'at points 1, 3'."""
    first = study.params[points[0]]
    shared = [k for k, _ in study.scenario.sweep if all(study.params[p].get(k) == first.get(k) for p in points)]
    alike = [p for p, params in enumerate(study.params) if all(params.get(k) == first.get(k) for k in shared)]
    if shared and alike == points:  # exactly the points with these values
        return "where " + " and ".join(f"{k} = {_value(first.get(k))}" for k in shared)
    return "at points " + ", ".join(map(str, points))


def _value(value: Any) -> str:
    return json.dumps(value) if isinstance(value, bool) or value is None else str(value)


def whatif_decisions(data: dict[str, Any]) -> dict[str, str]:
    """The decisions behind the what-if parts a scenario uses (issue 14): supplier populations, costs."""
    out = {}
    if isinstance(data["supplier"], list):
        out["suppliers"] = ("each [[supplier]] supplies its share of every fleet group (a golden-ratio spread of the "
                            "group's units, a GSME with its GPF), as its own IS and GS User ID, with its own campaign "
                            "and a share of the window in proportion to its devices")
    if any(g["prepayment"] > 0 for g in data["fleet"]):
        out["prepayment"] = ("a group's prepayment share of its meters is spread through it (frac((u + 1/2)(sqrt 2 - 1)) "
                             "< share); each tops up as a Poisson stream (topups_per_day), SR 2.2 from its supplier: "
                             "Command Variant 1 to SMETS2, 2 to SMETS1 (E5 while Suspended, R-E5-3; a SMETS1 top-up is allowed "
                             "and delivered locally where R-E5-8's setting keeps the report's exception, R-E17-5); a top-up "
                             "travels like any SR and is not priced")
    if data["costs"] is not None:
        out["site visits"] = ("a device still Suspended site_visit_after_hours after the CPL removal gets one site "
                              "visit: the campaign's firmware installed if it does not run it, the SMI corrected and the "
                              "status before suspension restored (R-CPL-3's restoration); no DCC alert, no Service Request")
        out["costs"] = ("cost = per_service_request x the suppliers' SRs (8.2 included, top-ups not) + "
                        "per_firmware_update x update jobs (campaign and re-updates) + per_site_visit x visits")
    return out


def dumps(summary: dict) -> str:
    return json.dumps(summary, indent=2, sort_keys=False) + "\n"


def _point_summary(study: Study, p: int, results: dict) -> dict[str, Any]:
    runs = [results[(p, r)] for r in range(study.replications)]
    data = study.datas[p]
    codes = sorted({c for run in runs for c in run["counts"]})
    alert_codes = [c for c in codes if c.startswith("N")]
    response_codes = [c for c in codes if not c.startswith("N")]
    n = len(runs)
    point: dict[str, Any] = {
        "params": study.params[p],
        "ruleset": data["ruleset"],
        "devices": runs[0]["devices"],
        "metrics": {
            m: summarise([run["metrics"][m] for run in runs], 1.0 if m.endswith("_fraction") else None)
            for m in runs[0]["metrics"]  # METRICS, then the scenario's optional ones ([costs], prepayment)
        },
        # mean count per replication received by the users
        "alerts": {c: round(sum(run["counts"].get(c, 0) for run in runs) / n, 6) for c in sorted(set(ALERT_CODES[1:]) | set(alert_codes))},
        "responses": {c: round(sum(run["counts"].get(c, 0) for run in runs) / n, 6) for c in response_codes},
        # mean per replication: every SR the DCC received (top-ups included), the suppliers' own (8.2
        # included, top-ups aside: what SRs per device and the cost count), and the devices ever Suspended
        **{key: round(sum(run[key] for run in runs) / n, 6)
           for key in ("service_requests", "supplier_service_requests", "ever_suspended")},
        # restored devices of every replication, by hours from suspension to restore
        "distributions": {
            "time_to_restore_hours": {
                "edges": restore_bin_edges(data["horizon_hours"]),
                "counts": [sum(c) for c in zip(*(run["restore_histogram"] for run in runs))],
            }
        },
        "traffic_per_hour": traffic_per_hour(runs, data["horizon_hours"]),
    }
    if "suppliers" in runs[0]:  # [[supplier]] populations: each one's metrics beside the fleet's
        point["suppliers"] = suppliers_summary(data, runs, summarise)
    return point


def assemble(study: Study, results: dict[tuple[int, int], dict], *, elapsed: float, started: float) -> dict[str, Any]:
    """summary.json: the first point at the top level (the only one without a sweep), every point in
    `points`, the manifest, and the performance block (the one part that varies run to run)."""
    points = [_point_summary(study, p, results) for p in range(len(study.datas))]
    first, data = points[0], study.datas[0]
    walls = [r["wall_seconds"] for r in results.values()]
    requests = sum(r["service_requests"] for r in results.values())
    simulate = sum(r.get("simulate_seconds", r["wall_seconds"]) for r in results.values())
    return {
        "name": study.scenario.name,
        "description": data["description"],
        "ruleset": first["ruleset"],
        "seed": study.seed,
        "replications": study.replications,
        "devices": first["devices"],
        "horizon_hours": data["horizon_hours"],
        "metrics": first["metrics"],
        "alerts": first["alerts"],
        "responses": first["responses"],
        "distributions": first["distributions"],
        "traffic_per_hour": first["traffic_per_hour"],
        "sweep": {k: list(v) for k, v in study.scenario.sweep},
        "points": points,
        "compare": compare_block(study),
        **({"costs": data["costs"]} if data["costs"] is not None else {}),
        "comparisons": comparisons(study, results),
        "modelling_decisions": modelling_decisions(study),
        "manifest": manifest(study),
        "performance": {
            "wall_seconds": round(elapsed, 3),
            "replication_seconds": round(sum(walls), 3),
            # the longest single task (a shard, or a whole replication when unsharded): with a worker per task,
            # about what the study takes on a cluster
            "slowest_task_seconds": round(max(r.get("slowest_task_seconds", r["wall_seconds"]) for r in results.values()), 3),
            "service_requests": requests,
            "service_requests_per_second": round(requests / simulate) if simulate else None,
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in results.values()), 1),
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    }


def manifest(study: Study) -> dict[str, Any]:
    """What was run, with what: for the evidence (no times here, so the rest of the summary is stable)."""
    return run_manifest(
        ("simpy", "dask", "distributed", "rich"),
        scenario_file=Path(study.scenario.path).name,
        scenario_sha256=study.scenario.file_hash,
    )


def replication_rows(study: Study, results: dict[tuple[int, int], dict]) -> list[dict[str, Any]]:
    """One row per (point, replication): its parameters, metrics and counts (no timings: stable)."""
    keys = [k for k, _ in study.scenario.sweep]
    codes = sorted({c for r in results.values() for c in r["counts"]})
    rows = []
    for (p, r) in sorted(results):
        result = results[(p, r)]
        row: dict[str, Any] = {"point": p, **{k: study.params[p].get(k) for k in keys}}
        row.update(ruleset=study.datas[p]["ruleset"], replication=r, seed=study.seed, devices=result["devices"])
        row.update({m: ("" if result["metrics"].get(m) is None else result["metrics"][m]) for m in _metric_names(results)})
        row.update(
            service_requests=result["service_requests"],
            supplier_service_requests=result["supplier_service_requests"],
            ever_suspended=result["ever_suspended"],
            firmware_updates=result["firmware_updates"],
            lost_messages=result["lost_messages"],
        )
        row.update({c: result["counts"].get(c, 0) for c in codes})
        rows.append(row)
    return rows


def _metric_names(results: dict[tuple[int, int], dict]) -> list[str]:
    """Every metric any replication has: METRICS first, then the optional ones in the order they came."""
    return list(dict.fromkeys([*METRICS, *(m for r in results.values() for m in r["metrics"])]))


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["point"])
        writer.writeheader()
        writer.writerows(rows)
