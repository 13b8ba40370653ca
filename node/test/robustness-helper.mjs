// Test helper: values of every awkward JavaScript type, for the robustness tests. Each string
// carries MARKER so a test can check that no error message echoes what it was sent.

/** A string no SDK message contains by itself; every garbage string embeds it. */
export const MARKER = 'Zq7Marker';

/** A cyclic object. */
function cyclic() {
  const o = { phoneNumber: `${MARKER}-cyc` };
  o.self = o;
  o.list = [o];
  return o;
}

/** An object whose getters throw (on the fields SDK code reads). */
function throwingGetters() {
  const o = {};
  for (const k of ['flowType', 'phoneNumber', 'proveId', 'clientRequestId', 'timeoutMs', 'retries', 'clientId', 'payload', 'toJSON']) {
    Object.defineProperty(o, k, {
      enumerable: true,
      get() {
        throw new Error(`${MARKER}-getter`);
      },
    });
  }
  return o;
}

/** A Proxy whose every trap throws. */
function hostileProxy() {
  const boom = () => {
    throw new Error(`${MARKER}-proxy`);
  };
  return new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });
}

/** A Proxy that claims to have every key, returning itself (infinitely deep). */
function bottomlessProxy() {
  const p = new Proxy(
    {},
    {
      get: (_, k) => (k === 'toJSON' || k === Symbol.toPrimitive ? undefined : p),
      ownKeys: () => ['a'],
      getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true, value: p }),
    },
  );
  return p;
}

/** An object whose toJSON throws. */
function throwingToJson() {
  return { toJSON() {
    throw new Error(`${MARKER}-tojson`);
  } };
}

/** Nested `depth` levels of arrays. */
function deep(depth) {
  let v = `${MARKER}-deep`;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/**
 * Named garbage values: `[name, () => value]` (factories, so each use gets a fresh value).
 * Includes every JS type, hostile objects and large values.
 */
export const GARBAGE = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['zero', () => 0],
  ['negative', () => -1],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['float', () => 1.5e308],
  ['BigInt', () => 12345678901234567890n],
  ['Symbol', () => Symbol(MARKER)],
  ['function', () => function named() {
    return MARKER;
  }],
  ['true', () => true],
  ['string', () => `${MARKER}-string`],
  ['huge string', () => `${MARKER}`.repeat(12_000)], // ~100 KB
  ['NUL string', () => `${MARKER}\u0000\uffff\u{10ffff}`],
  ['lone surrogate', () => `${MARKER}\ud800`],
  ['empty array', () => []],
  ['array', () => [`${MARKER}-a`, 1, null]],
  ['empty object', () => ({})],
  ['null prototype', () => Object.assign(Object.create(null), { proveId: `${MARKER}-np` })],
  ['wrong field types', () => ({ flowType: 5, phoneNumber: { x: `${MARKER}-wf` }, proveId: [1], limit: `${MARKER}-l` })],
  // Unknown keys are named in errors (by design: the message names the misspelt field), so the
  // keys here carry no marker; their values do.
  ['unknown fields', () => ({ notAField: `${MARKER}-value`, ['__proto__']: { polluted: `${MARKER}-proto` } })],
  ['Date', () => new Date(NaN)],
  ['Map', () => new Map([[MARKER, MARKER]])],
  ['Buffer', () => Buffer.from(`${MARKER}-buf`)],
  ['Uint8Array', () => new Uint8Array(16)],
  ['Promise', () => Promise.resolve(MARKER)],
  ['Error', () => new Error(`${MARKER}-error`)],
  ['cyclic', cyclic],
  ['throwing getters', throwingGetters],
  ['hostile Proxy', hostileProxy],
  ['bottomless Proxy', bottomlessProxy],
  ['throwing toJSON', throwingToJson],
  ['deep nesting', () => deep(5000)],
  ['large object', () => Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, `${MARKER}-${i}`]))],
];

/** Whether `text` quotes anything sent (every garbage string contains MARKER). */
export function echoes(text) {
  return typeof text === 'string' && text.includes(MARKER);
}

// ---- burst child: `node test/robustness-helper.mjs <baseUrl> <count>` ----
// Fires <count> garbage calls at once through every entry point, then prints one JSON line
// ({ settled, resolved, proveErrors, others, rssMb }) and exits 0. A crash of the addon would end
// the process with a signal or a non-zero code instead.
async function burst(baseUrl, count) {
  const sdk = await import('../lib/index.mjs');
  const client = new sdk.ProveClient({
    clientId: 'prove-sandbox-client',
    clientSecret: 'prove-sandbox-secret',
    baseUrl,
    retry: false,
    timeoutMs: 5000,
  });
  const names = sdk.methods().map((m) => m.name);
  const badOptions = [undefined, { timeoutMs: -1 }, { timeoutMs: NaN }, { timeoutMs: '5' }, { retries: 1.5 }, 5, { timeoutMs: 1e300 }];
  const calls = [];
  for (let i = 0; i < count; i++) {
    const [, make] = GARBAGE[i % GARBAGE.length];
    const name = i % 97 === 0 ? `${MARKER}.nope` : names[i % names.length];
    const opts = badOptions[i % badOptions.length];
    calls.push(
      (async () => {
        switch (i % 5) {
          case 0:
            return client.call(name, make(), opts);
          case 1: {
            const [group, short] = names[i % names.length].split('.');
            return client[group][short](make(), opts);
          }
          case 2:
            return sdk.verifyWebhook(make(), make(), make());
          case 3:
            return sdk.signTestWebhook(make(), { payload: make(), eventType: make() });
          default: {
            const out = [];
            for await (const item of client.identityManager.list(make(), opts)) out.push(item);
            return out;
          }
        }
      })(),
    );
  }
  const results = await Promise.allSettled(calls);
  const tally = { settled: results.length, resolved: 0, proveErrors: 0, others: 0, echoes: 0, otherNames: {} };
  for (const r of results) {
    if (r.status === 'fulfilled') tally.resolved++;
    else if (r.reason instanceof sdk.ProveError) {
      tally.proveErrors++;
      if (echoes(r.reason.message)) tally.echoes++;
    } else {
      tally.others++;
      const n = r.reason?.constructor?.name ?? typeof r.reason;
      tally.otherNames[n] = (tally.otherNames[n] ?? 0) + 1;
    }
  }
  globalThis.gc?.();
  tally.rssMb = Math.round(process.memoryUsage().rss / 1e6);
  process.stdout.write(JSON.stringify(tally) + '\n');
}

if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  await burst(process.argv[2], Number(process.argv[3] ?? 10_000));
}
