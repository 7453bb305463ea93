"""Which device messages feed the version rule, and how, under each rule set (R-112-*, R-113-*, R-FD-1).

R-112-4: nothing here asks for the SMETS version; SMETS1 and SMETS2 responses are treated alike (a SMETS1
retry differs only in carrying no version, R-113-3).
"""
from __future__ import annotations

from dsp.messages import ActivationAlert, ActivationResponse
from dsp.rulesets import RuleSet
from dsp.version_rule import WARNINGS_ONLY, WITH_RESTORE, WITHOUT_RESTORE, VersionRuleMode
from dsp.vocabulary import ALERT_ACTIVATION_SUCCESS, ActivationOutcome

Feed = tuple[VersionRuleMode, str]  # how, and the rule that says so


def read_firmware_feed(ruleset: RuleSet) -> Feed:
    """An 11.2 response from an ESME, GSME or CHF (R-112-2)."""
    if ruleset is RuleSet.LEGACY:
        return WITHOUT_RESTORE, "R-112-2"  # it cannot have reached a Suspended device
    return WITH_RESTORE, "R-112-2"


def activation_feed(ruleset: RuleSet, response: ActivationResponse) -> Feed | None:
    """An immediate 11.3 response; None when it is ignored."""
    if response.scheduled:
        return None  # R-FD-1: the immediate response of a future-dated 11.3 only accepts
    if response.version is None:
        return None  # R-113-3
    if response.outcome is ActivationOutcome.SUCCESS:
        return WITH_RESTORE, "R-113-1"
    if ruleset is RuleSet.MP105:
        return WITH_RESTORE, "R-113-2"
    return None  # R-113-2: ignored before Req. 2


def activation_alert_feed(ruleset: RuleSet, alert: ActivationAlert, *, records_current: bool = True) -> Feed | None:
    """A future-dated activation alert 0x8F66 / 0x8F67 (R-FD-1).

    `records_current` (R-FD-2, DspSettings.legacy_failure_alert_records_current): before Req. 2 a failure
    alert carrying a Current version unlike the SMI's updates the SMI (without restoring), as one carrying
    a Removed version does; False: only the N50/N51 branches apply.
    """
    if alert.version is None:
        return None
    if ruleset is RuleSet.MP105:
        return WITH_RESTORE, "R-FD-1"
    if alert.alert_code == ALERT_ACTIVATION_SUCCESS and alert.outcome is ActivationOutcome.SUCCESS:
        return WITH_RESTORE, "R-FD-1"
    if records_current:
        return WITHOUT_RESTORE, "R-FD-2"
    return WARNINGS_ONLY, "R-FD-1"
