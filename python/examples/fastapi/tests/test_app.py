"""The FastAPI example over real HTTP: uvicorn on loopback, the SDK against the in-process
sandbox, every guide endpoint and the webhook receiver."""
from __future__ import annotations

import json
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import uvicorn

from prove_sdk.testing import Sandbox
from prove_sdk.webhooks import WebhookNotification

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app import create_app  # noqa: E402

SECRET = "whsec-example"


class Server:
    def __init__(self, sandbox: Sandbox) -> None:
        self.notifications: List[WebhookNotification] = []

        async def record(n: WebhookNotification) -> None:
            self.notifications.append(n)

        # Retries off: the rate-limit test wants Prove's 429 passed on at once.
        app = create_app(sandbox.async_client(retry=False), [SECRET], record)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def request(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                text = res.read()
                return res.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def post(self, path: str, body: Dict[str, Any]) -> Any:
        status, out = self.request("POST", path, body)
        assert status == 200, (path, status, out)
        return out


@pytest.fixture
def server(prove_sandbox: Sandbox) -> Iterator[Server]:
    s = Server(prove_sandbox)
    try:
        yield s
    finally:
        s.stop()


def test_prefill_with_challenge(server: Server) -> None:
    s = server.post("/v1/start", {"flowType": "mobile", "phoneNumber": "2001001695"})
    cid = s["correlationId"]
    assert s["authToken"] and "v3-validate" in s["next"]
    v = server.post("/v1/validate", {"correlationId": cid})
    assert v["success"] is True and "v3-challenge" in v["next"]
    c = server.post("/v1/challenge", {"correlationId": cid, "dob": "1981-01-17"})
    ind = c["individual"]
    assert ind["firstName"] == "Milo"
    done = server.post(
        "/v1/complete",
        {"correlationId": cid, "individual": {"firstName": ind["firstName"], "lastName": ind["lastName"]}},
    )
    assert done["success"] is True and "done" in done["next"]
    status, err = server.request("POST", "/v1/validate", {"correlationId": cid})
    assert status == 409 and err["kind"] == "StepOutOfOrder"


def test_identity_without_challenge_and_validation_errors(server: Server) -> None:
    s = server.post("/v1/start", {"flowType": "mobile", "phoneNumber": "2001004000"})
    v = server.post("/v1/validate", {"correlationId": s["correlationId"]})
    assert "v3-complete" in v["next"]
    done = server.post(
        "/v1/complete",
        {"correlationId": s["correlationId"], "individual": {"firstName": "Martina", "lastName": "Goodram"}},
    )
    assert done["success"] is True
    status, err = server.request("POST", "/v1/start", {"flowType": "desktop", "phoneNumber": "2001001693"})
    assert status == 400 and err == {
        "kind": "Validation",
        "message": err["message"],
        "field": "finalTargetUrl",
    }
    assert "2001001693" not in err["message"]


def test_verified_users(server: Server, prove_sandbox: Sandbox) -> None:
    v = server.post(
        "/v1/verify",
        {"firstName": "Addy", "lastName": "Epinay", "phoneNumber": "2001004010", "possessionType": "mobile"},
    )
    assert v["success"] == "pending"
    prove_sandbox.possession(v["correlationId"])
    assert server.post("/v1/verify-status", {"correlationId": v["correlationId"]})["success"] == "true"
    w = server.post(
        "/v1/verify",
        {"phoneNumber": "2001004053", "verificationType": "verifiedUser", "firstName": "Elena", "lastName": "Coldman"},
    )
    assert w["success"] == "true"


def test_unify(server: Server, prove_sandbox: Sandbox) -> None:
    u = server.post(
        "/v1/unify",
        {"clientRequestId": str(uuid.uuid4()), "possessionType": "mobile", "phoneNumber": "2001004014"},
    )
    prove_sandbox.possession(u["correlationId"], "otp", otp="1234")
    st = server.post("/v1/unify-status", {"correlationId": u["correlationId"]})
    assert st["success"] == "true" and st["deviceId"]
    n = server.post(
        "/v1/unify", {"clientRequestId": str(uuid.uuid4()), "possessionType": "none", "phoneNumber": "2001004015"}
    )
    assert server.post("/v1/unify-status", {"correlationId": n["correlationId"]})["success"] == "possession_required"
    b = server.post("/v1/unify-bind", {"correlationId": n["correlationId"], "phoneNumber": "2001004015"})
    assert b["success"] == "true"


def test_identity_enroll_and_lookup(server: Server) -> None:
    e = server.post("/v1/identities", {"phoneNumber": "2001004031", "clientCustomerId": "c-1"})
    assert e["success"] is True
    status, found = server.request("GET", "/v1/identities/by-phone/2001004031")
    assert status == 200 and any(i["proveId"] == e["proveId"] for i in found["items"])


def test_rate_limits_pass_retry_after_on(server: Server, prove_sandbox: Sandbox) -> None:
    prove_sandbox.inject_fault("status", status=429, retry_after=3, path="/v3/start")
    status, err = server.request("POST", "/v1/start", {"flowType": "mobile", "phoneNumber": "2001001695"})
    assert status == 429 and err["kind"] == "RateLimited"


def test_the_webhook_receiver(server: Server, prove_sandbox: Sandbox) -> None:
    url = server.url + "/webhooks/prove"
    assert prove_sandbox.deliver_webhook(url, SECRET, event_type="PORT") == 204
    assert [n.event_type for n in server.notifications] == ["PORT"]
    assert prove_sandbox.deliver_webhook(url, "wrong-secret") == 401
    # A captured delivery replayed: refused.
    from prove_sdk import sign_test_webhook

    signed = sign_test_webhook(SECRET)
    headers = {"X-Prove-Authorization": signed.authorization, "Content-Type": "application/json"}
    statuses = []
    for _ in range(2):
        req = urllib.request.Request(url, data=signed.body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                statuses.append(res.status)
        except urllib.error.HTTPError as e:
            statuses.append(e.code)
    assert statuses == [204, 401]
