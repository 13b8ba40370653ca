// Every method of the dispatch table, per-call options, error classes for each kind, fromEnv,
// logging and privacy, against the sandbox.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import * as sdk from '../lib/index.mjs';
import { REPO_ROOT, startSandbox } from './helpers/sandbox.mjs';

const { ProveClient, ProveError, methods } = sdk;

let sb;
let client;
before(async () => {
  sb = await startSandbox();
  client = new ProveClient(sb.config({ retry: false }));
});
after(() => sb.stop());

const settle = (p) => p.then((value) => ({ value }), (error) => ({ error }));

describe('every operation', () => {
  test('the grouped surface has exactly the methods of the core', () => {
    const names = methods().map((m) => m.name);
    assert.equal(names.length, 32);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) {
      const [group, fn] = name.split('.');
      assert.equal(typeof client[group][fn], 'function', name);
    }
  });

  test('each method reaches its operation and decodes the answer', async () => {
    const vectors = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests', 'vectors', 'requests.json'), 'utf8')).cases;
    // Real state for the methods addressed by id.
    const enrolled = await client.identityManager.enroll({ phoneNumber: '2001004031', clientCustomerId: 'ops-1' });
    const started = await client.auth.start(vectors.find((v) => v.method === 'auth.start').input).catch(() => null);
    const ok = [];
    for (const m of methods()) {
      const v = vectors.find((c) => c.method === m.name);
      assert.ok(v, `${m.name} has an input in tests/vectors/requests.json`);
      let input = structuredClone(v.input);
      if (input && input.proveId) input.proveId = enrolled.proveId;
      if (input && input.identityId) input.identityId = enrolled.proveId;
      if (input && input.authId && started?.authId) input.authId = started.authId;
      await sb.clearRequests();
      const [group, fn] = m.name.split('.');
      const out = await settle(client[group][fn](input));
      const api = (await sb.requests()).filter((r) => r.path !== '/token');
      assert.ok(api.length >= 1, `${m.name}: no request reached the sandbox`);
      assert.equal(api[0].path, v.expect.path.replace('7f1c1a52-3b0e-4d7e-9a43-0c9d2d1f5e11', enrolled.proveId), m.name);
      if (out.error) {
        // A Prove error answer is fine for calls without matching state; never a local failure.
        assert.ok(out.error instanceof ProveError, `${m.name}: ${out.error}`);
        assert.ok(out.error.status >= 400, `${m.name}: ${out.error.kind} ${out.error.message}`);
        assert.equal(out.error.operation, m.operationId, m.name);
      } else {
        assert.equal(typeof out.value, 'object', m.name);
        ok.push(m.name);
      }
    }
    // Most operations succeed outright with this state.
    assert.ok(ok.length >= 20, `only ${ok.length} succeeded: ${ok.join(', ')}`);
  });

  test('client.call is the same entry point by name', async () => {
    const r = await client.call('domain.id');
    assert.equal(typeof r, 'object');
    await assert.rejects(client.call('flow.nope', {}), (e) => e instanceof sdk.ValidationError && e.field === 'method');
  });
});

describe('per-call options', () => {
  test('timeoutMs ends a slow call with a TimeoutError', async () => {
    await sb.fault({ kind: 'latency', ms: 1500, path: '/v3/domain/id', count: 1 });
    const t0 = Date.now();
    const e = await client.domain.id({}, { timeoutMs: 200 }).then(() => null, (x) => x);
    await sb.clearFaults();
    assert.ok(e instanceof sdk.TimeoutError, String(e));
    assert.equal(e.kind, 'Timeout');
    assert.ok(Date.now() - t0 < 1400, 'the per-call timeout applied');
  });

  test('retries: the per-call count overrides the client policy', async () => {
    const retrying = new ProveClient(sb.config({ retry: { maxRetries: 0, initialBackoffMs: 1, maxBackoffMs: 5 } }));
    await retrying.domain.id(); // token
    await sb.post('counters/reset');
    await sb.fault({ kind: 'status', status: 503, path: '/v3/domain/id', count: 2 });
    const r = await retrying.domain.id({}, { retries: 2 });
    assert.equal(typeof r, 'object');
    assert.equal((await sb.counters()).requestsByPath['/v3/domain/id'], 3);
    await sb.fault({ kind: 'status', status: 503, path: '/v3/domain/id', count: 1 });
    const e = await retrying.domain.id().then(() => null, (x) => x);
    assert.ok(e instanceof sdk.ApiError && e.status === 503, String(e));
    await sb.clearFaults();
  });

  test('clientRequestId is sent when the request has the field, and refused otherwise', async () => {
    await sb.clearRequests();
    await client.identityManager.lookupByPhone({ mobileNumber: '2001004031' }, { clientRequestId: 'req-opt-1' });
    const [r] = (await sb.requests()).filter((x) => x.path !== '/token');
    assert.match(r.query, /clientRequestId=req-opt-1/);
    await sb.clearRequests();
    await client.identityManager.enroll({ phoneNumber: '2001004032', clientRequestId: 'own' }, { clientRequestId: 'opt' });
    const [r2] = (await sb.requests()).filter((x) => x.path !== '/token');
    assert.equal(r2.body.clientRequestId, 'own', 'the request value wins');
    await assert.rejects(client.flow.start({ flowType: 'mobile', phoneNumber: '2001001695' }, { clientRequestId: 'x' }), (e) =>
      e instanceof sdk.ValidationError && e.field === 'clientRequestId');
  });

  test('bad options are ValidationErrors naming the option', async () => {
    await assert.rejects(client.domain.id({}, { timeoutMs: -1 }), (e) => e instanceof sdk.ValidationError && e.field === 'timeoutMs');
    await assert.rejects(client.domain.id({}, { retries: 1.5 }), (e) => e instanceof sdk.ValidationError && e.field === 'retries');
    assert.throws(() => new ProveClient({ ...sb.config(), clientSecret: 42 }), (e) => e.field === 'clientSecret' && !e.message.includes('42'));
    assert.throws(() => new ProveClient({ clientId: 'x', baseUrl: sb.baseUrl }), (e) => e instanceof sdk.ValidationError && e.field === 'clientSecret');
    assert.throws(() => new ProveClient({ ...sb.config(), baseUrl: undefined, environment: 'mars' }), (e) => e.field === 'environment');
  });
});

describe('an error class for each kind', () => {
  const cases = [
    ['Validation', 'ValidationError', async () => client.flow.start({ flowType: 'tablet', phoneNumber: '2001001695' })],
    ['Auth', 'AuthError', async () => new ProveClient({ ...sb.config(), clientSecret: 'wrong' }).domain.id()],
    ['RateLimited', 'RateLimitedError', async () => {
      await sb.fault({ kind: 'status', status: 429, retryAfter: 2, path: '/v3/domain/id', count: 1 });
      return client.domain.id();
    }],
    ['StepOutOfOrder', 'StepOutOfOrderError', async () => client.flow.validate({ correlationId: '0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60' })],
    ['NotFound', 'NotFoundError', async () => client.identityManager.get({ proveId: '00000000-0000-4000-8000-000000000000' })],
    ['Api', 'ApiError', async () => {
      await sb.fault({ kind: 'status', status: 500, path: '/v3/domain/id', count: 1 });
      return client.domain.id();
    }],
    ['Timeout', 'TimeoutError', async () => {
      await sb.fault({ kind: 'latency', ms: 1000, path: '/v3/domain/id', count: 1 });
      return client.domain.id({}, { timeoutMs: 100 });
    }],
    ['Transport', 'TransportError', async () => {
      await sb.fault({ kind: 'drop', path: '/v3/domain/id', count: 1 });
      return client.domain.id();
    }],
    ['Decode', 'DecodeError', async () => {
      await sb.fault({ kind: 'malformedJson', path: '/v3/domain/id', count: 1 });
      return client.domain.id();
    }],
    ['Webhook', 'WebhookError', async () => sdk.verifyWebhook('Bearer a.b.c', '{}', ['secret'])],
  ];
  for (const [kind, cls, run] of cases) {
    test(`${kind} → ${cls}`, async () => {
      const e = await run().then(() => null, (x) => x);
      await sb.clearFaults();
      assert.ok(e instanceof sdk[cls], `expected ${cls}, got ${e && e.name}: ${e && e.message}`);
      assert.ok(e instanceof ProveError && e instanceof Error);
      assert.equal(e.kind, kind);
      assert.equal(e.name, cls);
      assert.ok(sdk.ERROR_CLASSES[kind] === sdk[cls]);
      assert.equal(typeof e.stack, 'string');
      if (kind === 'RateLimited') {
        assert.equal(e.status, 429);
        assert.equal(e.retryAfter, 2);
        assert.equal(e.retryAfterMs, 2000);
      }
      if (kind === 'Auth') {
        assert.equal(e.status, 401);
        assert.ok(!JSON.stringify(e.toJSON()).includes('wrong'), 'the secret never appears');
      }
      if (kind === 'Validation') assert.equal(e.field, 'flowType');
      if (kind === 'NotFound') assert.equal(e.status, 404);
    });
  }
});

test('errors and their JSON never carry personal data from the request', async () => {
  const e = await client.flow.start({ flowType: 'mobile', phoneNumber: 2001001695 }).then(() => null, (x) => x);
  assert.ok(e instanceof sdk.ValidationError);
  assert.ok(!e.message.includes('2001001695') && !JSON.stringify(e).includes('2001001695'), e.message);
  await sb.fault({ kind: 'status', status: 400, path: '/v3/identity/{mobileNumber}/lookup', count: 1 });
  const e2 = await client.identityManager.lookupByPhone({ mobileNumber: '2001004031' }).then(() => null, (x) => x);
  await sb.clearFaults();
  assert.ok(e2 instanceof ProveError);
  assert.ok(!JSON.stringify(e2).includes('2001004031'));
});

test('ProveClient.fromEnv reads PROVE_CLIENT_ID, PROVE_CLIENT_SECRET, PROVE_BASE_URL', async () => {
  const saved = { ...process.env };
  try {
    process.env.PROVE_CLIENT_ID = sb.clientId;
    process.env.PROVE_CLIENT_SECRET = sb.clientSecret;
    process.env.PROVE_BASE_URL = sb.baseUrl;
    const c = ProveClient.fromEnv({ userAgentSuffix: 'ops-test/1' });
    assert.equal(c.baseUrl, sb.baseUrl);
    assert.equal(c.environment, 'custom');
    assert.match(c.userAgent, /^prove-sdk-rust\/\S+ node\/\d+\.\d+\.\d+ ops-test\/1$/);
    assert.equal(typeof (await c.domain.id()), 'object');
    delete process.env.PROVE_CLIENT_SECRET;
    assert.throws(() => ProveClient.fromEnv(), (e) => e instanceof sdk.ValidationError && e.field === 'PROVE_CLIENT_SECRET');
    process.env.PROVE_CLIENT_SECRET = 'x';
    delete process.env.PROVE_BASE_URL;
    process.env.PROVE_ENV = 'prod-eu';
    assert.equal(ProveClient.fromEnv().environment, 'prod-eu');
  } finally {
    for (const k of ['PROVE_CLIENT_ID', 'PROVE_CLIENT_SECRET', 'PROVE_BASE_URL', 'PROVE_ENV']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});

test('inspecting a client never shows the secret', async () => {
  const { inspect } = await import('node:util');
  const c = new ProveClient(sb.config());
  const shown = inspect(c, { depth: 5, showHidden: true });
  assert.ok(!shown.includes(sb.clientSecret), shown);
});

describe('logging', () => {
  test('a logger receives redacted records: operation, method, path template, status, latency', async () => {
    const records = [];
    sdk.setLogger((r) => records.push(r));
    try {
      await client.identityManager.lookupByPhone({ mobileNumber: '2001004031' });
      await sb.fault({ kind: 'status', status: 500, path: '/v3/domain/id', count: 1 });
      await client.domain.id().catch(() => {});
      await sb.clearFaults();
      await new Promise((r) => setTimeout(r, 50)); // records arrive through the event loop
    } finally {
      sdk.setLogger(null);
    }
    const lookup = records.find((r) => r.operation === 'V3GetIdentitiesByPhoneNumber');
    assert.ok(lookup, JSON.stringify(records));
    assert.equal(lookup.level, 'debug');
    assert.equal(lookup.method, 'GET');
    assert.equal(lookup.path, '/v3/identity/{mobileNumber}/lookup');
    assert.equal(lookup.status, 200);
    assert.equal(lookup.outcome, 'ok');
    assert.equal(typeof lookup.latencyMs, 'number');
    const failed = records.find((r) => r.operation === 'V3DomainIDRequest' && r.level === 'warn');
    assert.ok(failed, JSON.stringify(records));
    assert.equal(failed.status, 500);
    const text = JSON.stringify(records);
    assert.ok(!text.includes('2001004031') && !text.includes(sb.clientSecret), text);
    const n = records.length;
    await client.domain.id();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(records.length, n, 'no records after setLogger(null)');
  });

  test('level warn forwards failures only', async () => {
    const records = [];
    sdk.setLogger((r) => records.push(r), { level: 'warn' });
    try {
      await client.domain.id();
      await sb.fault({ kind: 'status', status: 502, path: '/v3/domain/id', count: 1 });
      await client.domain.id().catch(() => {});
      await sb.clearFaults();
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      sdk.setLogger(null);
    }
    assert.ok(records.length >= 1);
    assert.ok(records.every((r) => r.level === 'warn'), JSON.stringify(records));
  });

  test('DEBUG=prove-sdk logs to stderr in a fresh process', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `const { ProveClient } = require(${JSON.stringify(path.join(REPO_ROOT, 'node', 'lib', 'index.cjs'))});
      new ProveClient({ clientId: ${JSON.stringify(sb.clientId)}, clientSecret: ${JSON.stringify(sb.clientSecret)}, baseUrl: ${JSON.stringify(sb.baseUrl)} })
        .identityManager.lookupByPhone({ mobileNumber: '2001004031' }).then(() => setTimeout(() => {}, 50));`;
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, DEBUG: 'other,prove-*' }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /prove-sdk debug prove request operation=V3GetIdentitiesByPhoneNumber method=GET path=\/v3\/identity\/\{mobileNumber\}\/lookup .*status=200/);
    assert.ok(!r.stderr.includes('2001004031'));
    const quiet = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, DEBUG: 'prove-*,-prove-sdk' }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(quiet.stderr, '');
  });
});
