"""``singleview records ...`` end to end through the real Typer app and a real database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from singleview.cli import app
from tests.records.builders import csv_rows, person_json, sparse_json, write_csv, write_jsonl

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["records", *args])
    return result.exit_code, result.stdout, result.stderr


def test_import_show_stats_and_export(database_url: str, tmp_path: Path) -> None:
    people = write_jsonl(tmp_path / "people.jsonl", [person_json(1), sparse_json("S-1")])
    code, out, _ = run("import", str(people), "--database-url", database_url)
    assert code == 0
    assert "Imported 2 people (2 involvements) from people.jsonl." in out
    assert "missing NHS number: 1" in out
    assert "e.g. people.jsonl:2 record S-1" in out

    code, out, _ = run(
        "import", str(write_csv(tmp_path / "c.csv", csv_rows(4))), "--database-url", database_url
    )
    assert (code, "Imported 1 people (2 involvements) from c.csv." in out) == (0, True)

    code, out, _ = run("show", "R-0001", "--database-url", database_url)
    assert code == 0
    shown = json.loads(out)
    assert shown["person"]["names"][1]["use"] == "maiden"
    assert shown["involvements"][0]["professional"]["name"] == "Sam Worker"

    code, _, err = run("show", "nobody", "--database-url", database_url)
    assert code == 1
    assert "no person is held under record id 'nobody'" in err

    code, out, _ = run("stats", "--database-url", database_url)
    assert code == 0
    assert "people: 3" in out
    assert "without NHS number: 1" in out
    assert "childrens-social-care / child-in-need / active: 2" in out

    exported = tmp_path / "export.jsonl"
    code, _, _ = run("export", "--out", str(exported), "--database-url", database_url)
    assert code == 0
    ids = [json.loads(line)["recordId"] for line in exported.read_text().splitlines()]
    assert ids == ["C-0004", "R-0001", "S-1"]
    code, out, _ = run("export", "--database-url", database_url)
    assert out == exported.read_text()


def test_a_bad_file_exits_non_zero_listing_every_problem(database_url: str, tmp_path: Path) -> None:
    rows = [person_json(1), {**person_json(2), "person": {"names": []}}, "not json"]
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    code, out, err = run("import", str(path), "--database-url", database_url)
    assert code == 1
    assert "bad.jsonl: nothing was imported: 2 problem(s)" in err
    assert "bad.jsonl:2: person.names:" in err
    assert "bad.jsonl:3: (line): not valid JSON" in err
    code, out, _ = run("stats", "--database-url", database_url)
    assert "people: 0" in out


def test_an_unknown_extension_is_refused(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "people.txt"
    path.write_text("x\n")
    code, _, err = run("import", str(path), "--database-url", database_url)
    assert code == 2
    assert "people.txt: cannot tell the format" in err


def test_contact_set_and_show(database_url: str) -> None:
    code, _, err = run("contact", "show", "--database-url", database_url)
    assert code == 1
    assert "no contact details are set" in err
    code, out, _ = run(
        "contact", "set", "--name", "Leeds Front Door", "--phone", "0113 222 4403",
        "--email", "frontdoor@leeds.gov.uk", "--address-line", "Merrion House",
        "--city", "Leeds", "--postcode", "LS2 8BB", "--database-url", database_url,
    )  # fmt: skip
    assert code == 0
    code, out, _ = run("contact", "show", "--database-url", database_url)
    shown = json.loads(out)
    assert shown["name"] == "Leeds Front Door"
    assert [t["system"] for t in shown["telecom"]] == ["phone", "email"]
    assert shown["address"][0]["postcode"] == "LS2 8BB"
