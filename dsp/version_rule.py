"""The firmware version rule (R-VER-1..4): what a reported firmware version does to the SMI."""
from __future__ import annotations

from dataclasses import dataclass

from dsp import alerts
from dsp.cpl import CentralProductsList
from dsp.inventory import SmiRecord
from dsp.messages import DccAlert, SmiChange
from dsp.suspension import restore
from dsp.vocabulary import CplStatus, DeviceStatus


@dataclass(frozen=True, slots=True)
class VersionRuleMode:
    """How a message feeds the rule. `restore`: a Suspended device on a Current version is restored.
    `current_branch`: the R-VER-2 branch applies at all (False for legacy 0x8F67: N50/N51 only)."""

    restore: bool = True
    current_branch: bool = True


WITH_RESTORE = VersionRuleMode()
WITHOUT_RESTORE = VersionRuleMode(restore=False)
WARNINGS_ONLY = VersionRuleMode(restore=False, current_branch=False)

_NOTHING: tuple[()] = ()
_SUSPENDED = DeviceStatus.SUSPENDED

RuleResult = tuple[tuple[SmiChange, ...], tuple[DccAlert, ...]]  # the SMI changes and the alerts


def apply_version_rule(
    record: SmiRecord,
    reported: str,
    cpl: CentralProductsList,
    mode: VersionRuleMode,
    now: float,
    feed_rule: str,
    restore_unchanged: bool = True,
) -> RuleResult:
    """Apply the rule to a version `reported` by the device; returns the SMI changes and the alerts.

    `feed_rule` names the rule that made this message an input (R-112-2, R-113-1, ...), for the trace.
    `restore_unchanged`: R-VER-5 applies (DspSettings.restore_on_unchanged_version).
    """
    smi = record.firmware
    if reported == smi:
        if (
            record.status is _SUSPENDED  # the rare case first: the simulator's hot path is R-VER-1
            and restore_unchanged
            and mode.restore
            and cpl.status_of(record.device_type, record.model, reported) is CplStatus.CURRENT
        ):
            # R-VER-5 (3.8.120.4): the version is the current valid one again (a Removed entry listed Current
            # again), the device is Suspended and its version matches a Current entry: restore it
            restored = restore(record, now)  # R-CPL-3
            change = SmiChange(record.device_id, "status", DeviceStatus.SUSPENDED, restored, feed_rule)
            return (change,), alerts.device_restored(record, now, "R-VER-5")
        return _NOTHING, _NOTHING  # R-VER-1
    cpl_status = cpl.status_of(record.device_type, record.model, reported)
    if cpl_status is CplStatus.CURRENT:
        if not mode.current_branch:
            return _NOTHING, _NOTHING
        record.firmware = reported  # R-VER-2
        changes = [SmiChange(record.device_id, "firmware", smi, reported, "R-VER-2")]
        if mode.restore and record.status is DeviceStatus.SUSPENDED:
            restored = restore(record, now)  # R-CPL-3
            changes.append(SmiChange(record.device_id, "status", DeviceStatus.SUSPENDED, restored, feed_rule))
            return tuple(changes), alerts.device_restored(record, now, "R-VER-2")
        return tuple(changes), _NOTHING
    if cpl_status is CplStatus.REMOVED:
        # R-VER-3: firmware recorded, status not set to Suspended (a Suspended device stays so); N50 warns
        warning = alerts.firmware_warning(alerts.N50, record, reported, now, "R-VER-3")
        record.firmware = reported
        return (SmiChange(record.device_id, "firmware", smi, reported, "R-VER-3"),), (warning,)
    # R-VER-4: not on the CPL for this model: SMI unchanged, N51 warns
    return _NOTHING, (alerts.firmware_warning(alerts.N51, record, reported, now, "R-VER-4"),)
