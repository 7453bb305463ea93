"""Table 22 against the DUIS request matrix, for every SRV: the matrix (the DCC's published one, a test
fixture) is the oracle for E2 (roles), E4 (not for Critical SRs), E5 (a Suspended device) and E19 (a
Non-Device request's BusinessTargetID). Skips, saying why, when `../shared` is absent."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsp import DeviceStatus, DeviceType, ResponseCode, ServiceRequest, UserRole
from dsp.identities import DCC_ACCESS_CONTROL_BROKER
from tests.core.bench import Bench

MATRIX = Path(__file__).resolve().parents[2].parent / "shared" / "duis" / "reference_tables" / "duis-request-matrix.json"
ROLE_IDS = {
    UserRole.ES: "90-B3-D5-1F-30-06-00-00",
    UserRole.RSA: "90-B3-D5-1F-30-07-00-00",
    UserRole.OU: "90-B3-D5-1F-30-08-00-00",
}
GAS_ROLES = (UserRole.GS, UserRole.GT)
# the Non-Critical SRs a Suspended device still accepts under mp105 (R-E5-3; 2.2 only with CV 2, SMETS1)
SUSPENDED_EXCEPTIONS = {"11.1", "11.2", "6.23"}


def _rows() -> list[dict]:
    if not MATRIX.is_file():
        return []
    return json.loads(MATRIX.read_text())


ROWS = _rows()
needs_matrix = pytest.mark.skipif(not ROWS, reason=f"the DUIS request matrix is a test fixture of ../shared, absent ({MATRIX})")
SRVS = [r["Service Reference Variant"] for r in ROWS] or ["(no matrix)"]
BY_SRV = {r["Service Reference Variant"]: r for r in ROWS}


class World:
    """A DSP with a user in every role, and a device of each fuel that each of them is eligible for."""

    def __init__(self, status: DeviceStatus = DeviceStatus.COMMISSIONED, ruleset: str = "mp105") -> None:
        self.bench = Bench(ruleset)
        bench = self.bench
        self.users = {
            UserRole.IS: bench.supplier,
            UserRole.GS: bench.gas_supplier,
            UserRole.ED: bench.distributor,
            UserRole.GT: bench.transporter,
        }
        for role, user_id in ROLE_IDS.items():
            self.users[role] = bench.dsp.users.register(user_id, role)
        prior = DeviceStatus.COMMISSIONED
        self.electricity = bench.add(DeviceType.ESME, status=status, prior_status=prior)
        self.gas = bench.add(DeviceType.GSME, status=status, prior_status=prior)
        for device in (self.electricity, self.gas):
            bench.record(device).other_eligible_users = tuple(ROLE_IDS.values())

    def request(self, row: dict, role: UserRole, *, target: str | None = None) -> ServiceRequest:
        srv = row["Service Reference Variant"]
        device = self.gas if role in GAS_ROLES else self.electricity
        user = self.users[role]
        if row["Non-Device Request"] == "Yes":
            devices = () if srv == "12.1" else (device,)
            return ServiceRequest(srv, user, target or DCC_ACCESS_CONTROL_BROKER, command_variant=8, device_list=devices,
                                  firmware_version="0200BBBB", firmware_hash=bytes(32))
        cv = 4 if row["Critical"] == "Yes" else 1
        return ServiceRequest(srv, user, target or device, command_variant=cv, firmware_hash=bytes(32))

    def code(self, request: ServiceRequest) -> ResponseCode:
        return self.bench.dsp.submit(request, 0.0).code


@needs_matrix
@pytest.mark.parametrize("srv", SRVS)
def test_e2_lets_exactly_the_matrix_roles_through(srv):
    """E2: "that the User Role is that of a User within an Eligible User Role for that Request"."""
    row = BY_SRV[srv]
    world = World()
    eligible = set(row["Eligible User Roles"])
    for role in UserRole:
        code = world.code(world.request(row, role))
        if role.value in eligible:
            assert code not in (ResponseCode.E1, ResponseCode.E2, ResponseCode.E3), (role, code)
        else:
            assert code is ResponseCode.E2, (role, code)


@needs_matrix
@pytest.mark.parametrize("srv", SRVS)
def test_every_eligible_role_passes_table_22_on_a_commissioned_device(srv):
    """R-T22-1: an eligible user's request to a Commissioned device it is registered for passes every check."""
    row = BY_SRV[srv]
    world = World()
    for role in (UserRole(r) for r in row["Eligible User Roles"]):
        assert world.code(world.request(row, role)) in (ResponseCode.I0, ResponseCode.I99), role


@needs_matrix
@pytest.mark.parametrize("srv", SRVS)
def test_a_suspended_device_answers_e5_to_every_non_critical_sr_but_the_exceptions(srv):
    """R-E5-1 / R-E5-3 for every SRV: Critical SRs pass; Non-Critical ones fail E5 unless excepted (8.2 and
    12.1 are never checked)."""
    row = BY_SRV[srv]
    if not row["Eligible User Roles"]:
        pytest.skip(f"SRV {srv}: no role may send it (E2 for all)")
    world = World(DeviceStatus.SUSPENDED)
    role = UserRole(row["Eligible User Roles"][0])
    code = world.code(world.request(row, role))
    if row["Critical"] == "Yes" or srv in SUSPENDED_EXCEPTIONS or srv in ("8.2", "12.1"):
        assert code in (ResponseCode.I0, ResponseCode.I99), code
    else:
        assert code is ResponseCode.E5, code


def _stranger_role(row: dict) -> UserRole | None:
    """A role of the row whose users are eligible for a device only if registered for it (not OU [model])."""
    roles = [UserRole(r) for r in row["Eligible User Roles"] if r != "OU"]
    return roles[0] if roles else None


def _from_a_stranger(world: World, row: dict, role: UserRole) -> ServiceRequest:
    """The request as a registered user in `role` that is not registered for the device would send it."""
    stranger = world.bench.dsp.users.register("90-B3-D5-1F-30-0A-00-00", role)
    request = world.request(row, role)
    return ServiceRequest(request.srv, stranger, request.target, request.command_variant, firmware_hash=bytes(32))


@needs_matrix
@pytest.mark.parametrize("srv", [s for s in SRVS if BY_SRV.get(s, {}).get("Critical") == "Yes"] or ["(none)"])
def test_e4_is_not_applied_to_any_critical_sr(srv):
    """R-E4-1: a user that is not an Eligible User for the device passes Table 22 with a Critical SR."""
    row = BY_SRV[srv]
    role = _stranger_role(row)
    if role is None:
        pytest.skip(f"SRV {srv}: no role may send it")
    world = World()
    assert world.code(_from_a_stranger(world, row, role)) is ResponseCode.I99


@needs_matrix
@pytest.mark.parametrize(
    "srv",
    [s for s in SRVS if BY_SRV.get(s, {}).get("Critical") == "No" and BY_SRV[s]["Non-Device Request"] == "No"] or ["(none)"],
)
def test_e4_is_applied_to_every_non_critical_device_sr(srv):
    """R-E4-1: a Non-Critical SR from a user that is not an Eligible User for the device fails E4."""
    row = BY_SRV[srv]
    role = _stranger_role(row)
    if not row["Eligible User Roles"]:
        pytest.skip(f"SRV {srv}: no role may send it (E2 for all)")
    if role is None:
        pytest.skip(f"SRV {srv}: only Other Users may send it, and an Other User is eligible for every device [model]")
    world = World()
    assert world.code(_from_a_stranger(world, row, role)) is ResponseCode.E4


@needs_matrix
@pytest.mark.parametrize("srv", [s for s in SRVS if BY_SRV.get(s, {}).get("Non-Device Request") == "Yes"] or ["(none)"])
def test_a_non_device_sr_not_addressed_to_the_access_control_broker_fails_e19(srv):
    """R-E19-2 for every Non-Device SRV of the matrix."""
    row = BY_SRV[srv]
    if not row["Eligible User Roles"]:
        pytest.skip(f"SRV {srv}: no role may send it (E2 for all)")
    world = World()
    role = UserRole(row["Eligible User Roles"][0])
    assert world.code(world.request(row, role, target=world.users[role].user_id)) is ResponseCode.E19


def test_the_roles_used_here_are_every_duis_role():
    assert set(World().users) == set(UserRole)
