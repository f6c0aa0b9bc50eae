"""People per second imported into SQLite and PostgreSQL, beside the floor of each backend.

    scripts/with-postgres.sh uv run python bench/import.py            # 1,000,000 people
    scripts/with-postgres.sh uv run python bench/import.py --people 20000

The people come from ``singleview.records.synth`` (one council's records of everyone, with its
errors) and are written once to a JSON Lines file; every measurement reads that same file.

- "read and validate": ``read_records`` over the file with no database, the parsing share.
- "singleview records import": ``service.import_file``, exactly what the CLI runs: read, validate,
  write five tables in one transaction, commit.
- the peers, the floor each backend allows for the same lines: SQLite's plain ``executemany``
  of (line number, JSON text) into one flat table, and PostgreSQL's own ``COPY`` of the same.

Prints a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from singleview.db import create_engine, migrate, session_factory
from singleview.records import service
from singleview.records.importer import read_records
from singleview.records.models import ParsedRecord

POSTGRES_ENV = "SINGLEVIEW_TEST_POSTGRES_URL"


def synthetic_lines(people: int, seed: int) -> Iterator[str]:
    """JSON Lines records for ``people`` synthetic people: synth if present, else Faker."""
    try:
        from singleview.records.synth import iter_record_json
    except ImportError:
        yield from _faker_lines(people, seed)
        return
    for record in iter_record_json(seed, people):
        yield json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def _faker_lines(people: int, seed: int) -> Iterator[str]:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    for number in range(people):
        record = {
            "recordId": f"F{number:08d}",
            "person": {
                "names": [{"familyName": fake.last_name(), "givenNames": [fake.first_name()]}],
                "dateOfBirth": {"date": fake.date_of_birth(maximum_age=18).isoformat()},
                "addresses": [{"line1": fake.street_address(), "postcode": fake.postcode()}],
            },
        }
        yield json.dumps(record, separators=(",", ":"))


def write_file(path: Path, people: int, seed: int) -> float:
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        for line in synthetic_lines(people, seed):
            out.write(line + "\n")
    return time.perf_counter() - started


Timing = tuple[float, float]


def timed(action: Callable[[], object]) -> Timing:
    """Wall-clock seconds, and this process's CPU seconds (less sensitive to a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def read_only(path: Path) -> None:
    for item in read_records(path):
        if not isinstance(item, ParsedRecord):
            raise SystemExit(f"the synthetic file is malformed: {item}")


def singleview_import(url: str, path: Path) -> Timing:
    migrate(url)
    engine = create_engine(url)
    try:
        with session_factory(engine)() as session:
            return timed(lambda: service.import_file(session, path))
    finally:
        engine.dispose()


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as lines:
        yield from enumerate((line.rstrip("\n") for line in lines), start=1)


def sqlite_floor(db_path: Path, path: Path) -> Timing:
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE flat (line INTEGER PRIMARY KEY, document TEXT NOT NULL)")

    def load() -> None:
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO flat VALUES (?, ?)", numbered_lines(path))
        connection.execute("COMMIT")

    try:
        return timed(load)
    finally:
        connection.close()


def postgres_floor(url: str, path: Path) -> Timing:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("CREATE TABLE flat (line integer PRIMARY KEY, document text NOT NULL)")
            )

        def load() -> None:
            with engine.begin() as connection:
                cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy("COPY flat (line, document) FROM STDIN") as copy:
                    for row in numbered_lines(path):
                        copy.write_row(row)

        return timed(load)
    finally:
        engine.dispose()


def fresh_postgres_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work-dir", type=Path, default=None, help="Keep files here.")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="singleview-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / f"people-{args.people}-{args.seed}.jsonl"
    if not source.exists():
        seconds = write_file(source, args.people, args.seed)
        print(f"generated {source} ({source.stat().st_size / 1e6:.0f} MB) in {seconds:.0f} s",
              file=sys.stderr)  # fmt: skip
    with source.open("rb") as counted:
        involvements = sum(line.count(b'"episodeType"') for line in counted)

    n = args.people
    results: list[tuple[str, str, Timing]] = []

    def measure(backend: str, what: str, action: Callable[[], Timing]) -> None:
        timing = action()
        results.append((backend, what, timing))
        print(f"{backend} / {what}: {timing[0]:.1f} s", file=sys.stderr)

    measure("none", "read and validate (no database)", lambda: timed(lambda: read_only(source)))

    sqlite_dir = work / f"sqlite-{uuid.uuid4().hex[:6]}"
    sqlite_dir.mkdir()
    measure(
        "SQLite",
        "`singleview records import`",
        lambda: singleview_import(f"sqlite:///{sqlite_dir / 'node.db'}", source),
    )
    measure(
        "SQLite",
        "peer: plain executemany into one flat table",
        lambda: sqlite_floor(sqlite_dir / "flat.db", source),
    )

    admin_url = os.environ.get(POSTGRES_ENV)
    if admin_url and not args.skip_postgres:
        url, drop = fresh_postgres_database(admin_url)
        try:
            measure(
                "PostgreSQL", "`singleview records import`", lambda: singleview_import(url, source)
            )
            measure(
                "PostgreSQL", "peer: COPY into one flat table", lambda: postgres_floor(url, source)
            )
        finally:
            drop()
    elif not args.skip_postgres:
        print(f"{POSTGRES_ENV} is not set: run under scripts/with-postgres.sh", file=sys.stderr)

    sqlite_version = sqlite3.sqlite_version
    size = source.stat().st_size / 1e6
    print(f"\n{n:,} people ({involvements:,} involvements), {size:.0f} MB of JSON Lines; ")
    print(f"{dt.date.today().isoformat()}; {machine()}; SQLite {sqlite_version}\n")
    print("| backend | what | wall s | people/s | client CPU s |")
    print("|---|---|---:|---:|---:|")
    for backend, what, (wall, cpu) in results:
        print(f"| {backend} | {what} | {wall:.1f} | {n / wall:,.0f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()
