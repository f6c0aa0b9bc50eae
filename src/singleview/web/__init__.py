"""The node's web pages for practitioners, IG officers and administrators (GOV.UK Frontend).

What other capabilities call:

- ``mount(app, node)``: serve every page from a node's FastAPI app, given a ``WebNode``;
- ``WebNode``: the handles the pages need (database, audit log, register, the exchange);
- ``EnquiryService``: the three calls the practitioner's pages make on the exchange;
- ``add_user`` and ``demo_accounts``: accounts, e.g. one per role for the demo network.
"""

from singleview.web.accounts import ROLES, AccountError, Role, User, add_user, list_users
from singleview.web.app import mount
from singleview.web.demo import DemoAccount, demo_accounts
from singleview.web.enquiries import (
    Contact,
    EnquiryPage,
    EnquiryRequest,
    EnquiryService,
    InvolvementLine,
    PartnerLine,
)
from singleview.web.node import WebNode

__all__ = [
    "ROLES",
    "AccountError",
    "Contact",
    "DemoAccount",
    "EnquiryPage",
    "EnquiryRequest",
    "EnquiryService",
    "InvolvementLine",
    "PartnerLine",
    "Role",
    "User",
    "WebNode",
    "add_user",
    "demo_accounts",
    "list_users",
    "mount",
]
