"""The one error type of the DUIS layer."""

from __future__ import annotations

import re

__all__ = ["DuisError"]


class DuisError(ValueError):
    """A DUIS message, GBCS payload or schema source that cannot be accepted.

    ``str(err)`` is always one line saying what is wrong and where (file, line, element, byte
    offset), so callers can print it as it stands and exit with code 2.
    """

    def __init__(self, message: str) -> None:
        super().__init__(re.sub(r"\s*[\r\n]+\s*", " ", message).strip())
