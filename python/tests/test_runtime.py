"""Host concerns of the adapter: the GIL released during blocking calls, threads sharing a
client, one token request for 1000 concurrent cold calls, several event loops, cancellation
dropping the HTTP request, close() with calls in flight, and os.fork() after first use."""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
import threading
import time
from typing import Any, Iterator, List, Tuple

import pytest

import prove_sdk
from prove_sdk import AsyncProveClient, ProveClient, TransportError
from prove_sdk.testing import Sandbox

TOKEN = b'{"access_token":"tok","token_type":"Bearer","expires_in":3600}'


class Hanging:
    """A server that answers /token and never answers anything else; it records when the client
    gives up on a request by closing its connection."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.received = threading.Event()
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buf = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                head, _, rest = buf.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v.strip())
                while len(rest) < length:
                    rest += conn.recv(65536)
                buf = rest[length:]
                if b" /token " in head.split(b"\r\n")[0]:
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                        + str(len(TOKEN)).encode()
                        + b"\r\n\r\n"
                        + TOKEN
                    )
                    continue
                self.received.set()
                while conn.recv(65536):
                    pass
                self.closed.set()
                return

    def settings(self) -> Any:
        return {"base_url": self.url, "client_id": "id", "client_secret": "secret", "retry": False}

    def stop(self) -> None:
        self.sock.close()


@pytest.fixture
def hanging() -> Iterator[Hanging]:
    h = Hanging()
    try:
        yield h
    finally:
        h.stop()


def test_cancelling_a_task_drops_the_call_and_its_http_request(hanging: Hanging) -> None:
    client = AsyncProveClient(**hanging.settings())

    async def main() -> float:
        task = asyncio.create_task(client.domain.id())
        while not hanging.received.is_set():
            await asyncio.sleep(0.01)
        t0 = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - t0

    assert asyncio.run(main()) < 1.0
    assert hanging.closed.wait(5), "the HTTP request was abandoned (connection closed)"


def test_wait_for_timeouts_cancel_too(hanging: Hanging) -> None:
    client = AsyncProveClient(**hanging.settings())

    async def main() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.identity_manager.get(prove_id="p-1"), 0.3)

    asyncio.run(main())
    assert hanging.closed.wait(5)


def test_close_fails_calls_in_flight_in_other_threads(hanging: Hanging) -> None:
    client = ProveClient(**hanging.settings())
    errors: List[BaseException] = []

    def call() -> None:
        try:
            client.domain.id()
        except BaseException as e:  # noqa: B902 (the test inspects whatever arrives)
            errors.append(e)

    t = threading.Thread(target=call)
    t.start()
    assert hanging.received.wait(5)
    client.close()
    t.join(5)
    assert not t.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], TransportError) and "closed" in str(errors[0])
    assert hanging.closed.wait(5)


def test_the_gil_is_released_while_a_call_waits(prove_sandbox: Sandbox) -> None:
    client = prove_sandbox.client()
    client.domain.id()
    prove_sandbox.inject_fault("latency", ms=600, path="/v3/domain/id", count=1)
    done = threading.Event()

    def call() -> None:
        client.domain.id()
        done.set()

    t = threading.Thread(target=call)
    t0 = time.monotonic()
    t.start()
    spins = 0
    while not done.is_set() and time.monotonic() - t0 < 10:
        spins += 1
    t.join()
    elapsed = time.monotonic() - t0
    assert elapsed >= 0.5
    # Python code kept running in this thread for the whole call.
    assert spins > 10_000, spins


def test_32_threads_share_one_client_and_one_token(prove_sandbox: Sandbox) -> None:
    client = prove_sandbox.client()
    barrier = threading.Barrier(32)
    failures: List[BaseException] = []
    results: List[Any] = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                results.append(client.domain.id())
            s = client.flow.start(flow_type="mobile", phone_number="2001001695")
            results.append(client.flow.validate(correlation_id=s.correlation_id))
        except BaseException as e:  # noqa: B902
            failures.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures, failures[:3]
    assert len(results) == 32 * 6
    assert prove_sandbox.counters().token_requests == 1


def test_1000_concurrent_async_calls_on_a_cold_cache_make_one_token_request(prove_sandbox: Sandbox) -> None:
    client = prove_sandbox.async_client()

    async def main() -> List[Any]:
        return await asyncio.gather(*(client.domain.id() for _ in range(1000)))

    out = asyncio.run(main())
    assert len(out) == 1000 and all(type(r).__name__ == "DomainIdResponse" for r in out)
    c = prove_sandbox.counters()
    assert c.token_requests == 1, c
    assert c.requests_by_path["/v3/domain/id"] == 1000


def test_one_client_on_several_event_loops(prove_sandbox: Sandbox) -> None:
    client = prove_sandbox.async_client()
    # One loop after another (one per test, as pytest-asyncio does)...
    for _ in range(3):
        assert asyncio.run(client.domain.id())
    # ...and several at once, in several threads.
    out: List[Any] = []

    def run() -> None:
        async def calls() -> List[Any]:
            return await asyncio.gather(*(client.domain.id() for _ in range(20)))

        out.extend(asyncio.run(calls()))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(out) == 80


def test_uvloop(prove_sandbox: Sandbox) -> None:
    uvloop = pytest.importorskip("uvloop")
    client = prove_sandbox.async_client()

    async def main() -> Tuple[str, int]:
        s = await client.flow.start(flow_type="mobile", phone_number="2001001695")
        v = await client.flow.validate(correlation_id=s.correlation_id)
        items = [i async for i in client.identity_manager.list()]
        return str(v.success), len(items)

    loop = uvloop.new_event_loop()
    try:
        assert loop.run_until_complete(main()) == ("True", 0)
    finally:
        loop.close()


def _child_calls(base: Any) -> int:
    """Run in a forked child: the client made by the parent, on the child's first call."""
    client = base
    r = client.flow.start(flow_type="mobile", phone_number="2001001695")
    v = client.flow.validate(correlation_id=r.correlation_id)
    return 1 if v.success else 0


needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork() is POSIX only")


@needs_fork
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_fork_after_first_use_with_a_call_in_flight(prove_sandbox: Sandbox) -> None:
    sync = prove_sandbox.client()
    asynchronous = prove_sandbox.async_client()
    sync.domain.id()
    asyncio.run(asynchronous.domain.id())
    assert prove_sdk._native.runtime_started()
    # A call in flight in the parent at the moment of the fork (its token refresh too).
    prove_sandbox.inject_fault("latency", ms=1500, path="/v3/domain/id", count=1)
    prove_sandbox.revoke_tokens()
    t = threading.Thread(target=sync.domain.id)
    t.start()
    time.sleep(0.3)
    pid = os.fork()
    if pid == 0:  # the child
        code = 10
        try:
            fresh = not prove_sdk._native.runtime_started()
            r = sync.flow.start(flow_type="mobile", phone_number="2001001695")
            ok = sync.flow.validate(correlation_id=r.correlation_id).success
            ok2 = asyncio.run(asynchronous.domain.id()) is not None
            code = 0 if (fresh and ok and ok2) else 11
        except BaseException:  # noqa: B902
            code = 12
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise AssertionError("the child hung")
    t.join(10)
    assert os.waitstatus_to_exitcode(status) == 0
    # The parent is unaffected.
    assert sync.domain.id()


@needs_fork
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_multiprocessing_fork_children_work_on_their_first_call(prove_sandbox: Sandbox) -> None:
    client = prove_sandbox.client()
    client.domain.id()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        results = [pool.apply_async(_fork_global_call) for _ in range(4)]
        assert [r.get(30) for r in results] == [1, 1, 1, 1]
        # An exception raised in a child arrives whole in the parent (pickled).
        with pytest.raises(prove_sdk.ValidationError) as e:
            pool.apply_async(_fork_global_error).get(30)
        assert e.value.field == "flowType"


_GLOBAL: List[ProveClient] = []


def _fork_global_call() -> int:
    return _child_calls(_GLOBAL[0])


def _fork_global_error() -> None:
    _GLOBAL[0].flow.start(flow_type="tablet", phone_number="2001001695")


@pytest.fixture(autouse=True)
def _global_client(prove_sandbox: Sandbox) -> Iterator[None]:
    _GLOBAL.clear()
    _GLOBAL.append(prove_sandbox.client())
    yield
    _GLOBAL.clear()


@pytest.mark.skipif(not hasattr(os, "kill"), reason="needs signals")
def test_ctrl_c_stops_a_waiting_sync_call(prove_sandbox: Sandbox) -> None:
    import signal

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    client = prove_sandbox.client()
    client.domain.id()
    prove_sandbox.inject_fault("latency", ms=5000, path="/v3/domain/id", count=1)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        client.domain.id()
    assert time.monotonic() - t0 < 2
    timer.join()
    assert client.domain.id(), "the client still works"
