"""The DUIS codec: RTDS templates into Service Requests, and every message the DSP produces out as
DUIS 5.4 XML that the published schema accepts."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from devices import build_device
from dsp import (
    ActivationAlert,
    ActivationResponse,
    DataServiceProvider,
    DccAlert,
    DeviceModel,
    DeviceType,
    FirmwareVersionRead,
    ResponseCode,
    RuleSet,
    ServiceRequest,
    ServiceResponse,
    ServiceUser,
    UserRole,
    image_hash,
)
from dsp.duis import DuisCodec, describe, trace_xml
from dsp.duis.clock import DEFAULT_EPOCH, DuisClock
from dsp.duis.envelope import parse_request
from dsp.duis.errors import DuisError
from dsp.duis.request_mapping import NotInCatalogue, registry_role_resolver
from dsp.duis.schema import validate
from harness.sim.world import World
from tests.duis.duis_fixtures import DUIS, INVALID_REQUESTS, REQUESTS, RESPONSES, XSD_DIR, request
from tests.duis.test_duis_fuzz import FUZZ, mutated
from dsp.identities import DCC_ACCESS_CONTROL_BROKER, RTDS_NETWORK_OPERATOR, RTDS_SUPPLIER

SUPPLIER, OPERATOR, DCC = RTDS_SUPPLIER, RTDS_NETWORK_OPERATOR, DCC_ACCESS_CONTROL_BROKER
ESME, GSME, CHF, GPF, PPMID = (f"00-DB-12-34-56-78-90-A{i}" for i in range(5))
ESME1 = "00-DB-12-34-56-78-90-B0"  # a SMETS1 ESME
OLD, NEW, BAD = "0100AAAA", "0200BBBB", "0300CCCC"
CATALOGUE_TEMPLATES = {"11.1", "11.2", "11.3", "6.23", "8.2"}


def rtds_dsp(ruleset: RuleSet = RuleSet.MP105) -> DataServiceProvider:
    dsp = DataServiceProvider(ruleset)
    dsp.users.register(SUPPLIER, UserRole.IS, UserRole.GS)
    dsp.users.register(OPERATOR, UserRole.ED, UserRole.GT)
    dsp.users.register(DCC, UserRole.OU)
    for ident, kind in ((ESME, DeviceType.ESME), (GSME, DeviceType.GSME), (CHF, DeviceType.CHF),
                        (GPF, DeviceType.GPF), (PPMID, DeviceType.PPMID)):
        dsp.inventory.add(ident, kind, OLD, supplier=SUPPLIER, network_operator=OPERATOR)
    dsp.inventory.add(ESME1, DeviceType.ESME, OLD, smets=1, supplier=SUPPLIER, network_operator=OPERATOR)
    dsp.inventory.pair_gas_proxy(GSME, GPF)
    return dsp


def roles_of(dsp: DataServiceProvider):
    return registry_role_resolver(dsp.users, dsp.inventory)


# --- requests in -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", REQUESTS, ids=lambda p: p.relative_to(DUIS / "requests").as_posix())
def test_every_template_maps_to_a_service_request_the_dsp_answers(path: Path) -> None:
    dsp = rtds_dsp()
    codec = DuisCodec(inventory=dsp.inventory)
    if path in INVALID_REQUESTS:
        with pytest.raises(DuisError):
            codec.parse_request(path.read_bytes(), roles_of(dsp))
        return
    srv = parse_request(path.read_bytes()).service_reference_variant
    mapped = codec.parse_request(path.read_bytes(), roles_of(dsp))
    assert isinstance(mapped, ServiceRequest) and mapped.srv == srv
    assert dsp.submit(mapped, 0.0).code in (ResponseCode.I99, ResponseCode.I0, ResponseCode.E1)
    if srv not in CATALOGUE_TEMPLATES:  # not served: it is authorised, then acknowledged, and goes no further
        assert not dsp.submit(mapped, 0.0).commands


def test_an_srv_outside_the_duis_request_matrix_is_not_mapped() -> None:
    raw = request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML").replace(b">11.2<", b">99.9<")
    with pytest.raises(NotInCatalogue, match=r"^SRV 99\.9 is not an SRV of the DUIS request matrix"):
        DuisCodec().parse_request(raw, roles_of(rtds_dsp()))


def test_11_1_maps_image_hash_version_and_device_list() -> None:
    dsp = rtds_dsp()
    raw = request("11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML")
    mapped = DuisCodec().parse_request(raw, roles_of(dsp))
    image = parse_request(raw).body.firmware_image
    assert (mapped.srv, mapped.command_variant, mapped.target) == ("11.1", 8, DCC)
    assert mapped.firmware_hash == hashlib.sha256(image).digest()
    assert (mapped.firmware_version, mapped.device_list) == ("00000000", (ESME,))
    assert mapped.user == ServiceUser(SUPPLIER, UserRole.IS)
    assert mapped.request_id == f"{SUPPLIER}:{DCC}:1000"


def test_execution_date_time_becomes_simulated_seconds_through_the_clock_epoch() -> None:
    dsp = rtds_dsp()
    clock = DuisClock(datetime(2030, 1, 15, 8, tzinfo=UTC))
    mapped = DuisCodec(clock).parse_request(request("CS06_11.3_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML"), roles_of(dsp))
    assert mapped.execution_time == 3600.0
    assert mapped.firmware_hash == bytes.fromhex("AA758690730934FF0685AA758690730934FF0685657788990011223344556677")
    cancel = DuisCodec(clock).parse_request(request("CS06_11.3_CANCELLATION_SUCCESS_REQUEST_DUIS.XML"), roles_of(dsp))
    assert cancel.cancels and cancel.execution_time is None


def test_a_supplier_holding_is_and_gs_acts_as_the_role_eligible_for_the_target() -> None:
    dsp = rtds_dsp()
    codec = DuisCodec()
    gas = codec.parse_request(request("GCS38_11.2_SUCCESS_REQUEST_DUIS.XML"), roles_of(dsp))
    electric = codec.parse_request(request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"), roles_of(dsp))
    assert (gas.user.role, electric.user.role) == (UserRole.GS, UserRole.IS)


def test_an_unknown_originator_is_answered_e1() -> None:
    dsp = rtds_dsp()
    raw = (DUIS / "requests/duis-sign-wrap-tests/8.2_READ_INVENTORY_REQUEST_DUIS-unknown-originator.XML").read_bytes()
    mapped = DuisCodec().parse_request(raw, roles_of(dsp))
    assert dsp.submit(mapped, 0.0).code is ResponseCode.E1


def test_a_body_that_does_not_fit_its_srv_is_refused_in_one_line() -> None:
    raw = request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML").replace(b"<sr:ServiceReferenceVariant>11.2<", b"<sr:ServiceReferenceVariant>11.3<")
    raw = raw.replace(b"<sr:ServiceReference>11.2<", b"<sr:ServiceReference>11.3<")
    with pytest.raises(DuisError, match=r"^SRV 11.3 carries sr:ReadFirmwareVersion, expected sr:ActivateFirmware$"):
        DuisCodec().parse_request(raw, roles_of(rtds_dsp()))


# --- responses and alerts out: one run that produces every kind ------------------------------------------


def _run_producing_every_kind() -> tuple[World, list[object]]:
    dsp = rtds_dsp(RuleSet.MP105)
    model = DeviceModel.default_for(DeviceType.ESME)
    gas_model = DeviceModel.default_for(DeviceType.GSME)
    for kind, m in ((DeviceType.ESME, model), (DeviceType.GSME, gas_model)):
        for version in (OLD, NEW):
            dsp.list_on_cpl(kind, m, version)
    world = World(dsp, trace=False, keep_messages=True)
    world.add_device(build_device(ESME, DeviceType.ESME, 2, NEW))  # runs Current firmware the SMI does not know
    world.add_device(build_device(ESME1, DeviceType.ESME, 1, OLD))
    world.add_device(build_device(GSME, DeviceType.GSME, 2, OLD))
    world.add_device(build_device(GPF, DeviceType.GPF, 2, "01000001", gsme_firmware=BAD))  # a lagging copy: N52
    world.add_device(build_device(CHF, DeviceType.CHF, 2, BAD))  # not on the CPL: N51
    world.add_device(build_device(PPMID, DeviceType.PPMID, 2, OLD))
    supplier, gas_supplier = ServiceUser(SUPPLIER, UserRole.IS), ServiceUser(SUPPLIER, UserRole.GS)
    world.remove_from_cpl(DeviceType.ESME, model, OLD)  # N28 suspensions
    world.send(ServiceRequest("11.2", supplier, ESME, 1))  # I99, I0 (ECS52), N29 x2
    world.send(ServiceRequest("11.2", supplier, ESME1, 1))  # SMETS1: MMC ReadFirmwareVersionRsp
    world.send(ServiceRequest("11.2", gas_supplier, GPF, 1))  # N52
    world.send(ServiceRequest("11.2", supplier, CHF, 1))  # N51
    world.send(ServiceRequest("11.2", supplier, PPMID, 1))  # CS08
    world.send(ServiceRequest("11.2", ServiceUser(SUPPLIER, UserRole.ED), ESME, 1))  # E1
    digest = image_hash("ESME", str(model), NEW)
    world.send(ServiceRequest("11.1", supplier, DCC, 8, device_list=(ESME1,), firmware_version=NEW, firmware_hash=digest))
    world.send(ServiceRequest("11.3", supplier, ESME1, 4, firmware_hash=digest))  # SMETS1 success
    world.send(ServiceRequest("11.3", supplier, ESME1, 4, firmware_hash=digest))  # retry, no version (R-113-3)
    world.send(ServiceRequest("11.3", supplier, ESME, 4, firmware_hash=digest))  # SMETS2 noImageHeld (CS06)
    gas_digest = image_hash("GSME", str(gas_model), NEW)
    world.send(ServiceRequest("11.1", gas_supplier, DCC, 8, device_list=(GSME,), firmware_version=NEW, firmware_hash=gas_digest))
    world.send(ServiceRequest("11.3", gas_supplier, GSME, 4, firmware_hash=gas_digest, execution_time=world.now + 600))
    world.advance(600)  # 0x8F66
    world.send(ServiceRequest("8.2", supplier, DCC, 8))  # DSPInventory
    world.lose_next(ESME, "11.2", "response")
    world.send(ServiceRequest("11.2", supplier, ESME, 1))
    world.advance(world.response_timeout)  # E21
    return world, [*world.responses, *world.alerts]


@pytest.fixture(scope="module")
def run() -> tuple[World, list[object]]:
    return _run_producing_every_kind()


def _kind(message: object) -> str:
    if isinstance(message, DccAlert):
        return f"alert {message.code} {type(message.payload).__name__}"
    body = message.body
    if isinstance(body, tuple):
        return f"{message.code.value} {message.request.srv} inventory"
    name = type(body).__name__ if body is not None else "-"
    if isinstance(body, ActivationResponse):
        name += " no-version" if body.version is None else f" {body.outcome.duis_name}"
    return f"{message.code.value} {message.request.srv} {name}"


def test_the_run_produces_every_kind_of_message(run) -> None:
    kinds = {_kind(m) for m in run[1]}
    for expected in (
        "I99 11.2 -", "I0 11.2 FirmwareVersionRead", "E1 11.2 -", "E21 11.2 -", "I0 8.2 inventory",
        "I0 11.3 ActivationResponse success", "I0 11.3 ActivationResponse no-version",
        "I0 11.3 ActivationResponse noImageHeld", "I0 11.3 ActivationAlert", "I0 11.1 ImageDistributed",
        "alert N28 StatusChangePayload", "alert N29 StatusChangePayload", "alert N51 FirmwareMismatchPayload",
        "alert N52 FirmwareMismatchPayload",
    ):
        assert expected in kinds, f"{expected!r} not produced; got {sorted(kinds)}"


def test_every_rendered_message_validates_against_duis_5_4(run) -> None:
    world, messages = run
    codec = DuisCodec(inventory=world.dsp.inventory)
    for message in messages:
        xml = codec.render(message)
        assert validate(xml, XSD_DIR) == [], (_kind(message), xml[:400])
    requests = {id(m.request): m.request for m in messages if isinstance(m, ServiceResponse)}.values()
    rendered = [codec.render(r) for r in requests if r.srv in ("11.1", "11.2", "11.3")]
    assert rendered and all(validate(xml, XSD_DIR) == [] for xml in rendered)


def test_rendered_firmware_responses_carry_their_facts_where_real_ones_do(run) -> None:
    world, messages = run
    codec = DuisCodec(inventory=world.dsp.inventory)
    for message in messages:
        if isinstance(message, DccAlert):
            continue
        body, facts = message.body, describe(codec.render(message))
        assert facts["response_code"] == message.code.value
        if isinstance(body, (FirmwareVersionRead, ActivationAlert)) or (
            isinstance(body, ActivationResponse) and not body.scheduled
        ):
            assert facts["firmware_version"] == body.version, _kind(message)
        if isinstance(body, FirmwareVersionRead) and body.command.device_id != ESME1:
            assert facts["payload_kind"] == "GBCSPayload"
        if isinstance(body, ActivationAlert):
            assert (facts["payload_kind"], facts["alert_code"]) == ("FutureDatedDeviceAlertMessage", "8F66")


def test_the_response_id_is_the_swapped_request_id(run) -> None:
    world, messages = run
    codec = DuisCodec(inventory=world.dsp.inventory)
    response = next(m for m in messages if isinstance(m, ServiceResponse) and m.request.srv == "11.2")
    facts = describe(codec.render(response))
    originator, target, counter = facts["request_id"].split(":")
    assert facts["response_id"] == f"{target}:{originator}:{counter}"
    assert facts["response_datetime"] == DuisClock(DEFAULT_EPOCH).at(response.time).isoformat()


def test_a_dcc_alert_names_its_code_payload_and_device(run) -> None:
    world, messages = run
    n29 = [m for m in messages if isinstance(m, DccAlert) and m.code == "N29" and m.device_id == ESME]
    facts = [describe(trace_xml(a)) for a in n29]
    assert {(f["alert_code"], f["status_change"], f["device_id"]) for f in facts} == {("N29", "DeviceRestored", ESME)}
    assert {f["response_id"].split(":")[1] for f in facts} == {SUPPLIER, OPERATOR}


def test_a_parsed_request_renders_back_as_it_came(run) -> None:
    dsp = rtds_dsp()
    codec = DuisCodec(inventory=dsp.inventory)
    raw = request("11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML")
    again = describe(codec.render(codec.parse_request(raw, roles_of(dsp))))
    original = describe(raw)
    for key in ("request_id", "command_variant", "service_reference_variant", "firmware_version", "device_ids"):
        assert again[key] == original[key]


def test_trace_xml_gives_none_where_duis_has_no_rendering() -> None:
    user = ServiceUser(SUPPLIER, UserRole.IS)
    assert trace_xml(ServiceRequest("6.23", user, ESME, 1)) is None
    assert trace_xml(object()) is None
    assert trace_xml(ServiceRequest("11.2", user, ESME, 1)).startswith("<?xml")


# --- real responses ------------------------------------------------------------------------------------------


REAL_VERSIONS = {"ECS52_11.2_SUCCESS_RESPONSE_DUIS.XML": "00020000", "readfw-version-response.xml": "0C230000"}


@pytest.mark.parametrize("path", RESPONSES, ids=lambda p: p.name)
def test_real_11_2_responses_yield_their_firmware_version(path: Path) -> None:
    facts = describe(path.read_bytes(), source=path.name)
    assert (facts["service_reference_variant"], facts["response_code"], facts["gbcs_use_case"]) == ("11.2", "I0", "ECS52")
    assert facts["firmware_version"] == REAL_VERSIONS[path.name]


# --- fuzz ------------------------------------------------------------------------------------------------------


_TEMPLATES = [p.read_bytes() for p in REQUESTS]
_DSP = rtds_dsp()
_CODEC = DuisCodec(inventory=_DSP.inventory)
_ROLES = roles_of(_DSP)


@settings(FUZZ, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(mutated(_TEMPLATES))
def test_mutated_templates_give_a_service_request_or_a_duis_error(data: bytes) -> None:
    try:
        mapped = _CODEC.parse_request(data, _ROLES)
    except DuisError as err:
        assert "\n" not in str(err)
    else:
        assert isinstance(mapped, ServiceRequest)


# --- review fixes ------------------------------------------------------------------------------------


def test_a_6_23_cancellation_cancels_instead_of_scheduling_in_the_year_3000() -> None:
    dsp = rtds_dsp()
    codec = DuisCodec(DuisClock(datetime(2030, 1, 1, tzinfo=UTC)))
    cancel = codec.parse_request(request("CS02bSupplierByTransCoS_6.23_CANCELLATION_SUCCESS_REQUEST_DUIS.XML"), roles_of(dsp))
    assert (cancel.srv, cancel.cancels, cancel.execution_time) == ("6.23", True, None)
    future = codec.parse_request(request("CS02bSupplierByTransCoS_6.23_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML"), roles_of(dsp))
    assert (future.cancels, future.execution_time) == (False, 86400.0)


def test_the_codec_keeps_a_bounded_number_of_image_bytes_and_none_when_told_not_to() -> None:
    import base64
    import re

    from dsp.duis import codec as codec_module

    template = request("11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML").decode()
    roles = roles_of(rtds_dsp())
    image = b"x" * (4 << 20)

    def with_image(i: int) -> str:
        encoded = base64.b64encode(bytes([i]) + image).decode()
        return re.sub(r"<sr:FirmwareImage>[^<]*", f"<sr:FirmwareImage>{encoded}", template)

    keeping, not_keeping = DuisCodec(), DuisCodec(keep_images=False)
    for i in range(12):  # 12 x 4 MiB: over the byte bound, under the count bound
        keeping.parse_request(with_image(i), roles, max_bytes=16 << 20)
        not_keeping.parse_request(with_image(i), roles, max_bytes=16 << 20)
    kept = sum(len(v) for v in keeping._images.values())
    assert kept <= codec_module._IMAGE_BYTES_KEPT and keeping._image_bytes == kept and len(keeping._images) >= 1
    assert not not_keeping._images
