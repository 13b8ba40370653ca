// Test helper: runs the prove-sandbox emulator binary on an ephemeral loopback port and drives its
// control endpoints. Each test file starts its own instance (start-up takes milliseconds).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The node/ package folder. */
export const PKG_ROOT = path.resolve(here, '..', '..');
/** The workspace root. */
export const REPO_ROOT = path.resolve(PKG_ROOT, '..');

export const CLIENT_ID = 'prove-sandbox-client';
export const CLIENT_SECRET = 'prove-sandbox-secret';

const LISTENING = /^prove-sandbox listening on (http:\/\/[^\s/]+:\d+)$/;
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
});

function hostTriple() {
  const r = spawnSync('rustc', ['-vV'], { encoding: 'utf8' });
  const m = /^host: (\S+)$/m.exec(r.stdout ?? '');
  return m ? m[1] : null;
}

let located;

/**
 * The sandbox binary: PROVE_SANDBOX_BIN, else target/debug/prove-sandbox, else the build for
 * CARGO_BUILD_TARGET (or the host triple). Built with `cargo build -p prove-sandbox` when missing.
 */
export function sandboxBinary() {
  if (located) return located;
  if (process.env.PROVE_SANDBOX_BIN) {
    if (!existsSync(process.env.PROVE_SANDBOX_BIN)) throw new Error('PROVE_SANDBOX_BIN points to a missing file');
    return (located = process.env.PROVE_SANDBOX_BIN);
  }
  const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR) : path.join(REPO_ROOT, 'target');
  const triple = process.env.CARGO_BUILD_TARGET || hostTriple();
  const candidates = [path.join(targetDir, 'debug', 'prove-sandbox'), triple && path.join(targetDir, triple, 'debug', 'prove-sandbox')].filter(Boolean);
  const found = candidates.find((c) => existsSync(c));
  if (found) return (located = found);
  const r = spawnSync('cargo', ['build', '-p', 'prove-sandbox'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('cargo build -p prove-sandbox failed');
  return (located = candidates[0]);
}

/** A running sandbox: `baseUrl`, credentials, control helpers and `stop()`. */
export async function startSandbox(extraArgs = []) {
  const child = spawn(sandboxBinary(), ['--port', '0', '--quiet', ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  const lines = createInterface({ input: child.stdout });
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sandbox did not start in 20 s')), 20_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = LISTENING.exec(line.trim());
      if (m) resolve(m[1]);
      else reject(new Error('unexpected first line from the sandbox'));
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited early with ${code}`)));
  });
  lines.on('line', () => {});

  async function control(method, route, body) {
    const res = await fetch(baseUrl + '/sandbox/' + route, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {}
    if (!res.ok && res.status !== 404) throw new Error(`sandbox control ${route} answered ${res.status}`);
    return { status: res.status, body: json };
  }

  return {
    baseUrl,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    /** Client settings for this sandbox. */
    config(extra = {}) {
      return { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl, ...extra };
    },
    control,
    get: (route) => control('GET', route).then((r) => r.body),
    post: (route, body) => control('POST', route, body ?? {}).then((r) => r.body),
    del: (route) => control('DELETE', route).then((r) => r.body),
    counters: () => control('GET', 'counters').then((r) => r.body),
    requests: () => control('GET', 'requests').then((r) => r.body),
    clearRequests: () => control('DELETE', 'requests'),
    fault: (f) => control('POST', 'faults', f).then((r) => r.body),
    clearFaults: () => control('DELETE', 'faults'),
    possession: (correlationId, action = 'success', otp) =>
      control('POST', 'possession', otp === undefined ? { correlationId, action } : { correlationId, action, otp }),
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      running.delete(child);
    },
  };
}
