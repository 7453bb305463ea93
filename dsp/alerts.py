"""DCC Alerts and who receives them (R-ALERT-1, R-CPL-2)."""
from __future__ import annotations

from dsp.inventory import SmiRecord
from dsp.messages import DccAlert, FirmwareMismatchPayload, StatusChangePayload
from dsp.vocabulary import NETWORK_OPERATOR_ROLE, SUPPLIER_ROLE

N29 = "N29"  # Device Restored from Suspension
N50 = "N50"  # Firmware Version no longer valid on the CPL
N51 = "N51"  # Invalid Firmware Version
N52 = "N52"  # GSME Firmware Version Mismatch

ALERT_NAMES = {
    N29: "Device Restored from Suspension",
    N50: "Firmware Version no longer valid on the CPL",
    N51: "Invalid Firmware Version",
    N52: "GSME Firmware Version Mismatch",
}


def _to_supplier(
    code: str, record: SmiRecord, payload: StatusChangePayload | FirmwareMismatchPayload, now: float, rule: str
) -> DccAlert:
    return DccAlert(code, record.device_id, record.supplier, SUPPLIER_ROLE[record.device_type], payload, now, rule)


def device_restored(record: SmiRecord, now: float, rule: str) -> tuple[DccAlert, DccAlert]:
    """N29 to the responsible supplier and to the network operator (R-ALERT-1)."""
    payload = StatusChangePayload(record.device_id, "DeviceRestored", record.status)
    return (
        _to_supplier(N29, record, payload, now, rule),
        DccAlert(
            N29, record.device_id, record.network_operator, NETWORK_OPERATOR_ROLE[record.device_type], payload, now, rule
        ),
    )


def device_suspended(code: str, record: SmiRecord, now: float) -> DccAlert:
    """The suspension alert to the responsible supplier; its N-code is a setting (R-CPL-2)."""
    payload = StatusChangePayload(record.device_id, "DeviceSuspended", record.status)
    return _to_supplier(code, record, payload, now, "R-CPL-2")


def firmware_warning(code: str, record: SmiRecord, reported: str, now: float, rule: str) -> DccAlert:
    """N50 or N51 to the responsible supplier as a warning (R-ALERT-1)."""
    payload = FirmwareMismatchPayload(record.device_id, record.device_type, record.firmware, reported)
    return _to_supplier(code, record, payload, now, rule)


def gsme_mismatch(gsme: SmiRecord, gpf_copy: str, now: float, *, to_network_operator: bool = True) -> tuple[DccAlert, ...]:
    """N52: the GPF's copy of the GSME version differs from the SMI (R-112-6). R-ALERT-2: it goes "to the
    Service Users": the gas supplier and (a setting, on by default) the gas transporter."""
    payload = FirmwareMismatchPayload(gsme.device_id, gsme.device_type, gsme.firmware, gpf_copy)
    to_supplier = _to_supplier(N52, gsme, payload, now, "R-112-6")
    if not to_network_operator:
        return (to_supplier,)
    role = NETWORK_OPERATOR_ROLE[gsme.device_type]
    return to_supplier, DccAlert(N52, gsme.device_id, gsme.network_operator, role, payload, now, "R-ALERT-2")
