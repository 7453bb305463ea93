"""DUIS Request and Response envelopes read into frozen records."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dsp.duis.bodies import (
    CANCELLATION_DATETIME,
    ActivateFirmware,
    CommissionDevice,
    OtherBody,
    ReadFirmwareVersion,
    ReadInventory,
    UpdateFirmware,
    UpdateSecurityCredentialsCoS,
)
from dsp.duis.envelope import (
    DuisRequest,
    DuisResponse,
    MessageId,
    parse_message,
    parse_request,
    parse_response,
)
from dsp.duis.errors import DuisError
from tests.duis.duis_fixtures import DUIS, INVALID_REQUESTS, REQUESTS, RESPONSES, XXE, request
from dsp.identities import DCC_ACCESS_CONTROL_BROKER

UTC = UTC
USER = "90-B3-D5-1F-30-01-00-00"
ESME = "00-DB-12-34-56-78-90-A0"


@pytest.mark.parametrize("path", REQUESTS, ids=lambda p: p.relative_to(DUIS / "requests").as_posix())
def test_every_request_template_parses(path: Path) -> None:
    if path in INVALID_REQUESTS:
        with pytest.raises(DuisError, match=r": sr:Request/sr:Header/sr:RequestID: missing$"):
            parse_request(path.read_bytes(), source=path.name)
        return
    parsed = parse_request(path.read_bytes(), source=path.name)
    assert parsed.schema_version in ("5.1", "5.4")
    assert parsed.service_reference_variant.startswith(parsed.service_reference)
    assert parsed.body_kind
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.command_variant = 9  # type: ignore[misc]


def test_11_1_update_firmware() -> None:
    parsed = parse_request(request("11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML"))
    assert parsed.request_id == MessageId(USER, DCC_ACCESS_CONTROL_BROKER, 1000)
    assert (parsed.command_variant, parsed.service_reference, parsed.service_reference_variant) == (
        8,
        "11.1",
        "11.1",
    )
    assert parsed.body_kind == "UpdateFirmware"
    body = parsed.body
    assert isinstance(body, UpdateFirmware)
    assert body.firmware_version == "00000000"
    assert body.device_ids == (ESME,)
    assert len(body.firmware_image) == 361 and body.firmware_image[:4] == bytes.fromhex("1EF1EE0B")


def test_11_2_read_firmware_version() -> None:
    parsed = parse_request(request("GCS38_11.2_SUCCESS_REQUEST_DUIS.XML"))
    assert (parsed.user_id, parsed.target_id, parsed.request_id.counter) == (
        USER,
        "00-DB-12-34-56-78-90-A1",
        1000,
    )
    assert (parsed.command_variant, parsed.service_reference_variant) == (1, "11.2")
    assert parsed.body == ReadFirmwareVersion(execution_datetime=None)


HASH = "AA758690730934FF0685AA758690730934FF0685657788990011223344556677"


@pytest.mark.parametrize(
    ("name", "counter", "when", "future", "cancel"),
    [
        ("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML", 1000, None, False, False),
        (
            "CS06_11.3_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML",
            1001,
            datetime(2030, 1, 15, 9, tzinfo=UTC),
            True,
            False,
        ),
        ("CS06_11.3_CANCELLATION_SUCCESS_REQUEST_DUIS.XML", 1002, CANCELLATION_DATETIME, False, True),
    ],
)
def test_11_3_activate_firmware(
    name: str, counter: int, when: datetime | None, future: bool, cancel: bool
) -> None:
    parsed = parse_request(request(name))
    assert parsed.request_id == MessageId(USER, ESME, counter)
    assert (parsed.command_variant, parsed.service_reference_variant) == (4, "11.3")
    assert parsed.body == ActivateFirmware(firmware_hash=HASH, execution_datetime=when)
    assert isinstance(parsed.body, ActivateFirmware)
    assert (parsed.body.is_future_dated, parsed.body.is_cancellation) == (future, cancel)


@pytest.mark.parametrize(
    ("name", "when"),
    [
        ("CS02bSupplierByTransCoS_6.23_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML", None),
        (
            "CS02bSupplierByTransCoS_6.23_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML",
            datetime(2030, 1, 2, tzinfo=UTC),
        ),
        ("CS02bSupplierByTransCoS_6.23_CANCELLATION_SUCCESS_REQUEST_DUIS.XML", CANCELLATION_DATETIME),
    ],
)
def test_6_23_change_of_supplier_credentials(name: str, when: datetime | None) -> None:
    parsed = parse_request(request(name))
    assert (parsed.command_variant, parsed.service_reference_variant) == (1, "6.23")
    assert parsed.body == UpdateSecurityCredentialsCoS(
        import_mpxn="1312345678333", supplier_floor_seq_number=0, execution_datetime=when
    )
    assert parsed.body.is_cancellation == (when == CANCELLATION_DATETIME)  # type: ignore[union-attr]


def test_8_2_read_inventory_by_device_id() -> None:
    parsed = parse_request(request("8.2_READ_INVENTORY_REQUEST_DUIS.XML"))
    assert parsed.body == ReadInventory(device_id="00-DB-12-34-56-78-90-A2")
    assert parsed.body.criterion == "DeviceID"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        (b"<sr:UPRN>12345</sr:UPRN>", ReadInventory(uprn="12345")),
        (b"<sr:MPxN>1312345678333</sr:MPxN>", ReadInventory(mpxn="1312345678333")),
        (
            b"<sr:PropertyFilter><sr:PostCode>AB1 2CD</sr:PostCode>"
            b"<sr:AddressIdentifier>1</sr:AddressIdentifier></sr:PropertyFilter>",
            ReadInventory(post_code="AB1 2CD", address_identifier="1"),
        ),
    ],
)
def test_8_2_read_inventory_other_search_criteria(criterion: bytes, expected: ReadInventory) -> None:
    xml = request("8.2_READ_INVENTORY_REQUEST_DUIS.XML").replace(
        b"<sr:DeviceID>00-DB-12-34-56-78-90-A2</sr:DeviceID>", criterion
    )
    assert parse_request(xml).body == expected


def test_8_1_1_commission_device() -> None:
    parsed = parse_request(request("ECS70Commission_8.1.1_SUCCESS_REQUEST_DUIS.XML"))
    assert (parsed.service_reference, parsed.service_reference_variant) == ("8.1", "8.1.1")
    assert parsed.body_kind == "CommissionDeviceSynchroniseClock"
    assert parsed.body == CommissionDevice(datetime(2014, 12, 31, 23, 59, 10, tzinfo=UTC), 60)


def test_other_bodies_keep_their_element_name() -> None:
    parsed = parse_request(request("12.2_DEVICE_PRE_NOTIFICATION_REQUEST_DUIS.XML"))
    assert parsed.body == OtherBody("DevicePrenotification")


def test_namespace_prefix_does_not_matter() -> None:
    xml = request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML")
    default_ns = xml.replace(b'xmlns:sr="', b'xmlns="').replace(b"<sr:", b"<").replace(b"</sr:", b"</")
    other_prefix = xml.replace(b"xmlns:sr=", b"xmlns:q=").replace(b"<sr:", b"<q:").replace(b"</sr:", b"</q:")
    assert parse_request(default_ns) == parse_request(xml) == parse_request(other_prefix)


def test_wrong_namespace_is_refused() -> None:
    xml = request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML").replace(
        b"http://www.dccinterface.co.uk/ServiceUserGateway", b"urn:not-duis"
    )
    with pytest.raises(DuisError, match=r"root element is '\{urn:not-duis\}Request', expected sr:Request"):
        parse_message(xml)


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (b":1000</sr:RequestID>", b":x</sr:RequestID>", "sr:Request/sr:Header/sr:RequestID: "),
        (b"<sr:CommandVariant>4<", b"<sr:CommandVariant>four<", "sr:Request/sr:Header/sr:CommandVariant: "),
        (
            b"<sr:FirmwareHash>AA",
            b"<sr:FirmwareHash>",
            "sr:Request/sr:Body/sr:ActivateFirmware/sr:FirmwareHash: ",
        ),
        (b' schemaVersion="5.4"', b"", "sr:Request: schemaVersion attribute missing"),
    ],
)
def test_bad_fields_say_what_and_where(old: bytes, new: bytes, where: str) -> None:
    xml = request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML").replace(old, new)
    with pytest.raises(DuisError) as caught:
        parse_request(xml, source="req.xml")
    assert str(caught.value).startswith(f"req.xml: {where}")
    assert "\n" not in str(caught.value)


def test_bad_execution_date_time_is_refused() -> None:
    xml = request("CS06_11.3_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML").replace(b"2030-01-15T", b"2030-13-15T")
    with pytest.raises(DuisError, match=r"ExecutionDateTime: '2030-13-15T09:00:00\.00Z' is not a valid date"):
        parse_request(xml)


@pytest.mark.parametrize("path", RESPONSES, ids=lambda p: p.name)
def test_every_real_response_parses(path: Path) -> None:
    parsed = parse_response(path.read_bytes(), source=path.name)
    assert parsed.body_kind == "ResponseMessage"
    assert parsed.payload_kind == "GBCSPayload"
    assert parsed.gbcs_payload is not None and parsed.gbcs_payload[:1] == b"\xdd"


def test_ecs52_response_header_and_payload() -> None:
    xml = (DUIS / "responses/duis-templates/ECS52_11.2_SUCCESS_RESPONSE_DUIS.XML").read_bytes()
    parsed = parse_response(xml)
    assert parsed == DuisResponse(
        schema_version="5.1",
        request_id=MessageId(USER, "BC-33-AC-00-FE-FA-55-3C", 1660286628923),
        response_id=MessageId("BC-33-AC-00-FE-FA-55-3C", USER, 1660286628923),
        response_code="I0",
        response_datetime=datetime(2022, 8, 12, 6, 43, 49, 844000, tzinfo=UTC),
        body_kind="ResponseMessage",
        service_reference="11.2",
        service_reference_variant="11.2",
        payload_kind="GBCSPayload",
        gbcs_payload=parsed.gbcs_payload,
    )
    assert len(parsed.gbcs_payload or b"") == 93


def test_future_dated_device_alert_message_payload() -> None:
    xml = (
        b'<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4">'
        b"<sr:Header><sr:ResponseID>00-DB-12-34-56-78-90-A0:90-B3-D5-1F-30-01-00-00:2000</sr:ResponseID>"
        b"<sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2030-01-15T09:00:05Z</sr:ResponseDateTime>"
        b"</sr:Header><sr:Body><sr:ResponseMessage><sr:ServiceReference>11.3</sr:ServiceReference>"
        b"<sr:ServiceReferenceVariant>11.3</sr:ServiceReferenceVariant><sr:FutureDatedDeviceAlertMessage>"
        b"<sr:FutureDatedAlertCode>8f66</sr:FutureDatedAlertCode><sr:GBCSPayload>3wk=</sr:GBCSPayload>"
        b"<sr:InstructionNumber>1</sr:InstructionNumber><sr:TotalCommandInstructions>1</sr:TotalCommandInstructions>"
        b"</sr:FutureDatedDeviceAlertMessage></sr:ResponseMessage></sr:Body></sr:Response>"
    )
    parsed = parse_response(xml)
    assert parsed.request_id is None
    assert (parsed.payload_kind, parsed.alert_code, parsed.gbcs_payload) == (
        "FutureDatedDeviceAlertMessage",
        "8F66",
        b"\xdf\x09",
    )


def test_dcc_alert_message() -> None:
    xml = (
        b'<sr:Response xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway" schemaVersion="5.4">'
        b"<sr:Header><sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>2030-01-15T09:00:05Z"
        b"</sr:ResponseDateTime></sr:Header><sr:Body><sr:DCCAlertMessage><sr:DCCAlertCode>N29</sr:DCCAlertCode>"
        b"<sr:DCCAlert><sr:DeviceStatusChangeEvent><sr:DeviceID>00-DB-12-34-56-78-90-A0</sr:DeviceID>"
        b"</sr:DeviceStatusChangeEvent></sr:DCCAlert></sr:DCCAlertMessage></sr:Body></sr:Response>"
    )
    parsed = parse_response(xml)
    assert (parsed.body_kind, parsed.alert_code, parsed.payload_kind) == (
        "DCCAlertMessage",
        "N29",
        "DeviceStatusChangeEvent",
    )


def test_bad_base64_payload_is_refused() -> None:
    xml = (DUIS / "responses/duis-templates/ECS52_11.2_SUCCESS_RESPONSE_DUIS.XML").read_bytes()
    with pytest.raises(DuisError, match="sr:ResponseMessage/sr:GBCSPayload: not valid base64"):
        parse_response(xml.replace(b"<sr:GBCSPayload>3QAA", b"<sr:GBCSPayload>*QAA"))


def test_request_and_response_are_told_apart() -> None:
    assert isinstance(parse_message(request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML")), DuisRequest)
    with pytest.raises(DuisError, match="expected a DUIS Response, got a Request"):
        parse_response(request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"))


def test_xxe_response_is_refused() -> None:
    with pytest.raises(DuisError, match="DOCTYPE is not allowed"):
        parse_response(XXE.read_bytes())
