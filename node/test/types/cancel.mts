// Typed usage of cancellation and close() (ESM), checked by `tsc --noEmit`; never executed. The
// package's types need no DOM or Node type library: a structural AbortSignal is declared here.
import { ProveClient, TransportError, setLogger, type AbortSignalLike, type CallOptions } from 'prove-sdk';

declare const signal: AbortSignalLike;

export async function cancelling(client: ProveClient): Promise<void> {
  const options: CallOptions = { timeoutMs: 5_000, signal };
  await client.flow.start({ flowType: 'mobile', phoneNumber: '2001001695' }, options);
  await client.call('domain.id', {}, { signal });
  for await (const item of client.identityManager.list({ limit: 10 }, { signal, retries: 1 })) void item.proveId;
  for await (const page of client.identityManager.pages(undefined, { signal })) void page.lastKey;
  const closed: boolean = client.closed;
  void closed;
  const done: Promise<void> = client.close();
  await done;
  try {
    await client.domain.id();
  } catch (e) {
    if (e instanceof TransportError) void e.kind;
  }
  setLogger(() => {}, null);
  setLogger(null, undefined);
  // @ts-expect-error: the signal must look like an AbortSignal
  await client.domain.id({}, { signal: 5 });
}
