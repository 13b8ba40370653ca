// One cold start, run in a fresh process by bench.mjs: `node coldstart.mjs <client> <baseUrl>`.
// Measures loading the client library, building a client, and the first /v3/start call (token
// fetch included). Prints one JSON line.
import { createRequire } from 'node:module';
import path from 'node:path';

import { CLIENT_ID, CLIENT_SECRET, MILO, httpPoster, sdkDir } from './common.mjs';

const [which, baseUrl] = process.argv.slice(2);
const request = { flowType: 'mobile', phoneNumber: MILO.phoneNumber };
const t0 = performance.now();
let call;
if (which === 'prove-sdk') {
  const { ProveClient } = createRequire(import.meta.url)(path.join(sdkDir(), 'lib', 'index.cjs'));
  const c = new ProveClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl });
  call = () => c.flow.start(request);
} else if (which === 'official') {
  const { Proveapi } = await import('@prove-identity/prove-api');
  const sdk = new Proveapi({ serverURL: baseUrl, security: { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET } });
  call = async () => (await sdk.v3.v3StartRequest(request)).v3StartResponse;
} else if (which === 'fetch') {
  call = async () => {
    const t = await fetch(`${baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    const { access_token: token } = await t.json();
    const res = await fetch(`${baseUrl}/v3/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    return res.json();
  };
} else if (which === 'http') {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = httpPoster(http, agent, baseUrl);
  call = async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }).toString();
    const { json: t } = await send('/token', 'application/x-www-form-urlencoded', body, {});
    const { json } = await send('/v3/start', 'application/json', JSON.stringify(request), { authorization: `Bearer ${t.access_token}` });
    agent.destroy();
    return json;
  };
} else {
  throw new Error(`unknown client ${which}`);
}
const t1 = performance.now();
const out = await call();
const t2 = performance.now();
if (typeof out?.correlationId !== 'string') throw new Error('the first call did not return a correlationId');
process.stdout.write(JSON.stringify({ client: which, loadMs: t1 - t0, firstCallMs: t2 - t1, totalMs: t2 - t0, sinceProcessStartMs: t2 }) + '\n');
