"""The scenario file's schema: every key with its type, check and default, and the validation that fills
the defaults in. What each key means is in the docstring of `harness.study.scenario`."""
from __future__ import annotations

import copy
import math
import re
from typing import Any

from dsp import DeviceModel, DeviceStatus, DeviceType, RuleSet
from dsp.catalogue import CATALOGUE, SERVED
from dsp.errors import DomainError
from dsp.identifiers import firmware_version
from harness.sim.comms import LEGS
from harness.study.fleet_layout import FleetLayout


class ScenarioError(DomainError):
    """A scenario file or override is wrong: the message names the file, key (and line) and what."""


# --- the schema: key -> (type(s), check, default) -------------------------------------------------

_NUM = (int, float)


def _prob(v):
    return None if 0.0 <= v <= 1.0 else "must be a probability in [0, 1]"


def _nonneg(v):
    return None if v >= 0 else "must be >= 0"


def _positive(v):
    return None if v > 0 else "must be > 0"


def _folder_name(v):
    # the name is the default output folder, results/NAME: it must not climb out of results/ or be empty
    if not v.strip() or v in (".", "..") or "/" in v or "\\" in v:
        return "must be a plain name (it names the output folder results/NAME): not empty, no / or \\, not . or .."
    return None


def _parsed(parse):
    def check(v):
        try:
            parse(v)
        except DomainError as error:
            return str(error)
        return None

    return check


TOP = {
    "name": (str, _folder_name, None),
    "description": (str, None, ""),
    "ruleset": (str, _parsed(RuleSet.parse), "mp105"),
    "seed": (int, _nonneg, 0),
    "replications": (int, _positive, 5),
    "horizon_hours": (_NUM, _positive, 168.0),
    "shards": (int, _positive, 1),
}
FLEET: dict[str, tuple] = {
    "type": (str, _parsed(DeviceType.parse), None),
    "smets": (int, lambda v: None if v in (1, 2) else "must be 1 or 2", 2),
    "count": (int, _positive, None),
    "firmware": (str, _parsed(firmware_version), None),
    "status": (str, _parsed(DeviceStatus.parse), "Commissioned"),
    "model": (str, lambda v: _parsed(DeviceModel.parse)(v) if v else None, ""),
}
SECTIONS: dict[str, dict[str, tuple]] = {
    "cpl": {"current": (list, None, []), "removed": (list, None, [])},
    "campaign": {
        "firmware": (str, _parsed(firmware_version), None),
        "start_hour": (_NUM, _nonneg, 1.0),
        "window": (int, _positive, 1000),
        "future_dated_hours": (_NUM, _nonneg, 0.0),
    },
    "offline": {
        "fraction": (_NUM, _prob, 0.0),
        "start_hour": (_NUM, _nonneg, 0.0),
        "duration_hours": (_NUM, _nonneg, 0.0),
    },
    "supplier": {
        "retry_11_3": (int, _nonneg, 0),
        "retry_timeout_hours": (_NUM, _positive, 1.0),
        "sweep_11_2": (int, _nonneg, 0),
        "legacy_refirmware": (int, _nonneg, 0),
        "recovery_interval_hours": (_NUM, _nonneg, 24.0),
        "inventory_page": (int, _positive, 1000),
    },
    "devices": {
        "activation_failure": (_NUM, _prob, 0.0),
        "smets1_retry_omits_version": (_NUM, _prob, 1.0),
        "gpf_refresh_lag_hours": (_NUM, _nonneg, 0.0),
    },
    "dsp": {
        "response_timeout_hours": (_NUM, _positive, 1.0),
        "e21_on_timeout": (bool, None, True),
        "suspension_alert_code": (str, None, "N28"),
        "smets1_top_up_cv2_when_suspended": (bool, None, False),
    },
}

# --- what-if studies (issue 14): paired comparisons ---------------------------------------------------


def _baseline(v):
    # [compare] baseline = { KEY = VALUE, ... }: the swept keys' values of the points compared against
    # (empty: the default, legacy when the rule set is swept)
    for key, value in v.items():
        if isinstance(value, (dict, list)):
            return f"{key}: must be a single value (a string, number or boolean)"
    return None


SECTIONS["compare"] = {"baseline": (dict, _baseline, {})}

# --- what-if studies (issue 14): prepayment consumers ------------------------------------------------
FLEET["prepayment"] = (_NUM, _prob, 0.0)  # the share of the group's meters in prepayment mode (ESME, GSME)
SECTIONS["prepayment"] = {"topups_per_day": (_NUM, _nonneg, 0.5)}  # each prepayment meter's SR 2.2 rate
PREPAYMENT_TYPES = ("ESME", "GSME")  # what SR 2.2 Top Up Device targets

# --- what-if studies (issue 14): [costs], given or not at all (the cost metrics only when it is given) --
OPTIONAL_SECTIONS: dict[str, dict[str, tuple]] = {
    "costs": {
        "per_service_request": (_NUM, _nonneg, 0.0),  # GBP, each SR a supplier sends (top-ups aside)
        "per_firmware_update": (_NUM, _nonneg, 0.0),  # GBP, each update job (the campaign's and re-updates)
        "per_site_visit": (_NUM, _nonneg, 0.0),  # GBP
        "site_visit_after_hours": (_NUM, _nonneg, 0.0),  # 0: no site visits
        "implementation_cost": (_NUM, _nonneg, 150000.0),  # GBP: the DCC's upper estimate (seed, section 5)
    },
}

OPEN_SECTIONS = ("loss", "latency")  # keyed by "SRV.leg" or a bare leg
_DISTRIBUTIONS = ("fixed", "exponential", "uniform")
MAX_DEVICES = 1 << 26  # harness/sim/streams.py packs a device's global index into 26 bits of a draw's key


def line_of(text: str | None, key: str) -> str:
    if not text:
        return ""
    bare = key.rsplit(".", 1)[-1] if not re.match(r"^\d", key) else key
    for candidate in (key, bare):
        pattern = re.compile(rf'^\s*"?{re.escape(candidate)}"?\s*=', re.M)
        match = pattern.search(text)
        if match:
            return f":{text.count(chr(10), 0, match.start()) + 1}"
    return ""


def leg_key(key: str, where: str) -> tuple[str, str]:
    srv, dot, leg = key.rpartition(".")
    if leg not in LEGS or (dot and srv not in CATALOGUE):
        raise ScenarioError(f"{where}: expected a leg ({', '.join(LEGS)}) or SRV.leg with an SRV of the DUIS request "
                            f"matrix (the model serves {', '.join(SERVED)})")
    return srv, leg


def _check(value: Any, spec: tuple, where: str, key: str) -> Any:
    types, check, default = spec
    if isinstance(value, bool) and types is not bool:
        raise ScenarioError(f"{where}: {key}: expected {_type_name(types)}, got a boolean")
    if not isinstance(value, types):
        raise ScenarioError(f"{where}: {key}: expected {_type_name(types)}, got {type(value).__name__} {value!r}")
    if types is _NUM and not math.isfinite(value):
        raise ScenarioError(f"{where}: {key}: must be a finite number, got {value!r}")
    if check is not None:
        problem = check(value)
        if problem:
            raise ScenarioError(f"{where}: {key}: {problem}")
    return float(value) if types is _NUM else value


def _type_name(types) -> str:
    if types is _NUM:
        return "a number"
    return {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "a table"}[types]


def _table(given: Any, schema: dict, path: str, text: str | None, prefix: str) -> dict:
    if not isinstance(given, dict):
        raise ScenarioError(f"{path}{line_of(text, prefix)}: {prefix}: must be a table")
    out = {}
    for key in given:
        if key not in schema:
            raise ScenarioError(f"{path}{line_of(text, key)}: {prefix}.{key}: unknown key (expected one of {', '.join(schema)})")
    for key, spec in schema.items():
        if key in given:
            out[key] = _check(given[key], spec, f"{path}{line_of(text, key)}", f"{prefix}.{key}")
        elif spec[2] is None:
            raise ScenarioError(f"{path}: {prefix}.{key}: required key missing")
        else:
            out[key] = copy.deepcopy(spec[2])
    return out


def validate(data: dict, path: str, text: str | None) -> dict:
    """Every key checked (unknown, type, range, enum), defaults filled in; raises ScenarioError."""
    known = set(TOP) | set(SECTIONS) | set(OPTIONAL_SECTIONS) | set(OPEN_SECTIONS) | {"fleet"}
    for key in data:
        if key not in known:
            raise ScenarioError(f"{path}{line_of(text, key)}: {key}: unknown key (expected one of {', '.join(sorted(known))})")
    out: dict[str, Any] = {}
    for key, spec in TOP.items():
        if key in data:
            out[key] = _check(data[key], spec, f"{path}{line_of(text, key)}", key)
        elif spec[2] is None:
            raise ScenarioError(f"{path}: {key}: required key missing")
        else:
            out[key] = spec[2]
    out["ruleset"] = RuleSet.parse(out["ruleset"]).value
    fleet = data.get("fleet")
    if not isinstance(fleet, list) or not fleet:
        raise ScenarioError(f"{path}: fleet: at least one [[fleet]] table is required")
    out["fleet"] = []
    for i, group in enumerate(fleet):
        g = _table(group, FLEET, path, text, f"fleet[{i}]")
        g["type"] = DeviceType.parse(g["type"]).value
        if g["type"] == "GPF":
            raise ScenarioError(f"{path}{line_of(text, 'type')}: fleet[{i}].type: a GPF comes with its GSME; list the GSME")
        g["firmware"] = firmware_version(g["firmware"])
        g["status"] = DeviceStatus.parse(g["status"]).value
        if g["prepayment"] > 0 and g["type"] not in PREPAYMENT_TYPES:  # issue 14: top-ups go to meters
            raise ScenarioError(f"{path}{line_of(text, 'prepayment')}: fleet[{i}].prepayment: only ESME and GSME "
                                f"meters take top-ups (SR 2.2), not {g['type']}")
        out["fleet"].append(g)
    for section, schema in SECTIONS.items():
        if section == "supplier" and isinstance(data.get(section), list):
            out[section] = _suppliers(data[section], path, text)  # issue 14: [[supplier]] populations
            continue
        out[section] = _table(data.get(section, {}), schema, path, text, section)
    for section, schema in OPTIONAL_SECTIONS.items():  # issue 14: None when the scenario has no such table
        out[section] = None if data.get(section) is None else _table(data[section], schema, path, text, section)
    for key in ("current", "removed"):
        versions = out["cpl"][key]
        where = f"{path}{line_of(text, key)}"
        out["cpl"][key] = [firmware_version(_check(v, (str, _parsed(firmware_version), None), where, f"cpl.{key}")) for v in versions]
    for section in OPEN_SECTIONS:
        if not isinstance(data.get(section, {}), dict):
            raise ScenarioError(f"{path}{line_of(text, section)}: {section}: must be a table of \"SRV.leg\" = ...")
    out["loss"] = {}
    for key, p in dict(data.get("loss", {})).items():
        where = f"{path}{line_of(text, key)}"
        leg_key(key, f"{where}: loss.{key}")
        out["loss"][key] = _check(p, (_NUM, _prob, None), where, f"loss.{key}")
    out["latency"] = {}
    for key, spec in dict(data.get("latency", {})).items():
        where = f"{path}{line_of(text, key)}"
        leg_key(key, f"{where}: latency.{key}")
        out["latency"][key] = _latency(spec, where, f"latency.{key}")
    size = FleetLayout.of(out["fleet"]).size
    if size > MAX_DEVICES:  # the random streams key a device's global index in 26 bits
        raise ScenarioError(f"{path}: fleet: at most {MAX_DEVICES} devices (GPFs included), got {size}")
    if out["shards"] > size:
        raise ScenarioError(f"{path}{line_of(text, 'shards')}: shards: must be at most the fleet's {size} devices, got {out['shards']}")
    if out["dsp"]["suspension_alert_code"] not in {f"N{i}" for i in range(1, 66)}:
        raise ScenarioError(f"{path}{line_of(text, 'suspension_alert_code')}: dsp.suspension_alert_code: must be a DCC alert code N1..N65")
    return out


_LATENCY = {
    "distribution": (str, lambda v: None if v in _DISTRIBUTIONS else f"must be one of {', '.join(_DISTRIBUTIONS)}", "fixed"),
    "mean": (_NUM, _nonneg, 0.0),
    "low": (_NUM, _nonneg, 0.0),
    "high": (_NUM, _nonneg, 0.0),
}


def _latency(spec: Any, where: str, key: str) -> dict:
    """A latency in seconds: a bare number is a fixed one; a table is {distribution, mean, low, high}.
    Either way every key is filled in, so the world reads one shape."""
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        spec = {"distribution": "fixed", "mean": spec}
    out = _table(spec, _LATENCY, where, None, key)
    if out["distribution"] == "uniform" and out["low"] > out["high"]:
        raise ScenarioError(f"{where}: {key}: low ({out['low']:g}) must be at most high ({out['high']:g})")
    return out


# --- what-if studies (issue 14): supplier populations ---------------------------------------------------

MAX_SUPPLIERS = 16  # harness/study/populations.py gives each its own User ID


def _share(v):
    return None if 0.0 < v <= 1.0 else "must be in (0, 1]: the supplier's share of every fleet group"


POPULATION = {"name": (str, lambda v: None if v == "" else _folder_name(v), ""), "share": (_NUM, _share, None)}


def _suppliers(given: list, path: str, text: str | None) -> list[dict]:
    """[[supplier]] tables: each a share of the fleet with its own behaviour ([supplier]'s keys); the
    shares sum to 1 and the names are unique. (A single [supplier] table is one supplier with share 1.)"""
    if not given or len(given) > MAX_SUPPLIERS:
        raise ScenarioError(f"{path}{line_of(text, 'supplier')}: supplier: 1 to {MAX_SUPPLIERS} [[supplier]] tables, got {len(given)}")
    out = []
    for i, table in enumerate(given):
        population = _table(table, {**POPULATION, **SECTIONS["supplier"]}, path, text, f"supplier[{i}]")
        population["name"] = population["name"] or f"supplier-{i + 1}"
        out.append(population)
    names = [p["name"] for p in out]
    if len(set(names)) < len(names):
        raise ScenarioError(f"{path}: supplier: names must be unique, got {', '.join(names)}")
    total = math.fsum(p["share"] for p in out)
    if abs(total - 1.0) > 1e-9:
        shares = ", ".join(f"{p['name']} {p['share']:g}" for p in out)
        raise ScenarioError(f"{path}{line_of(text, 'share')}: supplier: the shares must sum to 1, got {total:.6g} ({shares})")
    return out
