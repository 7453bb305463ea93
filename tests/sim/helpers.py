"""Small scenarios written on the fly for the simulation tests."""
from __future__ import annotations

from pathlib import Path

BASE = """
name = "{name}"
ruleset = "{ruleset}"
seed = {seed}
replications = {replications}
horizon_hours = 200

[[fleet]]
type = "{type}"
smets = {smets}
count = {count}
firmware = "0100AAAA"

[cpl]
current = ["0200BBBB"]
removed = ["0100AAAA"]

[campaign]
firmware = "0200BBBB"
start_hour = 1
window = 200

[loss]
"11.3.response" = {p}
"11.2.response" = {q}

[supplier]
retry_11_3 = {retries}
retry_timeout_hours = 1
sweep_11_2 = {sweeps}
legacy_refirmware = {refirmware}
recovery_interval_hours = 24

[devices]
smets1_retry_omits_version = {omits}
"""


def write_scenario(folder: Path, *, name="t", ruleset="mp105", seed=3, replications=2, type="ESME", smets=2,
                   count=1000, p=0.2, q=0.0, retries=0, sweeps=0, refirmware=0, omits=1.0) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(BASE.format(**locals()))
    return path
