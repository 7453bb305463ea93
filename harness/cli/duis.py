"""`sm-harness duis validate FILE ...` and `sm-harness duis parse FILE`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_INVALID, EXIT_BAD_INPUT = 1, 2
MAX_FILE_BYTES = 16 << 20  # an 11.1 may carry ~10 MB of base64 image


def add_parser(commands) -> None:
    duis = commands.add_parser("duis", help="check and read DUIS XML messages")
    actions = duis.add_subparsers(dest="duis_command", required=True, metavar="ACTION")
    check = actions.add_parser("validate", help="validate DUIS messages against the DUIS XSD (exit 1 if any is invalid)")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--schema", metavar="PATH",
                       help="DUIS XSD file or folder of versions (default $SM_HARNESS_DUIS_SCHEMA)")
    check.set_defaults(func=validate_files)
    read = actions.add_parser("parse", help="print a DUIS message's header, body kind, firmware version and codes as JSON")
    read.add_argument("file", metavar="FILE")
    read.set_defaults(func=parse_file)


def validate_files(args: argparse.Namespace) -> int:
    from dsp.duis.errors import DuisError
    from dsp.duis.safe_xml import parse_xml
    from dsp.duis.schema import SchemaError, load_schema, resolve_schema_source, validate

    try:
        schema = resolve_schema_source(args.schema)
        if schema.is_file():
            load_schema(schema)  # a file that is no XSD is the user's set-up error: say so once
    except DuisError as error:
        print(f"sm-harness: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    invalid = unreadable = 0
    for name in args.files:
        try:
            raw = _read(name)
        except OSError as error:  # not a message at all: bad input, said on its own line; the others still checked
            unreadable += 1
            print(f"sm-harness: error: {name}: cannot read the file: {error.strerror or error}", file=sys.stderr)
            continue
        except DuisError as error:
            raw, reasons = None, [str(error).removeprefix(f"{name}: ")]
        try:
            if raw is not None:  # an 11.1 may be ~10 MB: parse with the file limit, then validate the tree
                reasons = validate(parse_xml(raw, source=name, max_bytes=MAX_FILE_BYTES), schema)
        except SchemaError as error:  # a version folder holding a broken XSD
            print(f"sm-harness: error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except DuisError as error:
            reasons = [str(error).removeprefix(f"{name}: ")]
        if reasons:
            invalid += 1
            print(f"{name}: invalid: {reasons[0]}" + (f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""))
        else:
            print(f"{name}: valid")
    return EXIT_BAD_INPUT if unreadable else EXIT_INVALID if invalid else 0


def parse_file(args: argparse.Namespace) -> int:
    from dsp.duis.codec import describe
    from dsp.duis.errors import DuisError

    try:
        try:
            raw = _read(args.file)
        except OSError as error:
            raise DuisError(f"{args.file}: cannot read the file: {error.strerror or error}") from None
        facts = describe(raw, source=args.file, max_bytes=MAX_FILE_BYTES)
    except DuisError as error:
        print(f"sm-harness: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(facts, indent=2))
    return 0


def _read(name: str) -> bytes:
    """The file's bytes; OSError if it cannot be read; DuisError if it is over the limit (before reading it)."""
    from dsp.duis.errors import DuisError

    path = Path(name)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DuisError(f"{name}: the file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte (16 MiB) limit of a DUIS message")
    return path.read_bytes()
