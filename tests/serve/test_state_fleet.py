"""`serve --scenario FILE --state PATH`: a scenario's fleet is held as arrays; a restart puts its saved
records and devices back into them, and the state is kept up to date by what changed, not by reading
every device after each request."""
from __future__ import annotations

from pathlib import Path

import pytest

from dsp.duis.codec import describe
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.rtds_world import RTDS_DEVICES, build_served_world
from harness.serve.state import ServeState, StateError, identity_of
from harness.serve.world_state import ArrayWatch
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.duis_requests import with_target

FLEET = """name = "a fleet to restart"
ruleset = "mp105"
[[fleet]]
type = "ESME"
count = {esme}
firmware = "0100AAAA"
[[fleet]]
type = "GSME"
smets = 1
count = 2
firmware = "0100AAAA"
[cpl]
current = ["0200BBBB"]
removed = ["0100AAAA"]
[campaign]
firmware = "0200BBBB"
"""


def start(tmp_path: Path, esme: int = 3) -> DuisEndpoint:
    scenario = tmp_path / "fleet.toml"
    if not scenario.exists():
        scenario.write_text(FLEET.format(esme=esme))
    state = ServeState.open(tmp_path / "state.db", identity_of("mp105", str(scenario)))
    return DuisEndpoint(build_served_world(None, str(scenario)), EndpointConfig(schema=XSD_DIR), state=state)


def fleet_ids(endpoint: DuisEndpoint) -> list[str]:
    return [r["device_id"] for r in endpoint.smi() if r["device_id"] not in RTDS_DEVICES]


def test_a_restart_puts_the_fleets_records_and_devices_back_as_they_were(tmp_path: Path) -> None:
    first = start(tmp_path)
    esme, gsme = fleet_ids(first)[0], fleet_ids(first)[3]
    first.set_device_firmware(esme, "0200BBBB")
    reply = first.serve("serviceS", with_target(request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"), esme))
    assert describe(reply.body)["response_code"] == "I99"
    first.advance(600)  # the 11.2 response: R-VER-2 restores the ESME (a change of status and history)
    first.suspend(esme)  # and suspended again: more changes than the arrays' own tail holds
    first.set_device_firmware(gsme, "0200BBBB")  # a device that changed, its SMI record did not
    before = first.smi()
    history = [status for status, _ in first.smi(esme)["history"]]
    assert history[-3:] == ["Suspended", "Commissioned", "Suspended"]
    first.state.close()

    second = start(tmp_path)
    assert second.restored == len(RTDS_DEVICES) + 1  # the RTDS devices' records, and the fleet's one that changed
    assert second.smi() == before  # status, firmware, history and what runs


def test_a_state_is_refused_for_the_same_scenario_file_changed(tmp_path: Path) -> None:
    start(tmp_path).state.close()
    scenario = tmp_path / "fleet.toml"
    scenario.write_text(scenario.read_text().replace("count = 3", "count = 4"))
    with pytest.raises(StateError, match=r"made for --scenario .*fleet.toml as it was \(SHA-256 [0-9a-f]{12}\.\.\.\), "
                                         r"and the file has changed since \(SHA-256 [0-9a-f]{12}\.\.\.\)"):
        start(tmp_path)


def test_a_quiet_fleet_writes_nothing_and_one_change_writes_that_device_alone(tmp_path: Path) -> None:
    endpoint = start(tmp_path, esme=2000)
    db = endpoint.state.db
    assert db.execute("SELECT count(*) FROM smi").fetchone()[0] == len(RTDS_DEVICES)  # the fleet as built: no rows
    written = db.total_changes
    endpoint.catch_up()  # nothing due, nothing changed
    endpoint.smi(fleet_ids(endpoint)[0])  # a read changes nothing
    assert db.total_changes == written
    device = fleet_ids(endpoint)[1234]
    endpoint.set_device_firmware(device, "0200BBBB")
    assert db.total_changes - written == 1  # the device's row (its SMI record did not change)
    assert db.execute("SELECT state FROM devices WHERE device_id = ?", (device,)).fetchone()[0].startswith('["0200BBBB"')


def test_an_array_watch_names_each_changed_entry_once_in_order() -> None:
    from array import array

    status, firmware = array("B", bytes(10_000)), array("H", bytes(20_000))
    watch = ArrayWatch((status, firmware))
    assert watch.changed() == list(range(10_000))  # never looked: everything
    assert watch.changed() == []
    status[9_999], firmware[5], firmware[4_096], status[5] = 1, 7, 7, 2
    assert watch.changed() == [5, 4_096, 9_999]
    firmware[5] = 0  # changed back: a difference from the last look all the same
    assert watch.changed() == [5]
