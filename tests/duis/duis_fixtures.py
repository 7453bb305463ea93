"""Paths to the public DUIS artefacts in ../shared/duis (read in place, never copied here).

A test module that imports this one is skipped, with the reason, when ../shared/duis is not beside the
repository (tests/shared_data.py)."""

from __future__ import annotations

from tests.shared_data import SHARED, require_shared

require_shared("duis")

DUIS = SHARED / "duis"
XSD_DIR = DUIS / "xsd"
XSD_54 = XSD_DIR / "v5.4" / "DUIS Schema V5.4.xsd"
REQUESTS = sorted(DUIS.glob("requests/**/*.XML"))
RESPONSES = sorted(p for p in DUIS.glob("responses/**/*") if p.is_file())
VECTORS = sorted(DUIS.glob("gbcs_rtds/**/*.HEX"))
INVALID_REQUESTS = {p for p in REQUESTS if p.stem.endswith("-invalid")}
XXE = DUIS / "negative" / "duis-xxe.xml"


def request(relative: str) -> bytes:
    """The bytes of the request template at ``relative`` under requests/."""
    return (DUIS / "requests" / relative).read_bytes()


def vector(name: str) -> bytes:
    """The bytes of the GBCS hex test vector called ``name``."""
    (path,) = [p for p in VECTORS if p.name == name]
    return bytes.fromhex(path.read_text().strip())
