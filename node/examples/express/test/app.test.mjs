// Drives every route of the example backend over HTTP: the sandbox emulator and the backend
// (src/server.mjs, configured from the environment) each run as a child process on a free port.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { signTestWebhook } from 'prove-sdk';

import { startSandbox } from '../../../test/helpers/sandbox.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SERVER = path.resolve(here, '..', 'src', 'server.mjs');
const WEBHOOK_SECRET = 'example-webhook-secret';

// Sandbox test users (see the sandbox's BEHAVIOUR.md).
const MILO = { phoneNumber: '2001001695', dob: '1981-01-17' }; // Pre-Fill with challenge
const MARTINA = { phoneNumber: '2001004000' }; // Prove Identity, no challenge
const ADDY = { phoneNumber: '2001004010', firstName: 'Addy', lastName: 'Epinay' }; // Verified Users
const UNIFY_USER = '2001004014';
const UNIFY_BIND_USER = '2001004015';
const ENROLL_USER = '2001004031';
const PERSONAL = [MILO.phoneNumber, MILO.dob, MARTINA.phoneNumber, ADDY.phoneNumber, ADDY.firstName, ADDY.lastName, UNIFY_USER, UNIFY_BIND_USER, ENROLL_USER, 'Pinson', 'Goodram'];

let sb;
let app; // { url, output: string[], child }

/** Runs src/server.mjs with `env`; resolves once it prints its address (or rejects when it exits). */
function startServer(env) {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const lines = createInterface({ input: child.stdout });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => output.push(d));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the example server did not start in 20 s')), 20_000);
    lines.on('line', (line) => {
      output.push(line);
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`the example server exited with ${code}: ${output.join('\n')}`), { code, output }));
    });
  });
  return ready.then((url) => ({ url, output, child }));
}

async function stopServer(s) {
  if (!s || s.child.exitCode !== null) return;
  const gone = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  if (s.child.exitCode === null) s.child.kill('SIGKILL');
}

/** POSTs JSON (or raw text) to the app; answers { status, headers, body }. */
async function post(route, body, { raw } = {}) {
  const res = await fetch(app.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function get(route) {
  const res = await fetch(app.url + route);
  return { status: res.status, body: await res.json() };
}

before(async () => {
  sb = await startSandbox();
  app = await startServer({
    PROVE_CLIENT_ID: sb.clientId,
    PROVE_CLIENT_SECRET: sb.clientSecret,
    PROVE_BASE_URL: sb.baseUrl,
    WEBHOOK_SECRET: `old-secret, ${WEBHOOK_SECRET}`,
  });
});

after(async () => {
  await stopServer(app);
  await sb?.stop();
});

describe('Pre-Fill and Prove Identity', () => {
  test('Pre-Fill: /initiate → /verify (validate + challenge) → /complete', async () => {
    const init = await post('/initiate', { flowType: 'mobile', phoneNumber: MILO.phoneNumber });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    assert.match(init.body.correlationId, /^[0-9a-f-]{36}$/);
    assert.ok(init.body.authToken.length > 0);
    assert.ok('v3-validate' in init.body.next);

    const v = await post('/verify', { correlationId: init.body.correlationId, dob: MILO.dob });
    assert.equal(v.status, 200, JSON.stringify(v.body));
    assert.equal(v.body.step, 'challenge');
    assert.equal(v.body.success, true);
    assert.equal(v.body.individual.lastName, 'Pinson');
    assert.ok('v3-complete' in v.body.next);

    const { firstName, lastName, addresses } = v.body.individual;
    const done = await post('/complete', { correlationId: init.body.correlationId, individual: { firstName, lastName, addresses } });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.success, true);
    assert.ok('done' in done.body.next);
  });

  test('Prove Identity: /initiate → /verify with the customer data (validate + complete)', async () => {
    const init = await post('/initiate', { flowType: 'mobile', phoneNumber: MARTINA.phoneNumber });
    assert.equal(init.status, 200);
    const v = await post('/verify', { correlationId: init.body.correlationId, individual: { firstName: 'Martina', lastName: 'Goodram' } });
    assert.equal(v.status, 200, JSON.stringify(v.body));
    assert.equal(v.body.step, 'complete');
    assert.equal(v.body.success, true);
  });

  test('Prove Identity without customer data stops after validate and says what comes next', async () => {
    const init = await post('/initiate', { flowType: 'mobile', phoneNumber: MARTINA.phoneNumber });
    const v = await post('/verify', { correlationId: init.body.correlationId });
    assert.equal(v.status, 200);
    assert.equal(v.body.step, 'validate');
    assert.ok('v3-complete' in v.body.next);
    const done = await post('/complete', { correlationId: init.body.correlationId, individual: { firstName: 'Martina', lastName: 'Goodram' } });
    assert.equal(done.body.success, true);
  });
});

test('Verified Users: /verified-users/verify (pending) → possession → /verify-status', async () => {
  const v = await post('/verified-users/verify', { ...ADDY, possessionType: 'mobile' });
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(v.body.success, 'pending');
  assert.equal((await sb.possession(v.body.correlationId, 'success')).status, 200);
  const st = await post('/verify-status', { correlationId: v.body.correlationId });
  assert.equal(st.status, 200);
  assert.equal(st.body.success, 'true');
  assert.equal(st.body.possessionResult, 'success');
});

describe('Unified Authentication', () => {
  test('/unify (desktop) → possession → /unify-status', async () => {
    const u = await post('/unify', { possessionType: 'desktop', phoneNumber: UNIFY_USER, finalTargetUrl: 'https://www.example.com' });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.equal(u.body.success, 'pending');
    assert.ok(u.body.authToken);
    await sb.possession(u.body.correlationId, 'success');
    const st = await post('/unify-status', { correlationId: u.body.correlationId });
    assert.equal(st.body.success, 'true');
  });

  test('customer-supplied possession: /unify (none) → /unify-status (possession_required) → /unify-bind', async () => {
    const u = await post('/unify', { possessionType: 'none', phoneNumber: UNIFY_BIND_USER });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    const st = await post('/unify-status', { correlationId: u.body.correlationId });
    assert.equal(st.body.success, 'possession_required');
    const b = await post('/unify-bind', { correlationId: u.body.correlationId, phoneNumber: UNIFY_BIND_USER });
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal(b.body.success, 'true');
    assert.ok(b.body.deviceId);
  });
});

test('Identity Manager: enroll, lookup, get, list, and 404 for an unknown identity', async () => {
  await sb.post('reset');
  const e = await post('/identity/enroll', { phoneNumber: ENROLL_USER, clientCustomerId: 'customer-1' });
  assert.equal(e.status, 201, JSON.stringify(e.body));
  assert.equal(e.body.success, true);
  const l = await post('/identity/lookup', { phoneNumber: ENROLL_USER });
  assert.equal(l.status, 200);
  assert.ok(l.body.items.some((i) => i.proveId === e.body.proveId));
  const g = await get(`/identity/${e.body.proveId}`);
  assert.equal(g.status, 200);
  assert.equal(g.body.proveId, e.body.proveId);
  const all = await get('/identities');
  assert.deepEqual(all.body.items.map((i) => i.proveId), [e.body.proveId]);
  const missing = await get('/identity/00000000-0000-4000-8000-000000000000');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error, 'NotFound');
});

describe('webhook', () => {
  test('a delivery by the sandbox signed with a current secret is accepted (200)', async () => {
    const r = await sb.post('webhook/deliver', { url: app.url + '/webhook', secret: WEBHOOK_SECRET, eventType: 'PORT' });
    assert.equal(r.status, 200);
    const events = app.output.filter((l) => l.includes('"message":"webhook"'));
    assert.ok(events.some((l) => JSON.parse(l).eventTypes.includes('PORT')), app.output.join('\n'));
  });

  test('a delivery signed with another secret is refused (401)', async () => {
    const r = await sb.post('webhook/deliver', { url: app.url + '/webhook', secret: 'not-the-secret' });
    assert.equal(r.status, 401);
  });

  test('a body changed after signing, or no header, is refused (401)', async () => {
    const signed = signTestWebhook(WEBHOOK_SECRET);
    const ok = await fetch(app.url + '/webhook', { method: 'POST', headers: { 'x-prove-authorization': signed.authorization, 'content-type': 'application/json' }, body: signed.body });
    assert.equal(ok.status, 200);
    const tampered = await fetch(app.url + '/webhook', {
      method: 'POST',
      headers: { 'x-prove-authorization': signed.authorization, 'content-type': 'application/json' },
      body: signed.body.replace('PHONE_NUMBER_CHANGE', 'DISCONNECT'),
    });
    assert.equal(tampered.status, 401);
    const bare = await fetch(app.url + '/webhook', { method: 'POST', headers: { 'content-type': 'application/json' }, body: signed.body });
    assert.equal(bare.status, 401);
  });
});

describe('error mapping', () => {
  test('bad input is 400 naming the field', async () => {
    const noId = await post('/verify', {});
    assert.equal(noId.status, 400);
    assert.equal(noId.body.error, 'Validation');
    assert.equal(noId.body.field, 'correlationId');
    const badType = await post('/initiate', { flowType: 'tablet', phoneNumber: MILO.phoneNumber });
    assert.equal(badType.status, 400);
    assert.equal(badType.body.field, 'flowType');
    const noPhone = await post('/identity/enroll', {});
    assert.equal(noPhone.status, 400);
    assert.equal(noPhone.body.field, 'phoneNumber');
    const notObject = await post('/unify', [1, 2]);
    assert.equal(notObject.status, 400);
    assert.equal(notObject.body.field, 'body');
    const badJson = await post('/initiate', null, { raw: '{"flowType":' });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error, 'InvalidJson');
  });

  test('a step out of order is 409', async () => {
    const init = await post('/initiate', { flowType: 'mobile', phoneNumber: MILO.phoneNumber });
    const r = await post('/complete', { correlationId: init.body.correlationId, individual: { firstName: 'A', lastName: 'B' } });
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal(r.body.error, 'StepOutOfOrder');
    assert.equal(r.body.correlationId, init.body.correlationId);
  });

  test('rate limiting at Prove is 429 with Retry-After once the SDK stops retrying', async () => {
    // One answer more than the SDK's default attempts (1 + 2 retries), each asking for 1 s.
    await sb.fault({ kind: 'status', status: 429, retryAfter: 1, path: '/v3/start', count: 3 });
    try {
      const r = await post('/initiate', { flowType: 'mobile', phoneNumber: MILO.phoneNumber });
      assert.equal(r.status, 429, JSON.stringify(r.body));
      assert.equal(r.body.error, 'RateLimited');
      assert.equal(r.headers.get('retry-after'), '1');
    } finally {
      await sb.clearFaults();
    }
  });

  test('other failures (a garbled answer from Prove) are 502', async () => {
    await sb.fault({ kind: 'malformedJson', path: '/v3/validate' });
    try {
      const init = await post('/initiate', { flowType: 'mobile', phoneNumber: MILO.phoneNumber });
      const r = await post('/verify', { correlationId: init.body.correlationId });
      assert.equal(r.status, 502, JSON.stringify(r.body));
      assert.equal(r.body.error, 'Decode');
    } finally {
      await sb.clearFaults();
    }
  });

  test('an unknown route is 404', async () => {
    assert.equal((await post('/nope', {})).status, 404);
  });
});

test('the server logs route templates and statuses, never personal data', () => {
  const text = app.output.join('\n');
  assert.match(text, /"route":"\/initiate","status":200/);
  assert.match(text, /"route":"\/identity\/:proveId","status":200/);
  for (const value of PERSONAL) assert.ok(!text.includes(value), `the log shows personal data (${value.length} chars)`);
});

test('the server refuses to start without credentials, naming the variable', async () => {
  const err = await startServer({ PROVE_BASE_URL: sb.baseUrl }).then(
    () => null,
    (e) => e,
  );
  assert.ok(err, 'the server started without credentials');
  assert.equal(err.code, 1);
  assert.match(err.output.join(''), /PROVE_CLIENT_ID/);
});
