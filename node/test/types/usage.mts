// Typed usage of the package (ESM), checked by `tsc --noEmit`; never executed.
import {
  ProveClient,
  ProveError,
  RateLimitedError,
  StepOutOfOrderError,
  verifyWebhook,
  signTestWebhook,
  setLogger,
  methods,
  type StartResponse,
  type ValidateResponse,
  type SuccessStatus,
  type GetBatchIdentityItem,
  type LogRecord,
} from 'prove-sdk';

declare const Buffer: { from(s: string): Uint8Array };

export async function usage(): Promise<void> {
  const client = new ProveClient({ clientId: 'id', clientSecret: 'secret', environment: 'uat-us', retry: { maxRetries: 1 } });
  const other = ProveClient.fromEnv({ timeoutMs: 10_000, retry: false });
  const started: StartResponse = await client.flow.start(
    { flowType: 'mobile', phoneNumber: '2001001695' },
    { timeoutMs: 5_000, retries: 0 },
  );
  const validated: ValidateResponse = await client.flow.validate({ correlationId: started.correlationId });
  if ('v3-challenge' in validated.next) {
    const c = await client.flow.challenge({ correlationId: started.correlationId, dob: '1981-01-17' });
    await client.flow.complete({ correlationId: started.correlationId, individual: { firstName: c.individual?.firstName } });
  }
  const v = await client.verifiedUsers.verify({ phoneNumber: '2001004053', verificationType: 'verifiedUser' });
  const s: SuccessStatus = v.success;
  if (s === 'possession_required') return;
  const st = await client.unify.status({ correlationId: v.correlationId }, { clientRequestId: 'r-1' });
  st.success satisfies SuccessStatus;
  for await (const identity of client.identityManager.list({ limit: 50 })) {
    const i: GetBatchIdentityItem = identity;
    void i.proveId;
  }
  for await (const page of other.identityManager.pages()) void page.lastKey;
  const byName = await client.call('identityManager.get', { proveId: 'p' });
  void byName.proveId;
  const ids = await client.domain.id();
  void ids;
  void methods().map((m) => m.name);
  try {
    await client.unify.bind({ correlationId: 'c', phoneNumber: '2001004015' });
  } catch (e) {
    if (e instanceof RateLimitedError) void e.retryAfter;
    if (e instanceof StepOutOfOrderError) void e.correlationId;
    if (e instanceof ProveError) {
      const kind: 'Validation' | 'Auth' | 'RateLimited' | 'StepOutOfOrder' | 'NotFound' | 'Api' | 'Timeout' | 'Transport' | 'Decode' | 'Webhook' = e.kind;
      void [kind, e.status, e.code, e.field, e.requestId, e.operation];
    }
  }
  const signed = signTestWebhook('secret', { eventType: 'PORT' });
  const payload = verifyWebhook(signed.authorization, Buffer.from(signed.body), ['old', 'secret']);
  void payload.notifications[0]?.eventType;
  setLogger((r: LogRecord) => void r.path, { level: 'warn' });
  setLogger(null);

  // Batch enrolment items: an enrolment item or a cross-domain item, in one list.
  await client.identityManager.batchEnroll({
    items: [{ phoneNumber: '2001004031' }, { clientName: 'Partner', identityId: 'i', pcid: 'p' }],
  });
  // @ts-expect-error a cross-domain item needs its pcid
  await client.identityManager.batchEnroll({ items: [{ clientName: 'Partner', identityId: 'i' }] });
  // @ts-expect-error flowType is required
  await client.flow.start({ phoneNumber: '2001001695' });
  // @ts-expect-error unknown method name
  await client.call('flow.nope', {});
  // @ts-expect-error options are typed
  await client.domain.id({}, { timeoutMs: 'soon' });
}
