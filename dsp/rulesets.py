"""The three rule sets the MP105 Working Group compared, and the DSP's modelling settings.

`legacy` is DUIS 3.1 before MP105; `mp105-option1` adds Req. 1 (11.2 to Suspended devices);
`mp105` adds Req. 2 as well (every 11.3 response, retries included, feeds the version rule).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from dsp.errors import DomainError
from dsp.vocabulary import DeviceType, _Parse


class RuleSet(_Parse, Enum):
    """Rule set: legacy, mp105-option1 or mp105"""

    LEGACY = "legacy"
    MP105_OPTION1 = "mp105-option1"
    MP105 = "mp105"

    @property
    def description(self) -> str:
        return {
            RuleSet.LEGACY: "DUIS 3.1 before MP105: 11.2 rejected E5 on Suspended devices; only a successful 11.3 restores",
            RuleSet.MP105_OPTION1: "MP105 Option 1 (Req. 1): 11.2 reaches Suspended devices and its response restores",
            RuleSet.MP105: "MP105 final solution (Req. 1 + 2): 11.2 restores, and every 11.3 response carrying a version feeds the version rule",
        }[self]

    @property
    def allows_11_2_when_suspended(self) -> bool:
        return self is not RuleSet.LEGACY  # R-112-1


_SPREADABLE = frozenset((DeviceType.ESME, DeviceType.GSME, DeviceType.CHF))
_KNOWN_SUSPENSION_CODES = frozenset(f"N{i}" for i in range(1, 66)) | {"AD1", "N999"}


class Table22Order(_Parse, Enum):
    """Table 22 order: the legal text's (Annex B), or the rulebook's simplification (a modelling option)"""

    ANNEX_B = "annex-b"  # R-T22-1: E1, E2, E3, E4, E5, E17, E19 (E11, a validation check, before them)
    RULEBOOK = "rulebook"  # R-T22-2: E1, E2, E3, E19 (absent or of a type the SR cannot target), E4 (every SR), E5, E17


@dataclass(frozen=True)
class DspSettings:
    """Modelling decisions where the public text is silent or ambiguous (RULES.md marks them [model]).

    Reports list them through `modelling_decisions()` so a reader can tell a modelled figure from the SEC.
    """

    # R-CPL-2: the N-code of the suspension alert is not public
    suspension_alert_code: str = "N28"
    # R-112-5: 11.2 responses from these device types feed the version rule (PPMID/HCALCS need SECMP0007)
    version_rule_11_2_types: frozenset[DeviceType] = field(default=_SPREADABLE)
    # R-DEV-6: a lost device response answers the user E21 after the timeout (False: nothing)
    e21_on_timeout: bool = True
    # R-T22-1 / R-T22-2: the order of the Table 22 checks
    table22_order: Table22Order = Table22Order.ANNEX_B
    # R-E4-1: the "limited number of specific Service Requests" E4 is not applied to (the seed names none)
    e4_exempt_srvs: frozenset[str] = frozenset()
    # R-E5-8: 2.2 with CV 2 to a Suspended SMETS1 device fails E5, as Annex B's E5 row reads (the legal text
    # wins); True keeps the exception the report (section 2) and Annex C name
    smets1_top_up_cv2_when_suspended: bool = False
    # R-VER-5: a Suspended device reporting its SMI version, now Current again on the CPL, is restored
    restore_on_unchanged_version: bool = True
    # R-ALERT-2: N52 goes to "the Service Users": the gas supplier and (True) the gas transporter too
    n52_to_network_operator: bool = True
    # R-FD-2: under legacy an 0x8F67 alert carrying a Current version unlike the SMI's updates the SMI
    legacy_failure_alert_records_current: bool = True

    def __post_init__(self) -> None:
        if self.suspension_alert_code not in _KNOWN_SUSPENSION_CODES:
            raise DomainError(
                f"suspension alert code {self.suspension_alert_code!r} is not a DUIS DCCAlertCode (N1..N65)"
            )
        object.__setattr__(self, "table22_order", Table22Order.parse(self.table22_order))
        object.__setattr__(self, "e4_exempt_srvs", frozenset(self.e4_exempt_srvs))

    def modelling_decisions(self) -> dict[str, str]:
        """Each decision in one line, keyed by the rule it belongs to, as the reports label them."""
        types = ", ".join(sorted(t.value for t in self.version_rule_11_2_types))
        exempt = ", ".join(sorted(self.e4_exempt_srvs)) or "none (the seed names none)"
        annex_b = self.table22_order is Table22Order.ANNEX_B
        return {
            "R-CPL-2": f"suspension alert sent as DCC alert {self.suspension_alert_code} (its N-code is not public)",
            "R-112-5": f"11.2 responses feed the version rule for {types}",
            "R-DEV-6": "a lost device response is answered E21 after the response timeout"
            if self.e21_on_timeout
            else "a lost device response is never answered",
            "R-DEV-3": "after a successful activation the device holds no image, so a retry answers noImageHeld",
            "R-DEV-7": "a SMETS1 activation response that is not a success may carry no firmware version "
            "(the seed: 'a failed activation response may not contain firmware version'), as a retry's may",
            "R-T22-1": "Table 22 in the legal text's order: E1, E2, E3, E4, E5, E17, E19, the first failure answering"
            if annex_b
            else "Table 22 in the rulebook's order (a modelling option): E1, E2, E3, E19 (a device absent or of a "
            "type the SR cannot target), E4 (every SR, Critical ones too), E5, E17",
            "R-E11-1": "a device of a type the SR cannot target is answered E11 (DUIS validation), before Table 22"
            if annex_b
            else "a device of a type the SR cannot target is answered E19 (the rulebook's order)",
            "R-E4-1": f"E4 is not applied to Critical SRs and Signed Pre-Commands; other SRVs exempt from E4: {exempt}",
            "R-E4-3": "a device does not execute a Critical command signed by a party it does not trust (not its "
            "supplier or network operator): it discards it, and the user hears E21 after the response timeout",
            "R-E5-7": "CV 4 sent to a device stands for the transform and its Signed Pre-Command at once, so E5 "
            "applies to it in Recovery; a transform alone (DUIS serviceT) is never checked against the status",
            "R-E5-8": "2.2 with CV 2 to a Suspended SMETS1 device is processed, as the report and Annex C say "
            "(Annex B's E5 row omits it)" if self.smets1_top_up_cv2_when_suspended
            else "2.2 with CV 2 to a Suspended SMETS1 device fails E5, as Annex B's E5 row reads (the report and "
            "Annex C name it an exception: dsp.smets1_top_up_cv2_when_suspended keeps it)",
            "R-E17-1": "local delivery is the Command Variants whose output is a Command for Local Delivery: 2, 3, "
            "6 and 7 (the DUIS CommandVariant table)",
            "R-E17-4": "a request for local delivery that passes is answered I0 with ResponseMessage/LocalCommand; "
            "CV 3 and 7 also go to the device over the SM WAN, CV 2 and 6 go no further",
            "R-SRV-1": "an SRV the model does not serve that passes Table 22 is answered I99 and goes no further",
            "R-VER-5": "a Suspended device reporting the version the SMI holds, listed Current again, is restored "
            "with N29 (3.8.120.4)" if self.restore_on_unchanged_version
            else "a device reporting the version the SMI holds changes nothing, Suspended or not (R-VER-1 alone)",
            "R-ALERT-2": "N52 goes to the Service Users of the GSME: its gas supplier and its gas transporter"
            if self.n52_to_network_operator
            else "N52 goes to the gas supplier only",
            "R-FD-2": "under legacy an 0x8F67 alert carrying a Current version unlike the SMI's updates the SMI "
            "(no restore), as one carrying a Removed version does" if self.legacy_failure_alert_records_current
            else "under legacy an 0x8F67 alert feeds only the N50/N51 branches of the version rule",
            "R-ALERT-N50/N51-payload": "N50/N51 carry the FirmwareVersionMismatch payload (the DUIS payload is not public)",
        }
