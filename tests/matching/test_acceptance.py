"""Issue acceptance on a synthetic world the shipped model has never seen (modest size).

The bench (``bench/matching.py``) repeats this at 100,000 records and more.
"""

from __future__ import annotations

import pytest

from singleview.db import create_engine, migrate, session_factory
from singleview.matching.calibrate import Outcome, evaluate
from singleview.matching.model import load_default_model
from singleview.matching.synthetic import labelled_outcomes, organisations
from singleview.records.synth import write_synthetic

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    folder = tmp_path_factory.mktemp("acceptance")
    world = folder / "world"
    # Seed 404: neither the training world (101) nor the calibration world.
    write_synthetic(world, 404, 8000, None, None, None, 400)
    url = f"sqlite:///{folder / 'node.db'}"
    migrate(url)
    model = load_default_model()
    found: list[Outcome] = []
    with session_factory(create_engine(url))() as session:
        for organisation in organisations(world):
            found.extend(t.outcome for t in labelled_outcomes(session, model, world, organisation))
    return found


def test_enough_enquiries_of_both_kinds(outcomes: list[Outcome]) -> None:
    held = [o for o in outcomes if o.true_record_id]
    assert len(held) >= 700
    assert len(outcomes) - len(held) >= 700


def test_no_wrong_person_is_ever_certain(outcomes: list[Outcome]) -> None:
    assert evaluate(outcomes, load_default_model().thresholds).wrong_person_certain == 0


def test_people_we_hold_come_back_certain(outcomes: list[Outcome]) -> None:
    figures = evaluate(outcomes, load_default_model().thresholds)
    assert figures.held_certain_rate >= 0.92
    assert figures.held_certain_or_possible_rate >= 0.97


def test_people_we_do_not_hold_are_almost_never_certain(outcomes: list[Outcome]) -> None:
    figures = evaluate(outcomes, load_default_model().thresholds)
    assert figures.not_held_certain <= figures.not_held / 1000
