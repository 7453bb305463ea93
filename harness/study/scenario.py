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
                              # (harness/study/shards.py): contiguous by global device index (a GSME keeps
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
prepayment = 0.0              # ESME, GSME: the share of the group's meters in prepayment mode; each tops
                              # up by SR 2.2 ([prepayment]; harness/study/prepayment.py)

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

# or, instead of the one [supplier], a population of suppliers (harness/study/populations.py):
[[supplier]]                  # one table per supplier; each has [supplier]'s keys, and
name = "retries"              # a plain name (default supplier-N), unique
share = 0.6                   # required: its share of every fleet group, in (0, 1]; the shares sum to 1
retry_11_3 = 2
[[supplier]]
name = "no-automation"
share = 0.4                   # `--set supplier.1.retry_11_3=1` reaches one of them

[devices]
activation_failure = 0.0      # chance an activation fails
smets1_retry_omits_version = 1.0   # R-DEV-4
gpf_refresh_lag_hours = 0.0   # R-DEV-5

[dsp]
response_timeout_hours = 1    # R-DEV-6: E21 after this
e21_on_timeout = true
suspension_alert_code = "N28" # R-CPL-2
smets1_top_up_cv2_when_suspended = false  # R-E5-8: true keeps the report's exception (Annex B has none)

[sweep]                       # cross product of values, e.g. loss against rule sets
ruleset = ["legacy", "mp105-option1", "mp105"]
"loss.11.3.response" = [0.05, 0.2, 0.4]

[prepayment]                  # top-ups (harness/sim/topups.py): SR 2.2, CV 1 to SMETS2, CV 2 to SMETS1 (E5
topups_per_day = 0.5          # while Suspended; SMETS1's allowed with R-E5-8's setting); a Poisson stream per meter

[costs]                       # GBP; the cost metrics (site visits, cost per 1,000 devices) only with this table
per_service_request = 0.0     # each SR a supplier sends for the campaign and recovery (top-ups are not counted)
per_firmware_update = 0.0     # each firmware update job (the campaign's and every re-update, R-SU-4)
per_site_visit = 0.0
site_visit_after_hours = 0    # > 0: a meter still Suspended this long after its suspension gets a site
                              # visit, which restores it ([model], harness/sim/site_visits.py); 0: never
implementation_cost = 150000  # the change's cost the report's break-even line weighs (seed, section 5:
                              # the DCC's estimate is GBP 0 - 150,000, SECAS's about 1,200)

[compare]                     # paired differences (harness/study/comparisons.py)
baseline = { ruleset = "legacy" }  # the default when legacy is swept: every other point is compared
                              # with the point that differs only in these swept keys
```
"""
from __future__ import annotations
from __future__ import annotations

import copy
import hashlib
import itertools
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from dsp import RuleSet
from harness.study.fleet_layout import FleetLayout
from harness.study.schema import FLEET, OPEN_SECTIONS, OPTIONAL_SECTIONS, SECTIONS, TOP, ScenarioError, leg_key, line_of, validate

HOUR = 3600.0  # scenario files speak hours; the world speaks seconds
_NOT_SWEPT = ("name", "description", "replications", "seed", "compare.baseline")

__all__ = ["HOUR", "Scenario", "ScenarioError", "fleet_size", "load", "parse_assignment", "parse_sweep", "value_of"]




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

    @cached_property
    def layout(self) -> FleetLayout:
        """The fleet's groups, typed, on the global device index."""
        return FleetLayout.of(self.data["fleet"])

    @property
    def ruleset(self) -> RuleSet:
        return RuleSet.parse(self.data["ruleset"])

    def devices(self) -> int:
        """Devices in the world: each group's count, and a GPF for every GSME."""
        return self.layout.size

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
    return FleetLayout.of(data["fleet"]).size


def load(path: str | Path, overrides: dict[str, Any] | None = None, sweep: dict[str, list] | None = None) -> Scenario:
    """Read and validate a scenario file; `overrides` are `--set` values, `sweep` adds `--sweep` keys."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read scenario: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise ScenarioError(f"{path}:{line}: not UTF-8 (byte 0x{raw[error.start]:02x}); TOML is UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{path}: not valid TOML: {error}") from None
    table_sweep = data.pop("sweep", {})
    if not isinstance(table_sweep, dict):
        raise ScenarioError(f"{path}{line_of(text, 'sweep')}: sweep: must be a table of KEY = [values]")
    for key, value in (overrides or {}).items():
        _assign(data, key, value, str(path))
    data = validate(data, str(path), text)
    merged = {**table_sweep, **(sweep or {})}
    checked = []
    for key, values in merged.items():
        if key in _NOT_SWEPT:  # one name, one replication count and one seed per study (summary.json's top level)
            raise ScenarioError(f"{path}{line_of(text, key)}: sweep.{key}: cannot be swept (use --set or --replications/--seed)")
        if not isinstance(values, list) or not values:
            raise ScenarioError(f"{path}{line_of(text, key)}: sweep.{key}: must be a non-empty list of values")
        for i, value in enumerate(values):  # a point run twice is a replication count in disguise
            if any(type(value) is type(v) and value == v for v in values[:i]):
                raise ScenarioError(f"{path}{line_of(text, key)}: sweep.{key}: {value!r} is listed twice")
        for value in values:  # every point must be a valid scenario
            probe = copy.deepcopy(data)
            _assign(probe, key, value, f"{path}: sweep")
            validate(probe, f"{path}: sweep", None)
        checked.append((key, tuple(values)))
    _check_baseline(data["compare"]["baseline"], dict(checked), f"{path}{line_of(text, 'baseline')}")
    return Scenario(str(path), data, hashlib.sha256(raw).hexdigest(), tuple(checked))


def _check_baseline(baseline: dict[str, Any], swept: dict[str, tuple[Any, ...]], where: str) -> None:
    """[compare] baseline names swept keys, each with one of its swept values."""
    for key, value in baseline.items():
        if key not in swept:
            keys = ", ".join(swept) or "none"
            raise ScenarioError(f"{where}: compare.baseline.{key}: not a swept key (swept: {keys})")
        if value not in swept[key]:
            values = ", ".join(repr(v) for v in swept[key])
            raise ScenarioError(f"{where}: compare.baseline.{key}: {value!r} is not one of its swept values ({values})")


def value_of(data: dict[str, Any], key: str) -> Any:
    """The value of a dotted key (as `--set` and sweeps name it) in validated scenario data."""
    parts = _split(key)
    if len(parts) == 1:
        return data[parts[0]]
    if len(parts) == 3:  # fleet.N.KEY, supplier.N.KEY
        return data[parts[0]][int(parts[1])][parts[2]]
    return (data[parts[0]] or {}).get(parts[1])


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
    if head == "fleet" or (head == "supplier" and rest[:1].isdigit()):  # fleet.N.KEY, supplier.N.KEY
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
    elif parts[0] == "supplier" and (len(parts) == 3 or isinstance(data.get("supplier"), list)):
        _assign_population(data, parts, key, value, where)
    elif parts[0] in SECTIONS or parts[0] in OPTIONAL_SECTIONS:
        keys = SECTIONS.get(parts[0]) or OPTIONAL_SECTIONS[parts[0]]
        if parts[1] not in keys:
            raise ScenarioError(f"{where}: {key}: no such key in [{parts[0]}] ({', '.join(keys)})")
        _section(data, parts[0], where)[parts[1]] = value
    elif parts[0] in OPEN_SECTIONS:
        leg_key(parts[1], f"{where}: {key}")
        _section(data, parts[0], where)[parts[1]] = value
    else:
        raise ScenarioError(f"{where}: {key}: no such key")


def _assign_population(data: dict, parts: list[str], key: str, value: Any, where: str) -> None:
    """`supplier.N.KEY` into the N-th [[supplier]] table (issue 14's supplier populations)."""
    populations = data.get("supplier")
    keys = ", ".join(["name", "share", *SECTIONS["supplier"]])
    if len(parts) < 3 or not isinstance(populations, list):
        shape = "[[supplier]] tables: use supplier.N.KEY" if len(parts) < 3 else "one [supplier] table: use supplier.KEY"
        raise ScenarioError(f"{where}: {key}: the scenario has {shape}")
    index, field = parts[1], parts[2]
    if not index.isdigit() or int(index) >= len(populations) or field not in {"name", "share", *SECTIONS["supplier"]}:
        raise ScenarioError(f"{where}: {key}: no such key (use supplier.N.{{{keys}}})")
    population = populations[int(index)]
    if not isinstance(population, dict):
        raise ScenarioError(f"{where}: supplier[{index}]: must be a table")
    population[field] = value


def _section(data: dict, name: str, where: str) -> dict:
    """The table `name` of the scenario data, created when absent; refused when it is not a table."""
    if data.get(name) is None:  # absent, or an optional table the scenario does not have ([costs])
        data[name] = {}
    table = data[name]
    if not isinstance(table, dict):
        raise ScenarioError(f"{where}: {name}: must be a table")
    return table
