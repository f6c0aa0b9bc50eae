"""The safeguarding partners of one area, who each of them knows, and what they did.

Each organisation holds records about an overlapping part of the population: a health
visiting service knows nearly every baby, a school most of its pupils, children's social
care and the police far fewer, and mostly the same vulnerable children, which is where the
overlap that multi-agency enquiries exist for comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from singleview.records.synth.names import FAMILY_NAMES, MENS_NAMES, WOMENS_NAMES
from singleview.records.synth.population import REFERENCE_DATE, TruePerson
from singleview.records.synth.randomness import SynthRandom


@dataclass(frozen=True, slots=True)
class Service:
    """A service an organisation runs, the episodes it records and who leads them."""

    service_type: str
    episode_types: tuple[tuple[str, float], ...]
    role: str | None
    min_age: int = 0
    max_age: int = 120


@dataclass(frozen=True, slots=True)
class Coverage:
    """The chance that someone of an age band is known to the organisation."""

    min_age: int
    max_age: int
    general: float
    vulnerable: float


@dataclass(frozen=True, slots=True)
class OrganisationProfile:
    """One organisation: its name, type, who it knows, what it records and how well."""

    key: str
    name: str
    organisation_type: str
    record_id_format: str
    email_domain: str
    coverage: tuple[Coverage, ...]
    services: tuple[Service, ...]
    nhs_number_missing: float

    def knows_chance(self, person: TruePerson) -> float:
        """The probability this organisation holds a record about ``person``."""
        age = person.age
        for band in self.coverage:
            if band.min_age <= age <= band.max_age:
                return band.vulnerable if person.vulnerable else band.general
        return 0.0

    def record_id(self, number: int) -> str:
        """The source system's record id for the organisation's ``number``-th record."""
        return self.record_id_format.format(number)


_CSC = (
    ("contact-referral", 40.0), ("child-in-need", 30.0), ("child-protection-plan", 12.0),
    ("looked-after", 8.0), ("missing-episode", 5.0),
)  # fmt: skip

DEFAULT_ORGANISATIONS: tuple[OrganisationProfile, ...] = (
    OrganisationProfile(
        key="council-csc",
        name="Northmoor Council Children's Services",
        organisation_type="local-authority-childrens-social-care",
        record_id_format="LCS{:07d}",
        email_domain="northmoor-council.example",
        coverage=(Coverage(0, 17, 0.04, 0.70), Coverage(18, 24, 0.0, 0.25)),
        services=(
            Service("childrens-social-care", _CSC, "social-worker", 0, 24),
            Service("early-help", (("early-help-plan", 1.0),), "team-manager", 0, 17),
        ),
        nhs_number_missing=0.25,
    ),
    OrganisationProfile(
        key="police",
        name="Moorshire Police",
        organisation_type="police-force",
        record_id_format="MP{:08d}",
        email_domain="moorshire-police.example",
        coverage=(
            Coverage(0, 9, 0.005, 0.15),
            Coverage(10, 17, 0.03, 0.45),
            Coverage(18, 120, 0.05, 0.30),
        ),
        services=(
            Service(
                "police-public-protection",
                (("police-incident", 80.0), ("missing-episode", 20.0)),
                "police-officer",
            ),
        ),
        nhs_number_missing=0.92,
    ),
    OrganisationProfile(
        key="nhs-trust",
        name="Northmoor Community Health NHS Trust",
        organisation_type="nhs-trust",
        record_id_format="RXN{:07d}",
        email_domain="northmoor-health.nhs.example",
        coverage=(
            Coverage(0, 4, 0.85, 0.95),
            Coverage(5, 17, 0.15, 0.45),
            Coverage(18, 120, 0.10, 0.25),
        ),
        services=(
            Service("health-visiting", (("health-episode", 1.0),), "health-visitor", 0, 4),
            Service("school-nursing", (("health-episode", 1.0),), "school-nurse", 5, 18),
            # The agreed practitioner roles have no CAMHS clinician or midwife; leave it unset.
            Service("camhs", (("health-episode", 1.0),), None, 8, 18),
            Service("emergency-department", (("health-episode", 1.0),), None),
            Service("maternity", (("health-episode", 1.0),), None, 16, 45),
        ),
        nhs_number_missing=0.02,
    ),
    OrganisationProfile(
        key="academy-trust",
        name="Moorside Learning Academy Trust",
        organisation_type="academy-trust",
        record_id_format="MLT{:06d}",
        email_domain="moorside-learning.example",
        coverage=(Coverage(4, 18, 0.40, 0.40),),
        services=(
            Service(
                "education",
                (("school-enrolment", 1.0),),
                "designated-safeguarding-lead",
                4,
                18,
            ),
        ),
        nhs_number_missing=0.70,
    ),
    OrganisationProfile(
        key="youth-justice",
        name="Northmoor Youth Justice Service",
        organisation_type="youth-justice-service",
        record_id_format="YJ{:06d}",
        email_domain="northmoor-council.example",
        coverage=(Coverage(10, 17, 0.005, 0.20), Coverage(18, 19, 0.0, 0.08)),
        services=(
            Service(
                "youth-justice",
                (("youth-justice-order", 1.0),),
                "youth-justice-officer",
                10,
                19,
            ),
        ),
        nhs_number_missing=0.40,
    ),
)

ORGANISATIONS_BY_KEY = {profile.key: profile for profile in DEFAULT_ORGANISATIONS}


def involvements_for(
    person: TruePerson, profile: OrganisationProfile, rng: SynthRandom
) -> list[dict[str, Any]]:
    """One to three service episodes the organisation recorded for ``person`` (Involvement JSON)."""
    age = person.age
    services = [
        s
        for s in profile.services
        if s.min_age <= age <= s.max_age and (s.service_type != "maternity" or person.sex == "2")
    ] or list(profile.services)
    count = rng.weighted((1, 2, 3), (60, 90, 100))
    episodes = []
    for _ in range(count):
        service = rng.choice(services)
        codes = [code for code, _ in service.episode_types]
        weights = [weight for _, weight in service.episode_types]
        episode_type = rng.weighted(codes, list(accumulate(weights)))
        episodes.append(_episode(person, profile, service, episode_type, rng))
    episodes.sort(key=lambda e: (e["periodStart"], e["serviceType"], e["episodeType"]))
    return episodes


def _episode(
    person: TruePerson,
    profile: OrganisationProfile,
    service: Service,
    episode_type: str,
    rng: SynthRandom,
) -> dict[str, Any]:
    earliest = max(person.birth_date, REFERENCE_DATE - dt.timedelta(days=6 * 365))
    span = max(1, (REFERENCE_DATE - earliest).days - 7)
    start = earliest + dt.timedelta(days=rng.randrange(span))
    # Keys in the order the Involvement model dumps them, so files are canonical as written.
    episode: dict[str, Any] = {"episodeType": episode_type, "serviceType": service.service_type}
    end = start + dt.timedelta(days=rng.randint(14, 700))
    if end >= REFERENCE_DATE or rng.random() < 0.3:
        episode["status"] = "active"
        episode["periodStart"] = start.isoformat()
    else:
        episode["status"] = "ended"
        episode["periodStart"] = start.isoformat()
        episode["periodEnd"] = end.isoformat()
    episode["professional"] = professional(profile, service.role, rng)
    return episode


def professional(
    profile: OrganisationProfile, role: str | None, rng: SynthRandom
) -> dict[str, Any]:
    """A lead professional with a work phone (Ofcom's drama range) and email."""
    given = (WOMENS_NAMES if rng.random() < 0.7 else MENS_NAMES).draw(rng)
    family = FAMILY_NAMES.draw(rng)
    email_local = f"{given}.{family}".lower().replace(" ", "-").replace("'", "")
    telecom = [
        {"system": "phone", "value": f"01632 960{rng.randrange(1000):03d}", "use": "work"},
        {"system": "email", "value": f"{email_local}@{profile.email_domain}", "use": "work"},
    ]
    if rng.random() < 0.4:
        mobile = f"07700 900{rng.randrange(1000):03d}"
        telecom.insert(1, {"system": "phone", "value": mobile, "use": "mobile"})
    if role is None:
        return {"name": f"{given} {family}", "telecom": telecom}
    return {"name": f"{given} {family}", "role": role, "telecom": telecom}
