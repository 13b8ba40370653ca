// The shared vectors of tests/vectors/, run through the package's public API against the sandbox.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ProveClient, ProveError, ERROR_CLASSES } from '../lib/index.mjs';
import { REPO_ROOT, startSandbox } from './helpers/sandbox.mjs';

const load = (name) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests', 'vectors', name), 'utf8')).cases;

/** Calls `method` through the grouped surface (`client.flow.start(input)`), or `client.call` for
 * names that are not methods (the unknown-method vector). */
function callGrouped(client, method, input) {
  const [group, name] = method.split('.');
  const fn = client[group]?.[name];
  return typeof fn === 'function' ? fn(input) : client.call(method, input);
}

function decodeQuery(raw) {
  const out = {};
  for (const [k, v] of new URLSearchParams(raw ?? '')) out[k] = v;
  return out;
}

function pointer(obj, ptr) {
  let cur = obj;
  for (const raw of ptr.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

let sb;
before(async () => {
  sb = await startSandbox();
});
after(() => sb.stop());

test('request vectors: the exact HTTP request of every case', async () => {
  const client = new ProveClient(sb.config({ retry: false }));
  const cases = load('requests.json');
  assert.ok(cases.length > 10);
  for (const c of cases) {
    await sb.clearRequests();
    await callGrouped(client, c.method, c.input).catch((e) => {
      if (!(e instanceof ProveError)) throw e;
    });
    const api = (await sb.requests()).filter((r) => r.path !== '/token');
    assert.equal(api.length, 1, `${c.name}: exactly one API request`);
    const [r] = api;
    assert.equal(r.method, c.expect.method, `${c.name}: method`);
    assert.equal(r.path, c.expect.path, `${c.name}: path`);
    assert.deepEqual(decodeQuery(r.query), c.expect.query, `${c.name}: query`);
    if (c.expect.rawQuery !== undefined) assert.equal(r.query ?? '', c.expect.rawQuery, `${c.name}: raw query`);
    assert.deepEqual(r.body, c.expect.body, `${c.name}: body`);
  }
});

test('response vectors: canned answers decode to the same values and errors', async () => {
  const client = new ProveClient(sb.config({ retry: { maxRetries: 0 } }));
  const cases = load('responses.json');
  assert.ok(cases.length > 5);
  for (const c of cases) {
    await sb.clearFaults();
    await sb.clearRequests();
    const fault = { kind: 'respond', status: c.respond.status, body: c.respond.body, path: c.respond.path };
    if (c.respond.contentType !== undefined) fault.contentType = c.respond.contentType;
    if (c.respond.count !== undefined) fault.count = c.respond.count;
    await sb.fault(fault);
    const out = await callGrouped(client, c.method, c.input).then(
      (value) => ({ value }),
      (error) => ({ error }),
    );
    await sb.clearFaults();
    if (c.expect.values) {
      assert.ok(!out.error, `${c.name}: ${out.error}`);
      for (const [ptr, want] of Object.entries(c.expect.values)) {
        assert.deepEqual(pointer(out.value, ptr), want, `${c.name}: ${ptr}`);
      }
    } else {
      const e = out.error;
      const want = c.expect.error;
      assert.ok(e instanceof ProveError, `${c.name}: expected an error, got ${JSON.stringify(out.value)}`);
      assert.equal(e.kind, want.kind, `${c.name}: ${e.message}`);
      assert.ok(e instanceof ERROR_CLASSES[want.kind], `${c.name}: class ${e.name}`);
      if (want.status !== undefined) assert.equal(e.status, want.status, c.name);
      if (want.code !== undefined) assert.equal(e.code, want.code, c.name);
      if (want.noCode) assert.equal(e.code, undefined, `${c.name}: no code`);
    }
    if (c.expect.attempts !== undefined) {
      const hits = (await sb.requests()).filter((r) => r.path === c.respond.path || r.route === c.respond.path);
      assert.equal(hits.length, c.expect.attempts, `${c.name}: attempts`);
    }
  }
});

test('validation vectors: the named field, and no request reaches the sandbox', async () => {
  const fresh = await startSandbox();
  try {
    const client = new ProveClient(fresh.config());
    const cases = load('validation.json');
    assert.ok(cases.length > 10);
    for (const c of cases) {
      const e = await callGrouped(client, c.method, c.input).then(
        () => null,
        (x) => x,
      );
      assert.ok(e instanceof ProveError, `${c.name ?? c.method}: expected an error`);
      assert.equal(e.kind, c.kind ?? 'Validation', `${c.method}: ${e.message}`);
      assert.equal(e.field, c.field, `${c.method}: ${e.message}`);
      assert.ok(e instanceof ERROR_CLASSES[c.kind ?? 'Validation'], `${c.method}: class ${e.name}`);
      assert.equal(e.status, undefined, `${c.method}: raised before the network`);
    }
    const counters = await fresh.counters();
    assert.equal(counters.totalRequests, 0, JSON.stringify(counters.requestsByPath));
    assert.equal(counters.tokenRequests, 0);
  } finally {
    await fresh.stop();
  }
});

test('valid vectors: boundary inputs pass local validation and reach the sandbox', async () => {
  const client = new ProveClient(sb.config({ retry: { maxRetries: 0 } }));
  const file = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests', 'vectors', 'validation.json'), 'utf8'));
  const cases = file.valid ?? [];
  assert.ok(cases.length > 0);
  for (const c of cases) {
    await sb.clearRequests();
    const e = await callGrouped(client, c.method, c.input).then(
      () => null,
      (x) => x,
    );
    if (e) {
      assert.ok(e instanceof ProveError, `${c.name}: ${e}`);
      assert.ok(e.status !== undefined, `${c.name}: failed locally: ${e.kind} ${e.field} ${e.message}`);
    }
    const api = (await sb.requests()).filter((r) => r.path !== '/token');
    assert.ok(api.length >= 1, `${c.name}: no request reached the sandbox`);
  }
});
