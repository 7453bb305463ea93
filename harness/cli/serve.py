"""`sm-harness serve`: the DSP model behind DCC Boxed's DUIS paths (see harness/serve/endpoint.py)."""
from __future__ import annotations

import argparse
import sys

from dsp.rulesets import RuleSet


def add_parser(commands) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the DSP model as a DUIS endpoint (DCC Boxed paths /api/v1/serviceS|D|T)",
        description="Serve the DSP model over HTTP at DCC Boxed's DUIS paths. Without --trust signatures are carried, "
                    "not checked; without --signing-key nothing sent is signed.",
    )
    serve.add_argument("--scenario", metavar="FILE", help="add a scenario's fleet, CPL and rule set to the RTDS devices")
    serve.add_argument("--rules", metavar="RULESET", choices=[r.value for r in RuleSet],
                       help="legacy, mp105-option1 or mp105 (default: the scenario's, else mp105)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8079, help="port to listen on (default 8079)")
    serve.add_argument("--deliver-to", metavar="URL",
                       help="POST device responses and DCC alerts here, retried until delivered or held for --hold-hours "
                            "(else kept in /test/outbox)")
    serve.add_argument("--state", metavar="PATH",
                       help="keep the SMI, the CPL, pending transforms and the outbox in this SQLite file, so a restart "
                            "loses nothing (created if absent; default: in memory)")
    serve.add_argument("--hold-hours", type=float, default=48.0, metavar="H",
                       help="how long an undelivered message is retried before it expires (default 48, as DCC holds alerts)")
    serve.add_argument("--delivery-timeout", type=float, default=10.0, metavar="S",
                       help="longest one delivery attempt may take (default 10 s)")
    serve.add_argument("--schema", metavar="PATH",
                       help="DUIS XSD file or folder of versions (or $SM_HARNESS_DUIS_SCHEMA); without one, nothing is validated")
    serve.add_argument("--max-bytes", type=int, default=None, metavar="N", help="largest request body accepted (default 16 MiB)")
    serve.add_argument("--trust", metavar="DIR",
                       help="check every request's XML signature (and a Signed Pre-Command's GBCS signature) against "
                            "the Users' certificates in DIR (*.pem, *.crt, *.cer, *.der)")
    serve.add_argument("--signing-key", metavar="FILE", help="sign every message sent with this EC P-256 key (PKCS#8, PEM or DER)")
    serve.add_argument("--signing-cert", metavar="FILE", help="the certificate of --signing-key (named in each signature's KeyInfo)")
    serve.add_argument("--response-code", action="append", default=[], metavar="CASE=CODE",
                       help="the DUIS code of a refusal no public text names: signature, gbcs-signature or "
                            "unmatched-pre-command (defaults E1, E1, E12; repeatable)")
    serve.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from dsp.duis.errors import DuisError
    from dsp.duis.schema import SCHEMA_ENV_VAR, load_all, resolve_schema_source
    from harness.serve.app import create_app
    from dsp.errors import DomainError
    from harness.serve.decisions import ServeDecisions
    from harness.serve.delivery import check_url
    from harness.serve.outbox import DeliveryPolicy
    from harness.serve.state import ServeState, identity_of
    from harness.serve.endpoint import DEFAULT_MAX_BYTES, DuisEndpoint, EndpointConfig
    from harness.serve.http_server import listen, uvicorn_config
    from harness.serve.rtds_world import build_served_world
    from harness.serve.signing import Signatures, load_identity, load_trust

    schema = None
    if args.schema or os.environ.get(SCHEMA_ENV_VAR):
        try:
            schema = resolve_schema_source(args.schema)
            load_all(schema)  # refuse a broken XSD now, and answer the first request as fast as the next
        except DuisError as error:
            print(f"sm-harness: error: {error}", file=sys.stderr)
            return 2
    if not 0 < args.port < 65536:
        print(f"sm-harness: error: --port {args.port} is not a TCP port", file=sys.stderr)
        return 2
    if not 0 < args.hold_hours <= 24 * 365 or not 0 < args.delivery_timeout <= 3600:
        print("sm-harness: error: --hold-hours must be in (0, 8760] and --delivery-timeout in (0, 3600]", file=sys.stderr)
        return 2
    for option in ("scenario", "state", "schema", "trust", "signing_key", "signing_cert", "deliver_to"):
        if getattr(args, option) == "":  # an empty value is no value: it must not quietly mean the default
            print(f"sm-harness: error: --{option.replace('_', '-')} is empty: give a value or leave the option out",
                  file=sys.stderr)
            return 2
    max_bytes = DEFAULT_MAX_BYTES if args.max_bytes is None else args.max_bytes
    if max_bytes <= 0:
        print("sm-harness: error: --max-bytes must be > 0", file=sys.stderr)
        return 2
    if bool(args.signing_key) != bool(args.signing_cert):
        print("sm-harness: error: --signing-key and --signing-cert go together", file=sys.stderr)
        return 2
    try:
        decisions = ServeDecisions().with_codes(args.response_code)
        signatures = Signatures(
            trust=load_trust(args.trust) if args.trust else None,
            identity=load_identity(args.signing_key, args.signing_cert) if args.signing_key else None,
        )
    except DuisError as error:
        print(f"sm-harness: error: {error}", file=sys.stderr)
        return 2
    policy = DeliveryPolicy(hold_seconds=args.hold_hours * 3600, timeout_seconds=args.delivery_timeout)
    try:
        if args.deliver_to is not None:
            check_url(args.deliver_to)
        served = build_served_world(args.rules, args.scenario)
        state_before = _file_size(args.state)
        state = ServeState.open(args.state, identity_of(served.ruleset.value, served.scenario), policy)
    except DomainError as error:
        print(f"sm-harness: error: {error}", file=sys.stderr)
        return 2
    try:
        sockets = listen(args.host, args.port)  # bound before anything says it serves
    except OSError as error:
        state.close()
        if state.fresh and args.state:
            _undo_new_state(args.state, state_before)
        print(f"sm-harness: error: {error}", file=sys.stderr)
        return 2
    config = EndpointConfig(schema=schema, deliver_to=args.deliver_to, max_bytes=max_bytes, decisions=decisions,
                            delivery=policy)
    _log_to_stderr()
    endpoint = DuisEndpoint(served, config, signatures=signatures, state=state)
    if args.state:
        counts = state.outbox.counts()
        print(f"sm-harness: state in {args.state}: " + (f"{endpoint.restored} SMI records restored, "
              f"{counts['pending']} messages to deliver" if not state.fresh else "new"), file=sys.stderr, flush=True)
    if schema is None:
        print("sm-harness: warning: no DUIS schema (--schema or $SM_HARNESS_DUIS_SCHEMA): requests are not validated",
              file=sys.stderr)
    checks = f"checking signatures against {len(signatures.trust)} certificates" if signatures.trust else "signatures not checked"
    signing = "signing what it sends" if signatures.identity else "signing nothing"
    print(f"sm-harness: serving DUIS under {served.ruleset.value} at http://{args.host}:{args.port}/api/v1/serviceS|D|T "
          f"({checks}, {signing})", file=sys.stderr, flush=True)
    try:
        uvicorn.Server(uvicorn_config(create_app(endpoint), args.host, args.port)).run(sockets=sockets)
    finally:
        for sock in sockets:
            sock.close()
    return 0


def _file_size(path: str | None) -> int | None:
    """The size of the file at `path` before `serve` opened it (None: there was none)."""
    import os

    try:
        return None if path is None else os.path.getsize(path)
    except OSError:
        return None


def _undo_new_state(path: str, size_before: int | None) -> None:
    """A state `serve` made just now and will not use: the new file removed, an empty one emptied again."""
    import os

    if size_before is None:
        os.unlink(path)
    elif size_before == 0:
        os.truncate(path, 0)


def _log_to_stderr() -> None:
    """The endpoint's own log lines (each delivery attempt, expiries, unexpected errors) on stderr."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sm-harness: %(message)s"))
    logger = logging.getLogger("sm_harness")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
