// The package as a runtime component: ESM and CommonJS entry points, worker_threads, exiting with
// calls in flight, the TypeScript declarations. The packed packages installed elsewhere:
// packaging.test.mjs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Worker } from 'node:worker_threads';

import * as esm from 'prove-sdk';
import { PKG_ROOT, startSandbox } from './helpers/sandbox.mjs';

const require = createRequire(import.meta.url);

let sb;
before(async () => {
  sb = await startSandbox();
});
after(() => sb.stop());

/** Runs `node -e script` and resolves with its exit code, signal, output and duration. */
function runNode(script, { cwd = PKG_ROOT, timeoutMs = 30_000, args = [] } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [...args, '-e', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

test('ESM import and CommonJS require expose the same API', async () => {
  const cjs = require('prove-sdk');
  assert.equal(esm.ProveClient, cjs.ProveClient, 'one module instance behind both entry points');
  for (const name of ['ProveClient', 'ProveError', 'ValidationError', 'AuthError', 'RateLimitedError', 'StepOutOfOrderError', 'NotFoundError',
    'ApiError', 'TimeoutError', 'TransportError', 'DecodeError', 'WebhookError', 'verifyWebhook', 'signTestWebhook', 'setLogger', 'methods']) {
    assert.ok(esm[name], `ESM export ${name}`);
    assert.ok(cjs[name], `CJS export ${name}`);
  }
  assert.equal(esm.default.ProveClient, esm.ProveClient);
  const viaCjs = await new cjs.ProveClient(sb.config()).flow.start({ flowType: 'mobile', phoneNumber: '2001001695' });
  const viaEsm = await new esm.ProveClient(sb.config()).flow.start({ flowType: 'mobile', phoneNumber: '2001001695' });
  assert.notEqual(viaCjs.correlationId, viaEsm.correlationId);
  // A plain CommonJS process (no ESM loader involved).
  const r = await runNode(`const { ProveClient } = require('prove-sdk');
    new ProveClient(${JSON.stringify(sb.config())}).domain.id().then((x) => console.log(typeof x));`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'object');
});

test('works inside worker_threads, several at once, alongside the main thread', async () => {
  const script = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { ProveClient, StepOutOfOrderError } = require(${JSON.stringify(path.join(PKG_ROOT, 'lib', 'index.cjs'))});
    (async () => {
      const client = new ProveClient(workerData.config);
      const s = await client.flow.start({ flowType: 'mobile', phoneNumber: '2001004000' });
      const v = await client.flow.validate({ correlationId: s.correlationId });
      const done = await client.flow.complete({ correlationId: s.correlationId, individual: { firstName: 'Martina', lastName: 'Goodram' } });
      const late = await client.flow.validate({ correlationId: s.correlationId }).catch((e) => e);
      parentPort.postMessage({ v: v.success, done: done.success, classOk: late instanceof StepOutOfOrderError });
    })().catch((e) => parentPort.postMessage({ error: String(e) }));`;
  const runWorker = () =>
    new Promise((resolve, reject) => {
      const w = new Worker(script, { eval: true, workerData: { config: sb.config() } });
      w.once('message', resolve);
      w.once('error', reject);
    });
  const main = new esm.ProveClient(sb.config()).domain.id();
  const results = await Promise.all([runWorker(), runWorker(), runWorker()]);
  assert.equal(typeof (await main), 'object');
  for (const r of results) assert.deepEqual(r, { v: true, done: true, classOk: true });
});

test('a worker terminated with calls in flight ends cleanly', async () => {
  await sb.fault({ kind: 'latency', ms: 3000, path: '/v3/domain/id' });
  try {
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { ProveClient } = require(${JSON.stringify(path.join(PKG_ROOT, 'lib', 'index.cjs'))});
      const client = new ProveClient(workerData.config);
      for (let i = 0; i < 20; i++) client.domain.id().catch(() => {});
      setTimeout(() => parentPort.postMessage('in flight'), 200);`;
    const w = new Worker(script, { eval: true, workerData: { config: sb.config() } });
    await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    const t0 = Date.now();
    await w.terminate();
    assert.ok(Date.now() - t0 < 2000, 'terminate did not wait for the calls');
    // The main thread's addon instance keeps working.
    await sb.clearFaults();
    assert.equal(typeof (await new esm.ProveClient(sb.config()).domain.id()), 'object');
  } finally {
    await sb.clearFaults();
  }
});

test('a process exits promptly and cleanly with calls in flight', async () => {
  await sb.fault({ kind: 'latency', ms: 5000, path: '/v3/domain/id' });
  try {
    const common = `const { ProveClient } = require('prove-sdk');
      const client = new ProveClient(${JSON.stringify(sb.config())});
      let n = 0;
      for (let i = 0; i < 50; i++) client.domain.id().then(() => n++, () => n++);`;
    // Explicit exit while 50 calls wait on the sandbox.
    const exited = await runNode(`${common} setTimeout(() => process.exit(0), 300);`);
    assert.equal(exited.signal, null, exited.stderr);
    assert.equal(exited.code, 0, exited.stderr);
    assert.ok(exited.ms < 4000, `exit took ${exited.ms} ms`);
    assert.doesNotMatch(exited.stderr, /panic|abort|Segmentation|FATAL/i);
    // An uncaught exception with calls in flight exits with Node's usual code, without a crash.
    const thrown = await runNode(`${common} setTimeout(() => { throw new Error('boom'); }, 300);`);
    assert.equal(thrown.signal, null, thrown.stderr);
    assert.equal(thrown.code, 1);
    assert.ok(thrown.ms < 4000, `exit took ${thrown.ms} ms`);
    assert.doesNotMatch(thrown.stderr, /panic|Segmentation|FATAL/i);
  } finally {
    await sb.clearFaults();
  }
});

test('the TypeScript declarations type-check a usage file (tsc --noEmit)', () => {
  const tsc = path.join(PKG_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join('test', 'types', 'tsconfig.json')], { cwd: PKG_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
