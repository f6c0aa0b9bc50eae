"""The node's HTTP edge: the FHIR operation, the poll URL, metadata, audit proofs and the API.

Run it with ``singleview node serve --config FILE`` (uvicorn, several workers if asked); each
worker builds its app with ``app_from_environment``, which reads the configuration file named
by ``SINGLEVIEW_NODE_CONFIG``.
"""

# No "from __future__ import annotations": FastAPI must see the Depends() on the verifier
# created inside create_app.

import asyncio
import datetime as dt
import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Annotated, Any

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi import Path as PathParameter
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from pydantic.alias_generators import to_camel
from starlette.concurrency import run_in_threadpool

from singleview.audit.http import audit_router
from singleview.exchange.api import EnquiryRequest
from singleview.exchange.metadata import capability_statement, operation_definition
from singleview.exchange.node import Node, open_node_from_file
from singleview.exchange.requester import (
    NothingToAskError,
    get_enquiry,
    list_enquiries,
    start_enquiry,
    start_poller,
    stop_background,
)
from singleview.exchange.responder import Prepared, Reply, answer_held, prepare_answer
from singleview.group_commit import GroupCommit
from singleview.settings import get_settings
from singleview.standards.enquiry import NO_CONTROL_CHARACTERS, REFERENCE_MAX_LENGTH
from singleview.standards.fhir import operation_outcome, parse_enquiry, to_json
from singleview.standards.issues import InvalidInput
from singleview.trust.signing import VerifiedRequest, ensure_requester_matches
from singleview.trust.verification import RequestVerifier
from singleview.web.exchange_link import mount_on_node

FHIR_JSON = "application/fhir+json"
# The API's parameters, held to what the database can look up (PostgreSQL cannot look up a NUL,
# and answered 500): anything else is a 422 naming the parameter.
EnquiryId = Annotated[
    str, PathParameter(max_length=REFERENCE_MAX_LENGTH, pattern=NO_CONTROL_CHARACTERS)
]
PractitionerId = Annotated[
    str, Query(min_length=1, max_length=REFERENCE_MAX_LENGTH, pattern=NO_CONTROL_CHARACTERS)
]


def _fhir(content: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status, media_type=FHIR_JSON)


#: What a FHIR client is told when the node fails in a way no rule foresaw. Nothing about the
#: fault (it may name tables or records); the traceback goes to the node's own log.
UNEXPECTED_FAILURE = {
    "resourceType": "OperationOutcome",
    "issue": [
        {
            "severity": "fatal",
            "code": "exception",
            "details": {
                "text": "This node could not answer because of a fault on its side. Nothing was "
                "released. Try again later; its operators have the details in their log."
            },
        }
    ],
}


async def _unexpected_failure(request: Request, _error: Exception) -> Response:
    """A 500 as an OperationOutcome on the FHIR routes (Starlette then re-raises the error, so
    the server still logs it); elsewhere the usual plain 500."""
    if request.url.path.startswith("/fhir/"):
        return _fhir(UNEXPECTED_FAILURE, 500)
    return Response("Internal Server Error", status_code=500, media_type="text/plain")


def create_app(
    node: Node, *, manage_node: bool = True, lane: CapacityLimiter | None = None
) -> FastAPI:
    """The node's FastAPI app. With ``manage_node`` it refreshes the register, polls partners'
    reviews and closes the node when the app stops. ``lane``: share one enquiry lane between
    several nodes served by one process (they share its interpreter lock too)."""
    config = node.config
    base = config.public_base_url
    # Enquiries (and their replay-cache writes) take turns in a lane of their own, a few at a
    # time, rather than spreading over the default thread pool (see enquiry_lane_width).
    lane = lane or CapacityLimiter(config.enquiry_lane_width())
    # Answers finished at about the same time share one audit-log transaction.
    group_commit = GroupCommit(node.audit.append_batch, lane)
    verifier = RequestVerifier(
        node_id=node.organisation_id,
        register=node.register,
        engine=node.engine,
        node_key=node.key,
        public_base_url=base,
        limiter=lane,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if not manage_node:
            yield
            return
        refresh = dt.timedelta(seconds=config.register_refresh_seconds)
        task = asyncio.create_task(node.register.keep_fresh(refresh))
        start_poller(node)
        # What is loaded by now (FHIR models, policies, the ORM) lives as long as the worker:
        # about 170,000 objects, which every full collection walked, pausing every enquiry
        # under way for 110-160 ms (measured). Frozen, the collector leaves them alone.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
            await run_in_threadpool(stop_background, node)
            node.close()

    app = FastAPI(
        title=f"singleview node {node.organisation_id}",
        description="Answers and asks multi-agency safeguarding enquiries (MAIS profile).",
        lifespan=lifespan,
    )
    verifier.install(app)
    app.add_exception_handler(Exception, _unexpected_failure)
    app.include_router(audit_router(node.audit))

    def held_url(held_id: str) -> str:
        return f"{base}/fhir/enquiry/{held_id}"

    def signed(signer: VerifiedRequest, reply: Reply) -> Response:
        return verifier.answer(signer, reply.content, reply.status, headers=reply.headers)

    @app.post(
        "/fhir/Patient/$person-info-query",
        tags=["fhir"],
        summary="Do you know this person, and who should we call?",
    )
    async def person_info_query(
        request: Request, signer: Annotated[VerifiedRequest, Depends(verifier.authenticated)]
    ) -> Response:
        """The profile's operation: a signed FHIR Parameters enquiry in, a signed answer out."""
        body = await request.body()
        try:
            enquiry = parse_enquiry(body)
        except InvalidInput as error:
            await to_thread.run_sync(verifier.first_use, signer, limiter=lane)
            return verifier.answer(signer, to_json(operation_outcome(error.issues)), 400)
        if enquiry.requester is not None:
            ensure_requester_matches(signer, enquiry.requester)

        def first_use_then_prepare() -> Prepared:
            # The replay check and the answer in one turn of the lane (see authenticated).
            verifier.first_use(signer)
            return prepare_answer(
                node,
                signer.organisation,
                enquiry,
                request_id=enquiry.request_id or signer.jti,
                held_url=held_url,
            )

        prepared = await to_thread.run_sync(first_use_then_prepare, limiter=lane)
        receipt = await group_commit.submit(prepared.entry)
        return signed(signer, prepared.finish(receipt))

    @app.get("/fhir/enquiry/{held_id}", tags=["fhir"], summary="Poll an enquiry held for review")
    async def held_enquiry(
        held_id: str, signer: Annotated[VerifiedRequest, Depends(verifier)]
    ) -> Response:
        """202 while our IG officer decides, then the final 200 or 403 (signed)."""
        reply = await run_in_threadpool(
            answer_held, node, signer.organisation.id, held_id, held_url=held_url(held_id)
        )
        return signed(signer, reply)

    @app.get("/fhir/metadata", tags=["fhir"], summary="CapabilityStatement")
    def metadata() -> JSONResponse:
        """What this node offers: the $person-info-query operation on Patient."""
        me = node.register.current().find(node.organisation_id)
        return _fhir(capability_statement(base, me.name if me else None))

    @app.get(
        "/fhir/OperationDefinition/person-info-query",
        tags=["fhir"],
        summary="OperationDefinition",
    )
    def definition() -> JSONResponse:
        """The definition of the $person-info-query operation."""
        return _fhir(operation_definition())

    @app.get("/health", tags=["node"])
    def health() -> dict[str, Any]:
        """Whether the node holds a usable register copy (it refuses all exchange if not)."""
        status = node.register.status()
        return {
            "organisation": node.organisation_id,
            "registerUsable": status.usable,
            "registerSerial": status.serial,
            # Which worker process answered: for the on-call engineer, and to see that
            # connections are spread across workers.
            "worker": os.getpid(),
        }

    def api_caller(authorization: Annotated[str | None, Header()] = None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token or not config.accepts_token(token):
            raise HTTPException(
                status_code=401,
                detail="a valid API token is required (Authorization: Bearer <token>)",
                headers={"WWW-Authenticate": "Bearer"},
            )

    @app.post(
        "/api/enquiries",
        status_code=202,
        tags=["api"],
        dependencies=[Depends(api_caller)],
        summary="Ask every partner about a person",
    )
    def post_enquiry(request: EnquiryRequest) -> JSONResponse:
        """Start an enquiry; poll ``GET /api/enquiries/{id}`` for the single view."""
        try:
            enquiry_id = start_enquiry(
                node,
                practitioner=request.practitioner,
                person=request.person,
                purpose=request.purpose,
                case_reference=request.case_reference,
                consent=request.consent,
                data_categories=request.data_categories,
            )
        except NothingToAskError as error:
            raise HTTPException(status_code=422, detail=str(error)) from error
        except ValidationError as error:
            # The request's shape was right but the enquiry built from it is not (an unknown
            # data category, a case reference too long): FastAPI's 422, named as sent.
            raise RequestValidationError(
                [
                    {**e, "loc": ("body", *(to_camel(str(p)) for p in e["loc"]))}
                    for e in error.errors()
                ]
            ) from error
        return JSONResponse(
            {"id": enquiry_id, "location": f"/api/enquiries/{enquiry_id}"},
            status_code=202,
            headers={"Location": f"/api/enquiries/{enquiry_id}"},
        )

    @app.get("/api/enquiries/{enquiry_id}", tags=["api"], dependencies=[Depends(api_caller)])
    def enquiry(enquiry_id: EnquiryId) -> JSONResponse:
        """The single view so far: each partner's state, answers, and who to call first."""
        view = get_enquiry(node, enquiry_id)
        if view is None:
            raise HTTPException(status_code=404, detail=f"no enquiry {enquiry_id}")
        return JSONResponse(view.model_dump(mode="json", by_alias=True))

    @app.get("/api/enquiries", tags=["api"], dependencies=[Depends(api_caller)])
    def enquiries(practitioner: PractitionerId) -> JSONResponse:
        """A practitioner's enquiries, newest first."""
        found = list_enquiries(node, practitioner)
        return JSONResponse([s.model_dump(mode="json", by_alias=True) for s in found])

    # The pages for practitioners, IG officers and administrators (GOV.UK Frontend).
    mount_on_node(app, node)
    return app


def app_from_environment() -> FastAPI:
    """The app for one uvicorn worker, from the file ``SINGLEVIEW_NODE_CONFIG`` names."""
    path = get_settings().node_config
    if not path:
        raise RuntimeError("set SINGLEVIEW_NODE_CONFIG to the node's configuration file")
    return create_app(open_node_from_file(Path(path)))
