"""Check, once per session, that the shared DUIS artefacts the tests read are there."""

from __future__ import annotations

import pytest

from tests.duis.duis_fixtures import DUIS, REQUESTS, RESPONSES, VECTORS, XSD_54


@pytest.fixture(scope="session", autouse=True)
def _shared_fixtures_present() -> None:
    assert REQUESTS and RESPONSES and VECTORS and XSD_54.is_file(), f"DUIS fixtures missing under {DUIS}"
