// Cancellation (options.signal) and client.close(), through the addon and the core, against the
// sandbox (latency faults) and a loopback server that never answers (to see connections close).
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { ProveClient, TransportError, ValidationError } from '../lib/index.mjs';
import { startSandbox } from './helpers/sandbox.mjs';

let sb;
let client;
before(async () => {
  sb = await startSandbox();
  client = new ProveClient(sb.config({ retry: false }));
  await client.domain.id(); // the token, so that faults below delay the calls themselves
});
after(() => sb?.stop());

const total = async () => (await sb.counters()).totalRequests;
const byPath = async (p) => (await sb.counters()).requestsByPath[p] ?? 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isAbortError = (e) => e instanceof DOMException && e.name === 'AbortError';

/**
 * A loopback server that answers `/token` and nothing else: every other request is held open.
 * `held()` resolves when the next such request arrives; `closed()` when its connection closes.
 */
async function hangingServer() {
  const arrived = [];
  const closedEvents = [];
  const waiters = { arrived: [], closed: [] };
  const emit = (kind, list) => {
    const w = waiters[kind].shift();
    if (w) w();
    else list.push(true);
  };
  const next = (kind, list) => (list.length ? Promise.resolve(list.shift()) : new Promise((r) => waiters[kind].push(r)));
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    if (req.url === '/token') {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 }));
      });
      return;
    }
    req.resume();
    req.socket.once('close', () => emit('closed', closedEvents));
    emit('arrived', arrived);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    held: () => next('arrived', arrived),
    closed: () => next('closed', closedEvents),
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

/** `p` must settle within `ms`, else the test fails (instead of hanging). */
function within(ms, p, what) {
  let timer;
  return Promise.race([
    p,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

describe('options.signal', () => {
  test('an aborted signal rejects with its reason before any request is sent', async () => {
    const before = await total();
    const signal = AbortSignal.abort();
    await assert.rejects(client.domain.id({}, { signal }), (e) => isAbortError(e) && e === signal.reason);
    const mine = new Error('stopped by the caller');
    await assert.rejects(client.call('flow.start', { flowType: 'mobile', phoneNumber: '2001001695' }, { signal: AbortSignal.abort(mine) }), (e) => e === mine);
    await assert.rejects(async () => {
      for await (const item of client.identityManager.list({ limit: 5 }, { signal })) void item;
    }, (e) => e === signal.reason);
    assert.equal(await total(), before + 0, 'nothing reached the sandbox');
  });

  test('aborting mid-flight rejects at once with the reason, and the request is abandoned server-side', async () => {
    // A control enrolment: once enrolled, the lookup finds the number.
    await client.identityManager.enroll({ phoneNumber: '2001004035' });
    assert.ok((await client.identityManager.lookupByPhone({ mobileNumber: '2001004035' })).items?.length >= 1);

    await sb.fault({ kind: 'latency', ms: 1500, path: '/v3/identity', count: 1 });
    const ac = new AbortController();
    const call = client.identityManager.enroll({ phoneNumber: '2001004036' }, { signal: ac.signal });
    await sleep(200);
    const t0 = Date.now();
    ac.abort();
    await assert.rejects(call, (e) => isAbortError(e) && e === ac.signal.reason);
    assert.ok(Date.now() - t0 < 500, `rejected ${Date.now() - t0} ms after abort`);
    // Past the fault's delay: had the sandbox completed the request, the number would be enrolled.
    await sleep(1600);
    const found = await client.identityManager.lookupByPhone({ mobileNumber: '2001004036' }).then(
      (r) => r.items ?? [],
      (e) => (e.kind === 'NotFound' ? [] : Promise.reject(e)),
    );
    assert.deepEqual(found, [], 'the cancelled enrolment completed server-side');
    await sb.clearFaults();
  });

  test('the connection of an aborted call is closed (loopback server)', async () => {
    const server = await hangingServer();
    try {
      const c = new ProveClient({ clientId: 'id', clientSecret: 'secret', baseUrl: server.url, retry: false });
      const ac = new AbortController();
      const call = c.domain.id({}, { signal: ac.signal });
      await within(5000, server.held(), 'the request reaching the server');
      ac.abort(new Error('enough'));
      await assert.rejects(call, { message: 'enough' });
      await within(5000, server.closed(), 'the server seeing the connection closed');
    } finally {
      await server.stop();
    }
  });

  test('the abort listener is removed when a call settles, and a later abort changes nothing', async () => {
    const ac = new AbortController();
    await client.domain.id({}, { signal: ac.signal });
    await client.domain.id({ nope: 1 }, { signal: ac.signal }).catch((e) => assert.ok(e instanceof ValidationError));
    await assert.rejects(client.call('flow.nope', {}, { signal: ac.signal }), ValidationError);
    for await (const page of client.identityManager.pages({ limit: 100 }, { signal: ac.signal })) void page;
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
    ac.abort();
    assert.equal(typeof (await client.domain.id()), 'object', 'the client is unaffected');
  });

  test('aborting during list() stops the page in flight', async () => {
    for (const phone of ['2001004031', '2001004032']) await client.identityManager.enroll({ phoneNumber: phone });
    const ac = new AbortController();
    const seen = [];
    let abortedAt;
    await assert.rejects(async () => {
      for await (const item of client.identityManager.list({ limit: 1 }, { signal: ac.signal })) {
        seen.push(item);
        if (seen.length === 1) {
          await sb.fault({ kind: 'latency', ms: 4000, path: '/v3/identity', count: 1 });
          setTimeout(() => {
            abortedAt = Date.now();
            ac.abort();
          }, 200);
        }
      }
    }, (e) => isAbortError(e) && e === ac.signal.reason);
    assert.equal(seen.length, 1);
    assert.ok(Date.now() - abortedAt < 1000, `list ended ${Date.now() - abortedAt} ms after abort`);
    await sb.clearFaults();
  });

  test('aborting between pages stops the listing before the next request', async () => {
    const ac = new AbortController();
    const before = await byPath('/v3/identity');
    let pages = 0;
    await assert.rejects(async () => {
      for await (const page of client.identityManager.pages({ limit: 1 }, { signal: ac.signal })) {
        pages++;
        void page;
        ac.abort();
      }
    }, (e) => e === ac.signal.reason);
    assert.equal(pages, 1);
    assert.equal(await byPath('/v3/identity'), before + 1, 'one page requested, no more');
  });

  test('a signal of the wrong type is a ValidationError naming it', async () => {
    for (const bad of [5, 'x', {}, { aborted: false }, () => 1, new EventTarget()]) {
      await assert.rejects(client.domain.id({}, { signal: bad }), (e) => e instanceof ValidationError && e.field === 'signal');
    }
    // undefined and null stand for no signal.
    assert.equal(typeof (await client.domain.id({}, { signal: undefined })), 'object');
    assert.equal(typeof (await client.domain.id({}, { signal: null })), 'object');
  });
});

describe('close()', () => {
  test('calls in flight reject with TransportError, later calls too, without a request', async () => {
    const c = new ProveClient(sb.config({ retry: false }));
    await c.domain.id();
    await sb.fault({ kind: 'latency', ms: 4000, path: '/v3/domain/id', count: 2 });
    await sb.fault({ kind: 'latency', ms: 4000, path: '/v3/identity', count: 1 });
    const listing = (async () => {
      for await (const item of c.identityManager.list({ limit: 1 })) void item;
    })();
    // Settled outcomes, so that no rejection is left unhandled while close() is awaited.
    const inflight = [c.domain.id(), c.call('domain.id'), listing].map((p) => p.then((value) => ({ value }), (error) => ({ error })));
    await sleep(200);
    assert.equal(c.closed, false);
    const t0 = Date.now();
    await within(2000, c.close(), 'close() settling');
    for (const { error } of await Promise.all(inflight)) {
      assert.ok(error instanceof TransportError && error.kind === 'Transport' && error.message === 'the client is closed', String(error));
    }
    assert.ok(Date.now() - t0 < 1000, `closed in ${Date.now() - t0} ms`);
    await sb.clearFaults();

    const before = await total();
    await assert.rejects(c.domain.id(), (e) => e instanceof TransportError && e.message === 'the client is closed');
    await assert.rejects(async () => {
      for await (const item of c.identityManager.list()) void item;
    }, TransportError);
    assert.equal(await total(), before, 'nothing sent after close()');
    // Idempotent; settings stay readable.
    assert.equal(await c.close(), undefined);
    assert.equal(c.closed, true);
    assert.equal(c.baseUrl, sb.baseUrl);
    // Other clients are unaffected.
    assert.equal(typeof (await client.domain.id()), 'object');
  });

  test('an aborted signal still wins over a closed client, and a bad request is still named', async () => {
    const c = new ProveClient(sb.config());
    await c.close();
    const signal = AbortSignal.abort();
    await assert.rejects(c.domain.id({}, { signal }), (e) => e === signal.reason);
    await assert.rejects(c.identityManager.batchGet({ limit: NaN }), (e) => e instanceof ValidationError && e.field === 'limit');
  });

  test('close() closes the connections of the calls in flight (loopback server)', async () => {
    const server = await hangingServer();
    try {
      const c = new ProveClient({ clientId: 'id', clientSecret: 'secret', baseUrl: server.url, retry: false });
      const call = c.domain.id();
      await within(5000, server.held(), 'the request reaching the server');
      await c.close();
      await assert.rejects(call, TransportError);
      await within(5000, server.closed(), 'the server seeing the connection closed');
    } finally {
      await server.stop();
    }
  });

  test('Symbol.asyncDispose and Symbol.dispose close the client', { skip: typeof Symbol.asyncDispose !== 'symbol' }, async () => {
    const a = new ProveClient(sb.config());
    await a[Symbol.asyncDispose]();
    assert.equal(a.closed, true);
    const b = new ProveClient(sb.config());
    b[Symbol.dispose]();
    assert.equal(b.closed, true);
    await assert.rejects(b.domain.id(), TransportError);
  });
});
