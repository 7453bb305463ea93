#!/usr/bin/env python3
"""Benchmark: what `serve --trust` and `--signing-key` cost per request, in process.

    python benchmarks/serve_signatures.py [--requests 300] [--schema ../shared/duis/xsd]

Serves the RTDS ECS52 template (11.2), signed as DCC Boxed's tool signs it, N times to an endpoint
without signatures, with `--trust` (its XML signature checked), and with `--trust` and `--signing-key`
(the answer signed too); and times a CV 5 with its GBCS signature checked. Prints the median per request
of each and the differences, the cost of checking and of signing. Keys and certificates are made here,
throwaway. With --schema every request is also validated against the XSD, as `serve --schema` does.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dsp.duis.gbcs_precommand import sign_precommand  # noqa: E402
from dsp.duis.trust import TrustStore  # noqa: E402
from dsp.duis.xmldsig import SigningIdentity, sign_message  # noqa: E402
from dsp.identities import DCC_ACCESS_CONTROL_BROKER, RTDS_SUPPLIER  # noqa: E402
from harness.serve.endpoint import DuisEndpoint, EndpointConfig  # noqa: E402
from harness.serve.rtds_world import build_served_world  # noqa: E402
from harness.serve.signing import Signatures  # noqa: E402
from tests.duis.duis_fixtures import request  # noqa: E402
from tests.duis.smki_fixtures import make_party  # noqa: E402
from tests.serve.duis_requests import precommand_of, signed_pre_command, with_counter  # noqa: E402

ECS52 = "ECS52_11.2_SUCCESS_REQUEST_DUIS.XML"
ACTIVATE = "CS06_11.3_IMMEDIATE_SUCCESS_REQUEST_DUIS.XML"


def identity(party) -> SigningIdentity:
    return SigningIdentity.from_bytes(party.key_pem(), party.cert_pem(), key_source="key", certificate_source="cert")


def median_ms(run: Callable[[int], None], n: int) -> float:
    times = []
    for i in range(n):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--schema", type=Path, default=None)
    args = parser.parse_args()
    supplier_xml, supplier_gbcs, dsp = make_party(RTDS_SUPPLIER), make_party(RTDS_SUPPLIER, "02"), make_party(DCC_ACCESS_CONTROL_BROKER, "89")
    trust = TrustStore((supplier_xml.certificate, supplier_gbcs.certificate))
    config = EndpointConfig(schema=args.schema)
    setups = {
        "carried": Signatures(),
        "trust": Signatures(trust=trust),
        "trust+signing": Signatures(trust=trust, identity=identity(dsp)),
    }
    signed = [sign_message(with_counter(request(ECS52), 10_000 + i), identity(supplier_xml)) for i in range(args.requests)]
    results = {}
    for name, signatures in setups.items():
        served = DuisEndpoint(build_served_world("mp105"), config, signatures=signatures)

        def one(i: int, served: DuisEndpoint = served) -> None:
            reply = served.serve("serviceS", signed[i])
            assert reply.status == 200 and b"I99" in reply.body, reply.body[:200]
            served.take_outgoing()

        one(0)  # warm: the schema loaded, the codec's first render
        results[name] = median_ms(one, args.requests)
    served = DuisEndpoint(build_served_world("mp105"), config, signatures=setups["trust"])
    cv5s = []
    for i in range(args.requests):
        cv4 = sign_message(with_counter(request(ACTIVATE), 20_000 + i), identity(supplier_xml))
        precommand = precommand_of(served.serve("serviceT", cv4).body)
        cv5s.append(sign_message(signed_pre_command(cv4, sign_precommand(precommand, supplier_gbcs.key)), identity(supplier_xml)))

    def cv5(i: int) -> None:
        reply = served.serve("serviceS", cv5s[i])
        assert b"I99" in reply.body, reply.body[:300]
        served.take_outgoing()

    results["cv5 (trust: XML and GBCS)"] = median_ms(cv5, args.requests)
    print(json.dumps({
        "requests": args.requests,
        "schema_validation": args.schema is not None,
        "median_ms_per_request": {k: round(v, 3) for k, v in results.items()},
        "xml_signature_check_ms": round(results["trust"] - results["carried"], 3),
        "signing_the_answer_ms": round(results["trust+signing"] - results["trust"], 3),
    }, indent=2))


if __name__ == "__main__":
    main()
