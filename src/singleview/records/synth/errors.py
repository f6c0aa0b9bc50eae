"""The errors real case-management records have, each at a documented, configurable rate.

Every rate is the chance that the error is made *where it can be made*: a day/month swap
needs a day of 12 or less that differs from the month, a split compound family name needs
one, an out-of-date address needs a person who has moved. :class:`ErrorTally` counts both
the records where an error was possible and those where it was made, so observed rates can
be checked against the configured ones.

At most one date-of-birth error and one NHS-number error is made per record; name errors
compose (a nickname can also be misspelt).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from typing import Any

from singleview.records.synth.names import is_compound, name_variant, split_family_name, typo
from singleview.records.synth.population import (
    TruePerson,
    random_valid_nhs_number,
    residence_json,
)
from singleview.records.synth.randomness import SynthRandom
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM, is_valid_nhs_number

#: Where a mistyped NHS number (one failing the Modulus 11 check) is carried. The Person
#: model refuses such a number under the NHS number system, as it should; the source system
#: still holds it, and a matcher should see it and treat it as absent, saying so.
UNVERIFIED_NHS_NUMBER_SYSTEM = "https://singleview.org.uk/Id/nhs-number-unverified"


@dataclass(frozen=True, slots=True)
class ErrorRates:
    """How often each kind of error is made, as a probability where it is possible.

    The defaults are our reading of published data-quality audits of children's services
    and NHS demographic data: a few per cent for each name and date slip, more for stale
    addresses and dropped middle names. They are a plausible middle, not a measurement.
    """

    given_name_variant: float = 0.08
    """A nickname or spelling variant instead of the given name (Katie for Catherine)."""
    given_name_typo: float = 0.02
    """One keying slip in the first given name."""
    family_name_typo: float = 0.02
    """One keying slip in the family name."""
    family_name_split: float = 0.30
    """A hyphenated or double-barrelled family name held as one part, or re-punctuated."""
    previous_family_name: float = 0.30
    """A family name the person no longer uses held as the official one."""
    names_swapped: float = 0.01
    """Given and family name entered the wrong way round."""
    middle_names_dropped: float = 0.35
    """Only the first given name kept."""
    given_name_missing: float = 0.005
    """No given name at all (a baby not yet named, or not taken down)."""
    dob_missing: float = 0.01
    """No date of birth."""
    dob_estimated: float = 0.01
    """An estimated date of birth: the year only, or 1 January, with its accuracy indicator."""
    dob_day_month_swapped: float = 0.02
    """Day and month swapped (US-style entry of 04/03 for 3 April)."""
    dob_mistyped: float = 0.005
    """One part of the date of birth off by one."""
    address_missing: float = 0.03
    """No address."""
    address_out_of_date: float = 0.15
    """An old address held as current, for someone who has since moved."""
    postcode_missing: float = 0.02
    """An address without its postcode."""
    nhs_number_missing: float = 0.20
    """No NHS number (organisations may override this: police rarely hold one)."""
    nhs_number_invalid: float = 0.01
    """A held NHS number mistyped so that it fails the Modulus 11 check."""
    nhs_number_wrong: float = 0.005
    """A held NHS number that is valid but someone else's (often a sibling's or parent's)."""
    sex_missing: float = 0.02
    """No sex recorded."""

    def scaled(self, factor: float) -> ErrorRates:
        """Every rate multiplied by ``factor`` (capped at 1), for harder or easier worlds."""
        scaled = {f.name: min(1.0, getattr(self, f.name) * factor) for f in fields(self)}
        return replace(self, **scaled)

    def as_dict(self) -> dict[str, float]:
        """The rates by field name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


#: The enquirer's errors: another agency's own record of the child, typed into a request.
ENQUIRY_ERROR_RATES = ErrorRates(nhs_number_missing=0.35, address_missing=0.05)


@dataclass
class ErrorTally:
    """How often each error could have been made, and how often it was."""

    possible: Counter[str] = field(default_factory=Counter)
    made: Counter[str] = field(default_factory=Counter)
    records: int = 0

    def observed(self, kind: str) -> float | None:
        """The observed rate of ``kind`` where it was possible, or None if it never was."""
        return self.made[kind] / self.possible[kind] if self.possible[kind] else None

    def merge(self, other: ErrorTally) -> None:
        """Add another tally's counts to this one."""
        self.possible.update(other.possible)
        self.made.update(other.made)
        self.records += other.records


class _Errors:
    """Decides and records errors for one record."""

    def __init__(self, rng: SynthRandom, tally: ErrorTally) -> None:
        self.rng = rng
        self.tally = tally
        self.made: list[str] = []

    def roll(self, kind: str, rate: float) -> bool:
        self.tally.possible[kind] += 1
        if self.rng.random() < rate:
            self.tally.made[kind] += 1
            self.made.append(kind)
            return True
        return False


def record_of(
    truth: TruePerson,
    rates: ErrorRates,
    rng: SynthRandom,
    tally: ErrorTally,
    nhs_number_missing: float | None = None,
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """What an organisation's record of ``truth`` says (Person JSON), and the errors in it.

    ``nhs_number_missing`` overrides the rate in ``rates`` for organisations that rarely
    hold NHS numbers.
    """
    errors = _Errors(rng, tally)
    tally.records += 1
    names = _names(truth, rates, errors)
    dob = _date_of_birth(truth.birth_date, rates, errors)
    addresses = _addresses(truth, rates, errors)
    missing = rates.nhs_number_missing if nhs_number_missing is None else nhs_number_missing
    identifier = _nhs_number(truth, rates, missing, errors)
    # Keys in the order the Person model dumps them, so the JSON is canonical as written.
    person: dict[str, Any] = {"identifiers": [identifier] if identifier else [], "names": names}
    if dob is not None:
        person["dateOfBirth"] = dob
    person["addresses"] = addresses
    person["gender"] = truth.gender
    if not errors.roll("sex-missing", rates.sex_missing):
        person["sex"] = truth.sex
    return person, tuple(errors.made)


def _names(truth: TruePerson, rates: ErrorRates, errors: _Errors) -> list[dict[str, Any]]:
    rng = errors.rng
    family = truth.family_name
    given = list(truth.given_names)
    if truth.old_family_name and errors.roll("previous-family-name", rates.previous_family_name):
        family = truth.old_family_name
    if is_compound(family) and errors.roll("family-name-split", rates.family_name_split):
        family = split_family_name(family, rng)
    first = truth.preferred_name if truth.preferred_name and rng.random() < 0.5 else given[0]
    variant = name_variant(first, rng)
    if variant is not None and errors.roll("given-name-variant", rates.given_name_variant):
        first = variant
    given[0] = first
    if errors.roll("given-name-typo", rates.given_name_typo):
        given[0] = typo(given[0], rng)
    if errors.roll("family-name-typo", rates.family_name_typo):
        family = typo(family, rng)
    if len(given) > 1 and errors.roll("middle-names-dropped", rates.middle_names_dropped):
        given = given[:1]
    if errors.roll("names-swapped", rates.names_swapped):
        family, given = given[0], [family, *given[1:]]
    if errors.roll("given-name-missing", rates.given_name_missing):
        given = []
    names: list[dict[str, Any]] = [
        {"familyName": family, "givenNames": given, "preferredNames": [], "use": "official"}
    ]
    if truth.old_family_name and family != truth.old_family_name and rng.random() < 0.5:
        old = truth.old_family_name
        names.append({"familyName": old, "givenNames": given, "preferredNames": [], "use": "old"})
    return names


def _date_of_birth(born: dt.date, rates: ErrorRates, errors: _Errors) -> dict[str, Any] | None:
    rng = errors.rng
    if errors.roll("dob-missing", rates.dob_missing):
        return None
    if errors.roll("dob-estimated", rates.dob_estimated):
        year = born.year + (rng.choice((-1, 1)) if rng.random() < 0.25 else 0)
        year_accuracy = "A" if year == born.year else "E"
        if rng.random() < 0.5:
            return {"date": f"{year:04d}", "accuracyIndicator": f"UU{year_accuracy}"}
        return {"date": f"{year:04d}-01-01", "accuracyIndicator": f"EE{year_accuracy}"}
    swappable = born.day <= 12 and born.day != born.month
    if swappable and errors.roll("dob-day-month-swapped", rates.dob_day_month_swapped):
        return {"date": dt.date(born.year, born.day, born.month).isoformat()}
    if errors.roll("dob-mistyped", rates.dob_mistyped):
        if rng.random() < 0.5 and born.day > 1:
            off = born - dt.timedelta(days=1) if born.day > 27 else born + dt.timedelta(days=1)
        else:
            off = born.replace(year=born.year + rng.choice((-1, 1)), day=min(born.day, 28))
        return {"date": off.isoformat()}
    return {"date": born.isoformat()}


def _addresses(truth: TruePerson, rates: ErrorRates, errors: _Errors) -> list[dict[str, Any]]:
    rng = errors.rng
    homes = truth.residences
    if not homes or errors.roll("address-missing", rates.address_missing):
        return []
    held = len(homes) - 1
    if len(homes) > 1 and errors.roll("address-out-of-date", rates.address_out_of_date):
        held = rng.randrange(len(homes) - 1)
    addresses = [residence_json(homes[held], current=True)]
    if held == len(homes) - 1 and held > 0 and rng.random() < 0.3:
        addresses.append(residence_json(homes[held - 1], current=False))
    if errors.roll("postcode-missing", rates.postcode_missing):
        del addresses[0]["postcode"]
    return addresses


def _nhs_number(
    truth: TruePerson, rates: ErrorRates, missing: float, errors: _Errors
) -> dict[str, str] | None:
    rng = errors.rng
    if errors.roll("nhs-number-missing", missing):
        return None
    if errors.roll("nhs-number-invalid", rates.nhs_number_invalid):
        mistyped = mistype_nhs_number(truth.nhs_number, rng)
        return {"system": UNVERIFIED_NHS_NUMBER_SYSTEM, "value": mistyped}
    if errors.roll("nhs-number-wrong", rates.nhs_number_wrong):
        wrong = truth.relative_nhs_number if rng.random() < 0.5 else None
        while wrong is None or wrong == truth.nhs_number:
            wrong = random_valid_nhs_number(rng)
        return {"system": NHS_NUMBER_SYSTEM, "value": wrong}
    return {"system": NHS_NUMBER_SYSTEM, "value": truth.nhs_number}


def mistype_nhs_number(number: str, rng: SynthRandom) -> str:
    """``number`` with one digit changed or two neighbours swapped: Modulus 11 catches both."""
    while True:
        digits = list(number)
        at = rng.randrange(9)
        if rng.random() < 0.5 and digits[at] != digits[at + 1]:
            digits[at], digits[at + 1] = digits[at + 1], digits[at]
        else:
            digits[at] = rng.choice([d for d in "0123456789" if d != digits[at]])
        mistyped = "".join(digits)
        if not is_valid_nhs_number(mistyped):
            return mistyped


__all__ = [
    "ENQUIRY_ERROR_RATES",
    "UNVERIFIED_NHS_NUMBER_SYSTEM",
    "ErrorRates",
    "ErrorTally",
    "mistype_nhs_number",
    "record_of",
]
