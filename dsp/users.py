"""Service Users as the DSP knows them: a User ID with the roles it may act in, and whether it is suspended."""
from __future__ import annotations

from dataclasses import dataclass

from dsp.identifiers import eui64
from dsp.vocabulary import UserRole


@dataclass(frozen=True, slots=True)
class ServiceUser:
    """The sender of a Service Request: a User ID acting in a User Role (DUIS RequestID's first part)."""

    user_id: str
    role: UserRole

    def __str__(self) -> str:
        return f"{self.role.value} {self.user_id}"


class UserRegistry:
    """The registered (User ID, User Role) pairs (E1) and the suspended users (E3)."""

    def __init__(self) -> None:
        self._roles: dict[str, set[UserRole]] = {}
        self._suspended: set[str] = set()

    def register(self, user_id: str, *roles: UserRole) -> ServiceUser:
        """Register a User ID for roles; returns the user acting in the first role."""
        user_id = eui64(user_id)
        self._roles.setdefault(user_id, set()).update(roles)
        return ServiceUser(user_id, roles[0])

    def suspend(self, user_id: str) -> None:
        self._suspended.add(eui64(user_id))

    def is_valid_pair(self, user: ServiceUser) -> bool:
        return user.role in self._roles.get(user.user_id, ())

    def is_suspended(self, user_id: str) -> bool:
        return user_id in self._suspended

    def roles_of(self, user_id: str) -> frozenset[UserRole]:
        return frozenset(self._roles.get(user_id, ()))
