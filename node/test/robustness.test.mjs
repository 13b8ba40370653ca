// Robustness of the public JS API: values of every type (hostile objects, huge and cyclic values,
// Proxies, BigInt, Symbols, ...) thrown at every entry point must give a ProveError subclass (or a
// resolved result where the input happens to be acceptable), never an untyped error, a crash or a
// message quoting what was sent; a burst of 10,000 garbage calls in a child process must end
// normally with bounded memory.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { methods, ProveClient, ProveError, signTestWebhook, ValidationError, verifyWebhook } from '../lib/index.mjs';
import { startSandbox } from './helpers/sandbox.mjs';
import { echoes, GARBAGE, MARKER } from './robustness-helper.mjs';

const HELPER = fileURLToPath(new URL('./robustness-helper.mjs', import.meta.url));

let sb;
let client;
before(async () => {
  sb = await startSandbox();
  client = new ProveClient(sb.config({ retry: false, timeoutMs: 5000 }));
});
after(() => sb?.stop());

/**
 * Runs `fn` (sync or async) and returns how it ended: `{ ok: value }` or `{ err }`. A call that
 * neither settles nor throws within 10 s fails the test (a hang).
 */
async function outcome(fn) {
  let timer;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer within 10 s (hang)')), 10_000);
  });
  try {
    return { ok: await Promise.race([Promise.resolve().then(fn), hang]) };
  } catch (err) {
    if (err instanceof Error && err.message === 'no answer within 10 s (hang)') throw err;
    return { err };
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts `err` is a ProveError subclass with a known kind whose message quotes nothing sent. */
function assertProveError(err, what) {
  assert.ok(err instanceof ProveError, `${what}: threw ${err?.constructor?.name ?? typeof err} (${String(err?.message ?? err).slice(0, 120)}), not a ProveError`);
  assert.equal(typeof err.kind, 'string', `${what}: no kind`);
  assert.ok(!echoes(err.message), `${what}: message echoes the input: ${err.message.slice(0, 200)}`);
  // requestId and correlationId carry the caller's ids by design; every other field must not.
  const { requestId, correlationId, ...rest } = err.toJSON();
  assert.ok(!echoes(JSON.stringify(rest)), `${what}: toJSON echoes the input`);
  if (err instanceof ValidationError && err.status === undefined) {
    assert.equal(typeof err.field, 'string', `${what}: local ValidationError names no field (${err.message})`);
  }
}

/** Runs `fn` and asserts it resolved or failed with a clean ProveError. Returns the outcome. */
async function clean(fn, what) {
  const r = await outcome(fn);
  if ('err' in r) assertProveError(r.err, what);
  return r;
}

/** Runs `fn` and asserts it failed with a clean ProveError. */
async function rejects(fn, what) {
  const r = await outcome(fn);
  assert.ok('err' in r, `${what}: succeeded`);
  assertProveError(r.err, what);
  return r.err;
}

describe('client.call and every group method', () => {
  test('garbage requests to every method give a ProveError or a result, never anything else', async () => {
    let failures = 0;
    let successes = 0;
    for (const { name } of methods()) {
      const [group, short] = name.split('.');
      for (const [label, make] of GARBAGE) {
        for (const [via, fn] of [
          ['call', () => client.call(name, make())],
          ['group', () => client[group][short](make())],
        ]) {
          const r = await clean(fn, `${via} ${name} with ${label}`);
          if ('err' in r) failures++;
          else {
            successes++;
            assert.equal(typeof r.ok, 'object', `${name} with ${label} resolved to ${typeof r.ok}`);
          }
        }
      }
    }
    // Most garbage is rejected; inputs standing for "no input" may succeed on methods without
    // required fields (domain.id, identityManager.batchGet, ...).
    assert.ok(failures > successes * 5, `${failures} failures, ${successes} successes`);
  });

  test('method names of every type are a ValidationError on `method`', async () => {
    for (const [label, make] of [...GARBAGE, ['near miss', () => 'flow.start '], ['prototype key', () => 'constructor'], ['__proto__', () => '__proto__']]) {
      const err = await rejects(() => client.call(make(), {}), `call with method ${label}`);
      assert.equal(err.field, 'method', `method ${label}: ${err.message}`);
    }
  });

  test('identityManager.pages and list with garbage input reject cleanly', async () => {
    for (const [label, make] of GARBAGE) {
      await clean(async () => {
        const out = [];
        for await (const item of client.identityManager.list(make())) out.push(item);
        return out;
      }, `list with ${label}`);
      await clean(async () => {
        const out = [];
        for await (const page of client.identityManager.pages(make(), make())) out.push(page);
        return out;
      }, `pages with ${label}`);
    }
  });

  test('bad per-call options are ValidationErrors naming the option, and nothing is sent', async () => {
    const before = (await sb.counters()).totalRequests;
    const bad = [-1, NaN, Infinity, -Infinity, '5', {}, [], true, 10n, Symbol('t'), () => 1, 1e300, -0.5];
    for (const v of bad) {
      for (const key of ['timeoutMs', 'attemptTimeoutMs']) {
        const err = await rejects(() => client.domain.id({}, { [key]: v }), `${key}: ${String(v)}`);
        assert.equal(err.field, key, `${key}: ${String(v)} → ${err.message}`);
      }
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
        const err = await rejects(() => client.domain.id({}, { retries: v }), `retries: ${String(v)}`);
        assert.equal(err.field, 'retries');
      }
    }
    for (const v of [-0.1, 1.5, -1, 2 ** 32, 'x']) {
      const err = await rejects(() => client.domain.id({}, { retries: v }), `retries: ${v}`);
      assert.equal(err.field, 'retries');
    }
    await rejects(() => client.domain.id({}, { timeoutMs: 0 }), 'timeoutMs: 0');
    // Every call above was rejected before the network.
    assert.equal((await sb.counters()).totalRequests, before, 'a call with bad options sent a request');
    // Options of any type: a ProveError or (for undefined, null, {} ...) a normal call.
    for (const [label, make] of GARBAGE) {
      await clean(() => client.domain.id({}, make()), `options ${label}`);
      await clean(() => client.identityManager.get({ proveId: 'p' }, { clientRequestId: make() }), `clientRequestId ${label}`);
    }
  });

  test('the client still works after all of the above', async () => {
    const r = await client.domain.id({});
    assert.equal(typeof r, 'object');
  });
});

describe('configuration', () => {
  test('bad configs throw a ProveError synchronously', async () => {
    const base = sb.config();
    const bad = [
      ...GARBAGE.filter(([label]) => !['empty object', 'null prototype', 'unknown fields', 'wrong field types', 'Map', 'Date', 'Error', 'Promise', 'Buffer', 'Uint8Array', 'array', 'empty array', 'large object', 'deep nesting', 'function', 'cyclic', 'throwing toJSON', 'throwing getters', 'hostile Proxy', 'bottomless Proxy'].includes(label)).map(([l, make]) => [l, make]),
      ['clientId number', () => ({ ...base, clientId: 5 })],
      ['clientSecret BigInt', () => ({ ...base, clientSecret: 1n })],
      ['baseUrl garbage', () => ({ ...base, baseUrl: `${MARKER} not a url` })],
      ['baseUrl ftp', () => ({ ...base, baseUrl: `ftp://${MARKER}.example` })],
      ['environment unknown', () => ({ clientId: 'a', clientSecret: 'b', environment: `${MARKER}-env` })],
      ['tokenUrl garbage', () => ({ ...base, tokenUrl: `http://[${MARKER}` })],
      ['timeoutMs NaN', () => ({ ...base, timeoutMs: NaN })],
      ['timeoutMs -1', () => ({ ...base, timeoutMs: -1 })],
      ['timeoutMs string', () => ({ ...base, timeoutMs: '5' })],
      ['timeoutMs huge', () => ({ ...base, timeoutMs: 1e300 })],
      ['connectTimeoutMs Infinity', () => ({ ...base, connectTimeoutMs: Infinity })],
      ['retry string', () => ({ ...base, retry: MARKER })],
      ['retry.maxRetries -1', () => ({ ...base, retry: { maxRetries: -1 } })],
      ['retry.maxRetries 1.5', () => ({ ...base, retry: { maxRetries: 1.5 } })],
      ['retry.initialBackoffMs NaN', () => ({ ...base, retry: { initialBackoffMs: NaN } })],
      ['userAgentSuffix object', () => ({ ...base, userAgentSuffix: {} })],
      ['userAgentSuffix control chars', () => ({ ...base, userAgentSuffix: `${MARKER}\r\nX: y` })],
      ['missing credentials', () => ({ baseUrl: base.baseUrl })],
    ];
    for (const [label, make] of bad) {
      let threw;
      try {
        new ProveClient(make());
      } catch (e) {
        threw = e;
      }
      assert.ok(threw !== undefined, `config ${label}: accepted`);
      assertProveError(threw, `config ${label}`);
    }
  });

  test('a config whose getters throw gives a ProveError', () => {
    for (const make of [GARBAGE.find(([l]) => l === 'throwing getters')[1], GARBAGE.find(([l]) => l === 'hostile Proxy')[1]]) {
      let threw;
      try {
        new ProveClient(make());
      } catch (e) {
        threw = e;
      }
      assertProveError(threw, 'config with throwing getters');
    }
  });

  test('ProveClient.fromEnv with bad options throws a ProveError', async () => {
    for (const [label, make] of GARBAGE.filter(([l]) => !['throwing getters', 'hostile Proxy'].includes(l))) {
      await clean(() => ProveClient.fromEnv(make()), `fromEnv ${label}`);
    }
  });
});

describe('webhooks', () => {
  test('verifyWebhook with garbage arguments throws a WebhookError (or other ProveError)', async () => {
    const good = signTestWebhook('whsec_robustness');
    const args = [...GARBAGE, ['good header', () => good.authorization], ['good body', () => good.body], ['bearer garbage', () => `Bearer ${MARKER}.${MARKER}.${MARKER}`]];
    let n = 0;
    for (const [la, ma] of args) {
      for (const [lb, mb] of [args[n % args.length], ['good body', () => good.body], ['huge', () => 'x'.repeat(5_000_000)]]) {
        for (const [ls, ms] of [['secret', () => 'whsec_robustness'], args[(n * 7) % args.length], ['empty list', () => []], ['list of garbage', () => [1n, null]]]) {
          if (la === 'good header' && lb === 'good body' && ls === 'secret') continue; // a valid delivery
          await rejects(() => verifyWebhook(ma(), mb(), ms()), `verifyWebhook(${la}, ${lb}, ${ls})`);
          n++;
        }
      }
    }
    assert.ok(n > 100);
  });

  test('signTestWebhook with garbage secret or options', async () => {
    const HOSTILE = ['throwing getters', 'hostile Proxy', 'bottomless Proxy'];
    for (const [label, make] of GARBAGE.filter(([l]) => !HOSTILE.includes(l))) {
      const r = await clean(() => signTestWebhook(make()), `signTestWebhook(${label})`);
      if (typeof make() !== 'string') assert.ok('err' in r, `signTestWebhook(${label}) accepted a non-string secret`);
      await clean(() => signTestWebhook('whsec_x', make()), `signTestWebhook(secret, ${label})`);
    }
  });

  test('signTestWebhook with hostile payload or eventType gives a ProveError', async () => {
    const hostile = ['BigInt', 'cyclic', 'throwing getters', 'hostile Proxy', 'throwing toJSON', 'Symbol'];
    for (const label of hostile) {
      const make = GARBAGE.find(([l]) => l === label)[1];
      await clean(() => signTestWebhook('whsec_x', { payload: make() }), `payload ${label}`);
      await clean(() => signTestWebhook('whsec_x', { eventType: make() }), `eventType ${label}`);
    }
    await clean(() => signTestWebhook('whsec_x', GARBAGE.find(([l]) => l === 'throwing getters')[1]()), 'options with throwing getters');
  });
});

describe('burst', () => {
  test('10,000 concurrent garbage calls in a child process: exits 0, bounded memory', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--expose-gc', HELPER, sb.baseUrl, '10000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    assert.equal(signal, null, `child died from ${signal}: ${err.slice(-500)}`);
    assert.equal(code, 0, `child exited ${code}: ${err.slice(-500)}`);
    const tally = JSON.parse(out.trim().split('\n').pop());
    assert.equal(tally.settled, 10_000);
    assert.equal(tally.echoes, 0, 'some error messages echo the input');
    assert.ok(tally.proveErrors > 5_000, JSON.stringify(tally));
    assert.ok(tally.rssMb < 1024, `RSS ${tally.rssMb} MB`);
    assert.equal(tally.others, 0, `untyped rejections: ${JSON.stringify(tally.otherNames)}`);
  });
});
