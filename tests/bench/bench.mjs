// Benchmark: prove-sdk vs Prove's official TypeScript SDK (@prove-identity/prove-api 0.9.6) vs raw
// fetch vs raw node:http (keep-alive Agent), side by side in one process against one release build
// of the sandbox emulator.
//
//   npm run bench [-- --seconds 2 --rounds 3 --cold-runs 7 --stampede 1000 --out results/latest.json]
//
// Work: the Pre-Fill flow start → validate → challenge → complete for the short-term user Milo
// (4 calls), repeated by 1 or 64 concurrent workers for `seconds` per window. Windows of the four
// clients are interleaved (the order rotates each round) and a GC runs before each. CPU per call is
// this process's process.cpuUsage() delta (user + system, every thread, so the addon's I/O threads
// count) divided by the calls; the sandbox is another process and its CPU is not included.
// This is not a test: it never fails on numbers. Results are noisy on a shared 2-core machine.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MAX_IN_FLIGHT, makeClients, median, quantile, runWindow, sdkDir, startSandbox } from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const NAMES = ['prove-sdk', 'official', 'fetch', 'http'];

function options() {
  const o = { seconds: 2, rounds: 3, coldRuns: 7, stampede: 1000, out: path.join(here, 'results', 'latest.json') };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    const [k, v] = [a[i], a[i + 1]];
    if (k === '--seconds') o.seconds = Number(v);
    else if (k === '--rounds') o.rounds = Number(v);
    else if (k === '--cold-runs') o.coldRuns = Number(v);
    else if (k === '--stampede') o.stampede = Number(v);
    else if (k === '--out') o.out = path.resolve(v);
    else throw new Error(`unknown option ${k}`);
  }
  return o;
}

/** Token requests made by `n` concurrent first calls of a fresh client (cold token cache). */
async function stampede(sb, name, n) {
  await sb.resetCounters();
  const [client] = await makeClients(sb.baseUrl, [name]); // raw fetch/http fetch their one token here
  const results = await Promise.allSettled(Array.from({ length: n }, () => client.start()));
  const failed = results.filter((r) => r.status === 'rejected').length;
  client.close?.();
  const { tokenRequests } = await sb.counters();
  return { tokenRequests, failed };
}

function coldStart(baseUrl, name) {
  const r = spawnSync(process.execPath, [path.join(here, 'coldstart.mjs'), name, baseUrl], { encoding: 'utf8', env: { ...process.env, PROVE_SDK_DIR: sdkDir() } });
  if (r.status !== 0) throw new Error(`cold start of ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

async function main() {
  const o = options();
  const sb = await startSandbox();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavgAtStart: os.loadavg().map((x) => +x.toFixed(2)),
  };
  console.log(`machine: ${machine.cpus} cores (${machine.cpuModel}), node ${machine.node}, load ${machine.loadavgAtStart.join(' ')}`);
  console.log(`sandbox: release build, ${sb.baseUrl}; prove-sdk from ${sdkDir()}`);
  console.log(`windows: ${o.seconds} s x ${o.rounds} rounds per client and concurrency, interleaved\n`);

  const clients = await makeClients(sb.baseUrl);
  console.log('warming up...');
  for (const c of clients) {
    await runWindow(c, 64, 1, null);
    await runWindow(c, 1, 0.5, null);
  }

  const results = {};
  for (const c of clients) results[c.name] = {};
  for (const conc of [1, MAX_IN_FLIGHT]) {
    const acc = Object.fromEntries(clients.map((c) => [c.name, { calls: 0, ms: 0, cpuUs: 0, errors: 0, lat: [] }]));
    for (let r = 0; r < o.rounds; r++) {
      for (const c of rotate(clients, r)) {
        const a = acc[c.name];
        const w = await runWindow(c, conc, o.seconds, a.lat);
        a.calls += w.calls;
        a.ms += w.ms;
        a.cpuUs += w.cpuUs;
        a.errors += w.errors;
        console.log(`  concurrency ${String(conc).padStart(2)} round ${r + 1} ${c.name.padEnd(9)} ${fmt((w.calls / w.ms) * 1000)} calls/s, ${fmt(w.cpuUs / w.calls, 1)} µs CPU/call`);
      }
    }
    for (const [name, a] of Object.entries(acc)) {
      const lat = a.lat.sort((x, y) => x - y);
      results[name][`c${conc}`] = {
        calls: a.calls,
        callsPerSec: (a.calls / a.ms) * 1000,
        cpuUsPerCall: a.cpuUs / a.calls,
        p50Ms: quantile(lat, 0.5),
        p99Ms: quantile(lat, 0.99),
        errors: a.errors,
      };
    }
  }

  for (const c of clients) c.close?.();

  console.log('cold starts (fresh processes)...');
  const cold = Object.fromEntries(NAMES.map((n) => [n, []]));
  for (let i = 0; i < o.coldRuns; i++) for (const n of rotate(NAMES, i)) cold[n].push(coldStart(sb.baseUrl, n));
  for (const n of NAMES) {
    results[n].coldStart = {
      runs: o.coldRuns,
      medianTotalMs: median(cold[n].map((x) => x.totalMs)),
      medianLoadMs: median(cold[n].map((x) => x.loadMs)),
      medianFirstCallMs: median(cold[n].map((x) => x.firstCallMs)),
      medianSinceProcessStartMs: median(cold[n].map((x) => x.sinceProcessStartMs)),
    };
  }

  console.log(`token requests of ${o.stampede} concurrent calls on a cold cache...`);
  for (const n of NAMES) results[n].stampede = { calls: o.stampede, ...(await stampede(sb, n, o.stampede)) };
  await sb.stop();

  // ---- report ----
  const ours = results['prove-sdk'];
  const off = results.official;
  const raw = results.fetch;
  const rawHttp = results.http;
  const rows = [];
  const row = (label, key, d) => {
    const v = (r) => key(r);
    const ratio = (r) => fmt(v(ours) / v(r), 2) + 'x';
    rows.push([label, fmt(v(ours), d), fmt(v(off), d), fmt(v(raw), d), fmt(v(rawHttp), d), ratio(off), ratio(raw), ratio(rawHttp)]);
  };
  for (const c of [1, MAX_IN_FLIGHT]) {
    row(`throughput, calls/s @${c}`, (r) => r[`c${c}`].callsPerSec, 0);
    row(`client CPU µs/call @${c}`, (r) => r[`c${c}`].cpuUsPerCall, 1);
    row(`latency p50 ms @${c}`, (r) => r[`c${c}`].p50Ms, 2);
    row(`latency p99 ms @${c}`, (r) => r[`c${c}`].p99Ms, 2);
  }
  row('cold start ms (load + first call, median)', (r) => r.coldStart.medianTotalMs, 1);
  row(`token requests (${o.stampede} concurrent, cold)`, (r) => r.stampede.tokenRequests, 0);
  const head = ['', 'prove-sdk', 'official 0.9.6', 'raw fetch', 'raw http', 'vs official', 'vs fetch', 'vs http'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('\n' + line(head));
  for (const r of rows) console.log(line(r));

  const targets = {
    throughputVsOfficial: { target: '>= 2x', c1: ours.c1.callsPerSec / off.c1.callsPerSec, c64: ours.c64.callsPerSec / off.c64.callsPerSec },
    cpuVsOfficial: { target: '<= 0.5x', c1: ours.c1.cpuUsPerCall / off.c1.cpuUsPerCall, c64: ours.c64.cpuUsPerCall / off.c64.cpuUsPerCall },
    throughputVsFetch: { target: '>= 0.9x', c1: ours.c1.callsPerSec / raw.c1.callsPerSec, c64: ours.c64.callsPerSec / raw.c64.callsPerSec },
    // No target: node:http with a keep-alive Agent is the cheapest plain-JS client, shown for reference.
    throughputVsHttp: { target: 'none (reference)', c1: ours.c1.callsPerSec / rawHttp.c1.callsPerSec, c64: ours.c64.callsPerSec / rawHttp.c64.callsPerSec },
    cpuVsHttp: { target: 'none (reference)', c1: ours.c1.cpuUsPerCall / rawHttp.c1.cpuUsPerCall, c64: ours.c64.cpuUsPerCall / rawHttp.c64.cpuUsPerCall },
    tokenRequests: { target: 'exactly 1', value: ours.stampede.tokenRequests },
  };
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  console.log('\ntargets (prove-sdk):');
  console.log(`  throughput >= 2x official:   @1 ${fmt(targets.throughputVsOfficial.c1, 2)}x, @64 ${fmt(targets.throughputVsOfficial.c64, 2)}x  ${verdict(Math.min(targets.throughputVsOfficial.c1, targets.throughputVsOfficial.c64) >= 2)}`);
  console.log(`  CPU/call <= 0.5x official:   @1 ${fmt(targets.cpuVsOfficial.c1, 2)}x, @64 ${fmt(targets.cpuVsOfficial.c64, 2)}x  ${verdict(Math.max(targets.cpuVsOfficial.c1, targets.cpuVsOfficial.c64) <= 0.5)}`);
  console.log(`  throughput >= 0.9x fetch:    @1 ${fmt(targets.throughputVsFetch.c1, 2)}x, @64 ${fmt(targets.throughputVsFetch.c64, 2)}x  ${verdict(Math.min(targets.throughputVsFetch.c1, targets.throughputVsFetch.c64) >= 0.9)}`);
  console.log(`  token requests == 1:         ${targets.tokenRequests.value}  ${verdict(targets.tokenRequests.value === 1)}`);
  console.log('reference, no target (prove-sdk vs raw node:http + keep-alive Agent):');
  console.log(`  throughput:                  @1 ${fmt(targets.throughputVsHttp.c1, 2)}x, @64 ${fmt(targets.throughputVsHttp.c64, 2)}x`);
  console.log(`  CPU/call:                    @1 ${fmt(targets.cpuVsHttp.c1, 2)}x, @64 ${fmt(targets.cpuVsHttp.c64, 2)}x`);
  console.log('\nnote: one shared 2-core machine runs the client and the sandbox; expect run-to-run noise of 10-20 %.');

  machine.loadavgAtEnd = os.loadavg().map((x) => +x.toFixed(2));
  const report = { date: new Date().toISOString(), machine, options: { ...o, out: undefined }, workload: 'Pre-Fill start→validate→challenge→complete (Milo 2001001695), 4 calls per flow', results, targets, coldStartRuns: cold };
  mkdirSync(path.dirname(o.out), { recursive: true });
  writeFileSync(o.out, JSON.stringify(report, null, 2) + '\n');
  console.log(`results written to ${path.relative(process.cwd(), o.out)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
