"""Exchange rows that storage tests start from: one sent enquiry with one partner waiting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

import singleview.exchange.storage as storage


def add_waiting_partner(session: Session, now: dt.datetime, **partner: Any) -> None:
    """Enquiry ``e1`` from a social worker, with the police waiting for review, due ``now``."""
    session.add(
        storage.SentEnquiryRow(
            id="e1",
            practitioner_id="sw-1",
            practitioner_name="Alex",
            practitioner_role="social-worker",
            purpose="s47-enquiry",
            enquiry="{}",
            started_at=now,
            deadline_seconds=5.0,
        )
    )
    session.flush()
    session.add(
        storage.PartnerAnswerRow(
            enquiry_id="e1",
            partner_id="police",
            position=0,
            partner_name="Police",
            endpoint="http://127.0.0.1:1",
            state="waiting-for-review",
            next_poll_at=now,
            updated_at=now,
            **partner,
        )
    )
