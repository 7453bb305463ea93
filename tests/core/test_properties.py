"""Property-based tests over random sequences of CPL changes and device responses (hypothesis)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from dsp import DeviceModel, DeviceStatus, DeviceType, RuleSet
from tests.core.bench import Bench

VERSIONS = ["0100AAAA", "0200BBBB", "0300CCCC", "0400DDDD", "0F0F0F0F"]
LISTABLE = VERSIONS[:4]  # 0F0F0F0F is never on the CPL
START_STATUSES = [
    DeviceStatus.COMMISSIONED,
    DeviceStatus.INSTALLED_NOT_COMMISSIONED,
    DeviceStatus.PENDING,
    DeviceStatus.WHITELISTED,
    DeviceStatus.DECOMMISSIONED,
]

step = st.one_of(
    st.tuples(st.just("remove"), st.sampled_from(LISTABLE)),
    st.tuples(st.just("list"), st.sampled_from(LISTABLE)),
    st.tuples(st.just("run"), st.integers(0, 3), st.sampled_from(VERSIONS)),
    st.tuples(st.just("read"), st.integers(0, 3)),
    st.tuples(st.just("update"), st.integers(0, 3), st.sampled_from(LISTABLE), st.booleans()),
    st.tuples(st.just("retry"), st.integers(0, 3), st.sampled_from(LISTABLE)),
)


def play(ruleset, smets, starts, steps):
    bench = Bench(ruleset)
    model = DeviceModel.default_for(DeviceType.ESME)
    for version in LISTABLE:
        bench.dsp.list_on_cpl(DeviceType.ESME, model, version)
    devices = [bench.add(status=s, smets=smets) for s in starts]
    initial = {d: bench.record(d).firmware for d in devices}
    outcomes = []
    for action, *args in steps:
        if action == "remove":
            outcomes.append(bench.dsp.remove_from_cpl(DeviceType.ESME, model, args[0], bench.now))
        elif action == "list":
            bench.dsp.list_on_cpl(DeviceType.ESME, model, args[0])
        elif action == "run":
            bench.devices[devices[args[0]]].running = args[1]
        elif action == "read":
            outcomes.append(bench.send("11.2", devices[args[0]]).processed)
        elif action == "update":
            outcomes.append(bench.update_firmware(devices[args[0]], args[1], lose_activation=args[2]).processed)
        elif action == "retry":
            outcomes.append(bench.send("11.3", devices[args[0]], version=args[1]).processed)
        bench.now += 60.0
    return bench, devices, initial, [o for o in outcomes if o is not None]


scenario = dict(
    ruleset=st.sampled_from(list(RuleSet)),
    smets=st.sampled_from([1, 2]),
    starts=st.lists(st.sampled_from(START_STATUSES), min_size=4, max_size=4),
    steps=st.lists(step, max_size=25),
)


@settings(max_examples=150, deadline=None)
@given(**scenario)
def test_a_device_is_never_restored_to_a_status_it_did_not_hold_before_suspension(ruleset, smets, starts, steps):
    bench, devices, _, outcomes = play(ruleset, smets, starts, steps)
    for outcome in outcomes:
        for change in outcome.changes:
            if change.field == "status" and change.old is DeviceStatus.SUSPENDED:
                history = [s for s, _ in bench.record(change.device_id).history]
                assert change.new is not DeviceStatus.SUSPENDED
                assert change.new in history[: history.index(DeviceStatus.SUSPENDED)]
    for device, start in zip(devices, starts):
        statuses = {s for s, _ in bench.record(device).history}
        assert statuses <= {start, DeviceStatus.SUSPENDED}


@settings(max_examples=150, deadline=None)
@given(**scenario)
def test_the_smi_firmware_is_never_set_to_a_version_absent_from_the_cpl(ruleset, smets, starts, steps):
    bench, devices, initial, _ = play(ruleset, smets, starts, steps)
    model = DeviceModel.default_for(DeviceType.ESME)
    for device in devices:
        firmware = bench.record(device).firmware
        assert firmware == initial[device] or bench.dsp.cpl.status_of(DeviceType.ESME, model, firmware) is not None


@settings(max_examples=150, deadline=None)
@given(**scenario)
def test_every_restore_emits_exactly_one_n29_to_each_recipient(ruleset, smets, starts, steps):
    bench, _, _, outcomes = play(ruleset, smets, starts, steps)
    for outcome in outcomes:
        restores = [c.device_id for c in outcome.changes if c.field == "status" and c.old is DeviceStatus.SUSPENDED]
        to_supplier = [a.device_id for a in outcome.alerts if a.code == "N29" and a.recipient_role.value == "IS"]
        to_operator = [a.device_id for a in outcome.alerts if a.code == "N29" and a.recipient_role.value == "ED"]
        assert restores == to_supplier == to_operator
