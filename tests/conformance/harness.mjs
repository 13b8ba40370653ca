// Test harness for the conformance suite: finds (or builds) the prove-sandbox binary, runs it on an
// ephemeral loopback port, drives its control endpoints, and builds instances of Prove's official
// TypeScript SDK that record every HTTP exchange they make (so tests can look at the raw wire bytes
// when the SDK refuses to decode a response).

import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { Proveapi } from "@prove-identity/prove-api";
import { HTTPClient } from "@prove-identity/prove-api/lib/http.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Root of the Cargo workspace (two levels above this folder). */
export const REPO_ROOT = path.resolve(here, "..", "..");

/** Credentials the sandbox accepts when none are passed on its command line. */
export const DEFAULT_CLIENT_ID = "prove-sandbox-client";
export const DEFAULT_CLIENT_SECRET = "prove-sandbox-secret";

/** Exact form of the first line the sandbox prints on stdout. */
const LISTENING_LINE = /^prove-sandbox listening on (http:\/\/[^\s/]+:\d+)$/;

const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
/** Log lines kept per process (the sandbox prints one per request). */
const MAX_LOG_LINES = 5_000;

const running = new Set();

// Last line of defence: never leave a sandbox behind, even when the test process dies abruptly.
process.on("exit", () => {
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});

/**
 * Path of the sandbox binary: `PROVE_SANDBOX_BIN` if set, otherwise `target/debug/prove-sandbox`
 * under `CARGO_TARGET_DIR` or the workspace's shared target dir. Builds it with
 * `cargo build -p prove-sandbox` when it is missing, or always when `PROVE_SANDBOX_BUILD=1`.
 */
export function locateSandboxBinary() {
  located ??= findOrBuildBinary();
  return located;
}

/** The binary found by the first `locateSandboxBinary` call of this process. */
let located;

function findOrBuildBinary() {
  const fromEnv = process.env.PROVE_SANDBOX_BIN;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new Error(`PROVE_SANDBOX_BIN points to a missing file: ${fromEnv}`);
    }
    return fromEnv;
  }
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR)
    : path.join(REPO_ROOT, "target");
  const exe = process.platform === "win32" ? "prove-sandbox.exe" : "prove-sandbox";
  const bin = path.join(targetDir, "debug", exe);
  if (!existsSync(bin) || process.env.PROVE_SANDBOX_BUILD === "1") {
    const build = spawnSync("cargo", ["build", "-p", "prove-sandbox"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (build.error) {
      throw new Error(`could not run cargo to build prove-sandbox: ${build.error.message}`);
    }
    if (build.status !== 0) {
      throw new Error(`cargo build -p prove-sandbox failed with status ${build.status}`);
    }
    if (!existsSync(bin)) {
      throw new Error(`cargo build succeeded but ${bin} does not exist`);
    }
  }
  return bin;
}

/**
 * Starts one sandbox process on an ephemeral loopback port.
 *
 * @param {object} [opts]
 * @param {string} [opts.clientId] passed as `--client-id` when set
 * @param {string} [opts.clientSecret] passed as `--client-secret` when set
 * @param {number} [opts.tokenLifetimeSecs] passed as `--token-lifetime` when set
 * @returns {Promise<SandboxProcess>}
 */
export async function startSandbox(opts = {}) {
  const bin = locateSandboxBinary();
  const args = ["--host", "127.0.0.1", "--port", "0"];
  if (opts.clientId !== undefined) args.push("--client-id", opts.clientId);
  if (opts.clientSecret !== undefined) args.push("--client-secret", opts.clientSecret);
  if (opts.tokenLifetimeSecs !== undefined) {
    args.push("--token-lifetime", String(opts.tokenLifetimeSecs));
  }

  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.once("exit", () => running.delete(child));

  const stdoutLines = [];
  const stderrChunks = [];
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderrChunks.push(chunk);
    if (stderrChunks.length > MAX_LOG_LINES) stderrChunks.shift();
  });

  // Keep reading stdout for the whole life of the process: a full pipe would stall the server.
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  let firstLine;
  const firstLineSeen = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`prove-sandbox printed nothing on stdout within ${STARTUP_TIMEOUT_MS} ms`));
    }, STARTUP_TIMEOUT_MS);
    lines.on("line", (line) => {
      if (firstLine === undefined) {
        firstLine = line;
        clearTimeout(timer);
        resolve(line);
        return;
      }
      stdoutLines.push(line);
      if (stdoutLines.length > MAX_LOG_LINES) stdoutLines.shift();
    });
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${bin}: ${err.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `prove-sandbox exited before listening (code ${code}, signal ${signal}); stderr:\n` +
            stderrChunks.join(""),
        ),
      );
    });
  });

  let line;
  try {
    line = await firstLineSeen;
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  const match = LISTENING_LINE.exec(line);
  if (!match) {
    child.kill("SIGKILL");
    throw new Error(`unexpected first stdout line from prove-sandbox: ${JSON.stringify(line)}`);
  }
  return new SandboxProcess(child, match[1], {
    clientId: opts.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: opts.clientSecret ?? DEFAULT_CLIENT_SECRET,
    firstLine: line,
    stdoutLines,
    stderrChunks,
  });
}

/** A running sandbox process and its control endpoints. */
export class SandboxProcess {
  #child;

  constructor(child, baseUrl, { clientId, clientSecret, firstLine, stdoutLines, stderrChunks }) {
    this.#child = child;
    /** `http://127.0.0.1:PORT`, no trailing slash. */
    this.baseUrl = baseUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    /** The exact first stdout line. */
    this.firstLine = firstLine;
    this.stdoutLines = stdoutLines;
    this.stderrChunks = stderrChunks;
  }

  /** Everything the process printed after its first stdout line (stdout, then stderr). */
  output() {
    return [...this.stdoutLines, this.stderrChunks.join("")].join("\n");
  }

  /** Calls a control endpoint under `/sandbox/...` (JSON in and out, no auth). */
  async control(method, route, body) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(`${this.baseUrl}${route}`, init);
    const text = await res.text();
    let json;
    try {
      json = text === "" ? null : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  /** `GET /sandbox/counters`; throws unless it answers 200 with JSON. */
  async counters() {
    const res = await this.control("GET", "/sandbox/counters");
    if (res.status !== 200 || res.json == null) {
      throw new Error(`GET /sandbox/counters answered ${res.status}: ${res.text}`);
    }
    return res.json;
  }

  /** `POST /sandbox/tokens/revoke`: every token issued so far becomes invalid. */
  async revokeTokens() {
    const res = await this.control("POST", "/sandbox/tokens/revoke", {});
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`POST /sandbox/tokens/revoke answered ${res.status}: ${res.text}`);
    }
    return res;
  }

  /** `POST /sandbox/possession` for a session: action `success`, `fail` or `otp` (+ code). */
  async possession(correlationId, action, otp) {
    const body = { correlationId, action };
    if (otp !== undefined) body.otp = otp;
    return this.control("POST", "/sandbox/possession", body);
  }

  /** Stops the process (SIGTERM, then SIGKILL after a grace period). Safe to call twice. */
  async stop() {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * One HTTP exchange seen by an SDK instance.
 * @typedef {object} Exchange
 * @property {string} method
 * @property {string} path request path (no query)
 * @property {string} requestContentType
 * @property {number} status
 * @property {string} contentType response Content-Type
 * @property {string} body raw response body text
 */

/**
 * Builds an official SDK client pointed at `sandbox`, with an HTTP client that records each
 * exchange (including the token requests the SDK's client-credentials hook makes).
 *
 * @param {SandboxProcess} sandbox
 * @param {object} [overrides] `clientID` / `clientSecret` to use instead of the sandbox's
 * @returns {{ sdk: Proveapi, exchanges: Exchange[], last: (path: string) => Exchange | undefined }}
 */
export function makeSdk(sandbox, overrides = {}) {
  const exchanges = [];
  const httpClient = new HTTPClient({
    fetcher: async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const response = await fetch(request);
      const body = await response.clone().text();
      exchanges.push({
        method: request.method,
        path: new URL(request.url).pathname,
        requestContentType: request.headers.get("content-type") ?? "",
        status: response.status,
        contentType: response.headers.get("content-type") ?? "",
        body,
      });
      return response;
    },
  });
  const sdk = new Proveapi({
    serverURL: sandbox.baseUrl,
    httpClient,
    security: {
      clientID: overrides.clientID ?? sandbox.clientId,
      clientSecret: overrides.clientSecret ?? sandbox.clientSecret,
    },
  });
  const last = (p) => exchanges.filter((e) => e.path === p).at(-1);
  return { sdk, exchanges, last };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
