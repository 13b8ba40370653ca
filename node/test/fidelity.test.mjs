// Points where the package and the sandbox follow Prove's documentation and official SDKs, through
// the public API against the sandbox: batch-enrol items of both shapes, Identity Manager createdAt
// in seconds and the default page of 100, UUID attribute ids, verify-status results while
// possession is pending or after it failed, and the empty ssn.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { NotFoundError, ProveClient, ValidationError } from '../lib/index.mjs';
import { startSandbox } from './helpers/sandbox.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sb;
let client;

before(async () => {
  sb = await startSandbox();
  client = new ProveClient(sb.config({ retry: false }));
});
after(() => sb.stop());

/** The rejection of `promise` (fails the test when it resolves). */
async function rejection(promise) {
  return promise.then(
    (v) => assert.fail(`expected an error, got ${JSON.stringify(v)}`),
    (e) => e,
  );
}

describe('batch enrolment', () => {
  test('both item shapes, each sent exactly as its model', async () => {
    await sb.post('reset');
    const { proveId } = await client.identityManager.enroll({ phoneNumber: '2001004031' });
    const { pcid } = await client.domain.id();
    const crossDomain = { clientName: 'Partner', identityId: proveId, pcid };
    await sb.clearRequests();
    const res = await client.identityManager.batchEnroll({
      clientRequestId: 'req-both',
      // Key order of the input does not matter; absent optional fields are not sent.
      items: [{ clientCustomerId: 'customer-9', phoneNumber: '2001004035', deviceId: undefined }, { pcid, identityId: proveId, clientName: 'Partner' }],
    });
    assert.equal(res.results.length, 2);
    assert.ok(res.results[0].proveId && !res.results[0].error, JSON.stringify(res.results[0]));
    assert.ok(res.results[1].proveId && res.results[1].proveId !== proveId, 'a new identity in this project');
    const sent = (await sb.requests()).filter((r) => r.path === '/v3/identity/batch');
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].body, {
      clientRequestId: 'req-both',
      items: [{ phoneNumber: '2001004035', clientCustomerId: 'customer-9' }, crossDomain],
    });
    // Exactly the official SDKs' wire form for the cross-domain item, key order included.
    assert.deepEqual(Object.keys(sent[0].body.items[1]), ['clientName', 'identityId', 'pcid']);
  });

  test('each shape is validated as its own; mixing them is refused; nothing is sent', async () => {
    const before = (await sb.counters()).totalRequests;
    assert.equal(typeof before, 'number');
    for (const [items, field] of [
      [[{ clientName: 'Partner', identityId: 'i' }], 'items[0].pcid'],
      [[{ phoneNumber: '2001004035' }, { clientName: 'Partner', identityId: ' ', pcid: 'p' }], 'items[1].identityId'],
      [[{ phoneNumber: '2001004035', pcid: 'p' }], 'items[0]'],
      [[{ clientName: 'Partner', identityId: 'i', pcid: 'p', pcId: 'typo' }], 'items[0].pcId'],
      [[{ phoneNumber: 'x' }], 'items[0].phoneNumber'],
    ]) {
      const e = await rejection(client.identityManager.batchEnroll({ items }));
      assert.ok(e instanceof ValidationError, String(e));
      assert.equal(e.field, field, e.message);
      assert.equal(e.status, undefined, 'raised before the network');
    }
    assert.equal((await sb.counters()).totalRequests, before);
  });
});

describe('Identity Manager against the documentation', () => {
  test('createdAt is seconds since the epoch', async () => {
    await sb.post('reset');
    const t0 = Math.floor(Date.now() / 1000) - 1;
    const { proveId } = await client.identityManager.enroll({ phoneNumber: '2001004031' });
    const t1 = Math.ceil(Date.now() / 1000) + 1;
    const got = await client.identityManager.get({ proveId });
    assert.equal(typeof got.createdAt, 'number');
    assert.ok(got.createdAt >= t0 && got.createdAt <= t1, `createdAt ${got.createdAt} not within [${t0}, ${t1}] seconds`);
    const found = await client.identityManager.lookupByPhone({ mobileNumber: '2001004031' });
    assert.equal(found.items[0].createdAt, got.createdAt);
  });

  test('batchGet without a limit returns Prove\'s default page of 100', async () => {
    await sb.post('reset');
    await client.identityManager.batchEnroll({ items: Array.from({ length: 100 }, () => ({ phoneNumber: '2001004035' })) });
    for (let i = 0; i < 3; i++) await client.identityManager.enroll({ phoneNumber: '2001004036' });
    const first = await client.identityManager.batchGet({});
    assert.equal(first.results.length, 100);
    assert.ok(first.lastKey);
    const second = await client.identityManager.batchGet({ startKey: first.lastKey });
    assert.equal(second.results.length, 3);
    assert.equal(second.lastKey, undefined);
  });
});

test('discover returns UUID attribute ids, and fetch takes them', async () => {
  const v = await client.verifiedUsers.verify({ verificationType: 'verifiedUser', phoneNumber: '2001004053', firstName: 'Elena', lastName: 'Coldman' });
  const d = await client.identityData.discover({ proveId: v.proveId });
  assert.ok(d.results.length >= 2);
  const values = [];
  for (const { attributeId } of d.results) {
    assert.match(attributeId, UUID);
    const f = await client.identityData.fetch({ proveId: v.proveId, attributeId });
    assert.equal(f.results[0].attributeId, attributeId);
    values.push(f.results[0].attributeValue);
  }
  assert.ok(values.includes('Elena') && values.includes('2001004053'), values.length);
  const byName = await rejection(client.identityData.fetch({ proveId: v.proveId, attributeId: 'firstName' }));
  assert.ok(byName instanceof ValidationError && byName.status === 400 && byName.code === 8001, String(byName));
  const unknown = await rejection(client.identityData.fetch({ proveId: v.proveId, attributeId: '0b8e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b' }));
  assert.ok(unknown instanceof NotFoundError, String(unknown));
});

describe('verify-status as the Verified Users guide describes it', () => {
  const start = () =>
    client.verifiedUsers.verifyWithPossession({ possessionType: 'mobile', firstName: 'Addy', lastName: 'Epinay', phoneNumber: '2001004010' });

  test('pending possession: every result pending', async () => {
    const v = await start();
    const st = await client.verifiedUsers.verifyStatus({ correlationId: v.correlationId });
    assert.deepEqual([st.success, st.possessionResult, st.verifyResult], ['pending', 'pending', 'pending']);
  });

  test('failed possession: verifyResult not_applicable', async () => {
    const v = await start();
    await sb.possession(v.correlationId, 'fail');
    const st = await client.verifiedUsers.verifyStatus({ correlationId: v.correlationId });
    assert.deepEqual([st.success, st.possessionResult, st.verifyResult], ['false', 'failed', 'not_applicable']);
    assert.equal(st.identityId, undefined);
  });
});

test('an empty ssn is refused before the network, on every step that takes it', async () => {
  const before = (await sb.counters()).totalRequests;
  assert.equal(typeof before, 'number');
  const cid = '0b3a2c9e-6d1f-4a58-9c3e-2f7d8e1a4b60';
  for (const [call, field] of [
    [() => client.flow.start({ flowType: 'mobile', phoneNumber: '2001001695', ssn: '' }), 'ssn'],
    [() => client.flow.challenge({ correlationId: cid, ssn: '' }), 'ssn'],
    [() => client.flow.complete({ correlationId: cid, individual: { firstName: 'Milo', lastName: 'Pinson', ssn: '' } }), 'individual.ssn'],
  ]) {
    const e = await rejection(call());
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, /leave the field out/);
  }
  assert.equal((await sb.counters()).totalRequests, before);
});
