// Every guide flow of the server guides, end to end against the sandbox, through the public API.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { ProveClient, StepOutOfOrderError, NotFoundError } from '../lib/index.mjs';
import { startSandbox } from './helpers/sandbox.mjs';

let sb;
let client;

before(async () => {
  sb = await startSandbox();
  client = new ProveClient(sb.config());
});
after(() => sb.stop());

describe('Pre-Fill with challenge', () => {
  test('start → validate (v3-challenge) → challenge (dob) → complete', async () => {
    const s = await client.flow.start({ flowType: 'mobile', phoneNumber: '2001001695' });
    assert.match(s.correlationId, /^[0-9a-f-]{36}$/);
    assert.ok('v3-validate' in s.next, JSON.stringify(s.next));
    const v = await client.flow.validate({ correlationId: s.correlationId });
    assert.equal(v.success, true);
    assert.ok('v3-challenge' in v.next, JSON.stringify(v.next));
    const c = await client.flow.challenge({ correlationId: s.correlationId, dob: '1981-01-17' });
    assert.equal(c.success, true);
    assert.ok(c.individual.firstName && c.individual.lastName);
    assert.ok(Array.isArray(c.individual.addresses) && c.individual.addresses.length > 0);
    assert.ok('v3-complete' in c.next);
    const { firstName, lastName, addresses, dob, ssn, emailAddresses } = c.individual;
    const done = await client.flow.complete({
      correlationId: s.correlationId,
      individual: { firstName, lastName, addresses, dob, ssn, emailAddresses },
    });
    assert.equal(done.success, true);
    assert.ok('done' in done.next, JSON.stringify(done.next));
  });

  test('a step out of order is a StepOutOfOrderError carrying the correlation id', async () => {
    const s = await client.flow.start({ flowType: 'mobile', phoneNumber: '2001001695' });
    const err = await client.flow.complete({ correlationId: s.correlationId, individual: { firstName: 'A', lastName: 'B' } }).then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof StepOutOfOrderError, String(err));
    assert.equal(err.kind, 'StepOutOfOrder');
    assert.equal(err.status, 403);
    assert.ok([1003, 8003].includes(err.code), String(err.code));
    assert.equal(err.correlationId, s.correlationId);
    assert.equal(err.operation, 'V3CompleteRequest');
  });
});

test('Prove Identity without challenge: start → validate (v3-complete) → complete', async () => {
  const s = await client.flow.start({ flowType: 'mobile', phoneNumber: '2001004000' });
  const v = await client.flow.validate({ correlationId: s.correlationId });
  assert.equal(v.success, true);
  assert.ok('v3-complete' in v.next, JSON.stringify(v.next));
  assert.ok(!('v3-challenge' in v.next));
  const done = await client.flow.complete({
    correlationId: s.correlationId,
    individual: { firstName: 'Martina', lastName: 'Goodram' },
  });
  assert.equal(done.success, true);
});

test('Pre-Fill with desktop possession: start → possession (Instant Link) → validate', async () => {
  const s = await client.flow.start({
    flowType: 'desktop',
    phoneNumber: '2001001693',
    finalTargetUrl: 'https://www.example.com',
    ssn: '470806227',
  });
  const pending = await client.flow.validate({ correlationId: s.correlationId }).then((v) => v.success, (e) => e.kind);
  assert.notEqual(pending, true, 'validate before the link is followed must not succeed');
  const s2 = await client.flow.start({
    flowType: 'desktop',
    phoneNumber: '2001001693',
    finalTargetUrl: 'https://www.example.com',
    ssn: '470806227',
  });
  assert.equal((await sb.possession(s2.correlationId, 'success')).status, 200);
  const v = await client.flow.validate({ correlationId: s2.correlationId });
  assert.equal(v.success, true);
});

describe('Verified Users', () => {
  test('with possession (mobile): verify (pending) → possession → verify-status', async () => {
    const v = await client.verifiedUsers.verifyWithPossession({
      firstName: 'Addy',
      lastName: 'Epinay',
      phoneNumber: '2001004010',
      possessionType: 'mobile',
    });
    assert.equal(v.success, 'pending');
    assert.equal((await sb.possession(v.correlationId, 'success')).status, 200);
    const st = await client.verifiedUsers.verifyStatus({ correlationId: v.correlationId });
    assert.equal(st.success, 'true');
  });

  test('with possession (desktop): pending until the link is followed', async () => {
    const v = await client.verifiedUsers.verifyWithPossession({
      firstName: 'Addy',
      lastName: 'Epinay',
      phoneNumber: '2001004010',
      possessionType: 'desktop',
      finalTargetUrl: 'https://www.example.com',
    });
    assert.equal(v.success, 'pending');
    const pending = await client.verifiedUsers.verifyStatus({ correlationId: v.correlationId });
    assert.equal(pending.success, 'pending');
    await sb.possession(v.correlationId, 'success');
    const st = await client.verifiedUsers.verifyStatus({ correlationId: v.correlationId });
    assert.equal(st.success, 'true');
  });

  test('without possession (none) answers at once', async () => {
    const v = await client.verifiedUsers.verifyWithPossession({
      firstName: 'Sheilakathryn',
      lastName: 'Butrimovich',
      phoneNumber: '2001004011',
      possessionType: 'none',
    });
    assert.equal(v.success, 'true');
    const w = await client.verifiedUsers.verify({
      phoneNumber: '2001004053',
      verificationType: 'verifiedUser',
      firstName: 'Elena',
      lastName: 'Coldman',
    });
    assert.equal(w.success, 'true');
    assert.ok(w.identity && typeof w.identity.assuranceLevel === 'string');
  });
});

describe('Unified Authentication', () => {
  test('desktop (Instant Link): unify → possession → unify-status', async () => {
    const u = await client.unify.unify({
      clientRequestId: randomUUID(),
      possessionType: 'desktop',
      phoneNumber: '2001004014',
      finalTargetUrl: 'https://www.example.com',
    });
    assert.equal(u.success, 'pending');
    await sb.possession(u.correlationId, 'success');
    const st = await client.unify.status({ correlationId: u.correlationId });
    assert.equal(st.success, 'true');
  });

  test('mobile with OTP fallback, then a second run by Prove Key', async () => {
    const u = await client.unify.unify({ clientRequestId: randomUUID(), possessionType: 'mobile', phoneNumber: '2001004014' });
    assert.equal((await sb.possession(u.correlationId, 'otp', '1234')).status, 200);
    const st = await client.unify.status({ correlationId: u.correlationId });
    assert.equal(st.success, 'true');
    assert.ok(st.deviceId, 'a Prove Key is registered');
    const again = await client.unify.unify({
      clientRequestId: randomUUID(),
      possessionType: 'mobile',
      phoneNumber: '2001004014',
      deviceId: st.deviceId,
    });
    const st2 = await client.unify.status({ correlationId: again.correlationId });
    assert.equal(st2.success, 'true');
  });

  test('customer-supplied possession: none → possession_required → unify-bind', async () => {
    const u = await client.unify.unify({ clientRequestId: randomUUID(), possessionType: 'none', phoneNumber: '2001004015' });
    const st = await client.unify.status({ correlationId: u.correlationId });
    assert.equal(st.success, 'possession_required');
    const b = await client.unify.bind({ correlationId: u.correlationId, phoneNumber: '2001004015' });
    assert.equal(b.success, 'true');
    assert.ok(b.deviceId);
  });
});

test('Identity Manager: enroll, batch enroll, paginated listing, get, lookup, deactivate, activate, disenroll', async () => {
  await sb.post('reset'); // earlier flows may have enrolled identities
  const e = await client.identityManager.enroll({ phoneNumber: '2001004031', clientCustomerId: 'customer-1' });
  assert.equal(e.success, true);
  assert.ok(e.proveId);
  const b = await client.identityManager.batchEnroll({ items: [{ phoneNumber: '2001004035' }, { phoneNumber: '2001004036' }] });
  assert.equal(b.results.length, 2);

  const pages = [];
  for await (const page of client.identityManager.pages({ limit: 2 })) pages.push(page);
  assert.ok(pages.length >= 2, `expected several pages, got ${pages.length}`);
  const fromPages = pages.flatMap((p) => p.results);
  assert.equal(fromPages.length, 3);
  const items = [];
  for await (const item of client.identityManager.list({ limit: 1 })) items.push(item);
  assert.deepEqual(items.map((i) => i.proveId).sort(), fromPages.map((i) => i.proveId).sort());
  const all = await client.identityManager.listAll({ limit: 2 });
  assert.equal(all.results.length, 3);
  assert.equal(all.pages, pages.length);
  const first = await client.identityManager.batchGet({ limit: 2 });
  assert.equal(first.results.length, 2);
  assert.ok(first.lastKey);
  const second = await client.identityManager.batchGet({ limit: 2, startKey: first.lastKey });
  assert.equal(second.results.length, 1);

  const g = await client.identityManager.get({ proveId: e.proveId });
  assert.equal(g.proveId, e.proveId);
  const l = await client.identityManager.lookupByPhone({ mobileNumber: '2001004031' });
  assert.ok(l.items.some((i) => i.proveId === e.proveId));
  assert.equal((await client.identityManager.deactivate({ proveId: e.proveId })).success, true);
  assert.equal((await client.identityManager.get({ proveId: e.proveId })).active, false);
  assert.equal((await client.identityManager.activate({ proveId: e.proveId })).success, true);
  assert.equal((await client.identityManager.disenroll({ proveId: e.proveId })).success, true);
  const gone = await client.identityManager.get({ proveId: e.proveId }).then(() => null, (x) => x);
  assert.ok(gone instanceof NotFoundError, String(gone));
  assert.equal(gone.status, 404);
});
