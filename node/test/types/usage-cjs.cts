// Typed usage through CommonJS `require`, checked by `tsc --noEmit`; never executed.
import sdk = require('prove-sdk');

export async function usageCjs(): Promise<string> {
  const client = new sdk.ProveClient({ clientId: 'id', clientSecret: 'secret', baseUrl: 'http://127.0.0.1:8080' });
  const r = await client.unify.unify({ possessionType: 'none', phoneNumber: '2001004015', clientRequestId: 'r' });
  return r.correlationId;
}
