"""The shared vectors of tests/vectors/ through the package's public API (see its README)."""
from __future__ import annotations

import copy
from typing import Any, Dict, Optional
from urllib.parse import parse_qsl

import pytest

from prove_sdk import ERROR_CLASSES, AsyncProveClient, ProveClient, ProveError
from prove_sdk.testing import Sandbox

from conftest import Blocking, blocking, vectors


def call(api: Blocking, method: str, request: Any) -> Any:
    """The grouped method (``client.flow.start(request)``), or ``client.call`` for a name the
    table does not have."""
    group, _, name = method.partition(".")
    from prove_sdk import METHODS_BY_NAME

    info = METHODS_BY_NAME.get(method)
    if info is None:
        return api.call(method, request)
    g, n = info.python_name.split(".")
    return getattr(getattr(api, g), n)(request)


def pointer(value: Any, ptr: str) -> Any:
    cur = value
    for raw in ptr.split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(cur, list):
            cur = cur[int(key)] if key.isdigit() and int(key) < len(cur) else None
        elif isinstance(cur, dict) and key in cur:
            cur = cur[key]
        else:
            return None
    return cur


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_request_vectors(prove_sandbox: Sandbox, kind: str) -> None:
    client: Any = ProveClient if kind == "sync" else AsyncProveClient
    api = blocking(client(**prove_sandbox.settings(), retry=False))
    cases = vectors("requests.json")
    assert len(cases) > 10
    for c in cases:
        prove_sandbox.clear_requests()
        try:
            call(api, c["method"], copy.deepcopy(c["input"]))
        except ProveError:
            pass
        sent = [r for r in prove_sandbox.requests() if r["path"] != "/token"]
        assert len(sent) == 1, f"{c['name']}: exactly one API request"
        r = sent[0]
        want = c["expect"]
        assert r["method"] == want["method"], c["name"]
        assert r["path"] == want["path"], c["name"]
        assert dict(parse_qsl(r["query"] or "", keep_blank_values=True)) == want["query"], c["name"]
        if "rawQuery" in want:
            assert (r["query"] or "") == want["rawQuery"], c["name"]
        assert r["body"] == want["body"], c["name"]


def test_response_vectors(prove_sandbox: Sandbox) -> None:
    api = blocking(prove_sandbox.client(retry={"max_retries": 0}))
    cases = vectors("responses.json")
    assert len(cases) > 5
    for c in cases:
        prove_sandbox.clear_faults()
        prove_sandbox.clear_requests()
        respond: Dict[str, Any] = c["respond"]
        prove_sandbox.inject_fault(
            "respond",
            path=respond["path"],
            status=respond["status"],
            body=respond["body"],
            content_type=respond.get("contentType"),
            count=respond.get("count"),
        )
        error: Optional[ProveError] = None
        value: Any = None
        try:
            value = call(api, c["method"], copy.deepcopy(c["input"]))
        except ProveError as e:
            error = e
        prove_sandbox.clear_faults()
        want = c["expect"]
        if "values" in want:
            assert error is None, f"{c['name']}: {error!r}"
            wire = value.to_dict()
            for ptr, expected in want["values"].items():
                assert pointer(wire, ptr) == expected, f"{c['name']}: {ptr}"
        else:
            w = want["error"]
            assert error is not None, f"{c['name']}: expected an error"
            assert error.kind == w["kind"], f"{c['name']}: {error!r}"
            assert type(error) is ERROR_CLASSES[w["kind"]], c["name"]
            if "status" in w:
                assert error.status == w["status"], c["name"]
            if "code" in w:
                assert error.code == w["code"], c["name"]
            if w.get("noCode"):
                assert error.code is None, c["name"]
        if "attempts" in want:
            hits = [r for r in prove_sandbox.requests() if respond["path"] in (r["path"], r.get("route"))]
            assert len(hits) == want["attempts"], f"{c['name']}: attempts"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_validation_vectors_name_the_field_and_send_nothing(prove_sandbox: Sandbox, kind: str) -> None:
    api = blocking(prove_sandbox.client() if kind == "sync" else prove_sandbox.async_client())
    cases = vectors("validation.json")
    assert len(cases) > 10
    for c in cases:
        with pytest.raises(ProveError) as e:
            call(api, c["method"], copy.deepcopy(c["input"]))
        err = e.value
        kind_ = c.get("kind", "Validation")
        assert err.kind == kind_, f"{c.get('name')}: {err!r}"
        assert err.field == c["field"], f"{c.get('name')}: {err!r}"
        assert type(err) is ERROR_CLASSES[kind_]
        assert err.status is None, f"{c.get('name')}: raised before the network"
    counters = prove_sandbox.counters()
    assert counters.total_requests == 0, counters
    assert counters.token_requests == 0


def test_valid_vectors_reach_the_sandbox(prove_sandbox: Sandbox) -> None:
    api = blocking(prove_sandbox.client(retry={"max_retries": 0}))
    cases = vectors("validation.json", "valid")
    assert cases
    for c in cases:
        prove_sandbox.clear_requests()
        try:
            call(api, c["method"], copy.deepcopy(c["input"]))
        except ProveError as e:
            assert e.status is not None, f"{c['name']}: failed locally: {e!r}"
        assert [r for r in prove_sandbox.requests() if r["path"] != "/token"], c["name"]
