"""Shared helpers of the package's tests. The sandbox fixtures (``prove_sandbox``,
``prove_client``, ``prove_async_client``) come from the package's own pytest plugin,
``prove_sdk.testing.pytest_plugin``, as they do for users."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

from prove_sdk import AsyncProveClient, ProveClient
from prove_sdk._base import AsyncGroup, SyncGroup
from prove_sdk.testing import Sandbox

REPO_ROOT = Path(__file__).resolve().parents[2]


def vectors(name: str, section: str = "cases") -> List[Dict[str, Any]]:
    cases: List[Dict[str, Any]] = json.loads((REPO_ROOT / "tests" / "vectors" / name).read_text())[section]
    return cases


class Blocking:
    """A client seen synchronously: ``api.flow.start(...)`` calls the sync client directly, or
    runs the async client's coroutine to completion on a new event loop (so every call of an
    async test uses another loop, as one-loop-per-test suites do)."""

    def __init__(self, target: Any, run: Callable[[Any], Any], kind: str) -> None:
        self._target = target
        self._run = run
        self.kind = kind

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if isinstance(attr, (SyncGroup, AsyncGroup)):
            return Blocking(attr, self._run, self.kind)
        if callable(attr):
            return lambda *a, **k: self._run(attr(*a, **k))
        return attr


def blocking(client: Any) -> Blocking:
    if isinstance(client, AsyncProveClient):
        return Blocking(client, asyncio.run, "async")
    return Blocking(client, lambda x: x, "sync")


@pytest.fixture(params=["sync", "async"])
def api(request: Any, prove_sandbox: Sandbox) -> Iterator[Blocking]:
    """The sandbox's client, once as ``ProveClient`` and once as ``AsyncProveClient``."""
    client: Any = prove_sandbox.client() if request.param == "sync" else prove_sandbox.async_client()
    try:
        yield blocking(client)
    finally:
        client.close()


@pytest.fixture
def sandbox(prove_sandbox: Sandbox) -> Sandbox:
    return prove_sandbox


def no_retry_client(sandbox: Sandbox, kind: str = "sync") -> Any:
    if kind == "sync":
        return sandbox.client(retry=False)
    return sandbox.async_client(retry=False)


__all__ = ["REPO_ROOT", "vectors", "blocking", "Blocking", "no_retry_client", "ProveClient"]
