// Where one client's CPU goes, per thread: `node threadcpu.mjs <client> [in-flight] [seconds]`
// (client: prove-sdk, official, fetch or http; defaults 1 and 4). Runs Pre-Fill flows against a
// fresh release sandbox and prints the CPU per call of each thread of this process, grouped by
// thread name (`node` is the JS thread, `tokio-rt-worker` the addon's runtime), from
// /proc/self/task/*/stat (Linux only). Not a test: it measures and prints.
import { readdirSync, readFileSync } from 'node:fs';

import { makeClients, startSandbox } from './common.mjs';

const [name = 'prove-sdk', inFlight = '1', seconds = '4'] = process.argv.slice(2);
const concurrency = Number(inFlight);
const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** CPU µs so far of each live thread, keyed "tid:name". */
function threads() {
  const out = {};
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const comm = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
      out[`${tid}:${comm}`] = (Number(f[11]) + Number(f[12])) * TICK_US; // utime + stime
    } catch {
      // the thread exited between the listing and the read
    }
  }
  return out;
}

const sb = await startSandbox();
const [client] = await makeClients(sb.baseUrl, [name]);
if (!client) throw new Error(`unknown client ${name}`);
for (let i = 0; i < 300; i++) await client.flow(null); // warm-up
const before = threads();
const deadline = performance.now() + Number(seconds) * 1000;
let calls = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      await client.flow(null);
      calls += 4;
    }
  }),
);
const after = threads();
const byName = {};
for (const [key, us] of Object.entries(after)) {
  const comm = key.slice(key.indexOf(':') + 1);
  byName[comm] = (byName[comm] ?? 0) + us - (before[key] ?? 0);
}
const parts = Object.entries(byName)
  .filter(([, us]) => us > 0)
  .map(([comm, us]) => `${comm} ${(us / calls).toFixed(0)} µs`);
console.log(`${name} @${concurrency}: ${calls} calls; CPU per call by thread: ${parts.join(', ')}`);
client.close?.();
await sb.stop();
process.exit(0);
