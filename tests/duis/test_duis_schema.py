"""DUIS XSD validation: the schema the user holds, chosen by schemaVersion, never fetched."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dsp.duis.errors import DuisError
from dsp.duis.safe_xml import parse_xml
from dsp.duis.schema import (
    SCHEMA_ENV_VAR,
    load_schema,
    resolve_schema_source,
    schema_file_for,
    validate,
    version_folder,
)
from tests.duis.duis_fixtures import INVALID_REQUESTS, REQUESTS, RESPONSES, XSD_54, XSD_DIR, XXE, request

REPO = Path(__file__).parents[2]


def test_real_template_is_valid_against_v54_file_and_folder() -> None:
    xml = request("CS06_11.3_FUTURE_DATED_SUCCESS_REQUEST_DUIS.XML")
    assert validate(xml, XSD_54) == []
    assert validate(xml, XSD_DIR) == []


def test_mutated_template_fails_with_a_reason() -> None:
    xml = request("CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML").replace(
        b"<sr:FirmwareHash>AA75", b"<sr:FirmwareHash>ZZ75"
    )
    reasons = validate(xml, XSD_54)
    assert len(reasons) == 1
    assert reasons[0].startswith("/sr:Request/sr:Body/sr:ActivateFirmware/sr:FirmwareHash: ")
    assert "ZZ75" in reasons[0]


@pytest.mark.parametrize("path", REQUESTS + RESPONSES, ids=lambda p: p.name)
def test_every_real_message_is_valid_except_the_deliberately_invalid(path: Path) -> None:
    reasons = validate(path.read_bytes(), XSD_DIR)
    if path in INVALID_REQUESTS:
        assert reasons == [
            "/sr:Request/sr:Header: Unexpected child with tag 'sr:ReqxuestID' at position 1. "
            "Tag 'sr:RequestID' expected."
        ]
    else:
        assert reasons == []


def test_validate_takes_a_parsed_tree() -> None:
    root = parse_xml(request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"))
    assert validate(root, XSD_DIR) == []


def test_xxe_is_refused_by_validate_too() -> None:
    with pytest.raises(DuisError, match="DOCTYPE is not allowed"):
        validate(XXE.read_bytes(), XSD_DIR)


@pytest.mark.parametrize(
    ("version", "folder"),
    [("5.4", "v5.4"), ("5.40", "v5.4"), ("5.3a", "v5.3a"), ("5.3", "v5.3a"), ("5.1", "v5.1")],
)
def test_folder_source_picks_the_subfolder_for_the_schema_version(version: str, folder: str) -> None:
    chosen = schema_file_for(XSD_DIR, version)
    assert chosen.parent.name == folder
    assert chosen.name.startswith("DUIS Schema V")


def test_a_version_without_its_own_folder_is_read_with_the_nearest_lower_one() -> None:
    # DCC's client library writes schemaVersion="5.2": no XSD folder carries it, v5.1 stands in
    assert version_folder(XSD_DIR, "5.2") == (XSD_DIR / "v5.1", False)
    assert version_folder(XSD_DIR, "5.35") == (XSD_DIR / "v5.3a", False)
    assert version_folder(XSD_DIR, "9.9") == (XSD_DIR / "v5.4", False)
    assert version_folder(XSD_DIR, "5.4") == (XSD_DIR / "v5.4", True)
    xml = request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML").replace(b'schemaVersion="5.4"', b'schemaVersion="5.2"')
    assert validate(xml, XSD_DIR) == []


def test_a_version_below_every_folder_is_a_clear_error() -> None:
    with pytest.raises(
        DuisError, match=r"schemaVersion '4\.0' has no XSD folder .* nor a lower .* \(folders: v5\.1, v5\.3a, v5\.4\)"
    ):
        schema_file_for(XSD_DIR, "4.0")
    xml = request("ECS52_11.2_SUCCESS_REQUEST_DUIS.XML").replace(
        b'schemaVersion="5.4"', b'schemaVersion="4.0"'
    )
    with pytest.raises(DuisError, match=r"schemaVersion '4\.0'"):
        validate(xml, XSD_DIR)


def test_a_single_file_source_ignores_the_schema_version() -> None:
    assert schema_file_for(XSD_54, "5.1") == XSD_54.resolve()


def test_schemas_are_cached() -> None:
    assert load_schema(XSD_54) is load_schema(XSD_54)


def test_schema_source_comes_from_cli_first_then_environment(tmp_path: Path) -> None:
    env = {SCHEMA_ENV_VAR: str(XSD_DIR)}
    assert resolve_schema_source(None, env) == XSD_DIR.resolve()
    assert resolve_schema_source(str(XSD_54), env) == XSD_54.resolve()
    with pytest.raises(DuisError, match=rf"pass --schema PATH or set {SCHEMA_ENV_VAR}"):
        resolve_schema_source(None, {})
    missing = tmp_path / "nope"
    with pytest.raises(DuisError, match=rf"'{missing}' \(from \${SCHEMA_ENV_VAR}\) does not exist"):
        resolve_schema_source(None, {SCHEMA_ENV_VAR: str(missing)})


def test_broken_schema_file_is_a_duis_error(tmp_path: Path) -> None:
    broken = tmp_path / "DUIS Schema V0.xsd"
    broken.write_text("<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element/></xs:schema>")
    with pytest.raises(DuisError, match="cannot load DUIS schema"):
        load_schema(broken)


def test_loading_and_validating_never_touch_the_network(tmp_path: Path) -> None:
    remote = tmp_path / "remote-import.xsd"
    remote.write_text(
        "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:t'>"
        "<xs:import namespace='urn:evil' schemaLocation='http://example.invalid/evil.xsd'/>"
        "<xs:element name='a' type='xs:string'/></xs:schema>"
    )
    template = REPO.parent / "shared/duis/requests/11.1_UPDATE_FIRMWARE_REQUEST_DUIS.XML"
    script = textwrap.dedent(
        f"""
        import sys, warnings
        def refuse(event, args):
            local = event == "urllib.Request" and str(args[0]).startswith("file:")
            if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request") and not local:
                raise SystemExit(f"network access attempted: {{event}} {{args}}")
        sys.addaudithook(refuse)
        warnings.simplefilter("ignore")
        from dsp.duis.schema import load_schema, validate
        assert validate(open({str(template)!r}, "rb").read(), {str(XSD_DIR)!r}) == []
        load_schema({str(remote)!r})  # the remote import is blocked, not fetched
        print("offline ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "offline ok"
