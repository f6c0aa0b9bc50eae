"""Standardise a person into the flat form the matcher compares (pure functions, no I/O).

Case, diacritics and punctuation are folded; hyphenated and multiple given names are split
into tokens; nicknames map to a canonical given name; every name a person has had (official,
usual, old, maiden) and every postcode they have lived at is kept, so a moved address or a
changed surname still matches. The same function standardises the node's records and the
enquiry, so the scorer and Splink see exactly the same values.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM, is_valid_nhs_number
from singleview.standards.person import Person
from singleview.standards.postcode import parse_postcode

_NOT_LETTERS = re.compile(r"[^a-z\s-]")
_SEPARATORS = re.compile(r"[\s-]+")


@dataclass(frozen=True, slots=True)
class StandardisedPerson:
    """The matcher's view of one person: folded names, date parts, postcode levels, NHS number.

    Lists are sorted tuples (or None when empty) so the same person always gives the same value.
    ``notes`` records what standardisation dropped and why (e.g. an NHS number failing Modulus 11).
    """

    record_id: str
    nhs_number: str | None = None
    given: str | None = None
    given_canonical: tuple[str, ...] | None = None
    given_all: tuple[str, ...] | None = None
    given_sound: str | None = None
    family: str | None = None
    family_all: tuple[str, ...] | None = None
    family_sound: str | None = None
    dob: str | None = None
    dob_year: int | None = None
    dob_month: int | None = None
    dob_day: int | None = None
    dob_year_month: str | None = None
    postcodes: tuple[str, ...] | None = None
    sectors: tuple[str, ...] | None = None
    districts: tuple[str, ...] | None = None
    areas: tuple[str, ...] | None = None
    sex: str | None = None
    notes: tuple[str, ...] = field(default=())

    def as_columns(self) -> dict[str, Any]:
        """The values as Splink input columns (lists as lists, ``unique_id`` for the id)."""
        columns: dict[str, Any] = {"unique_id": self.record_id}
        for name in MATCH_COLUMNS:
            value = getattr(self, name)
            columns[name] = list(value) if isinstance(value, tuple) else value
        return columns

    @classmethod
    def from_columns(cls, record_id: str, columns: dict[str, Any]) -> StandardisedPerson:
        """Rebuild from ``as_columns`` output (or the stored JSON form)."""
        values: dict[str, Any] = {}
        for name in MATCH_COLUMNS:
            value = columns.get(name)
            values[name] = tuple(value) if isinstance(value, list) else value
        return cls(record_id=record_id, **values)


#: The columns compared, in a fixed order (the Splink input table has these plus unique_id).
MATCH_COLUMNS: tuple[str, ...] = (
    "nhs_number",
    "given",
    "given_canonical",
    "given_all",
    "given_sound",
    "family",
    "family_all",
    "family_sound",
    "dob",
    "dob_year",
    "dob_month",
    "dob_day",
    "dob_year_month",
    "postcodes",
    "sectors",
    "districts",
    "areas",
    "sex",
)


def fold(text: str) -> str:
    """Lower case, diacritics removed, apostrophes and other punctuation dropped.

    Hyphens and spaces are kept (as single spaces) so callers can split name parts.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    bare = bare.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ł", "l")
    return _SEPARATORS.sub(" ", _NOT_LETTERS.sub("", bare)).strip()


def name_tokens(name: str) -> tuple[str, ...]:
    """The parts of a (possibly hyphenated or multi-word) name, folded."""
    return tuple(part for part in fold(name).split(" ") if part)


def compact_name(name: str) -> str | None:
    """A name folded to one token: ``Smith-Jones`` → ``smithjones``, ``O'Brien`` → ``obrien``."""
    joined = "".join(name_tokens(name))
    return joined or None


@lru_cache(maxsize=1)
def nicknames() -> dict[str, tuple[str, ...]]:
    """The shipped UK nickname → canonical given names table (a short form may have several)."""
    text = resources.files("singleview.matching").joinpath("data/nicknames.csv").read_text("utf-8")
    rows = csv.reader(line for line in text.splitlines() if line and not line.startswith("#"))
    table: dict[str, set[str]] = {}
    for row in rows:
        if row == ["nickname", "canonical"]:
            continue
        table.setdefault(row[0].strip(), set()).add(row[1].strip())
    return {nickname: tuple(sorted(names)) for nickname, names in table.items()}


def canonical_given(name: str) -> tuple[str, ...]:
    """The canonical forms of one folded given-name token, always including the name itself."""
    return tuple(sorted({name, *nicknames().get(name, ())}))


def _sorted_or_none(values: set[str]) -> tuple[str, ...] | None:
    return tuple(sorted(values)) if values else None


def standardise(record_id: str, person: Person, notes: tuple[str, ...] = ()) -> StandardisedPerson:
    """The matcher's view of ``person``; ``notes`` are carried through (e.g. dropped fields)."""
    current = person.current_name
    given_names = current.given_names or next(
        (n.given_names for n in person.names if n.given_names), ()
    )
    given = compact_name(given_names[0]) if given_names else None
    given_all: set[str] = set()
    family_all: set[str] = set()
    for name in person.names:
        for written in (*name.given_names, *name.preferred_names):
            tokens = name_tokens(written)
            given_all.update(tokens)
            for token in tokens:
                given_all.update(canonical_given(token))
            if len(tokens) > 1:
                given_all.add("".join(tokens))
        tokens = name_tokens(name.family_name)
        family_all.update(tokens)
        if len(tokens) > 1:
            family_all.add("".join(tokens))

    dob = person.date_of_birth.date if person.date_of_birth else None
    postcodes: set[str] = set()
    sectors: set[str] = set()
    districts: set[str] = set()
    areas: set[str] = set()
    for address in person.addresses:
        if address.postcode:
            postcode = parse_postcode(address.postcode)
            postcodes.add(postcode.full)
            sectors.add(postcode.sector)
            districts.add(postcode.district)
            areas.add(postcode.area)

    # Sex is weak evidence; "indeterminate" and "not known" say nothing either way.
    sex = person.sex if person.sex in ("1", "2") else None
    if sex is None and person.gender in ("1", "2"):
        sex = person.gender

    family = compact_name(current.family_name)
    return StandardisedPerson(
        record_id=record_id,
        nhs_number=person.nhs_number,
        given=given,
        given_canonical=canonical_given(given) if given else None,
        given_all=_sorted_or_none(given_all),
        given_sound=soundex(given) if given else None,
        family=family,
        family_all=_sorted_or_none(family_all),
        family_sound=soundex(family) if family else None,
        dob=dob.isoformat() if dob and dob.precision == "day" else None,
        dob_year=dob.year if dob else None,
        dob_month=dob.month if dob else None,
        dob_day=dob.day if dob else None,
        dob_year_month=f"{dob.year:04d}-{dob.month:02d}" if dob and dob.month else None,
        postcodes=_sorted_or_none(postcodes),
        sectors=_sorted_or_none(sectors),
        districts=_sorted_or_none(districts),
        areas=_sorted_or_none(areas),
        sex=sex,
        notes=notes,
    )


def lenient_person(data: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Drop an invalid NHS number or postcode from raw Person JSON, saying so, before parsing.

    An enquiry or an old record often carries a mistyped NHS number; it must count as absent
    (never as a mismatch), and the explanation must say it was ignored.
    """
    notes: list[str] = []
    cleaned = dict(data)
    for key in ("identifiers", "identifier", "Identifier"):
        identifiers = cleaned.get(key)
        if isinstance(identifiers, dict):
            identifiers = [identifiers]
        if isinstance(identifiers, list):
            kept = []
            for identifier in identifiers:
                system = str(identifier.get("system", "")) if isinstance(identifier, dict) else ""
                if system != NHS_NUMBER_SYSTEM and "nhs-number" in system:
                    notes.append(
                        f"identifier {identifier.get('value')!r} is held as an unverified NHS "
                        "number and was treated as absent"
                    )
                    continue
                if (
                    isinstance(identifier, dict)
                    and identifier.get("system") == NHS_NUMBER_SYSTEM
                    and not is_valid_nhs_number(str(identifier.get("value", "")))
                ):
                    notes.append(
                        f"NHS number {identifier.get('value')!r} fails the Modulus 11 check "
                        "and was treated as absent"
                    )
                    continue
                kept.append(identifier)
            cleaned[key] = kept
    for key in ("addresses", "address", "Address"):
        addresses = cleaned.get(key)
        if isinstance(addresses, dict):
            addresses = [addresses]
        if isinstance(addresses, list):
            kept_addresses = []
            for address in addresses:
                if isinstance(address, dict) and address.get("postcode"):
                    try:
                        parse_postcode(str(address["postcode"]))
                    except ValueError:
                        notes.append(
                            f"postcode {address['postcode']!r} is not a valid UK postcode "
                            "and was treated as absent"
                        )
                        address = {k: v for k, v in address.items() if k != "postcode"}
                        if not (address.get("line1") or address.get("UPRN")):
                            continue
                kept_addresses.append(address)
            cleaned[key] = kept_addresses
    return cleaned, tuple(notes)


def soundex(name: str) -> str:
    """American Soundex of a folded name (blocking only: groups typo'd family names)."""
    codes = {
        **dict.fromkeys("bfpv", "1"),
        **dict.fromkeys("cgjkqsxz", "2"),
        **dict.fromkeys("dt", "3"),
        "l": "4",
        **dict.fromkeys("mn", "5"),
        "r": "6",
    }
    letters = [ch for ch in name if ch.isalpha()]
    if not letters:
        return ""
    result = letters[0].upper()
    previous = codes.get(letters[0], "")
    for ch in letters[1:]:
        code = codes.get(ch, "")
        if code and code != previous:
            result += code
        if ch not in "hw":
            previous = code
    return (result + "000")[:4]
