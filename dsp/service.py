"""The Data Service Provider: takes requests, device messages and CPL changes, returns what happens.

Pure and synchronous: every method takes the current simulated time (seconds) and returns an Outcome.
The harness (SimPy world, Gherkin steps, DUIS endpoint) carries the messages and owns time.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dsp import alerts
from dsp.authorisation import authorise
from dsp.catalogue import CATALOGUE, LOCAL_DELIVERY_VARIANTS, LOCAL_ONLY_VARIANTS, ServiceRequestDefinition, definition
from dsp.cpl import CentralProductsList
from dsp.errors import DomainError
from dsp.firmware_processing import Feed, activation_alert_feed, activation_feed, read_firmware_feed
from dsp.inventory import SmartMeteringInventory, SmiRecord
from dsp.messages import (
    Acknowledged,
    ActivationAlert,
    ActivationResponse,
    DccAlert,
    DeviceCommand,
    DeviceMessage,
    FirmwareImage,
    FirmwareVersionRead,
    ImageDistributed,
    LocalCommand,
    Outcome,
    ServiceRequest,
    ServiceResponse,
    SmiChange,
)
from dsp.records import frozen_record
from dsp.rulesets import DspSettings, RuleSet
from dsp.suspension import SUSPENDABLE, suspend
from dsp.users import UserRegistry
from dsp.version_rule import RuleResult, apply_version_rule
from dsp.vocabulary import CplStatus, DeviceModel, DeviceStatus, DeviceType, ResponseCode


_I0, _I99 = ResponseCode.I0, ResponseCode.I99
_NO_COMMANDS: tuple[()] = ()


@frozen_record
@dataclass(frozen=True, slots=True)
class InventoryRow:
    """One device in an 8.2 Read Inventory response."""

    device_id: str
    device_type: DeviceType
    status: DeviceStatus
    firmware: str


class DataServiceProvider:
    def __init__(
        self,
        ruleset: RuleSet,
        *,
        inventory: SmartMeteringInventory | None = None,
        cpl: CentralProductsList | None = None,
        users: UserRegistry | None = None,
        settings: DspSettings | None = None,
    ) -> None:
        self.ruleset = RuleSet.parse(ruleset)
        self.inventory = inventory if inventory is not None else SmartMeteringInventory()
        self.cpl = cpl if cpl is not None else CentralProductsList()
        self.users = users if users is not None else UserRegistry()
        self.settings = settings or DspSettings()

    # --- Service Requests ---------------------------------------------------------------------------

    def submit(self, request: ServiceRequest, now: float) -> Outcome:
        """Authorise a request (Table 22) and answer it: an E-code, or an acknowledgement with the
        commands for its devices, or (Non-Device SRs) the answer itself, or (local delivery) the Command
        for Local Delivery.

        CV 4 here stands for the transform and its Signed Pre-Command at once (the simulator's supplier
        signs at once, R-E5-7); CV 5 is the Signed Pre-Command alone: both go to the device.
        """
        row = CATALOGUE.get(request.srv)  # the hot path: a known SRV and a valid variant, checked in line
        if row is None or request.command_variant not in row.command_variants:
            row = self._checked(request)
        failure = authorise(request, row, self.inventory, self.users, self.ruleset, self.settings)
        if failure is not None:
            return Outcome(responses=(ServiceResponse(request, failure, now),))  # R-E5-6: never reaches the device
        srv = row.srv
        if not row.served:
            return Outcome(responses=(ServiceResponse(request, _I99, now),))  # R-SRV-1: and it goes no further
        commands: tuple[DeviceCommand, ...]
        if srv == "11.3":
            commands = (DeviceCommand(request, request.target, self._image_to_activate(request)),)
        elif srv == "11.1":
            image = FirmwareImage(request.firmware_version, request.firmware_hash or b"")
            devices = request.device_list
            if len(devices) == 1:  # the simulator's supplier: one device per 11.1
                commands = (DeviceCommand(request, devices[0], image),)
            else:
                commands = tuple([DeviceCommand(request, device_id, image) for device_id in devices])
        elif srv == "8.2":
            return Outcome(responses=(ServiceResponse(request, _I0, now, self._read_inventory(request)),))
        elif srv == "12.1":
            return Outcome(responses=(ServiceResponse(request, _I0, now, ()),))
        else:
            commands = (DeviceCommand(request, request.target),)
        if request.command_variant in LOCAL_DELIVERY_VARIANTS:
            # R-E17-4: the Command for Local Delivery at once; CV 3 and 7 also go over the SM WAN
            record = self.inventory.find(commands[0].device_id)
            body = LocalCommand(commands[0], record.device_type if record is not None else None)
            local = ServiceResponse(request, _I0, now, body)
            return Outcome((local,), _NO_COMMANDS if request.command_variant in LOCAL_ONLY_VARIANTS else commands)
        # R-E5-6: acknowledged now, answered with I0 when the device responds
        return Outcome((ServiceResponse(request, _I99, now),), commands)

    def authorise(self, request: ServiceRequest, *, transform_only: bool = False) -> ResponseCode | None:
        """Table 22 alone, changing nothing: the failing code, or None when the request passes.

        `transform_only`: a Critical SR (CV 4) to be answered with its Pre-Command (DUIS serviceT), nothing
        sent yet: E5 is not applied (R-E5-1); its Signed Pre-Command (CV 5) is checked when it comes.
        """
        row = self._checked(request)
        return authorise(
            request, row, self.inventory, self.users, self.ruleset, self.settings, transform_only=transform_only
        )

    def _checked(self, request: ServiceRequest) -> ServiceRequestDefinition:
        row = definition(request.srv)
        if request.command_variant not in row.command_variants:
            raise DomainError(
                f"command variant {request.command_variant} is not valid for SR {row.srv}: "
                f"expected one of {sorted(row.command_variants)}"
            )
        return row

    def no_response(self, request: ServiceRequest, now: float) -> Outcome:
        """The response timeout passed with no device response (R-DEV-6)."""
        if not self.settings.e21_on_timeout:
            return Outcome()
        return Outcome(responses=(ServiceResponse(request, ResponseCode.E21, now),))

    def _image_to_activate(self, request: ServiceRequest) -> FirmwareImage:
        """The image an 11.3 names by hash; the CPL tells its version (a SMETS1 device needs it)."""
        digest = request.firmware_hash or b""
        entry = self.cpl.by_hash(digest)
        return FirmwareImage(entry.firmware if entry is not None else None, digest)

    def _read_inventory(self, request: ServiceRequest) -> tuple[InventoryRow, ...]:
        user_id, role = request.user.user_id, request.user.role
        inventory = self.inventory
        eligible = inventory.eligible_user
        records: Iterable[SmiRecord]
        if request.device_list:
            records = [r for r in map(inventory.find, request.device_list) if r is not None]
        else:
            records = inventory
        return tuple(
            [
                InventoryRow(r.device_id, r.device_type, r.status, r.firmware)
                for r in records
                if eligible(r, user_id, role)
            ]
        )

    # --- what devices send back ---------------------------------------------------------------------

    def receive(self, message: DeviceMessage, now: float) -> Outcome:
        """A device's response or alert: answer the user with I0 and apply the firmware rules.

        R-112-3: the SMI is updated here, from the response itself, with no step by any user.
        """
        command = message.command
        response = (ServiceResponse(command.request, _I0, now, message),)
        record = self.inventory.find(command.device_id)
        if record is None:
            raise DomainError(f"unknown device {command.device_id}: not in the SMI")
        kind = type(message)
        # `kind is X` proves that message is an X; each `if TYPE_CHECKING` assert (never run) tells mypy so
        if kind is ActivationResponse:
            if TYPE_CHECKING:
                assert isinstance(message, ActivationResponse)
            changes, sent = self._feed(record, message.version, activation_feed(self.ruleset, message), now)
        elif kind is ImageDistributed or kind is Acknowledged:
            return Outcome(response)
        elif kind is FirmwareVersionRead:
            if TYPE_CHECKING:
                assert isinstance(message, FirmwareVersionRead)
            changes, sent = self._firmware_read(record, message, now)
        elif kind is ActivationAlert:
            if TYPE_CHECKING:
                assert isinstance(message, ActivationAlert)
            feed = activation_alert_feed(
                self.ruleset, message, records_current=self.settings.legacy_failure_alert_records_current
            )
            changes, sent = self._feed(record, message.version, feed, now)
        else:
            raise DomainError(f"unknown device message {kind.__name__}")
        return Outcome(response, _NO_COMMANDS, sent, changes)

    def _firmware_read(self, record: SmiRecord, message: FirmwareVersionRead, now: float) -> RuleResult:
        version = message.version
        if version is None:
            return (), ()
        if record.device_type is DeviceType.GPF:
            return (), self._gas_proxy_check(record, version, now)
        if record.device_type not in self.settings.version_rule_11_2_types:
            return (), ()  # R-112-5: PPMID / HCALCS need SECMP0007
        return self._feed(record, version, read_firmware_feed(self.ruleset), now)

    def _gas_proxy_check(self, gpf: SmiRecord, gsme_copy: str, now: float) -> tuple[DccAlert, ...]:
        """R-112-6: a GPF's copy of its GSME's version never restores the GSME; a mismatch sends N52."""
        gsme = self.inventory.find(gpf.gsme) if gpf.gsme else None
        if gsme is None or gsme.firmware == gsme_copy:
            return ()
        return alerts.gsme_mismatch(gsme, gsme_copy, now, to_network_operator=self.settings.n52_to_network_operator)

    def _feed(self, record: SmiRecord, version: str | None, feed: Feed | None, now: float) -> RuleResult:
        if feed is None or version is None:
            return (), ()
        mode, rule = feed
        return apply_version_rule(record, version, self.cpl, mode, now, rule, self.settings.restore_on_unchanged_version)

    # --- the Central Products List ------------------------------------------------------------------

    def list_on_cpl(
        self, device_type: DeviceType, model: DeviceModel, firmware: str, image_hash: bytes | None = None
    ) -> None:
        """Add a Current entry (or set an existing one Current). Reinstating suspends or restores nothing."""
        self.cpl.add(device_type, model, firmware, CplStatus.CURRENT, image_hash)

    def remove_from_cpl(self, device_type: DeviceType, model: DeviceModel, firmware: str, now: float) -> Outcome:
        """Set the entry Removed and suspend the devices on it (R-CPL-1, R-CPL-2), all in one Outcome."""
        suspended = list(self.suspend_on_removal(device_type, model, firmware, now))
        return Outcome(
            alerts=tuple(a for o in suspended for a in o.alerts),
            changes=tuple(c for o in suspended for c in o.changes),
        )

    def suspend_on_removal(
        self, device_type: DeviceType, model: DeviceModel, firmware: str, now: float
    ) -> Iterator[Outcome]:
        """`remove_from_cpl` one device at a time, so a GB-size fleet is suspended without holding every
        alert at once. Nothing happens until the iterator is consumed."""
        entry = self.cpl.add(device_type, model, firmware, CplStatus.REMOVED)
        code = self.settings.suspension_alert_code
        for record in self.inventory:
            if record.device_type is device_type and record.model == model and record.firmware == entry.firmware:
                before = record.status
                if suspend(record, now):  # R-CPL-1
                    yield Outcome(
                        alerts=(alerts.device_suspended(code, record, now),),  # R-CPL-2
                        changes=(SmiChange(record.device_id, "status", before, DeviceStatus.SUSPENDED, "R-CPL-1"),),
                    )

    def suspend_on_removal_counted(self, device_type: DeviceType, model: DeviceModel, firmware: str, now: float) -> int:
        """`suspend_on_removal` for a caller that needs only how many (a simulator that traces nothing):
        the same SMI changes (R-CPL-1), a fleet held as arrays suspended in place; each suspended device is
        owed the suspension alert (R-CPL-2, `settings.suspension_alert_code`), which the caller counts."""
        entry = self.cpl.add(device_type, model, firmware, CplStatus.REMOVED)
        count = 0
        for record in self.inventory.own_records():
            if record.device_type is device_type and record.model == model and record.firmware == entry.firmware:
                count += suspend(record, now)  # R-CPL-1
        fleet = self.inventory.fleet
        if fleet is not None:
            count += fleet.suspend_where(device_type, model, entry.firmware, SUSPENDABLE, now)  # R-CPL-1
        return count
