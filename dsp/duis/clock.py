"""Simulated seconds <-> DUIS date-times, through an explicit epoch.

The DSP model counts simulated seconds from 0; DUIS speaks UTC date-times (``ExecutionDateTime``,
``ResponseDateTime``). A :class:`DuisClock` says which instant simulated second 0 is. Traces use the
fixed :data:`DEFAULT_EPOCH` so the same run renders the same XML; the DUIS endpoint uses the moment it
started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dsp.duis.errors import DuisError

__all__ = ["DEFAULT_EPOCH", "DuisClock", "format_datetime"]

DEFAULT_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DuisClock:
    """Simulated second 0 is ``epoch`` (an aware UTC datetime)."""

    epoch: datetime = DEFAULT_EPOCH

    def __post_init__(self) -> None:
        if self.epoch.tzinfo is None:
            raise DuisError(f"clock epoch {self.epoch.isoformat()} has no time zone: give it in UTC")

    def seconds(self, moment: datetime) -> float:
        """Simulated seconds at ``moment`` (negative before the epoch)."""
        return (moment - self.epoch).total_seconds()

    def at(self, seconds: float) -> datetime:
        """The UTC date-time of simulated second ``seconds``."""
        try:
            return (self.epoch + timedelta(seconds=seconds)).astimezone(UTC)
        except OverflowError:
            raise DuisError(f"simulated time {seconds} s is outside the DUIS date-time range") from None

    def format(self, seconds: float) -> str:
        """``seconds`` as a DUIS xs:dateTime, e.g. ``2025-01-01T00:01:00.000Z``."""
        return format_datetime(self.at(seconds))


def format_datetime(moment: datetime) -> str:
    """An aware datetime as DUIS writes it: UTC, milliseconds, ``Z``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
