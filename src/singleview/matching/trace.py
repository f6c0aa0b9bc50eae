"""A deterministic trace baseline, after the NHS Personal Demographics Service (PDS) traces.

The matcher is measured against this: the classic rule-based way of finding a person in a
demographic register. PDS tracing is documented in pieces (NHS England's Person_ID Handbook
for the Master Person Service; GP system guides for the Spine "advanced trace"); what we take
from it:

- a *cross-check* trace confirms a supplied NHS number against the date of birth;
- an *alphanumeric* trace is an exact match on the demographics given, where a supplied
  postcode may be any of the record's current or previous postcodes, but a postcode with no
  relation to the record excludes it;
- an *algorithmic* trace needs one of three combinations: family name, given name, date of
  birth and gender; family name, postcode, date of birth and gender; given name, postcode,
  date of birth and gender; a Soundex variant compares names by sound;
- every trace needs a date of birth, a trace that finds more than one record reports
  "multiple matches" rather than choosing, and tracing stops at the first step that finds
  anything.

The steps, in the order tried (each needs every field it names on the enquiry):

1. ``cross-check``: valid NHS number and date of birth.
2. ``alphanumeric``: family name, given name, date of birth, sex and postcode.
3. ``names-dob-sex``: family name, given name, date of birth and sex.
4. ``family-postcode-dob-sex``: family name, postcode, date of birth and sex.
5. ``given-postcode-dob-sex``: given name, postcode, date of birth and sex.
6. ``soundex-names-dob-sex``: family and given names alike by Soundex, date of birth, sex.
7. ``dob-sex-postcode``: date of birth, sex and postcode.

Comparisons are exact after folding case, accents, spaces and punctuation (so Smith-Jones
equals SMITH JONES and O'Brien equals OBrien). A record's every name counts (official,
usual, previous) and so does every given name on it; an enquiry's first given name is used.
Dates of birth must be recorded the same (a year-only date matches only a year-only date):
PDS's date ranges, wildcards and nickname handling are left out, and with them their
gains and their risks. An NHS number that failed its check is not used.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from singleview.standards.person import Person

#: The steps in the order they are tried.
STEPS = (
    "cross-check",
    "alphanumeric",
    "names-dob-sex",
    "family-postcode-dob-sex",
    "given-postcode-dob-sex",
    "soundex-names-dob-sex",
    "dob-sex-postcode",
)


@dataclass(frozen=True, slots=True)
class TraceResult:
    """What a trace found: one record, several (and so none chosen), or nothing.

    ``step`` names the step that found something; ``insufficient`` says the enquiry had too
    little for any step (no date of birth, or no NHS number, names or postcode with it).
    """

    record_id: str | None
    step: str | None
    several_matches: bool = False
    record_ids: tuple[str, ...] = ()
    insufficient: bool = False


@dataclass(frozen=True, slots=True)
class Traceable:
    """A person reduced to the folded values the trace steps compare."""

    nhs_number: str | None
    dob: str | None
    sex: str | None
    # Tuples, not sets: they hold one to three values, and a million records are indexed.
    names: tuple[tuple[str, str], ...]
    families: tuple[str, ...]
    givens: tuple[str, ...]
    postcodes: tuple[str, ...]
    sounds: tuple[tuple[str, str], ...]


def fold(text: str) -> str:
    """Upper case letters only: accents, spaces, hyphens and apostrophes removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalpha() and c.isascii()).upper()


_SOUNDEX_CODES = {
    **dict.fromkeys("BFPV", "1"),
    **dict.fromkeys("CGJKQSXZ", "2"),
    **dict.fromkeys("DT", "3"),
    "L": "4",
    **dict.fromkeys("MN", "5"),
    "R": "6",
}


def soundex(name: str) -> str:
    """American Soundex of a folded name: its first letter and three digits (Robert → R163)."""
    letters = fold(name)
    if not letters:
        return ""
    digits = []
    previous = _SOUNDEX_CODES.get(letters[0], "")
    for letter in letters[1:]:
        code = _SOUNDEX_CODES.get(letter, "")
        if code and code != previous:
            digits.append(code)
        # H and W do not separate letters with the same code; vowels do.
        if letter not in "HW":
            previous = code
    return (letters[0] + "".join(digits) + "000")[:4]


def traceable(person: Person, enquiry: bool = False) -> Traceable:
    """The values the trace compares. An enquiry offers its first given name of each name;
    a record offers all of them."""
    names: set[tuple[str, str]] = set()
    for name in person.names:
        given = name.given_names[:1] if enquiry else name.given_names + name.preferred_names
        family = fold(name.family_name)
        for first in given:
            if fold(first) and family:
                names.add((family, fold(first)))
    families = {f for f in (fold(n.family_name) for n in person.names) if f}
    postcodes = {a.postcode for a in person.addresses if a.postcode}
    dob = person.date_of_birth.date.isoformat() if person.date_of_birth else None
    sex = person.sex if person.sex in ("1", "2") else None
    return Traceable(
        nhs_number=person.nhs_number,
        dob=dob,
        sex=sex,
        names=tuple(sorted(names)),
        families=tuple(sorted(families)),
        givens=tuple(sorted({given for _, given in names})),
        postcodes=tuple(sorted(postcodes)),
        sounds=tuple(sorted({(soundex(f), soundex(g)) for f, g in names})),
    )


def _share(ours: tuple[object, ...], theirs: tuple[object, ...]) -> bool:
    return any(value in theirs for value in ours)


_Step = tuple[str, Callable[[Traceable], bool], Callable[[Traceable, Traceable], bool]]

# Each step: its name, whether the enquiry has what it needs, and whether a record matches.
# Every step needs the date of birth to be equal, which is what lets TraceIndex look
# records up by date of birth alone.
_STEPS: tuple[_Step, ...] = (
    (
        "cross-check",
        lambda e: bool(e.nhs_number and e.dob),
        lambda e, r: e.nhs_number == r.nhs_number and e.dob == r.dob,
    ),
    (
        "alphanumeric",
        lambda e: bool(e.names and e.dob and e.sex and e.postcodes),
        lambda e, r: (
            e.dob == r.dob
            and e.sex == r.sex
            and _share(e.names, r.names)
            and _share(e.postcodes, r.postcodes)
        ),
    ),
    (
        "names-dob-sex",
        lambda e: bool(e.names and e.dob and e.sex),
        lambda e, r: e.dob == r.dob and e.sex == r.sex and _share(e.names, r.names),
    ),
    (
        "family-postcode-dob-sex",
        lambda e: bool(e.families and e.postcodes and e.dob and e.sex),
        lambda e, r: (
            e.dob == r.dob
            and e.sex == r.sex
            and _share(e.families, r.families)
            and _share(e.postcodes, r.postcodes)
        ),
    ),
    (
        "given-postcode-dob-sex",
        lambda e: bool(e.givens and e.postcodes and e.dob and e.sex),
        lambda e, r: (
            e.dob == r.dob
            and e.sex == r.sex
            and _share(e.givens, r.givens)
            and _share(e.postcodes, r.postcodes)
        ),
    ),
    (
        "soundex-names-dob-sex",
        lambda e: bool(e.sounds and e.dob and e.sex),
        lambda e, r: e.dob == r.dob and e.sex == r.sex and _share(e.sounds, r.sounds),
    ),
    (
        "dob-sex-postcode",
        lambda e: bool(e.dob and e.sex and e.postcodes),
        lambda e, r: e.dob == r.dob and e.sex == r.sex and _share(e.postcodes, r.postcodes),
    ),
)


def trace_traceable(enquiry: Traceable, candidates: Iterable[tuple[str, Traceable]]) -> TraceResult:
    """Run the trace steps in order over already-reduced candidates."""
    pool = list(candidates)
    eligible = False
    for name, has_what_it_needs, matches in _STEPS:
        if not has_what_it_needs(enquiry):
            continue
        eligible = True
        found = sorted({record_id for record_id, record in pool if matches(enquiry, record)})
        if len(found) == 1:
            return TraceResult(found[0], name, record_ids=tuple(found))
        if found:
            return TraceResult(None, name, several_matches=True, record_ids=tuple(found))
    return TraceResult(None, None, insufficient=not eligible)


def trace(enquiry: Person, candidates: Iterable[tuple[str, Person]]) -> TraceResult:
    """Trace ``enquiry`` among ``(record id, Person)`` candidates, PDS-style (see module)."""
    reduced = ((record_id, traceable(person)) for record_id, person in candidates)
    return trace_traceable(traceable(enquiry, enquiry=True), reduced)


class TraceIndex:
    """Records reduced once and filed by date of birth, for tracing many enquiries."""

    def __init__(self, records: Iterable[tuple[str, Person]] = ()) -> None:
        self._by_dob: dict[str, list[tuple[str, Traceable]]] = defaultdict(list)
        for record_id, person in records:
            self.add(record_id, person)

    def add(self, record_id: str, person: Person) -> None:
        """File one record; records without a date of birth can never be traced."""
        reduced = traceable(person)
        if reduced.dob is not None:
            self._by_dob[reduced.dob].append((record_id, reduced))

    def trace(self, enquiry: Person) -> TraceResult:
        """The same answer as :func:`trace` over every record added."""
        reduced = traceable(enquiry, enquiry=True)
        pool = self._by_dob.get(reduced.dob, []) if reduced.dob else []
        return trace_traceable(reduced, pool)
