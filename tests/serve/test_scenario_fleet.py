"""`serve --scenario FILE`: a scenario's fleet beside the RTDS devices, SMETS1 and SMETS2, every device
type, each answering DUIS as its kind does (a SMETS2 device its GBCS use case, a SMETS1 device the MMC
form), and suspended by its scenario's CPL removals from the start."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsp.duis.codec import describe
from dsp.duis.schema import validate
from dsp.vocabulary import DeviceType
from harness.serve.endpoint import DuisEndpoint, EndpointConfig
from harness.serve.rtds_world import RTDS_DEVICES, build_served_world
from tests.duis.duis_fixtures import XSD_DIR, request
from tests.serve.duis_requests import with_target

FLEET = """name = "every-device-type"
ruleset = "mp105"
{groups}
[cpl]
current = ["0200BBBB"]
removed = ["0100AAAA"]
[campaign]
firmware = "0200BBBB"
"""
GROUP = '[[fleet]]\ntype = "{kind}"\nsmets = {smets}\ncount = 1\nfirmware = "0100AAAA"\n'
KINDS = ("ESME", "GSME", "CHF", "PPMID", "HCALCS")
USE_CASE = {DeviceType.ESME: "ECS52", DeviceType.CHF: "ECS52", DeviceType.GSME: "GCS38", DeviceType.GPF: "GCS38",
            DeviceType.PPMID: "CS08", DeviceType.HCALCS: "CS08"}


@pytest.fixture()
def served(tmp_path: Path) -> DuisEndpoint:
    scenario = tmp_path / "fleet.toml"
    groups = "".join(GROUP.format(kind=kind, smets=smets) for smets in (2, 1) for kind in KINDS)
    scenario.write_text(FLEET.format(groups=groups))
    return DuisEndpoint(build_served_world(None, str(scenario)), EndpointConfig(schema=XSD_DIR))


def test_the_fleet_stands_beside_the_rtds_devices_suspended_by_its_cpl_removals(served: DuisEndpoint) -> None:
    records = {r["device_id"]: r for r in served.smi()}
    fleet = [r for d, r in records.items() if d not in RTDS_DEVICES]
    assert {(r["device_type"], r["smets"]) for r in fleet} == {(k, s) for k in (*KINDS, "GPF") for s in (1, 2)}
    assert all(r["status"] == "Suspended" for r in fleet if r["device_type"] != "GPF")
    assert all(records[d]["status"] == "Commissioned" for d in RTDS_DEVICES)


def test_every_device_of_the_fleet_answers_11_2_as_its_kind_does_and_is_restored(served: DuisEndpoint) -> None:
    for record in [r for r in served.smi() if r["device_id"] not in RTDS_DEVICES]:
        device, kind = record["device_id"], DeviceType.parse(record["device_type"])
        served.set_device_firmware(device, "0200BBBB")
        reply = served.serve("serviceS", with_target(request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"), device))
        assert describe(reply.body)["response_code"] == "I99", (device, reply.reason)
        sent = [xml for _, xml in served.take_outgoing()]
        assert all(validate(xml, XSD_DIR) == [] for xml in sent)
        (response,) = [describe(xml) for xml in sent if describe(xml)["body_kind"] != "DCCAlertMessage"]
        if record["smets"] == 1:
            assert response["body_kind"] == "SMETS1ResponseMessage", device
        else:
            assert response["gbcs_use_case"] == USE_CASE[kind], device
        if kind is not DeviceType.GPF:
            assert response["firmware_version"] == "0200BBBB", device
        if kind in (DeviceType.ESME, DeviceType.GSME, DeviceType.CHF):  # R-112-5: the version rule's types
            assert served.smi(device)["status"] == "Commissioned", device
