"""E17, Local Command Services (R-E17-1..5): which requests may be delivered locally, by role and status."""
import pytest

from dsp import DeviceStatus, DspSettings, LocalCommand, ResponseCode, ServiceUser, UserRole
from dsp.status_checks import LOCAL_DELIVERY_STATUSES, local_delivery_allows
from dsp.catalogue import definition
from tests.core.bench import IMPORT_SUPPLIER, NEW, OLD, Bench

EXPORT_SUPPLIER = "90-B3-D5-1F-30-06-00-00"
AGENT = "90-B3-D5-1F-30-07-00-00"
OTHER_USER = "90-B3-D5-1F-30-08-00-00"
SUPPLIER_STATUSES = {"Pending", "Whitelisted", "InstalledNotCommissioned", "Commissioned"}
OTHER_STATUSES = {"InstalledNotCommissioned", "Commissioned"}


def bench_with_every_role(ruleset: str = "mp105") -> tuple[Bench, dict[UserRole, ServiceUser]]:
    bench = Bench(ruleset)
    users = bench.dsp.users
    roles = {
        UserRole.IS: bench.supplier,
        UserRole.ED: bench.distributor,
        UserRole.ES: users.register(EXPORT_SUPPLIER, UserRole.ES),
        UserRole.RSA: users.register(AGENT, UserRole.RSA),
        UserRole.OU: users.register(OTHER_USER, UserRole.OU),
    }
    return bench, roles


def electricity_meter(bench: Bench, status: DeviceStatus, prior: DeviceStatus | None = None) -> str:
    device = bench.add(status=status, prior_status=prior or DeviceStatus.COMMISSIONED)
    bench.record(device).other_eligible_users = (EXPORT_SUPPLIER, AGENT)  # E4: ES and RSA are registered for it
    return device


# --- R-E17-2: the role x status table -------------------------------------------------------------------


@pytest.mark.parametrize("role", list(UserRole))
@pytest.mark.parametrize("status", [s for s in DeviceStatus if s is not DeviceStatus.RECOVERED])
def test_the_role_and_status_table(role, status):
    """R-E17-2: IS, ES, GS to Pending, Whitelisted, InstalledNotCommissioned, Commissioned; ED, GT, RSA, OU
    to InstalledNotCommissioned or Commissioned only. (Recovered: R-E17-3; the SMETS1 top-up: R-E17-5.)"""
    bench = Bench()
    record = bench.record(bench.add(status=status, prior_status=DeviceStatus.COMMISSIONED))
    request = bench.request("11.2", record.device_id, user=ServiceUser(IMPORT_SUPPLIER, role), command_variant=3)
    allowed = SUPPLIER_STATUSES if role in (UserRole.IS, UserRole.ES, UserRole.GS) else OTHER_STATUSES
    assert local_delivery_allows(request, definition("11.2"), record, DspSettings()) is (status.value in allowed)
    assert {s.value for s in LOCAL_DELIVERY_STATUSES[role]} == allowed


@pytest.mark.parametrize("role", [UserRole.IS, UserRole.ES, UserRole.ED, UserRole.RSA, UserRole.OU])
@pytest.mark.parametrize("status", ["Pending", "Whitelisted", "InstalledNotCommissioned", "Commissioned"])
def test_end_to_end_each_role_gets_its_local_command_or_e17(role, status):
    """R-E17-2 through the DSP: every status here passes E5, so E17 alone decides."""
    bench, users = bench_with_every_role()
    device = electricity_meter(bench, DeviceStatus.parse(status))
    allowed = SUPPLIER_STATUSES if role in (UserRole.IS, UserRole.ES) else OTHER_STATUSES
    expected = ResponseCode.I0 if status in allowed else ResponseCode.E17
    assert bench.send("11.2", device, user=users[role], command_variant=3).code is expected


def test_a_suspended_device_that_passes_e5_is_refused_local_delivery():
    """R-E17-2: under mp105 an 11.2 passes E5 on a Suspended device; for local delivery E17 refuses it."""
    bench = Bench("mp105")
    device = bench.add(status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
    assert bench.send("11.2", device, lose_response=True).code is ResponseCode.I99
    exchange = bench.send("11.2", device, command_variant=3)
    assert exchange.code is ResponseCode.E17 and exchange.submitted.commands == ()


# --- R-E17-3: Recovered ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prior,supplier,distributor",
    [
        (DeviceStatus.PENDING, ResponseCode.I0, ResponseCode.E17),
        (DeviceStatus.COMMISSIONED, ResponseCode.I0, ResponseCode.I0),
        (DeviceStatus.WHITELISTED, ResponseCode.I0, ResponseCode.E17),
    ],
)
def test_a_recovered_device_is_validated_on_its_status_before_recovery(prior, supplier, distributor):
    """R-E17-3"""
    bench = Bench()
    device = bench.add(status=DeviceStatus.RECOVERED, prior_status=prior)
    assert bench.send("11.2", device, command_variant=3).code is supplier
    assert bench.send("11.2", device, user=bench.distributor, command_variant=3).code is distributor


def test_recovered_means_the_status_before_the_latest_recovery():
    """R-E17-3: Pending -> Recovery -> Recovered -> Commissioned -> Recovery -> Recovered: Commissioned counts."""
    bench = Bench()
    device = bench.add(status=DeviceStatus.RECOVERED, prior_status=DeviceStatus.PENDING)
    record = bench.record(device)
    for status in (DeviceStatus.COMMISSIONED, DeviceStatus.RECOVERY, DeviceStatus.RECOVERED):
        record.set_status(status, 10.0)
    assert bench.send("11.2", device, user=bench.distributor, command_variant=3).code is ResponseCode.I0


# --- R-E17-1: not 8.1.1, not a Future Dated Service -----------------------------------------------------------


@pytest.mark.parametrize("cv", [6, 7])
def test_commission_device_is_never_delivered_locally(cv):
    """R-E17-1: 8.1.1 passes Table 22 for delivery over the SM WAN, never for local delivery."""
    bench = Bench()
    device = bench.add(status=DeviceStatus.WHITELISTED)
    assert bench.send("8.1.1", device, command_variant=5).code is ResponseCode.I99
    assert bench.send("8.1.1", device, command_variant=cv).code is ResponseCode.E17


def test_a_future_dated_request_is_never_delivered_locally():
    """R-E17-1: a Future Dated Service (clause 2.6.3), a cancellation (dated 3000-12-31) included."""
    bench = Bench()
    device = bench.add()
    assert bench.send("11.3", device, version=NEW, command_variant=7, execution_time=3600.0).code is ResponseCode.E17
    assert bench.send("11.3", device, version=NEW, command_variant=7, cancels=True).code is ResponseCode.E17
    assert bench.send("11.2", device, command_variant=3, execution_time=3600.0).code is ResponseCode.E17
    assert bench.send("11.3", device, version=NEW, command_variant=5, execution_time=3600.0).code is ResponseCode.I99


def test_requests_not_for_local_delivery_are_never_checked_e17():
    """R-E17-1: only CV 2, 3, 6 and 7 ask for local delivery."""
    bench = Bench()
    device = bench.add(status=DeviceStatus.PENDING)
    assert bench.send("11.2", device, user=bench.distributor).code is ResponseCode.I99
    assert bench.send("11.2", device, user=bench.distributor, command_variant=3).code is ResponseCode.E17


# --- R-E17-4: what a pass is answered with ----------------------------------------------------------------------


def test_cv_3_answers_the_local_command_at_once_and_sends_the_command_over_the_wan():
    """R-E17-4: I0 with the Command for Local Delivery, then the device's own answer."""
    bench = Bench()
    device = bench.add()
    exchange = bench.send("11.2", device, command_variant=3)
    (local,) = exchange.submitted.responses
    assert local.code is ResponseCode.I0 and isinstance(local.body, LocalCommand)
    assert local.body.command.device_id == device and local.body.command.request.command_variant == 3
    assert [c.device_id for c in exchange.submitted.commands] == [device]
    assert exchange.processed.responses[0].body.version == OLD


@pytest.mark.parametrize("srv,cv,fields", [("11.2", 2, {}), ("11.3", 6, {"version": NEW})])
def test_cv_2_and_6_answer_the_local_command_and_send_nothing(srv, cv, fields):
    """R-E17-4: the user delivers it over the HAN; nothing goes over the SM WAN."""
    bench = Bench()
    device = bench.add()
    exchange = bench.send(srv, device, command_variant=cv, **fields)
    assert exchange.code is ResponseCode.I0 and isinstance(exchange.submitted.responses[0].body, LocalCommand)
    assert exchange.submitted.commands == () and bench.devices[device].running == OLD


def test_cv_7_activates_over_the_wan_and_returns_the_local_command():
    """R-E17-4 for a Signed Pre-Command (11.3 CV 7): the image the command names, in both."""
    bench = Bench()
    device = bench.add()
    bench.send("11.1", device, version=NEW)
    exchange = bench.send("11.3", device, version=NEW, command_variant=7)
    local = exchange.submitted.responses[0].body
    assert isinstance(local, LocalCommand) and local.command.image.version == NEW
    assert bench.devices[device].running == NEW and bench.record(device).firmware == NEW


# --- R-E17-5: the SMETS1 top-up of a Suspended device ----------------------------------------------------------


def test_with_the_report_s_exception_a_suspended_smets1_top_up_with_cv_2_is_delivered():
    """R-E17-5 (with R-E5-8's setting on): 2.2 CV 2 reaches a Suspended SMETS1 device: the top-up code is returned."""
    bench = Bench("legacy", settings=DspSettings(smets1_top_up_cv2_when_suspended=True))
    device = bench.add(smets=1, status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
    assert bench.send("2.2", device, command_variant=2).code is ResponseCode.I0
    assert bench.send("2.2", device, command_variant=3).code is ResponseCode.E5  # CV 3 is not the exception


def test_by_default_the_smets1_top_up_fails_e5_as_annex_b_reads():
    """R-E5-8: Annex B's E5 row as written (the default: the legal text wins over the report's list)."""
    for ruleset in ("legacy", "mp105-option1", "mp105"):
        bench = Bench(ruleset)
        device = bench.add(smets=1, status=DeviceStatus.SUSPENDED, prior_status=DeviceStatus.COMMISSIONED)
        assert bench.send("2.2", device, command_variant=2).code is ResponseCode.E5
        assert bench.send("2.2", device, command_variant=1).code is ResponseCode.E5
    assert "as Annex B's E5 row reads" in DspSettings().modelling_decisions()["R-E5-8"]
    assert "omits it" in DspSettings(smets1_top_up_cv2_when_suspended=True).modelling_decisions()["R-E5-8"]


def test_the_local_delivery_decisions_are_labelled():
    decisions = DspSettings().modelling_decisions()
    assert "2, 3, 6 and 7" in decisions["R-E17-1"] and "LocalCommand" in decisions["R-E17-4"]

