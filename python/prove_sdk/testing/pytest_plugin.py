"""pytest fixtures of ``prove_sdk.testing`` (registered as a ``pytest11`` plugin):

- ``prove_sandbox``: a fresh :class:`~prove_sdk.testing.Sandbox` per test, stopped afterwards;
- ``prove_client``: a :class:`~prove_sdk.ProveClient` for it, closed afterwards;
- ``prove_async_client``: an :class:`~prove_sdk.AsyncProveClient` for it, closed afterwards.

A sandbox starts in well under a millisecond, so every test gets its own: clock, faults and
counters never leak between tests.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from .. import AsyncProveClient, ProveClient
from . import Sandbox


@pytest.fixture
def prove_sandbox() -> Iterator[Sandbox]:
    """A fresh sandbox emulator for one test."""
    sandbox = Sandbox()
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def prove_client(prove_sandbox: Sandbox) -> Iterator[ProveClient]:
    """A ``ProveClient`` pointed at ``prove_sandbox``."""
    with prove_sandbox.client() as client:
        yield client


@pytest.fixture
def prove_async_client(prove_sandbox: Sandbox) -> Iterator[AsyncProveClient]:
    """An ``AsyncProveClient`` pointed at ``prove_sandbox`` (usable from any event loop)."""
    client = prove_sandbox.async_client()
    try:
        yield client
    finally:
        client.close()
