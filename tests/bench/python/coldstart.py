"""One cold start, in a fresh process: import the library, build a client, make the first
``/v3/start`` call (its token request included). Prints one JSON line of milliseconds.

    python coldstart.py <prove-sdk|httpx|aiohttp|prove-sdk-sync|requests> <base_url>

For the asynchronous clients ``asyncio`` is imported before the clock starts (every one of them
needs it, and it is not theirs to load), so ``importMs`` is the library's own import.
"""
from __future__ import annotations

import json
import sys
import time

name, base_url = sys.argv[1], sys.argv[2]
is_async = name in ("prove-sdk", "httpx", "aiohttp")
if is_async:
    import asyncio

t0 = time.perf_counter()
if name in ("prove-sdk", "prove-sdk-sync"):
    import prove_sdk  # noqa: F401
elif name == "httpx":
    import httpx  # noqa: F401
elif name == "aiohttp":
    import aiohttp  # noqa: F401
elif name == "requests":
    import requests  # noqa: F401
else:
    raise SystemExit(f"unknown client {name}")
t1 = time.perf_counter()

# The clients of common.py (the library is already loaded, so this adds only that module).
from common import make_async, make_sync  # noqa: E402

if is_async:

    async def first() -> None:
        client = make_async(name, base_url)
        await client.start()
        await client.aclose()

    asyncio.run(first())
else:
    client = make_sync(name, base_url)
    client.start()
    client.close()
t2 = time.perf_counter()
print(json.dumps({"importMs": (t1 - t0) * 1000, "firstCallMs": (t2 - t1) * 1000, "totalMs": (t2 - t0) * 1000}))
