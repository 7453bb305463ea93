"""The catalogue is the DUIS request matrix: every SRV, with its criticality, roles and patterns.

The matrix is the DCC's published one (`shared/duis/reference_tables/duis-request-matrix.json`, a test
fixture); the project carries its own copy of the facts as Python data (`dsp.request_matrix`) and reads
nothing at run time. Each test that needs the fixture skips, saying so, when `../shared` is absent.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dsp import CATALOGUE, DeviceType, ServiceRequest, definition
from dsp.catalogue import CRITICAL_VARIANTS, NON_CRITICAL_VARIANTS, NON_DEVICE_VARIANTS, SERVED
from dsp.identities import DCC_ACCESS_CONTROL_BROKER
from tests.core.bench import Bench

MATRIX = Path(__file__).resolve().parents[2].parent / "shared" / "duis" / "reference_tables" / "duis-request-matrix.json"


def matrix_rows() -> dict[str, dict]:
    if not MATRIX.is_file():
        pytest.skip(f"the DUIS request matrix is a test fixture of ../shared, absent here ({MATRIX})")
    return {r["Service Reference Variant"]: r for r in json.loads(MATRIX.read_text())}


def _name(text: str) -> str:
    return " ".join(text.split())


def test_the_catalogue_holds_every_srv_of_the_matrix_and_nothing_else():
    rows = matrix_rows()
    assert list(CATALOGUE) == list(rows)
    assert len(CATALOGUE) == 129


@pytest.mark.parametrize("srv", list(CATALOGUE))
def test_each_srv_agrees_with_its_matrix_row(srv):
    row = matrix_rows()[srv]
    entry = CATALOGUE[srv]
    assert entry.critical == (row["Critical"] == "Yes")
    assert entry.non_device == (row["Non-Device Request"] == "Yes")
    assert {r.value for r in entry.roles} == set(row["Eligible User Roles"])
    assert entry.on_demand == (row["On Demand"] == "Yes")
    assert entry.dcc_scheduled == (row["DCC Scheduled"] == "Yes")
    assert entry.future_dated == row["Future Dated Response Pattern"]
    # the matrix's 8.2 name carries a note ("Current and Future Suppliers may use ..."): the name is before it
    assert _name(row["Service Request Name"]).startswith(entry.name)
    assert entry.name == _name(row["Service Request Name"]) or re.fullmatch(r"\(.*\)", _name(row["Service Request Name"])[len(entry.name):].strip())


def test_command_variants_follow_the_kind_of_request():
    """DUIS: CV 1-3 for a Non-Critical SR, 4-7 for a Critical one and its Signed Pre-Command, 8 Non-Device."""
    for entry in CATALOGUE.values():
        expected = NON_DEVICE_VARIANTS if entry.non_device else CRITICAL_VARIANTS if entry.critical else NON_CRITICAL_VARIANTS
        assert entry.command_variants == expected, entry.srv


def test_the_model_serves_the_seven_srvs_of_the_rulebook():
    assert SERVED == ("2.2", "6.23", "8.2", "11.1", "11.2", "11.3", "12.1")
    assert all(CATALOGUE[s].served for s in SERVED)
    assert definition("11.2").targets >= {DeviceType.ESME, DeviceType.GSME, DeviceType.GPF}
    assert DeviceType.GPF not in definition("11.3").targets


def test_an_srv_the_model_does_not_serve_is_authorised_and_goes_no_further():
    """R-SRV-1 [model]: 4.1.1 passes Table 22 to a Commissioned meter: I99, and nothing is sent to a device."""
    bench = Bench()
    device = bench.add()
    outcome = bench.dsp.submit(ServiceRequest("4.1.1", bench.supplier, device), 0.0)
    assert outcome.code.value == "I99" and outcome.commands == ()


def test_a_non_device_srv_the_model_does_not_serve_is_authorised_too():
    """R-SRV-1: 8.3 names its device in the body; Table 22 passes, I99, nothing sent."""
    bench = Bench()
    device = bench.add()
    request = ServiceRequest("8.3", bench.supplier, DCC_ACCESS_CONTROL_BROKER, command_variant=8, device_list=(device,))
    outcome = bench.dsp.submit(request, 0.0)
    assert outcome.code.value == "I99" and outcome.commands == ()
