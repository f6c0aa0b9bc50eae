"""``singleview records synth``: write a synthetic world to a folder and summarise it."""

from __future__ import annotations

import time
from dataclasses import fields
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from singleview.records.synth.errors import ENQUIRY_ERROR_RATES, ErrorRates, ErrorTally
from singleview.records.synth.organisations import ORGANISATIONS_BY_KEY
from singleview.records.synth.world import SynthSummary, organisation_profiles, write_synthetic


def synth_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write (created if need be).")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files.")] = 1,
    people: Annotated[int, typer.Option("--people", min=1, help="How many people.")] = 10_000,
    organisations: Annotated[
        str | None,
        typer.Option(
            "--organisations",
            help=f"Comma-separated, from: {', '.join(ORGANISATIONS_BY_KEY)} (default all).",
        ),
    ] = None,
    enquiries: Annotated[
        int, typer.Option("--enquiries", min=0, help="Enquiries per organisation.")
    ] = 1000,
    error_scale: Annotated[
        float, typer.Option("--error-scale", min=0.0, help="Multiply every error rate by this.")
    ] = 1.0,
) -> None:
    """Generate a synthetic population, each organisation's records of it, enquiries and
    the ground truth (population.jsonl, <organisation>.jsonl, truth.csv, enquiries-*)."""
    keys = [k.strip() for k in organisations.split(",") if k.strip()] if organisations else None
    try:
        organisation_profiles(keys)
    except KeyError as error:
        raise typer.BadParameter(str(error.args[0]), param_hint="--organisations") from error
    rates = ErrorRates().scaled(error_scale)
    enquiry_rates = ENQUIRY_ERROR_RATES.scaled(error_scale)
    console = Console()
    started = time.perf_counter()
    with console.status(f"Generating {people:,} people into {out} ..."):
        summary = write_synthetic(out, seed, people, keys, rates, enquiry_rates, enquiries)
    seconds = time.perf_counter() - started
    console.print(f"Wrote {summary.people:,} people to {out} in {seconds:.1f} s (seed {seed}).")
    console.print(_counts_table(summary))
    console.print(_rates_table(summary, rates, enquiry_rates))


def _counts_table(summary: SynthSummary) -> Table:
    table = Table(title="Records and enquiries per organisation")
    table.add_column("organisation")
    table.add_column("records", justify="right")
    table.add_column("share of people", justify="right")
    table.add_column("NHS number missing", justify="right")
    table.add_column("enquiries", justify="right")
    for key, count in summary.records.items():
        profile = ORGANISATIONS_BY_KEY[key]
        observed = summary.tallies[key].observed("nhs-number-missing")
        missing = f"{_percent(observed)} (set {profile.nhs_number_missing:.0%})"
        share = f"{count / summary.people:.1%}"
        table.add_row(key, f"{count:,}", share, missing, f"{summary.enquiries.get(key, 0):,}")
    return table


def _rates_table(summary: SynthSummary, rates: ErrorRates, enquiry_rates: ErrorRates) -> Table:
    records, enquiries = ErrorTally(), ErrorTally()
    for key, tally in summary.tallies.items():
        (enquiries if key.startswith("enquiries-") else records).merge(tally)
    table = Table(title="Error rates where the error was possible (configured → observed)")
    table.add_column("error", no_wrap=True)
    table.add_column("records: set", justify="right")
    table.add_column("observed", justify="right")
    table.add_column("enquiries: set", justify="right")
    table.add_column("observed", justify="right")
    for field in fields(ErrorRates):
        kind = field.name.replace("_", "-")
        record_rate = (
            "per organisation"
            if kind == "nhs-number-missing"
            else _percent(getattr(rates, field.name))
        )
        table.add_row(
            kind,
            record_rate,
            _percent(records.observed(kind)),
            _percent(getattr(enquiry_rates, field.name)),
            _percent(enquiries.observed(kind)),
        )
    return table


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.2%}"
