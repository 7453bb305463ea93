"""Device behaviour for firmware: SMETS2 two-step update, SMETS1 one-step update, the GPF's copy.

R-DEV-1..5. Randomness (an activation that fails, a SMETS1 retry that omits its version) is decided by
the caller and passed in, so a device is deterministic for its inputs.
"""
from __future__ import annotations

from dsp.catalogue import CATALOGUE
from dsp.errors import DomainError
from dsp.identifiers import firmware_version
from dsp.messages import (
    Acknowledged,
    ActivationAlert,
    ActivationResponse,
    DeviceCommand,
    DeviceMessage,
    FirmwareImage,
    FirmwareVersionRead,
    ImageDistributed,
)
from dsp.vocabulary import (
    ALERT_ACTIVATION_FAILURE,
    ALERT_ACTIVATION_SUCCESS,
    ActivationOutcome,
    DeviceModel,
    DeviceType,
)


class Device:
    """A SMETS2 device with firmware: ESME, GSME, CHF, PPMID, HCALCS.

    `running` is the firmware it runs; `held` the image distributed by 11.1 and not yet activated;
    `scheduled` a future-dated activation (execution time, command). `trusted_signers`: the parties whose
    signature on a Critical command it can verify (its supplier and network operator, whose credentials it
    holds); None trusts every sender (a fleet whose requests all come from each device's own parties).
    """

    __slots__ = ("device_id", "device_type", "smets", "model", "running", "held", "scheduled", "trusted_signers")

    def __init__(self, device_id: str, device_type: DeviceType, firmware: str, model: DeviceModel | None = None):
        self.device_id = device_id
        self.device_type = device_type
        self.smets = 2
        self.model = model or DeviceModel.default_for(device_type)
        self.running = firmware
        self.held: FirmwareImage | None = None
        self.scheduled: tuple[float, DeviceCommand] | None = None
        self.trusted_signers: frozenset[str] | None = None

    def refuses(self, command: DeviceCommand) -> bool:
        """R-E4-3 [model]: a Critical command signed by a party the device does not trust is not executed.
        E4 is not applied to Critical SRs: the device's own check of the signature is what stops them."""
        trusted = self.trusted_signers
        return trusted is not None and command.request.user.user_id not in trusted and CATALOGUE[command.request.srv].critical

    def handle(
        self,
        command: DeviceCommand,
        now: float,
        *,
        activation_fails: bool = False,
        retry_omits_version: bool = True,
    ) -> DeviceMessage | None:
        """The device's response to a command from the DSP; None: it discards the command and sends nothing
        (R-E4-3: a Critical command it cannot authenticate)."""
        if self.trusted_signers is not None and self.refuses(command):
            return None  # R-E4-3
        srv = command.request.srv
        if srv == "11.2":
            return FirmwareVersionRead(command, self.running, self.device_type)
        if srv == "11.3":
            if command.request.cancels:
                self.scheduled = None  # R-FD-1: a cancelled future-dated activation never runs
                return Acknowledged(command)
            execution = command.request.execution_time
            if execution is not None and execution > now:
                self.scheduled = (execution, command)  # R-FD-1: accept now, report by alert later
                return ActivationResponse(command, ActivationOutcome.SUCCESS, None, scheduled=True)
            outcome = self._activate(command.image, activation_fails)
            return ActivationResponse(command, outcome, self._reported_version(outcome, retry_omits_version))
        if srv == "11.1":
            return ImageDistributed(command, self._receive_image(command.image))
        return Acknowledged(command)

    def execute_due(self, now: float, *, activation_fails: bool = False) -> ActivationAlert | None:
        """Run a future-dated activation whose time has come: alert 0x8F66 on success, else 0x8F67."""
        if self.scheduled is None or self.scheduled[0] > now:
            return None
        _, command = self.scheduled
        self.scheduled = None
        outcome = self._activate(command.image, activation_fails)
        code = ALERT_ACTIVATION_SUCCESS if outcome is ActivationOutcome.SUCCESS else ALERT_ACTIVATION_FAILURE
        return ActivationAlert(command, code, outcome, self.running)

    def _receive_image(self, image: FirmwareImage | None) -> bool:
        """R-DEV-1: 11.1 leaves the image held on the device (via the CHF)."""
        if image is None or image.version is None:
            return False
        self.held = image
        return True

    def _activate(self, image: FirmwareImage | None, fails: bool) -> ActivationOutcome:
        """R-DEV-1..3: activate the held image if its hash matches."""
        held = self.held  # read once: a fleet device's is read from its arrays (harness.sim.fleet)
        if held is None:
            return ActivationOutcome.NO_IMAGE_HELD  # R-DEV-3: a retry after success lands here
        if image is None or image.hash != held.hash:
            return ActivationOutcome.HASH_MISMATCH
        if fails:
            return ActivationOutcome.ACTIVATION_FAILURE
        self.running = held.version  # type: ignore[assignment]
        self.held = None
        return ActivationOutcome.SUCCESS

    def _reported_version(self, outcome: ActivationOutcome, retry_omits_version: bool) -> str | None:
        return self.running  # R-DEV-2: every SMETS2 response carries the running version

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.device_id} {self.device_type.value} runs {self.running})"


class Smets1Device(Device):
    """A SMETS1 device: 11.3 transfers and activates in one step (R-DEV-4); 11.1 is not needed.

    A retried 11.3 (the device already runs the image) answers noImageHeld, and its response may carry
    no version at all (`retry_omits_version`, drawn by the caller with the configured probability); so may
    the response of an activation that fails (R-DEV-7).
    """

    __slots__ = ()

    def __init__(self, device_id: str, device_type: DeviceType, firmware: str, model: DeviceModel | None = None):
        super().__init__(device_id, device_type, firmware, model)
        self.smets = 1

    def _activate(self, image: FirmwareImage | None, fails: bool) -> ActivationOutcome:
        if image is None or image.version is None:
            return ActivationOutcome.HASH_MISMATCH  # the hash names no image the DSP knows
        if image.version == self.running:
            return ActivationOutcome.NO_IMAGE_HELD  # a retry: nothing left to activate
        if fails:
            return ActivationOutcome.ACTIVATION_FAILURE
        self.running = image.version
        self.held = None
        return ActivationOutcome.SUCCESS

    def _reported_version(self, outcome: ActivationOutcome, retry_omits_version: bool) -> str | None:
        if outcome is not ActivationOutcome.SUCCESS and retry_omits_version:
            # R-DEV-4 / R-113-3: a retry (noImageHeld); R-DEV-7: any failed activation "may not contain
            # firmware version" (the seed, Annex C 3.2), with the same configured chance
            return None
        return self.running


class GasProxyFunction(Device):
    """The GPF: answers 11.2 with its own copy of its GSME's firmware version, which can lag (R-DEV-5)."""

    __slots__ = ("gsme_copy",)

    def __init__(self, device_id: str, gsme_firmware: str, firmware: str = "00000000", model: DeviceModel | None = None):
        super().__init__(device_id, DeviceType.GPF, firmware, model)
        self.gsme_copy = gsme_firmware

    def refresh(self, gsme_version: str) -> None:
        """The GSME reported its version to the GPF (R-DEV-5)."""
        self.gsme_copy = gsme_version

    def handle(self, command: DeviceCommand, now: float, **_: bool) -> DeviceMessage | None:
        if self.trusted_signers is not None and self.refuses(command):
            return None  # R-E4-3
        if command.request.srv == "11.2":
            return FirmwareVersionRead(command, self.gsme_copy, DeviceType.GPF)  # R-112-6
        return Acknowledged(command)


def build_device(
    device_id: str,
    device_type: DeviceType,
    smets: int,
    firmware: str,
    model: DeviceModel | None = None,
    *,
    gsme_firmware: str | None = None,
) -> Device:
    """The one way to make a device. A GPF needs the firmware of its GSME (`gsme_firmware`)."""
    firmware = firmware_version(firmware)
    if device_type is DeviceType.GPF:
        if gsme_firmware is None:
            raise DomainError(f"GPF {device_id} needs its GSME's firmware version")
        return GasProxyFunction(device_id, firmware_version(gsme_firmware), firmware, model)
    if smets == 1:
        return Smets1Device(device_id, device_type, firmware, model)
    if smets == 2:
        return Device(device_id, device_type, firmware, model)
    raise DomainError(f"SMETS version of {device_id} must be 1 or 2, got {smets!r}")
