"""Typed usage of the generated code, for ``mypy --strict`` (never run by the tests).

Run from ``python/``: ``mypy --strict prove_sdk tests/typing_usage.py``. Lines marked
``# type: ignore[...]`` must fail to type-check: strict mode reports an unused ignore, so a
constructor that stopped checking its arguments is caught too.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from prove_sdk._generated.enums import FlowType, KnownFlowType
from prove_sdk._generated.errors import ERROR_CLASSES, ProveError, RateLimitedError, from_details
from prove_sdk._generated.methods import METHODS, MethodInfo
from prove_sdk._generated.models import (
    ChallengeAddress,
    ChallengeIndividual,
    ChallengeResponse,
    StartRequest,
    StartResponse,
)


def models() -> None:
    req = StartRequest(flow_type="mobile", phone_number="2001001695")
    known: KnownFlowType = "desktop"
    newer: FlowType = "a-value-from-a-newer-api"
    StartRequest(flow_type=known)
    StartRequest(flow_type=newer)
    flow: FlowType = req.flow_type
    phone: Optional[str] = req.phone_number
    StartRequest(phone_number="2001001695")  # type: ignore[call-arg]
    StartRequest(flow_type="mobile", phone="x")  # type: ignore[call-arg]
    StartRequest(flow_type="mobile", allow_otp_retry="yes")  # type: ignore[arg-type]
    StartRequest("mobile")  # type: ignore  # keyword-only (the error code differs across mypy versions)
    started = StartResponse.from_dict({"authToken": "t", "correlationId": "c", "next": {}})
    next_steps: Dict[str, str] = started.next
    wire: Dict[str, object] = started.to_dict()
    ok: bool = started == StartResponse.from_dict(wire)
    c = ChallengeResponse.from_dict({"next": {}, "success": True})
    individual: Optional[ChallengeIndividual] = c.individual
    addresses: Optional[List[ChallengeAddress]] = individual.addresses if individual else None
    bad: int = req.phone_number  # type: ignore[assignment]
    del flow, phone, next_steps, ok, addresses, bad


def errors() -> None:
    err = from_details({"kind": "RateLimited", "message": "slow down", "retryAfterMs": 1500})
    if isinstance(err, RateLimitedError):
        delay: Optional[float] = err.retry_after
        del delay
    cls = ERROR_CLASSES["NotFound"]
    e: ProveError = cls("not found", status=404)
    status: Optional[int] = e.status
    ProveError("x", kind="Nope")  # type: ignore[arg-type]
    del status


def methods() -> None:
    m: MethodInfo = METHODS[0]
    started = m.response_type.from_dict({})
    del started


def clients() -> None:
    """The clients' typed surface: method groups, keyword requests, typed results, options."""
    import asyncio
    from typing import AsyncIterator, Iterator

    from prove_sdk import AsyncProveClient, CallOptions, ProveClient, ProveError
    from prove_sdk.models import GetBatchIdentityItem, ValidateResponse
    from prove_sdk.webhooks import WebhookPayload, verify_webhook

    client = ProveClient(client_id="id", client_secret="secret", base_url="http://127.0.0.1:1")
    ProveClient(client_id="id", base_URL="x")  # type: ignore[call-arg]
    ProveClient(client_id="id", timeout_ms="soon")  # type: ignore[arg-type]
    started: StartResponse = client.flow.start(flow_type="mobile", phone_number="2001001695")
    client.flow.start(StartRequest(flow_type="mobile"))
    client.flow.start({"flowType": "mobile", "phoneNumber": "2001001695"})
    client.flow.start(phone_number="2001001695")  # type: ignore[call-overload]
    client.flow.start(flow_type="mobile", phone="x")  # type: ignore[call-overload]
    options: CallOptions = {"timeout_ms": 500, "retries": 0}
    validated: ValidateResponse = client.flow.validate(
        correlation_id=started.correlation_id, options=options
    )
    ok: bool = validated.success
    pages: Iterator[GetBatchIdentityItem] = client.identity_manager.list(limit=10)
    client.identity_manager.lookup_by_phone(mobile_number="2001004031")
    client.nope  # type: ignore[attr-defined]
    payload: WebhookPayload = verify_webhook("Bearer x", b"{}", ["secret"])
    with ProveClient.from_env(timeout_ms=1000) as scoped:
        scoped.domain.id()

    async def run() -> None:
        async with AsyncProveClient(client_id="id", client_secret="s") as aclient:
            s: StartResponse = await aclient.flow.start(flow_type="desktop", phone_number="1")
            items: AsyncIterator[GetBatchIdentityItem] = aclient.identity_manager.list()
            async for item in items:
                proven: Optional[str] = item.prove_id
                del proven
            del s
            try:
                await aclient.unify.status(correlation_id="c")
            except ProveError as e:
                kind: str = e.kind
                del kind

    asyncio.run(run())
    del ok, pages, payload
