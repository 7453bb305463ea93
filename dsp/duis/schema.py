"""Validate DUIS XML against the published DUIS XSD, which the user holds and names by path.

The schema source is either one XSD file or a folder laid out like ``shared/duis/xsd/`` (sub-folders
``v5.1``, ``v5.3a``, ``v5.4``, each holding one ``DUIS Schema V*.xsd``); with a folder the sub-folder is
chosen by the message's ``schemaVersion``. Schemas are loaded once per file and never from the network.

A version with no folder of its own is validated against the nearest lower version the folder holds:
DCC's client library (``@smartdcc/duis-parser``) writes ``schemaVersion="5.2"``, which no published XSD
folder carries, so it is read with v5.1 (5.2 changed no element a firmware request uses).
:func:`version_folder` says which folder was chosen and whether it was a stand-in.
"""

from __future__ import annotations

import os
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

import xmlschema

from dsp.duis.errors import DuisError
from dsp.duis.large_binary import binaries_set_aside
from dsp.duis.safe_xml import parse_xml

__all__ = [
    "SCHEMA_ENV_VAR",
    "SchemaError",
    "load_schema",
    "load_all",
    "resolve_schema_source",
    "schema_file_for",
    "validate",
    "version_folder",
]

SCHEMA_ENV_VAR = "SM_HARNESS_DUIS_SCHEMA"

_PREFIXES = {
    "http://www.dccinterface.co.uk/ServiceUserGateway": "sr",
    "http://www.dccinterface.co.uk/ResponseAndAlert": "ra",
    "http://www.w3.org/2000/09/xmldsig#": "ds",
}


class SchemaError(DuisError):
    """The schema the user named cannot be loaded: a fault of the set-up, not of any message."""


_VERSION_DIR = re.compile(r"v(\d+(?:\.\d+)*)([A-Za-z]*)")
_cache: dict[Path, xmlschema.XMLSchema] = {}
_cache_lock = threading.Lock()


def resolve_schema_source(
    cli_value: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """Return the schema path from ``--schema`` (first) or ``$SM_HARNESS_DUIS_SCHEMA``; it must exist."""
    environ = os.environ if environ is None else environ
    if cli_value is not None and str(cli_value) != "":
        path, origin = Path(cli_value), "--schema"
    elif environ.get(SCHEMA_ENV_VAR):
        path, origin = Path(environ[SCHEMA_ENV_VAR]), f"${SCHEMA_ENV_VAR}"
    else:
        raise DuisError(
            f"no DUIS schema given: pass --schema PATH or set {SCHEMA_ENV_VAR} "
            "(an XSD file or a folder with v5.1/, v5.3a/, v5.4/ sub-folders)"
        )
    if not path.exists():
        raise DuisError(f"DUIS schema path {str(path)!r} (from {origin}) does not exist")
    return path.resolve()


def schema_file_for(schema_source: str | os.PathLike[str], schema_version: str | None) -> Path:
    """Return the XSD file to use: ``schema_source`` itself, or its sub-folder for ``schema_version``."""
    source = Path(schema_source)
    if source.is_file():
        return source.resolve()
    if not source.is_dir():
        raise DuisError(f"DUIS schema path {str(source)!r} is neither a file nor a folder")
    if not schema_version:
        raise DuisError(
            f"message has no schemaVersion attribute, so no XSD can be chosen from folder {str(source)!r}"
        )
    folder, _exact = version_folder(source, schema_version)
    candidates = sorted(folder.glob("DUIS Schema V*.xsd"))
    if len(candidates) != 1:
        raise DuisError(
            f"schema folder {str(folder)!r} must hold exactly one 'DUIS Schema V*.xsd', "
            f"found {len(candidates)}"
        )
    return candidates[0].resolve()


def load_schema(xsd_file: str | os.PathLike[str]) -> xmlschema.XMLSchema:
    """Load (once, then from the cache) the XSD at ``xsd_file``, confined to its own folder."""
    path = Path(xsd_file).resolve()
    with _cache_lock:
        schema = _cache.get(path)
        if schema is None:
            try:
                # allow='sandbox': imports resolve only to files under the XSD's folder, never a URL.
                # defuse='nonlocal': xmldsig-core-schema.xsd declares internal entities, so the trusted
                # local schema files are parsed as they are; untrusted instances never reach xmlschema
                # as text (validate() hands it a tree built by safe_xml).
                schema = xmlschema.XMLSchema(
                    str(path), base_url=str(path.parent), allow="sandbox", defuse="nonlocal", timeout=5
                )
            except (xmlschema.XMLSchemaException, OSError) as err:
                first = str(err).strip().splitlines()[0].rstrip(":") if str(err).strip() else type(err).__name__
                raise SchemaError(f"cannot load DUIS schema {str(path)!r}: {first}") from None
            _cache[path] = schema
        return schema


def load_all(schema_source: str | os.PathLike[str]) -> list[Path]:
    """Load every XSD ``schema_source`` can choose (the file, or each version folder's), so that a
    server validates its first message as fast as the next and a broken XSD is refused at start."""
    source = Path(schema_source)
    if source.is_file():
        load_schema(source)
        return [source.resolve()]
    if not source.is_dir():
        raise DuisError(f"DUIS schema path {str(source)!r} is neither a file nor a folder")
    loaded = []
    for child in sorted(source.iterdir()):
        if child.is_dir() and _VERSION_DIR.fullmatch(child.name):
            version = child.name[1:]
            xsd = schema_file_for(source, version)
            load_schema(xsd)
            loaded.append(xsd)
    if not loaded:
        raise DuisError(f"DUIS schema folder {str(source)!r} has no version folders (v5.1/, v5.4/, ...)")
    return loaded


def validate(
    xml: bytes | str | ET.Element,
    schema_source: str | os.PathLike[str],
    *,
    max_reasons: int = 20,
) -> list[str]:
    """Return why ``xml`` breaks the DUIS schema (empty list when valid).

    Bytes or text are parsed with :func:`dsp.duis.safe_xml.parse_xml` first; malformed or unsafe XML,
    an unknown ``schemaVersion`` or a bad schema source raise :class:`DuisError`.
    """
    root = xml if isinstance(xml, ET.Element) else parse_xml(xml)
    schema = load_schema(schema_file_for(schema_source, root.get("schemaVersion")))
    namespaces = {prefix: uri for uri, prefix in _PREFIXES.items()}
    with binaries_set_aside(root, schema, namespaces) as reasons:  # linear, not xmlschema's regex
        reasons = [_shorten(reason) for reason in reasons]
        for error in schema.iter_errors(root, use_location_hints=False):
            if len(reasons) >= max_reasons:
                break
            reasons.append(_shorten(f"{error.path or '/'}: {error.reason or error.message}"))
    return reasons[:max_reasons]


def version_folder(root: Path, schema_version: str) -> tuple[Path, bool]:
    """The sub-folder of ``root`` for ``schema_version``, and whether it is that version's own folder
    (False: the nearest lower version stands in for it)."""
    wanted = _normalise(schema_version)
    folders = {}
    for child in root.iterdir():
        match = _VERSION_DIR.fullmatch(child.name)
        if child.is_dir() and match:
            folders[child.name] = (_normalise(match.group(1)), match.group(2))
    exact = [name for name, (num, suffix) in folders.items() if f"{num}{suffix}" == wanted]
    # schemaVersion is an xs:decimal, so a 5.3a message says "5.3": match the lettered folder too.
    loose = [name for name, (num, _suffix) in folders.items() if num == wanted]
    chosen = exact or (loose if len(loose) == 1 else [])
    if chosen:
        return root / chosen[0], True
    lower = _nearest_lower(wanted, {name: num for name, (num, _suffix) in folders.items()})
    if lower is None:
        known = ", ".join(sorted(folders)) or "none"
        raise DuisError(
            f"schemaVersion {schema_version!r} has no XSD folder in {str(root)!r}, nor a lower version "
            f"to stand in for it (folders: {known})"
        )
    return root / lower, False


def _nearest_lower(wanted: str, folders: dict[str, str]) -> str | None:
    """The folder of the highest version below ``wanted`` (a lettered one after its plain sibling)."""
    try:
        target = Decimal(wanted)
    except InvalidOperation:
        return None
    below = []
    for name, number in folders.items():
        try:
            value = Decimal(number)
        except InvalidOperation:
            continue
        if value < target:
            below.append((value, name))
    return max(below)[1] if below else None


def _normalise(version: str) -> str:
    text = version.strip()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([A-Za-z]*)", text)
    if not match:
        return text
    try:
        number = Decimal(match.group(1)).normalize()
    except InvalidOperation:
        return text
    return f"{number:f}{match.group(2)}"


def _shorten(text: str) -> str:
    for uri, prefix in _PREFIXES.items():
        text = text.replace("{" + uri + "}", prefix + ":")
    return " ".join(text.split())
