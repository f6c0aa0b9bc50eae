"""Matching benchmark: accuracy and latency per enquiry, ours beside Splink and a PDS-style trace.

For each size a synthetic world is generated (only the NHS trust's records, which hold about a
third of the population, so ``--sizes 100000`` means a world of about 300,000 people), the
records are indexed into SQLite and PostgreSQL, and the enquiries sent to the trust (half about
people it holds, half not) are answered one at a time by:

- ``singleview``: standardise, blocking-key candidates from the database, the pure-Python
  Fellegi-Sunter scorer with the shipped model, bands;
- ``splink``: Splink's own prediction (``predict_between`` against the same records in DuckDB,
  its own blocking rules) with the same model and the same bands, one record at a time for
  latency (a sample) and all enquiries in one call for the accuracy figures;
- ``trace``: the deterministic NHS-trace baseline (``singleview.matching.trace``), in memory.

Run (PostgreSQL from the throwaway server the test script starts)::

    scripts/with-postgres.sh uv run python bench/matching.py --sizes 100000 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from singleview.db import create_engine, migrate, session_factory
from singleview.matching.bands import Band, insufficiency
from singleview.matching.calibrate import Figures, Outcome, evaluate
from singleview.matching.model import MatchModel, load_default_model, load_model
from singleview.matching.service import match_standardised
from singleview.matching.standardise import StandardisedPerson, lenient_person, standardise
from singleview.matching.storage import index_people
from singleview.matching.synthetic import enquiry_truth
from singleview.matching.trace import TraceIndex
from singleview.records.synth import write_synthetic
from singleview.standards.person import Person

ORGANISATION = "nhs-trust"
SHARE_HELD = 0.34  # the NHS trust holds about this share of the synthetic population
SEED = 303


@dataclass
class Row:
    """One line of the results table."""

    size: int
    backend: str
    method: str
    records: int
    enquiries: int
    figures: Figures
    latencies: list[float]
    index_seconds: float | None = None
    note: str = ""


def read_world_file(path: Path) -> Iterator[tuple[str, Person, tuple[str, ...]]]:
    """(record id, Person, notes) for each line, invalid NHS numbers dropped with a note."""
    with path.open("rb") as stream:
        for raw in stream:
            data = json.loads(raw)
            cleaned, notes = lenient_person(data["person"])
            yield data["recordId"], Person.model_validate(cleaned), notes


def world_for(size: int, work: Path, enquiries: int) -> Path:
    """Generate (once) a world whose NHS trust holds about ``size`` records."""
    world = work / f"world-{size}"
    if not (world / "enquiries-truth.csv").exists():
        people = math.ceil(size / SHARE_HELD)
        started = time.perf_counter()
        write_synthetic(world, SEED, people, [ORGANISATION], None, None, enquiries)
        print(f"generated {people} people in {time.perf_counter() - started:.0f}s", flush=True)
    return world


def fresh_database(backend: str, work: Path, size: int, postgres_admin: str | None) -> str:
    """A new, migrated database for one run."""
    if backend == "sqlite":
        path = work / f"bench-{size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        if not postgres_admin:
            raise SystemExit("PostgreSQL needs --postgres-url or SINGLEVIEW_TEST_POSTGRES_URL")
        name = f"bench_{size}_{uuid.uuid4().hex[:6]}"
        admin = create_engine(postgres_admin, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(postgres_admin).set(database=name).render_as_string(hide_password=False)
    migrate(url)
    return url


def timed(
    answer: Callable[[StandardisedPerson], Outcome], enquiries: Sequence[StandardisedPerson]
) -> tuple[list[Outcome], list[float]]:
    """Answer every enquiry one at a time, timing each."""
    outcomes, latencies = [], []
    for enquiry in enquiries:
        started = time.perf_counter()
        outcomes.append(answer(enquiry))
        latencies.append(time.perf_counter() - started)
    return outcomes, latencies


def run_ours(
    url: str,
    model: MatchModel,
    records: Sequence[StandardisedPerson],
    enquiries: Sequence[StandardisedPerson],
    truth: dict[str, str | None],
) -> tuple[list[Outcome], list[float], float]:
    """Index into the database at ``url``, then answer each enquiry through it."""
    engine = create_engine(url)
    with session_factory(engine)() as session:
        started = time.perf_counter()
        index_people(session, records, replace=False)
        session.commit()
        index_seconds = time.perf_counter() - started
        if engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()
        else:
            session.execute(text("ANALYZE"))

        def answer(enquiry: StandardisedPerson) -> Outcome:
            result = match_standardised(session, enquiry, model)
            return Outcome(
                enquiry.record_id,
                truth.get(enquiry.record_id),
                tuple(
                    (c.record_id, c.probability, c.ruled_out_of_certain) for c in result.candidates
                ),
                insufficient=result.band is Band.INSUFFICIENT,
                candidates_considered=result.candidates_considered,
            )

        answer(enquiries[0])  # warm the connection and caches
        outcomes, latencies = timed(answer, enquiries)
    engine.dispose()
    return outcomes, latencies, index_seconds


SPLINK_BLOCKING = [
    "l.nhs_number = r.nhs_number",
    "l.family = r.family and l.dob_year = r.dob_year",
    "l.given = r.given and l.dob = r.dob",
    "l.family_sound = r.family_sound and l.dob = r.dob",
    "l.postcodes[1] = r.postcodes[1] and l.given_sound = r.given_sound",
]


class SplinkPeer:
    """Splink's ``predict_between`` with the same model, records held in DuckDB."""

    def __init__(self, model: MatchModel, records: Sequence[StandardisedPerson]) -> None:
        import duckdb
        from splink import DuckDBAPI, Linker

        from singleview.matching.model import splink_settings
        from singleview.matching.train import duckdb_table, register_term_frequencies

        self._duckdb_table = duckdb_table
        self.connection = duckdb.connect()
        duckdb_table(self.connection, "reference", records)
        self.db_api = DuckDBAPI(self.connection)
        self.reference = self.db_api.register("reference", dataset_display_name="reference")
        self.linker = Linker(self.reference, splink_settings(model, "link_only"), log_level=None)
        register_term_frequencies(self.linker, self.db_api, model.term_frequencies)
        self.model = model
        self.calls = 0
        # gamma value → whether that level rules out certain, per comparison
        self.blocks: dict[str, dict[int, bool]] = {}
        for comparison in model.comparisons:
            levels = comparison.levels
            top = len(levels) - 2
            self.blocks[comparison.name] = {
                (-1 if level.kind == "null" else top - (i - 1)): level.rules_out_certain
                for i, level in enumerate(levels)
            }

    def predict(
        self, enquiries: Sequence[StandardisedPerson]
    ) -> dict[str, list[tuple[str, float, bool]]]:
        """Candidates per enquiry id: (record id, probability, ruled out of certain), best first."""
        self.calls += 1
        name = f"enquiries_{self.calls}"
        self._duckdb_table(self.connection, name, enquiries)
        frame = self.db_api.register(name, dataset_display_name=name)
        predictions = self.linker.inference.predict_between(
            frame,
            self.reference,
            link_type="link_only",
            blocking_rules_to_generate_predictions=SPLINK_BLOCKING,
        )
        rows = predictions.as_record_list()
        predictions.drop_table_from_database_and_remove_from_cache()
        self.connection.execute(f'DROP TABLE "{name}"')
        found: dict[str, list[tuple[str, float, bool]]] = {}
        for row in rows:
            left_is_enquiry = row["source_dataset_l"] == name
            enquiry_id = row["unique_id_l" if left_is_enquiry else "unique_id_r"]
            record_id = row["unique_id_r" if left_is_enquiry else "unique_id_l"]
            blocked = any(self.blocks[c][int(row[f"gamma_{c}"])] for c in self.blocks)
            found.setdefault(str(enquiry_id), []).append(
                (str(record_id), float(row["match_probability"]), blocked)
            )
        for candidates in found.values():
            candidates.sort(key=lambda c: -c[1])
        return found


def splink_outcome(
    enquiry: StandardisedPerson,
    candidates: list[tuple[str, float, bool]],
    truth: dict[str, str | None],
) -> Outcome:
    """An outcome from Splink's candidates, with the same minimum as ours."""
    return Outcome(
        enquiry.record_id,
        truth.get(enquiry.record_id),
        tuple(candidates[:5]),
        insufficient=insufficiency(enquiry) is not None,
        candidates_considered=len(candidates),
    )


def trace_outcomes(
    index: TraceIndex, enquiries: Sequence[tuple[str, Person]], truth: dict[str, str | None]
) -> tuple[list[Outcome], list[float]]:
    """Trace each enquiry; a single record found counts as certain, several as multiple."""
    outcomes, latencies = [], []
    for enquiry_id, person in enquiries:
        started = time.perf_counter()
        result = index.trace(person)
        latencies.append(time.perf_counter() - started)
        if result.record_id:
            scores: tuple[tuple[str, float, bool], ...] = ((result.record_id, 1.0, False),)
        else:
            scores = tuple((r, 1.0, False) for r in result.record_ids)
        outcomes.append(
            Outcome(
                enquiry_id,
                truth.get(enquiry_id),
                scores,
                insufficient=result.insufficient,
                candidates_considered=len(result.record_ids),
            )
        )
    return outcomes, latencies


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def table(rows: Sequence[Row]) -> str:
    """The results as a markdown table."""
    lines = [
        "| records | store | method | enquiries | held: certain | held: certain or possible "
        "| wrong-person certain | not held: certain | precision | recall | F1 | p50 ms | p95 ms "
        "| index s |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        f = r.figures
        lines.append(
            f"| {r.records:,} | {r.backend} | {r.method}{r.note} | {r.enquiries} | "
            f"{f.held_certain_rate:.2%} | {f.held_certain_or_possible_rate:.2%} | "
            f"{f.wrong_person_certain} | {f.not_held_certain} / {f.not_held} | "
            f"{f.precision:.4f} | {f.recall:.4f} | {f.f1:.4f} | "
            f"{percentile(r.latencies, 0.5):.2f} | {percentile(r.latencies, 0.95):.2f} | "
            f"{'' if r.index_seconds is None else f'{r.index_seconds:.0f}'} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--enquiries", type=int, default=1000)
    parser.add_argument("--splink-latency-sample", type=int, default=100)
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("/tmp/singleview-bench-matching"))
    parser.add_argument("--postgres-url", default=os.environ.get("SINGLEVIEW_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    model = load_model(args.model) if args.model else load_default_model()
    rows: list[Row] = []
    for size in args.sizes:
        world = world_for(size, args.out, args.enquiries)
        truth = enquiry_truth(world)
        started = time.perf_counter()
        trace_index = TraceIndex()
        records = []
        for record_id, person, notes in read_world_file(world / f"{ORGANISATION}.jsonl"):
            records.append(standardise(record_id, person, notes))
            trace_index.add(record_id, person)
        enquiry_people = list(read_world_file(world / f"enquiries-{ORGANISATION}.jsonl"))
        enquiries = [standardise(i, p, n) for i, p, n in enquiry_people]
        print(
            f"{len(records)} records, {len(enquiries)} enquiries read in "
            f"{time.perf_counter() - started:.0f}s",
            flush=True,
        )
        for backend in args.backends:
            url = fresh_database(backend, args.out, size, args.postgres_url)
            outcomes, latencies, index_seconds = run_ours(url, model, records, enquiries, truth)
            rows.append(
                Row(
                    len(records),
                    backend,
                    "singleview",
                    len(records),
                    len(enquiries),
                    evaluate(outcomes, model.thresholds),
                    latencies,
                    index_seconds,
                )
            )
            print(table(rows[-1:]), flush=True)
        if not args.no_splink:
            started = time.perf_counter()
            peer = SplinkPeer(model, records)
            load_seconds = time.perf_counter() - started
            everything = peer.predict(enquiries)
            outcomes = [
                splink_outcome(e, everything.get(e.record_id, []), truth) for e in enquiries
            ]
            sample = enquiries[: args.splink_latency_sample]
            latencies = []
            for enquiry in sample:
                started = time.perf_counter()
                peer.predict([enquiry])
                latencies.append(time.perf_counter() - started)
            rows.append(
                Row(
                    len(records),
                    "duckdb (in memory)",
                    "splink",
                    len(records),
                    len(enquiries),
                    evaluate(outcomes, model.thresholds),
                    latencies,
                    load_seconds,
                    f" (latency: {len(sample)} single-record calls)",
                )
            )
            print(table(rows[-1:]), flush=True)
        outcomes, latencies = trace_outcomes(
            trace_index, [(i, p) for i, p, _ in enquiry_people], truth
        )
        rows.append(
            Row(
                len(records),
                "memory",
                "NHS-style trace",
                len(records),
                len(enquiries),
                evaluate(outcomes, model.thresholds),
                latencies,
            )
        )
        print(table(rows[-1:]), flush=True)
    print()
    print(table(rows))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nmodel trained at {model.trained_on.get('trainedAt')}; load average {load} "
        f"on {os.cpu_count()} cores at the end of the run"
    )


if __name__ == "__main__":
    main()
