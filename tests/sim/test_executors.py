"""The Dask executor's check of a cluster's workers before a study's tasks go to them: a worker without
this sm-harness used to leave the study waiting with nothing said (the worker logged ModuleNotFoundError)."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import pytest

from dsp.errors import DomainError
from harness.study.executors import check_workers


class Cluster:
    """What `check_workers` asks of a distributed Client: `run` on every worker, errors returned."""

    def __init__(self, found: dict[str, object]) -> None:
        self.found = found

    def run(self, function, *args, on_error="raise"):
        assert function is version and args == ("sm-harness",) and on_error == "return"
        return self.found


def test_workers_running_this_sm_harness_pass():
    ours = version("sm-harness")
    check_workers(Cluster({"tcp://10.0.0.1:1": ours, "tcp://10.0.0.2:1": ours}), "tcp://s:8786")
    check_workers(Cluster({}), "tcp://s:8786")  # no worker yet: the tasks wait for one, as Dask does


def test_a_worker_without_sm_harness_is_one_line_naming_it():
    ours = version("sm-harness")
    cluster = Cluster({"tcp://10.0.0.1:1": ours, "tcp://10.0.0.2:1": PackageNotFoundError("sm-harness")})
    with pytest.raises(DomainError) as error:
        check_workers(cluster, "tcp://s:8786")
    missing = PackageNotFoundError("sm-harness")  # its text: "No package metadata was found for sm-harness"
    assert str(error.value) == (f"--scheduler tcp://s:8786: worker tcp://10.0.0.2:1 cannot run sm-harness "
                                f"(PackageNotFoundError: {missing}): install this sm-harness in the Python each "
                                "`dask worker` runs")


def test_a_worker_running_another_version_is_one_line_naming_both():
    cluster = Cluster({"tcp://10.0.0.1:1": "0.0.1"})
    with pytest.raises(DomainError, match=r"worker tcp://10.0.0.1:1 runs sm-harness 0.0.1, this is "):
        check_workers(cluster, "tcp://s:8786")


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:abc", "http://127.0.0.1:8786"])
def test_a_failed_connection_leaves_no_client_for_a_later_collection_to_finalise(address):
    """A client left half-made was finalised by some later collection, which can fall inside the next
    client's start: distributed's loop runner then waits on itself (a CI run hung in LoopRunner.stop,
    called from Client.__del__ inside LoopRunner._start_unlocked)."""
    import gc

    distributed = pytest.importorskip("distributed")
    from harness.study.executors import _connect

    with pytest.raises(DomainError) as error:
        _connect(distributed.Client, address)
    assert error.value.__context__ is None  # nothing of the failure kept alive through the error
    assert not [o for o in gc.get_objects() if isinstance(o, distributed.Client)]
