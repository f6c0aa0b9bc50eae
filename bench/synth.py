"""How fast `singleview records synth` writes a synthetic world, beside plain Faker.

    uv run python bench/synth.py --people 100000 [--people 1000000] [--faker-people 100000]

For each size, writes the full world (population, five organisations' records, 1,000
enquiries per organisation, truth files) to a temporary folder and reports wall-clock and
CPU seconds. The peer is Faker en_GB producing, per person, only a name, date of birth,
postcode and street address (no households, no organisations, no errors, no files): the
floor a Faker-based generator starts from. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from faker import Faker

from singleview.records.synth import write_synthetic


def _folder_megabytes(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.iterdir()) / 1e6


def measure_synth(people: int, seed: int) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, output MB, records written) for one synth run."""
    out = Path(tempfile.mkdtemp(prefix="synth-bench-"))
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        summary = write_synthetic(out, seed=seed, people=people)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return wall, cpu, _folder_megabytes(out), sum(summary.records.values())
    finally:
        shutil.rmtree(out)


def measure_faker(people: int, seed: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) for Faker en_GB making the bare fields of ``people``."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(people):
        fake.first_name()
        fake.last_name()
        fake.date_of_birth(minimum_age=0, maximum_age=18)
        fake.postcode()
        fake.street_address()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    """Run the measurements and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, action="append", help="repeatable")
    parser.add_argument("--faker-people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = args.people or [100_000]

    print("| generator | people | records | wall s | CPU s | people/s (CPU) | output MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for people in sizes:
        wall, cpu, megabytes, records = measure_synth(people, args.seed)
        print(
            f"| records synth (full world) | {people:,} | {records:,} | {wall:.1f} | {cpu:.1f} "
            f"| {people / cpu:,.0f} | {megabytes:,.0f} |"
        )
    if args.faker_people:
        wall, cpu = measure_faker(args.faker_people, args.seed)
        print(
            f"| Faker en_GB, bare fields only | {args.faker_people:,} | - | {wall:.1f} "
            f"| {cpu:.1f} | {args.faker_people / cpu:,.0f} | - |"
        )


if __name__ == "__main__":
    main()
