"""Webhook verification: deliveries signed as Prove signs them pass; forged, altered, expired,
replayed and malformed ones fail with WebhookError."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any, Dict, Optional

import pytest

from prove_sdk import (
    ValidationError,
    WebhookError,
    WebhookVerifier,
    sign_test_webhook,
    verify_webhook,
    verify_webhook_detailed,
)
from prove_sdk.webhooks import WEBHOOK_EVENT_TYPES, WebhookPayload

SECRET = "whsec-1"
BODY = json.dumps(
    {
        "notifications": [
            {
                "eventId": "e-1",
                "event": "Phone number changed",
                "eventType": "PHONE_NUMBER_CHANGE",
                "eventTimestamp": "2025-01-31T12:00:00Z",
                "clientCustomerId": "customer-42@example.com",
                "identityId": "id-1",
                "futureField": {"x": 1},
            }
        ]
    }
).encode()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(
    secret: str = SECRET,
    body: bytes = BODY,
    header: Optional[Dict[str, Any]] = None,
    **claims: Any,
) -> str:
    now = int(time.time())
    c: Dict[str, Any] = {
        "iss": "Prove Identity",
        "iat": now,
        "exp": now + 300,
        "jti": str(uuid.uuid4()),
        "body_sha256": hashlib.sha256(body).hexdigest(),
    }
    c.update(claims)
    c = {k: v for k, v in c.items() if v is not None}
    h = header or {"alg": "HS256", "typ": "JWT"}
    signing = f"{b64(json.dumps(h).encode())}.{b64(json.dumps(c).encode())}"
    sig = hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest()
    return f"Bearer {signing}.{b64(sig)}"


def test_a_genuine_delivery_verifies_and_is_typed() -> None:
    payload = verify_webhook(token(), BODY, [SECRET])
    assert isinstance(payload, WebhookPayload)
    [n] = payload.notifications
    assert (n.event_id, n.event_type, n.identity_id) == ("e-1", "PHONE_NUMBER_CHANGE", "id-1")
    assert n.client_customer_id == "customer-42@example.com"
    assert n.unknown_fields["futureField"] == {"x": 1}
    assert "customer-42" not in repr(payload), "repr hides personal data"
    assert n.event_time is not None and n.event_time.year == 2025
    # As text, with the bare token, with several secrets during rotation.
    d = verify_webhook_detailed(token().split(" ")[1], BODY.decode(), ["old", SECRET])
    assert d.secret_index == 1 and d.jti and d.expires_at > d.issued_at
    assert "PHONE_NUMBER_CHANGE" in WEBHOOK_EVENT_TYPES


@pytest.mark.parametrize(
    "name, authorization, body",
    [
        ("wrong secret", lambda: token(secret="other"), BODY),
        ("altered body", lambda: token(), BODY.replace(b"id-1", b"id-2")),
        ("alg none", lambda: token(header={"alg": "none", "typ": "JWT"}).rsplit(".", 1)[0] + ".", BODY),
        ("alg HS512", lambda: token(header={"alg": "HS512", "typ": "JWT"}), BODY),
        ("alg RS256", lambda: token(header={"alg": "RS256", "typ": "JWT"}), BODY),
        ("expired", lambda: token(iat=int(time.time()) - 4000, exp=int(time.time()) - 3600), BODY),
        ("issued in the future", lambda: token(iat=int(time.time()) + 3600, exp=int(time.time()) + 4000), BODY),
        ("too old", lambda: token(iat=int(time.time()) - 7200, exp=int(time.time()) + 300), BODY),
        ("other issuer", lambda: token(iss="Someone Else"), BODY),
        ("no issuer", lambda: token(iss=None), BODY),
        ("no signature", lambda: token().rsplit(".", 1)[0], BODY),
        ("signature of another token", lambda: token().rsplit(".", 1)[0] + "." + token(jti="x").rsplit(".", 1)[1], BODY),
        ("not base64", lambda: "Bearer !!!.###.$$$", BODY),
        ("not a JWT", lambda: "Bearer abc", BODY),
        ("basic auth", lambda: "Basic dXNlcjpwYXNz", BODY),
        ("empty", lambda: "", BODY),
        ("missing header", lambda: None, BODY),
        ("huge header", lambda: "Bearer " + "a" * 100_000, BODY),
    ],
)
def test_attacks_fail(name: str, authorization: Any, body: bytes) -> None:
    with pytest.raises(WebhookError) as e:
        verify_webhook(authorization(), body, [SECRET])
    assert e.value.kind == "Webhook", name
    assert SECRET not in str(e.value) and "customer-42" not in str(e.value)


def test_body_hash_can_be_required_and_secrets_must_be_given() -> None:
    no_hash = token(body_sha256=None)
    assert verify_webhook(no_hash, BODY, SECRET).notifications
    with pytest.raises(WebhookError):
        verify_webhook(no_hash, BODY, SECRET, require_body_hash=True)
    with pytest.raises(WebhookError):
        verify_webhook(token(), BODY, [])
    with pytest.raises(WebhookError):
        verify_webhook(token(), BODY, [""])
    with pytest.raises(ValidationError) as e:
        verify_webhook(token(), BODY, SECRET, leeway_ms=-1)
    assert e.value.field == "leeway_ms"
    with pytest.raises(WebhookError):
        verify_webhook(token(), 12345, SECRET)  # type: ignore[arg-type]


def test_a_verifier_refuses_replays() -> None:
    verifier = WebhookVerifier([SECRET], reject_replays=True)
    t = token()
    assert verifier.verify(t, BODY).notifications
    with pytest.raises(WebhookError):
        verifier.verify(t, BODY)
    with pytest.raises(WebhookError):
        verifier.verify(token(jti=None), BODY)
    # Without the guard the same token verifies again.
    plain = WebhookVerifier(SECRET)
    assert plain.verify(t, BODY) == plain.verify(t, BODY)
    assert SECRET not in repr(verifier)


def test_signed_test_deliveries_verify() -> None:
    signed = sign_test_webhook(SECRET, event_type="PORT")
    [n] = verify_webhook(signed.authorization, signed.body, SECRET).notifications
    assert n.event_type == "PORT"
    own = sign_test_webhook(SECRET, {"notifications": [{"eventId": "x", "eventType": "NEW_KIND"}]})
    [m] = verify_webhook(own.authorization, own.body, SECRET).notifications
    assert m.event_type == "NEW_KIND", "unknown event types are kept"
    assert "Bearer <redacted>" in repr(own)
    with pytest.raises(ValidationError):
        sign_test_webhook("")
