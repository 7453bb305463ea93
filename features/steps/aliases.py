"""Aliases: the short names a scenario gives devices and users ("E1", "S2"), each an EUI-64.

A name that already is an EUI-64 stands for itself. Other names get a realistic EUI-64 drawn by faker
from a stream keyed by (seed, kind, name), so the same scenario and seed always give the same IDs,
whatever ran before it.
"""
from __future__ import annotations

from faker import Faker

from dsp.errors import DomainError
from dsp.identifiers import eui64

_FAKE = Faker()
# Organisationally unique identifiers in front of the drawn bytes: devices as in the rulebook's example
# (00-DB-12-...), Service Users as in the DUIS samples' User IDs (90-B3-D5-...).
_OUI = {"device": "00-DB-12", "user": "90-B3-D5"}


def is_eui64(name: str) -> bool:
    try:
        eui64(name)
    except DomainError:
        return False
    return True


class Aliases:
    """Names to EUI-64s for one scenario, in both directions."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._ids: dict[tuple[str, str], str] = {}
        self._names: dict[str, str] = {}

    def assign(self, kind: str, name: str) -> str:
        """The EUI-64 for a new (or known) name of this kind ("device" or "user")."""
        name = name.strip()
        if not name:
            raise DomainError(f"empty {kind} name")
        key = (kind, name)
        if key in self._ids:
            return self._ids[key]
        if is_eui64(name):
            found = eui64(name)
        else:
            found = self._draw(kind, name)
        self._ids[key] = found
        self._names.setdefault(found, name)
        return found

    def _draw(self, kind: str, name: str) -> str:
        for attempt in range(100):
            _FAKE.seed_instance(f"{self.seed}/{kind}/{name}/{attempt}")
            candidate = f"{_OUI[kind]}-" + _FAKE.hexify("^^-^^-^^-^^-^^", upper=True)
            if candidate not in self._names:
                return candidate
        raise DomainError(f"cannot draw a fresh EUI-64 for {kind} {name!r}")  # pragma: no cover

    def known(self, kind: str, name: str) -> bool:
        return (kind, name.strip()) in self._ids

    def lookup(self, kind: str, name: str, known: str = "") -> str:
        """The EUI-64 of a name the scenario already introduced; a one-line error otherwise."""
        name = name.strip()
        found = self._ids.get((kind, name))
        if found is not None:
            return found
        if is_eui64(name) and eui64(name) in self._names:
            return eui64(name)
        names = sorted(n for k, n in self._ids if k == kind)
        listed = ", ".join(names) if names else "none yet"
        raise DomainError(f'unknown {kind} "{name}": {known or "the scenario names"} {listed}')

    def name_of(self, eui: str) -> str:
        """The alias a scenario used for an EUI-64 (the EUI-64 itself when it had none)."""
        return self._names.get(eui, eui)
