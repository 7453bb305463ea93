"""The MP105 story in one device, under each rule set, through the pure core (no time, no loss model).

A firmware version is removed from the CPL, the device is suspended, the supplier updates it and the
11.3 response is lost; then the supplier reads the firmware version (11.2). Under `legacy` the read is
rejected E5 and the device stays Suspended; under `mp105` the response restores it with N29.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from devices import build_device
from dsp import (
    DataServiceProvider,
    DeviceModel,
    DeviceType,
    RuleSet,
    ServiceRequest,
    UserRole,
    image_hash,
)
from dsp.identities import DCC_ACCESS_CONTROL_BROKER as DCC
from dsp.identities import RTDS_NETWORK_OPERATOR as NETWORK_OPERATOR
from dsp.identities import RTDS_SUPPLIER as SUPPLIER

DEVICE = "00-DB-12-34-56-78-90-A0"
OLD, NEW = "0100AAAA", "0200BBBB"


@dataclass(frozen=True)
class Step:
    what: str
    response: str
    smi_status: str
    smi_firmware: str
    device_runs: str
    alerts: str


def story(ruleset: RuleSet) -> list[Step]:
    """Play the story under one rule set; one Step per thing that happens."""
    dsp = DataServiceProvider(ruleset)
    supplier = dsp.users.register(SUPPLIER, UserRole.IS)
    dsp.users.register(NETWORK_OPERATOR, UserRole.ED)
    model = DeviceModel.default_for(DeviceType.ESME)
    dsp.list_on_cpl(DeviceType.ESME, model, OLD)
    dsp.list_on_cpl(DeviceType.ESME, model, NEW)
    record = dsp.inventory.add(DEVICE, DeviceType.ESME, OLD, supplier=SUPPLIER, network_operator=NETWORK_OPERATOR)
    meter = build_device(DEVICE, DeviceType.ESME, 2, OLD)
    steps: list[Step] = []

    def note(what: str, response: str = "", alerts=()) -> None:
        sent = ", ".join(f"{a.code}→{a.recipient_role.value}" for a in alerts) or "-"
        steps.append(Step(what, response or "-", record.status.value, record.firmware, meter.running, sent))

    def exchange(request: ServiceRequest, now: float, lose_response: bool = False) -> None:
        submitted = dsp.submit(request, now)
        code = submitted.code.value if submitted.code is not None else "-"
        for command in submitted.commands:
            answer = meter.handle(command, now)
            if lose_response or answer is None:  # None: the device discarded it (R-E4-3; never here)
                note(f"SR {request.srv}: device answers, the response is lost", code)
                return
            processed = dsp.receive(answer, now)
            note(f"SR {request.srv}: device answers", f"{code} then I0", processed.alerts)
            return
        note(f"SR {request.srv}", code)

    note("device commissioned on firmware " + OLD)
    removal = dsp.remove_from_cpl(DeviceType.ESME, model, OLD, 0.0)
    note(f"firmware {OLD} removed from the CPL", alerts=removal.alerts)
    digest = image_hash("ESME", str(model), NEW)
    exchange(ServiceRequest("11.1", supplier, DCC, 8, device_list=(DEVICE,), firmware_version=NEW, firmware_hash=digest), 60.0)
    exchange(ServiceRequest("11.3", supplier, DEVICE, 4, firmware_hash=digest), 120.0, lose_response=True)
    exchange(ServiceRequest("11.2", supplier, DEVICE, 1), 3600.0)
    return steps


def main(console=None) -> dict[str, list[Step]]:
    from rich.console import Console
    from rich.table import Table

    console = console or (Console() if sys.stdout.isatty() else Console(width=120))
    results = {}
    for ruleset in (RuleSet.LEGACY, RuleSet.MP105):
        steps = story(ruleset)
        results[ruleset.value] = steps
        table = Table(title=f"{ruleset.value}: {ruleset.description}", title_justify="left")
        for column in ("what happens", "response", "SMI status", "SMI firmware", "device runs", "DCC alerts"):
            table.add_column(column)
        for s in steps:
            table.add_row(s.what, s.response, s.smi_status, s.smi_firmware, s.device_runs, s.alerts)
        console.print(table)
    return results


def add_parser(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser("demo", help="one device through the MP105 story under legacy and mp105")
    demo.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    main()
    return 0
