// Instructions per call of builds of the prove-sdk package, counted by valgrind (cachegrind without
// the cache simulation), so the number does not move with the machine's load the way time does:
//
//   node instructions.mjs [--flows 200,1200] [--in-flight 1] LABEL=DIR... [http]
//
// For each build (a package directory laid out like .addon/prove-sdk; `http` is the raw node:http
// client) a fresh `node` runs under valgrind twice, making the bench's Pre-Fill flow (4 calls) the
// two numbers of times given by --flows against a release sandbox (a separate process, not counted);
// the difference of the two totals over the difference of calls is the user-space instructions per
// call of the whole process (every thread: JS, the addon's runtime, libuv), start-up and warm-up
// excluded. Under valgrind the threads run one at a time, and instructions are not time: cache
// misses, system calls and thread wake-ups do not show. Use it beside compare.mjs, not instead.
// Needs valgrind on PATH. Not a test: it reports and never fails on a number.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { makeClients, proveSdkClient, startSandbox } from './common.mjs';

const here = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  // node instructions.mjs --child <DIR|http> <flows> <in-flight>
  const [, , , dir, flows, inFlight] = process.argv;
  const sb = await startSandbox();
  const client = dir === 'http' ? (await makeClients(sb.baseUrl, ['http']))[0] : proveSdkClient(sb.baseUrl, dir);
  let left = Number(flows);
  const worker = async () => {
    while (left-- > 0) await client.flow(null);
  };
  await Promise.all(Array.from({ length: Number(inFlight) }, worker));
  client.close?.();
  await sb.stop();
} else {
  const o = { flows: [200, 1200], inFlight: 1, builds: [] };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--flows') o.flows = a[++i].split(',').map(Number);
    else if (a[i] === '--in-flight') o.inFlight = Number(a[++i]);
    else if (a[i] === 'http') o.builds.push({ label: 'http', dir: 'http' });
    else if (/^[^-][^=]*=./.test(a[i])) o.builds.push({ label: a[i].slice(0, a[i].indexOf('=')), dir: path.resolve(a[i].slice(a[i].indexOf('=') + 1)) });
    else throw new Error(`unknown argument ${a[i]} (expected --flows N1,N2, --in-flight N, LABEL=DIR or http)`);
  }
  if (o.builds.length === 0 || o.flows.length !== 2 || !(o.flows[1] > o.flows[0])) throw new Error('usage: node instructions.mjs [--flows N1,N2] [--in-flight N] LABEL=DIR... [http]');
  if (spawnSync('valgrind', ['--version']).status !== 0) throw new Error('valgrind is not on PATH');

  const count = (dir, flows) => {
    const r = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, here, '--child', dir, String(flows), String(o.inFlight)], { encoding: 'utf8' });
    const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`valgrind run of ${dir} failed:\n${r.stderr.slice(-2000)}`);
    return Number(m[1].replaceAll(',', ''));
  };
  console.log(`instructions per call, ${o.inFlight} flow(s) in flight, ${o.flows[0]} vs ${o.flows[1]} flows (4 calls each)`);
  for (const b of o.builds) {
    const [i0, i1] = o.flows.map((n) => count(b.dir, n));
    const perCall = (i1 - i0) / ((o.flows[1] - o.flows[0]) * 4);
    console.log(`  ${b.label}: ${Math.round(perCall).toLocaleString('en-US')}`);
  }
}
