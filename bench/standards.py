"""Time the FHIR edge: parsing a request and an answer, and building them for the wire.

Prints a markdown table. The peer is fhir.resources itself: ``model_validate`` on the same JSON
(parsing without our domain checks) and ``model_dump_json`` (its own serialiser) on the same
resources, so the table shows what the profile's checks and our serialiser cost or save.

    uv run python bench/standards.py [--rounds 300]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fhir.resources.R4B.parameters import Parameters

from singleview.standards.fhir import (
    answer_to_json,
    answer_to_parameters,
    enquiry_to_json,
    enquiry_to_parameters,
    parameters_to_answer,
    parameters_to_enquiry,
    parse_answer,
    parse_enquiry,
    to_json,
)
from singleview.standards.fhir.outcome import read_parameters

EXAMPLES = Path(__file__).resolve().parents[1] / "tests" / "standards" / "examples"


def _timed(action: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """p50 and p99 in milliseconds over ``rounds`` calls, after a warm-up call."""
    action()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        action()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    rounds = parser.parse_args().rounds
    request = (EXAMPLES / "request-full.json").read_bytes()
    answer = (EXAMPLES / "response-match-full.json").read_bytes()
    enquiry, reply = parse_enquiry(request), parse_answer(answer)
    request_fhir, answer_fhir = enquiry_to_parameters(enquiry), answer_to_parameters(reply)
    rows = [
        (
            "parse request (bytes → Enquiry), read directly",
            lambda: parse_enquiry(request),
            "Parameters.model_validate",
            lambda: Parameters.model_validate(json.loads(request)),
        ),
        (
            "parse request via FHIR objects (quick reader + checks)",
            lambda: parameters_to_enquiry(read_parameters(request)),
            "Parameters.model_validate",
            lambda: Parameters.model_validate(json.loads(request)),
        ),
        (
            "parse answer (bytes → Answer), read directly",
            lambda: parse_answer(answer),
            "Parameters.model_validate",
            lambda: Parameters.model_validate(json.loads(answer)),
        ),
        (
            "parse answer via FHIR objects (quick reader + checks)",
            lambda: parameters_to_answer(read_parameters(answer)),
            "Parameters.model_validate",
            lambda: Parameters.model_validate(json.loads(answer)),
        ),
        (
            "serialise request (to_json)",
            lambda: json.dumps(to_json(request_fhir)),
            "model_dump_json",
            lambda: request_fhir.model_dump_json(exclude_none=True),
        ),
        (
            "serialise answer (to_json)",
            lambda: json.dumps(to_json(answer_fhir)),
            "model_dump_json",
            lambda: answer_fhir.model_dump_json(exclude_none=True),
        ),
        (
            "build + serialise request (enquiry_to_json)",
            lambda: json.dumps(enquiry_to_json(enquiry)),
            "build + model_dump_json",
            lambda: enquiry_to_parameters(enquiry).model_dump_json(exclude_none=True),
        ),
        (
            "build + serialise answer (answer_to_json)",
            lambda: json.dumps(answer_to_json(reply)),
            "build + model_dump_json",
            lambda: answer_to_parameters(reply).model_dump_json(exclude_none=True),
        ),
    ]
    print(f"{rounds} rounds each; times in ms\n")
    print("| operation | ours p50 | ours p99 | peer (fhir.resources) | peer p50 | peer p99 |")
    print("|---|---:|---:|---|---:|---:|")
    for label, ours, peer_label, peer in rows:
        ours_p50, ours_p99 = _timed(ours, rounds)
        peer_p50, peer_p99 = _timed(peer, rounds)
        print(
            f"| {label} | {ours_p50:.2f} | {ours_p99:.2f} | {peer_label} "
            f"| {peer_p50:.2f} | {peer_p99:.2f} |"
        )


if __name__ == "__main__":
    main()
