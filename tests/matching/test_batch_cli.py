"""``singleview match batch``: one row per enquiry, incomplete rows answered, never a crash."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from singleview.cli import app
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM


def line(record_id: str, person: dict[str, Any]) -> str:
    return json.dumps({"recordId": record_id, "person": person})


def test_batch_answers_every_enquiry(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text(
        "\n".join(
            [
                line(
                    "R1",
                    {
                        "identifiers": [{"system": NHS_NUMBER_SYSTEM, "value": "9434765919"}],
                        "names": [{"familyName": "Okafor", "givenNames": ["Chioma"]}],
                        "dateOfBirth": {"date": "2014-02-11"},
                        "addresses": [{"line1": "3 Mill Lane", "postcode": "BD4 8XN"}],
                        "sex": "2",
                    },
                ),
                line("R2", {"names": [{"familyName": "Begum", "givenNames": ["Ayesha"]}]}),
                '{"recordId": "R3", "person": {"names": []}}',
            ]
        )
        + "\n",
        "utf-8",
    )
    enquiries = tmp_path / "enquiries.jsonl"
    enquiries.write_text(
        "\n".join(
            [
                # mistyped NHS number: ignored, said so, and the child is still found
                line(
                    "E1",
                    {
                        "identifiers": [{"system": NHS_NUMBER_SYSTEM, "value": "9434765918"}],
                        "names": [{"familyName": "OKAFOR", "givenNames": ["Chioma"]}],
                        "dateOfBirth": {"date": "2014-11-02"},
                        "addresses": [{"line1": "3 Mill Lane", "postcode": "bd48xn"}],
                    },
                ),
                line("E2", {"names": [{"familyName": "Begum"}]}),  # too little to match on
                line(
                    "E3",
                    {
                        "names": [{"familyName": "Nobody", "givenNames": ["Known"]}],
                        "dateOfBirth": {"date": "2001-01-01"},
                    },
                ),
                "not json",
            ]
        )
        + "\n",
        "utf-8",
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app,
        [
            "match",
            "batch",
            "--records",
            str(records),
            "--enquiries",
            str(enquiries),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["enquiry_id"] for r in rows] == ["E1", "E2", "E3", "row-4"]
    by_id = {r["enquiry_id"]: r for r in rows}
    assert by_id["E1"]["best_record_id"] == "R1"
    assert by_id["E1"]["band"] == "certain"
    assert float(by_id["E1"]["probability"]) > 0.99
    assert "Modulus 11" in by_id["E1"]["note"]
    assert by_id["E2"]["band"] == "insufficient"
    assert by_id["E2"]["candidates"] == "0"
    assert by_id["E3"]["band"] == "noMatch"
    assert by_id["E3"]["best_record_id"] == ""
    assert by_id["row-4"]["band"] == "insufficient"
    assert "not valid JSON" in by_id["row-4"]["note"]
    assert "records.jsonl:3" in result.output  # the unreadable record was reported, not fatal


def test_batch_names_a_broken_model_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", "utf-8")
    model = tmp_path / "model.json"
    model.write_text('{"format": "something-else"}', "utf-8")
    result = CliRunner().invoke(
        app,
        [
            "match", "batch", "--records", str(empty), "--enquiries", str(empty),
            "--out", str(tmp_path / "o.csv"), "--model", str(model),
        ],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "model.json" in result.output


def test_calibrate_writes_measured_thresholds_into_the_model(tmp_path: Path) -> None:
    from singleview.matching.model import default_model_path, load_model
    from singleview.records.synth import write_synthetic

    world = tmp_path / "world"
    write_synthetic(world, 505, 1500, ["council-csc", "police"], None, None, 100)
    out = tmp_path / "calibrated.json"
    result = CliRunner().invoke(
        app,
        [
            "match", "calibrate", "--synthetic", str(world),
            "--model", str(default_model_path()), "--out", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrong-person certain 0" in result.output
    calibrated = load_model(out)
    assert "labelled synthetic enquiries" in calibrated.thresholds.how_set
    assert calibrated.comparisons == load_model(default_model_path()).comparisons


def test_batch_reads_the_csv_import_columns(tmp_path: Path) -> None:
    records = tmp_path / "records.csv"
    records.write_text(
        "record_id,nhs_number,family_name,given_names,date_of_birth,sex,address_line1,postcode\n"
        "C1,,Nowak,Olivia,2016-05-04,2,1 High Street,LS6 1AB\n"
        "C2,,Khan,Amir,2011-11-30,1,2 Low Street,BD4 8XN\n",
        "utf-8",
    )
    enquiries = tmp_path / "enquiries.csv"
    enquiries.write_text(
        "record_id,family_name,given_names,date_of_birth,postcode\n"
        "E1,NOWAK,Livvy,2016-04-05,ls61ab\n"
        "E2,Khan,,,\n",
        "utf-8",
    )
    result = CliRunner().invoke(
        app,
        ["match", "batch", "--records", str(records), "--enquiries", str(enquiries), "--out", "-"],
    )
    assert result.exit_code == 0, result.output
    rows = {r["enquiry_id"]: r for r in csv.DictReader(result.stdout.splitlines())}
    assert rows["E1"]["best_record_id"] == "C1"
    assert rows["E1"]["band"] == "certain"
    assert rows["E2"]["band"] == "insufficient"
