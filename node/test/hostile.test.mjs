// A hostile server on the other end, through the package and the native core: a redirect rejects
// with an ApiError and its target is never contacted, the maxResponseBytes option bounds what is
// read (and is validated), and a bearer token or client secret echoed by the server never shows in
// an error. The servers are plain node:http servers on loopback started by each test.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';

import * as sdk from '../lib/index.mjs';

const { ProveClient } = sdk;
const SECRET = 'Hx7 secret/with+plus&amp=eq"quote';
const FAST = { maxRetries: 3, initialBackoffMs: 5, maxBackoffMs: 50 };
const tokenValue = (n) => `eyJhbGciOiJIUzI1NiJ9.tok${n}-Qp4vW9zL-nM2k.sig_${n}xYw`;

const rejection = (p) => p.then((v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`), (e) => e);

/**
 * Starts a loopback server answering every request with `handler(req, body, server)`; records
 * each request as `{ method, path, headers, body }` in `server.seen`.
 */
async function hostile(handler) {
  const seen = [];
  const state = { seen, cutOff: false, streamed: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry = { method: req.method, path: req.url.split('?')[0], headers: req.headers, body };
      seen.push(entry);
      handler(entry, res, state);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${server.address().port}`;
  state.count = (path) => seen.filter((s) => path === undefined || s.path === path).length;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
  return state;
}

function json(res, status, value, headers = {}) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function tokenAnswer(res, n) {
  json(res, 200, { access_token: tokenValue(n), token_type: 'Bearer', expires_in: 3600 });
}

/** Streams spaces forever (chunked) until the client hangs up; notes the bytes that went out. */
function endless(res, state) {
  res.writeHead(200, { 'content-type': 'application/json' });
  const piece = Buffer.alloc(64 * 1024, 0x20);
  res.on('close', () => {
    state.cutOff = true;
  });
  const pump = () => {
    while (!res.destroyed) {
      state.streamed += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

const clientFor = (server, extra = {}) => new ProveClient({ clientId: 'hostile-client', clientSecret: SECRET, baseUrl: server.url, retry: FAST, timeoutMs: 10_000, ...extra });

test('a 307 on a flow step and a 302 on a read reject with an ApiError; the target is never contacted', async () => {
  const other = await hostile((s, res) => json(res, 200, { stolen: true }));
  const server = await hostile((s, res) => {
    if (s.path === '/token') return tokenAnswer(res, 1);
    const status = s.path === '/v3/start' ? 307 : 302;
    res.writeHead(status, { location: `${other.url}/moved-here${s.path}`, 'content-type': 'application/json' });
    res.end('{"message":"moved"}');
  });
  try {
    const client = clientFor(server);
    const request = { flowType: 'desktop', phoneNumber: '2001001693', finalTargetUrl: 'https://www.example.com', ssn: '470806227' };
    for (const [call, status, path, operation] of [
      [() => client.flow.start(request), 307, '/v3/start', 'V3StartRequest'],
      [() => client.domain.id(), 302, '/v3/domain/id', 'V3DomainIDRequest'],
    ]) {
      const e = await rejection(call());
      assert.ok(e instanceof sdk.ApiError, String(e));
      assert.equal(e.kind, 'Api');
      assert.equal(e.status, status);
      assert.equal(e.operation, operation);
      assert.match(e.message, new RegExp(`${status}.*redirect.*refused`));
      const shown = `${e.message} ${JSON.stringify(e)}`;
      assert.ok(!shown.includes('moved-here') && !shown.includes(other.url), shown);
      assert.equal(server.count(path), 1, `${path}: sent once, not retried, not followed`);
    }
    const start = server.seen.find((s) => s.path === '/v3/start');
    assert.equal(start.method, 'POST');
    assert.ok(start.body.includes('470806227'), 'the step did carry personal data');
    assert.equal(other.count(), 0, 'the redirect target was contacted');
  } finally {
    await server.close();
    await other.close();
  }
});

test('a 307 from the token endpoint rejects without re-sending the secret elsewhere', async () => {
  const other = await hostile((s, res) => tokenAnswer(res, 99));
  const server = await hostile((s, res) => {
    res.writeHead(307, { location: `${other.url}/token` });
    res.end();
  });
  try {
    const e = await rejection(clientFor(server).domain.id());
    assert.ok(e instanceof sdk.ApiError, String(e));
    assert.equal(e.status, 307);
    assert.equal(e.operation, 'V3TokenRequest');
    assert.deepEqual([server.count('/token'), server.count('/v3/domain/id'), other.count()], [1, 0, 0]);
  } finally {
    await server.close();
    await other.close();
  }
});

test('maxResponseBytes bounds the body that is read', async () => {
  let size = 1000;
  const server = await hostile((s, res) => {
    if (s.path === '/token') return tokenAnswer(res, 1);
    // {"name":"n","pcid":"c","issuerId":"ppp…"}: exactly `size` bytes
    json(res, 200, `{"name":"n","pcid":"c","issuerId":"${'p'.repeat(size - 37)}"}`);
  });
  try {
    const client = clientFor(server, { maxResponseBytes: 1000 });
    const ok = await client.domain.id();
    assert.equal(ok.issuerId.length, 963, 'a body of exactly the limit is read');
    size = 1001;
    const e = await rejection(client.domain.id());
    assert.ok(e instanceof sdk.DecodeError, String(e));
    assert.equal(e.status, 200);
    assert.match(e.message, /limit of 1000 bytes/);
    assert.equal(server.count('/v3/domain/id'), 2, 'not retried');
  } finally {
    await server.close();
  }
});

test('an endless body stops at the default limit and the connection is closed', async () => {
  const server = await hostile((s, res, state) => (s.path === '/token' ? tokenAnswer(res, 1) : endless(res, state)));
  try {
    const e = await rejection(clientFor(server).domain.id());
    assert.ok(e instanceof sdk.DecodeError, String(e));
    assert.match(e.message, /4194304/);
    for (let i = 0; i < 200 && !server.cutOff; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(server.cutOff, 'the client hung up');
    assert.ok(server.streamed < 64 * 1024 * 1024, `${server.streamed} bytes went out`);
    assert.equal(server.count('/v3/domain/id'), 1);
  } finally {
    await server.close();
  }
});

test('maxResponseBytes is validated and named', () => {
  for (const bad of [0, -1, 1.5, NaN, Infinity, 2 ** 31, '4096', {}, true]) {
    assert.throws(
      () => new ProveClient({ clientId: 'a', clientSecret: 'b', baseUrl: 'http://127.0.0.1:9', maxResponseBytes: bad }),
      (e) => e instanceof sdk.ValidationError && e.field === 'maxResponseBytes' && e.message.includes('maxResponseBytes'),
      `maxResponseBytes: ${String(bad)}`,
    );
  }
  for (const good of [1, 4096, 2 ** 30]) {
    new ProveClient({ clientId: 'a', clientSecret: 'b', baseUrl: 'http://127.0.0.1:9', maxResponseBytes: good });
  }
});

test('an echoed bearer token or secret is not in the message or JSON of the error', async () => {
  let issued = 0;
  let failWith = 0;
  const server = await hostile((s, res, state) => {
    if (s.path === '/token') return tokenAnswer(res, ++issued);
    if (failWith === 0) return json(res, 200, { name: 'n', pcid: 'c', issuerId: 'i' });
    const auth = state.seen.map((x) => x.headers.authorization).filter(Boolean).reverse();
    const bodies = state.seen.map((x) => x.body).filter(Boolean);
    const echo = `you sent ${auth.join(' and ')} with ${bodies.join(' and ')} secret ${SECRET}`;
    if (failWith === 500) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return res.end(echo);
    }
    json(res, failWith, { code: 1234, message: echo });
  });
  try {
    const client = clientFor(server);
    await client.domain.id(); // token 1 is held
    for (const [status, Class] of [[401, sdk.AuthError], [400, sdk.ValidationError], [500, sdk.ApiError]]) {
      failWith = status;
      const e = await rejection(client.domain.id());
      assert.ok(e instanceof Class, String(e));
      assert.equal(e.status, status);
      const shown = `${e.message} ${JSON.stringify(e)} ${String(e)} ${e.stack}`;
      assert.match(e.message, /<redacted>/, 'the echo reached the message, scrubbed');
      for (const f of [tokenValue(1), tokenValue(2), 'Qp4vW9zL', SECRET, 'Hx7', 'secret/with', 'secret%2Fwith']) {
        assert.ok(!shown.includes(f), `HTTP ${status}: ${f} shown in ${shown}`);
      }
    }
    assert.equal(issued, 2, 'the 401 made the client fetch a second token, echoed too');
  } finally {
    await server.close();
  }
});

test('a huge Retry-After gives an exact retryAfterMs', async () => {
  for (const value of ['99999999999999999999', 'Fri, 31 Dec 9999 23:59:59 GMT']) {
    const server = await hostile((s, res) => {
      if (s.path === '/token') return tokenAnswer(res, 1);
      json(res, 429, { code: 1000, message: 'slow down' }, { 'retry-after': value });
    });
    try {
      const e = await rejection(clientFor(server).domain.id());
      assert.ok(e instanceof sdk.RateLimitedError, String(e));
      assert.equal(e.retryAfterMs, 86_400_000, value);
      assert.ok(Number.isSafeInteger(e.retryAfterMs));
      assert.equal(e.retryAfter, 86_400);
      assert.equal(server.count('/v3/domain/id'), 1, 'longer than maxBackoffMs: not waited for');
    } finally {
      await server.close();
    }
  }
});
