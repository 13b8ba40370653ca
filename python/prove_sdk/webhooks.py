"""Verification of Prove's webhook deliveries, and signed test deliveries.

A delivery is a POST whose body is a JSON object of notifications and whose
``X-Prove-Authorization`` header is ``Bearer <jwt>``: an HS256 token signed with your webhook
secret, issued by ``Prove Identity``, with ``iat``/``exp`` (and usually ``jti`` and
``body_sha256``). The Rust core checks all of it, in constant time, with several secrets during
rotation. Verify the exact bytes received, before any JSON parsing::

    payload = verify_webhook(request.headers.get("X-Prove-Authorization"), raw_body, [secret])
    for n in payload.notifications:
        handle(n.event_type, n.identity_id)

Keep a :class:`WebhookVerifier` with ``reject_replays=True`` to accept each token once only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, List, Literal, Optional, Tuple, Union

from . import _native
from ._generated.errors import ProveError, ValidationError, WebhookError
from ._model import Model, field

__all__ = [
    "KnownWebhookEventType",
    "WebhookEventType",
    "WEBHOOK_EVENT_TYPES",
    "WebhookNotification",
    "WebhookPayload",
    "VerifiedWebhook",
    "WebhookVerifier",
    "SignedWebhook",
    "verify_webhook",
    "verify_webhook_detailed",
    "sign_test_webhook",
]

KnownWebhookEventType = Literal[
    "PHONE_NUMBER_CHANGE", "DISCONNECT", "PORT", "LINE_TYPE_CHANGE", "MOVED_OUT_OF_COVERAGE"
]
"""The event types this version knows."""
WebhookEventType = Union[KnownWebhookEventType, str]
"""An event type: a known one, or a newer one sent by Prove (kept as a plain ``str``)."""

WEBHOOK_EVENT_TYPES: Tuple[str, ...] = tuple(_native.webhook_event_types())
"""The known event types, in wire form (from the core)."""


class WebhookNotification(Model):
    """One change event about an enrolled identity."""

    event_id: str = field("eventId", "string")
    """Unique id of the event (use it to drop duplicate deliveries)."""
    event_type: WebhookEventType = field("eventType", "enum:WebhookEventType")
    """What changed."""
    event: Optional[str] = field("event", "string", default=None)
    """Human-readable description of the event."""
    event_timestamp: Optional[str] = field("eventTimestamp", "string", default=None)
    """When the event was sent, RFC 3339."""
    client_customer_id: Optional[str] = field(
        "clientCustomerId", "string", default=None, sensitive=True
    )
    """Your own identifier of the customer, as given at enrollment (may be personal data)."""
    identity_id: Optional[str] = field("identityId", "string", default=None)
    """Prove's identifier of the enrolled identity."""

    @property
    def event_time(self) -> Optional[datetime]:
        """``event_timestamp`` as an aware ``datetime``, or ``None`` when it is not RFC 3339."""
        if not self.event_timestamp:
            return None
        text = self.event_timestamp
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            t = datetime.fromisoformat(text)
        except ValueError:
            return None
        return t if t.tzinfo is not None else None


class WebhookPayload(Model):
    """The body of a delivery: one or more notifications (unknown keys are kept)."""

    notifications: List[WebhookNotification] = field(
        "notifications", "array<ref:WebhookNotification>"
    )
    """The change events of this delivery."""


@dataclass(frozen=True)
class VerifiedWebhook:
    """A verified delivery: its payload and the token's claims."""

    payload: WebhookPayload
    """The parsed body."""
    jti: Optional[str]
    """The token's ``jti`` (always present when replays are refused)."""
    issued_at: datetime
    """The token's ``iat`` (UTC)."""
    expires_at: datetime
    """The token's ``exp`` (UTC)."""
    secret_index: int
    """Index, in the secrets given, of the one whose signature matched."""


@dataclass(frozen=True)
class SignedWebhook:
    """A signed test delivery: send ``body`` with the header ``X-Prove-Authorization:
    authorization``."""

    authorization: str
    body: str

    def __repr__(self) -> str:
        return f"SignedWebhook(authorization='Bearer <redacted>', body=<{len(self.body)} characters>)"


Body = Union[bytes, bytearray, memoryview, str]


def _body(raw_body: Any) -> bytes:
    if isinstance(raw_body, str):
        return raw_body.encode("utf-8")
    if isinstance(raw_body, (bytes, bytearray, memoryview)):
        return bytes(raw_body)
    raise WebhookError("the webhook body must be the raw body as bytes or str")


def _secrets(secrets: Union[str, Iterable[str]]) -> List[str]:
    items = [secrets] if isinstance(secrets, str) else list(secrets)
    if not all(isinstance(s, str) for s in items):
        raise WebhookError("webhook secrets must be a string or a list of strings")
    return items


def _authorization(value: Any) -> str:
    if not isinstance(value, str):
        raise WebhookError("missing X-Prove-Authorization header")
    return value


def _number(name: str, value: Optional[float]) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{name}: must be a number of milliseconds", field=name)
    return float(value)


def _rename(e: ProveError) -> ProveError:
    for camel, snake in (("leewayMs", "leeway_ms"), ("maxAgeMs", "max_age_ms")):
        if e.field == camel:
            e.field = snake
            e.message = e.message.replace(camel, snake)
            e.args = (e.message,)
    return e


def _verified(out: Tuple[str, Optional[str], float, float, int]) -> VerifiedWebhook:
    payload_json, jti, iat_ms, exp_ms, index = out
    return VerifiedWebhook(
        payload=WebhookPayload.from_dict(json.loads(payload_json)),
        jti=jti,
        issued_at=datetime.fromtimestamp(iat_ms / 1000, tz=timezone.utc),
        expires_at=datetime.fromtimestamp(exp_ms / 1000, tz=timezone.utc),
        secret_index=index,
    )


def verify_webhook_detailed(
    authorization: Optional[str],
    raw_body: Body,
    secrets: Union[str, Iterable[str]],
    *,
    require_body_hash: bool = False,
    leeway_ms: Optional[float] = None,
    max_age_ms: Optional[float] = None,
) -> VerifiedWebhook:
    """Verifies a delivery now and returns its payload with the token's claims.

    ``authorization`` is the ``X-Prove-Authorization`` header (``Bearer <jwt>``) or the bare
    token; ``raw_body`` the exact body received; ``secrets`` the currently valid secrets (several
    during rotation). ``require_body_hash`` refuses tokens without a ``body_sha256`` claim
    (by default the claim is checked when present). Raises :class:`WebhookError` naming what
    failed. To refuse replays, keep a :class:`WebhookVerifier`.
    """
    auth = _authorization(authorization)
    try:
        out = _native.verify_webhook(
            auth,
            _body(raw_body),
            _secrets(secrets),
            require_body_hash=bool(require_body_hash),
            leeway_ms=_number("leeway_ms", leeway_ms),
            max_age_ms=_number("max_age_ms", max_age_ms),
        )
    except ProveError as e:
        raise _rename(e) from None
    return _verified(out)


def verify_webhook(
    authorization: Optional[str],
    raw_body: Body,
    secrets: Union[str, Iterable[str]],
    *,
    require_body_hash: bool = False,
    leeway_ms: Optional[float] = None,
    max_age_ms: Optional[float] = None,
) -> WebhookPayload:
    """Verifies a delivery now and returns its typed payload (see
    :func:`verify_webhook_detailed`)."""
    return verify_webhook_detailed(
        authorization,
        raw_body,
        secrets,
        require_body_hash=require_body_hash,
        leeway_ms=leeway_ms,
        max_age_ms=max_age_ms,
    ).payload


class WebhookVerifier:
    """A verifier kept for the life of the process: the secrets, the options and, with
    ``reject_replays``, the memory of the tokens it accepted (each until it expires), so that a
    captured delivery is accepted once only. Thread-safe."""

    __slots__ = ("_native", "_summary")

    def __init__(
        self,
        secrets: Union[str, Iterable[str]],
        *,
        require_body_hash: bool = False,
        reject_replays: bool = False,
        leeway_ms: Optional[float] = None,
        max_age_ms: Optional[float] = None,
    ) -> None:
        items = _secrets(secrets)
        try:
            self._native = _native.NativeWebhookVerifier(
                items,
                require_body_hash=bool(require_body_hash),
                reject_replays=bool(reject_replays),
                leeway_ms=_number("leeway_ms", leeway_ms),
                max_age_ms=_number("max_age_ms", max_age_ms),
            )
        except ProveError as e:
            raise _rename(e) from None
        self._summary = (
            f"WebhookVerifier(secrets={len(items)}, require_body_hash={bool(require_body_hash)}, "
            f"reject_replays={bool(reject_replays)})"
        )

    def verify_detailed(self, authorization: Optional[str], raw_body: Body) -> VerifiedWebhook:
        """Verifies a delivery now; returns its payload with the token's claims."""
        out = self._native.verify(_authorization(authorization), _body(raw_body))
        return _verified(out)

    def verify(self, authorization: Optional[str], raw_body: Body) -> WebhookPayload:
        """Verifies a delivery now; returns its typed payload."""
        return self.verify_detailed(authorization, raw_body).payload

    def __repr__(self) -> str:
        return self._summary


def sign_test_webhook(
    secret: str, payload: Any = None, *, event_type: Optional[str] = None
) -> SignedWebhook:
    """Signs a delivery exactly as Prove does, for tests of your own endpoint. ``payload`` is the
    body (bytes, text, or a JSON-serialisable value); without it, a sample notification of
    ``event_type`` (default ``PHONE_NUMBER_CHANGE``)."""
    if not isinstance(secret, str):
        raise ValidationError("secret: must be a string", field="secret")
    body: Optional[bytes]
    if payload is None:
        body = None
    elif isinstance(payload, (bytes, bytearray, memoryview, str)):
        body = _body(payload)
    else:
        try:
            body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError):
            raise ValidationError(
                "payload: must be bytes, text or a JSON-serialisable value", field="payload"
            ) from None
    authorization, text = _native.sign_test_webhook(secret, body, event_type)
    return SignedWebhook(authorization=authorization, body=text)
