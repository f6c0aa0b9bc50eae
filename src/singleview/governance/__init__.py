"""Governance: sharing policies (load, validate, version, export), the Policy Decision Point,
and the review queue where an IG officer settles what the PDP cannot.

What other capabilities call (the Exchange above all):

- ``load_node_policies`` / ``policy_index``: the node's compiled ``PolicyIndex``;
- ``load_live_policies`` / ``live_policies``: the same, kept current in every worker
  (``LivePolicies.current()`` re-checks the store at most once a second);
- ``load_local_rules``: the responder's suppressions, from its local rules file;
- ``context_from_enquiry``: a ``DecisionContext`` from a validated enquiry and the
  authenticated requester's register entry;
- ``decide`` (or ``PolicyIndex.decide``): the ``Decision``; ``decision_to_dict`` for the log
  and the answer;
- ``submit_for_review``, ``get_review``, ``pending_reviews``, ``approve_review``,
  ``refuse_review``: the review queue.
"""

from singleview.governance.context import RequesterMismatchError, context_from_enquiry
from singleview.governance.live import LivePolicies, live_policies, load_live_policies
from singleview.governance.local_rules import LocalRulesError, load_local_rules
from singleview.governance.models import (
    Consent,
    Decision,
    DecisionContext,
    LocalRules,
    PolicyClaim,
    PolicyRef,
    Reason,
    Suppression,
    decision_from_dict,
    decision_to_dict,
)
from singleview.governance.pdp import PolicyIndex, compile_policies, decide
from singleview.governance.policies import load_node_policies, policy_index
from singleview.governance.review import (
    ReviewAlreadySettledError,
    ReviewItem,
    ReviewNotFoundError,
    approve_review,
    get_review,
    pending_reviews,
    refuse_review,
    submit_for_review,
)

__all__ = [
    "Consent",
    "Decision",
    "DecisionContext",
    "LivePolicies",
    "LocalRules",
    "LocalRulesError",
    "PolicyClaim",
    "PolicyIndex",
    "PolicyRef",
    "Reason",
    "RequesterMismatchError",
    "ReviewAlreadySettledError",
    "ReviewItem",
    "ReviewNotFoundError",
    "Suppression",
    "approve_review",
    "compile_policies",
    "context_from_enquiry",
    "decide",
    "decision_from_dict",
    "decision_to_dict",
    "get_review",
    "live_policies",
    "load_live_policies",
    "load_local_rules",
    "load_node_policies",
    "pending_reviews",
    "policy_index",
    "refuse_review",
    "submit_for_review",
]
