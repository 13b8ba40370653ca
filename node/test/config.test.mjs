// Settings hardening: unknown keys refused with a suggestion, setting names as the caller spells
// them, URLs with credentials refused, User-Agent suffix bounds, non-finite numbers in requests,
// and setLogger's options. Against the sandbox, counting what reaches it.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, test } from 'node:test';

import * as sdk from '../lib/index.mjs';
import { startSandbox } from './helpers/sandbox.mjs';

const { ProveClient, ValidationError } = sdk;

let sb;
let client;
before(async () => {
  sb = await startSandbox();
  client = new ProveClient(sb.config({ retry: false }));
});
after(() => sb?.stop());

const total = async () => (await sb.counters()).totalRequests;

/** Asserts `fn` throws a ValidationError on `field` whose message matches `message`. */
function refuses(fn, field, message) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof ValidationError, `${e?.name}: ${e?.message}`);
    assert.equal(e.field, field, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('unknown settings', () => {
  test('a misspelt client setting is refused with the likely one, never sent to the default environment', () => {
    const creds = { clientId: sb.clientId, clientSecret: sb.clientSecret };
    refuses(() => new ProveClient({ ...creds, baseURL: sb.baseUrl }), 'baseURL', /^baseURL: is not a client setting; did you mean baseUrl\?$/);
    refuses(() => new ProveClient({ ...creds, baseUrl: sb.baseUrl, timeoutMS: 5 }), 'timeoutMS', /did you mean timeoutMs\?/);
    refuses(() => new ProveClient({ ...creds, baseUrl: sb.baseUrl, timeout: 5 }), 'timeout', /did you mean timeoutMs\?/);
    refuses(() => new ProveClient({ ...creds, baseUrl: sb.baseUrl, clientSecert: 'x' }), 'clientSecert', /did you mean clientSecret\?/);
    refuses(() => new ProveClient({ ...creds, baseUrl: sb.baseUrl, signal: AbortSignal.abort() }), 'signal', /it is a per-call option/);
    refuses(() => new ProveClient({ ...creds, baseUrl: sb.baseUrl, retry: { maxRetry: 1 } }), 'retry.maxRetry', /did you mean maxRetries\?/);
    refuses(() => new ProveClient({ ...creds, baseUrl: sb.baseUrl, zzz: 1 }), 'zzz', /known: clientId, clientSecret, environment, baseUrl/);
  });

  test('fromEnv refuses unknown options, and credentials or a base URL it would ignore', () => {
    refuses(() => ProveClient.fromEnv({ timeoutMS: 5 }), 'timeoutMS', /did you mean timeoutMs\?/);
    refuses(() => ProveClient.fromEnv({ baseUrl: sb.baseUrl }), 'baseUrl', /PROVE_BASE_URL/);
    refuses(() => ProveClient.fromEnv({ clientSecret: 'x' }), 'clientSecret', /PROVE_CLIENT_SECRET/);
  });

  test('per-call options: unknown keys are refused before anything is sent', async () => {
    const before = await total();
    for (const [options, field, message] of [
      [{ timeout: 100 }, 'timeout', /did you mean timeoutMs\?/],
      [{ timeoutMS: 100 }, 'timeoutMS', /did you mean timeoutMs\?/],
      [{ retry: 0 }, 'retry', /did you mean retries\?/],
      [{ signa: AbortSignal.abort() }, 'signa', /did you mean signal\?/],
      [{ clientRequestID: 'r' }, 'clientRequestID', /did you mean clientRequestId\?/],
      [{ baseUrl: 'http://127.0.0.1:9' }, 'baseUrl', /it is a client setting/],
    ]) {
      await assert.rejects(client.domain.id({}, options), (e) => e instanceof ValidationError && e.field === field && message.test(e.message));
      await assert.rejects(async () => {
        for await (const item of client.identityManager.list({}, options)) void item;
      }, (e) => e instanceof ValidationError && e.field === field);
    }
    assert.equal(await total(), before, 'a call with an unknown option reached the sandbox');
  });

  test('the known keys, and only own keys, are read', async () => {
    const r = await client.identityManager.lookupByPhone(
      { mobileNumber: '2001004031' },
      { timeoutMs: 5000, attemptTimeoutMs: 5000, retries: 0, clientRequestId: 'cfg-1', signal: new AbortController().signal },
    );
    assert.equal(typeof r, 'object');
    // Inherited properties are not options (and not checked).
    const inherited = Object.create({ timeoutMS: 1 });
    assert.equal(typeof (await client.domain.id({}, inherited)), 'object');
    const config = Object.assign(Object.create({ baseURL: 'x' }), sb.config());
    assert.equal(new ProveClient(config).baseUrl, sb.baseUrl);
  });

  test('a long or odd key is cut and cleaned in the error', () => {
    const key = `baseURL${'x'.repeat(10_000)}`;
    assert.throws(() => new ProveClient({ ...sb.config(), [key]: 1 }), (e) => e instanceof ValidationError && e.field.length <= 65 && e.message.length < 500);
    assert.throws(() => new ProveClient({ ...sb.config(), 'a\r\nb': 1 }), (e) => e.field === 'a??b');
  });
});

describe('setting names in errors', () => {
  test('config errors name the settings as given (clientSecret, not client_secret)', () => {
    refuses(() => new ProveClient({ clientId: 'x', baseUrl: sb.baseUrl }), 'clientSecret', /^clientSecret: is required$/);
    refuses(() => new ProveClient({ clientId: ' ', clientSecret: 'y', baseUrl: sb.baseUrl }), 'clientId', /^clientId: /);
    refuses(() => new ProveClient({ ...sb.config(), baseUrl: 'ftp://example.com' }), 'baseUrl', /^baseUrl: /);
    refuses(() => new ProveClient({ ...sb.config(), tokenUrl: 'ftp://example.com/token' }), 'tokenUrl', /^tokenUrl: /);
  });

  test('a URL with user:password@ is refused without showing the password', () => {
    for (const [config, field] of [
      [{ ...sb.config(), baseUrl: sb.baseUrl.replace('http://', 'http://admin:hunter2@') }, 'baseUrl'],
      [{ ...sb.config(), environment: 'https://admin:hunter2@platform.proveapis.com', baseUrl: undefined }, 'baseUrl'],
      [{ ...sb.config(), tokenUrl: 'https://admin:hunter2@example.com/token' }, 'tokenUrl'],
      [{ ...sb.config(), tokenUrl: '//admin:hunter2@example.com/token' }, 'tokenUrl'],
    ]) {
      assert.throws(() => new ProveClient(config), (e) => {
        assert.ok(e instanceof ValidationError && e.field === field, `${e.field}: ${e.message}`);
        assert.ok(!inspect(e).includes('hunter2') && !JSON.stringify(e).includes('hunter2'), inspect(e));
        return true;
      });
    }
    // An @ elsewhere in the URL is fine.
    assert.equal(new ProveClient({ ...sb.config(), tokenUrl: '/token?x=a@b' }).baseUrl, sb.baseUrl);
  });

  test('userAgentSuffix: a megabyte is refused, a short printable one is sent', async () => {
    refuses(() => new ProveClient({ ...sb.config(), userAgentSuffix: 'x'.repeat(1 << 20) }), 'userAgentSuffix', /at most 256 printable ASCII/);
    refuses(() => new ProveClient({ ...sb.config(), userAgentSuffix: 'caf\u00e9/1' }), 'userAgentSuffix');
    const c = new ProveClient({ ...sb.config(), userAgentSuffix: 'my-app/1.2.3 (+https://example.com)' });
    assert.match(c.userAgent, / my-app\/1\.2\.3 \(\+https:\/\/example\.com\)$/);
    assert.equal(typeof (await c.domain.id()), 'object');
  });
});

describe('non-finite numbers in a request', () => {
  test('NaN and Infinity are refused naming the field path, before anything is sent', async () => {
    const before = await total();
    await assert.rejects(client.identityManager.batchGet({ limit: NaN }), (e) => e instanceof ValidationError && e.field === 'limit');
    await assert.rejects(client.call('identityManager.batchGet', { limit: Infinity }), (e) => e.field === 'limit');
    await assert.rejects(client.identityManager.batchGet({ limit: new Number(NaN) }), (e) => e.field === 'limit');
    await assert.rejects(
      client.flow.complete({ correlationId: 'c', individual: { addresses: [{ city: 'x' }, { city: -Infinity }] } }),
      (e) => e instanceof ValidationError && e.field === 'individual.addresses[1].city' && /finite number/.test(e.message),
    );
    await assert.rejects(client.domain.id(NaN), (e) => e instanceof ValidationError && e.field === 'input');
    await assert.rejects(async () => {
      for await (const item of client.identityManager.list({ limit: NaN })) void item;
    }, (e) => e instanceof ValidationError && e.field === 'limit');
    assert.equal(await total(), before, 'a request with a non-finite number reached the sandbox');
    // Finite numbers go through unchanged.
    const page = await client.identityManager.batchGet({ limit: 2 });
    assert.equal(typeof page, 'object');
  });
});

describe('setLogger options', () => {
  test('null or undefined options are no options; others are checked, naming the field', async () => {
    const records = [];
    try {
      sdk.setLogger((r) => records.push(r), null);
      await client.domain.id();
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(records.some((r) => r.operation === 'V3DomainIDRequest'), JSON.stringify(records));
      sdk.setLogger((r) => records.push(r), undefined);
      refuses(() => sdk.setLogger(() => {}, 'warn'), 'options', /must be an object/);
      refuses(() => sdk.setLogger(() => {}, { level: 5 }), 'level');
      refuses(() => sdk.setLogger(() => {}, { level: 'info' }), 'level');
      refuses(() => sdk.setLogger(() => {}, { levle: 'warn' }), 'levle', /did you mean level\?/);
      refuses(() => sdk.setLogger(42), 'logger');
      // A refused call leaves the current logger in place.
      const n = records.length;
      await client.domain.id();
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(records.length > n, 'the logger set before the refused calls was removed');
    } finally {
      sdk.setLogger(null);
    }
  });
});
