"""`frozen_record`: a frozen, slotted dataclass that is cheap to build, for the simulator's hot path."""
from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Record = TypeVar("_Record", bound="type[DataclassInstance]")


def frozen_record(cls: _Record) -> _Record:
    """`@dataclass(frozen=True, slots=True)` for a record built on the simulator's hot path.

    The same class, with an `__init__` of the same signature that fills each slot through its slot
    descriptor: a frozen dataclass's own `__init__` goes through `object.__setattr__` for every field,
    which costs more than the rest of building the record. Instances, equality, hashing, repr and
    immutability are those of the dataclass. Only for plain fields (no default_factory, no __post_init__).
    """
    fields = dataclasses.fields(cls)
    assert not hasattr(cls, "__post_init__"), cls
    assert all(f.init and not f.kw_only and f.default_factory is dataclasses.MISSING for f in fields), cls
    scope = {f"_set_{f.name}": getattr(cls, f.name).__set__ for f in fields}  # the slots' setters
    scope.update({f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING})
    params = ", ".join(f.name if f.default is dataclasses.MISSING else f"{f.name}=_default_{f.name}" for f in fields)
    body = "".join(f"\n        _set_{f.name}(self, {f.name})" for f in fields)
    # as dataclasses does: the setters and defaults are closed over, the globals are the class's module's
    source = f"def __create__({', '.join(scope)}):\n    def __init__(self, {params}):{body}\n    return __init__"
    namespace: dict[str, Callable[..., Callable[..., None]]] = {}
    exec(source, sys.modules[cls.__module__].__dict__, namespace)
    init = namespace["__create__"](**scope)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    setattr(cls, "__init__", init)  # `cls.__init__ = init`, spelt so that mypy allows replacing a method
    return cls
