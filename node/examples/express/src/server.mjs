// Starts the example backend. Configuration comes from the environment:
//   PROVE_CLIENT_ID, PROVE_CLIENT_SECRET   OAuth credentials (required)
//   PROVE_BASE_URL or PROVE_ENV            e.g. http://127.0.0.1:PORT (the sandbox emulator) or uat-us
//   WEBHOOK_SECRET                         webhook shared secret; several, comma-separated, during rotation
//   PORT                                   port to listen on (default 3000; 0 picks a free one)
//   HOST                                   interface (default 127.0.0.1)
// The first stdout line is `listening on http://HOST:PORT`.
import { ProveClient } from 'prove-sdk';

import { createApp } from './app.mjs';

function fatal(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

let client;
try {
  client = ProveClient.fromEnv();
} catch (e) {
  // The SDK's messages name the missing or bad variable, never its value.
  fatal(e.message);
}

const port = process.env.PORT === undefined || process.env.PORT === '' ? 3000 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) fatal('PORT must be an integer from 0 to 65535');
const host = process.env.HOST || '127.0.0.1';
const webhookSecrets = (process.env.WEBHOOK_SECRET ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

const log = (record) => process.stdout.write(JSON.stringify(record) + '\n');
const app = createApp({ client, webhookSecrets, log });

const server = app.listen(port, host, () => {
  const addr = server.address();
  process.stdout.write(`listening on http://${addr.address}:${addr.port}\n`);
});
server.on('error', (e) => fatal(`cannot listen: ${e.code ?? e.message}`));

function shutdown() {
  server.close(() => process.exit(0));
  // Keep-alive connections would hold close() open; give in-flight requests a moment, then go.
  setTimeout(() => process.exit(0), 2000).unref();
  server.closeIdleConnections?.();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
