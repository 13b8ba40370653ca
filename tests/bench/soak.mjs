// Soak: 100,000 calls through prove-sdk against the release sandbox, with the process's resident set
// size (RSS) sampled after a warm-up and again at the end, each after a forced GC.
//
//   npm run soak [-- --calls 100000 --concurrency 32 --out results/soak.json]
//
// The calls are Pre-Fill flows (start → validate → challenge → complete, 4 calls) for Milo. Target:
// RSS growth under 5 MB. Not a test: it reports, it does not fail on the number.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { makeClients, sdkDir, startSandbox } from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const o = { calls: 100_000, concurrency: 32, warmup: 10_000, out: path.join(here, 'results', 'soak.json') };
const a = process.argv.slice(2);
for (let i = 0; i < a.length; i += 2) {
  if (a[i] === '--calls') o.calls = Number(a[i + 1]);
  else if (a[i] === '--concurrency') o.concurrency = Number(a[i + 1]);
  else if (a[i] === '--warmup') o.warmup = Number(a[i + 1]);
  else if (a[i] === '--out') o.out = path.resolve(a[i + 1]);
  else throw new Error(`unknown option ${a[i]}`);
}
if (typeof globalThis.gc !== 'function') console.warn('run with --expose-gc (npm run soak does) for a settled RSS');

const MB = 1024 * 1024;
async function settledMemory() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(100);
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** Runs flows (4 calls each) on `concurrency` workers until `calls` calls are done. */
async function run(client, calls, concurrency, onProgress) {
  let started = 0;
  let done = 0;
  let errors = 0;
  const worker = async () => {
    while (started < calls) {
      started += 4;
      try {
        await client.flow(null);
      } catch {
        errors += 1;
      }
      done += 4;
      if (onProgress && done % 10_000 === 0) await onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { done, errors };
}

const sb = await startSandbox();
const [client] = await makeClients(sb.baseUrl, ['prove-sdk']);
console.log(`soak: ${o.calls} calls through prove-sdk (${sdkDir()}), ${o.concurrency} in flight, ${os.cpus().length} cores, node ${process.version}`);

await run(client, o.warmup, o.concurrency);
const before = await settledMemory();
console.log(`after ${o.warmup} warm-up calls: RSS ${(before.rss / MB).toFixed(1)} MB, heap ${(before.heapUsed / MB).toFixed(1)} MB`);

const samples = [];
const t0 = performance.now();
const { done, errors } = await run(client, o.calls, o.concurrency, async (n) => {
  const rss = process.memoryUsage().rss;
  samples.push({ calls: n, rssMb: +(rss / MB).toFixed(2) });
  if (n % 20_000 === 0) console.log(`  ${n} calls, RSS ${(rss / MB).toFixed(1)} MB`);
});
const seconds = (performance.now() - t0) / 1000;
const after = await settledMemory();
await sb.stop();

const growthMb = (after.rss - before.rss) / MB;
console.log(`after ${done} calls (${errors} failed flows, ${(done / seconds).toFixed(0)} calls/s): RSS ${(after.rss / MB).toFixed(1)} MB, heap ${(after.heapUsed / MB).toFixed(1)} MB`);
console.log(`RSS growth: ${growthMb.toFixed(2)} MB (target < 5 MB: ${growthMb < 5 ? 'met' : 'MISSED'})`);

mkdirSync(path.dirname(o.out), { recursive: true });
writeFileSync(
  o.out,
  JSON.stringify({ date: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, options: { ...o, out: undefined }, calls: done, errors, seconds, before, after, rssGrowthMb: growthMb, samples }, null, 2) + '\n',
);
console.log(`results written to ${path.relative(process.cwd(), o.out)}`);
