"""``singleview vocab``: look at the shipped vocabularies from the command line."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from singleview.standards.vocabulary import (
    UnknownVocabularyError,
    load_vocabulary,
    vocabulary_names,
)

# Shown as CURIEs so the mappings fit a terminal; the files hold the full URIs.
_PREFIXES = {
    "https://w3id.org/dpv#": "dpv:",
    "https://w3id.org/dpv/legal/eu/gdpr#": "eu-gdpr:",
    "https://w3id.org/dpv/pd#": "pd:",
    "https://www.legislation.gov.uk/": "legislation:",
    "http://hl7.org/fhir/": "fhir:",
}

vocab_app = typer.Typer(help="The shipped code lists (SKOS concept schemes).", no_args_is_help=True)


@vocab_app.command("list")
def vocab_list() -> None:
    """List every shipped vocabulary with its number of codes."""
    table = Table(title="Vocabularies")
    table.add_column("Name", style="bold")
    table.add_column("Title")
    table.add_column("Codes", justify="right")
    table.add_column("URI", overflow="fold")
    for name in vocabulary_names():
        scheme = load_vocabulary(name)
        table.add_row(name, scheme.title, str(len(scheme.concepts)), scheme.uri)
    Console().print(table)


@vocab_app.command("show")
def vocab_show(name: str = typer.Argument(..., help="e.g. purposes, legal-bases")) -> None:
    """Show every code in one vocabulary, with its label, definition and mappings."""
    try:
        scheme = load_vocabulary(name)
    except UnknownVocabularyError as error:
        Console(stderr=True).print(f"[red]error:[/red] {error}")
        raise typer.Exit(code=2) from error
    table = Table(title=f"{scheme.title} ({scheme.uri})", show_lines=True)
    table.add_column("Code", style="bold", no_wrap=True)
    table.add_column("Label")
    table.add_column("Definition")
    table.add_column("Maps to", overflow="fold")
    for concept in scheme.concepts:
        mappings = [f"= {_compact(uri)}" for uri in concept.exact_match]
        mappings += [f"~ {_compact(uri)}" for uri in concept.close_match]
        mappings += [f"< {_compact(uri)}" for uri in concept.broad_match]
        mappings += [f"legal basis: {code}" for code in concept.legal_bases]
        label = concept.pref_label
        if concept.safeguarding is not None:
            label += "\n(safeguarding)" if concept.safeguarding else "\n(not safeguarding)"
        table.add_row(concept.code, label, concept.definition, "\n".join(mappings))
    Console().print(table)


def _compact(uri: str) -> str:
    for namespace, prefix in _PREFIXES.items():
        if uri.startswith(namespace):
            return prefix + uri[len(namespace) :]
    return uri
