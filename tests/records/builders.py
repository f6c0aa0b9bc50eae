"""Import files for the records tests: well-formed people, and ways to break a line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NHS = "https://fhir.nhs.uk/Id/nhs-number"
#: Valid NHS numbers (Modulus 11 check digit correct).
NHS_NUMBERS = ("9434765919", "9434765870", "4010232137", "9990001235", "9990005672")


def person_json(index: int) -> dict[str, Any]:
    """A complete, well-formed record line, different for each ``index``."""
    return {
        "recordId": f"R-{index:04d}",
        "person": {
            "identifiers": [{"system": NHS, "value": NHS_NUMBERS[index % len(NHS_NUMBERS)]}],
            "names": [
                {
                    "familyName": f"Family{index}",
                    "givenNames": ["Alex", f"Given{index}"],
                    "preferredNames": ["Al"],
                    "use": "official",
                },
                {"familyName": f"Before{index}", "givenNames": ["Alex"], "use": "maiden"},
            ],
            "dateOfBirth": {"date": f"20{10 + index % 10}-0{1 + index % 9}-1{index % 10}"},
            "addresses": [
                {"line1": f"{index} High Street", "city": "Leeds", "postcode": "LS1 4AP"},
                {
                    "line1": "2 Old Road",
                    "postcode": "M1 1AE",
                    "use": "old",
                    "periodStart": "2012-01-01",
                    "periodEnd": "2019-12-31",
                },
            ],
            "gender": "2" if index % 2 else "1",
            "sex": "2" if index % 2 else "1",
        },
        "involvements": [
            {
                "episodeType": "child-in-need",
                "serviceType": "childrens-social-care",
                "status": "active",
                "periodStart": "2024-01-02",
                "professional": {
                    "name": "Sam Worker",
                    "role": "social-worker",
                    "telecom": [{"system": "phone", "value": "0113 000 0000", "use": "work"}],
                },
            },
            {
                "episodeType": "early-help-plan",
                "serviceType": "early-help",
                "status": "ended",
                "periodStart": "2022-01-02",
                "periodEnd": "2022-06-30",
            },
        ],
    }


def sparse_json(record_id: str) -> dict[str, Any]:
    """Well-formed but missing a given name, date of birth, NHS number and address."""
    return {"recordId": record_id, "person": {"names": [{"familyName": "Sparse"}]}}


def write_jsonl(path: Path, lines: list[dict[str, Any] | str]) -> Path:
    """Write records (dicts) or raw text lines as a JSON Lines file."""
    text = "".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines)
    path.write_text(text, encoding="utf-8")
    return path


CSV_HEADER = (
    "record_id,nhs_number,family_name,given_names,preferred_name,previous_family_names,"
    "date_of_birth,date_of_birth_accuracy,gender,sex,address_line1,city,postcode,"
    "episode_type,service_type,involvement_start,involvement_end,professional_name,"
    "professional_role,professional_phone"
)


def csv_rows(index: int) -> list[str]:
    """Two rows (two involvements) for one well-formed person."""
    person = (
        f"C-{index:04d},{NHS_NUMBERS[index % 5]},Family{index},Alex Given{index},Al,Before{index},"
        f"2015-05-1{index % 10},AAA,2,2,{index} High Street,Leeds,LS1 4AP"
    )
    return [
        f"{person},child-in-need,childrens-social-care,2024-01-02,,Sam Worker,social-worker,0113",
        f"{person},early-help-plan,early-help,2022-01-02,2022-06-30,,,",
    ]


def write_csv(path: Path, rows: list[str], header: str = CSV_HEADER) -> Path:
    """Write a CSV file with the given header and rows."""
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path
