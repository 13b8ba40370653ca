'use strict';
// prove-sdk for Node.js: a thin layer over the native addon (Rust core). Every operation,
// validation rule, retry and error decision lives in the core; this file maps names, options,
// JSON and errors.

const native = require('./addon.cjs');
const METHODS = require('./generated/methods.cjs');
const errors = require('./errors.cjs');
const { ValidationError, WebhookError, fromNative } = errors;

const VERSION = require('../package.json').version;

// The generated table and the loaded addon must describe the same methods.
{
  const nativeNames = native.methods().map((m) => m.name).join(',');
  const tableNames = METHODS.map((m) => m.name).join(',');
  if (nativeNames !== tableNames) {
    throw new Error('prove-sdk: the native addon does not match lib/generated/methods.cjs; rebuild the package');
  }
}

const BY_NAME = new Map(METHODS.map((m) => [m.name, m]));

/** Environment variables read by ProveClient.fromEnv. */
const ENV_VARS = native.envVars();

function fail(field, text) {
  return new ValidationError(`${field}: ${text}`, { kind: 'Validation', field });
}

/** `obj[key]`, with a throwing getter or Proxy trap reported as a ValidationError naming the field. */
function read(obj, key, field = key) {
  try {
    return obj[key];
  } catch {
    throw fail(field, 'could not be read');
  }
}

/** `v instanceof C`, false where a Proxy's getPrototypeOf trap throws. */
function isA(v, C) {
  try {
    return v instanceof C;
  } catch {
    return false;
  }
}

/** The setting names of each group the core lists (client, fromEnv, retry, call, logger). */
const SETTING_NAMES = new Map(['client', 'fromEnv', 'retry', 'call', 'logger'].map((g) => [g, new Set(native.settingNames(g))]));

/**
 * Refuses an own key of `obj` that is not a setting of `group`: a ValidationError naming the key
 * and suggesting the one likely meant (the core's `SettingGroup::check`), so that a misspelt
 * `baseURL` or `timeoutMS` is never silently ignored.
 */
function checkKeys(obj, group, what) {
  let keys;
  try {
    keys = Object.keys(obj);
  } catch {
    throw fail(what, 'could not be read');
  }
  const known = SETTING_NAMES.get(group);
  for (const k of keys) {
    if (known.has(k)) continue;
    try {
      native.checkSettingName(group, k);
    } catch (e) {
      throw fromNative(e);
    }
  }
}

function optString(obj, key) {
  const v = read(obj, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw fail(key, 'must be a string');
  return v;
}

function optNumber(obj, key, prefix = '') {
  const v = read(obj, key, prefix + key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw fail(prefix + key, 'must be a finite number, at least 0');
  return v;
}

function retryOptions(retry) {
  if (retry === undefined || retry === null) return undefined;
  if (retry === false) return { maxRetries: 0 };
  if (typeof retry !== 'object') throw fail('retry', 'must be an object or false');
  checkKeys(retry, 'retry', 'retry');
  const out = {};
  const max = optNumber(retry, 'maxRetries', 'retry.');
  if (max !== undefined) {
    if (!Number.isInteger(max) || max > 0xffffffff) throw fail('retry.maxRetries', 'must be an integer, at least 0');
    out.maxRetries = max;
  }
  const ib = optNumber(retry, 'initialBackoffMs', 'retry.');
  if (ib !== undefined) out.initialBackoffMs = ib;
  const mb = optNumber(retry, 'maxBackoffMs', 'retry.');
  if (mb !== undefined) out.maxBackoffMs = mb;
  return out;
}

function nativeConfig(config, withCredentials) {
  if (config === null || typeof config !== 'object') throw fail('config', 'must be an object');
  checkKeys(config, withCredentials ? 'client' : 'fromEnv', 'config');
  const out = {};
  if (withCredentials) {
    out.clientId = optString(config, 'clientId');
    out.clientSecret = optString(config, 'clientSecret');
    out.environment = optString(config, 'environment');
    out.baseUrl = optString(config, 'baseUrl');
  }
  out.tokenUrl = optString(config, 'tokenUrl');
  out.timeoutMs = optNumber(config, 'timeoutMs');
  out.connectTimeoutMs = optNumber(config, 'connectTimeoutMs');
  out.attemptTimeoutMs = optNumber(config, 'attemptTimeoutMs');
  // Whole bytes from 1 to 1 GiB; the core checks the range and names maxResponseBytes.
  out.maxResponseBytes = optNumber(config, 'maxResponseBytes');
  out.retry = retryOptions(read(config, 'retry'));
  const suffix = optString(config, 'userAgentSuffix');
  out.userAgentSuffix = `node/${process.versions.node}` + (suffix ? ` ${suffix}` : '');
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

const NO_OPTIONS = Object.freeze({ native: undefined, clientRequestId: undefined, signal: undefined });

/** An AbortSignal (or an object that behaves as one: `aborted`, `add/removeEventListener`). */
function abortSignal(v) {
  if (v === undefined || v === null) return undefined;
  let ok = false;
  try {
    ok = typeof v === 'object' && typeof v.aborted === 'boolean' && typeof v.addEventListener === 'function' &&
      typeof v.removeEventListener === 'function';
  } catch {
    // A Proxy whose traps throw.
  }
  if (!ok) throw fail('signal', 'must be an AbortSignal');
  return v;
}

/** What an aborted signal rejects with: its reason, as Node's own APIs do. */
function abortReason(signal) {
  let reason;
  try {
    reason = signal.reason;
  } catch {
    // Fall through to the standard AbortError.
  }
  return reason !== undefined ? reason : new DOMException('This operation was aborted', 'AbortError');
}

/**
 * The per-call options: `native` (timeoutMs, attemptTimeoutMs, retry) for the addon,
 * `clientRequestId` and `signal`. Unknown keys are refused (see checkKeys).
 */
function callOptions(options) {
  if (options === undefined || options === null) return NO_OPTIONS;
  if (typeof options !== 'object') throw fail('options', 'must be an object');
  checkKeys(options, 'call', 'options');
  const out = {};
  let any = false;
  const t = optNumber(options, 'timeoutMs');
  if (t !== undefined) { out.timeoutMs = t; any = true; }
  const a = optNumber(options, 'attemptTimeoutMs');
  if (a !== undefined) { out.attemptTimeoutMs = a; any = true; }
  const r = read(options, 'retries');
  if (r !== undefined && r !== null) {
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > 0xffffffff) {
      throw fail('retries', 'must be an integer, at least 0');
    }
    out.retry = { maxRetries: r };
    any = true;
  }
  const id = read(options, 'clientRequestId');
  if (id !== undefined && id !== null && typeof id !== 'string') throw fail('clientRequestId', 'must be a string');
  const signal = abortSignal(read(options, 'signal'));
  return { native: any ? out : undefined, clientRequestId: id ?? undefined, signal };
}

/** The request with the per-call clientRequestId applied (the caller's object is not modified). */
function withClientRequestId(info, request, id) {
  if (id === undefined) return request;
  if (!info.clientRequestId) throw fail('clientRequestId', `is not a field of ${info.requestType} (${info.name})`);
  if (request === undefined || request === null) return { clientRequestId: id };
  if (typeof request !== 'object' || Array.isArray(request)) return request; // the core reports the type error
  if (request.clientRequestId !== undefined) return request;
  return { ...request, clientRequestId: id };
}

/**
 * The request as JSON text. JSON has no NaN or Infinity (JSON.stringify would send `null`, so that
 * `{ limit: NaN }` would quietly mean "no limit"): a non-finite number anywhere is a
 * ValidationError naming its path (`limit`, `individual.addresses[0].city`).
 */
function encode(request) {
  if (request === undefined || request === null) return '';
  const paths = new Map(); // each object or array met → its path
  let nonFinite;
  function check(key, value) {
    const parent = paths.get(this);
    const at = parent === undefined ? '' : Array.isArray(this) ? `${parent}[${key}]` : parent === '' ? key : `${parent}.${key}`;
    let n = value;
    if (isA(value, Number)) n = Number.prototype.valueOf.call(value);
    if (typeof n === 'number' && !Number.isFinite(n)) {
      if (nonFinite === undefined) nonFinite = at;
      return null;
    }
    if (value !== null && typeof value === 'object') paths.set(value, at);
    return value;
  }
  let text;
  try {
    text = JSON.stringify(request, check);
  } catch {
    throw fail('input', 'cannot be encoded as JSON');
  }
  if (nonFinite !== undefined) {
    const field = nonFinite === '' ? 'input' : nonFinite.length > 200 ? `${nonFinite.slice(0, 200)}…` : nonFinite;
    throw fail(field, 'must be a finite number (NaN and Infinity cannot be sent)');
  }
  return text === undefined ? '' : text;
}

function decode(text) {
  try {
    return JSON.parse(text);
  } catch {
    throw new errors.DecodeError('the native addon returned invalid JSON', { kind: 'Decode' });
  }
}

/** A Prove API client. One instance shares its token cache and connections across all calls. */
class ProveClient {
  #native;
  /** The addon's promises of the calls and pages in flight (settled ones removed). */
  #inflight = new Set();

  /**
   * @param {object} config clientId, clientSecret, environment ('uat-us' default, 'prod-us',
   *   'uat-eu', 'prod-eu') or baseUrl, tokenUrl, timeoutMs, connectTimeoutMs, attemptTimeoutMs,
   *   retry ({ maxRetries, initialBackoffMs, maxBackoffMs } or false), userAgentSuffix,
   *   maxResponseBytes (largest response body accepted, default 4 MiB).
   */
  constructor(config) {
    let n;
    if (isA(config, native.NativeClient)) {
      n = config; // from fromEnv
    } else {
      const cfg = nativeConfig(config, true);
      try {
        n = new native.NativeClient(cfg);
      } catch (e) {
        throw fromNative(e);
      }
    }
    this.#native = n;
    for (const [group, methods] of GROUPS) {
      const g = {};
      for (const info of methods) {
        const short = info.name.slice(group.length + 1);
        g[short] = (request, options) => this.call(info.name, request, options);
      }
      if (group === 'identityManager') {
        g.pages = (input, options) => this.#pages(input, options);
        g.list = (input, options) => this.#items(input, options);
      }
      Object.defineProperty(this, group, { value: Object.freeze(g), enumerable: true });
    }
  }

  /**
   * A client configured from PROVE_CLIENT_ID, PROVE_CLIENT_SECRET and PROVE_BASE_URL or PROVE_ENV
   * (default uat-us), with the other settings of `options`.
   */
  static fromEnv(options = {}) {
    const env = {};
    for (const k of ENV_VARS) {
      const v = process.env[k];
      if (typeof v === 'string') env[k] = v;
    }
    const cfg = nativeConfig(options ?? {}, false);
    let n;
    try {
      n = native.NativeClient.fromEnv(env, cfg);
    } catch (e) {
      throw fromNative(e);
    }
    return new ProveClient(n);
  }

  /** The base URL operations are sent to. */
  get baseUrl() {
    return this.#native.baseUrl;
  }

  /** `uat-us`, `prod-us`, `uat-eu`, `prod-eu`, or `custom`. */
  get environment() {
    return this.#native.environment;
  }

  /** The User-Agent header sent with every request. */
  get userAgent() {
    return this.#native.userAgent;
  }

  /** Whether `close()` has been called. */
  get closed() {
    return this.#native.closed;
  }

  /**
   * Closes the client: calls and listings in flight reject at once with a TransportError ("the
   * client is closed"), their HTTP requests abandoned, and every later call rejects the same way
   * without touching the network. Idempotent. Resolves once the calls in flight have settled.
   */
  close() {
    this.#native.close();
    return Promise.all(Array.from(this.#inflight)).then(() => undefined);
  }

  /**
   * Starts one native operation (`start(cancelHandle)` returns the addon's promise) and settles
   * with its result, or with `signal`'s reason as soon as it aborts: the native call is then
   * cancelled (its future dropped, its request abandoned). An aborted signal rejects before
   * anything starts. The abort listener is removed when the call settles.
   */
  #run(signal, start) {
    if (signal !== undefined && signal.aborted) return Promise.reject(abortReason(signal));
    const handle = signal === undefined ? undefined : new native.CancelHandle();
    let pending;
    try {
      pending = start(handle);
    } catch (e) {
      return Promise.reject(fromNative(e));
    }
    const settled = pending.then(noop, noop).then(() => this.#inflight.delete(settled));
    this.#inflight.add(settled);
    const result = pending.catch((e) => {
      throw fromNative(e);
    });
    if (signal === undefined) return result;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        handle.cancel();
        reject(abortReason(signal));
      };
      try {
        signal.addEventListener('abort', onAbort, { once: true });
      } catch {
        handle.cancel();
        reject(fail('signal', 'must be an AbortSignal'));
        return;
      }
      const done = () => {
        try {
          signal.removeEventListener('abort', onAbort);
        } catch {
          // Nothing more to do for a signal that cannot be detached from.
        }
      };
      result.then(
        (v) => {
          done();
          resolve(v);
        },
        (e) => {
          done();
          reject(e);
        },
      );
    });
  }

  /**
   * Calls a method by name (see `methods()`), e.g. `client.call('flow.start', {...})`. The
   * grouped methods (`client.flow.start(...)`) are shorthands for this. `options.signal` (an
   * AbortSignal) cancels the call.
   */
  async call(method, request, options) {
    const info = BY_NAME.get(method);
    if (info === undefined) throw fail('method', 'unknown method; see methods() for the list');
    let opts;
    let input;
    try {
      opts = callOptions(options);
      input = encode(withClientRequestId(info, request, opts.clientRequestId));
    } catch (e) {
      throw fromNative(e);
    }
    const out = await this.#run(opts.signal, (handle) => this.#native.call(method, input, opts.native, handle));
    return decode(out);
  }

  async *#pages(input, options) {
    let opts;
    let text;
    try {
      opts = callOptions(options);
      text = encode(withClientRequestId(BY_NAME.get('identityManager.listAll'), input, opts.clientRequestId));
    } catch (e) {
      throw fromNative(e);
    }
    if (opts.signal !== undefined && opts.signal.aborted) throw abortReason(opts.signal);
    let cursor;
    try {
      cursor = this.#native.listIdentities(text, opts.native);
    } catch (e) {
      throw fromNative(e);
    }
    for (;;) {
      // The signal is checked before each page, and cancels the page in flight.
      const page = await this.#run(opts.signal, (handle) => cursor.nextPage(handle));
      if (page === null) return;
      yield decode(page);
    }
  }

  async *#items(input, options) {
    for await (const page of this.#pages(input, options)) {
      for (const item of page.results ?? []) yield item;
    }
  }

  /** Never shows credentials. */
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `ProveClient { environment: '${this.environment}', baseUrl: '${this.baseUrl}' }`;
  }
}

function noop() {}

// `await using client = new ProveClient(...)` (and `using`) close the client, where the runtime
// has explicit resource management.
if (typeof Symbol.asyncDispose === 'symbol') {
  Object.defineProperty(ProveClient.prototype, Symbol.asyncDispose, {
    value: function asyncDispose() {
      return this.close();
    },
    writable: true,
    configurable: true,
  });
}
if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(ProveClient.prototype, Symbol.dispose, {
    value: function dispose() {
      void this.close();
    },
    writable: true,
    configurable: true,
  });
}

const GROUPS = new Map();
for (const m of METHODS) {
  const group = m.name.slice(0, m.name.indexOf('.'));
  if (!GROUPS.has(group)) GROUPS.set(group, []);
  GROUPS.get(group).push(m);
}

/** Every method `ProveClient.call` accepts: name, operationId, requestType, responseType, clientRequestId. */
function methods() {
  return METHODS.map((m) => ({ ...m }));
}

function bodyArg(rawBody) {
  if (typeof rawBody === 'string' || Buffer.isBuffer(rawBody)) return rawBody;
  if (rawBody instanceof Uint8Array) return Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  throw new WebhookError('webhook body must be the raw body as a Buffer, Uint8Array or string', { kind: 'Webhook' });
}

const WEBHOOK_OPTIONS = ['requireBodyHash', 'rejectReplays', 'leewayMs', 'maxAgeMs'];

/** The secrets as a plain array of strings (WebhookError otherwise, as for every webhook argument). */
function secretList(secrets) {
  let list;
  try {
    list = typeof secrets === 'string' ? [secrets] : Array.isArray(secrets) ? Array.from(secrets) : undefined;
  } catch {
    list = undefined; // a Proxy whose traps throw
  }
  if (list === undefined || list.some((s) => typeof s !== 'string')) {
    throw new WebhookError('webhook secrets must be a string or an array of strings', { kind: 'Webhook' });
  }
  return list;
}

function authorizationArg(authorizationHeader) {
  if (typeof authorizationHeader !== 'string') {
    throw new WebhookError('missing X-Prove-Authorization header', { kind: 'Webhook' });
  }
  return authorizationHeader;
}

/**
 * Webhook options as the addon takes them. Unknown and ill-typed options are ValidationErrors
 * naming the option, so that a misspelt `requireBodyHash` never silently weakens verification.
 */
function webhookOptions(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) throw fail('options', 'must be an object');
  let keys;
  try {
    keys = Object.keys(options);
  } catch {
    throw fail('options', 'could not be read');
  }
  for (const k of keys) {
    if (!WEBHOOK_OPTIONS.includes(k)) {
      throw fail(k.length > 64 ? `${k.slice(0, 64)}…` : k, `is not a webhook option (${WEBHOOK_OPTIONS.join(', ')})`);
    }
  }
  const out = {};
  for (const k of ['requireBodyHash', 'rejectReplays']) {
    const v = read(options, k);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') throw fail(k, 'must be true or false');
    out[k] = v;
  }
  for (const k of ['leewayMs', 'maxAgeMs']) {
    const v = optNumber(options, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The addon's verified delivery as the JS result. */
function verifiedDelivery(v) {
  return {
    payload: decode(v.payloadJson),
    jti: v.tokenId ?? undefined,
    issuedAt: new Date(v.issuedAtMs),
    expiresAt: new Date(v.expiresAtMs),
    secretIndex: v.secretIndex,
  };
}

/**
 * Verifies a webhook delivery and returns `{ payload, jti, issuedAt, expiresAt, secretIndex }`:
 * the parsed body, the token's `jti` (undefined when the token has none), its `iat` and `exp` as
 * Dates, and the index of the secret that matched.
 * @param {string} authorizationHeader the X-Prove-Authorization header (`Bearer <jwt>`) or the bare token
 * @param {Buffer|Uint8Array|string} rawBody the exact body received, before any JSON parsing
 * @param {string|string[]} secrets the currently valid shared secrets (several during rotation)
 * @param {object} [options] `requireBodyHash` (refuse tokens without a `body_sha256` claim),
 *   `leewayMs`, `maxAgeMs`. `rejectReplays` needs a `WebhookVerifier`, which remembers the tokens
 *   it accepted between calls.
 */
function verifyWebhookDetailed(authorizationHeader, rawBody, secrets, options) {
  const opts = webhookOptions(options);
  if (opts?.rejectReplays) {
    throw fail(
      'rejectReplays',
      'needs a verifier kept between deliveries: new WebhookVerifier(secrets, { rejectReplays: true })',
    );
  }
  authorizationArg(authorizationHeader);
  const list = secretList(secrets);
  let out;
  try {
    out = native.verifyWebhook(authorizationHeader, bodyArg(rawBody), list, opts);
  } catch (e) {
    throw e instanceof WebhookError ? e : fromNative(e);
  }
  return verifiedDelivery(out);
}

/**
 * Verifies a webhook delivery and returns its parsed body (`{ notifications: [...] }`).
 * @param {string} authorizationHeader the X-Prove-Authorization header (`Bearer <jwt>`) or the bare token
 * @param {Buffer|Uint8Array|string} rawBody the exact body received, before any JSON parsing
 * @param {string|string[]} secrets the currently valid shared secrets (several during rotation)
 * @param {object} [options] as for `verifyWebhookDetailed`
 */
function verifyWebhook(authorizationHeader, rawBody, secrets, options) {
  return verifyWebhookDetailed(authorizationHeader, rawBody, secrets, options).payload;
}

/**
 * A webhook verifier kept for the life of the process: the secrets, the options and, with
 * `rejectReplays`, the memory of the tokens it accepted (each kept until the token expires), so
 * that a captured delivery is accepted once only.
 */
class WebhookVerifier {
  #native;
  #summary;

  /**
   * @param {string|string[]} secrets the currently valid shared secrets (several during rotation)
   * @param {object} [options] `requireBodyHash`, `rejectReplays`, `leewayMs`, `maxAgeMs`
   */
  constructor(secrets, options) {
    const list = secretList(secrets);
    const opts = webhookOptions(options);
    try {
      this.#native = new native.NativeWebhookVerifier(list, opts);
    } catch (e) {
      throw fromNative(e);
    }
    this.#summary =
      `WebhookVerifier { secrets: ${list.length}, requireBodyHash: ${opts?.requireBodyHash === true}, ` +
      `rejectReplays: ${opts?.rejectReplays === true} }`;
  }

  /** Verifies a delivery and returns its parsed body (`{ notifications: [...] }`). */
  verify(authorizationHeader, rawBody) {
    return this.verifyDetailed(authorizationHeader, rawBody).payload;
  }

  /** Verifies a delivery and returns `{ payload, jti, issuedAt, expiresAt, secretIndex }`. */
  verifyDetailed(authorizationHeader, rawBody) {
    authorizationArg(authorizationHeader);
    let out;
    try {
      out = this.#native.verify(authorizationHeader, bodyArg(rawBody));
    } catch (e) {
      throw e instanceof WebhookError ? e : fromNative(e);
    }
    return verifiedDelivery(out);
  }

  /** Never shows the secrets. */
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return this.#summary;
  }
}

/**
 * Signs a webhook delivery exactly as Prove does, for tests of your own endpoint. Returns
 * `{ authorization, body }`: the X-Prove-Authorization header value and the body to send.
 * @param {string} secret the shared secret
 * @param {object} [options] `payload` (object or JSON text; default: a sample notification) and
 *   `eventType` of the sample (default PHONE_NUMBER_CHANGE)
 */
/** A test webhook payload as the addon takes it: a string, a Buffer, or undefined for the default. */
function webhookPayload(payload) {
  if (payload === undefined || payload === null || typeof payload === 'string') return payload ?? undefined;
  if (isA(payload, Uint8Array)) {
    return Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  }
  let json;
  try {
    json = JSON.stringify(payload);
  } catch {
    // BigInt, cyclic structures, throwing toJSON, getters or Proxy traps.
  }
  if (json === undefined) throw fail('payload', 'must be a string, bytes or a JSON-serialisable value');
  return json;
}

function signTestWebhook(secret, options = {}) {
  if (typeof secret !== 'string') throw fail('secret', 'must be a string');
  if (options === null || typeof options !== 'object') throw fail('options', 'must be an object');
  const payload = webhookPayload(read(options, 'payload'));
  const rawType = read(options, 'eventType');
  if (rawType !== undefined && rawType !== null && typeof rawType !== 'string') {
    throw fail('eventType', 'must be a string');
  }
  try {
    return native.signTestWebhook(secret, payload, rawType ?? undefined);
  } catch (e) {
    throw fromNative(e);
  }
}

// ---- logging ----

let loggerId = null;

/**
 * Sends the SDK's redacted HTTP events (operation, method, path template, attempt, status,
 * latencyMs, outcome; never bodies, headers, tokens or personal data) to `fn`, or stops when
 * `fn` is null. `level`: 'debug' (every request, default) or 'warn' (failures only). Logging is
 * per process: the core's events of every client go to the current logger of this thread.
 */
function setLogger(fn, options) {
  // Every argument is checked before the current logger is touched.
  if (fn !== null && fn !== undefined && typeof fn !== 'function') throw fail('logger', 'must be a function or null');
  let level = 'debug';
  if (options !== undefined && options !== null) {
    if (typeof options !== 'object') throw fail('options', 'must be an object');
    checkKeys(options, 'logger', 'options');
    const l = read(options, 'level');
    if (l !== undefined && l !== null) {
      if (l !== 'debug' && l !== 'warn') throw fail('level', 'must be "debug" or "warn"');
      level = l;
    }
  }
  if (loggerId !== null) {
    native.removeLogger(loggerId);
    loggerId = null;
  }
  if (fn === null || fn === undefined) return;
  loggerId = native.addLogger((record) => {
    try {
      fn(record);
    } catch {
      // A throwing logger must not break the SDK.
    }
  }, level);
}

/** Whether a `DEBUG`-style pattern list (comma or space separated, `*` wildcards, `-` excludes) names `name`. */
function debugEnabled(patterns, name) {
  let on = false;
  for (const raw of String(patterns).split(/[\s,]+/)) {
    if (!raw) continue;
    const neg = raw.startsWith('-');
    const p = neg ? raw.slice(1) : raw;
    const re = new RegExp('^' + p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$');
    if (re.test(name)) on = !neg;
  }
  return on;
}

function stderrLogger(record) {
  const parts = [`prove-sdk ${record.level} ${record.message}`];
  for (const k of ['operation', 'method', 'path', 'attempt', 'status', 'latencyMs', 'outcome']) {
    if (record[k] !== undefined) parts.push(`${k}=${record[k]}`);
  }
  process.stderr.write(parts.join(' ') + '\n');
}

// Opt-in from the environment: DEBUG=prove-sdk (debug-style patterns), or PROVE_SDK_LOG=debug|warn.
{
  const lvl = process.env.PROVE_SDK_LOG;
  if (lvl === 'debug' || lvl === 'warn') setLogger(stderrLogger, { level: lvl });
  else if (process.env.DEBUG && debugEnabled(process.env.DEBUG, 'prove-sdk')) setLogger(stderrLogger);
}

module.exports = {
  ProveClient,
  methods,
  verifyWebhook,
  verifyWebhookDetailed,
  WebhookVerifier,
  signTestWebhook,
  webhookEventTypes: () => native.webhookEventTypes(),
  setLogger,
  VERSION,
  ProveError: errors.ProveError,
  ValidationError: errors.ValidationError,
  AuthError: errors.AuthError,
  RateLimitedError: errors.RateLimitedError,
  StepOutOfOrderError: errors.StepOutOfOrderError,
  NotFoundError: errors.NotFoundError,
  ApiError: errors.ApiError,
  TimeoutError: errors.TimeoutError,
  TransportError: errors.TransportError,
  DecodeError: errors.DecodeError,
  WebhookError: errors.WebhookError,
  ERROR_CLASSES: errors.ERROR_CLASSES,
};
// Not part of the public surface; used by the package's own tests.
Object.defineProperty(module.exports, '_internal', { value: { debugEnabled, native }, enumerable: false });
