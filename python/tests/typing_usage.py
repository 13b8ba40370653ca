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
