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

    The same class, built by a `__new__` of the same signature instead of the dataclass's `__init__`
    (which goes through `object.__setattr__` for every field, and costs more than the rest of building
    the record): the instance is made as a *builder*, a subclass that adds no slots and keeps the plain
    `object.__setattr__`, so each field is a plain attribute store; then it becomes an instance of the
    record's class (the same slots, so `__class__` may change) and is frozen from then on. Instances,
    equality, hashing, repr, immutability, pickling and `dataclasses.replace` are those of the dataclass.
    Only for plain fields (no default_factory, no __post_init__); a subclass is built the slower way.
    """
    fields = dataclasses.fields(cls)
    assert not hasattr(cls, "__post_init__"), cls
    assert all(f.init and not f.kw_only and f.default_factory is dataclasses.MISSING for f in fields), cls
    # (both of the attribute slot's methods are object's, so a store is the interpreter's own, no call)
    plain = {"__setattr__": object.__setattr__, "__delattr__": object.__delattr__}
    builder = type(cls.__name__, (cls,), {"__slots__": (), "__module__": cls.__module__, **plain})
    scope: dict[str, object] = {"_record": cls, "_builder": builder, "_make": object.__new__}
    scope.update({f"_set_{f.name}": getattr(cls, f.name).__set__ for f in fields})  # the slots' setters
    scope.update({f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING})
    params = ", ".join(f.name if f.default is dataclasses.MISSING else f"{f.name}=_default_{f.name}" for f in fields)
    stores = "".join(f"\n            self.{f.name} = {f.name}" for f in fields)
    setters = "".join(f"\n        _set_{f.name}(self, {f.name})" for f in fields)
    # as dataclasses does: the names are closed over, the globals are the class's module's
    source = (
        f"def __create__({', '.join(scope)}):\n"
        f"    def __new__(cls, {params}):\n"
        f"        if cls is _record:\n"
        f"            self = _make(_builder){stores}\n"
        f"            self.__class__ = cls\n"
        f"            return self\n"
        f"        self = _make(cls){setters}\n"
        f"        return self\n"
        f"    return __new__"
    )
    namespace: dict[str, Callable[..., Callable[..., object]]] = {}
    exec(source, sys.modules[cls.__module__].__dict__, namespace)
    new = namespace["__create__"](**scope)
    new.__qualname__ = f"{cls.__qualname__}.__new__"
    new.__module__ = cls.__module__
    new.__annotations__ = dict(cls.__init__.__annotations__)
    setattr(cls, "__new__", staticmethod(new))
    setattr(cls, "__init__", object.__init__)  # the fields are set: nothing left to initialise
    # pickling and copying make the record by its fields (a record has no __new__ without them)
    setattr(cls, "__getnewargs__", lambda self: tuple([getattr(self, f.name) for f in fields]))
    return cls
