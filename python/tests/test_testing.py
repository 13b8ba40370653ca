"""prove_sdk.testing: the in-process sandbox and its pytest fixtures, as users see them."""
from __future__ import annotations

import asyncio

import pytest

from prove_sdk import AsyncProveClient, AuthError, ProveClient, StepOutOfOrderError
from prove_sdk.testing import Sandbox


def test_the_fixtures_give_a_fresh_sandbox_and_clients(
    prove_sandbox: Sandbox, prove_client: ProveClient, prove_async_client: AsyncProveClient
) -> None:
    assert prove_client.base_url == prove_async_client.base_url == prove_sandbox.base_url
    assert prove_sandbox.base_url.startswith("http://127.0.0.1:")
    prove_client.domain.id()
    asyncio.run(prove_async_client.domain.id())
    c = prove_sandbox.counters()
    assert (c.token_requests, c.requests_by_path["/v3/domain/id"]) == (2, 2)
    prove_sandbox.reset_counters()
    assert prove_sandbox.counters().total_requests == 0


def test_clock_tokens_and_possession() -> None:
    with Sandbox(token_lifetime=120, client_id="my-id", client_secret="my-secret") as sandbox:
        client = sandbox.client()
        assert sandbox.client_id == "my-id"
        s = client.flow.start(flow_type="mobile", phone_number="2001001695")
        sandbox.advance_clock(16 * 60)
        with pytest.raises(StepOutOfOrderError) as e:
            client.flow.validate(correlation_id=s.correlation_id)
        assert e.value.code == 8008
        # The token expired on the sandbox clock: the client fetched another.
        assert sandbox.counters().token_requests == 2
        sandbox.revoke_tokens()
        client.domain.id()
        assert sandbox.counters().token_requests == 3
        with pytest.raises(LookupError):
            sandbox.possession("0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60")
        assert sandbox.now_ms() > 0
        assert "my-secret" not in repr(sandbox)
    assert sandbox.stopped


def test_faults_and_the_request_log(prove_sandbox: Sandbox) -> None:
    client = prove_sandbox.client(retry={"max_retries": 2, "initial_backoff_ms": 1, "max_backoff_ms": 2})
    prove_sandbox.inject_fault("status", status=503, path="/v3/domain/id", count=2)
    client.domain.id()
    assert prove_sandbox.counters().requests_by_path["/v3/domain/id"] == 3
    prove_sandbox.clear_requests()
    client.identity_manager.lookup_by_phone(mobile_number="2001004031")
    [r] = [r for r in prove_sandbox.requests() if r["path"] != "/token"]
    assert r["route"] == "/v3/identity/{mobileNumber}/lookup"
    with pytest.raises(ValueError):
        prove_sandbox.inject_fault("nope")  # type: ignore[arg-type]
    wrong = ProveClient(base_url=prove_sandbox.base_url, client_id="x", client_secret="y")
    with pytest.raises(AuthError):
        wrong.domain.id()


def test_another_project_on_the_same_sandbox() -> None:
    with Sandbox(clients=[("project-b", "secret-b")]) as sandbox:
        a = sandbox.client()
        b = sandbox.client(client_id="project-b", client_secret="secret-b")
        s = a.flow.start(flow_type="mobile", phone_number="2001001695")
        with pytest.raises(StepOutOfOrderError):
            b.flow.validate(correlation_id=s.correlation_id)
