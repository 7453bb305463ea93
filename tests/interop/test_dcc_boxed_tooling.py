"""DCC Boxed's own client tooling against this project's DUIS signing and GBCS pre-commands.

The tooling is installed at test time (``npm ci --prefix tests/interop``): ``@smartdcc/duis-sign-wrap``
(DCC Boxed's signing and validation tool, a JAR that needs Java) and ``@smartdcc/duis-parser``. The
JAR carries DCC Boxed's ZAZ1 test credentials; the tests read the ones they need from the installed JAR
(nothing is copied into the project). Skipped, saying why, when the tooling or Java is absent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dsp.duis.gbcs_precommand import signed_parts, verify_gbcs_signature
from dsp.duis.trust import TrustStore
from dsp.duis.xmldsig import SigningIdentity, sign_message, verify_message
from dsp.identities import RTDS_SUPPLIER
from tests.duis.duis_fixtures import DUIS, request, vector
from tests.tools import needs_tool

HERE = Path(__file__).parent
DRIVER = HERE / "duis-tool.js"
JAR = HERE / "node_modules" / "@smartdcc" / "duis-sign-wrap" / "dist" / "tool.jar"
USER = RTDS_SUPPLIER
# ZAZ1 credentials inside the JAR: the supplier's XML signing certificate and GBCS (digital signing)
# certificate, and the DSP's XML signing key and certificate (what DCC Boxed signs responses with)
USER_XML_CERT, USER_GBCS_CERT = "xml-sign-90B3D51F30010000-ds.pem", "Z1-supplier-ds.pem"
DSP_KEY, DSP_CERT = "dsp-xml-sign-90B3D51F30000002-ds.key", "dsp-xml-sign-90B3D51F30000002-ds.pem"

needs_tooling = needs_tool(None if JAR.is_file() else "DCC Boxed tooling not installed: npm ci --prefix tests/interop")
needs_java = needs_tool(
    None if JAR.is_file() and shutil.which("java") and shutil.which("node")
    else "needs the tooling (npm ci --prefix tests/interop), Node and Java (Debian: default-jre-headless)"
)


def from_jar(name: str) -> bytes:
    with zipfile.ZipFile(JAR) as jar:
        return jar.read(name)


def tool(*args: str) -> list[dict[str, object]]:
    """Run the driver; its JSON lines."""
    done = subprocess.run(["node", str(DRIVER), *args], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode in (0, 1), done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@needs_tooling
def test_the_rtds_command_vectors_are_signed_with_the_supplier_key_dcc_boxed_installs() -> None:
    trust = TrustStore.from_files([(USER_GBCS_CERT, from_jar(USER_GBCS_CERT)), (USER_XML_CERT, from_jar(USER_XML_CERT))])
    keys = trust.gbcs_signing_keys(USER)
    assert len(keys) == 1  # the XML signing certificate (role 0x87) is not a GBCS signing key
    for case in ("IMMEDIATE_SUCCESS", "FUTURE_DATED_SUCCESS", "CANCELLATION_SUCCESS", "IMMEDIATE_ERROR"):
        command = vector(f"CS06_11.3_{case}_COMMAND_GBCS.HEX")
        signed = command[command.index(b"\xdf\x09") : -12]  # inside general-ciphering, before the MAC
        assert signed_parts(signed)[0] == vector(f"CS06_11.3_{case}_PRECOMMAND_GBCS.HEX")
        assert verify_gbcs_signature(signed, keys[0]), case


@needs_java
def test_a_request_signed_by_dcc_boxeds_tool_verifies_here(tmp_path: Path) -> None:
    (result,) = tool("sign", str(DUIS / "requests" / "CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"))
    assert result["ok"], result
    signed = str(result["signed"]).encode()
    trust = TrustStore.from_files([(USER_XML_CERT, from_jar(USER_XML_CERT))])
    assert verify_message(signed, trust, at=datetime.now(UTC), originator=USER).serial_number > 0
    with pytest.raises(Exception, match="signature does not verify"):
        verify_message(signed.replace(b"AA758690", b"BB758690"), trust, at=datetime.now(UTC))


@needs_java
def test_a_real_dcc_boxed_response_validates_with_the_tool() -> None:
    (result,) = tool("validate", str(DUIS / "responses" / "duis-sign-wrap" / "readfw-version-response.xml"))
    assert result["ok"], result
    assert result["parsed"]["header"]["responseCode"] == "I0"  # type: ignore[index]


@needs_java
@pytest.mark.slow
def test_what_this_project_signs_passes_dcc_boxeds_validator(tmp_path: Path) -> None:
    from dsp.duis import DuisCodec
    from tests.duis.test_duis_codec import _kind, _run_producing_every_kind

    dsp = SigningIdentity.from_bytes(from_jar(DSP_KEY), from_jar(DSP_CERT), key_source=DSP_KEY, certificate_source=DSP_CERT)
    world, messages = _run_producing_every_kind()
    codec = DuisCodec(inventory=world.dsp.inventory)
    firsts: dict[str, bytes] = {}
    for message in messages:
        xml = codec.render(message)
        firsts.setdefault(_kind(message), xml if isinstance(xml, bytes) else xml.encode())
    files = []
    for index, (kind, xml) in enumerate(sorted(firsts.items())):
        path = tmp_path / f"{index:02d}.xml"
        path.write_bytes(sign_message(xml, dsp))
        files.append((kind, path))
    signed_request = tmp_path / "request.xml"
    signed_request.write_bytes(sign_message(request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"), dsp))
    results = tool("validate", *(str(p) for _, p in files), str(signed_request))
    failures = [(kind, r) for (kind, _), r in zip(files, results) if not r["ok"]]
    assert len(results) == len(files) + 1 and not failures and results[-1]["ok"], failures or results[-1]
