"""Where GOV.UK Frontend comes from, and the Jinja environment the pages are rendered with.

GOV.UK Frontend is installed by the project's own set-up (``npm ci`` from the committed
``package-lock.json``) into ``node_modules/``; the node serves its script and images from there
rather than from a copy kept in git, so an upgrade is one line in ``package.json``.

Its stylesheet is not the package's precompiled one: that uses GDS Transport, a font licensed
only for services on gov.uk, which a council or police node may not use. The set-up builds our
own from GOV.UK Frontend's Sass source with the system font stack (``npm run build:css``, see
``styles/govuk-frontend.scss``) into ``build/web/``; without it a node serves no pages
and its log says why (it still answers enquiries).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from fastapi.templating import Jinja2Templates

from singleview.standards.vocabulary import label_of

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
NODE_MODULES_ENV = "SINGLEVIEW_NODE_MODULES"
# src/singleview/web/frontend.py -> the project folder holding package.json
PROJECT = Path(__file__).resolve().parents[3]
STYLESHEET_SOURCE = Path("src/singleview/web/styles/govuk-frontend.scss")
STYLESHEET = Path("build/web/govuk-frontend.css")


class FrontendMissingError(RuntimeError):
    """GOV.UK Frontend is not installed where the node looks for it."""


def node_modules() -> Path:
    """The ``node_modules`` folder: ``$SINGLEVIEW_NODE_MODULES`` or the project's own."""
    override = os.environ.get(NODE_MODULES_ENV)
    if override:
        return Path(override)
    return PROJECT / "node_modules"


def govuk_frontend_dist() -> Path:
    """GOV.UK Frontend's ``dist/govuk`` folder; ``FrontendMissingError`` says how to install it."""
    dist = node_modules() / "govuk-frontend" / "dist" / "govuk"
    if not (dist / "govuk-frontend.min.js").is_file():
        raise FrontendMissingError(
            f"{dist}: GOV.UK Frontend is not installed; run scripts/bootstrap.sh (npm ci) in "
            f"the project folder, or set {NODE_MODULES_ENV} to a node_modules folder holding it"
        )
    return dist


def govuk_stylesheet(project: Path = PROJECT, modules: Path | None = None) -> Path:
    """The GOV.UK Frontend stylesheet the set-up built with system fonts.

    ``FrontendMissingError`` if it is missing or older than what it is built from (its Sass
    source, ``package.json`` with the build command, the installed packages): a stale one
    would silently serve yesterday's styles. ``scripts/bootstrap.sh`` rebuilds it by the same
    rule.
    """
    stylesheet = project / STYLESHEET
    inputs = (
        project / STYLESHEET_SOURCE,
        project / "package.json",
        (modules or node_modules()) / ".package-lock.json",
    )
    how = "run scripts/bootstrap.sh (or npm run build:css) in the project folder"
    if not stylesheet.is_file():
        raise FrontendMissingError(
            f"{stylesheet}: the GOV.UK Frontend stylesheet is not built; {how}"
        )
    built = stylesheet.stat().st_mtime
    for source in inputs:
        if source.is_file() and source.stat().st_mtime > built:
            raise FrontendMissingError(
                f"{stylesheet}: older than {source}, which it is built from; {how}"
            )
    return stylesheet


def _date(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%-d %B %Y at %H:%M UTC")
    return value.strftime("%-d %B %Y")


def _label(code: str, scheme: str) -> str:
    return label_of(scheme, code)


def templates() -> Jinja2Templates:
    """The page templates, with the filters they use."""
    env = Jinja2Templates(directory=str(TEMPLATES))
    env.env.filters["govuk_date"] = _date
    env.env.filters["label"] = _label
    env.env.globals["service_name"] = "Singleview"
    return env
