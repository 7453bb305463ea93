"""Scenario files: a what-if study in TOML, validated on load into a frozen `Scenario`.

Schema (scenario files speak hours; the world speaks seconds). Every key is optional unless marked.

```toml
name = "lost-11-3"            # required: names the output
description = "..."           # free text for the report
ruleset = "mp105"             # legacy | mp105-option1 | mp105
seed = 7
replications = 5
horizon_hours = 168           # the run stops here
shards = 1                    # split each replication's fleet into this many slices, one task each
                              # (harness/shards.py): contiguous by global device index (a GSME keeps
                              # its GPF), each with its share of campaign.window (at least 1); memory
                              # per task is the slice's. 1: one world, results as ever; > 1:
                              # statistically equivalent, not identical (the window is split).
                              # At most the fleet's device count.

[[fleet]]                     # required, one table per device group; a GSME brings its paired GPF
type = "ESME"                 # ESME | GSME | CHF | PPMID | HCALCS
smets = 2                     # 1 | 2
count = 20000
firmware = "0100AAAA"         # what the devices run and the SMI records
status = "Commissioned"       # SMI status at the start
model = "DB/ESME-1/01"        # MANUFACTURER/MODEL[/HARDWARE]; default one model per type

[cpl]
current = ["0200BBBB"]        # Current for every model in the fleet
removed = ["0100AAAA"]        # Removed at time 0: the devices on it are suspended (R-CPL-1)

[campaign]                    # R-SU-1: the supplier moves its devices to this firmware
firmware = "0200BBBB"
start_hour = 1
window = 1000                 # devices in progress at once (bounded live work)
future_dated_hours = 0        # > 0: 11.3 is future dated this far ahead (R-FD-1)

[loss]                        # probability a message is lost, "SRV.leg" or a bare leg for every SRV
"11.3.response" = 0.2         # legs: request, response, alert, delivery (R-DEV-6)

[latency]                     # seconds: a number (fixed) or {distribution, mean, low, high}
"response" = { distribution = "exponential", mean = 30 }

[offline]                     # a share of devices is unreachable for a while
fraction = 0.0
start_hour = 0
duration_hours = 0

[supplier]
retry_11_3 = 2                # R-SU-2: automated 11.3 retries after a timeout
retry_timeout_hours = 1       # how long the supplier waits for an answer before it retries
sweep_11_2 = 0                # R-SU-3: 8.2-driven 11.2 rounds for still-Suspended devices
legacy_refirmware = 0         # R-SU-4: extra firmware updates per still-Suspended device (wasted ones counted)
recovery_interval_hours = 24  # wait between the campaign and each recovery round
inventory_page = 1000         # devices per 8.2 Read Inventory

[devices]
activation_failure = 0.0      # chance an activation fails
smets1_retry_omits_version = 1.0   # R-DEV-4
gpf_refresh_lag_hours = 0.0   # R-DEV-5

[dsp]
response_timeout_hours = 1    # R-DEV-6: E21 after this
e21_on_timeout = true
suspension_alert_code = "N28" # R-CPL-2

[sweep]                       # cross product of values, e.g. loss against rule sets
ruleset = ["legacy", "mp105-option1", "mp105"]
"loss.11.3.response" = [0.05, 0.2, 0.4]
```
"""
from __future__ import annotations

import copy
import hashlib
import itertools
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dsp import DeviceModel, DeviceStatus, DeviceType, RuleSet
from dsp.catalogue import CATALOGUE
from dsp.errors import DomainError
from dsp.identifiers import firmware_version
from harness.comms import LEGS


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
FLEET = {
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
    },
}
OPEN_SECTIONS = ("loss", "latency")  # keyed by "SRV.leg" or a bare leg
_DISTRIBUTIONS = ("fixed", "exponential", "uniform")
_NOT_SWEPT = ("name", "description", "replications", "seed")
MAX_DEVICES = 1 << 26  # harness/streams.py packs a device's global index into 26 bits of a draw's key


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: `data` holds every key with its default filled in (plain TOML values)."""

    path: str
    data: dict[str, Any]
    file_hash: str
    sweep: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def name(self) -> str:
        return self.data["name"]

    def devices(self) -> int:
        """Devices in the world: each group's count, and a GPF for every GSME."""
        return fleet_size(self.data)

    def with_values(self, overrides: dict[str, Any]) -> "Scenario":
        """The scenario with dotted keys set (`--set`, sweep points), validated again."""
        data = copy.deepcopy(self.data)
        for key, value in overrides.items():
            _assign(data, key, value, self.path)
        return Scenario(self.path, validate(data, self.path, None), self.file_hash, self.sweep)

    def points(self) -> list[dict[str, Any]]:
        """The sweep's cross product as override dicts (one empty dict when there is no sweep)."""
        if not self.sweep:
            return [{}]
        keys = [k for k, _ in self.sweep]
        return [dict(zip(keys, combo)) for combo in itertools.product(*(v for _, v in self.sweep))]


def fleet_size(data: dict[str, Any]) -> int:
    """Devices in a (validated) scenario's fleet: each group's count, and a GPF for every GSME."""
    return sum(g["count"] * (2 if g["type"] == "GSME" else 1) for g in data["fleet"])


def load(path: str | Path, overrides: dict[str, Any] | None = None, sweep: dict[str, list] | None = None) -> Scenario:
    """Read and validate a scenario file; `overrides` are `--set` values, `sweep` adds `--sweep` keys."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read scenario: {error.strerror}") from None
    text = raw.decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{path}: not valid TOML: {error}") from None
    table_sweep = data.pop("sweep", {})
    if not isinstance(table_sweep, dict):
        raise ScenarioError(f"{path}{_line(text, 'sweep')}: sweep: must be a table of KEY = [values]")
    for key, value in (overrides or {}).items():
        _assign(data, key, value, str(path))
    data = validate(data, str(path), text)
    merged = {**table_sweep, **(sweep or {})}
    checked = []
    for key, values in merged.items():
        if key in _NOT_SWEPT:  # one name, one replication count and one seed per study (summary.json's top level)
            raise ScenarioError(f"{path}{_line(text, key)}: sweep.{key}: cannot be swept (use --set or --replications/--seed)")
        if not isinstance(values, list) or not values:
            raise ScenarioError(f"{path}{_line(text, key)}: sweep.{key}: must be a non-empty list of values")
        for value in values:  # every point must be a valid scenario
            probe = copy.deepcopy(data)
            _assign(probe, key, value, f"{path}: sweep")
            validate(probe, f"{path}: sweep", None)
        checked.append((key, tuple(values)))
    return Scenario(str(path), data, hashlib.sha256(raw).hexdigest(), tuple(checked))


def parse_assignment(text: str) -> tuple[str, Any]:
    """`KEY=VALUE` from the command line; VALUE is read as TOML (a bare word is a string)."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(f"--set {text!r}: expected KEY=VALUE")
    return key.strip(), _value(value.strip())


def parse_sweep(text: str) -> tuple[str, list[Any]]:
    """`KEY=v1,v2,...` from the command line."""
    key, sep, values = text.partition("=")
    if not sep or not key.strip() or not values.strip():
        raise ScenarioError(f"--sweep {text!r}: expected KEY=v1,v2,...")
    return key.strip(), [_value(v.strip()) for v in values.split(",")]


def _value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _split(key: str) -> list[str]:
    """`loss."11.3.response"` / `loss.11.3.response` -> ["loss", "11.3.response"]; `fleet.0.count` -> 3 parts."""
    head, _, rest = key.partition(".")
    if not rest:
        return [head]
    rest = rest.strip('"')
    if head in OPEN_SECTIONS:
        return [head, rest]
    if head == "fleet":
        index, _, field = rest.partition(".")
        return [head, index, field]
    return [head, rest]


def _assign(data: dict, key: str, value: Any, where: str) -> None:
    """Set a dotted key, refusing keys the schema does not have (`--set` naming no key)."""
    parts = _split(key)
    if len(parts) == 1:
        if parts[0] not in TOP:
            raise ScenarioError(f"{where}: {key}: no such key (top-level keys: {', '.join(TOP)})")
        data[parts[0]] = value
    elif parts[0] == "fleet":
        fleet = data.get("fleet", [])
        if not isinstance(fleet, list):
            raise ScenarioError(f"{where}: fleet: must be [[fleet]] tables")
        if not parts[1].isdigit() or int(parts[1]) >= len(fleet) or parts[2] not in FLEET:
            raise ScenarioError(f"{where}: {key}: no such key (use fleet.N.{{{','.join(FLEET)}}})")
        group = fleet[int(parts[1])]
        if not isinstance(group, dict):
            raise ScenarioError(f"{where}: fleet[{parts[1]}]: must be a table")
        group[parts[2]] = value
    elif parts[0] in SECTIONS:
        if parts[1] not in SECTIONS[parts[0]]:
            raise ScenarioError(f"{where}: {key}: no such key in [{parts[0]}] ({', '.join(SECTIONS[parts[0]])})")
        _section(data, parts[0], where)[parts[1]] = value
    elif parts[0] in OPEN_SECTIONS:
        _leg_key(parts[1], f"{where}: {key}")
        _section(data, parts[0], where)[parts[1]] = value
    else:
        raise ScenarioError(f"{where}: {key}: no such key")


def _section(data: dict, name: str, where: str) -> dict:
    """The table `name` of the scenario data, created when absent; refused when it is not a table."""
    table = data.setdefault(name, {})
    if not isinstance(table, dict):
        raise ScenarioError(f"{where}: {name}: must be a table")
    return table


def _line(text: str | None, key: str) -> str:
    if not text:
        return ""
    bare = key.rsplit(".", 1)[-1] if not re.match(r"^\d", key) else key
    for candidate in (key, bare):
        pattern = re.compile(rf'^\s*"?{re.escape(candidate)}"?\s*=', re.M)
        match = pattern.search(text)
        if match:
            return f":{text.count(chr(10), 0, match.start()) + 1}"
    return ""


def _leg_key(key: str, where: str) -> tuple[str, str]:
    srv, dot, leg = key.rpartition(".")
    if leg not in LEGS or (dot and srv not in CATALOGUE):
        raise ScenarioError(f"{where}: expected a leg ({', '.join(LEGS)}) or SRV.leg with an SRV of {', '.join(CATALOGUE)}")
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
    return {str: "a string", int: "an integer", bool: "true or false", list: "a list"}[types]


def _table(given: Any, schema: dict, path: str, text: str | None, prefix: str) -> dict:
    if not isinstance(given, dict):
        raise ScenarioError(f"{path}{_line(text, prefix)}: {prefix}: must be a table")
    out = {}
    for key in given:
        if key not in schema:
            raise ScenarioError(f"{path}{_line(text, key)}: {prefix}.{key}: unknown key (expected one of {', '.join(schema)})")
    for key, spec in schema.items():
        if key in given:
            out[key] = _check(given[key], spec, f"{path}{_line(text, key)}", f"{prefix}.{key}")
        elif spec[2] is None:
            raise ScenarioError(f"{path}: {prefix}.{key}: required key missing")
        else:
            out[key] = copy.deepcopy(spec[2])
    return out


def validate(data: dict, path: str, text: str | None) -> dict:
    """Every key checked (unknown, type, range, enum), defaults filled in; raises ScenarioError."""
    known = set(TOP) | set(SECTIONS) | set(OPEN_SECTIONS) | {"fleet"}
    for key in data:
        if key not in known:
            raise ScenarioError(f"{path}{_line(text, key)}: {key}: unknown key (expected one of {', '.join(sorted(known))})")
    out: dict[str, Any] = {}
    for key, spec in TOP.items():
        if key in data:
            out[key] = _check(data[key], spec, f"{path}{_line(text, key)}", key)
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
            raise ScenarioError(f"{path}{_line(text, 'type')}: fleet[{i}].type: a GPF comes with its GSME; list the GSME")
        g["firmware"] = firmware_version(g["firmware"])
        g["status"] = DeviceStatus.parse(g["status"]).value
        out["fleet"].append(g)
    for section, schema in SECTIONS.items():
        out[section] = _table(data.get(section, {}), schema, path, text, section)
    for key in ("current", "removed"):
        versions = out["cpl"][key]
        where = f"{path}{_line(text, key)}"
        out["cpl"][key] = [firmware_version(_check(v, (str, _parsed(firmware_version), None), where, f"cpl.{key}")) for v in versions]
    for section in OPEN_SECTIONS:
        if not isinstance(data.get(section, {}), dict):
            raise ScenarioError(f"{path}{_line(text, section)}: {section}: must be a table of \"SRV.leg\" = ...")
    out["loss"] = {}
    for key, p in dict(data.get("loss", {})).items():
        where = f"{path}{_line(text, key)}"
        _leg_key(key, f"{where}: loss.{key}")
        out["loss"][key] = _check(p, (_NUM, _prob, None), where, f"loss.{key}")
    out["latency"] = {}
    for key, spec in dict(data.get("latency", {})).items():
        where = f"{path}{_line(text, key)}"
        _leg_key(key, f"{where}: latency.{key}")
        out["latency"][key] = _latency(spec, where, f"latency.{key}")
    if fleet_size(out) > MAX_DEVICES:  # the random streams key a device's global index in 26 bits
        raise ScenarioError(f"{path}: fleet: at most {MAX_DEVICES} devices (GPFs included), got {fleet_size(out)}")
    if out["shards"] > fleet_size(out):
        raise ScenarioError(f"{path}{_line(text, 'shards')}: shards: must be at most the fleet's {fleet_size(out)} devices, got {out['shards']}")
    if out["dsp"]["suspension_alert_code"] not in {f"N{i}" for i in range(1, 66)}:
        raise ScenarioError(f"{path}{_line(text, 'suspension_alert_code')}: dsp.suspension_alert_code: must be a DCC alert code N1..N65")
    return out


def _latency(spec: Any, where: str, key: str) -> dict:
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return {"distribution": "fixed", "mean": float(_check(spec, (_NUM, _nonneg, None), where, key))}
    schema = {
        "distribution": (str, lambda v: None if v in _DISTRIBUTIONS else f"must be one of {', '.join(_DISTRIBUTIONS)}", "fixed"),
        "mean": (_NUM, _nonneg, 0.0),
        "low": (_NUM, _nonneg, 0.0),
        "high": (_NUM, _nonneg, 0.0),
    }
    return _table(spec, schema, where, None, key)
