"""Shared pieces of the Python benchmark and soak: the release sandbox, and the clients measured
side by side, each doing the same Pre-Fill flow and checking the same answers. Standard modules
that only the harness needs are imported where they are used, so that a cold start
(coldstart.py) imports little besides the library measured.

Clients (``name``: how it is written):

- ``prove-sdk``: ``AsyncProveClient`` of the installed release wheel, ``client.flow.*`` with
  keyword arguments, typed results.
- ``httpx``: one ``httpx.AsyncClient`` (``base_url`` set once, ``Limits(max_connections=64,
  max_keepalive_connections=64)``, an explicit 30 s timeout), ``post(path, json=...)``,
  ``raise_for_status()``, ``response.json()``.
- ``aiohttp``: one ``aiohttp.ClientSession`` (``TCPConnector(limit=64)``, keep-alive by default,
  30 s total timeout), ``session.post(url, json=...)``, ``raise_for_status()``,
  ``await response.json()``.
- ``prove-sdk-sync``: ``ProveClient``, the same calls without ``await``.
- ``requests``: one ``requests.Session`` with ``HTTPAdapter(pool_connections=1,
  pool_maxsize=64)`` mounted for ``http://``, ``session.post(url, json=..., timeout=30)``,
  ``raise_for_status()``, ``response.json()``.

The hand-written clients cache their OAuth token (``POST /token``, client credentials) until
60 s before it expires. ``single_flight=True`` (the default, what a careful engineer writes)
lets one caller fetch it while the others wait on a lock (``asyncio.Lock``, or
``threading.Lock`` for ``requests``), re-checking the cache once they have it;
``single_flight=False`` is the common naive cache: check, and fetch when it is empty, so every
caller that finds it empty fetches one.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent.parent

CLIENT_ID = "prove-sandbox-client"
CLIENT_SECRET = "prove-sandbox-secret"
MILO_PHONE = "2001001695"
"""Milo Pinson, the sandbox's short-term Pre-Fill user (no possession step needed)."""
MILO_DOB = "1981-01-17"

MAX_IN_FLIGHT = 64
"""Most calls the benchmark keeps in flight; the hand-written clients' pools are sized to it."""

ASYNC_NAMES = ["prove-sdk", "httpx", "aiohttp"]
SYNC_NAMES = ["prove-sdk-sync", "requests"]

TOKEN_MARGIN_S = 60.0
"""The hand-written clients renew their token this long before it expires."""


# ---- the sandbox ----


def sandbox_binary() -> str:
    """PROVE_SANDBOX_BIN, else the release build under the cargo target dir."""
    explicit = os.environ.get("PROVE_SANDBOX_BIN")
    if explicit:
        return explicit
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    triple = os.environ.get("CARGO_BUILD_TARGET")
    candidates = [target / triple / "release" / "prove-sandbox"] if triple else []
    candidates.append(target / "release" / "prove-sandbox")
    for c in candidates:
        if c.exists():
            return str(c)
    raise SystemExit(f"no release sandbox at {candidates[0]}: run tests/bench/python/run.sh")


class Sandbox:
    """The release sandbox emulator as a child process on a free loopback port."""

    def __init__(self, binary: Optional[str] = None) -> None:
        import subprocess

        self.binary = binary or sandbox_binary()
        self.proc = subprocess.Popen(
            [self.binary, "--port", "0", "--quiet"],
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        m = re.match(r"^prove-sandbox listening on (http://\S+)$", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"unexpected first line from prove-sandbox: {line!r}")
        self.base_url = m.group(1)
        # Keep reading its output so that it never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for _ in self.proc.stdout:
            pass

    def control(self, method: str, route: str, body: Any = None) -> Any:
        import urllib.request

        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.base_url}/sandbox/{route}", data=data, method=method)
        if data is not None:
            req.add_header("content-type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.loads(res.read())

    def counters(self) -> Dict[str, Any]:
        out: Dict[str, Any] = self.control("GET", "counters")
        return out

    def reset_counters(self) -> None:
        self.control("POST", "counters/reset", {})

    def stop(self) -> None:
        import subprocess

        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# ---- latency laps ----


def lap(lat: Optional[List[float]], t: float) -> float:
    """Appends the time since ``t`` (ms) to ``lat`` when given; returns now."""
    now = time.perf_counter()
    if lat is not None:
        lat.append((now - t) * 1000.0)
    return now


class FlowFailed(Exception):
    pass


def check_start(s: Dict[str, Any]) -> str:
    cid = s.get("correlationId")
    if not isinstance(cid, str) or not s.get("authToken"):
        raise FlowFailed("start: no correlationId")
    return cid


# ---- asynchronous clients ----


class AsyncProveSdk:
    """prove-sdk's AsyncProveClient."""

    name = "prove-sdk"
    kind = "async"

    def __init__(self, base_url: str) -> None:
        from prove_sdk import AsyncProveClient

        self.client = AsyncProveClient(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=base_url)

    async def start(self) -> str:
        s = await self.client.flow.start(flow_type="mobile", phone_number=MILO_PHONE)
        return s.correlation_id

    async def flow(self, lat: Optional[List[float]]) -> None:
        flow = self.client.flow
        t = time.perf_counter()
        s = await flow.start(flow_type="mobile", phone_number=MILO_PHONE)
        t = lap(lat, t)
        v = await flow.validate(correlation_id=s.correlation_id)
        t = lap(lat, t)
        if not v.success:
            raise FlowFailed("validate failed")
        ch = await flow.challenge(correlation_id=s.correlation_id, dob=MILO_DOB)
        t = lap(lat, t)
        if ch.individual is None:
            raise FlowFailed("challenge: no individual")
        done = await flow.complete(correlation_id=s.correlation_id, individual=ch.individual.to_dict())
        lap(lat, t)
        if not done.success:
            raise FlowFailed("complete failed")

    async def aclose(self) -> None:
        await self.client.aclose()


class _AsyncTokenCache:
    """The token cache of the hand-written asynchronous clients (see the module's docstring)."""

    def __init__(self, fetch: Callable[[], Any], single_flight: bool) -> None:
        import asyncio

        self._fetch = fetch
        self._lock = asyncio.Lock() if single_flight else None
        self._header: Optional[str] = None
        self._expires = 0.0

    async def header(self) -> str:
        if self._header is not None and time.monotonic() < self._expires:
            return self._header
        if self._lock is None:
            return await self._refresh()
        async with self._lock:
            if self._header is not None and time.monotonic() < self._expires:
                return self._header
            return await self._refresh()

    async def _refresh(self) -> str:
        body = await self._fetch()
        self._header = f"Bearer {body['access_token']}"
        self._expires = time.monotonic() + float(body["expires_in"]) - TOKEN_MARGIN_S
        return self._header


_TOKEN_FORM = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


class AsyncFlowMixin:
    """The Pre-Fill flow over a hand-written client's ``post(path, body) -> dict``."""

    async def post(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        raise NotImplementedError

    async def start(self) -> str:
        return check_start(await self.post("/v3/start", {"flowType": "mobile", "phoneNumber": MILO_PHONE}))

    async def flow(self, lat: Optional[List[float]]) -> None:
        t = time.perf_counter()
        s = await self.post("/v3/start", {"flowType": "mobile", "phoneNumber": MILO_PHONE})
        t = lap(lat, t)
        cid = check_start(s)
        v = await self.post("/v3/validate", {"correlationId": cid})
        t = lap(lat, t)
        if v.get("success") is not True:
            raise FlowFailed("validate failed")
        ch = await self.post("/v3/challenge", {"correlationId": cid, "dob": MILO_DOB})
        t = lap(lat, t)
        individual = ch.get("individual")
        if not isinstance(individual, dict):
            raise FlowFailed("challenge: no individual")
        done = await self.post("/v3/complete", {"correlationId": cid, "individual": individual})
        lap(lat, t)
        if done.get("success") is not True:
            raise FlowFailed("complete failed")


class AsyncHttpx(AsyncFlowMixin):
    """A hand-written httpx.AsyncClient client."""

    name = "httpx"
    kind = "async"

    def __init__(self, base_url: str, single_flight: bool = True) -> None:
        import httpx

        self.client = httpx.AsyncClient(
            base_url=base_url,
            limits=httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT),
            timeout=httpx.Timeout(30.0),
        )
        self.token = _AsyncTokenCache(self._fetch_token, single_flight)

    async def _fetch_token(self) -> Dict[str, Any]:
        res = await self.client.post("/token", data=_TOKEN_FORM)
        res.raise_for_status()
        body: Dict[str, Any] = res.json()
        return body

    async def post(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        auth = await self.token.header()
        res = await self.client.post(path, json=body, headers={"Authorization": auth})
        res.raise_for_status()
        out: Dict[str, Any] = res.json()
        return out

    async def aclose(self) -> None:
        await self.client.aclose()


class AsyncAiohttp(AsyncFlowMixin):
    """A hand-written aiohttp.ClientSession client (to be built inside the running loop)."""

    name = "aiohttp"
    kind = "async"

    def __init__(self, base_url: str, single_flight: bool = True) -> None:
        import aiohttp

        self.base_url = base_url
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=MAX_IN_FLIGHT),
            timeout=aiohttp.ClientTimeout(total=30),
            raise_for_status=True,
        )
        self.token = _AsyncTokenCache(self._fetch_token, single_flight)

    async def _fetch_token(self) -> Dict[str, Any]:
        async with self.session.post(self.base_url + "/token", data=_TOKEN_FORM) as res:
            body: Dict[str, Any] = await res.json()
            return body

    async def post(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        auth = await self.token.header()
        async with self.session.post(self.base_url + path, json=body, headers={"Authorization": auth}) as res:
            out: Dict[str, Any] = await res.json()
            return out

    async def aclose(self) -> None:
        await self.session.close()


def make_async(name: str, base_url: str, single_flight: bool = True) -> Any:
    """One asynchronous client by name (call inside the running event loop)."""
    if name == "prove-sdk":
        return AsyncProveSdk(base_url)
    if name == "httpx":
        return AsyncHttpx(base_url, single_flight)
    if name == "aiohttp":
        return AsyncAiohttp(base_url, single_flight)
    raise ValueError(name)


# ---- synchronous clients ----


class SyncProveSdk:
    """prove-sdk's ProveClient."""

    name = "prove-sdk-sync"
    kind = "sync"

    def __init__(self, base_url: str) -> None:
        from prove_sdk import ProveClient

        self.client = ProveClient(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=base_url)

    def start(self) -> str:
        return self.client.flow.start(flow_type="mobile", phone_number=MILO_PHONE).correlation_id

    def flow(self, lat: Optional[List[float]]) -> None:
        flow = self.client.flow
        t = time.perf_counter()
        s = flow.start(flow_type="mobile", phone_number=MILO_PHONE)
        t = lap(lat, t)
        v = flow.validate(correlation_id=s.correlation_id)
        t = lap(lat, t)
        if not v.success:
            raise FlowFailed("validate failed")
        ch = flow.challenge(correlation_id=s.correlation_id, dob=MILO_DOB)
        t = lap(lat, t)
        if ch.individual is None:
            raise FlowFailed("challenge: no individual")
        done = flow.complete(correlation_id=s.correlation_id, individual=ch.individual.to_dict())
        lap(lat, t)
        if not done.success:
            raise FlowFailed("complete failed")

    def close(self) -> None:
        self.client.close()


class SyncRequests:
    """A hand-written requests.Session client (thread-safe token cache)."""

    name = "requests"
    kind = "sync"

    def __init__(self, base_url: str, single_flight: bool = True) -> None:
        import requests
        from requests.adapters import HTTPAdapter

        self.base_url = base_url
        self.session = requests.Session()
        self.session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=MAX_IN_FLIGHT))
        self._lock = threading.Lock() if single_flight else None
        self._header: Optional[str] = None
        self._expires = 0.0

    def _token(self) -> str:
        if self._header is not None and time.monotonic() < self._expires:
            return self._header
        if self._lock is None:
            return self._refresh()
        with self._lock:
            if self._header is not None and time.monotonic() < self._expires:
                return self._header
            return self._refresh()

    def _refresh(self) -> str:
        res = self.session.post(self.base_url + "/token", data=_TOKEN_FORM, timeout=30)
        res.raise_for_status()
        body = res.json()
        self._header = f"Bearer {body['access_token']}"
        self._expires = time.monotonic() + float(body["expires_in"]) - TOKEN_MARGIN_S
        return self._header

    def post(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        res = self.session.post(
            self.base_url + path, json=body, headers={"Authorization": self._token()}, timeout=30
        )
        res.raise_for_status()
        out: Dict[str, Any] = res.json()
        return out

    def start(self) -> str:
        return check_start(self.post("/v3/start", {"flowType": "mobile", "phoneNumber": MILO_PHONE}))

    def flow(self, lat: Optional[List[float]]) -> None:
        t = time.perf_counter()
        s = self.post("/v3/start", {"flowType": "mobile", "phoneNumber": MILO_PHONE})
        t = lap(lat, t)
        cid = check_start(s)
        v = self.post("/v3/validate", {"correlationId": cid})
        t = lap(lat, t)
        if v.get("success") is not True:
            raise FlowFailed("validate failed")
        ch = self.post("/v3/challenge", {"correlationId": cid, "dob": MILO_DOB})
        t = lap(lat, t)
        individual = ch.get("individual")
        if not isinstance(individual, dict):
            raise FlowFailed("challenge: no individual")
        done = self.post("/v3/complete", {"correlationId": cid, "individual": individual})
        lap(lat, t)
        if done.get("success") is not True:
            raise FlowFailed("complete failed")

    def close(self) -> None:
        self.session.close()


def make_sync(name: str, base_url: str, single_flight: bool = True) -> Any:
    if name == "prove-sdk-sync":
        return SyncProveSdk(base_url)
    if name == "requests":
        return SyncRequests(base_url, single_flight)
    raise ValueError(name)


# ---- numbers ----


def quantile(sorted_xs: List[float], q: float) -> float:
    """The q-quantile (0..1) of a sorted list (nearest rank)."""
    if not sorted_xs:
        return float("nan")
    i = min(len(sorted_xs) - 1, max(0, int(-(-q * len(sorted_xs) // 1)) - 1))
    return sorted_xs[i]


def median(xs: List[float]) -> float:
    return quantile(sorted(xs), 0.5)


def rss_bytes() -> int:
    """The resident set size of this process (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def loadavg() -> List[float]:
    return [round(x, 2) for x in os.getloadavg()]
