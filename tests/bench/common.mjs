// Shared pieces of the benchmark and the soak: locating the release sandbox and the release build
// of prove-sdk, starting the sandbox, and the four clients measured side by side.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The workspace root. */
export const REPO_ROOT = path.resolve(here, '..', '..');
/** The package copy loading the release addon, assembled by prepare.mjs. */
export const RELEASE_PKG = path.join(here, '.addon', 'prove-sdk');
export const CLIENT_ID = 'prove-sandbox-client';
export const CLIENT_SECRET = 'prove-sandbox-secret';

/** Milo Pinson, the sandbox's short-term Pre-Fill user (no possession step needed). */
export const MILO = { phoneNumber: '2001001695', dob: '1981-01-17' };

/** The prove-sdk directory measured: PROVE_SDK_DIR, else the release copy. */
export function sdkDir() {
  return process.env.PROVE_SDK_DIR ? path.resolve(process.env.PROVE_SDK_DIR) : RELEASE_PKG;
}

/** Loads prove-sdk (CommonJS entry) from the package at `dir` (default sdkDir()). */
export function loadProveSdk(dir = sdkDir()) {
  return createRequire(import.meta.url)(path.join(dir, 'lib', 'index.cjs'));
}

/**
 * The release sandbox binary: PROVE_SANDBOX_BIN, else target/release/prove-sandbox, or
 * target/$CARGO_BUILD_TARGET/release/prove-sandbox when that is set (built when missing).
 */
export function sandboxBinary() {
  if (process.env.PROVE_SANDBOX_BIN) return process.env.PROVE_SANDBOX_BIN;
  const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR) : path.join(REPO_ROOT, 'target');
  const bin = path.join(targetDir, process.env.CARGO_BUILD_TARGET ?? '', 'release', 'prove-sandbox');
  if (!existsSync(bin)) {
    const r = spawnSync('cargo', ['build', '--release', '-p', 'prove-sandbox'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('cargo build --release -p prove-sandbox failed');
  }
  return bin;
}

/** Starts the sandbox; resolves to { baseUrl, control(method, route, body), stop() }. */
export async function startSandbox(args = []) {
  const child = spawn(sandboxBinary(), ['--port', '0', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout });
  const baseUrl = await new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      const m = /^prove-sandbox listening on (http:\/\/\S+)$/.exec(line.trim());
      if (m) resolve(m[1]);
      else reject(new Error('unexpected first line from prove-sandbox'));
    });
    child.once('exit', (code) => reject(new Error(`prove-sandbox exited with ${code}`)));
  });
  lines.on('line', () => {});
  async function control(method, route, body) {
    const res = await fetch(`${baseUrl}/sandbox/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`sandbox ${route}: ${res.status}`);
    return res.json();
  }
  return {
    baseUrl,
    pid: child.pid,
    control,
    counters: () => control('GET', 'counters'),
    resetCounters: () => control('POST', 'counters/reset', {}),
    stop: () => new Promise((r) => {
      if (child.exitCode !== null) return r();
      child.once('exit', r);
      child.kill('SIGTERM');
    }),
  };
}

/** Most flows the benchmark keeps in flight; the raw-http client's socket pool is sized to it. */
export const MAX_IN_FLIGHT = 64;

/**
 * A prove-sdk client (as in makeClients) from the package at `dir` (default sdkDir()), named `name`:
 * the compare script builds one per build of the package, side by side in one process.
 */
export function proveSdkClient(baseUrl, dir = sdkDir(), name = 'prove-sdk') {
  const { ProveClient } = loadProveSdk(dir);
  const c = new ProveClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl });
  return {
    name,
    start: () => c.flow.start({ flowType: 'mobile', phoneNumber: MILO.phoneNumber }),
    async flow(lat) {
      let t = performance.now();
      const s = await c.flow.start({ flowType: 'mobile', phoneNumber: MILO.phoneNumber });
      t = lap(lat, t);
      const v = await c.flow.validate({ correlationId: s.correlationId });
      t = lap(lat, t);
      if (!v.success) throw new Error('validate failed');
      const ch = await c.flow.challenge({ correlationId: s.correlationId, dob: MILO.dob });
      t = lap(lat, t);
      const done = await c.flow.complete({ correlationId: s.correlationId, individual: ch.individual });
      lap(lat, t);
      if (!done.success) throw new Error('complete failed');
    },
  };
}

/**
 * The four clients under test, each as { name, start(), flow() }: `start` makes one `/v3/start`
 * call, `flow` runs Pre-Fill start → validate → challenge → complete for Milo (4 calls). Each
 * checks the answers it needs, so a failing client cannot look fast. `only` restricts the list to
 * the named clients; `close()`, where present, releases the client's sockets.
 */
export async function makeClients(baseUrl, only) {
  const clients = [];
  const want = (n) => !only || only.includes(n);

  if (want('prove-sdk')) clients.push(proveSdkClient(baseUrl));

  if (want('official')) {
    const { Proveapi } = await import('@prove-identity/prove-api');
    const sdk = new Proveapi({ serverURL: baseUrl, security: { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    clients.push({
      name: 'official',
      start: () => sdk.v3.v3StartRequest({ flowType: 'mobile', phoneNumber: MILO.phoneNumber }),
      async flow(lat) {
        let t = performance.now();
        const s = (await sdk.v3.v3StartRequest({ flowType: 'mobile', phoneNumber: MILO.phoneNumber })).v3StartResponse;
        t = lap(lat, t);
        const v = (await sdk.v3.v3ValidateRequest({ correlationId: s.correlationId })).v3ValidateResponse;
        t = lap(lat, t);
        if (!v.success) throw new Error('validate failed');
        const ch = (await sdk.v3.v3ChallengeRequest({ correlationId: s.correlationId, dob: MILO.dob })).v3ChallengeResponse;
        t = lap(lat, t);
        const done = (await sdk.v3.v3CompleteRequest({ correlationId: s.correlationId, individual: ch.individual })).v3CompleteResponse;
        lap(lat, t);
        if (!done.success) throw new Error('complete failed');
      },
    });
  }

  if (want('fetch')) {
    // Raw fetch: the token is fetched once, up front; every call is one fetch + JSON parse.
    let auth;
    const token = async () => {
      const res = await fetch(`${baseUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
      });
      if (!res.ok) throw new Error(`token: ${res.status}`);
      auth = `Bearer ${(await res.json()).access_token}`;
    };
    const post = async (p, body) => {
      const res = await fetch(baseUrl + p, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`${p}: ${res.status}`);
      return json;
    };
    await token();
    clients.push({
      name: 'fetch',
      token,
      start: () => post('/v3/start', { flowType: 'mobile', phoneNumber: MILO.phoneNumber }),
      async flow(lat) {
        let t = performance.now();
        const s = await post('/v3/start', { flowType: 'mobile', phoneNumber: MILO.phoneNumber });
        t = lap(lat, t);
        const v = await post('/v3/validate', { correlationId: s.correlationId });
        t = lap(lat, t);
        if (!v.success) throw new Error('validate failed');
        const ch = await post('/v3/challenge', { correlationId: s.correlationId, dob: MILO.dob });
        t = lap(lat, t);
        const done = await post('/v3/complete', { correlationId: s.correlationId, individual: ch.individual });
        lap(lat, t);
        if (!done.success) throw new Error('complete failed');
      },
    });
  }
  if (want('http')) {
    // Raw node:http: a keep-alive Agent whose pool holds one socket per flow in flight (with one
    // flow in flight a single socket is reused), the base URL parsed once, the token fetched once
    // up front, and per call one request + JSON.stringify/JSON.parse, nothing else.
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
    const send = httpPoster(http, agent, baseUrl);
    let auth;
    const token = async () => {
      const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }).toString();
      const { status, json } = await send('/token', 'application/x-www-form-urlencoded', body, {});
      if (status !== 200) throw new Error(`token: ${status}`);
      auth = `Bearer ${json.access_token}`;
    };
    const post = async (p, body) => {
      const { status, json } = await send(p, 'application/json', JSON.stringify(body), { authorization: auth, accept: 'application/json' });
      if (status < 200 || status > 299) throw new Error(`${p}: ${status}`);
      return json;
    };
    await token();
    clients.push({
      name: 'http',
      token,
      close: () => agent.destroy(),
      start: () => post('/v3/start', { flowType: 'mobile', phoneNumber: MILO.phoneNumber }),
      async flow(lat) {
        let t = performance.now();
        const s = await post('/v3/start', { flowType: 'mobile', phoneNumber: MILO.phoneNumber });
        t = lap(lat, t);
        const v = await post('/v3/validate', { correlationId: s.correlationId });
        t = lap(lat, t);
        if (!v.success) throw new Error('validate failed');
        const ch = await post('/v3/challenge', { correlationId: s.correlationId, dob: MILO.dob });
        t = lap(lat, t);
        const done = await post('/v3/complete', { correlationId: s.correlationId, individual: ch.individual });
        lap(lat, t);
        if (!done.success) throw new Error('complete failed');
      },
    });
  }
  return clients;
}

/**
 * A raw `node:http` POST client for `baseUrl` on `agent`, `http` being the `node:http` module (passed
 * in, so that importing this file does not load it and the cold start of the raw-http client counts
 * it): the URL is parsed once here, and each
 * `post(path, contentType, body, headers)` sends `body` (a string) with `contentType` and the extra
 * `headers`, reads the whole response as UTF-8 and parses it as JSON, resolving to
 * { status, json }. A body that is not JSON rejects.
 */
export function httpPoster(http, agent, baseUrl) {
  const { hostname, port } = new URL(baseUrl);
  return (path, contentType, body, headers) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          hostname,
          port,
          path,
          method: 'POST',
          agent,
          headers: { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.setEncoding('utf8');
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('error', reject);
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode, json: JSON.parse(text) });
            } catch (e) {
              reject(new Error(`${path}: ${res.statusCode}, body is not JSON (${e.message})`));
            }
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/**
 * Runs `client.flow` on `concurrency` workers for `seconds` after a GC (when exposed); returns calls,
 * wall ms, this process's CPU µs and failed flows, and pushes each call's latency (ms) into `lat`.
 */
export async function runWindow(client, concurrency, seconds, lat) {
  globalThis.gc?.();
  let calls = 0;
  let errors = 0;
  let firstError;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        await client.flow(lat);
        calls += 4;
      } catch (e) {
        errors += 1;
        firstError ??= e;
        if (errors > 10) return;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (firstError) console.error(`  ${client.name}: ${errors} failed flows, first: ${firstError.message}`);
  return { calls, ms, cpuUs: cpu.user + cpu.system, errors };
}

function lap(lat, t) {
  const now = performance.now();
  if (lat) lat.push(now - t);
  return now;
}

/** The q-quantile (0..1) of a sorted array. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function median(xs) {
  return quantile([...xs].sort((a, b) => a - b), 0.5);
}
