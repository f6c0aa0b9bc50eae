"""The true population: households of children and young people, some of their parents,
where they have lived, and the NHS numbers they were given.

People are generated household by household from one seeded random stream, so the first
``n`` people of a larger run are the same people as a run of ``n`` (apart from the last
household, which is cut short).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from singleview.records.synth.names import (
    FAMILY_NAMES,
    Tradition,
    draw_tradition,
    preferred_form,
)
from singleview.records.synth.randomness import SynthRandom
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM, nhs_check_digit


def _words(text: str) -> tuple[str, ...]:
    """Words separated by spaces; an underscore joins a two-word name (Da_Silva)."""
    return tuple(word.replace("_", " ") for word in text.split())


#: Ages and periods are worked out from this day, not from today, so output never drifts.
REFERENCE_DATE = dt.date(2026, 11, 1)

# Postcode districts with their post towns. Most people live in one county (a council's area);
# a tenth have lived elsewhere, which is where moved addresses come from.
_LOCAL_DISTRICTS = (
    [(f"LS{n}", "Leeds") for n in range(1, 30)]
    + [(f"BD{n}", "Bradford") for n in range(1, 25)]
    + [(f"WF{n}", "Wakefield") for n in range(1, 18)]
    + [(f"HD{n}", "Huddersfield") for n in range(1, 10)]
    + [(f"HX{n}", "Halifax") for n in range(1, 8)]
)
_ELSEWHERE_DISTRICTS = (
    [(f"M{n}", "Manchester") for n in range(1, 47)]
    + [(f"S{n}", "Sheffield") for n in range(1, 76)]
    + [(f"B{n}", "Birmingham") for n in range(1, 49)]
    + [(f"L{n}", "Liverpool") for n in range(1, 39)]
    + [(f"NE{n}", "Newcastle upon Tyne") for n in range(1, 14)]
    + [(f"CF{n}", "Cardiff") for n in range(10, 25)]
    + [(code, "London") for code in ("E1W", "EC1A", "EC2M", "SW1A", "W1T", "WC1E", "N1C")]
    + [(f"E{n}", "London") for n in range(1, 19)]
    + [(f"SE{n}", "London") for n in range(1, 29)]
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_STREET_WORDS = _words(
    "Oak Ash Beech Elm Willow Church Mill Station Park Victoria Albert Queen's King's "
    "Chapel Moor Manor Greenbank Highfield Westfield Springfield Woodlands Meadow Orchard "
    "Hollin Kirkstall Town Bank Hall Grange Nursery Cemetery School Valley Cross Brook "
    "Lea Priory"
)
_STREET_SUFFIXES = _words(
    "Road Street Lane Avenue Close Drive Way Crescent Gardens Court Grove Terrace Place "
    "Mews Walk Rise View Square Green Hill"
)


@dataclass(frozen=True, slots=True)
class Residence:
    """One address a person lived at, and when."""

    line1: str
    city: str
    postcode: str
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True, slots=True)
class TruePerson:
    """Who someone really is: the ground truth that organisations' records drift from."""

    index: int
    person_id: str
    household_id: str
    given_names: tuple[str, ...]
    family_name: str
    preferred_name: str | None
    old_family_name: str | None
    birth_date: dt.date
    sex: str
    gender: str
    nhs_number: str
    residences: tuple[Residence, ...]
    relative_nhs_number: str | None
    vulnerable: bool
    age: int
    """Age in whole years on :data:`REFERENCE_DATE`."""

    def as_person_json(self) -> dict[str, Any]:
        """The clean Person JSON (camelCase), as ``population.jsonl`` holds it."""
        names: list[dict[str, Any]] = [
            {
                "familyName": self.family_name,
                "givenNames": list(self.given_names),
                "preferredNames": [self.preferred_name] if self.preferred_name else [],
                "use": "official",
            }
        ]
        if self.old_family_name:
            names.append(
                {
                    "familyName": self.old_family_name,
                    "givenNames": list(self.given_names),
                    "preferredNames": [],
                    "use": "old",
                }
            )
        return {
            "identifiers": [{"system": NHS_NUMBER_SYSTEM, "value": self.nhs_number}],
            "names": names,
            "dateOfBirth": {"date": self.birth_date.isoformat(), "accuracyIndicator": "AAA"},
            "addresses": [residence_json(r, r.end is None) for r in reversed(self.residences)],
            "gender": self.gender,
            "sex": self.sex,
        }


def residence_json(residence: Residence, current: bool) -> dict[str, Any]:
    """Address JSON for a residence; ``current`` addresses have use home and no end date."""
    address: dict[str, Any] = {
        "line1": residence.line1,
        "city": residence.city,
        "postcode": residence.postcode,
        "use": "home" if current else "old",
        "periodStart": residence.start.isoformat(),
    }
    if residence.end is not None and not current:
        address["periodEnd"] = residence.end.isoformat()
    return address


class NhsNumberAllocator:
    """Hands out distinct, valid NHS numbers in the unissued 9xx range, never a real person's.

    An affine map k → (a·k + b) mod 10^8 over a counter is a bijection, so numbers never
    repeat and nothing needs remembering; counters whose check digit would be 10 are skipped.
    """

    _SPAN = 100_000_000

    def __init__(self, seed: int) -> None:
        rng = SynthRandom(f"{seed}:nhs-numbers")
        # Odd and not a multiple of 5: coprime with 10^8, which makes the map a bijection.
        self._a = rng.randrange(10_000_000, 90_000_000) * 10 + rng.choice((1, 3, 7, 9))
        self._b = rng.randrange(self._SPAN)
        self._counter = 0

    def allocate(self) -> str:
        """The next unused valid NHS number."""
        while True:
            nine = str(900_000_000 + (self._a * self._counter + self._b) % self._SPAN)
            self._counter += 1
            check = nhs_check_digit(nine)
            if check is not None:
                return nine + str(check)


def random_valid_nhs_number(rng: SynthRandom) -> str:
    """A valid NHS number in the synthetic 9xx range that may or may not belong to anyone."""
    while True:
        nine = str(rng.randrange(900_000_000, 1_000_000_000))
        check = nhs_check_digit(nine)
        if check is not None:
            return nine + str(check)


class AddressBook:
    """Makes plausible UK addresses with real-format postcodes in real postcode districts."""

    def __init__(self, rng: SynthRandom) -> None:
        self._rng = rng

    def address(self, near: Residence | None = None) -> tuple[str, str, str]:
        """(line1, city, postcode) for a new home, usually near ``near`` when given."""
        rng = self._rng
        roll = rng.random()
        if near is not None and roll < 0.55:
            district = near.postcode.split()[0]
            city = near.city
        else:
            pool = _ELSEWHERE_DISTRICTS if roll > 0.92 else _LOCAL_DISTRICTS
            district, city = pool[rng.randrange(len(pool))]
        inward = f"{rng.randrange(10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        street = f"{rng.choice(_STREET_WORDS)} {rng.choice(_STREET_SUFFIXES)}"
        if rng.random() < 0.25:
            street = f"{FAMILY_NAMES.draw(rng)} {rng.choice(_STREET_SUFFIXES)}"
        number = rng.randint(1, 220)
        line1 = f"{number} {street}"
        if rng.random() < 0.15:
            line1 = f"Flat {rng.randint(1, 24)}, {line1}"
        return line1, city, f"{district} {inward}"

    def history(self, settled_by: dt.date) -> list[Residence]:
        """A household's homes, oldest first, the last one current (no end date)."""
        rng = self._rng
        moves = rng.weighted((0, 1, 2, 3), (50, 78, 92, 100))
        end: dt.date | None = None
        start = REFERENCE_DATE - dt.timedelta(days=rng.randint(60, 2400))
        homes: list[Residence] = []
        previous: Residence | None = None
        for _ in range(moves + 1):
            line1, city, postcode = self.address(previous)
            home = Residence(line1, city, postcode, start, end)
            homes.append(home)
            previous = home
            end = start
            start = end - dt.timedelta(days=rng.randint(300, 2200))
            if end < settled_by:
                break
        homes.reverse()
        return homes


def _birth_date(rng: SynthRandom, age: int) -> dt.date:
    days = int(age * 365.25) + rng.randrange(365)
    return REFERENCE_DATE - dt.timedelta(days=days + 1)


def _sibling_births(rng: SynthRandom, parent_age: int) -> list[dt.date]:
    """Birth dates of a family's children, oldest first, at least ten months apart."""
    children = rng.weighted((1, 2, 3, 4, 5), (35, 73, 91, 98, 100))
    # The eldest is half the time the older of two draws, so that with younger siblings
    # added the ages of all children come out roughly even, as in the population.
    top = min(24, parent_age - 16)
    eldest_age = rng.randint(0, top)
    if rng.random() < 0.5:
        eldest_age = max(eldest_age, rng.randint(0, top))
    oldest = _birth_date(rng, eldest_age)
    births = [oldest]
    for _ in range(children - 1):
        born = births[-1] + dt.timedelta(days=rng.randint(300, 2200))
        if born >= REFERENCE_DATE:
            break
        births.append(born)
    return births


def _clip(homes: list[Residence], born: dt.date) -> tuple[Residence, ...]:
    """The homes a person has lived in since birth, the first starting no earlier than birth."""
    lived = [h for h in homes if h.end is None or h.end > born]
    if lived and lived[0].start < born:
        first = lived[0]
        lived[0] = Residence(first.line1, first.city, first.postcode, born, first.end)
    return tuple(lived)


@dataclass(frozen=True, slots=True)
class _Household:
    """What the members of one household share."""

    household_id: str
    tradition: Tradition
    homes: list[Residence]
    numbers: list[str]
    vulnerable: bool


class PopulationGenerator:
    """Generates the true population household by household."""

    def __init__(self, seed: int) -> None:
        self._rng = SynthRandom(f"{seed}:population")
        self._addresses = AddressBook(self._rng)
        self._nhs = NhsNumberAllocator(seed)
        self._next_index = 0
        self._households = 0

    def people(self, count: int) -> Iterator[TruePerson]:
        """The first ``count`` people of the population."""
        yielded = 0
        while yielded < count:
            for person in self._household():
                if yielded >= count:
                    return
                yielded += 1
                yield person

    def _household(self) -> list[TruePerson]:
        rng = self._rng
        self._households += 1
        household_id = f"H{self._households:07d}"
        parent_age = rng.weighted(range(18, 56), _PARENT_AGE_CUMULATIVE)
        tradition = draw_tradition(rng)
        family = tradition.family.draw(rng)
        if rng.random() < 0.012:
            family = f"{family} {FAMILY_NAMES.draw(rng)}"  # double-barrelled without a hyphen
        other_family = FAMILY_NAMES.draw(rng)
        vulnerable = rng.random() < 0.12
        births = _sibling_births(rng, parent_age)
        homes = self._addresses.history(settled_by=births[-1])

        members: list[tuple[str, dt.date, str, bool]] = []  # family name, born, sex, adult?
        parent_sex = "2" if rng.random() < 0.75 else "1"
        if rng.random() < 0.35:
            members.append((family, _birth_date(rng, parent_age), parent_sex, True))
        if rng.random() < 0.25:
            partner_family = family if rng.random() < 0.6 else other_family
            partner_sex = "1" if parent_sex == "2" else "2"
            partner_born = _birth_date(rng, max(18, parent_age + rng.randint(-3, 6)))
            members.append((partner_family, partner_born, partner_sex, True))
        for born in births:
            roll = rng.random()
            child_family = family
            if roll < 0.10:
                child_family = other_family
            elif roll < 0.15:
                child_family = f"{family}-{other_family}" if family != other_family else family
            members.append((child_family, born, _sex(rng), False))
            if rng.random() < 0.016:  # twins: same day, same home, usually same family name
                members.append((child_family, born, _sex(rng), False))

        numbers = [self._nhs.allocate() for _ in members]
        household = _Household(household_id, tradition, homes, numbers, vulnerable)
        people: list[TruePerson] = []
        for position, (family_name, born, sex, adult) in enumerate(members):
            people.append(self._person(household, position, family_name, sex, adult, born))
        return people

    def _person(
        self,
        household: _Household,
        position: int,
        family_name: str,
        sex: str,
        adult: bool,
        born: dt.date,
    ) -> TruePerson:
        rng = self._rng
        age = age_on(born, REFERENCE_DATE)
        pool = household.tradition.given_names(sex, adult)
        given = [pool.draw(rng)]
        middle_roll = rng.random()
        if middle_roll < 0.55:
            given.append(pool.draw(rng))
        if middle_roll < 0.07:
            given.append(pool.draw(rng))
        preferred = None
        forms = preferred_form(given[0])
        if forms and rng.random() < 0.3:
            preferred = rng.choice(forms)
        old_family = None
        if not adult and age > 2 and rng.random() < 0.04:
            old_family = FAMILY_NAMES.draw(rng)
        relatives = [n for i, n in enumerate(household.numbers) if i != position]
        gender = sex if rng.random() < 0.985 else rng.choice(("X", "9", "1" if sex == "2" else "2"))
        self._next_index += 1
        index = self._next_index
        return TruePerson(
            index=index,
            person_id=f"P{index:08d}",
            household_id=household.household_id,
            given_names=tuple(dict.fromkeys(given)),
            family_name=family_name,
            preferred_name=preferred,
            old_family_name=old_family if old_family != family_name else None,
            birth_date=born,
            sex=sex,
            gender=gender,
            nhs_number=household.numbers[position],
            residences=_clip(household.homes, born),
            relative_nhs_number=rng.choice(relatives) if relatives else None,
            vulnerable=household.vulnerable or rng.random() < 0.03,
            age=age,
        )


def age_on(born: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` of someone born on ``born``."""
    return day.year - born.year - int((day.month, day.day) < (born.month, born.day))


def _sex(rng: SynthRandom) -> str:
    roll = rng.random()
    if roll < 0.0005:
        return "9"
    return "1" if roll < 0.5125 else "2"


# Parents are mostly 25 to 45; weights rise to a plateau and fall away.
_PARENT_AGE_WEIGHTS = [
    1.0 if a < 22 else 3.0 if a < 25 else 6.0 if a < 40 else 3.0 if a < 46 else 1.0
    for a in range(18, 56)
]
_PARENT_AGE_CUMULATIVE = list(accumulate(_PARENT_AGE_WEIGHTS))
