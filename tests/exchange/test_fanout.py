from __future__ import annotations

import asyncio

from singleview.exchange.fanout import CircuitBreakers, fan_out
from singleview.exchange.single_view import (
    Partner,
    PartnerResult,
    PartnerState,
    SingleView,
    state_of_answer,
)
from singleview.standards.answer import Answer, DecisionSummary
from singleview.standards.involvement import Involvement, OrganisationContact

PARTNERS = [Partner(f"org-{n}", f"Partner {n}", f"http://127.0.0.1:{9000 + n}") for n in range(4)]


def _known(partner: Partner, *, active: bool, score: float) -> PartnerResult:
    involvement = Involvement(
        episode_type="child-in-need",
        service_type="childrens-social-care",
        status="active" if active else "ended",
        period_start="2024-01-01",
        period_end=None if active else "2024-06-01",
    )
    answer = Answer(
        match=True,
        match_grade="certain",
        score=score,
        contact=OrganisationContact(name=partner.name),
        involvements=(involvement,),
        decision=DecisionSummary(outcome="PERMIT", policy_id="p", policy_version=1),
    )
    return PartnerResult(partner, state_of_answer(answer), 1.0, answer=answer)


def test_a_slow_partner_is_no_answer_not_not_known() -> None:
    async def ask(partner: Partner) -> PartnerResult:
        if partner.organisation_id == "org-1":
            await asyncio.sleep(5)
        answer = Answer(match=False)
        return PartnerResult(partner, state_of_answer(answer), 1.0, answer=answer)

    results = asyncio.run(fan_out(PARTNERS, ask, deadline=0.2))
    states = {r.partner.organisation_id: r.state for r in results}
    assert states["org-1"] is PartnerState.NO_ANSWER
    assert "within 0.2 s" in (results[1].problem or "")
    assert [s for k, s in states.items() if k != "org-1"] == [PartnerState.NOT_KNOWN] * 3


def test_a_failing_partner_does_not_sink_the_others() -> None:
    async def ask(partner: Partner) -> PartnerResult:
        if partner.organisation_id == "org-2":
            raise ConnectionRefusedError("connection refused")
        return _known(partner, active=True, score=9.0)

    results = asyncio.run(fan_out(PARTNERS, ask, deadline=1.0))
    assert [r.state for r in results] == [
        PartnerState.KNOWN,
        PartnerState.KNOWN,
        PartnerState.NO_ANSWER,
        PartnerState.KNOWN,
    ]
    assert "connection refused" in (results[2].problem or "")
    assert results[2].summary.startswith("Did not answer")


def test_circuit_opens_after_repeated_failures_and_lets_a_trial_through() -> None:
    now = [0.0]
    breakers = CircuitBreakers(threshold=2, cool_down=10.0, clock=lambda: now[0])
    calls: list[str] = []

    async def ask(partner: Partner) -> PartnerResult:
        calls.append(partner.organisation_id)
        raise OSError("down")

    only = PARTNERS[:1]
    for _ in range(3):
        asyncio.run(fan_out(only, ask, deadline=1.0, breakers=breakers))
    assert calls == ["org-0", "org-0"]  # the third enquiry did not wait on a dead partner
    now[0] = 11.0
    asyncio.run(fan_out(only, ask, deadline=1.0, breakers=breakers))
    assert calls == ["org-0", "org-0", "org-0"]


def test_call_first_puts_active_involvement_and_surest_match_first() -> None:
    ended = _known(PARTNERS[0], active=False, score=20.0)
    active_low = _known(PARTNERS[1], active=True, score=8.0)
    active_high = _known(PARTNERS[2], active=True, score=15.0)
    silent = PartnerResult(PARTNERS[3], PartnerState.NO_ANSWER, 2.0, problem="timed out")
    view = SingleView("e-1", (ended, active_low, active_high, silent))
    assert [r.partner.organisation_id for r in view.call_first()] == ["org-2", "org-1", "org-0"]
    assert view.in_state(PartnerState.NO_ANSWER) == (silent,)
    assert view.complete
