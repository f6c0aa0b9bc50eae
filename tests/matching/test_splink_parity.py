"""The pure-Python scorer gives Splink's own probabilities for the same model (to 1e-6)."""

from __future__ import annotations

import random
from itertools import product

import pytest

from singleview.matching.model import MatchModel, load_default_model
from singleview.matching.scorer import level_holds, score_pair
from singleview.matching.standardise import StandardisedPerson, standardise
from singleview.matching.train import SplinkScorer, train_model
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM
from singleview.standards.person import Person
from tests.matching.people import noisy_copy, population

pytestmark = pytest.mark.slow


def person(record_id: str, **fields: object) -> StandardisedPerson:
    data: dict[str, object] = {
        "names": [
            {
                "familyName": fields.get("family", "Smith"),
                "givenNames": fields.get("given", ["Oliver"]),
            }
        ],
        "sex": fields.get("sex", "1"),
    }
    if fields.get("dob", "2015-03-07"):
        data["dateOfBirth"] = {"date": fields.get("dob", "2015-03-07")}
    if fields.get("postcode", "LS6 1AB"):
        data["addresses"] = [
            {"line1": "1 High Street", "postcode": fields.get("postcode", "LS6 1AB")}
        ]
    if fields.get("nhs"):
        data["identifiers"] = [{"system": NHS_NUMBER_SYSTEM, "value": fields["nhs"]}]
    return standardise(record_id, Person.model_validate(data))


#: One variant per comparison level we can provoke, against the base person.
VARIANTS = [
    {"nhs": "9434765919"},
    {"nhs": "9434765870"},
    {"given": ["Ollie"]},
    {"given": ["Olivr"]},
    {"given": ["Olover"]},
    {"given": ["Smith"], "family": "Oliver"},
    {"given": ["Jack", "Oliver"]},
    {"given": ["Oliffer"]},
    {"given": ["Xavier"]},
    {"given": []},
    {"family": "Smith-Jones"},
    {"family": "Smyth"},
    {"family": "Snith"},
    {"family": "Smid"},
    {"family": "Patel"},
    {"family": "-"},
    {"dob": "2015-07-03"},
    {"dob": "2015-03"},
    {"dob": "2016-03-07"},
    {"dob": "2015"},
    {"dob": "2015-11-20"},
    {"dob": "2009-11-20"},
    {"dob": None},
    {"postcode": "LS6 1AD"},
    {"postcode": "LS6 2DE"},
    {"postcode": "LS7 3FG"},
    {"postcode": "M14 5HJ"},
    {"postcode": None},
    {"sex": "2"},
    {"sex": "9"},
]


def crafted_pairs() -> list[tuple[StandardisedPerson, StandardisedPerson]]:
    base = person("base", nhs="9434765919")
    variants = [person(f"v{i}", **v) for i, v in enumerate(VARIANTS)]
    return [(base, v) for v in variants] + [
        (v, person("base2", nhs="9434765870")) for v in variants
    ]


def assert_parity(
    model: MatchModel, pairs: list[tuple[StandardisedPerson, StandardisedPerson]]
) -> None:
    lefts = list({left.record_id: left for left, _ in pairs}.values())
    rights = list({right.record_id: right for _, right in pairs}.values())
    theirs = SplinkScorer(model, rights).score_product(lefts, rights)
    wanted = {(left.record_id, right.record_id) for left, right in pairs}
    for left in lefts:
        for right in rights:
            if (left.record_id, right.record_id) not in wanted:
                continue
            ours = score_pair(model, left, right).probability
            assert ours == pytest.approx(
                theirs[(left.record_id, right.record_id)], abs=1e-6, rel=0
            ), (left.record_id, right.record_id)
    assert len(wanted) >= len(VARIANTS)


def levels_hit(
    model: MatchModel, pairs: list[tuple[StandardisedPerson, StandardisedPerson]]
) -> set[tuple[str, str]]:
    hit = set()
    for left, right in pairs:
        for contribution in score_pair(model, left, right).contributions:
            hit.add((contribution.comparison, contribution.level))
    return hit


def test_crafted_pairs_reach_every_level_of_the_shipped_model() -> None:
    model = load_default_model()
    every = {(c.name, level.label) for c in model.comparisons for level in c.levels}
    assert every - levels_hit(model, crafted_pairs()) == set()


def test_shipped_model_scores_equal_splinks_on_every_level() -> None:
    assert_parity(load_default_model(), crafted_pairs())


@pytest.fixture(scope="module")
def trained() -> tuple[MatchModel, list[tuple[StandardisedPerson, StandardisedPerson]]]:
    """A model trained by Splink on a small noisy population, and pairs from it."""
    people = population(1500, seed=11)
    rng = random.Random(5)
    held = [
        standardise(
            p["personId"], Person.model_validate({k: v for k, v in p.items() if k != "personId"})
        )
        for p in people[:1200]
    ]
    other = [
        standardise("x" + p["personId"], Person.model_validate(noisy_copy(p, rng)))
        for p in people[500:]
    ]
    model = train_model({"held": held, "other": other}, max_pairs=3e5, seed=3)
    pairs = [(o, h) for o, h in product(other[:15], held[:60])]
    by_id = {h.record_id: h for h in held}
    pairs += [(o, by_id[o.record_id[1:]]) for o in other[:200] if o.record_id[1:] in by_id]
    return model, pairs + crafted_pairs()


def test_training_estimates_every_level(trained: tuple[MatchModel, list[object]]) -> None:
    model, _ = trained
    for comparison in model.comparisons:
        for level in comparison.levels:
            if level.kind != "null":
                assert level.m is not None, level.label
                assert level.u is not None, level.label
                assert 0 < level.m <= 1, level.label
                assert 0 < level.u <= 1, level.label
    assert 0 < model.probability_two_random_records_match < 0.01
    given = model.term_frequencies["given"]
    assert sum(given.values()) == pytest.approx(1.0)


def test_trained_model_scores_equal_splinks(
    trained: tuple[MatchModel, list[tuple[StandardisedPerson, StandardisedPerson]]],
) -> None:
    model, pairs = trained
    assert_parity(model, pairs)


def test_level_conditions_treat_missing_values_as_unknown() -> None:
    model = load_default_model()
    nobody = StandardisedPerson(record_id="empty")
    for comparison in model.comparisons:
        for level in comparison.levels:
            holds = level_holds(level, nobody, nobody)
            assert holds is (level.kind in ("null", "else")), level.label
