"""`frozen_record` keeps the dataclass's behaviour while building faster."""
import copy
import dataclasses
import pickle

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


def test_a_frozen_record_is_its_own_class_and_pickles_copies_and_replaces_as_the_dataclass():
    user = ServiceUser("90-B3-D5-1F-30-01-00-00", UserRole.IS)
    request = ServiceRequest("11.3", user, "00-DB-12-34-56-78-90-A0", 4, firmware_hash=b"h", execution_time=60.0)
    assert type(request) is ServiceRequest  # built as its writable twin, then made the record's own class
    for copied in (copy.copy(request), copy.deepcopy(request), pickle.loads(pickle.dumps(request))):
        assert type(copied) is ServiceRequest and repr(copied) == repr(request)
    changed = dataclasses.replace(request, srv="11.1")
    assert (type(changed), changed.srv, changed.execution_time) == (ServiceRequest, "11.1", 60.0)
    image = FirmwareImage("0100AAAA", b"x")
    assert pickle.loads(pickle.dumps(image)) == image and hash(copy.copy(image)) == hash(image)
    with pytest.raises(dataclasses.FrozenInstanceError):
        del image.version
