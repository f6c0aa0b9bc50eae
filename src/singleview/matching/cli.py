"""``singleview match``: train a model, set its thresholds, match files in batch, reindex."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from singleview.db import create_engine, migrate, session_factory
from singleview.matching.batch import index_file, match_all, write_rows
from singleview.matching.calibrate import Outcome, choose_thresholds, evaluate
from singleview.matching.files import UnreadableRow, read_people
from singleview.matching.model import (
    ModelFileError,
    default_model_path,
    load_model,
    save_model,
)
from singleview.matching.standardise import StandardisedPerson
from singleview.matching.synthetic import labelled_outcomes, organisations
from singleview.settings import get_settings

match_app = typer.Typer(help="Find people in the node's records.", no_args_is_help=True)

ModelOption = Annotated[
    Path | None, typer.Option("--model", help="Model file (defaults to the shipped model).")
]
DatabaseOption = Annotated[str | None, typer.Option("--database-url")]


def _model_path(model: Path | None) -> Path:
    return model or default_model_path()


def _readable(path: Path) -> list[StandardisedPerson]:
    people = []
    for item in read_people(path):
        if isinstance(item, UnreadableRow):
            typer.echo(f"skipped {item.where}: {item.reason}", err=True)
        else:
            people.append(item)
    return people


@match_app.command("train")
def train_command(
    out: Annotated[Path, typer.Option("--out", help="Where to write the model file.")],
    records: Annotated[
        list[Path] | None,
        typer.Option("--records", help="Record files (one: deduplicate; several: link them)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    max_pairs: Annotated[
        float, typer.Option("--max-pairs", help="Pairs sampled to estimate u.")
    ] = 5e6,
    keep_thresholds_from: Annotated[
        Path | None,
        typer.Option("--keep-thresholds-from", help="Carry thresholds over from this model."),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Estimate m and u with Splink on the node's own records and write the model file."""
    from singleview.matching.train import train_model

    sources: dict[str, list[StandardisedPerson]] = {}
    if records:
        for path in records:
            sources[path.stem] = _readable(path)
    else:
        from singleview.matching.service import standardise_stored
        from singleview.records.service import iter_people

        engine = create_engine(database_url or get_settings().database_url)
        with session_factory(engine)() as session:
            sources["node"] = [standardise_stored(p) for p in iter_people(session)]
    model = train_model(sources, seed=seed, max_pairs=max_pairs)
    if keep_thresholds_from:
        model = model.with_thresholds(load_model(keep_thresholds_from).thresholds)
    save_model(model, out)
    typer.echo(f"model trained on {model.trained_on['records']} records written to {out}")


@match_app.command("calibrate")
def calibrate_command(
    synthetic: Annotated[Path, typer.Option("--synthetic", help="A `records synth` folder.")],
    model: ModelOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Defaults to overwriting --model.")
    ] = None,
) -> None:
    """Set the certain and possible thresholds from labelled synthetic enquiries."""
    path = _model_path(model)
    loaded = load_model(path)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'calibrate.db'}"
        migrate(url)
        with session_factory(create_engine(url))() as session:
            for organisation in organisations(synthetic):
                outcomes.extend(
                    t.outcome for t in labelled_outcomes(session, loaded, synthetic, organisation)
                )
    thresholds = choose_thresholds(outcomes)
    calibrated = loaded.with_thresholds(thresholds)
    save_model(calibrated, out or path)
    figures = evaluate(outcomes, thresholds)
    typer.echo(
        f"certain >= {thresholds.certain:.12g}, possible >= {thresholds.possible:.6g}; on "
        f"{len(outcomes)} enquiries: held certain {figures.held_certain_rate:.2%}, certain or "
        f"possible {figures.held_certain_or_possible_rate:.2%}, wrong-person certain "
        f"{figures.wrong_person_certain}, unheld certain {figures.not_held_certain}"
    )


@match_app.command("batch")
def batch_command(
    records: Annotated[Path, typer.Option("--records", help="Records file (.jsonl or .csv).")],
    enquiries: Annotated[Path, typer.Option("--enquiries", help="Enquiries, same formats.")],
    out: Annotated[Path, typer.Option("--out", help="CSV, one row per enquiry ('-': stdout).")],
    model: ModelOption = None,
) -> None:
    """Match every enquiry against the records: id, best record, probability, band, candidates."""
    try:
        loaded = load_model(_model_path(model))
    except ModelFileError as error:
        raise typer.BadParameter(str(error), param_hint="--model") from error
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'batch.db'}"
        migrate(url)
        with session_factory(create_engine(url))() as session:
            indexed, skipped = index_file(session, records)
            session.commit()
            for row in skipped:
                typer.echo(f"record skipped {row.where}: {row.reason}", err=True)
            rows = match_all(session, loaded, read_people(enquiries))
            if str(out) == "-":
                written = write_rows(rows, sys.stdout)
            else:
                with out.open("w", newline="", encoding="utf-8") as stream:
                    written = write_rows(rows, stream)
    typer.echo(f"{written} enquiries matched against {indexed} records", err=True)


@match_app.command("reindex")
def reindex_command(database_url: DatabaseOption = None) -> None:
    """Rebuild the matcher's index from the node's records."""
    from singleview.matching.service import rebuild_index

    engine = create_engine(database_url or get_settings().database_url)
    with session_factory(engine)() as session:
        count = rebuild_index(session)
        session.commit()
    typer.echo(f"indexed {count} records")
