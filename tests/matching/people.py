"""A small seeded population with the errors the matcher must survive, for unit tests.

Independent of the Synth capability so the matcher's own tests do not move when the synthetic
population is retuned; the acceptance test uses the real synthetic population.
"""

from __future__ import annotations

import random
from typing import Any

from faker import Faker

from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM, nhs_check_digit

_POSTCODES = [
    f"{area}{district} {sector}{unit}"
    for area, district, sector, unit in [
        ("LS", 6, 1, "AB"),
        ("LS", 6, 2, "DE"),
        ("LS", 7, 3, "FG"),
        ("M", 14, 5, "HJ"),
        ("M", 20, 2, "LN"),
        ("B", 12, 9, "PQ"),
        ("SW", 9, 8, "RS"),
        ("E", 17, 4, "TU"),
        ("NE", 4, 7, "WX"),
        ("BS", 3, 1, "YZ"),
    ]
]


def nhs_number(rng: random.Random) -> str:
    """A random NHS number that passes Modulus 11."""
    while True:
        first = f"{rng.randint(400000000, 499999999)}"
        check = nhs_check_digit(first)
        if check is not None:
            return first + str(check)


def population(size: int, seed: int) -> list[dict[str, Any]]:
    """``size`` clean people as Person JSON, each with a ``personId``."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    people = []
    for index in range(size):
        sex = rng.choice("12")
        given = fake.first_name_male() if sex == "1" else fake.first_name_female()
        year = rng.randint(2007, 2024)
        people.append(
            {
                "personId": f"P{index:06d}",
                "identifiers": [{"system": NHS_NUMBER_SYSTEM, "value": nhs_number(rng)}],
                "names": [
                    {
                        "familyName": fake.last_name(),
                        "givenNames": [given] + ([fake.first_name()] if rng.random() < 0.4 else []),
                    }
                ],
                "dateOfBirth": {
                    "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                },
                "addresses": [{"line1": fake.street_address(), "postcode": rng.choice(_POSTCODES)}],
                "sex": sex,
            }
        )
    return people


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def noisy_copy(person: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A record of ``person`` as another organisation might hold it (one or two errors)."""
    copy = {k: v for k, v in person.items() if k != "personId"}
    name = dict(copy["names"][0])
    roll = rng.random()
    if roll < 0.15:
        name["familyName"] = _typo(name["familyName"], rng)
    elif roll < 0.25:
        name["givenNames"] = [_typo(name["givenNames"][0], rng)]
    elif roll < 0.3:
        name = {**name, "familyName": name["givenNames"][0], "givenNames": [name["familyName"]]}
    copy["names"] = [name]
    if rng.random() < 0.3:
        copy["identifiers"] = []
    if rng.random() < 0.1:
        year, month, day = copy["dateOfBirth"]["date"].split("-")
        if int(day) <= 12:
            copy["dateOfBirth"] = {"date": f"{year}-{day}-{month}"}
    if rng.random() < 0.2:
        copy["addresses"] = [{"line1": "1 New Road", "postcode": rng.choice(_POSTCODES)}]
    return copy
