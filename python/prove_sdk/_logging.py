"""The SDK's log records through the standard ``logging`` module, logger ``prove_sdk``.

The Rust core describes each HTTP attempt and token request as a redacted record (operation,
method, path *template*, attempt, status, latency, outcome; never bodies, headers, tokens or
personal data). They reach Python only while someone listens: before each call the SDK checks,
cheaply, whether the ``prove_sdk`` logger is enabled and has a handler that is not a
``NullHandler`` somewhere up its hierarchy; only then is a sink registered in the core (at
``DEBUG``: every request; at ``WARNING``: failures only). Otherwise the core records nothing at
all.

Each record is logged with ``extra={"prove": {...}}`` holding its fields, so structured
handlers can use them.
"""
from __future__ import annotations

import atexit
import logging
import threading
from typing import Any, Mapping, Optional

from . import _native

__all__ = ["LOGGER", "sync"]

LOGGER = logging.getLogger("prove_sdk")
"""The SDK's logger."""

_lock = threading.Lock()
_level: Optional[str] = None
_sink: Optional[int] = None

_FIELDS = ("operation", "method", "path", "attempt", "status", "latency_ms", "outcome")


def _has_handler(logger: logging.Logger) -> bool:
    current: Optional[logging.Logger] = logger
    while current is not None:
        if any(not isinstance(h, logging.NullHandler) for h in current.handlers):
            return True
        if not current.propagate:
            return False
        current = current.parent
    return False


def _wanted() -> Optional[str]:
    if not LOGGER.isEnabledFor(logging.WARNING) or not _has_handler(LOGGER):
        return None
    return "debug" if LOGGER.isEnabledFor(logging.DEBUG) else "warn"


def _emit(level: str, message: str, fields: Mapping[str, Any]) -> None:
    text = " ".join(f"{k}={fields[k]}" for k in _FIELDS if k in fields)
    LOGGER.log(
        logging.DEBUG if level == "debug" else logging.WARNING,
        "%s %s",
        message,
        text,
        extra={"prove": dict(fields)},
    )


def sync() -> None:
    """Registers, changes or removes the core's sink to match the logger's configuration."""
    global _level, _sink
    want = _wanted()
    if want == _level:
        return
    with _lock:
        if want == _level:
            return
        if _sink is not None:
            _native.remove_log_sink(_sink)
            _sink = None
        if want is not None:
            _sink = _native.add_log_sink(_emit, want)
        _level = want


def _stop() -> None:
    global _level, _sink
    with _lock:
        if _sink is not None:
            _native.remove_log_sink(_sink)
        _sink = None
        _level = None


atexit.register(_stop)
