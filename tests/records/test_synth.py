"""The synthetic world: reproducible, valid, realistically wrong at the rates it says."""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from singleview.cli import app
from singleview.records.synth import (
    DEFAULT_ORGANISATIONS,
    ENQUIRY_ERROR_RATES,
    REFERENCE_DATE,
    UNVERIFIED_NHS_NUMBER_SYSTEM,
    ErrorRates,
    SyntheticWorld,
    generate,
    iter_people,
    iter_record_json,
    write_synthetic,
    write_world,
)
from singleview.records.synth.errors import mistype_nhs_number
from singleview.records.synth.names import name_variant, split_family_name, typo
from singleview.records.synth.randomness import SynthRandom
from singleview.standards.involvement import Involvement
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM, is_valid_nhs_number
from singleview.standards.person import Person
from singleview.standards.postcode import parse_postcode
from singleview.standards.vocabulary import load_vocabulary

PEOPLE = 4000
ORGANISATION_KEYS = [p.key for p in DEFAULT_ORGANISATIONS]


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    write_synthetic(out, seed=11, people=PEOPLE, enquiries_per_organisation=400)
    return out


@pytest.fixture(scope="module")
def world() -> SyntheticWorld:
    return generate(seed=3, people=PEOPLE, enquiries_per_organisation=1000)


def _lines(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _population(world_dir: Path) -> dict[str, Person]:
    return {
        line["personId"]: Person.model_validate(line["person"])
        for line in _lines(world_dir / "population.jsonl")
    }


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    write_synthetic(tmp_path / "a", seed=5, people=600, enquiries_per_organisation=50)
    write_synthetic(tmp_path / "b", seed=5, people=600, enquiries_per_organisation=50)
    write_synthetic(tmp_path / "c", seed=6, people=600, enquiries_per_organisation=50)
    first = _files(tmp_path / "a")
    assert first == _files(tmp_path / "b")
    assert first["population.jsonl"] != _files(tmp_path / "c")["population.jsonl"]


def test_in_memory_world_writes_the_same_bytes_as_the_stream(tmp_path: Path) -> None:
    world = generate(seed=5, people=600, enquiries_per_organisation=50)
    write_world(world, tmp_path / "memory")
    write_synthetic(tmp_path / "stream", seed=5, people=600, enquiries_per_organisation=50)
    assert _files(tmp_path / "memory") == _files(tmp_path / "stream")
    assert len(world.population) == 600


def test_output_folder_has_every_file_formats_md_names(world_dir: Path) -> None:
    names = {path.name for path in world_dir.iterdir()}
    expected = {"population.jsonl", "truth.csv", "enquiries-truth.csv"}
    expected |= {f"{key}.jsonl" for key in ORGANISATION_KEYS}
    expected |= {f"enquiries-{key}.jsonl" for key in ORGANISATION_KEYS}
    assert names == expected


def test_every_record_and_enquiry_is_a_valid_person_with_agreed_codes(world_dir: Path) -> None:
    episode_types = load_vocabulary("episode-types")
    service_types = load_vocabulary("service-types")
    roles = load_vocabulary("practitioner-roles")
    checked = 0
    for key in ORGANISATION_KEYS:
        for name in (f"{key}.jsonl", f"enquiries-{key}.jsonl"):
            for line in _lines(world_dir / name):
                assert set(line) == {"recordId", "person", "involvements"}
                Person.model_validate(line["person"])
                for raw in line["involvements"]:
                    involvement = Involvement.model_validate(raw)
                    assert involvement.episode_type in episode_types
                    assert involvement.service_type in service_types
                    assert involvement.professional is not None
                    assert involvement.professional.role in (None, *roles.codes)
                    systems = {t.system for t in involvement.professional.telecom}
                    assert {"phone", "email"} <= systems
                checked += 1
    assert checked > 2000


def test_population_is_realistic(world_dir: Path) -> None:
    people = list(_population(world_dir).values())
    assert len(people) == PEOPLE
    ages = [
        REFERENCE_DATE.year - p.date_of_birth.date.year
        for p in people
        if p.date_of_birth is not None
    ]
    children = sum(age <= 18 for age in ages)
    assert 0.6 < children / len(ages) < 0.9, "mostly children and young people, some adults"
    assert any(age > 30 for age in ages)
    official = [p.current_name for p in people]
    assert sum("-" in n.family_name for n in official) > 0.02 * PEOPLE
    assert sum(" " in n.family_name for n in official) > 0
    assert sum(len(n.given_names) > 1 for n in official) > 0.4 * PEOPLE
    assert sum(bool(n.preferred_names) for n in official) > 0
    assert sum(len(p.addresses) > 1 for p in people) > 0.2 * PEOPLE
    assert sum(any(n.use == "old" for n in p.names) for p in people) > 0
    assert {p.sex for p in people} >= {"1", "2"}
    assert {p.gender for p in people} >= {"1", "2"}
    for person in people:
        for address in person.addresses:
            assert address.postcode is not None
            parse_postcode(address.postcode)
        assert person.current_address is not None
        assert person.current_address.period_end is None


def test_true_nhs_numbers_are_valid_unique_and_in_the_unissued_9xx_range(
    world_dir: Path,
) -> None:
    numbers = [p.nhs_number for p in _population(world_dir).values()]
    assert all(n is not None and is_valid_nhs_number(n) and n[0] == "9" for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_nhs_number_errors_in_records_match_the_truth_file(world_dir: Path) -> None:
    truth_numbers = {pid: p.nhs_number for pid, p in _population(world_dir).items()}
    rows = {(r["organisation"], r["record_id"]): r for r in _csv(world_dir / "truth.csv")}
    seen: Counter[str] = Counter()
    for key in ORGANISATION_KEYS:
        for line in _lines(world_dir / f"{key}.jsonl"):
            row = rows[(key, line["recordId"])]
            errors = set(row["errors"].split(";")) - {""}
            identifiers = {i["system"]: i["value"] for i in line["person"]["identifiers"]}
            true_number = truth_numbers[row["person_id"]]
            if "nhs-number-missing" in errors:
                assert identifiers == {}
            elif "nhs-number-invalid" in errors:
                assert not is_valid_nhs_number(identifiers[UNVERIFIED_NHS_NUMBER_SYSTEM])
                assert NHS_NUMBER_SYSTEM not in identifiers
            elif "nhs-number-wrong" in errors:
                assert is_valid_nhs_number(identifiers[NHS_NUMBER_SYSTEM])
                assert identifiers[NHS_NUMBER_SYSTEM] != true_number
            else:
                assert identifiers == {NHS_NUMBER_SYSTEM: true_number}
            seen.update(errors & {"nhs-number-invalid", "nhs-number-wrong"})
    assert seen["nhs-number-invalid"] > 0
    assert seen["nhs-number-wrong"] > 0


def test_day_month_swaps_in_the_files_are_real_swaps(world_dir: Path) -> None:
    population = _population(world_dir)
    records = {
        (key, line["recordId"]): line
        for key in ORGANISATION_KEYS
        for line in _lines(world_dir / f"{key}.jsonl")
    }
    swapped = 0
    for row in _csv(world_dir / "truth.csv"):
        if "dob-day-month-swapped" not in row["errors"]:
            continue
        line = records[(row["organisation"], row["record_id"])]
        true_date = population[row["person_id"]].date_of_birth.date  # type: ignore[union-attr]
        year, month, day = (int(part) for part in line["person"]["dateOfBirth"]["date"].split("-"))
        assert (year, month, day) == (true_date.year, true_date.day, true_date.month)
        swapped += 1
    assert swapped > 10


@pytest.mark.parametrize(
    ("rates", "tallies_prefix"),
    [(ErrorRates(), ""), (ENQUIRY_ERROR_RATES, "enquiries-")],
    ids=["records", "enquiries"],
)
def test_observed_error_rates_are_within_tolerance_of_configured(
    world: SyntheticWorld, rates: ErrorRates, tallies_prefix: str
) -> None:
    checked = 0
    for key, tally in world.tallies.items():
        if not key.startswith(tallies_prefix) or (not tallies_prefix and "enquiries-" in key):
            continue
        profile = next(p for p in DEFAULT_ORGANISATIONS if key.endswith(p.key))
        for field in fields(ErrorRates):
            kind = field.name.replace("_", "-")
            configured = getattr(rates, field.name)
            if kind == "nhs-number-missing" and not tallies_prefix:
                configured = profile.nhs_number_missing
            possible = tally.possible[kind]
            if possible < 150:
                continue
            observed = tally.made[kind] / possible
            # Five standard errors of a binomial proportion: fails by chance about once in
            # two million checks, but catches a rate wired to the wrong field.
            tolerance = 5 * math.sqrt(configured * (1 - configured) / possible) + 0.002
            assert abs(observed - configured) <= tolerance, (key, kind, observed, configured)
            checked += 1
    assert checked > 20


def test_every_configured_error_kind_is_made_somewhere(world: SyntheticWorld) -> None:
    made: Counter[str] = Counter()
    for tally in world.tallies.values():
        made.update(tally.made)
    kinds = {field.name.replace("_", "-") for field in fields(ErrorRates)}
    assert {kind for kind in kinds if made[kind] == 0} == set()
    assert set(made) <= kinds


def test_error_rates_can_be_switched_off_and_scaled() -> None:
    clean = ErrorRates().scaled(0.0)
    world = generate(
        seed=2,
        people=500,
        error_rates=clean,
        enquiry_error_rates=clean,
        organisations=["nhs-trust"],
    )
    records = world.records["nhs-trust"]
    assert records
    assert all(set(r.errors) <= {"nhs-number-missing"} for r in records)
    assert ErrorRates().scaled(100.0).dob_missing == 1.0


def test_truth_files_are_consistent_with_the_records_and_enquiries(world_dir: Path) -> None:
    population = _population(world_dir)
    truth = _csv(world_dir / "truth.csv")
    person_of = {(r["organisation"], r["record_id"]): r["person_id"] for r in truth}
    assert len(person_of) == len(truth), "record ids are unique per organisation"
    for key in ORGANISATION_KEYS:
        ids = [line["recordId"] for line in _lines(world_dir / f"{key}.jsonl")]
        assert set(ids) == {rid for org, rid in person_of if org == key}
    assert set(person_of.values()) <= set(population)
    held_by: dict[str, set[str]] = {}
    for (org, _), person_id in person_of.items():
        held_by.setdefault(org, set()).add(person_id)

    enquiry_truth = _csv(world_dir / "enquiries-truth.csv")
    for key in ORGANISATION_KEYS:
        rows = [r for r in enquiry_truth if r["organisation"] == key]
        ids = [line["recordId"] for line in _lines(world_dir / f"enquiries-{key}.jsonl")]
        assert ids == [r["enquiry_id"] for r in rows]
        held = [r for r in rows if r["record_id"]]
        not_held = [r for r in rows if not r["record_id"]]
        assert held, f"{key}: some enquiries are about people it holds"
        assert not_held, f"{key}: some enquiries are about people it does not hold"
        for row in held:
            assert person_of[(key, row["record_id"])] == row["person_id"]
        for row in not_held:
            assert row["person_id"] in population
            assert row["person_id"] not in held_by[key]


def test_organisations_overlap(world_dir: Path) -> None:
    organisations_of: dict[str, set[str]] = {}
    for row in _csv(world_dir / "truth.csv"):
        organisations_of.setdefault(row["person_id"], set()).add(row["organisation"])
    known_to = Counter(len(orgs) for orgs in organisations_of.values())
    assert known_to[2] > 50
    assert sum(count for n, count in known_to.items() if n >= 3) > 10
    pairs = Counter(
        tuple(sorted((a, b)))
        for orgs in organisations_of.values()
        for a in orgs
        for b in orgs
        if a < b
    )
    assert pairs[("council-csc", "police")] > 0
    assert pairs[("council-csc", "youth-justice")] > 0


def test_iter_people_streams_one_valid_record_per_person_reproducibly() -> None:
    first = list(iter_people(seed=9, n=300, organisation="police"))
    again = list(iter_people(seed=9, n=300, organisation="police"))
    assert len(first) == 300
    assert first == again
    assert len({record_id for record_id, _, _ in first}) == 300
    assert all(involvements for _, _, involvements in first)
    as_json = next(iter_record_json(seed=9, n=1, organisation="police"))
    assert as_json["recordId"] == first[0][0]


def test_first_people_of_a_bigger_run_are_the_people_of_a_smaller_one() -> None:
    small = generate(seed=8, people=200, enquiries_per_organisation=0).population
    big = generate(seed=8, people=400, enquiries_per_organisation=0).population
    # The last household of the small run may be cut short; everyone else is identical.
    assert [p.person for p in small[:190]] == [p.person for p in big[:190]]


def test_unknown_organisation_is_named() -> None:
    with pytest.raises(KeyError, match="unknown organisation 'fire-service'"):
        generate(seed=1, people=10, organisations=["fire-service"])


@pytest.mark.parametrize(
    ("name", "variants"),
    [
        ("Katie", {"Catherine", "Kate", "Katherine"}),
        ("Mohammed", {"Muhammad", "Mohamed"}),
        ("Aiden", {"Aidan"}),
    ],
)
def test_name_variants_include_the_usual_ones(name: str, variants: set[str]) -> None:
    rng = SynthRandom(1)
    drawn = {name_variant(name, rng) for _ in range(300)}
    assert variants <= drawn
    assert name not in drawn


def test_typos_hyphen_splits_and_mistyped_nhs_numbers_change_what_they_should() -> None:
    rng = SynthRandom(2)
    for _ in range(200):
        assert typo("Catherine", rng) != "Catherine"
        assert split_family_name("Smith-Jones", rng) in {
            "Smith",
            "Jones",
            "Smith Jones",
            "SmithJones",
        }
        assert not is_valid_nhs_number(mistype_nhs_number("9434765919", rng))


def test_cli_writes_the_folder_and_summarises(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "records",
            "synth",
            "--out",
            str(tmp_path),
            "--seed",
            "3",
            "--people",
            "300",
            "--organisations",
            "council-csc,police",
            "--enquiries",
            "20",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "council-csc" in result.output
    assert "given-name-variant" in result.output
    assert (tmp_path / "police.jsonl").exists()
    assert not (tmp_path / "nhs-trust.jsonl").exists()


def test_cli_names_an_unknown_organisation(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["records", "synth", "--out", str(tmp_path), "--organisations", "fire-service"]
    )
    assert result.exit_code != 0
    assert "fire-service" in result.output


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31), scale=st.sampled_from([0.0, 1.0, 5.0]))
def test_any_seed_and_error_scale_gives_valid_consistent_records(seed: int, scale: float) -> None:
    world = generate(
        seed=seed,
        people=120,
        error_rates=ErrorRates().scaled(scale),
        enquiry_error_rates=ENQUIRY_ERROR_RATES.scaled(scale),
        enquiries_per_organisation=10,
    )
    people = {entry.person_id: entry.person for entry in world.population}
    assert len(people) == 120
    for key, records in world.records.items():
        for record in records:
            assert record.person_id in people
            assert record.involvements
            for involvement in record.involvements:
                assert involvement.period_start <= REFERENCE_DATE
        tally = world.tallies[key]
        assert tally.records == len(records)
        assert all(tally.made[kind] <= tally.possible[kind] for kind in tally.possible)
    for enquiries in world.enquiries.values():
        for enquiry in enquiries:
            assert enquiry.person_id in people
