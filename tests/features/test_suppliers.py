"""The supplier steps (features/suppliers/): they drive harness.sim.supplier' service user in the scripted world,
deterministically, and the built-in suite proves R-SU-1..4 with them."""
from __future__ import annotations

import pytest

from dsp import DeviceStatus
from dsp.errors import DomainError
from features.steps.context import ScenarioContext
from harness.sim.supplier import Supplier

INVENTORY = [["device", "type", "smets", "firmware"], ["E1", "ESME", "2", "0100AAAA"], ["E2", "ESME", "2", "0100AAAA"]]


def context(ruleset: str = "mp105") -> ScenarioContext:
    sm = ScenarioContext()
    sm.apply_rules(ruleset)
    sm.list_cpl([["device_type", "firmware", "status"], ["ESME", "0200BBBB", "Current"]])
    sm.add_inventory(INVENTORY)
    sm.remove_from_cpl("0100AAAA", "ESME")
    return sm


def test_every_service_user_rule_is_proven_by_a_passing_scenario_under_the_rule_sets_it_concerns(builtin_run):
    scenarios = [s for s in builtin_run.evidence["scenarios"] if s["status"] == "passed"]
    for rule in ("R-SU-1", "R-SU-2", "R-SU-3"):
        rulesets = {s["ruleset"] for s in scenarios if rule in s["rules"]}
        assert rulesets == {"legacy", "mp105-option1", "mp105"}, (rule, rulesets)
    assert "legacy" in {s["ruleset"] for s in scenarios if "R-SU-4" in s["rules"]}


def test_the_steps_drive_the_simulators_own_supplier_and_time_passes_only_when_asked():
    sm = context()
    sm.lose_next("E1", "11.3", "response")
    sm.supplier.run_campaign("0200BBBB", retries=2)
    assert [type(s) for s in sm.supplier.suppliers] == [Supplier]
    assert sm.now == 0.0
    assert len(sm.supplier.requests("11.3", "E1")) == 1
    assert sm.record("E1").status is DeviceStatus.SUSPENDED
    sm.pass_time(3600.0)  # the supplier's deadline: its automated retry (R-SU-2)
    assert len(sm.supplier.requests("11.3", "E1")) == 2
    assert sm.record("E1").status is DeviceStatus.COMMISSIONED
    assert sm.supplier.firmware_updates == 2 and sm.supplier.wasted_updates == 0


def test_the_sweep_is_refused_under_legacy_and_the_re_update_is_counted_as_wasted():
    sm = context("legacy")
    sm.lose_next("E1", "11.3", "response")
    sm.supplier.run_campaign("0200BBBB", retries=0)
    sm.pass_time(3600.0)
    sm.supplier.run_sweep()
    assert [r.code.value for r in sm.supplier.answers("11.2", "E1")] == ["E5"]
    assert sm.supplier.requests("11.2", "E2") == []
    sm.supplier.run_refirmware()
    assert sm.record("E1").status is DeviceStatus.COMMISSIONED
    assert (sm.supplier.firmware_updates, sm.supplier.wasted_updates) == (3, 1)


def test_a_re_update_before_any_campaign_fails_with_one_line():
    sm = context("legacy")
    with pytest.raises(DomainError, match="run a firmware campaign first"):
        sm.supplier.run_refirmware()


def test_devices_of_one_type_with_different_suppliers_are_refused():
    sm = ScenarioContext()
    sm.add_inventory([["device", "type", "firmware", "supplier"], ["E1", "ESME", "0100AAAA", "S1"],
                      ["E2", "ESME", "0100AAAA", "S2"]])
    with pytest.raises(DomainError, match="one supplier per device type"):
        sm.supplier.run_campaign("0200BBBB", retries=0)
