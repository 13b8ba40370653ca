// Webhooks: a notification delivered over HTTP by the sandbox, verified and parsed; accept and
// reject cases of verifyWebhook.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { signTestWebhook, verifyWebhook, webhookEventTypes, WebhookError } from '../lib/index.mjs';
import { startSandbox } from './helpers/sandbox.mjs';

const SECRET = 'whsec_node_test_secret';

let sb;
before(async () => {
  sb = await startSandbox();
});
after(() => sb.stop());

/** A receiver that verifies each delivery with the SDK and answers 200 or 401. */
async function receiver(secrets) {
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        const payload = verifyWebhook(req.headers['x-prove-authorization'], Buffer.concat(chunks), secrets);
        seen.push({ payload, correlationId: req.headers['x-correlation-id'] });
        res.writeHead(200).end();
      } catch (e) {
        seen.push({ error: e });
        res.writeHead(e instanceof WebhookError ? 401 : 500).end();
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/webhook`, seen, close: () => new Promise((r) => server.close(r)) };
}

test('the sandbox delivers a signed notification; the receiver verifies and parses it', async () => {
  const rx = await receiver(['previous-secret', SECRET]);
  try {
    const r = await sb.post('webhook/deliver', { url: rx.url, secret: SECRET, eventType: 'PORT' });
    assert.equal(r.status, 200);
    assert.equal(rx.seen.length, 1);
    const { payload, correlationId } = rx.seen[0];
    assert.ok(correlationId);
    assert.equal(payload.notifications.length, 1);
    const n = payload.notifications[0];
    assert.equal(n.eventType, 'PORT');
    assert.ok(n.eventId && n.eventTimestamp);
  } finally {
    await rx.close();
  }
});

test('a delivery signed with another secret is rejected with 401', async () => {
  const rx = await receiver([SECRET]);
  try {
    const r = await sb.post('webhook/deliver', { url: rx.url, secret: 'some-other-secret' });
    assert.equal(r.status, 401);
    assert.ok(rx.seen[0].error instanceof WebhookError);
  } finally {
    await rx.close();
  }
});

describe('verifyWebhook', () => {
  const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  function token(header, claims, secret = SECRET) {
    const unsigned = `${b64(header)}.${b64(claims)}`;
    return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
  }
  const now = () => Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ notifications: [{ eventId: 'e-1', event: 'x', eventType: 'DISCONNECT', eventTimestamp: '2025-01-01T00:00:00Z' }] });

  test('accepts: signed test delivery, bare token, Buffer and Uint8Array bodies, a rotated secret, unknown event types', () => {
    const s = signTestWebhook(SECRET, { eventType: 'LINE_TYPE_CHANGE' });
    assert.match(s.authorization, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(verifyWebhook(s.authorization, s.body, SECRET).notifications[0].eventType, 'LINE_TYPE_CHANGE');
    assert.ok(verifyWebhook(s.authorization.slice('Bearer '.length), Buffer.from(s.body), [SECRET]));
    assert.ok(verifyWebhook(s.authorization, new TextEncoder().encode(s.body), ['old', SECRET]));
    const custom = signTestWebhook(SECRET, { payload: { notifications: [{ eventId: 'e', eventType: 'SOMETHING_NEW', extraField: 1 }] } });
    const n = verifyWebhook(custom.authorization, custom.body, SECRET).notifications[0];
    assert.equal(n.eventType, 'SOMETHING_NEW');
    assert.equal(n.extraField, 1, 'unknown fields are kept');
    const plain = token({ alg: 'HS256', typ: 'JWT' }, { iss: 'Prove Identity', iat: now(), exp: now() + 300 });
    assert.equal(verifyWebhook(`Bearer ${plain}`, body, SECRET).notifications[0].eventType, 'DISCONNECT');
    assert.deepEqual(webhookEventTypes(), ['PHONE_NUMBER_CHANGE', 'DISCONNECT', 'PORT', 'LINE_TYPE_CHANGE', 'MOVED_OUT_OF_COVERAGE']);
  });

  const rejects = {
    'wrong secret': () => [`Bearer ${token({ alg: 'HS256' }, { iss: 'Prove Identity', iat: now(), exp: now() + 300 }, 'nope')}`, body],
    'alg none': () => [`${b64({ alg: 'none' })}.${b64({ iss: 'Prove Identity', iat: now(), exp: now() + 300 })}.`, body],
    'alg HS512': () => [token({ alg: 'HS512' }, { iss: 'Prove Identity', iat: now(), exp: now() + 300 }), body],
    'expired': () => [token({ alg: 'HS256' }, { iss: 'Prove Identity', iat: now() - 900, exp: now() - 600 }), body],
    'issued in the future': () => [token({ alg: 'HS256' }, { iss: 'Prove Identity', iat: now() + 3600, exp: now() + 3900 }), body],
    'wrong issuer': () => [token({ alg: 'HS256' }, { iss: 'Someone', iat: now(), exp: now() + 300 }), body],
    'missing exp': () => [token({ alg: 'HS256' }, { iss: 'Prove Identity', iat: now() }), body],
    'body changed after signing': () => {
      const s = signTestWebhook(SECRET);
      return [s.authorization, s.body.replace('notifications', 'notificationz')];
    },
    'garbage token': () => ['Bearer not-a-token', body],
    'body is not a notification list': () => [token({ alg: 'HS256' }, { iss: 'Prove Identity', iat: now(), exp: now() + 300 }), '[1,2]'],
  };
  for (const [name, make] of Object.entries(rejects)) {
    test(`rejects: ${name}`, () => {
      const [auth, raw] = make();
      assert.throws(() => verifyWebhook(auth, raw, [SECRET]), (e) => {
        assert.ok(e instanceof WebhookError, `${e.name}: ${e.message}`);
        assert.equal(e.kind, 'Webhook');
        assert.ok(!e.message.includes(SECRET) && !e.message.includes(auth.slice(-20)), e.message);
        return true;
      });
    });
  }

  test('rejects bad arguments with WebhookError', () => {
    const s = signTestWebhook(SECRET);
    assert.throws(() => verifyWebhook(undefined, s.body, SECRET), WebhookError);
    assert.throws(() => verifyWebhook(s.authorization, s.body, []), WebhookError);
    assert.throws(() => verifyWebhook(s.authorization, s.body, ['']), WebhookError);
    assert.throws(() => verifyWebhook(s.authorization, { not: 'raw' }, SECRET), WebhookError);
    assert.throws(() => verifyWebhook(s.authorization, s.body, [42]), WebhookError);
  });
});
