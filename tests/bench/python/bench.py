"""Benchmark: prove-sdk's AsyncProveClient vs hand-written httpx and aiohttp clients, and its
ProveClient vs a hand-written requests client, in one process against one release build of the
sandbox emulator. Run it through run.sh, which builds and installs the release wheel:

    tests/bench/python/run.sh bench [--seconds 2 --rounds 3 --cold-runs 7 --stampede 1000
                                     --sync-threads 64 --loop asyncio|uvloop --out FILE]

Work: the Pre-Fill flow start → validate → challenge → complete for the short-term user Milo
(4 calls), repeated by 1 or 64 workers (asyncio tasks; threads for the synchronous clients) for
``seconds`` per window. The windows of all clients are interleaved, the order rotating each
round, with ``gc.collect()`` before each and a warm-up before everything. CPU per call is this
process's CPU time (``time.process_time()``: user + system of every thread, so prove-sdk's
runtime threads count) over the calls; the sandbox is another process and is not counted.

Not a test: it reports numbers, ratios and a verdict per target, and never fails on a number.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

from common import (
    ASYNC_NAMES,
    HERE,
    MAX_IN_FLIGHT,
    REPO_ROOT,
    SYNC_NAMES,
    Sandbox,
    loadavg,
    make_async,
    make_sync,
    median,
    quantile,
)

ALL_NAMES = ASYNC_NAMES + SYNC_NAMES


def options() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=2.0, help="length of one window")
    p.add_argument("--rounds", type=int, default=3, help="windows per client and concurrency")
    p.add_argument("--cold-runs", type=int, default=7, help="fresh processes per client for the cold start")
    p.add_argument("--stampede", type=int, default=1000, help="concurrent calls of a cold client")
    p.add_argument(
        "--sync-threads",
        type=int,
        default=MAX_IN_FLIGHT,
        help="threads of the synchronous clients' many-in-flight windows (0: skip them)",
    )
    p.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio", help="event loop")
    p.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    return p.parse_args()


class Acc:
    def __init__(self) -> None:
        self.calls = 0
        self.seconds = 0.0
        self.cpu = 0.0
        self.errors = 0
        self.lat: List[float] = []

    def add(self, w: Dict[str, Any]) -> None:
        self.calls += w["calls"]
        self.seconds += w["seconds"]
        self.cpu += w["cpu"]
        self.errors += w["errors"]

    def summary(self) -> Dict[str, Any]:
        lat = sorted(self.lat)
        return {
            "calls": self.calls,
            "callsPerSec": self.calls / self.seconds if self.seconds else float("nan"),
            "cpuUsPerCall": self.cpu / self.calls * 1e6 if self.calls else float("nan"),
            "p50Ms": quantile(lat, 0.5),
            "p99Ms": quantile(lat, 0.99),
            "errors": self.errors,
        }


def _report_errors(name: str, errors: int, first: Optional[BaseException]) -> None:
    if first is not None:
        print(f"  {name}: {errors} failed flows, first: {type(first).__name__}: {first}", file=sys.stderr)


async def window_async(client: Any, concurrency: int, seconds: float, lat: Optional[List[float]]) -> Dict[str, Any]:
    """Runs flows on ``concurrency`` tasks for ``seconds``."""
    gc.collect()
    calls = errors = 0
    first: Optional[BaseException] = None
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    deadline = t0 + seconds

    async def worker() -> None:
        nonlocal calls, errors, first
        while time.perf_counter() < deadline:
            try:
                await client.flow(lat)
                calls += 4
            except Exception as e:  # noqa: BLE001 - counted and shown
                errors += 1
                first = first or e
                if errors > 10:
                    return

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    _report_errors(client.name, errors, first)
    return {"calls": calls, "seconds": elapsed, "cpu": cpu, "errors": errors}


def window_sync(client: Any, concurrency: int, seconds: float, lat: Optional[List[float]]) -> Dict[str, Any]:
    """Runs flows on ``concurrency`` threads (the calling thread alone for 1) for ``seconds``."""
    gc.collect()
    lock = threading.Lock()
    state: Dict[str, Any] = {"calls": 0, "errors": 0, "first": None}
    deadline = 0.0

    def worker(lat_out: Optional[List[float]]) -> None:
        calls = errors = 0
        first: Optional[BaseException] = None
        while time.perf_counter() < deadline:
            try:
                client.flow(lat_out)
                calls += 4
            except Exception as e:  # noqa: BLE001 - counted and shown
                errors += 1
                first = first or e
                if errors > 10:
                    break
        with lock:
            state["calls"] += calls
            state["errors"] += errors
            state["first"] = state["first"] or first

    cpu0 = time.process_time()
    t0 = time.perf_counter()
    deadline = t0 + seconds
    if concurrency == 1:
        worker(lat)
    else:
        # One latency list per thread (list.append is atomic, but keep them apart anyway).
        lats: List[List[float]] = [[] for _ in range(concurrency)]
        threads = [threading.Thread(target=worker, args=(x if lat is not None else None,)) for x in lats]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if lat is not None:
            for x in lats:
                lat.extend(x)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    _report_errors(client.name, state["errors"], state["first"])
    return {"calls": state["calls"], "seconds": elapsed, "cpu": cpu, "errors": state["errors"]}


def rotate(xs: List[Any], k: int) -> List[Any]:
    return [xs[(i + k) % len(xs)] for i in range(len(xs))]


def fmt(x: float, d: int = 0) -> str:
    return "n/a" if x != x else f"{x:,.{d}f}"


# ---- token requests of a cold client ----


async def stampede_async(sb: Sandbox, name: str, n: int, single_flight: bool) -> Dict[str, Any]:
    sb.reset_counters()
    client = make_async(name, sb.base_url, single_flight)
    results = await asyncio.gather(*(client.start() for _ in range(n)), return_exceptions=True)
    await client.aclose()
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        print(f"  {name}: {len(failed)} of {n} cold calls failed, first: {failed[0]!r}", file=sys.stderr)
    return {"calls": n, "tokenRequests": sb.counters()["tokenRequests"], "failed": len(failed)}


def stampede_sync(sb: Sandbox, name: str, n: int, single_flight: bool) -> Dict[str, Any]:
    sb.reset_counters()
    client = make_sync(name, sb.base_url, single_flight)
    barrier = threading.Barrier(n)

    def one() -> str:
        barrier.wait()
        correlation_id: str = client.start()
        return correlation_id

    failed: List[BaseException] = []
    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(one) for _ in range(n)]
        for f in futures:
            e = f.exception()
            if e is not None:
                failed.append(e)
    client.close()
    if failed:
        print(f"  {name}: {len(failed)} of {n} cold calls failed, first: {failed[0]!r}", file=sys.stderr)
    return {"calls": n, "tokenRequests": sb.counters()["tokenRequests"], "failed": len(failed)}


# ---- cold starts ----


def cold_start(base_url: str, name: str) -> Dict[str, float]:
    r = subprocess.run(
        [sys.executable, str(HERE / "coldstart.py"), name, base_url],
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    if r.returncode != 0:
        raise RuntimeError(f"cold start of {name} failed: {r.stderr}")
    out: Dict[str, float] = json.loads(r.stdout.strip().splitlines()[-1])
    return out


# ---- machine ----


def machine() -> Dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    import prove_sdk

    def version(mod: str) -> str:
        try:
            from importlib.metadata import version as v

            return v(mod)
        except Exception:  # noqa: BLE001
            return "?"

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True)
    return {
        "cpus": os.cpu_count(),
        "cpuModel": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit.stdout.strip(),
        "proveSdk": version("prove-sdk"),
        "proveSdkFile": os.path.dirname(prove_sdk.__file__),
        "httpx": version("httpx"),
        "aiohttp": version("aiohttp"),
        "requests": version("requests"),
        "uvloop": version("uvloop"),
        "loadavgAtStart": loadavg(),
    }


# ---- main ----


def new_loop(kind: str) -> asyncio.AbstractEventLoop:
    if kind == "uvloop":
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def main() -> None:
    o = options()
    m = machine()
    sb = Sandbox()
    print(f"machine: {m['cpus']} cores ({m['cpuModel']}), Python {m['python']}, load {' '.join(map(str, m['loadavgAtStart']))}, commit {m['commit']}")
    print(f"sandbox: {sb.binary} at {sb.base_url}; prove-sdk {m['proveSdk']} from {m['proveSdkFile']}")
    print(f"httpx {m['httpx']}, aiohttp {m['aiohttp']}, requests {m['requests']}; event loop: {o.loop}")
    print(f"windows: {o.seconds} s x {o.rounds} rounds per client and concurrency, interleaved\n")

    loop = new_loop(o.loop)
    asyncio.set_event_loop(loop)

    async def build() -> List[Any]:
        return [make_async(n, sb.base_url) for n in ASYNC_NAMES]

    clients: List[Any] = loop.run_until_complete(build()) + [make_sync(n, sb.base_url) for n in SYNC_NAMES]

    def window(c: Any, conc: int, seconds: float, lat: Optional[List[float]]) -> Dict[str, Any]:
        if c.kind == "async":
            w: Dict[str, Any] = loop.run_until_complete(window_async(c, conc, seconds, lat))
            return w
        return window_sync(c, conc, seconds, lat)

    levels = [1, MAX_IN_FLIGHT]
    print("warming up...")
    for c in clients:
        if c.kind == "async" or o.sync_threads:
            window(c, MAX_IN_FLIGHT if c.kind == "async" else o.sync_threads, 1.0, None)
        window(c, 1, 0.5, None)

    results: Dict[str, Dict[str, Any]] = {c.name: {} for c in clients}
    for conc in levels:
        active = [c for c in clients if conc == 1 or c.kind == "async" or o.sync_threads]
        acc = {c.name: Acc() for c in active}
        for r in range(o.rounds):
            for c in rotate(active, r):
                a = acc[c.name]
                n = conc if (c.kind == "async" or conc == 1) else o.sync_threads
                w = window(c, n, o.seconds, a.lat)
                a.add(w)
                how = "threads" if c.kind == "sync" and n > 1 else "in flight"
                print(
                    f"  {n:>2} {how:<9} round {r + 1} {c.name:<15} "
                    f"{fmt(w['calls'] / w['seconds'])} calls/s, {fmt(w['cpu'] / max(w['calls'], 1) * 1e6, 1)} µs CPU/call"
                )
        for name, a in acc.items():
            results[name][f"c{conc}"] = a.summary()

    async def close_async() -> None:
        for c in clients:
            if c.kind == "async":
                await c.aclose()

    loop.run_until_complete(close_async())
    for c in clients:
        if c.kind == "sync":
            c.close()

    print("cold starts (fresh processes)...")
    cold: Dict[str, List[Dict[str, float]]] = {n: [] for n in ALL_NAMES}
    for i in range(o.cold_runs):
        for n in rotate(ALL_NAMES, i):
            cold[n].append(cold_start(sb.base_url, n))
    for n in ALL_NAMES:
        results[n]["coldStart"] = {
            "runs": o.cold_runs,
            "medianImportMs": median([x["importMs"] for x in cold[n]]),
            "medianFirstCallMs": median([x["firstCallMs"] for x in cold[n]]),
            "medianTotalMs": median([x["totalMs"] for x in cold[n]]),
        }

    print(f"token requests of {o.stampede} concurrent calls on a cold cache...")
    stampedes: Dict[str, Dict[str, Any]] = {}
    stampedes["prove-sdk"] = loop.run_until_complete(stampede_async(sb, "prove-sdk", o.stampede, True))
    for n in ("httpx", "aiohttp"):
        stampedes[f"{n} (naive cache)"] = loop.run_until_complete(stampede_async(sb, n, o.stampede, False))
        stampedes[f"{n} (cache behind a lock)"] = loop.run_until_complete(stampede_async(sb, n, o.stampede, True))
    stampedes["prove-sdk-sync"] = stampede_sync(sb, "prove-sdk-sync", o.stampede, True)
    stampedes["requests (naive cache)"] = stampede_sync(sb, "requests", o.stampede, False)
    stampedes["requests (cache behind a lock)"] = stampede_sync(sb, "requests", o.stampede, True)
    loop.close()
    sb.stop()
    m["loadavgAtEnd"] = loadavg()

    # ---- report ----
    def table(title: str, names: List[str], ours: str, others: List[str], conc_levels: List[int]) -> None:
        rows: List[List[str]] = []

        def row(label: str, get: Any, d: int) -> None:
            vals = []
            for n in names:
                try:
                    vals.append(get(results[n]))
                except KeyError:
                    vals.append(float("nan"))
            ratios = [fmt(vals[0] / v, 2) + "x" if v and v == v and vals[0] == vals[0] else "n/a" for v in vals[1:]]
            rows.append([label] + [fmt(v, d) for v in vals] + ratios)

        for c in conc_levels:
            row(f"throughput, calls/s @{c}", lambda r, c=c: r[f"c{c}"]["callsPerSec"], 0)
            row(f"client CPU µs/call @{c}", lambda r, c=c: r[f"c{c}"]["cpuUsPerCall"], 1)
            row(f"latency p50 ms @{c}", lambda r, c=c: r[f"c{c}"]["p50Ms"], 2)
            row(f"latency p99 ms @{c}", lambda r, c=c: r[f"c{c}"]["p99Ms"], 2)
        row("import ms (median)", lambda r: r["coldStart"]["medianImportMs"], 1)
        row("import + first call ms (median)", lambda r: r["coldStart"]["medianTotalMs"], 1)
        head = [title] + names + [f"vs {n}" for n in others]
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]

        def line(cells: List[str]) -> str:
            return "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells))

        print("\n" + line(head))
        for r in rows:
            print(line(r))

    table("asyncio", ASYNC_NAMES, "prove-sdk", ["httpx", "aiohttp"], levels)
    sync_levels = levels if o.sync_threads else [1]
    table("sync" + (f" (@64 = {o.sync_threads} threads)" if o.sync_threads else ""), SYNC_NAMES, "prove-sdk-sync", ["requests"], sync_levels)

    print(f"\ntoken requests, {o.stampede} concurrent calls of a fresh client (threads for the sync ones):")
    for label, s in stampedes.items():
        extra = f", {s['failed']} failed" if s["failed"] else ""
        print(f"  {label:<32} {s['tokenRequests']:>5}{extra}")

    ours, ours_sync = results["prove-sdk"], results["prove-sdk-sync"]
    targets = {
        "throughputVsHttpxAt64": {
            "target": ">= 3x",
            "value": ours["c64"]["callsPerSec"] / results["httpx"]["c64"]["callsPerSec"],
        },
        "throughputVsAiohttpAt64": {
            "target": ">= 1.5x",
            "value": ours["c64"]["callsPerSec"] / results["aiohttp"]["c64"]["callsPerSec"],
        },
        "syncThroughputVsRequestsAt1": {
            "target": ">= 2x",
            "value": ours_sync["c1"]["callsPerSec"] / results["requests"]["c1"]["callsPerSec"],
        },
        "tokenRequestsAsync": {"target": "exactly 1", "value": stampedes["prove-sdk"]["tokenRequests"]},
        "tokenRequestsSync": {"target": "exactly 1", "value": stampedes["prove-sdk-sync"]["tokenRequests"]},
    }
    met = {
        "throughputVsHttpxAt64": targets["throughputVsHttpxAt64"]["value"] >= 3,
        "throughputVsAiohttpAt64": targets["throughputVsAiohttpAt64"]["value"] >= 1.5,
        "syncThroughputVsRequestsAt1": targets["syncThroughputVsRequestsAt1"]["value"] >= 2,
        "tokenRequestsAsync": targets["tokenRequestsAsync"]["value"] == 1,
        "tokenRequestsSync": targets["tokenRequestsSync"]["value"] == 1,
    }
    for k, ok in met.items():
        targets[k]["met"] = ok
    verdict = {True: "met", False: "MISSED"}
    print("\ntargets:")
    print(f"  AsyncProveClient >= 3x httpx @64:       {fmt(targets['throughputVsHttpxAt64']['value'], 2)}x  {verdict[met['throughputVsHttpxAt64']]}")
    print(f"  AsyncProveClient >= 1.5x aiohttp @64:   {fmt(targets['throughputVsAiohttpAt64']['value'], 2)}x  {verdict[met['throughputVsAiohttpAt64']]}")
    print(f"  ProveClient >= 2x requests @1:          {fmt(targets['syncThroughputVsRequestsAt1']['value'], 2)}x  {verdict[met['syncThroughputVsRequestsAt1']]}")
    print(f"  token requests == 1 (async, sync):      {targets['tokenRequestsAsync']['value']}, {targets['tokenRequestsSync']['value']}  {verdict[met['tokenRequestsAsync'] and met['tokenRequestsSync']]}")
    print(f"\nload average: {' '.join(map(str, m['loadavgAtStart']))} at the start, {' '.join(map(str, m['loadavgAtEnd']))} at the end")
    print("note: one shared 2-core machine runs the client and the sandbox; compare ratios within a run.")

    report = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": m,
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(o).items() if k != "out"},
        "workload": "Pre-Fill start→validate→challenge→complete (Milo 2001001695), 4 calls per flow",
        "results": results,
        "tokenRequests": stampedes,
        "targets": targets,
        "coldStartRuns": cold,
    }
    o.out.parent.mkdir(parents=True, exist_ok=True)
    o.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"results written to {o.out}")


if __name__ == "__main__":
    main()
