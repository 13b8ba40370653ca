"""Test your own code offline: the project's Prove sandbox emulator, in-process.

::

    from prove_sdk.testing import Sandbox

    with Sandbox() as sandbox:                 # 127.0.0.1, a free port, test credentials
        client = sandbox.client()              # a ProveClient pointed at it
        started = client.flow.start(flow_type="desktop", phone_number="2001001693",
                                    final_target_url="https://example.com/done")
        sandbox.possession(started.correlation_id)   # the user tapped the Instant Link
        sandbox.advance_clock(16 * 60)              # sessions expire after 15 minutes
        sandbox.inject_fault("status", path="/v3/start", status=429, retry_after=1, count=1)
        assert sandbox.counters().token_requests == 1

With pytest, the fixtures ``prove_sandbox``, ``prove_client`` and ``prove_async_client`` are
available as soon as the package is installed (a plugin registered under ``pytest11``).

The emulator is compiled into the native module (cargo feature ``sandbox``, on in the published
wheels); in a build without it, ``Sandbox()`` raises ``RuntimeError``. It serves the test users of
Prove's sandbox; see the project's ``sandbox/README.md`` and ``sandbox/BEHAVIOUR.md``. A sandbox
belongs to the process that started it: a forked child reaches it over HTTP like any client, but
cannot control it.
"""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Type

from .. import _native
from .._client import AsyncProveClient, ClientSettings, ProveClient

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Sandbox", "SandboxCounters", "FaultKind", "SANDBOX_USERS"]

FaultKind = Literal["latency", "status", "drop", "malformedJson", "slowBody", "respond"]
"""The kinds of injected faults (see :meth:`Sandbox.inject_fault`)."""

SANDBOX_USERS: Dict[str, str] = {
    "2001001695": "Milo Pinson: short-term user (no possession check needed), Pre-Fill with challenge",
    "2001001693": "Marcia Longo: regular user, needs possession (Instant Link / OTP)",
    "2001004000": "Martina Goodram: Prove Identity without challenge",
}
"""A few of the emulator's test phone numbers and what they exercise."""


@dataclass(frozen=True)
class SandboxCounters:
    """Requests the sandbox received (control requests excluded)."""

    token_requests: int
    """``POST /token`` requests, whatever their outcome."""
    total_requests: int
    """Every request outside ``/sandbox/``."""
    requests_by_path: Dict[str, int] = field(default_factory=dict)
    """Requests per route template (``/v3/identity/{proveId}``)."""


class Sandbox:
    """A running sandbox emulator on ``127.0.0.1`` and a free port. Stop it with :meth:`stop`
    (or use it as a context manager); it also stops when garbage-collected.

    ``token_lifetime`` is in seconds (default 3600); ``clients`` are further accepted
    ``(client_id, client_secret)`` pairs, each a project of its own.
    """

    def __init__(
        self,
        *,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        token_lifetime: Optional[float] = None,
        clients: Sequence[Tuple[str, str]] = (),
    ) -> None:
        if not _native.HAS_SANDBOX:
            raise RuntimeError(
                "prove_sdk.testing needs the sandbox emulator, which this build of prove-sdk left "
                "out (cargo feature `sandbox`); install a wheel built with default features"
            )
        self._native = _native.NativeSandbox(
            client_id=client_id,
            client_secret=client_secret,
            token_lifetime_ms=None if token_lifetime is None else token_lifetime * 1000,
            clients=list(clients),
        )

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self._native.base_url

    @property
    def client_id(self) -> str:
        """The accepted client id."""
        return self._native.client_id

    @property
    def client_secret(self) -> str:
        """The accepted client secret (a test value)."""
        return self._native.client_secret

    def settings(self) -> ClientSettings:
        """Client settings for this sandbox: ``base_url``, ``client_id``, ``client_secret``."""
        return {"base_url": self.base_url, "client_id": self.client_id, "client_secret": self.client_secret}

    def env(self) -> Dict[str, str]:
        """The ``PROVE_*`` environment variables ``ProveClient.from_env()`` reads, for this sandbox."""
        return {
            "PROVE_BASE_URL": self.base_url,
            "PROVE_CLIENT_ID": self.client_id,
            "PROVE_CLIENT_SECRET": self.client_secret,
        }

    def client(self, **settings: Unpack[ClientSettings]) -> ProveClient:
        """A :class:`ProveClient` for this sandbox (``settings`` override or add to the defaults)."""
        merged: Dict[str, Any] = {**self.settings(), **settings}
        return ProveClient(**merged)

    def async_client(self, **settings: Unpack[ClientSettings]) -> AsyncProveClient:
        """An :class:`AsyncProveClient` for this sandbox."""
        merged: Dict[str, Any] = {**self.settings(), **settings}
        return AsyncProveClient(**merged)

    # ---- the emulated user and time ----

    def possession(
        self, correlation_id: str, action: str = "success", *, otp: Optional[str] = None
    ) -> Dict[str, Any]:
        """Completes the possession check of a flow as the user's phone would: ``action`` is
        ``success``, ``fail`` or ``otp`` (with ``otp``; ``1234`` is the sandbox's code). Returns
        the session's possession state; ``LookupError`` for an unknown correlation id."""
        status, text = self._native.possession(correlation_id, action, otp)
        body: Dict[str, Any] = json.loads(text)
        if status == 404:
            raise LookupError(f"the sandbox knows no flow with that correlation id ({body.get('message')})")
        if status >= 400:
            raise ValueError(f"possession: {body.get('message', status)}")
        return body

    def advance_clock(self, seconds: float) -> None:
        """Moves the sandbox clock forward: tokens and sessions (15 minutes) expire by it."""
        self._native.advance_clock_ms(seconds * 1000)

    def now_ms(self) -> int:
        """The sandbox clock, in Unix milliseconds."""
        return self._native.now_ms()

    def set_token_lifetime(self, seconds: float) -> None:
        """Lifetime of the tokens issued from now on."""
        self._native.set_token_lifetime_ms(seconds * 1000)

    def revoke_tokens(self) -> None:
        """Invalidates every token issued so far (the next call gets a 401, and the SDK fetches a
        new token and retries once)."""
        self._native.revoke_tokens()

    def control(self, name: str, body: Optional[Mapping[str, Any]] = None) -> Tuple[int, Any]:
        """Runs one of the emulated world's controls (``POST /sandbox/<name>``); returns
        ``(status, answer)``."""
        status, text = self._native.world_control(name, json.dumps(body or {}))
        return status, json.loads(text)

    # ---- faults ----

    def inject_fault(
        self,
        kind: FaultKind,
        *,
        path: Optional[str] = None,
        count: Optional[int] = None,
        ms: Optional[int] = None,
        status: Optional[int] = None,
        retry_after: Optional[int] = None,
        body: Optional[str] = None,
        content_type: Optional[str] = None,
    ) -> None:
        """Makes the next ``count`` requests (all until cleared, by default) to ``path`` (a raw
        path such as ``/v3/start``, a route template, or ``/token``; every path by default) fail:

        - ``latency`` (``ms``): answer after a delay;
        - ``status`` (``status``, optional ``retry_after`` seconds): that status with a Prove error;
        - ``drop``: close the connection without answering;
        - ``malformedJson``: a 200 with a truncated JSON body;
        - ``slowBody`` (``ms``): the body in pieces spread over ``ms``;
        - ``respond`` (``status``, ``body``, optional ``content_type``): exactly that answer.
        """
        fault: Dict[str, Any] = {"kind": kind}
        for key, value in (
            ("path", path),
            ("count", count),
            ("ms", ms),
            ("status", status),
            ("retryAfter", retry_after),
            ("body", body),
            ("contentType", content_type),
        ):
            if value is not None:
                fault[key] = value
        self._native.inject_fault(json.dumps(fault))

    def clear_faults(self) -> None:
        """Removes every fault."""
        self._native.clear_faults()

    # ---- what the sandbox saw ----

    def counters(self) -> SandboxCounters:
        """How many requests arrived (token requests, total, per route)."""
        c = json.loads(self._native.counters())
        return SandboxCounters(
            token_requests=int(c["tokenRequests"]),
            total_requests=int(c["totalRequests"]),
            requests_by_path=dict(c.get("requestsByPath", {})),
        )

    def reset_counters(self) -> None:
        """Sets every counter to zero."""
        self._native.reset_counters()

    def requests(self) -> List[Dict[str, Any]]:
        """The request log, most recent last (at most 1000): ``method``, ``path``, ``query``,
        ``route``, ``pathParams``, ``body``, ``contentType``, ``atMs``."""
        out: List[Dict[str, Any]] = json.loads(self._native.requests())
        return out

    def clear_requests(self) -> None:
        """Empties the request log."""
        self._native.clear_requests()

    # ---- webhooks ----

    def deliver_webhook(
        self,
        url: str,
        secret: str,
        *,
        event_type: Optional[str] = None,
        payload: Any = None,
    ) -> int:
        """Signs a notification as Prove does and POSTs it to ``url`` (a plain ``http://``
        address, e.g. your app on loopback); returns your endpoint's HTTP status."""
        body: Dict[str, Any] = {"url": url, "secret": secret}
        if event_type is not None:
            body["eventType"] = event_type
        if payload is not None:
            body["payload"] = payload
        answer = self._post("/sandbox/webhook/deliver", body)
        return int(answer["status"])

    def _post(self, path: str, body: Mapping[str, Any]) -> Dict[str, Any]:
        req = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=30) as res:
            out: Dict[str, Any] = json.loads(res.read())
        return out

    # ---- life cycle ----

    def stop(self) -> None:
        """Stops serving and waits until the port is closed. Idempotent."""
        self._native.stop()

    @property
    def stopped(self) -> bool:
        """Whether :meth:`stop` has been called."""
        return self._native.stopped

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Sandbox(base_url={self.base_url!r}{', stopped' if self.stopped else ''})"
