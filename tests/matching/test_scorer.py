"""The pure scorer, model file, bands and explanation (no database, no Splink)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from singleview.matching.bands import Band, decide_band, insufficiency
from singleview.matching.model import (
    ModelFileError,
    Thresholds,
    load_default_model,
    load_model,
    model_from_json,
    model_to_json,
    save_model,
)
from singleview.matching.scorer import _typo_apart, probability_from_weight, score_pair
from singleview.matching.standardise import StandardisedPerson, standardise
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM
from singleview.standards.person import Person


def restricted_edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance, the textbook dynamic programme."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@given(st.text("abc", max_size=6), st.text("abc", max_size=6))
def test_typo_apart_is_edit_distance_at_most_one(a: str, b: str) -> None:
    assert _typo_apart(a, b) == (restricted_edit_distance(a, b) <= 1)


@given(st.floats(min_value=-2000, max_value=2000))
def test_probability_from_weight_is_the_logistic_in_base_two(weight: float) -> None:
    p = probability_from_weight(weight)
    assert 0.0 <= p <= 1.0
    if -50 < weight < 50:
        assert p == pytest.approx(2**weight / (1 + 2**weight))


def sp(
    given: str | None = "Oliver",
    family: str = "Smith",
    dob: str | None = "2015-03-07",
    postcode: str | None = "LS6 1AB",
    nhs: str | None = None,
    sex: str = "1",
) -> StandardisedPerson:
    data: dict[str, object] = {
        "names": [{"familyName": family, "givenNames": [given] if given else []}],
        "sex": sex,
    }
    if dob:
        data["dateOfBirth"] = {"date": dob}
    if postcode:
        data["addresses"] = [{"line1": "1 High Street", "postcode": postcode}]
    if nhs:
        data["identifiers"] = [{"system": NHS_NUMBER_SYSTEM, "value": nhs}]
    return standardise("R", Person.model_validate(data))


def levels(enquiry: StandardisedPerson, record: StandardisedPerson) -> dict[str, str]:
    score = score_pair(load_default_model(), enquiry, record)
    return {c.comparison: c.level for c in score.contributions}


def test_each_kind_of_error_lands_in_its_level() -> None:
    assert levels(sp(), sp())["given_name"] == "given name the same"
    assert levels(sp(), sp(dob="2015-07-03"))["date_of_birth"] == "day and month swapped"
    assert levels(sp(), sp(dob="2015-03"))["date_of_birth"] == (
        "same year and month (day differs or unknown)"
    )
    assert levels(sp(), sp(dob="2016-03-07"))["date_of_birth"] == "date of birth one typo apart"
    swapped = sp(given="Smith", family="Oliver")
    assert levels(sp(), swapped)["family_name"] == "given and family names swapped"
    assert levels(sp(), sp(given="Olivre"))["given_name"] == "given name one typo apart"
    assert levels(sp(), sp(given="Ollie"))["given_name"] == "same name once nicknames are resolved"
    assert levels(sp(given="Aiden"), sp(given="Aydan"))["given_name"] == "given names sound alike"
    assert levels(sp(), sp(family="Smith-Jones"))["family_name"] == (
        "a current, previous or hyphenated family name in common"
    )
    assert levels(sp(), sp(postcode="LS6 2DE"))["postcode"] == "a postcode district in common"
    assert levels(sp(), sp(postcode="LS6 1AD"))["postcode"] == "a postcode sector in common"
    assert levels(sp(), sp())["nhs_number"] == "NHS number missing"
    assert levels(sp(nhs="9434765919"), sp(nhs="9434765919"))["nhs_number"] == (
        "NHS number the same"
    )


def test_score_matches_a_hand_computed_fellegi_sunter_sum() -> None:
    model = load_default_model()
    score = score_pair(model, sp(), sp())
    prior = model.probability_two_random_records_match
    total = math.log2(prior / (1 - prior))
    for contribution in score.contributions:
        total += contribution.match_weight + contribution.tf_adjustment
    assert score.match_weight == pytest.approx(total)
    assert score.probability == pytest.approx(probability_from_weight(total))
    family = next(c for c in score.contributions if c.comparison == "family_name")
    u = model.comparisons[2].levels[1].u
    assert u is not None
    tf = model.term_frequencies["family"]["smith"]
    assert family.tf_adjustment == pytest.approx(math.log2(u) - math.log2(tf))


def test_rare_name_counts_for_more_than_a_common_one() -> None:
    model = load_default_model()
    common = score_pair(model, sp(), sp()).match_weight
    rare = score_pair(model, sp(family="Zzyzx"), sp(family="Zzyzx"))
    # an unseen name gets no adjustment; "smith" is the commonest and is marked down
    assert rare.match_weight > common


def test_twin_is_never_certain_however_high_the_score() -> None:
    model = load_default_model()
    twin = score_pair(model, sp(), sp(given="Jack"))
    assert twin.blocks_certain == ("given_name",)
    band = decide_band([(0.9999999, bool(twin.blocks_certain))], model.thresholds)
    assert band is Band.POSSIBLE


@pytest.mark.parametrize(
    ("candidates", "band"),
    [
        ([], Band.NO_MATCH),
        ([(0.2, False)], Band.NO_MATCH),
        ([(0.95, False)], Band.POSSIBLE),
        ([(0.999, False), (0.1, False)], Band.CERTAIN),
        ([(0.999, True)], Band.POSSIBLE),
        ([(0.999, False), (0.95, False)], Band.MULTIPLE_MATCHES),
    ],
)
def test_bands(candidates: list[tuple[float, bool]], band: Band) -> None:
    assert decide_band(candidates, Thresholds(certain=0.99, possible=0.9)) is band


def test_only_certain_releases_involvements() -> None:
    assert [b for b in Band if b.may_release_involvements] == [Band.CERTAIN]


def test_minimum_to_match_on() -> None:
    assert insufficiency(sp(nhs="9434765919", given=None, dob=None, postcode=None)) is None
    assert insufficiency(sp(postcode=None)) is None
    assert insufficiency(sp(dob=None)) is None  # given, family and postcode
    assert insufficiency(sp(dob="2015-03", postcode=None)) is None
    reason = insufficiency(sp(dob="2015", postcode=None))
    assert reason is not None
    assert "NHS number" in reason
    assert insufficiency(sp(given=None, dob=None)) is not None


def test_model_file_round_trips(tmp_path: Path) -> None:
    model = load_default_model()
    path = tmp_path / "model.json"
    save_model(model, path)
    assert load_model(path) == model
    assert model_from_json(model_to_json(model)) == model


def test_model_file_errors_name_the_file_and_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{", "utf-8")
    with pytest.raises(ModelFileError, match=r"bad\.json"):
        load_model(path)
    data = model_to_json(load_default_model())
    data["comparisons"][0]["levels"][1].pop("m")
    with pytest.raises(ModelFileError, match="NHS number the same"):
        model_from_json(json.loads(json.dumps(data)), "m.json")
    with pytest.raises(ModelFileError, match="format"):
        model_from_json({"format": "other"}, "m.json")


def test_the_shipped_model_says_how_its_thresholds_were_set() -> None:
    model = load_default_model()
    assert "labelled synthetic enquiries" in model.thresholds.how_set
    assert model.thresholds.possible <= model.thresholds.certain
    assert replace(model, trained_on={}).trained_on == {}
    assert "Splink" in model.trained_on["method"]


def test_the_request_path_never_imports_splink() -> None:
    import subprocess
    import sys

    code = (
        "import sys, singleview.matching.service, singleview.matching.batch, "
        "singleview.matching.cli; print('splink' in sys.modules or 'duckdb' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
