"""Asking every partner at once, each within its own deadline, without letting one hold us up.

The fan-out is transport-agnostic: it takes an ``ask`` coroutine per partner (the HTTP client
lives at the edge) and guarantees that (a) every partner ends up with a result, (b) no partner
takes longer than the deadline, and (c) a partner that keeps failing is not asked again until
its circuit breaker lets a trial through, so a dead partner costs nothing on later enquiries.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from singleview.exchange.single_view import Partner, PartnerResult, PartnerState

Ask = Callable[[Partner], Awaitable[PartnerResult]]


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None


@dataclass
class CircuitBreakers:
    """One breaker per partner, kept by the requesting process.

    After ``threshold`` answers in a row that were no answer, the partner's circuit opens and it
    is not asked for ``cool_down`` seconds; then one enquiry is let through as a trial. Breakers
    live in process memory on purpose: they protect this process's deadlines and nothing
    about them must be shared or survive a restart.
    """

    threshold: int = 3
    cool_down: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _circuits: dict[str, _Circuit] = field(default_factory=dict)

    def allows(self, partner: Partner) -> bool:
        """Whether ``partner`` may be asked now."""
        circuit = self._circuits.get(partner.organisation_id)
        if circuit is None or circuit.opened_at is None:
            return True
        if self.clock() - circuit.opened_at >= self.cool_down:
            circuit.opened_at = None  # half-open: this call is the trial
            circuit.failures = self.threshold - 1
            return True
        return False

    def record(self, result: PartnerResult) -> None:
        """Count a failure or clear the partner's record after a real answer."""
        circuit = self._circuits.setdefault(result.partner.organisation_id, _Circuit())
        if result.state is PartnerState.NO_ANSWER:
            circuit.failures += 1
            if circuit.failures >= self.threshold:
                circuit.opened_at = self.clock()
        else:
            circuit.failures = 0
            circuit.opened_at = None


def _no_answer(partner: Partner, started: float, problem: str) -> PartnerResult:
    elapsed = (time.perf_counter() - started) * 1000
    return PartnerResult(partner, PartnerState.NO_ANSWER, elapsed, problem=problem)


async def _ask_within(partner: Partner, ask: Ask, deadline: float) -> PartnerResult:
    started = time.perf_counter()
    try:
        return await asyncio.wait_for(ask(partner), timeout=deadline)
    except TimeoutError:
        return _no_answer(partner, started, f"no answer within {deadline:g} s")
    except Exception as error:
        # One partner's failure must never sink the others' answers.
        return _no_answer(partner, started, f"failed: {type(error).__name__}: {error}")


async def fan_out(
    partners: Iterable[Partner],
    ask: Ask,
    *,
    deadline: float,
    breakers: CircuitBreakers | None = None,
) -> tuple[PartnerResult, ...]:
    """Ask every partner concurrently; the results come back in the partners' order."""
    chosen = list(partners)
    breakers = breakers or CircuitBreakers()

    async def one(partner: Partner) -> PartnerResult:
        if not breakers.allows(partner):
            return PartnerResult(
                partner,
                PartnerState.NO_ANSWER,
                0.0,
                problem="not asked: it failed to answer several times in a row just now",
            )
        result = await _ask_within(partner, ask, deadline)
        breakers.record(result)
        return result

    return tuple(await asyncio.gather(*(one(partner) for partner in chosen)))
