"""Read ``sr:`` elements and typed values from a parsed DUIS tree, with errors that say where."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

from dsp.duis.errors import DuisError

__all__ = ["EUI_PATTERN", "SR_NS", "Reader"]

SR_NS = "http://www.dccinterface.co.uk/ServiceUserGateway"
EUI_PATTERN = r"[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){7}"  # an EUI-64 as DUIS writes it: 00-DB-12-34-56-78-90-A0

# xs:dateTime, as DUIS writes it: 2030-01-15T09:00:00.00Z (the zone is optional in the XSD)
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)


@dataclass(frozen=True, slots=True)
class Reader:
    """Element and value access for one message; ``source`` names it in every error."""

    source: str

    def fail(self, where: str, what: str) -> DuisError:
        """Return the error for ``what`` is wrong at ``where``."""
        return DuisError(f"{self.source}: {where}: {what}")

    @staticmethod
    def local(element: ET.Element) -> str:
        """The element's local name (its tag without the namespace)."""
        return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""

    @staticmethod
    def in_sr(element: ET.Element) -> bool:
        """Whether ``element`` is in the DUIS ``sr:`` namespace."""
        return isinstance(element.tag, str) and element.tag.startswith(f"{{{SR_NS}}}")

    def child(self, parent: ET.Element, name: str, where: str) -> ET.Element:
        """The one ``sr:name`` child of ``parent``."""
        found = parent.findall(f"{{{SR_NS}}}{name}")
        if len(found) != 1:
            raise self.fail(f"{where}/sr:{name}", "missing" if not found else f"appears {len(found)} times")
        return found[0]

    def only_child(self, parent: ET.Element, where: str) -> ET.Element:
        """The single ``sr:`` element inside ``parent`` (a choice such as sr:Body)."""
        children = [c for c in parent if self.in_sr(c)]
        if len(children) != 1:
            raise self.fail(where, f"expected one sr: element inside, found {len(children)}")
        return children[0]

    def text(self, parent: ET.Element, name: str, where: str) -> str:
        """The stripped text of the one ``sr:name`` child of ``parent``."""
        return (self.child(parent, name, where).text or "").strip()

    def optional_text(self, parent: ET.Element, name: str, where: str) -> str | None:
        """Like :meth:`text`, but ``None`` when the child is absent."""
        if parent.find(f"{{{SR_NS}}}{name}") is None:
            return None
        return self.text(parent, name, where)

    def integer(self, parent: ET.Element, name: str, where: str) -> int:
        """The ``sr:name`` child as a non-negative integer."""
        value = self.text(parent, name, where)
        if not value.isascii() or not value.isdigit() or len(value) > 20:
            raise self.fail(f"{where}/sr:{name}", f"{value[:40]!r} is not a non-negative integer")
        return int(value)

    def boolean(self, value: str, where: str) -> bool:
        """An xs:boolean value."""
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        raise self.fail(where, f"{value[:40]!r} is not a boolean")

    def date_time(self, parent: ET.Element, name: str, where: str) -> datetime:
        """The ``sr:name`` child as an aware datetime; DUIS times without a zone are taken as UTC."""
        value = self.text(parent, name, where)
        if not _DATETIME.fullmatch(value):
            raise self.fail(f"{where}/sr:{name}", f"{value[:40]!r} is not an xs:dateTime")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{where}/sr:{name}", f"{value!r} is not a valid date and time") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def optional_date_time(self, parent: ET.Element, name: str, where: str) -> datetime | None:
        """Like :meth:`date_time`, but ``None`` when the child is absent."""
        if parent.find(f"{{{SR_NS}}}{name}") is None:
            return None
        return self.date_time(parent, name, where)
