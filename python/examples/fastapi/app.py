"""A FastAPI backend implementing the server side of Prove's guides with ``AsyncProveClient``:

- Pre-Fill / Prove Identity: ``POST /v1/start``, ``/v1/validate``, ``/v1/challenge``, ``/v1/complete``
- Verified Users: ``POST /v1/verify``, ``/v1/verify-status``
- Unified Authentication: ``POST /v1/unify``, ``/v1/unify-status``, ``/v1/unify-bind``
- Identity Manager: ``POST /v1/identities`` (enroll), ``GET /v1/identities/by-phone/{phone}``
- Webhooks: ``POST /webhooks/prove`` (verified, each delivery accepted once)

Request and response bodies use Prove's wire names (camelCase), so a front end written against
Prove's own samples works unchanged; the SDK validates them before anything is sent. Errors
become JSON ``{"kind", "message", "field", "code"}`` with a status that says whose fault it is.

Run it against the offline sandbox::

    python -m examples.fastapi.app          # from python/, with prove-sdk, fastapi, uvicorn
"""
from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Optional

from fastapi import Body, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from prove_sdk import AsyncProveClient, ProveError, WebhookVerifier
from prove_sdk.webhooks import WebhookNotification

Json = Dict[str, Any]

# Who is at fault, as HTTP statuses of this backend (Prove's own status is in the body's code).
_STATUS = {
    "Validation": 400,
    "StepOutOfOrder": 409,
    "NotFound": 404,
    "RateLimited": 429,
    "Webhook": 401,
    "Auth": 502,
    "Api": 502,
    "Timeout": 504,
    "Transport": 502,
    "Decode": 502,
}


def error_response(e: ProveError) -> JSONResponse:
    headers = {}
    if e.retry_after is not None:
        headers["Retry-After"] = str(max(1, round(e.retry_after)))
    body = {"kind": e.kind, "message": e.message, "field": e.field, "code": e.code}
    return JSONResponse({k: v for k, v in body.items() if v is not None}, _STATUS.get(e.kind, 502), headers)


def create_app(
    client: AsyncProveClient,
    webhook_secrets: List[str],
    on_notification: Optional[Callable[[WebhookNotification], Awaitable[None]]] = None,
) -> FastAPI:
    """The backend, calling Prove through ``client`` and accepting webhooks signed with one of
    ``webhook_secrets``."""
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await client.aclose()

    app = FastAPI(title="Prove guides backend", lifespan=lifespan)
    verifier = WebhookVerifier(webhook_secrets, reject_replays=True)

    @app.exception_handler(ProveError)
    async def prove_error(_: Request, e: Exception) -> Response:
        assert isinstance(e, ProveError)
        return error_response(e)

    # ---- Pre-Fill and Prove Identity ----

    @app.post("/v1/start")
    async def start(body: Json = Body(...)) -> Json:
        started = await client.flow.start(body)
        # The client SDK needs the auth token; the correlation id ties the next steps together.
        return started.to_dict()

    @app.post("/v1/validate")
    async def validate(body: Json = Body(...)) -> Json:
        return (await client.flow.validate(body)).to_dict()

    @app.post("/v1/challenge")
    async def challenge(body: Json = Body(...)) -> Json:
        return (await client.flow.challenge(body)).to_dict()

    @app.post("/v1/complete")
    async def complete(body: Json = Body(...)) -> Json:
        return (await client.flow.complete(body)).to_dict()

    # ---- Verified Users ----

    @app.post("/v1/verify")
    async def verify(body: Json = Body(...)) -> Json:
        if "possessionType" in body:
            return (await client.verified_users.verify_with_possession(body)).to_dict()
        return (await client.verified_users.verify(body)).to_dict()

    @app.post("/v1/verify-status")
    async def verify_status(body: Json = Body(...)) -> Json:
        return (await client.verified_users.verify_status(body)).to_dict()

    # ---- Unified Authentication ----

    @app.post("/v1/unify")
    async def unify(body: Json = Body(...)) -> Json:
        return (await client.unify.unify(body)).to_dict()

    @app.post("/v1/unify-status")
    async def unify_status(body: Json = Body(...)) -> Json:
        return (await client.unify.status(body)).to_dict()

    @app.post("/v1/unify-bind")
    async def unify_bind(body: Json = Body(...)) -> Json:
        return (await client.unify.bind(body)).to_dict()

    # ---- Identity Manager ----

    @app.post("/v1/identities")
    async def enroll(body: Json = Body(...)) -> Json:
        return (await client.identity_manager.enroll(body)).to_dict()

    @app.get("/v1/identities/by-phone/{phone}")
    async def lookup(phone: str) -> Json:
        return (await client.identity_manager.lookup_by_phone(mobile_number=phone)).to_dict()

    # ---- Webhooks ----

    @app.post("/webhooks/prove")
    async def webhook(request: Request) -> Response:
        raw = await request.body()  # the exact bytes: verify before parsing
        payload = verifier.verify(request.headers.get("X-Prove-Authorization"), raw)
        for n in payload.notifications:
            if on_notification is not None:
                await on_notification(n)
        return Response(status_code=204)

    return app


def main() -> None:  # pragma: no cover (manual use)
    import uvicorn

    from prove_sdk.testing import Sandbox

    sandbox = Sandbox()
    secret = os.environ.get("PROVE_WEBHOOK_SECRET", "whsec-demo")
    app = create_app(sandbox.async_client(), [secret])
    print(f"sandbox at {sandbox.base_url}; webhook secret {secret!r}")
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))


if __name__ == "__main__":  # pragma: no cover
    main()
