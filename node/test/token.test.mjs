// The token endpoint misbehaving, through the package: an outage of /token is retried and is an
// ApiError (never an AuthError), only rejected credentials are an AuthError, and a caller that
// gives up while the token is being fetched does not break the calls after it.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';

import * as sdk from '../lib/index.mjs';
import { startSandbox } from './helpers/sandbox.mjs';

const { ProveClient } = sdk;
const FAST = { maxRetries: 3, initialBackoffMs: 5, maxBackoffMs: 50 };

let sb;
before(async () => {
  sb = await startSandbox();
});
after(() => sb.stop());
beforeEach(async () => {
  await sb.clearFaults();
  await sb.post('counters/reset');
});

const rejection = (p) => p.then((v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`), (e) => e);
const tokenRequests = async () => (await sb.counters()).tokenRequests;
const domainHits = async () => (await sb.counters()).requestsByPath['/v3/domain/id'] ?? 0;

test('a 503 from /token is retried, then rejects with an ApiError, not an AuthError', async () => {
  await sb.fault({ kind: 'status', status: 503, path: '/token' });
  const client = new ProveClient(sb.config({ retry: FAST }));
  const e = await rejection(client.domain.id());
  assert.ok(e instanceof sdk.ApiError, String(e));
  assert.ok(!(e instanceof sdk.AuthError), String(e));
  assert.equal(e.kind, 'Api');
  assert.equal(e.status, 503);
  assert.equal(e.operation, 'V3TokenRequest');
  assert.match(e.message, /token request failed/);
  assert.equal(await tokenRequests(), 4, 'the first request and 3 retries');
  assert.equal(await domainHits(), 0);
});

test('a 500 then a 200 from /token: the call succeeds', async () => {
  await sb.fault({ kind: 'status', status: 500, path: '/token', count: 1 });
  const client = new ProveClient(sb.config({ retry: FAST }));
  const started = await client.flow.start({ flowType: 'mobile', phoneNumber: '2001001695' });
  assert.equal(typeof started.correlationId, 'string');
  assert.equal(await tokenRequests(), 2);
  assert.equal((await sb.counters()).requestsByPath['/v3/start'], 1, 'the flow step was sent once');
});

test('a 429 from /token honours Retry-After; without retries it is a RateLimitedError', async () => {
  await sb.fault({ kind: 'status', status: 429, retryAfter: 1, path: '/token', count: 1 });
  const t0 = Date.now();
  await new ProveClient(sb.config({ retry: { ...FAST, maxBackoffMs: 2000 } })).domain.id();
  assert.ok(Date.now() - t0 >= 950, 'waited for Retry-After');
  assert.equal(await tokenRequests(), 2);

  await sb.fault({ kind: 'status', status: 429, retryAfter: 2, path: '/token', count: 1 });
  const e = await rejection(new ProveClient(sb.config({ retry: false })).domain.id());
  assert.ok(e instanceof sdk.RateLimitedError, String(e));
  assert.equal(e.retryAfter, 2);
  assert.equal(e.operation, 'V3TokenRequest');
});

test('rejected credentials are an AuthError and are not retried', async () => {
  const wrong = new ProveClient(sb.config({ clientSecret: 'not-the-secret', retry: FAST }));
  const e = await rejection(wrong.domain.id());
  assert.ok(e instanceof sdk.AuthError, String(e));
  assert.equal(e.status, 401);
  assert.equal(e.operation, 'V3TokenRequest');
  assert.ok(!e.message.includes('not-the-secret'));
  assert.equal(await tokenRequests(), 1);

  await sb.fault({ kind: 'respond', status: 400, body: '{"error":"invalid_client"}', path: '/token', count: 1 });
  const oauth = await rejection(new ProveClient(sb.config({ retry: FAST })).domain.id());
  assert.ok(oauth instanceof sdk.AuthError, String(oauth));
  assert.match(oauth.message, /invalid_client/);
  assert.equal(await tokenRequests(), 2);
});

test('a 431 from /token is an ApiError', async () => {
  await sb.fault({ kind: 'status', status: 431, path: '/token', count: 1 });
  const e = await rejection(new ProveClient(sb.config({ retry: FAST })).domain.id());
  assert.ok(e instanceof sdk.ApiError, String(e));
  assert.equal(e.status, 431);
  assert.equal(await tokenRequests(), 1);
});

test('a caller that gives up during a slow token fetch does not break the next call', async () => {
  // token requests time out after 1 s; the slow answer takes 400 ms
  const client = new ProveClient(sb.config({ timeoutMs: 1000, retry: false }));
  await sb.fault({ kind: 'latency', ms: 400, path: '/token', count: 1 });
  const e = await rejection(client.domain.id({}, { timeoutMs: 100 }));
  assert.ok(e instanceof sdk.TimeoutError, String(e));
  // past the token request's own timeout: the fetch finished without a waiter and was cached
  await new Promise((r) => setTimeout(r, 1300));
  const r = await client.domain.id();
  assert.equal(typeof r, 'object');
  assert.equal(await tokenRequests(), 1);
  assert.equal(await domainHits(), 1);
});
