"""Logging through the standard logging module (logger ``prove_sdk``), costing nothing while
nobody listens, and redaction of personal data and secrets in logs and reprs."""
from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any, Iterator, List

import pytest

from prove_sdk import ProveClient, ProveError, _logging
from prove_sdk.testing import Sandbox

LOGGER = logging.getLogger("prove_sdk")


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def collect() -> Iterator[Collect]:
    handler = Collect()
    LOGGER.addHandler(handler)
    try:
        yield handler
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.setLevel(logging.NOTSET)
        _logging.sync()


def test_nothing_is_registered_while_nobody_listens(
    prove_client: ProveClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pytest's own log capture is a handler on the root logger: take it away for this test.
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    LOGGER.setLevel(logging.NOTSET)
    prove_client.domain.id()
    assert _logging._sink is None, "a logger without handlers costs nothing"
    LOGGER.addHandler(logging.NullHandler())
    try:
        LOGGER.setLevel(logging.DEBUG)
        prove_client.domain.id()
        assert _logging._sink is None, "a NullHandler is nobody"
    finally:
        LOGGER.handlers.clear()
        LOGGER.setLevel(logging.NOTSET)


def test_debug_records_are_redacted_and_structured(
    prove_client: ProveClient, prove_sandbox: Sandbox, collect: Collect
) -> None:
    LOGGER.setLevel(logging.DEBUG)
    prove_client.identity_manager.lookup_by_phone(mobile_number="2001004031")
    s = prove_client.flow.start(flow_type="mobile", phone_number="2001001695", ssn="847350596")
    prove_sandbox.inject_fault("status", status=500, path="/v3/domain/id", count=1)
    with pytest.raises(ProveError):
        prove_client.domain.id(options={"retries": 0})
    assert _logging._level == "debug"
    lookup = [r for r in collect.records if getattr(r, "prove", {}).get("operation") == "V3GetIdentitiesByPhoneNumber"]
    assert lookup, [r.getMessage() for r in collect.records]
    fields = lookup[0].prove  # type: ignore[attr-defined]
    assert fields["method"] == "GET" and fields["path"] == "/v3/identity/{mobileNumber}/lookup"
    assert fields["status"] == 200 and fields["outcome"] == "ok" and isinstance(fields["latency_ms"], int)
    assert lookup[0].levelno == logging.DEBUG and lookup[0].name == "prove_sdk"
    assert "prove request operation=V3GetIdentitiesByPhoneNumber method=GET" in lookup[0].getMessage()
    failed = [r for r in collect.records if r.levelno == logging.WARNING]
    assert failed and failed[-1].prove["status"] == 500  # type: ignore[attr-defined]
    text = " ".join(r.getMessage() + repr(getattr(r, "prove", {})) for r in collect.records)
    for secret in ("2001004031", "2001001695", "847350596", prove_sandbox.client_secret, s.auth_token):
        assert secret not in text


def test_warning_level_forwards_failures_only_and_disabling_stops(
    prove_client: ProveClient, prove_sandbox: Sandbox, collect: Collect
) -> None:
    LOGGER.setLevel(logging.WARNING)
    prove_client.domain.id()
    prove_sandbox.inject_fault("status", status=502, path="/v3/domain/id", count=1)
    with pytest.raises(ProveError):
        prove_client.domain.id(options={"retries": 0})
    assert _logging._level == "warn"
    assert collect.records and all(r.levelno == logging.WARNING for r in collect.records)
    LOGGER.setLevel(logging.ERROR)
    n = len(collect.records)
    prove_sandbox.inject_fault("status", status=502, path="/v3/domain/id", count=1)
    with pytest.raises(ProveError):
        prove_client.domain.id(options={"retries": 0})
    assert len(collect.records) == n and _logging._sink is None


def test_basic_config_in_a_fresh_process(prove_sandbox: Sandbox) -> None:
    script = (
        "import logging; logging.basicConfig(level=logging.DEBUG, format='%(name)s %(levelname)s %(message)s')\n"
        "from prove_sdk import ProveClient\n"
        f"c = ProveClient(base_url={prove_sandbox.base_url!r}, client_id={prove_sandbox.client_id!r}, "
        f"client_secret={prove_sandbox.client_secret!r})\n"
        "c.identity_manager.lookup_by_phone(mobile_number='2001004031')\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "prove_sdk DEBUG prove request operation=V3GetIdentitiesByPhoneNumber method=GET" in r.stderr
    assert "path=/v3/identity/{mobileNumber}/lookup" in r.stderr
    assert "2001004031" not in r.stderr and prove_sandbox.client_secret not in r.stderr


def test_reprs_hide_personal_data_and_secrets(prove_client: ProveClient, prove_sandbox: Sandbox) -> None:
    s = prove_client.flow.start(flow_type="mobile", phone_number="2001001695")
    v = prove_client.flow.validate(correlation_id=s.correlation_id)
    c = prove_client.flow.challenge(correlation_id=s.correlation_id, dob="1981-01-17")
    shown = " ".join(repr(x) for x in (s, v, c, prove_client, prove_client.flow))
    assert s.correlation_id in shown, "ids are not personal data"
    for value in ("2001001695", "Milo", "Pinson", "1981-01-17", s.auth_token, prove_sandbox.client_secret):
        assert value not in shown, value
    assert "<redacted>" in repr(c)
    from prove_sdk.models import StartRequest

    req = StartRequest(flow_type="mobile", phone_number="2001001695", ssn="847350596")
    assert "2001001695" not in repr(req) and "847350596" not in repr(req)
    wrong: Any = dict(prove_sandbox.settings(), client_secret="s3cr3t-value")
    with pytest.raises(ProveError) as e:
        ProveClient(**wrong).domain.id()
    assert "s3cr3t-value" not in repr(e.value) and "s3cr3t-value" not in str(e.value.to_dict())
