"""Every method of the core's table with both clients, per-call options, settings, an exception
class for each error kind, from_env, against the sandbox."""
from __future__ import annotations

import asyncio
import copy
import pickle
import time
from typing import Any, Callable, Dict, List

import pytest

import prove_sdk
from prove_sdk import (
    METHODS,
    AsyncProveClient,
    ProveClient,
    ProveError,
    ValidationError,
)
from prove_sdk._generated.clients import GROUPS
from prove_sdk.testing import Sandbox

from conftest import Blocking, blocking, vectors

PROVE_ID = "7f1c1a52-3b0e-4d7e-9a43-0c9d2d1f5e11"


def test_every_method_of_the_core_is_a_typed_method_of_both_clients(prove_sandbox: Sandbox) -> None:
    assert len(METHODS) == 32
    assert [m.name for m in METHODS] == prove_sdk._native.methods()
    for client in (prove_sandbox.client(), prove_sandbox.async_client()):
        for m in METHODS:
            group, name = m.python_name.split(".")
            method = getattr(getattr(client, group), name)
            assert callable(method), m.name
            assert asyncio.iscoroutinefunction(method) == isinstance(client, AsyncProveClient), m.name
        assert set(GROUPS.values()) == {m.python_name.split(".")[0] for m in METHODS}


def test_each_method_reaches_its_operation_and_decodes_the_answer(api: Blocking, prove_sandbox: Sandbox) -> None:
    cases = vectors("requests.json")
    enrolled = api.identity_manager.enroll(phone_number="2001004031", client_customer_id="ops-1")
    auth_case = next(c for c in cases if c["method"] == "auth.start")
    try:
        started = api.auth.start(auth_case["input"])
    except ProveError:
        started = None
    succeeded: List[str] = []
    for m in METHODS:
        case = next((c for c in cases if c["method"] == m.name), None)
        assert case is not None, f"{m.name} has an input in tests/vectors/requests.json"
        request: Any = copy.deepcopy(case["input"])
        if isinstance(request, dict):
            for key in ("proveId", "identityId"):
                if key in request:
                    request[key] = enrolled.prove_id
            if "authId" in request and started is not None:
                request["authId"] = started.auth_id
        prove_sandbox.clear_requests()
        group, name = m.python_name.split(".")
        try:
            out = getattr(getattr(api, group), name)(request)
        except ProveError as e:
            # A Prove answer is fine for calls without matching state; never a local failure.
            assert e.status is not None and e.status >= 400, f"{m.name}: {e!r}"
            assert e.operation == m.operation_id, m.name
        else:
            assert isinstance(out, m.response_type), m.name
            succeeded.append(m.name)
        sent = [r for r in prove_sandbox.requests() if r["path"] != "/token"]
        assert sent, f"{m.name}: no request reached the sandbox"
        assert sent[0]["path"] == case["expect"]["path"].replace(PROVE_ID, enrolled.prove_id), m.name
    assert len(succeeded) >= 20, succeeded


def test_requests_as_keywords_models_and_wire_dicts_are_the_same(api: Blocking, prove_sandbox: Sandbox) -> None:
    from prove_sdk.models import StartRequest

    bodies = []
    for call in (
        lambda: api.flow.start(flow_type="mobile", phone_number="2001001695", allow_otp_retry=False),
        lambda: api.flow.start(StartRequest(flow_type="mobile", phone_number="2001001695", allow_otp_retry=False)),
        lambda: api.flow.start({"flowType": "mobile", "phoneNumber": "2001001695", "allowOTPRetry": False}),
    ):
        prove_sandbox.clear_requests()
        started = call()
        assert started.correlation_id and started.next
        bodies.extend(r["body"] for r in prove_sandbox.requests() if r["path"] == "/v3/start")
    assert len(bodies) == 3 and bodies[0] == bodies[1] == bodies[2], bodies
    assert bodies[0] == {"flowType": "mobile", "phoneNumber": "2001001695", "allowOTPRetry": False}
    with pytest.raises(TypeError, match="unexpected keyword argument 'phone'"):
        api.flow.start(flow_type="mobile", phone="2001001695")
    with pytest.raises(TypeError, match="not both"):
        api.flow.start({"flowType": "mobile"}, phone_number="2001001695")
    with pytest.raises(TypeError, match="takes a StartRequest"):
        from prove_sdk.models import ValidateRequest

        api.flow.start(ValidateRequest(correlation_id="x"))


def test_results_are_typed_models_with_wire_dicts_and_equality(api: Blocking) -> None:
    from prove_sdk.models import StartResponse

    started = api.flow.start(flow_type="mobile", phone_number="2001001695")
    assert isinstance(started, StartResponse)
    wire = started.to_dict()
    assert set(wire) >= {"authToken", "correlationId", "next"}
    assert StartResponse.from_dict(wire) == started
    assert "v3-validate" in started.next


def test_call_by_name(api: Blocking) -> None:
    out = api.call("domain.id")
    assert type(out).__name__ == "DomainIdResponse"
    with pytest.raises(ValidationError) as e:
        api.call("flow.nope", {})
    assert e.value.field == "method"


def test_timeout_ms_ends_a_slow_call(api: Blocking, prove_sandbox: Sandbox) -> None:
    prove_sandbox.inject_fault("latency", ms=1500, path="/v3/domain/id", count=1)
    t0 = time.monotonic()
    with pytest.raises(prove_sdk.TimeoutError) as e:
        api.domain.id(options={"timeout_ms": 200})
    assert e.value.kind == "Timeout"
    assert time.monotonic() - t0 < 1.4


def test_retries_per_call_override_the_client(prove_sandbox: Sandbox) -> None:
    client = prove_sandbox.client(retry={"max_retries": 0, "initial_backoff_ms": 1, "max_backoff_ms": 5})
    client.domain.id()
    prove_sandbox.reset_counters()
    prove_sandbox.inject_fault("status", status=503, path="/v3/domain/id", count=2)
    client.domain.id(options={"retries": 2})
    assert prove_sandbox.counters().requests_by_path["/v3/domain/id"] == 3
    prove_sandbox.inject_fault("status", status=503, path="/v3/domain/id", count=1)
    with pytest.raises(prove_sdk.ApiError) as e:
        client.domain.id()
    assert e.value.status == 503


def test_client_request_id_option(api: Blocking, prove_sandbox: Sandbox) -> None:
    prove_sandbox.clear_requests()
    api.identity_manager.lookup_by_phone(mobile_number="2001004031", options={"client_request_id": "req-opt-1"})
    [sent] = [r for r in prove_sandbox.requests() if r["path"] != "/token"]
    assert "clientRequestId=req-opt-1" in sent["query"]
    prove_sandbox.clear_requests()
    api.identity_manager.enroll(
        phone_number="2001004032", client_request_id="own", options={"client_request_id": "opt"}
    )
    [sent] = [r for r in prove_sandbox.requests() if r["path"] != "/token"]
    assert sent["body"]["clientRequestId"] == "own", "the request's own value wins"
    with pytest.raises(ValidationError) as e:
        api.flow.start(flow_type="mobile", phone_number="2001001695", options={"client_request_id": "x"})
    assert e.value.field == "client_request_id"


def test_settings_and_options_are_checked_with_snake_case_names(prove_sandbox: Sandbox) -> None:
    base: Dict[str, Any] = dict(prove_sandbox.settings())
    cases: List[Any] = [
        ({**base, "timeout_ms": 0}, "timeout_ms", "timeout_ms: must be greater than zero"),
        ({**base, "client_secret": 42}, "client_secret", "must be a string"),
        ({"client_id": "x", "base_url": base["base_url"]}, "client_secret", "client_secret: is required"),
        ({**base, "base_url": None, "environment": "mars"}, "environment", None),
        ({**base, "baseURL": "http://x"}, "baseURL", "did you mean base_url?"),
        ({**base, "base_URL": "http://x"}, "base_URL", "did you mean base_url?"),
        ({**base, "timeout": 5}, "timeout", "did you mean timeout_ms?"),
        ({**base, "baseUrl": "http://x"}, "baseUrl", "did you mean base_url?"),
        ({**base, "retry": {"max_retry": 1}}, "retry.max_retry", "did you mean max_retries?"),
        ({**base, "retry": {"max_backoff_ms": 1e300}}, "retry.max_backoff_ms", None),
        ({**base, "signal": 1}, "signal", "per-call option"),
    ]
    for settings, field, text in cases:
        for cls in (ProveClient, AsyncProveClient):
            with pytest.raises(ValidationError) as e:
                cls(**settings)
            assert e.value.field == field, (settings, e.value)
            assert "42" not in str(e.value)
            if text:
                assert text in str(e.value), str(e.value)
    client = prove_sandbox.client()
    for options, field in (
        ({"timeout_ms": -1}, "timeout_ms"),
        ({"retries": 1.5}, "retries"),
        ({"timeout": 100}, "timeout"),
        ({"attempt_timeout_ms": "soon"}, "attempt_timeout_ms"),
    ):
        with pytest.raises(ValidationError) as e:
            client.domain.id(options=options)
        assert e.value.field == field, e.value
    with pytest.raises(ValidationError, match="did you mean timeout_ms"):
        client.domain.id(options={"timeout": 100})


def test_validation_messages_name_the_field_as_the_caller_spelt_it(api: Blocking, prove_sandbox: Sandbox) -> None:
    with pytest.raises(ValidationError) as e:
        api.flow.start(flow_type="desktop", phone_number="2001001693")
    assert str(e.value).startswith("final_target_url: "), str(e.value)
    assert e.value.field == "finalTargetUrl"
    with pytest.raises(ValidationError) as e:
        api.flow.start({"flowType": "desktop", "phoneNumber": "2001001693"})
    assert str(e.value).startswith("finalTargetUrl: ")
    with pytest.raises(ValidationError) as e:
        api.flow.validate()
    assert str(e.value).startswith("correlation_id: ")
    from prove_sdk.models import ChallengeAddress, CompleteIndividual

    with pytest.raises(ValidationError) as e:
        api.flow.complete(
            correlation_id="0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60",
            individual=CompleteIndividual(first_name="A", last_name="B", dob="17/01/1981"),
        )
    assert e.value.field == "individual.dob" and str(e.value).startswith("individual.dob: ")
    with pytest.raises(ValidationError) as e:
        api.identity_manager.batch_enroll(items=[{"phoneNumber": "2001004031"}, {"phoneNumber": "x"}])
    assert e.value.field == "items[1].phoneNumber"
    assert str(e.value).startswith("items[1].phone_number: "), str(e.value)
    with pytest.raises(ValidationError) as e:
        api.identity_manager.batch_get(limit=float("nan"))
    assert e.value.field == "limit" and "finite" in str(e.value)
    assert prove_sandbox.counters().total_requests == 0, "nothing was sent"
    del ChallengeAddress


def _error_cases(sb: Sandbox) -> List[Any]:
    def fault(**f: Any) -> Callable[[], None]:
        return lambda: sb.inject_fault(**f)

    return [
        ("Validation", lambda c: c.flow.start(flow_type="tablet", phone_number="2001001695"), None),
        ("Auth", None, None),
        ("RateLimited", lambda c: c.domain.id(), fault(kind="status", status=429, retry_after=2, path="/v3/domain/id", count=1)),
        ("StepOutOfOrder", lambda c: c.flow.validate(correlation_id="0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60"), None),
        ("NotFound", lambda c: c.identity_manager.get(prove_id="00000000-0000-4000-8000-000000000000"), None),
        ("Api", lambda c: c.domain.id(), fault(kind="status", status=500, path="/v3/domain/id", count=1)),
        ("Timeout", lambda c: c.domain.id(options={"timeout_ms": 100}), fault(kind="latency", ms=1000, path="/v3/domain/id", count=1)),
        ("Transport", lambda c: c.domain.id(), fault(kind="drop", path="/v3/domain/id", count=1)),
        ("Decode", lambda c: c.domain.id(), fault(kind="malformedJson", path="/v3/domain/id", count=1)),
        ("Webhook", None, None),
    ]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_an_exception_class_for_each_kind(prove_sandbox: Sandbox, kind: str) -> None:
    client: Any = prove_sandbox.client(retry=False) if kind == "sync" else prove_sandbox.async_client(retry=False)
    api = blocking(client)
    seen = set()
    for error_kind, call, setup in _error_cases(prove_sandbox):
        if setup:
            setup()
        try:
            if error_kind == "Auth":
                wrong: Dict[str, Any] = {**prove_sandbox.settings(), "client_secret": "wrong"}
                other = ProveClient(**wrong) if kind == "sync" else AsyncProveClient(**wrong)
                blocking(other).domain.id()
            elif error_kind == "Webhook":
                prove_sdk.verify_webhook("Bearer a.b.c", b"{}", ["secret"])
            else:
                call(api)
        except ProveError as e:
            err = e
        else:
            raise AssertionError(f"{error_kind}: no error")
        finally:
            prove_sandbox.clear_faults()
        cls = prove_sdk.ERROR_CLASSES[error_kind]
        assert type(err) is cls, f"{error_kind}: {err!r}"
        assert err.kind == error_kind and isinstance(err, Exception)
        assert cls.__name__ == f"{error_kind}Error"
        # Exceptions cross process boundaries (celery, multiprocessing) intact.
        again = pickle.loads(pickle.dumps(err))
        assert type(again) is cls and again.to_dict() == err.to_dict() and str(again) == str(err)
        if error_kind == "RateLimited":
            assert (err.status, err.retry_after) == (429, 2.0)
        if error_kind == "Auth":
            assert err.status == 401 and "wrong" not in repr(err.to_dict())
        if error_kind == "Validation":
            assert err.field == "flowType" and err.status is None
        if error_kind == "NotFound":
            assert err.status == 404 and err.operation == "V3GetIdentity"
        if error_kind == "StepOutOfOrder":
            assert err.correlation_id == "0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60"
        seen.add(error_kind)
    assert seen == set(prove_sdk.ERROR_KINDS) == set(prove_sdk._native.error_kinds())


def test_errors_never_carry_personal_data_of_the_request(prove_client: ProveClient, prove_sandbox: Sandbox) -> None:
    with pytest.raises(ValidationError) as e:
        prove_client.flow.start(flow_type="mobile", phone_number=2001001695)  # type: ignore[arg-type]
    assert "2001001695" not in repr(e.value) and "2001001695" not in str(e.value.to_dict())
    prove_sandbox.inject_fault("status", status=400, path="/v3/identity/{mobileNumber}/lookup", count=1)
    with pytest.raises(ProveError) as e2:
        prove_client.identity_manager.lookup_by_phone(mobile_number="2001004031")
    assert "2001004031" not in repr(e2.value)


def test_from_env(prove_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in prove_sandbox.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("PROVE_ENV", raising=False)
    for cls in (ProveClient, AsyncProveClient):
        c = cls.from_env(user_agent_suffix="ops-test/1")
        assert c.base_url == prove_sandbox.base_url and c.environment == "custom"
        assert c.user_agent.endswith(" python/%d.%d.%d ops-test/1" % __import__("sys").version_info[:3]), c.user_agent
        assert type(blocking(c).domain.id()).__name__ == "DomainIdResponse"
    with pytest.raises(ValidationError) as e:
        ProveClient.from_env(base_url="http://x")  # type: ignore[call-arg]
    assert e.value.field == "base_url" and "PROVE_BASE_URL" in str(e.value)
    assert "of from_env" in str(e.value), str(e.value)
    monkeypatch.delenv("PROVE_CLIENT_SECRET")
    with pytest.raises(ValidationError) as e:
        ProveClient.from_env()
    assert e.value.field == "PROVE_CLIENT_SECRET"
    monkeypatch.setenv("PROVE_CLIENT_SECRET", "x")
    monkeypatch.delenv("PROVE_BASE_URL")
    monkeypatch.setenv("PROVE_ENV", "prod-eu")
    assert ProveClient.from_env().environment == "prod-eu"


def test_close_and_context_managers(prove_sandbox: Sandbox) -> None:
    with prove_sandbox.client() as client:
        client.domain.id()
    assert client.closed
    with pytest.raises(prove_sdk.TransportError, match="closed"):
        client.domain.id()

    async def main() -> AsyncProveClient:
        async with prove_sandbox.async_client() as c:
            await c.domain.id()
        with pytest.raises(prove_sdk.TransportError, match="closed"):
            await c.domain.id()
        return c

    assert asyncio.run(main()).closed
    assert prove_sandbox.client_secret not in repr(client)
    assert "closed" in repr(client)
