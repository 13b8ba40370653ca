"""os.fork() while the parent logs from several threads: no lock of the SDK (its log sinks, its
runtime's parking) may be left held in the child, so the child's logged calls go through, the
child's records reach its own handlers, and the parent goes on logging."""
from __future__ import annotations

import logging
import os
import threading
import time
from typing import List

import pytest

from prove_sdk import _logging
from prove_sdk.testing import Sandbox

LOGGER = logging.getLogger("prove_sdk")


class Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _wait(pid: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError("a forked child hung on its first logged call")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_while_records_are_delivered_leaves_no_lock_held(prove_sandbox: Sandbox) -> None:
    # Only this test's handler: a handler writing to a file (pytest's own, say) holds a buffered
    # writer's lock, which CPython does not reset in a forked child, while another thread writes.
    # That hazard is the host's logging, not the SDK's, and is not what this test is about.
    handler = Count()
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.DEBUG)
    LOGGER.propagate = False
    client = prove_sandbox.client()
    stop = threading.Event()
    errors: List[BaseException] = []

    def busy() -> None:
        try:
            while not stop.is_set():
                client.domain.id()
        except BaseException as e:  # noqa: B902
            errors.append(e)

    threads = [threading.Thread(target=busy) for _ in range(4)]
    try:
        client.domain.id()
        for t in threads:
            t.start()
        # Records are being delivered on the SDK's threads all the time while the parent forks.
        for _ in range(15):
            pid = os.fork()
            if pid == 0:  # the child
                code = 10
                try:
                    before = handler.count  # only this thread runs in the child
                    ok = client.domain.id() is not None
                    # This child's own records reach this child's handler.
                    code = 0 if (ok and handler.count > before) else 11
                except BaseException:  # noqa: B902
                    code = 12
                finally:
                    os._exit(code)
            assert _wait(pid, 30) == 0
        seen = handler.count
        client.domain.id()
        assert handler.count > seen, "the parent still logs"
    finally:
        stop.set()
        for t in threads:
            t.join(10)
        LOGGER.removeHandler(handler)
        LOGGER.setLevel(logging.NOTSET)
        LOGGER.propagate = True
        _logging.sync()
    assert not errors
