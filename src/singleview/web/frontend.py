"""Where GOV.UK Frontend comes from, and the Jinja environment the pages are rendered with.

GOV.UK Frontend is installed by the project's own set-up (``npm ci`` from the committed
``package-lock.json``) into ``node_modules/``; the node serves its ``dist`` files from there
rather than from a copy kept in git, so an upgrade is one line in ``package.json``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from fastapi.templating import Jinja2Templates

from singleview.standards.vocabulary import load_vocabulary

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
NODE_MODULES_ENV = "SINGLEVIEW_NODE_MODULES"


class FrontendMissingError(RuntimeError):
    """GOV.UK Frontend is not installed where the node looks for it."""


def node_modules() -> Path:
    """The ``node_modules`` folder: ``$SINGLEVIEW_NODE_MODULES`` or the project's own."""
    override = os.environ.get(NODE_MODULES_ENV)
    if override:
        return Path(override)
    # src/singleview/web/frontend.py -> the project folder holding package.json
    return Path(__file__).resolve().parents[3] / "node_modules"


def govuk_frontend_dist() -> Path:
    """GOV.UK Frontend's ``dist/govuk`` folder; ``FrontendMissingError`` says how to install it."""
    dist = node_modules() / "govuk-frontend" / "dist" / "govuk"
    if not (dist / "govuk-frontend.min.css").is_file():
        raise FrontendMissingError(
            f"{dist}: GOV.UK Frontend is not installed; run scripts/bootstrap.sh (npm ci) in "
            f"the project folder, or set {NODE_MODULES_ENV} to a node_modules folder holding it"
        )
    return dist


def _date(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%-d %B %Y at %H:%M UTC")
    return value.strftime("%-d %B %Y")


def _label(code: str, scheme: str) -> str:
    concept = load_vocabulary(scheme).get(code)
    return concept.pref_label if concept else code


def templates() -> Jinja2Templates:
    """The page templates, with the filters they use."""
    env = Jinja2Templates(directory=str(TEMPLATES))
    env.env.filters["govuk_date"] = _date
    env.env.filters["label"] = _label
    env.env.globals["service_name"] = "Singleview"
    return env
