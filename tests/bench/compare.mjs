// A/B of builds of the prove-sdk package (e.g. the addon built with two Cargo profiles), side by side
// in one process against one release sandbox, with raw node:http as the yardstick:
//
//   node --expose-gc compare.mjs [--seconds 2 --rounds 5 --cold-runs 7 --out FILE] LABEL=DIR LABEL=DIR...
//
// DIR is a package directory laid out like .addon/prove-sdk (lib/, package.json, native/ with the
// addon). Each build gets its own client; with raw http they run the bench's Pre-Fill flow in
// interleaved windows (order rotating each round) with 1 and 64 flows in flight. Printed per build:
// calls/s and CPU µs per call, their ratios vs raw http over all rounds and the range of the per-round
// ratios (a build's window and the http window of the same round), the same against the first build
// named, the cold start (median of fresh processes) and the size of the addon file. Not a test: it
// reports and never fails on a number.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MAX_IN_FLIGHT, makeClients, median, proveSdkClient, runWindow, startSandbox } from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function options() {
  const o = { seconds: 2, rounds: 5, coldRuns: 7, out: undefined, builds: [] };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const [k, v] = [a[i], a[i + 1]];
    if (k === '--seconds') o.seconds = Number(v);
    else if (k === '--rounds') o.rounds = Number(v);
    else if (k === '--cold-runs') o.coldRuns = Number(v);
    else if (k === '--out') o.out = path.resolve(v);
    else if (/^[^-][^=]*=./.test(k)) {
      const [label, dir] = [k.slice(0, k.indexOf('=')), k.slice(k.indexOf('=') + 1)];
      o.builds.push({ label, dir: path.resolve(dir) });
      continue;
    } else throw new Error(`unknown argument ${k} (expected an option or LABEL=DIR)`);
    i++;
  }
  if (o.builds.length === 0) throw new Error('name at least one build as LABEL=DIR');
  if (new Set(o.builds.map((b) => b.label)).size !== o.builds.length) throw new Error('labels must differ');
  return o;
}

function addonBytes(dir) {
  const f = readdirSync(path.join(dir, 'native')).find((n) => n.endsWith('.node'));
  return f ? statSync(path.join(dir, 'native', f)).size : NaN;
}

function coldStart(baseUrl, dir) {
  const r = spawnSync(process.execPath, [path.join(here, 'coldstart.mjs'), 'prove-sdk', baseUrl], { encoding: 'utf8', env: { ...process.env, PROVE_SDK_DIR: dir } });
  if (r.status !== 0) throw new Error(`cold start of ${dir} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)).totalMs;
}

const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

async function main() {
  const o = options();
  const sb = await startSandbox();
  const load0 = os.loadavg().map((x) => +x.toFixed(2));
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model}), node ${process.version}, load ${load0.join(' ')}`);
  console.log(`windows: ${o.seconds} s x ${o.rounds} rounds per client and concurrency, interleaved\n`);

  const clients = [...o.builds.map((b) => proveSdkClient(sb.baseUrl, b.dir, b.label)), ...(await makeClients(sb.baseUrl, ['http']))];
  for (const c of clients) {
    await runWindow(c, MAX_IN_FLIGHT, 1, null);
    await runWindow(c, 1, 0.5, null);
  }

  const results = Object.fromEntries(o.builds.map((b) => [b.label, { dir: b.dir, addonBytes: addonBytes(b.dir) }]));
  for (const conc of [1, MAX_IN_FLIGHT]) {
    const rounds = [];
    for (let r = 0; r < o.rounds; r++) {
      const round = {};
      for (const c of rotate(clients, r)) round[c.name] = await runWindow(c, conc, o.seconds, null);
      const h = round.http;
      const line = o.builds.map(({ label }) => {
        const w = round[label];
        return `${label} ${fmt((w.calls / w.ms) * 1000)}/s ${fmt(w.cpuUs / w.calls, 1)}µs`;
      });
      console.log(`  @${conc} round ${r + 1}: ${line.join(', ')}, http ${fmt((h.calls / h.ms) * 1000)}/s ${fmt(h.cpuUs / h.calls, 1)}µs`);
      rounds.push(round);
    }
    const total = (name) => {
      const t = { calls: 0, ms: 0, cpuUs: 0, errors: 0 };
      for (const round of rounds) for (const k of Object.keys(t)) t[k] += round[name][k];
      return { ...t, callsPerSec: (t.calls / t.ms) * 1000, cpuUsPerCall: t.cpuUs / t.calls };
    };
    const http = total('http');
    for (const { label } of o.builds) {
      const t = total(label);
      const perRound = rounds.map((round) => {
        const [w, h] = [round[label], round.http];
        return { throughput: (w.calls / w.ms) / (h.calls / h.ms), cpu: (w.cpuUs / w.calls) / (h.cpuUs / h.calls) };
      });
      results[label][`c${conc}`] = {
        ...t,
        throughputVsHttp: t.callsPerSec / http.callsPerSec,
        cpuVsHttp: t.cpuUsPerCall / http.cpuUsPerCall,
        perRoundVsHttp: perRound,
        http: { callsPerSec: http.callsPerSec, cpuUsPerCall: http.cpuUsPerCall },
      };
    }
    // Each later build against the first, directly: over all rounds and per round.
    const first = o.builds[0].label;
    const f = results[first][`c${conc}`];
    for (const { label } of o.builds.slice(1)) {
      const x = results[label][`c${conc}`];
      x.vsFirst = {
        throughput: x.callsPerSec / f.callsPerSec,
        cpu: x.cpuUsPerCall / f.cpuUsPerCall,
        perRound: rounds.map((round) => {
          const [w, v] = [round[label], round[first]];
          return { throughput: (w.calls / w.ms) / (v.calls / v.ms), cpu: (w.cpuUs / w.calls) / (v.cpuUs / v.calls) };
        }),
      };
    }
  }
  for (const c of clients) c.close?.();

  console.log('cold starts (fresh processes)...');
  const cold = Object.fromEntries(o.builds.map((b) => [b.label, []]));
  for (let i = 0; i < o.coldRuns; i++) for (const b of rotate(o.builds, i)) cold[b.label].push(coldStart(sb.baseUrl, b.dir));
  for (const b of o.builds) results[b.label].coldStartMedianMs = median(cold[b.label]);
  await sb.stop();

  const range = (xs) => `${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}`;
  console.log('\nvs raw http: ratio over all rounds [range of the per-round ratios]');
  for (const { label } of o.builds) {
    const r = results[label];
    const cells = [1, MAX_IN_FLIGHT].map((c) => {
      const x = r[`c${c}`];
      return `@${c} throughput ${fmt(x.throughputVsHttp, 2)}x [${range(x.perRoundVsHttp.map((p) => p.throughput))}], CPU ${fmt(x.cpuVsHttp, 2)}x [${range(x.perRoundVsHttp.map((p) => p.cpu))}]`;
    });
    console.log(`  ${label}: addon ${fmt(r.addonBytes / 1e6, 2)} MB, cold start ${fmt(r.coldStartMedianMs, 1)} ms`);
    for (const cell of cells) console.log(`    ${cell}`);
  }
  if (o.builds.length > 1) {
    console.log(`\nvs ${o.builds[0].label}: ratio over all rounds [range of the per-round ratios]`);
    for (const { label } of o.builds.slice(1)) {
      for (const c of [1, MAX_IN_FLIGHT]) {
        const v = results[label][`c${c}`].vsFirst;
        console.log(`  ${label} @${c}: throughput ${fmt(v.throughput, 2)}x [${range(v.perRound.map((p) => p.throughput))}], CPU ${fmt(v.cpu, 2)}x [${range(v.perRound.map((p) => p.cpu))}]`);
      }
    }
  }
  const load1 = os.loadavg().map((x) => +x.toFixed(2));
  console.log(`\nload average at start ${load0.join(' ')}, at end ${load1.join(' ')}`);
  if (o.out) {
    mkdirSync(path.dirname(o.out), { recursive: true });
    writeFileSync(o.out, JSON.stringify({ date: new Date().toISOString(), loadavgAtStart: load0, loadavgAtEnd: load1, options: { ...o, out: undefined, builds: undefined }, results }, null, 2) + '\n');
    console.log(`results written to ${path.relative(process.cwd(), o.out)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
