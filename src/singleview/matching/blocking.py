"""Blocking keys: cheap, indexed keys that any plausible match shares with the enquiry.

Several rules, OR-ed: a candidate is any record sharing at least one key. Each rule survives
a different error: the NHS number survives any name or date error; name + date of birth (with
day and month unordered) survives a swapped day and month, a nickname, a changed or swapped
name; postcode + initial survives a wrong date of birth; sound-alike family name + initial +
year survives a typo in the family name and in the day; both names together survive a missing
date of birth.
"""

from __future__ import annotations

from singleview.matching.standardise import StandardisedPerson

#: A key shared by more records than this says little (e.g. a common name in a large town) and
#: is skipped, so one enquiry never drags in thousands of candidates.
KEY_CAP = 200
#: At most this many candidates are scored per enquiry (those sharing most keys first).
MAX_CANDIDATES = 300


def blocking_keys(person: StandardisedPerson) -> set[str]:
    """Every blocking key of ``person`` (the same function for records and enquiries)."""
    keys: set[str] = set()
    if person.nhs_number:
        keys.add(f"n:{person.nhs_number}")
    tokens = set(person.given_all or ()) | set(person.family_all or ())
    tokens.update(t for t in (person.given, person.family) if t)
    if person.dob_year and person.dob_month and person.dob_day:
        low, high = sorted((person.dob_month, person.dob_day))
        keys.update(f"d:{token}|{person.dob_year}|{low}|{high}" for token in tokens)
    initial = (person.given or "")[:1]
    family_sound = person.family_sound or ""
    for postcode in person.postcodes or ():
        if initial:
            keys.add(f"p:{postcode}|{initial}")
        if family_sound:
            keys.add(f"q:{postcode}|{family_sound}")
    if family_sound and initial and person.dob_year:
        keys.add(f"s:{family_sound}|{initial}|{person.dob_year}")
    if person.family:
        keys.update(f"g:{name}|{person.family}" for name in person.given_canonical or ())
    return keys
