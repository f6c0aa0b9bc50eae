"""The candidate index on SQLite and PostgreSQL, fed through the records capability."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from singleview.db import Base, create_engine, session_factory
from singleview.matching.bands import Band
from singleview.matching.model import load_default_model
from singleview.matching.service import index_callback, match, rebuild_index
from singleview.matching.standardise import StandardisedPerson, standardise
from singleview.matching.storage import (
    find_candidates,
    index_people,
    indexed_count,
    remove_people,
)
from singleview.records.models import StoredPerson
from singleview.records.service import import_records
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM
from singleview.standards.person import Person


def person(
    given: str = "Oliver",
    family: str = "Smith",
    dob: str | None = "2015-03-07",
    postcode: str | None = "LS6 1AB",
    nhs: str | None = None,
) -> Person:
    data: dict[str, Any] = {"names": [{"familyName": family, "givenNames": [given]}], "sex": "1"}
    if dob:
        data["dateOfBirth"] = {"date": dob}
    if postcode:
        data["addresses"] = [{"line1": "1 High Street", "postcode": postcode}]
    if nhs:
        data["identifiers"] = [{"system": NHS_NUMBER_SYSTEM, "value": nhs}]
    return Person.model_validate(data)


def enquiry(*args: Any, **fields: Any) -> StandardisedPerson:
    return standardise("enquiry", person(*args, **fields))


def ids(people: list[StandardisedPerson]) -> set[str]:
    return {p.record_id for p in people}


def test_migration_creates_exactly_the_models_tables(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    ours = [d for d in diff if "matching_" in repr(d)]
    assert ours == []
    engine.dispose()


def test_each_blocking_rule_finds_its_record(database_url: str) -> None:
    engine = create_engine(database_url)
    with session_factory(engine)() as session:
        index_people(
            session,
            [
                standardise("nhs", person("Zed", "Quill", "2001-01-01", None, nhs="9434765919")),
                standardise("dob", person("Amelia", "Hughes", "2012-04-09", None)),
                standardise("home", person("Noah", "Begum", "2010-10-10", "M14 5HJ")),
                standardise("sound", person("Ava", "Smith", "2014-06-21", None)),
                standardise("unrelated", person("Ivy", "Patel", "2019-02-02", "B12 9PQ")),
            ],
        )
        session.commit()
        assert indexed_count(session) == 5
        # NHS number alone, everything else wrong
        assert ids(find_candidates(session, enquiry(nhs="9434765919", family="X"))) == {"nhs"}
        # name and date with day and month swapped, through a nickname
        assert ids(find_candidates(session, enquiry("Millie", "Hughes", "2012-09-04", None))) == {
            "dob"
        }
        # postcode and initial, with a wrong date of birth
        assert ids(find_candidates(session, enquiry("Noah", "Begum", "2011-01-01", "M14 5HJ"))) == {
            "home"
        }
        # sound-alike family name, same initial and year, different day
        assert ids(find_candidates(session, enquiry("Ava", "Smyth", "2014-07-22", None))) == {
            "sound"
        }
        assert find_candidates(session, enquiry("Nobody", "Known", "2000-01-01", "SW9 8RS")) == []
    engine.dispose()


def test_a_key_shared_by_too_many_records_is_skipped(database_url: str) -> None:
    engine = create_engine(database_url)
    with session_factory(engine)() as session:
        twins = [
            standardise(f"r{i}", person("Oliver", f"Family{i}", None, "LS6 1AB")) for i in range(6)
        ]
        index_people(session, twins)
        session.commit()
        probe = enquiry("Oliver", "Other", None, "LS6 1AB")
        assert len(find_candidates(session, probe)) == 6
        assert find_candidates(session, probe, key_cap=5) == []
        assert len(find_candidates(session, probe, max_candidates=2)) == 2
    engine.dispose()


def test_reindexing_replaces_and_removing_forgets(database_url: str) -> None:
    engine = create_engine(database_url)
    with session_factory(engine)() as session:
        index_people(session, [standardise("r1", person("Oliver", "Smith"))])
        index_people(session, [standardise("r1", person("Ivy", "Jones", "2019-02-02", None))])
        session.commit()
        assert indexed_count(session) == 1
        assert find_candidates(session, enquiry("Oliver", "Smith")) == []
        found = find_candidates(session, enquiry("Ivy", "Jones", "2019-02-02", None))
        assert [p.family for p in found] == ["jones"]
        remove_people(session, ["r1"])
        session.commit()
        assert indexed_count(session) == 0
    engine.dispose()


def test_records_import_keeps_the_index_in_step_and_match_finds_the_child(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    model = load_default_model()
    with session_factory(engine)() as session:
        stored = [
            StoredPerson(record_id="C1", person=person("Olivia", "Nowak", "2016-05-04", "LS6 1AB")),
            StoredPerson(record_id="C2", person=person("Jakub", "Nowak", "2014-01-09", "LS6 1AB")),
            StoredPerson(record_id="C3", person=person("Amir", "Khan", "2011-11-30", "BD4 8XN")),
        ]
        import_records(session, stored, index_callback(session))
        session.commit()
        assert indexed_count(session) == 3

        found = match(session, person("Livvy", "Nowak", "2016-04-05", "LS6 1AB"), model)
        assert found.band is Band.CERTAIN
        assert found.releasable_record_id == "C1"
        assert found.candidates_considered >= 2  # the brother was considered...
        assert found.candidates[0].record_id == "C1"
        brother = next(c for c in found.candidates if c.record_id == "C2")
        assert brother.ruled_out_of_certain  # ...and ruled out: his given name differs
        explanation = found.explanation()
        assert explanation["band"] == "certain"
        bars = {row["bar"]: row for row in explanation["waterfall"]}
        assert bars["date_of_birth"]["level"] == "day and month swapped"
        assert bars["given_name"]["level"] == "same name once nicknames are resolved"
        assert "day and month swapped" in found.explain_text()

        unknown = match(session, person("Freya", "Okafor", "2013-02-01", "NE4 7WX"), model)
        assert unknown.band is Band.NO_MATCH
        assert unknown.releasable_record_id is None

        thin = match(session, person("Amir", "Khan", None, None), model)
        assert thin.band is Band.INSUFFICIENT
        assert thin.candidates_considered == 0

        # A twin sister held too: two plausible children, so contact only, never involvements.
        twin = StoredPerson(record_id="C4", person=person("Maja", "Nowak", "2016-05-04", "LS6 1AB"))
        import_records(session, [twin], index_callback(session))
        session.commit()
        both = match(session, person("Olivia", "Nowak", "2016-05-04", "LS6 1AB"), model)
        assert both.band is Band.MULTIPLE_MATCHES
        assert both.releasable_record_id is None
        assert both.match_grade == "possible"

        assert rebuild_index(session) == 4
        session.commit()
        assert indexed_count(session) == 4
    engine.dispose()
