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


@dataclass(frozen=True)
class DspSettings:
    """Modelling decisions where the public text is silent (RULES.md marks them [model]).

    Reports list them through `modelling_decisions()` so a reader can tell a modelled figure from the SEC.
    """

    # R-CPL-2: the N-code of the suspension alert is not public
    suspension_alert_code: str = "N28"
    # R-112-5: 11.2 responses from these device types feed the version rule (PPMID/HCALCS need SECMP0007)
    version_rule_11_2_types: frozenset[DeviceType] = field(default=_SPREADABLE)
    # R-DEV-6: a lost device response answers the user E21 after the timeout (False: nothing)
    e21_on_timeout: bool = True

    def __post_init__(self) -> None:
        if self.suspension_alert_code not in _KNOWN_SUSPENSION_CODES:
            raise DomainError(
                f"suspension alert code {self.suspension_alert_code!r} is not a DUIS DCCAlertCode (N1..N65)"
            )

    def modelling_decisions(self) -> dict[str, str]:
        types = ", ".join(sorted(t.value for t in self.version_rule_11_2_types))
        return {
            "R-CPL-2": f"suspension alert sent as DCC alert {self.suspension_alert_code} (its N-code is not public)",
            "R-112-5": f"11.2 responses feed the version rule for {types}",
            "R-DEV-6": "a lost device response is answered E21 after the response timeout"
            if self.e21_on_timeout
            else "a lost device response is never answered",
            "R-DEV-3": "after a successful activation the device holds no image, so a retry answers noImageHeld",
            "R-E5-order": "E19 is checked before E4 and E5 (both need the device)",
            "R-ALERT-N50/N51-payload": "N50/N51 carry the FirmwareVersionMismatch payload (the DUIS payload is not public)",
        }
