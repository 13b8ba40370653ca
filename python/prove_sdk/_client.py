"""``ProveClient`` and ``AsyncProveClient``: the settings, requests and responses of the native
client (``prove_sdk._native``), mapped to Python.

Every decision (validation, retries, tokens, errors) is the Rust core's; this module converts:
snake_case settings and keyword arguments to the core's names, requests to JSON text with Prove's
wire names, responses to the generated models, and the names in validation errors back to the
caller's spelling.
"""
from __future__ import annotations

import json
import math
import os
import platform
import re
import sys
import threading
import weakref
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypedDict,
    TypeVar,
    Union,
)

from . import _logging, _native
from ._base import CallOptions, NativeCursor
from ._generated.clients import AsyncGroups, SyncGroups
from ._generated.errors import DecodeError, ProveError, ValidationError
from ._generated.methods import METHODS_BY_NAME, MethodInfo
from ._model import Field, Model, _encode, _from_owned_json, fields

if TYPE_CHECKING:
    import asyncio

    from typing_extensions import Unpack

__all__ = ["ProveClient", "AsyncProveClient", "ClientSettings", "FromEnvSettings", "RetrySettings"]

_M = TypeVar("_M", bound=Model)


class RetrySettings(TypedDict, total=False):
    """The retry policy of a client (unset keys keep the defaults: 2 retries, 200 ms initial
    backoff, 5 s maximum backoff)."""

    max_retries: int
    """Retries after the first attempt; 0 switches retries off."""
    initial_backoff_ms: float
    """First backoff in milliseconds, doubled each retry with full jitter."""
    max_backoff_ms: float
    """Upper bound of one backoff (and of an honoured ``Retry-After``), in milliseconds."""


class FromEnvSettings(TypedDict, total=False):
    """Settings of :meth:`ProveClient.from_env`: every client setting except the credentials and
    the environment, which come from ``PROVE_*`` variables."""

    token_url: str
    """Token endpoint: an absolute URL, or a path resolved against the base URL."""
    timeout_ms: float
    """Total time of one call in milliseconds, retries included (default 30 000)."""
    connect_timeout_ms: float
    """Connect timeout in milliseconds (default 5 000)."""
    attempt_timeout_ms: float
    """Time limit of one attempt in milliseconds (default none)."""
    retry: Union[RetrySettings, Literal[False]]
    """Retry policy, or ``False`` for none."""
    user_agent_suffix: str
    """Appended to the ``User-Agent`` header."""
    max_response_bytes: int
    """Largest response body accepted, in bytes (default 4 MiB)."""


class ClientSettings(FromEnvSettings, total=False):
    """Settings of a client. ``client_id`` and ``client_secret`` are required."""

    client_id: str
    """OAuth client id."""
    client_secret: str
    """OAuth client secret (never logged or shown)."""
    environment: str
    """``uat-us`` (default), ``prod-us``, ``uat-eu`` or ``prod-eu``."""
    base_url: str
    """Any base URL (for example the sandbox emulator's); wins over ``environment``."""


# ---- names ----

_CAMEL_1 = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL_2 = re.compile(r"([A-Z]+)([A-Z][a-z])")


def _snake(name: str) -> str:
    """snake_case of a camelCase name, as tools/typegen names attributes (``allowOTPRetry`` →
    ``allow_otp_retry``)."""
    return _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", name)).lower()


def _camel(name: str) -> str:
    """camelCase of a snake_case name (``timeout_ms`` → ``timeoutMs``); other spellings are kept
    as they are, so that the core can suggest the setting meant."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_GROUP_WHAT = {
    "client": "a client setting",
    "fromEnv": "a client setting",
    "retry": "a retry setting",
    "call": "a per-call option",
    "logger": "a logger option",
}

_SETTING_NAMES: Dict[str, Tuple[str, ...]] = {
    g: tuple(_native.setting_names(g)) for g in ("client", "fromEnv", "retry", "call")
}
_ALL_CAMEL = sorted(
    {n for names in _SETTING_NAMES.values() for n in names}
    | {"leewayMs", "maxAgeMs", "requireBodyHash", "rejectReplays", "fromEnv"},
    key=len,
    reverse=True,
)
_CAMEL_WORD = re.compile(r"\b(" + "|".join(map(re.escape, _ALL_CAMEL)) + r")\b")


def _snake_setting_error(e: ProveError) -> ProveError:
    """The error with the core's camelCase setting names (``timeoutMs``, ``retry.maxRetries``)
    given as Python spells them (``timeout_ms``, ``retry.max_retries``)."""
    if e.field is not None:
        e.field = _CAMEL_WORD.sub(lambda m: _snake(m.group(1)), e.field)
    e.message = _CAMEL_WORD.sub(lambda m: _snake(m.group(1)), e.message)
    e.args = (e.message,)
    return e


def _invalid(field: str, text: str) -> ValidationError:
    return ValidationError(f"{field}: {text}", field=field)


def _check_keys(keys: Any, group: str, prefix: str = "") -> None:
    """Refuses a key that is not a setting of ``group``: a ``ValidationError`` naming it (in
    the caller's spelling) and suggesting the setting likely meant."""
    known = {_snake(n) for n in _SETTING_NAMES[group]} - {"signal"}
    for key in keys:
        if not isinstance(key, str):
            raise _invalid(f"{prefix}{key!r}", "setting names must be strings")
        if key in known:
            continue
        if key == "signal":
            raise _invalid(key, "is not a per-call option in Python; cancel the asyncio task instead")
        camel = _camel(key)
        try:
            _native.check_setting_name(group, camel)
        except ProveError as e:
            # Named as the caller spelt it; the known names in the message as Python spells them.
            named = f"{prefix}{key}"
            rest = e.message[len(e.field) :] if e.field and e.message.startswith(e.field) else f": {e.message}"
            e.field = None
            _snake_setting_error(e)
            e.field = named
            e.message = named + _CAMEL_WORD.sub(lambda m: _snake(m.group(1)), rest)
            e.args = (e.message,)
            raise e from None
        # A camelCase spelling of a known setting.
        raise _invalid(
            f"{prefix}{key}", f"is not {_GROUP_WHAT[group]}; did you mean {_snake(camel)}?"
        )


def _opt_str(settings: Mapping[str, Any], key: str) -> Optional[str]:
    v = settings.get(key)
    if v is None:
        return None
    if not isinstance(v, str):
        raise _invalid(key, "must be a string")
    return v


def _opt_number(settings: Mapping[str, Any], key: str, field: Optional[str] = None) -> Optional[float]:
    v = settings.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _invalid(field or key, "must be a number")
    return float(v)


def _opt_count(settings: Mapping[str, Any], key: str, field: str) -> Optional[int]:
    v = settings.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 0xFFFFFFFF:
        raise _invalid(field, "must be a whole number, at least 0")
    return v


def _retry_arguments(retry: Any) -> Dict[str, Any]:
    if retry is None or retry is True:
        return {}
    if retry is False:
        return {"max_retries": 0}
    if not isinstance(retry, Mapping):
        raise _invalid("retry", "must be a dict of retry settings, or False")
    _check_keys(retry.keys(), "retry", "retry.")
    out: Dict[str, Any] = {}
    n = _opt_count(retry, "max_retries", "retry.max_retries")
    if n is not None:
        out["max_retries"] = n
    for key in ("initial_backoff_ms", "max_backoff_ms"):
        v = _opt_number(retry, key, f"retry.{key}")
        if v is not None:
            out[key] = v
    return out


_PYTHON_AGENT = f"python/{platform.python_version()}"


def _native_client(settings: Mapping[str, Any], from_env: bool) -> Any:
    """The native client of ``settings`` (snake_case keys), checked as the core checks them."""
    _check_keys(settings.keys(), "fromEnv" if from_env else "client")
    args: Dict[str, Any] = {}
    for key in ("client_id", "client_secret", "environment", "base_url", "token_url"):
        v = _opt_str(settings, key)
        if v is not None:
            args[key] = v
    for key in ("timeout_ms", "connect_timeout_ms", "attempt_timeout_ms", "max_response_bytes"):
        n = _opt_number(settings, key)
        if n is not None:
            args[key] = n
    args.update(_retry_arguments(settings.get("retry")))
    suffix = _opt_str(settings, "user_agent_suffix")
    args["user_agent_suffix"] = f"{_PYTHON_AGENT} {suffix}" if suffix else _PYTHON_AGENT
    if from_env:
        args["env"] = {k: os.environ[k] for k in _native.env_vars() if k in os.environ}
    try:
        return _native.NativeClient(**args)
    except ProveError as e:
        raise _snake_setting_error(e) from None


# ---- requests and responses ----

_TABLES: Dict[type, Dict[str, Field]] = {}


def _by_name(cls: Type[Model]) -> Dict[str, Field]:
    table = _TABLES.get(cls)
    if table is None:
        table = _TABLES[cls] = {f.name: f for f in fields(cls)}
    return table


def _request_value(info: MethodInfo, request: Any, kwargs: Mapping[str, Any]) -> Tuple[Any, bool]:
    """The request as a JSON value with wire names, and whether the caller named its fields in
    snake_case (keyword arguments or a model), so that errors name them that way too."""
    where = f"{info.python_name}()"
    if kwargs:
        if request is not None:
            raise TypeError(f"{where} takes the request as its argument or as keyword arguments, not both")
        table = _by_name(info.request_type)
        body: Dict[str, Any] = {}
        for key, value in kwargs.items():
            f = table.get(key)
            if f is None:
                raise TypeError(f"{where} got an unexpected keyword argument {key!r}")
            if value is not None:
                # Serialised to JSON text at once: converted, not copied.
                body[f.wire] = _encode(f.parsed, value, copy_values=False)
        return body, True
    if request is None:
        return None, True
    if isinstance(request, Model):
        if not isinstance(request, info.request_type):
            raise TypeError(
                f"{where} takes a {info.request_type.__name__} (or a dict, or keyword arguments), "
                f"not a {type(request).__name__}"
            )
        return request.to_dict(), True
    if isinstance(request, Mapping):
        return dict(request), False
    # Anything else is sent as it is: the core names its type in the error.
    return request, False


def _nonfinite_path(value: Any, path: str = "") -> Optional[str]:
    if isinstance(value, float) and not math.isfinite(value):
        return path or "input"
    if isinstance(value, Mapping):
        for k, v in value.items():
            found = _nonfinite_path(v, f"{path}.{k}" if path else str(k))
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found = _nonfinite_path(v, f"{path}[{i}]")
            if found:
                return found
    return None


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        path = _nonfinite_path(value) or "input"
        if len(path) > 200:
            path = path[:200] + "…"
        raise _invalid(path, "must be a finite number (NaN and Infinity cannot be sent)") from None
    except (TypeError, RecursionError) as e:
        kind = type(e).__name__
        raise _invalid("input", f"cannot be encoded as JSON ({kind})") from None


def _call_arguments(
    info: Optional[MethodInfo], options: Optional[Mapping[str, Any]]
) -> Tuple[Optional[float], Optional[float], Optional[int], Optional[str]]:
    """(timeout_ms, attempt_timeout_ms, retries, client_request_id) of the per-call options."""
    if options is None:
        return None, None, None, None
    if not isinstance(options, Mapping):
        raise _invalid("options", "must be a dict of per-call options (CallOptions)")
    _check_keys(options.keys(), "call")
    request_id = _opt_str(options, "client_request_id")
    if request_id is not None and info is not None and not info.client_request_id:
        raise _invalid(
            "client_request_id",
            f"is not a field of {info.request_type.__name__} ({info.python_name})",
        )
    return (
        _opt_number(options, "timeout_ms"),
        _opt_number(options, "attempt_timeout_ms"),
        _opt_count(options, "retries", "retries"),
        request_id,
    )


_CALL_FIELDS = (frozenset(_SETTING_NAMES["call"]) - {"clientRequestId"}) | {
    f"retry.{n}" for n in _SETTING_NAMES["retry"]
}

_SEGMENT = re.compile(r"^([^\[\]]*)(.*)$")


def _snake_path(cls: Optional[Type[Model]], path: str) -> str:
    """A wire path (``individual.addresses[0].postalCode``) with each name as the models'
    attribute (``individual.addresses[0].postal_code``)."""
    out: List[str] = []
    for segment in path.split("."):
        m = _SEGMENT.match(segment)
        name, rest = (m.group(1), m.group(2)) if m else (segment, "")
        f = None
        if cls is not None:
            f = next((x for x in fields(cls) if x.wire == name), None)
        out.append((f.name if f is not None else _snake(name)) + rest)
        cls = _nested_model(f)
    return ".".join(out)


def _nested_model(f: Optional[Field]) -> Optional[Type[Model]]:
    if f is None:
        return None
    kind, arg = f.parsed
    while kind in ("array", "map"):
        kind, arg = arg
    if kind != "ref":
        return None
    cls = getattr(sys.modules[f.module], arg, None)
    return cls if isinstance(cls, type) and issubclass(cls, Model) else None


def _in_callers_names(e: ProveError, info: MethodInfo, snake: bool) -> ProveError:
    """A local validation error of a request given in snake_case, its message naming the field
    as the caller did. ``field`` keeps the wire name (stable across languages). Errors about the
    per-call options name them in snake_case, field included."""
    if e.kind == "Validation" and e.status is None and e.field in _CALL_FIELDS:
        return _snake_setting_error(e)
    if snake and e.kind == "Validation" and e.status is None and e.field:
        named = _snake_path(info.request_type, e.field)
        if named != e.field and e.message.startswith(f"{e.field}:"):
            e.message = named + e.message[len(e.field) :]
            e.args = (e.message,)
    return e


class _Prepared:
    __slots__ = ("info", "text", "timeout_ms", "attempt_timeout_ms", "retries", "snake")

    def __init__(self, name: str, request: Any, kwargs: Mapping[str, Any], options: Any) -> None:
        info = METHODS_BY_NAME.get(name)
        if info is None:
            raise _invalid("method", "unknown method; see prove_sdk.METHODS for the list")
        self.info = info
        self.timeout_ms, self.attempt_timeout_ms, self.retries, request_id = _call_arguments(
            info, options
        )
        value, self.snake = _request_value(info, request, kwargs)
        if request_id is not None:
            if value is None:
                value = {}
            if isinstance(value, dict) and "clientRequestId" not in value:
                value = {**value, "clientRequestId": request_id}
        self.text = _json_text(value)

    def decode(self, out: Type[_M], raw: str) -> _M:
        try:
            return _from_owned_json(out, json.loads(raw))
        except (TypeError, ValueError) as e:
            raise DecodeError(
                f"the response of {self.info.name} does not fit {out.__name__}: {e}",
                operation=self.info.operation_id,
            ) from None


def _cursor_text(
    request: Any, kwargs: Mapping[str, Any], options: Any
) -> Tuple[str, Tuple[Optional[float], Optional[float], Optional[int]], bool]:
    """The listing's input as JSON text, its per-call settings, and whether the caller named its
    fields in snake_case."""
    info = METHODS_BY_NAME["identityManager.listAll"]
    timeout_ms, attempt_ms, retries, request_id = _call_arguments(info, options)
    value, snake = _request_value(info, request, kwargs)
    if request_id is not None:
        if value is None:
            value = {}
        if isinstance(value, dict) and "clientRequestId" not in value:
            value = {**value, "clientRequestId": request_id}
    return _json_text(value), (timeout_ms, attempt_ms, retries), snake


# ---- asynchronous calls ----

_HAS_QUEUE = hasattr(_native, "CompletionQueue")
_QUEUES: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any]" = weakref.WeakKeyDictionary()
"""The completion queue of each event loop (``False`` for a loop without ``add_reader``)."""
_QUEUES_LOCK = threading.Lock()


def _queue_of(loop: asyncio.AbstractEventLoop) -> Any:
    """The completion queue through which the native runtime settles the futures of ``loop``
    (see ``bindings/python/src/completions.rs``), made and registered with the loop on first
    use, and again in a forked child; ``None`` where there is none (not Unix, or a loop that
    cannot watch a descriptor, such as Windows' proactor loop): the calls then use the native
    awaitables instead."""
    queue = _QUEUES.get(loop)
    if queue is False:
        return None
    if queue is not None and queue.pid == os.getpid():
        return queue
    if not _HAS_QUEUE:
        return None
    with _QUEUES_LOCK:
        queue = _QUEUES.get(loop)
        if queue is not None and queue is not False and queue.pid == os.getpid():
            return queue
        # A parent's queue inherited through fork() is left as it is: its descriptor is not
        # this process's to unregister (a loop's epoll instance is shared with the parent).
        fresh = _native.CompletionQueue()
        try:
            loop.add_reader(fresh.fileno(), fresh.drain)
        except NotImplementedError:
            _QUEUES[loop] = False
            return None
        _QUEUES[loop] = fresh
        return fresh


class _ClientBase:
    """What both clients share: the native client, its properties, ``close()``."""

    _native: Any

    def _init_native(self, settings: Mapping[str, Any], from_env: bool) -> None:
        self._native = _native_client(settings, from_env)

    @property
    def base_url(self) -> str:
        """The base URL operations are sent to."""
        url: str = self._native.base_url
        return url

    @property
    def environment(self) -> str:
        """``uat-us``, ``prod-us``, ``uat-eu``, ``prod-eu``, or ``custom``."""
        env: str = self._native.environment
        return env

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header sent with every request."""
        agent: str = self._native.user_agent
        return agent

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return bool(self._native.closed)

    def close(self) -> None:
        """Closes the client: calls in flight (in any thread or task) fail at once with a
        ``TransportError`` ("the client is closed"), their HTTP requests abandoned, and later
        calls fail the same way without touching the network. Idempotent."""
        self._native.close()

    def _cursor(self, request: Any, kwargs: Mapping[str, Any], options: Optional[CallOptions]) -> NativeCursor:
        _logging.sync()
        text, (timeout_ms, attempt_ms, retries), snake = _cursor_text(request, kwargs, options)
        try:
            cursor: NativeCursor = self._native.list_identities(text, timeout_ms, attempt_ms, retries)
        except ProveError as e:
            raise _in_callers_names(e, METHODS_BY_NAME["identityManager.listAll"], snake) from None
        return cursor

    def __repr__(self) -> str:
        state = ", closed" if self.closed else ""
        return f"{type(self).__name__}(environment={self.environment!r}, base_url={self.base_url!r}{state})"


class ProveClient(_ClientBase, SyncGroups):
    """A synchronous Prove API client. One instance shares its token cache and connections across
    every call of every thread; each call releases the GIL while it waits.

    Settings are keyword arguments (see :class:`ClientSettings`)::

        client = ProveClient(client_id="...", client_secret="...", environment="uat-us")
        started = client.flow.start(flow_type="mobile", phone_number="2001001695")

    Safe across ``os.fork()``: a child process builds its own connections and token cache on its
    first call.
    """

    def __init__(self, **settings: Unpack[ClientSettings]) -> None:
        self._init_native(settings, from_env=False)
        self._bind_groups(self)

    @classmethod
    def from_env(cls, **settings: Unpack[FromEnvSettings]) -> ProveClient:
        """A client configured from ``PROVE_CLIENT_ID``, ``PROVE_CLIENT_SECRET`` and
        ``PROVE_BASE_URL`` or ``PROVE_ENV`` (default ``uat-us``), with the other ``settings``."""
        client = cls.__new__(cls)
        client._init_native(settings, from_env=True)
        client._bind_groups(client)
        return client

    def _invoke(
        self,
        out: Type[_M],
        name: str,
        request: Any,
        fields: Mapping[str, Any],
        options: Optional[CallOptions],
    ) -> _M:
        _logging.sync()
        p = _Prepared(name, request, fields, options)
        try:
            raw: str = self._native.call(name, p.text, p.timeout_ms, p.attempt_timeout_ms, p.retries)
        except ProveError as e:
            raise _in_callers_names(e, p.info, p.snake) from None
        return p.decode(out, raw)

    def call(
        self,
        method: str,
        request: Union[Model, Mapping[str, Any], None] = None,
        /,
        *,
        options: Optional[CallOptions] = None,
    ) -> Model:
        """Calls a method by its name in the core's table (``"flow.start"``, see
        ``prove_sdk.METHODS``); returns its response model."""
        info = METHODS_BY_NAME.get(method)
        if info is None:
            raise _invalid("method", "unknown method; see prove_sdk.METHODS for the list")
        return self._invoke(info.response_type, method, request, {}, options)

    def __enter__(self) -> ProveClient:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncProveClient(_ClientBase, AsyncGroups):
    """An asyncio Prove API client: every method is a coroutine running on the current event
    loop, without a thread per call. Cancelling the awaiting task cancels the call (its HTTP
    request is abandoned). One instance may be used from several event loops.

    ::

        async with AsyncProveClient(client_id="...", client_secret="...") as client:
            started = await client.flow.start(flow_type="mobile", phone_number="2001001695")
    """

    def __init__(self, **settings: Unpack[ClientSettings]) -> None:
        self._init_native(settings, from_env=False)
        self._bind_groups(self)

    @classmethod
    def from_env(cls, **settings: Unpack[FromEnvSettings]) -> AsyncProveClient:
        """A client configured from the ``PROVE_*`` variables (see ``ProveClient.from_env``)."""
        client = cls.__new__(cls)
        client._init_native(settings, from_env=True)
        client._bind_groups(client)
        return client

    async def _invoke(
        self,
        out: Type[_M],
        name: str,
        request: Any,
        fields: Mapping[str, Any],
        options: Optional[CallOptions],
    ) -> _M:
        # Imported here, not at the top: importing asyncio costs a synchronous user tens of ms.
        import asyncio

        _logging.sync()
        p = _Prepared(name, request, fields, options)
        loop = asyncio.get_running_loop()
        queue = _queue_of(loop)
        try:
            if queue is None:
                raw: str = await self._native.call_async(
                    name, p.text, p.timeout_ms, p.attempt_timeout_ms, p.retries
                )
            else:
                # The call runs on the native runtime and settles `future` through the loop's
                # completion queue; cancelling this task cancels the call there.
                future = loop.create_future()
                call, first = self._native.submit(
                    queue, future, name, p.text, p.timeout_ms, p.attempt_timeout_ms, p.retries
                )
                if first:
                    # The calls submitted until then start together (one wake of the runtime).
                    loop.call_soon(queue.flush)
                try:
                    raw = await future
                except asyncio.CancelledError:
                    call.cancel()
                    raise
        except ProveError as e:
            raise _in_callers_names(e, p.info, p.snake) from None
        return p.decode(out, raw)

    async def call(
        self,
        method: str,
        request: Union[Model, Mapping[str, Any], None] = None,
        /,
        *,
        options: Optional[CallOptions] = None,
    ) -> Model:
        """Calls a method by its name in the core's table; returns its response model."""
        info = METHODS_BY_NAME.get(method)
        if info is None:
            raise _invalid("method", "unknown method; see prove_sdk.METHODS for the list")
        return await self._invoke(info.response_type, method, request, {}, options)

    async def aclose(self) -> None:
        """:meth:`close`, for ``async with`` and code that awaits its cleanup."""
        self.close()

    async def __aenter__(self) -> AsyncProveClient:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()
