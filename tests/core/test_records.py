"""`frozen_record` keeps the dataclass's behaviour while building faster."""
import dataclasses

import pytest

from dsp import FirmwareImage, ServiceRequest, ServiceUser, UserRole


def test_frozen_record_keeps_defaults_equality_repr_and_immutability():
    user = ServiceUser("90-B3-D5-1F-30-01-00-00", UserRole.IS)
    request = ServiceRequest("11.2", user, "00-DB-12-34-56-78-90-A0")
    assert (request.command_variant, request.device_list, request.execution_time) == (1, (), None)
    assert FirmwareImage("0100AAAA", b"x") == FirmwareImage("0100AAAA", b"x")
    assert "ServiceRequest(srv='11.2'" in repr(request)
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.srv = "11.3"
    with pytest.raises(TypeError):
        ServiceRequest("11.2")
