"""Parse untrusted DUIS XML safely: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as DET

from dsp.duis.errors import DuisError

__all__ = ["DEFAULT_MAX_BYTES", "parse_xml"]

DEFAULT_MAX_BYTES = 1 << 20  # 1 MiB: far above any DUIS message the harness exchanges


def parse_xml(
    data: bytes | str,
    *,
    source: str = "<DUIS message>",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ET.Element:
    """Return the root element of ``data``; raise :class:`DuisError` for anything unsafe or malformed.

    Any DOCTYPE is refused (so no entity is ever declared, expanded or fetched); ``source`` names the
    input in error messages.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise DuisError(f"{source}: message is {len(raw)} bytes, over the {max_bytes}-byte limit")
    try:
        root: ET.Element = DET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise DuisError(
            f"{source}: line {_line_of(raw, b'<!DOCTYPE')}: DOCTYPE is not allowed in a DUIS message "
            "(no DTDs or entities)"
        ) from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as err:
        raise DuisError(f"{source}: entity or external reference is not allowed ({err})") from None
    except ET.ParseError as err:
        line, column = err.position
        reason = str(err).split(":")[0]
        raise DuisError(f"{source}: line {line}, column {column + 1}: malformed XML ({reason})") from None
    except (ValueError, LookupError) as err:  # e.g. an unknown encoding declaration
        raise DuisError(f"{source}: unreadable XML ({err})") from None
    return root


def _line_of(raw: bytes, needle: bytes) -> int:
    index = raw.find(needle)
    return raw.count(b"\n", 0, index) + 1 if index >= 0 else 1
