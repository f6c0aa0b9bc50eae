"""A synthetic world: the population, each organisation's records of it, and enquiries.

Everything flows one way through one seeded generator (:class:`_WorldStream`): people come
from the population stream, each organisation decides with its own random stream whether it
knows them and what its record says, and enquiries are sampled along the way (reservoir
sampling) and written at the end. Holding the world in memory (:func:`generate`) and
streaming it to disk (:func:`write_synthetic`) use the same stream and the same serialiser,
so both give byte-identical files for the same seed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic_core import to_json

from singleview.records.synth.errors import (
    ENQUIRY_ERROR_RATES,
    ErrorRates,
    ErrorTally,
    record_of,
)
from singleview.records.synth.organisations import (
    DEFAULT_ORGANISATIONS,
    ORGANISATIONS_BY_KEY,
    OrganisationProfile,
    involvements_for,
)
from singleview.records.synth.population import PopulationGenerator, TruePerson
from singleview.records.synth.randomness import SynthRandom
from singleview.standards.involvement import Involvement
from singleview.standards.person import Person


@dataclass(frozen=True, slots=True)
class PopulationEntry:
    """One true person: their id, household and clean Person."""

    person_id: str
    household_id: str
    person: Person


@dataclass(frozen=True, slots=True)
class SyntheticRecord:
    """One organisation's record of a person, with the errors deliberately put in it."""

    organisation: str
    record_id: str
    person_id: str
    person: Person
    involvements: tuple[Involvement, ...]
    errors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SyntheticEnquiry:
    """An enquiry another agency sends to ``organisation`` about a person, and the truth of
    which of the organisation's records (if any) it is about."""

    organisation: str
    enquiry_id: str
    person_id: str
    record_id: str | None
    person: Person
    errors: tuple[str, ...]


@dataclass(frozen=True)
class SynthOptions:
    """What to generate: how many people, which organisations, which error rates."""

    seed: int
    people: int
    organisations: tuple[OrganisationProfile, ...] = DEFAULT_ORGANISATIONS
    error_rates: ErrorRates = field(default_factory=ErrorRates)
    enquiry_error_rates: ErrorRates = ENQUIRY_ERROR_RATES
    enquiries_per_organisation: int = 1000
    """About half about people the organisation holds, half about people it does not."""


@dataclass
class SyntheticWorld:
    """The whole synthetic world in memory (fine up to a few hundred thousand people)."""

    options: SynthOptions
    population: list[PopulationEntry] = field(default_factory=list)
    records: dict[str, list[SyntheticRecord]] = field(default_factory=dict)
    enquiries: dict[str, list[SyntheticEnquiry]] = field(default_factory=dict)
    tallies: dict[str, ErrorTally] = field(default_factory=dict)

    def truth(self) -> dict[tuple[str, str], str]:
        """(organisation, record id) → person id for every organisation record."""
        return {
            (r.organisation, r.record_id): r.person_id
            for records in self.records.values()
            for r in records
        }


def organisation_profiles(keys: Iterable[str] | None = None) -> tuple[OrganisationProfile, ...]:
    """The default organisations, or those named by ``keys``; KeyError names an unknown one."""
    if keys is None:
        return DEFAULT_ORGANISATIONS
    profiles = []
    for key in keys:
        if key not in ORGANISATIONS_BY_KEY:
            known = ", ".join(ORGANISATIONS_BY_KEY)
            raise KeyError(f"unknown organisation {key!r}; known: {known}")
        profiles.append(ORGANISATIONS_BY_KEY[key])
    return tuple(profiles)


class _Reservoir:
    """A fixed-size uniform sample of a stream (Algorithm R), for choosing enquiries."""

    def __init__(self, size: int, rng: SynthRandom) -> None:
        self.size = size
        self.rng = rng
        self.seen = 0
        self.items: list[tuple[TruePerson, str | None]] = []

    def offer(self, item: tuple[TruePerson, str | None]) -> None:
        self.seen += 1
        if len(self.items) < self.size:
            self.items.append(item)
        elif self.size:
            slot = self.rng.randrange(self.seen)
            if slot < self.size:
                self.items[slot] = item


@dataclass(frozen=True, slots=True)
class _RawRecord:
    """A record as canonical JSON dicts, before (or instead of) building the models."""

    organisation: str
    record_id: str
    person_id: str
    person: dict[str, Any]
    involvements: list[dict[str, Any]]
    errors: tuple[str, ...]

    def built(self) -> SyntheticRecord:
        return SyntheticRecord(
            organisation=self.organisation,
            record_id=self.record_id,
            person_id=self.person_id,
            person=Person.model_validate(self.person),
            involvements=tuple(Involvement.model_validate(i) for i in self.involvements),
            errors=self.errors,
        )


class _OrganisationStream:
    """One organisation's view of the population as it streams past."""

    def __init__(self, profile: OrganisationProfile, options: SynthOptions) -> None:
        self.profile = profile
        self.options = options
        self.rng = SynthRandom(f"{options.seed}:{profile.key}")
        self.tally = ErrorTally()
        self.enquiry_tally = ErrorTally()
        self.count = 0
        held_enquiries = options.enquiries_per_organisation // 2
        enquiry_rng = SynthRandom(f"{options.seed}:{profile.key}:enquiries")
        self.held = _Reservoir(held_enquiries, enquiry_rng)
        self.not_held = _Reservoir(options.enquiries_per_organisation - held_enquiries, enquiry_rng)

    def consider(self, person: TruePerson) -> _RawRecord | None:
        """The organisation's record of ``person``, if it has one."""
        if self.rng.random() >= self.profile.knows_chance(person):
            self.not_held.offer((person, None))
            return None
        self.count += 1
        record = _raw_record(
            person, self.profile, self.options.error_rates, self.rng, self.tally, self.count
        )
        self.held.offer((person, record.record_id))
        return record

    def enquiries(self) -> list[SyntheticEnquiry]:
        """Enquiries about the sampled people, each with the enquirer's own errors."""
        rng = SynthRandom(f"{self.options.seed}:{self.profile.key}:enquirer")
        sampled = sorted(self.held.items + self.not_held.items, key=lambda item: item[0].index)
        rng.shuffle(sampled)
        enquiries = []
        for number, (truth, record_id) in enumerate(sampled, start=1):
            person_json, errors = record_of(
                truth, self.options.enquiry_error_rates, rng, self.enquiry_tally
            )
            enquiries.append(
                SyntheticEnquiry(
                    organisation=self.profile.key,
                    enquiry_id=f"ENQ-{self.profile.key}-{number:06d}",
                    person_id=truth.person_id,
                    record_id=record_id,
                    person=Person.model_validate(person_json),
                    errors=errors,
                )
            )
        return enquiries


def _raw_record(
    truth: TruePerson,
    profile: OrganisationProfile,
    rates: ErrorRates,
    rng: SynthRandom,
    tally: ErrorTally,
    number: int,
) -> _RawRecord:
    person_json, errors = record_of(truth, rates, rng, tally, profile.nhs_number_missing)
    return _RawRecord(
        organisation=profile.key,
        record_id=profile.record_id(number),
        person_id=truth.person_id,
        person=person_json,
        involvements=involvements_for(truth, profile, rng),
        errors=errors,
    )


class _WorldStream:
    """Streams people and records; enquiries are available once the stream is exhausted."""

    def __init__(self, options: SynthOptions) -> None:
        self.options = options
        self.organisations = [_OrganisationStream(p, options) for p in options.organisations]

    def __iter__(self) -> Iterator[tuple[TruePerson, list[_RawRecord]]]:
        for truth in PopulationGenerator(self.options.seed).people(self.options.people):
            records = [r for org in self.organisations if (r := org.consider(truth)) is not None]
            yield truth, records

    def enquiries(self) -> dict[str, list[SyntheticEnquiry]]:
        return {org.profile.key: org.enquiries() for org in self.organisations}

    def tallies(self) -> dict[str, ErrorTally]:
        tallies = {org.profile.key: org.tally for org in self.organisations}
        for org in self.organisations:
            tallies[f"enquiries-{org.profile.key}"] = org.enquiry_tally
        return tallies


def _options(
    seed: int,
    people: int,
    organisations: Sequence[str] | None = None,
    error_rates: ErrorRates | None = None,
    enquiry_error_rates: ErrorRates | None = None,
    enquiries_per_organisation: int = 1000,
) -> SynthOptions:
    return SynthOptions(
        seed=seed,
        people=people,
        organisations=organisation_profiles(organisations),
        error_rates=error_rates or ErrorRates(),
        enquiry_error_rates=enquiry_error_rates or ENQUIRY_ERROR_RATES,
        enquiries_per_organisation=enquiries_per_organisation,
    )


def generate(
    seed: int,
    people: int,
    organisations: Sequence[str] | None = None,
    error_rates: ErrorRates | None = None,
    enquiry_error_rates: ErrorRates | None = None,
    enquiries_per_organisation: int = 1000,
) -> SyntheticWorld:
    """Generate a whole synthetic world in memory; the same arguments give the same world.

    ``organisations`` are keys of :data:`DEFAULT_ORGANISATIONS` (all of them by default).
    """
    options = _options(
        seed, people, organisations, error_rates, enquiry_error_rates, enquiries_per_organisation
    )
    world = SyntheticWorld(options, records={p.key: [] for p in options.organisations})
    stream = _WorldStream(options)
    for truth, records in stream:
        world.population.append(
            PopulationEntry(
                truth.person_id, truth.household_id, Person.model_validate(truth.as_person_json())
            )
        )
        for record in records:
            world.records[record.organisation].append(record.built())
    world.enquiries = stream.enquiries()
    world.tallies = stream.tallies()
    return world


def iter_record_json(
    seed: int, n: int, organisation: str = "council-csc", error_rates: ErrorRates | None = None
) -> Iterator[dict[str, Any]]:
    """``n`` records in the JSON Lines import form (``recordId``, ``person``,
    ``involvements``), one per person, as ``organisation`` would hold them if it knew
    everyone, with its errors. Constant memory and no model building: for big import files."""
    profile = organisation_profiles([organisation])[0]
    rng = SynthRandom(f"{seed}:{profile.key}:everyone")
    tally = ErrorTally()
    rates = error_rates or ErrorRates()
    for number, truth in enumerate(PopulationGenerator(seed).people(n), start=1):
        raw = _raw_record(truth, profile, rates, rng, tally, number)
        yield {"recordId": raw.record_id, "person": raw.person, "involvements": raw.involvements}


def iter_people(
    seed: int, n: int, organisation: str = "council-csc", error_rates: ErrorRates | None = None
) -> Iterator[tuple[str, Person, tuple[Involvement, ...]]]:
    """The records of :func:`iter_record_json` as models: (record id, Person, involvements)."""
    for line in iter_record_json(seed, n, organisation, error_rates):
        yield (
            line["recordId"],
            Person.model_validate(line["person"]),
            tuple(Involvement.model_validate(i) for i in line["involvements"]),
        )


# --- Writing -------------------------------------------------------------------------------


def _json_line(obj: dict[str, Any]) -> str:
    # pydantic-core's encoder gives json.dumps(separators=(",", ":"), ensure_ascii=False)
    # byte for byte, about three times faster.
    return to_json(obj).decode() + "\n"


def _dumped(model: Person | Involvement) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


class _Writer:
    """Writes the output folder described in the package docstring."""

    def __init__(
        self, out_dir: Path, organisations: Sequence[OrganisationProfile], stack: ExitStack
    ) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir

        def open_(name: str) -> IO[str]:
            return stack.enter_context((out_dir / name).open("w", encoding="utf-8", newline=""))

        self.population = open_("population.jsonl")
        self.files = {p.key: open_(f"{p.key}.jsonl") for p in organisations}
        self.truth = csv.writer(open_("truth.csv"), lineterminator="\n")
        self.truth.writerow(["organisation", "record_id", "person_id", "errors"])

    def person(self, person_id: str, household_id: str, person: dict[str, Any]) -> None:
        line = {"personId": person_id, "householdId": household_id, "person": person}
        self.population.write(_json_line(line))

    def record(self, record: _RawRecord) -> None:
        line = {
            "recordId": record.record_id,
            "person": record.person,
            "involvements": record.involvements,
        }
        self.files[record.organisation].write(_json_line(line))
        errors = ";".join(record.errors)
        self.truth.writerow([record.organisation, record.record_id, record.person_id, errors])

    def enquiries(self, enquiries: dict[str, list[SyntheticEnquiry]]) -> None:
        with (self.out_dir / "enquiries-truth.csv").open("w", encoding="utf-8", newline="") as f:
            truth = csv.writer(f, lineterminator="\n")
            truth.writerow(["organisation", "enquiry_id", "person_id", "record_id", "errors"])
            for key, batch in enquiries.items():
                path = self.out_dir / f"enquiries-{key}.jsonl"
                with path.open("w", encoding="utf-8", newline="") as out:
                    for enquiry in batch:
                        line = {
                            "recordId": enquiry.enquiry_id,
                            "person": _dumped(enquiry.person),
                            "involvements": [],
                        }
                        out.write(_json_line(line))
                        row = [key, enquiry.enquiry_id, enquiry.person_id, enquiry.record_id or ""]
                        truth.writerow([*row, ";".join(enquiry.errors)])


def write_world(world: SyntheticWorld, out_dir: Path) -> None:
    """Write an in-memory world to ``out_dir`` (the same bytes :func:`write_synthetic` writes
    for the same options)."""
    by_person: dict[str, list[SyntheticRecord]] = {}
    for key in (p.key for p in world.options.organisations):
        for record in world.records[key]:
            by_person.setdefault(record.person_id, []).append(record)
    with ExitStack() as stack:
        writer = _Writer(out_dir, world.options.organisations, stack)
        for entry in world.population:
            writer.person(entry.person_id, entry.household_id, _dumped(entry.person))
            for r in by_person.get(entry.person_id, ()):
                involvements = [_dumped(i) for i in r.involvements]
                raw = _RawRecord(
                    organisation=r.organisation,
                    record_id=r.record_id,
                    person_id=r.person_id,
                    person=_dumped(r.person),
                    involvements=involvements,
                    errors=r.errors,
                )
                writer.record(raw)
        writer.enquiries(world.enquiries)


@dataclass(frozen=True)
class SynthSummary:
    """What a run wrote: counts per file and the error tallies."""

    people: int
    records: dict[str, int]
    enquiries: dict[str, int]
    tallies: dict[str, ErrorTally]


def write_synthetic(
    out_dir: Path,
    seed: int,
    people: int,
    organisations: Sequence[str] | None = None,
    error_rates: ErrorRates | None = None,
    enquiry_error_rates: ErrorRates | None = None,
    enquiries_per_organisation: int = 1000,
) -> SynthSummary:
    """Generate a world and write it straight to ``out_dir`` in constant memory (apart from
    the sampled enquiries). Arguments as for :func:`generate`."""
    options = _options(
        seed, people, organisations, error_rates, enquiry_error_rates, enquiries_per_organisation
    )
    stream = _WorldStream(options)
    written = 0
    with ExitStack() as stack:
        writer = _Writer(out_dir, options.organisations, stack)
        for truth, records in stream:
            written += 1
            writer.person(truth.person_id, truth.household_id, truth.as_person_json())
            for record in records:
                writer.record(record)
        enquiries = stream.enquiries()
        writer.enquiries(enquiries)
    return SynthSummary(
        people=written,
        records={org.profile.key: org.count for org in stream.organisations},
        enquiries={key: len(batch) for key, batch in enquiries.items()},
        tallies=stream.tallies(),
    )
