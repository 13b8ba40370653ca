"""Soak: 100,000 calls through prove-sdk's AsyncProveClient against the release sandbox, the
process's resident set size (RSS) read after a warm-up and again at the end, each after
``gc.collect()``. Run it through run.sh:

    tests/bench/python/run.sh soak [--calls 100000 --concurrency 32 --warmup 10000
                                    --loop asyncio|uvloop --out FILE]

The calls are Pre-Fill flows (start → validate → challenge → complete, 4 calls) for Milo, on
``concurrency`` tasks. Target: RSS growth under 5 MB. Not a test: it reports, it does not fail
on the number.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional

from common import HERE, AsyncProveSdk, Sandbox, loadavg, rss_bytes

MB = 1024 * 1024


def options() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--calls", type=int, default=100_000)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--warmup", type=int, default=10_000)
    p.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    p.add_argument("--out", type=Path, default=HERE / "results" / "soak.json")
    return p.parse_args()


async def settled_rss() -> int:
    for _ in range(3):
        gc.collect()
        await asyncio.sleep(0.1)
    return rss_bytes()


async def run(
    client: AsyncProveSdk,
    calls: int,
    concurrency: int,
    on_progress: Optional[Callable[[int], Awaitable[None]]] = None,
) -> Dict[str, int]:
    """Runs flows (4 calls each) on ``concurrency`` tasks until ``calls`` calls are done."""
    state = {"started": 0, "done": 0, "errors": 0}

    async def worker() -> None:
        while state["started"] < calls:
            state["started"] += 4
            try:
                await client.flow(None)
            except Exception:  # noqa: BLE001 - counted
                state["errors"] += 1
            state["done"] += 4
            if on_progress is not None and state["done"] % 10_000 == 0:
                await on_progress(state["done"])

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return state


async def main(o: argparse.Namespace) -> None:
    sb = Sandbox()
    try:
        client = AsyncProveSdk(sb.base_url)
        print(
            f"soak: {o.calls} calls through prove-sdk's AsyncProveClient, {o.concurrency} in flight, "
            f"Python {platform.python_version()}, loop {o.loop}, load {' '.join(map(str, loadavg()))}"
        )
        await run(client, o.warmup, o.concurrency)
        before = await settled_rss()
        print(f"after {o.warmup} warm-up calls: RSS {before / MB:.1f} MB")

        samples: List[Dict[str, Any]] = []

        async def progress(n: int) -> None:
            rss = rss_bytes()
            samples.append({"calls": n, "rssMb": round(rss / MB, 2)})
            if n % 20_000 == 0:
                print(f"  {n} calls, RSS {rss / MB:.1f} MB")

        t0 = time.perf_counter()
        state = await run(client, o.calls, o.concurrency, progress)
        seconds = time.perf_counter() - t0
        after = await settled_rss()
        await client.aclose()
    finally:
        sb.stop()

    growth = (after - before) / MB
    print(
        f"after {state['done']} calls ({state['errors']} failed flows, {state['done'] / seconds:.0f} calls/s): "
        f"RSS {after / MB:.1f} MB"
    )
    print(f"RSS growth: {growth:.2f} MB (target < 5 MB: {'met' if growth < 5 else 'MISSED'})")
    report = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "loadavgAtEnd": loadavg()},
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(o).items() if k != "out"},
        "calls": state["done"],
        "failedFlows": state["errors"],
        "seconds": seconds,
        "rssBeforeBytes": before,
        "rssAfterBytes": after,
        "rssGrowthMb": growth,
        "samples": samples,
    }
    o.out.parent.mkdir(parents=True, exist_ok=True)
    o.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"results written to {o.out}")


if __name__ == "__main__":
    opts = options()
    if opts.loop == "uvloop":
        import uvloop

        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(main(opts))
    finally:
        loop.close()
