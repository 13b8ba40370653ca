// Webhooks: a notification delivered over HTTP by the sandbox, verified and parsed; accept and
// reject cases of verifyWebhook; the body hash and replay options, WebhookVerifier and the
// detailed result.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';

import {
  signTestWebhook,
  ValidationError,
  verifyWebhook,
  verifyWebhookDetailed,
  webhookEventTypes,
  WebhookError,
  WebhookVerifier,
} from '../lib/index.mjs';
import { startSandbox } from './helpers/sandbox.mjs';

const SECRET = 'whsec_node_test_secret';

let sb;
before(async () => {
  sb = await startSandbox();
});
after(() => sb.stop());

/**
 * A receiver that verifies each delivery with the SDK (`verifyWebhook` with `secrets`, or the
 * given function) and answers 200 or 401. It keeps what it received, to replay it.
 */
async function receiver(secrets) {
  const verify = typeof secrets === 'function' ? secrets : (auth, body) => verifyWebhook(auth, body, secrets);
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        const raw = Buffer.concat(chunks);
        const payload = verify(req.headers['x-prove-authorization'], raw);
        seen.push({ payload, correlationId: req.headers['x-correlation-id'], auth: req.headers['x-prove-authorization'], raw });
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

/** POSTs a captured delivery again, as whoever intercepted it would; resolves to the status. */
function resend(url, auth, raw) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-prove-authorization': auth } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(raw);
  });
}

describe('what binds a delivery: body hash, replays, jti', () => {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  function token(claims) {
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    return `Bearer ${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
  }
  const now = () => Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ notifications: [{ eventId: 'e-9', eventType: 'PORT' }] });
  const otherBody = JSON.stringify({ notifications: [{ eventId: 'forged', eventType: 'DISCONNECT' }] });
  const claimsOf = (auth) => JSON.parse(Buffer.from(auth.split('.')[1], 'base64url').toString());

  test('requireBodyHash refuses a token without body_sha256, which otherwise verifies with any body', () => {
    const noHash = token({ iss: 'Prove Identity', iat: now(), exp: now() + 300, jti: 'n-1' });
    // The default: the token alone is signed, so another body passes.
    assert.equal(verifyWebhook(noHash, otherBody, SECRET).notifications[0].eventId, 'forged');
    for (const verify of [
      () => verifyWebhook(noHash, body, SECRET, { requireBodyHash: true }),
      () => verifyWebhookDetailed(noHash, body, [SECRET], { requireBodyHash: true }),
      () => new WebhookVerifier(SECRET, { requireBodyHash: true }).verify(noHash, body),
    ]) {
      assert.throws(verify, (e) => e instanceof WebhookError && /no body_sha256 claim/.test(e.message));
    }
    const hashed = token({ iss: 'Prove Identity', iat: now(), exp: now() + 300, body_sha256: createHash('sha256').update(body).digest('hex') });
    assert.equal(verifyWebhook(hashed, body, SECRET, { requireBodyHash: true }).notifications[0].eventId, 'e-9');
    assert.throws(() => verifyWebhook(hashed, otherBody, SECRET, { requireBodyHash: true }), /body does not match/);
  });

  test('a WebhookVerifier with rejectReplays accepts a token once, refuses one without jti, and keeps other options', () => {
    const verifier = new WebhookVerifier(['old-secret', SECRET], { rejectReplays: true, requireBodyHash: true, leewayMs: 5000, maxAgeMs: 120_000 });
    const s = signTestWebhook(SECRET);
    assert.equal(verifier.verify(s.authorization, s.body).notifications.length, 1);
    assert.throws(() => verifier.verify(s.authorization, s.body), (e) => e instanceof WebhookError && /replay/.test(e.message));
    assert.throws(() => verifier.verifyDetailed(s.authorization, Buffer.from(s.body)), /replay/);
    const next = signTestWebhook(SECRET);
    assert.ok(verifier.verify(next.authorization, next.body), 'a new delivery is not a replay');
    const noJti = token({ iss: 'Prove Identity', iat: now(), exp: now() + 300, body_sha256: createHash('sha256').update(body).digest('hex') });
    assert.throws(() => verifier.verify(noJti, body), (e) => e instanceof WebhookError && /no jti claim/.test(e.message));
    const old = token({ iss: 'Prove Identity', iat: now() - 200, exp: now() + 100, jti: 'old', body_sha256: createHash('sha256').update(body).digest('hex') });
    assert.throws(() => verifier.verify(old, body), /too old/, 'maxAgeMs applies');
    // Without the option, and with the one-off functions, the same token verifies again.
    const plain = new WebhookVerifier(SECRET);
    assert.ok(plain.verify(s.authorization, s.body) && plain.verify(s.authorization, s.body));
    assert.ok(verifyWebhook(s.authorization, s.body, SECRET) && verifyWebhook(s.authorization, s.body, SECRET));
    const shown = inspect(verifier);
    assert.match(shown, /rejectReplays: true/);
    assert.ok(!shown.includes(SECRET) && !shown.includes('old-secret'), shown);
  });

  test('a captured sandbox delivery sent again is refused by a receiver with a WebhookVerifier', async () => {
    const verifier = new WebhookVerifier([SECRET], { rejectReplays: true, requireBodyHash: true });
    const rx = await receiver((auth, raw) => verifier.verify(auth, raw));
    try {
      const r = await sb.post('webhook/deliver', { url: rx.url, secret: SECRET, eventType: 'DISCONNECT' });
      assert.equal(r.status, 200, 'the receiver accepted the delivery');
      const { auth, raw, payload } = rx.seen[0];
      assert.equal(payload.notifications[0].eventType, 'DISCONNECT');
      assert.equal(await resend(rx.url, auth, raw), 401);
      assert.match(rx.seen[1].error.message, /replay/);
      const again = await sb.post('webhook/deliver', { url: rx.url, secret: SECRET, eventType: 'DISCONNECT' });
      assert.equal(again.status, 200, 'a new delivery of the same event is signed anew');
      assert.ok(rx.seen[2].payload);
    } finally {
      await rx.close();
    }
  });

  test('verifyWebhookDetailed and verifyDetailed return the jti; verifyWebhook keeps its shape', () => {
    const s = signTestWebhook(SECRET, { eventType: 'PORT' });
    const { jti, iat, exp } = claimsOf(s.authorization);
    const d = verifyWebhookDetailed(s.authorization, s.body, ['old-secret', SECRET]);
    assert.deepEqual(Object.keys(d), ['payload', 'jti', 'issuedAt', 'expiresAt', 'secretIndex']);
    assert.equal(d.jti, jti);
    assert.equal(d.issuedAt.getTime(), iat * 1000);
    assert.equal(d.expiresAt.getTime(), exp * 1000);
    assert.equal(d.secretIndex, 1);
    assert.equal(d.payload.notifications[0].eventType, 'PORT');
    assert.equal(new WebhookVerifier(SECRET, { rejectReplays: true }).verifyDetailed(s.authorization, s.body).jti, jti);
    const payload = verifyWebhook(s.authorization, s.body, SECRET);
    assert.deepEqual(Object.keys(payload), ['notifications']);
    assert.deepEqual(payload, d.payload);
    const noJti = token({ iss: 'Prove Identity', iat: now(), exp: now() + 300 });
    assert.equal(verifyWebhookDetailed(noJti, body, SECRET).jti, undefined);
  });

  test('unknown, ill-typed and out-of-range options are ValidationErrors naming the option', () => {
    const s = signTestWebhook(SECRET);
    const bad = [
      [{ requireBodyHsh: true }, 'requireBodyHsh'],
      [{ rejectReplay: true }, 'rejectReplay'],
      [{ requireBodyHash: 'yes' }, 'requireBodyHash'],
      [{ requireBodyHash: 1 }, 'requireBodyHash'],
      [{ rejectReplays: 'true' }, 'rejectReplays'],
      [{ leewayMs: -1 }, 'leewayMs'],
      [{ leewayMs: '5000' }, 'leewayMs'],
      [{ maxAgeMs: NaN }, 'maxAgeMs'],
      [{ maxAgeMs: Infinity }, 'maxAgeMs'],
      [{ maxAgeMs: 1e300 }, 'maxAgeMs'],
      [{ leewayMs: 10n }, 'leewayMs'],
      [5, 'options'],
      ['strict', 'options'],
      [[true], 'options'],
      [new Proxy({}, { ownKeys() { throw new Error('trap'); } }), 'options'],
      [{ get leewayMs() { throw new Error('getter'); } }, 'leewayMs'],
    ];
    for (const [options, field] of bad) {
      const label = inspect(options);
      for (const call of [
        () => verifyWebhook(s.authorization, s.body, SECRET, options),
        () => verifyWebhookDetailed(s.authorization, s.body, SECRET, options),
        () => new WebhookVerifier(SECRET, options),
      ]) {
        assert.throws(call, (e) => {
          assert.ok(e instanceof ValidationError, `${label}: ${e.name}: ${e.message}`);
          assert.equal(e.field, field, label);
          return true;
        });
      }
    }
    // A replay guard cannot work in a one-off call: refused rather than silently ignored.
    for (const call of [
      () => verifyWebhook(s.authorization, s.body, SECRET, { rejectReplays: true }),
      () => verifyWebhookDetailed(s.authorization, s.body, SECRET, { rejectReplays: true }),
    ]) {
      assert.throws(call, (e) => e instanceof ValidationError && e.field === 'rejectReplays' && /WebhookVerifier/.test(e.message));
    }
    // undefined, null, {} and explicit false/undefined values are the defaults.
    for (const options of [undefined, null, {}, { requireBodyHash: false, rejectReplays: false, leewayMs: undefined }]) {
      assert.ok(verifyWebhook(s.authorization, s.body, SECRET, options));
      assert.ok(new WebhookVerifier(SECRET, options).verify(s.authorization, s.body));
    }
    // Bad secrets and arguments stay WebhookErrors, as for verifyWebhook.
    assert.throws(() => new WebhookVerifier([]), WebhookError);
    assert.throws(() => new WebhookVerifier(['']), WebhookError);
    assert.throws(() => new WebhookVerifier([42]), WebhookError);
    assert.throws(() => new WebhookVerifier(SECRET).verify(undefined, s.body), WebhookError);
    assert.throws(() => new WebhookVerifier(SECRET).verify(s.authorization, { not: 'raw' }), WebhookError);
  });
});
