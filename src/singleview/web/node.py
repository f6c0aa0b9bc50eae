"""What the web pages need from the node they are served by, gathered in one value.

The pages call other capabilities only through their public functions; this is where those
capabilities' handles (database, audit log, register copy, the exchange) are handed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from singleview.audit import AuditLog
from singleview.audit.signing import PublicKeys
from singleview.standards.enquiry import Enquiry
from singleview.trust.cache import RegisterCache
from singleview.web.enquiries import EnquiryService


def utc_now() -> dt.datetime:
    """The current time in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


@dataclass
class WebNode:
    """The node as its pages see it."""

    organisation_id: str
    organisation_name: str
    engine: Engine
    sessions: sessionmaker[Session]
    audit_log: AuditLog | None = None
    #: The keys the node's audit tree heads are signed with, for ``audit verify``.
    audit_public_keys: PublicKeys | None = None
    register: RegisterCache | None = None
    enquiries: EnquiryService | None = None
    #: The node's own policy folder, where a new version written from the pages is also kept.
    policy_folder: Path | None = None
    #: Called after a new policy version is recorded, so the node decides with it.
    on_policies_changed: Callable[[], None] | None = None
    #: The enquiry behind a review item, so the IG officer sees who it is about.
    held_enquiry: Callable[[str], Enquiry | None] | None = None
    #: Called after an IG officer settles a review, so the exchange can answer the requester.
    on_review_settled: Callable[[str], None] | None = None
    #: Secure cookies need HTTPS; loopback demos run over plain HTTP.
    secure_cookies: bool = False
    #: Unusual volumes: how many enquiries from one requester in 24 hours before an alert, and
    #: how many times its peers' median that must be (``SINGLEVIEW_VOLUME_ALERT_*``).
    volume_alert_floor: int = 10
    volume_alert_factor: float = 3.0
    clock: Callable[[], dt.datetime] = field(default=utc_now)
