// An Express backend for Prove's server guides, built on prove-sdk.
//
// Routes (JSON in, JSON out):
//   Pre-Fill / Prove Identity   POST /initiate, POST /verify, POST /complete
//   Verified Users              POST /verified-users/verify, POST /verify-status
//   Unified Authentication      POST /unify, POST /unify-status, POST /unify-bind
//   Identity Manager            POST /identity/enroll, POST /identity/lookup, GET /identity/:proveId,
//                               GET /identities
//   Webhooks                    POST /webhook (raw body, X-Prove-Authorization checked)
//
// Request bodies are reduced to the fields each step needs before they reach the SDK, so a front end
// cannot inject other API fields. Personal data (phone numbers, names, dates of birth, SSNs) is never
// logged: the access log carries the method, the route template, the status and the latency only.
import { randomUUID } from 'node:crypto';

import express from 'express';
import { ProveError, verifyWebhook } from 'prove-sdk';

/** Copies the listed fields of `body` that are present (not undefined or null). */
function pick(body, fields) {
  const out = {};
  for (const f of fields) {
    const v = body[f];
    if (v !== undefined && v !== null) out[f] = v;
  }
  return out;
}

/** An error answered with 400 before the SDK is called (the body itself is unusable). */
class BadRequest extends Error {
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

/** The JSON body as an object; anything else (array, string, missing) is a 400. */
function bodyOf(req) {
  const b = req.body;
  if (b === undefined) return {};
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new BadRequest('the body must be a JSON object', 'body');
  return b;
}

/** Wraps an async handler so a rejection reaches the error middleware. */
const route = (fn) => (req, res, next) => {
  Promise.resolve()
    .then(() => fn(req, res))
    .catch(next);
};

/** HTTP status of each SDK error kind; every other kind is Prove or the network failing us: 502. */
const STATUS_OF_KIND = {
  Validation: 400,
  StepOutOfOrder: 409,
  NotFound: 404,
  RateLimited: 429,
};

/**
 * Maps thrown errors to responses: the SDK's typed errors by kind, malformed JSON bodies to 400,
 * anything else to 500. Error bodies carry the kind, the field (for validation), Prove's code and
 * request ids, never the request's data.
 */
export function errorHandler(log) {
  // Express recognises error middleware by its four parameters.
  // eslint-disable-next-line no-unused-vars
  return (err, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof ProveError) {
      const status = STATUS_OF_KIND[err.kind] ?? 502;
      const body = { error: err.kind };
      if (err.kind === 'Validation') {
        body.field = err.field;
        body.message = err.message;
      }
      if (err.code !== undefined) body.code = err.code;
      if (err.correlationId !== undefined) body.correlationId = err.correlationId;
      if (err.requestId !== undefined) body.requestId = err.requestId;
      if (status === 429 && err.retryAfter !== undefined) {
        res.set('Retry-After', String(Math.max(1, Math.ceil(err.retryAfter))));
      }
      if (status === 502) log({ level: 'warn', message: 'prove call failed', kind: err.kind, status: err.status, code: err.code, operation: err.operation });
      res.status(status).json(body);
      return;
    }
    if (err instanceof BadRequest) {
      res.status(400).json({ error: 'Validation', field: err.field, message: err.message });
      return;
    }
    // body-parser's errors carry `type` and a 4xx `status` (malformed JSON, body too large, ...).
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ error: err.type === 'entity.parse.failed' ? 'InvalidJson' : 'BadRequest' });
      return;
    }
    log({ level: 'error', message: 'unexpected error', name: err?.name });
    res.status(500).json({ error: 'Internal' });
  };
}

/**
 * Builds the Express application.
 *
 * @param {object} options
 * @param {import('prove-sdk').ProveClient} options.client the Prove client (one per process)
 * @param {string | string[]} [options.webhookSecrets] webhook shared secret(s); without one,
 *   `/webhook` answers 503
 * @param {(payload: import('prove-sdk').WebhookPayload) => void | Promise<void>} [options.onWebhook]
 *   called with each verified delivery
 * @param {(record: object) => void} [options.log] receives redacted access and error records
 * @returns {import('express').Express}
 */
export function createApp({ client, webhookSecrets, onWebhook, log = () => {} }) {
  if (!client) throw new TypeError('createApp needs a ProveClient');
  const secrets = typeof webhookSecrets === 'string' ? [webhookSecrets] : (webhookSecrets ?? []).filter(Boolean);
  const app = express();
  app.disable('x-powered-by');

  // Access log: route template only (paths can carry ids), never bodies or query strings.
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const template = req.route ? req.baseUrl + req.route.path : 'unmatched';
      log({ level: 'info', message: 'request', method: req.method, route: template, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
    });
    next();
  });

  // The webhook needs the exact bytes that were signed, so it is registered before the JSON parser.
  app.post(
    '/webhook',
    express.raw({ type: () => true, limit: '1mb' }),
    route(async (req, res) => {
      if (secrets.length === 0) {
        res.status(503).json({ error: 'WebhookNotConfigured' });
        return;
      }
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let payload;
      try {
        payload = verifyWebhook(req.get('x-prove-authorization'), raw, secrets);
      } catch (e) {
        if (e instanceof ProveError && e.kind === 'Webhook') {
          log({ level: 'warn', message: 'webhook rejected' });
          res.status(401).json({ error: 'Webhook' });
          return;
        }
        throw e;
      }
      const notifications = Array.isArray(payload.notifications) ? payload.notifications : [];
      log({ level: 'info', message: 'webhook', count: notifications.length, eventTypes: [...new Set(notifications.map((n) => n.eventType))] });
      if (onWebhook) await onWebhook(payload);
      res.status(200).json({ received: notifications.length });
    }),
  );

  app.use(express.json({ limit: '16kb' }));

  // ---- Pre-Fill and Prove Identity: Start → Validate → Challenge (Pre-Fill) → Complete ----

  app.post(
    '/initiate',
    route(async (req, res) => {
      const body = bodyOf(req);
      const r = await client.flow.start(
        pick(body, ['flowType', 'phoneNumber', 'finalTargetUrl', 'ssn', 'dob', 'allowOTPRetry', 'smsMessage', 'emailAddress', 'ipAddress']),
      );
      // The front end passes authToken to the client SDK's Authenticate(); correlationId comes back
      // with the next steps (a real backend would keep it in the user's session instead).
      res.json({ authToken: r.authToken, correlationId: r.correlationId, next: r.next });
    }),
  );

  app.post(
    '/verify',
    route(async (req, res) => {
      const body = bodyOf(req);
      const { correlationId } = body;
      const v = await client.flow.validate({ correlationId });
      const next = v.next ?? {};
      if (!v.success) {
        res.json({ success: false, next });
        return;
      }
      if ('v3-challenge' in next) {
        // Pre-Fill: the customer's data, to prefill the form the customer then confirms.
        const c = await client.flow.challenge({ correlationId, ...pick(body, ['dob', 'ssn']) });
        res.json({ success: c.success, step: 'challenge', individual: c.individual, next: c.next });
        return;
      }
      if ('v3-complete' in next && body.individual !== undefined) {
        // Prove Identity: the front end sent the customer's data with this step.
        const done = await client.flow.complete({ correlationId, individual: body.individual });
        res.json({ success: done.success, step: 'complete', next: done.next });
        return;
      }
      res.json({ success: true, step: 'validate', challengeMissing: v.challengeMissing, next });
    }),
  );

  app.post(
    '/complete',
    route(async (req, res) => {
      const body = bodyOf(req);
      const done = await client.flow.complete(pick(body, ['correlationId', 'individual']));
      res.json({ success: done.success, next: done.next });
    }),
  );

  // ---- Verified Users: Verify → (possession) → VerifyStatus ----

  app.post(
    '/verified-users/verify',
    route(async (req, res) => {
      const body = bodyOf(req);
      const r = await client.verifiedUsers.verifyWithPossession(
        pick(body, ['possessionType', 'phoneNumber', 'firstName', 'lastName', 'finalTargetUrl', 'smsMessage', 'clientCustomerId', 'clientRequestId', 'allowOTPRetry']),
      );
      res.json({ authToken: r.authToken, correlationId: r.correlationId, success: r.success, possessionResult: r.possessionResult, verifyResult: r.verifyResult });
    }),
  );

  app.post(
    '/verify-status',
    route(async (req, res) => {
      const r = await client.verifiedUsers.verifyStatus(pick(bodyOf(req), ['correlationId', 'clientRequestId']));
      res.json({ success: r.success, possessionResult: r.possessionResult, verifyResult: r.verifyResult });
    }),
  );

  // ---- Unified Authentication: Unify → (possession) → UnifyStatus → UnifyBind (customer-supplied) ----

  app.post(
    '/unify',
    route(async (req, res) => {
      const body = bodyOf(req);
      const r = await client.unify.unify({
        // Unify requires a clientRequestId; one per attempt unless the front end brings its own.
        clientRequestId: randomUUID(),
        ...pick(body, ['possessionType', 'phoneNumber', 'finalTargetUrl', 'deviceId', 'rebind', 'allowOTPRetry', 'checkReputation', 'smsMessage', 'clientCustomerId', 'clientHumanId', 'clientRequestId']),
      });
      res.json({ authToken: r.authToken, correlationId: r.correlationId, success: r.success });
    }),
  );

  app.post(
    '/unify-status',
    route(async (req, res) => {
      const r = await client.unify.status(pick(bodyOf(req), ['correlationId', 'clientRequestId']));
      res.json({ success: r.success, deviceId: r.deviceId, evaluation: r.evaluation });
    }),
  );

  app.post(
    '/unify-bind',
    route(async (req, res) => {
      const r = await client.unify.bind(pick(bodyOf(req), ['correlationId', 'phoneNumber', 'clientRequestId']));
      res.json({ success: r.success, deviceId: r.deviceId });
    }),
  );

  // ---- Identity Manager ----

  app.post(
    '/identity/enroll',
    route(async (req, res) => {
      const r = await client.identityManager.enroll(pick(bodyOf(req), ['phoneNumber', 'clientCustomerId', 'clientRequestId', 'deviceId']));
      res.status(201).json({ success: r.success, proveId: r.proveId });
    }),
  );

  // A POST rather than GET /identity?phone=...: a phone number in a URL ends up in access logs.
  app.post(
    '/identity/lookup',
    route(async (req, res) => {
      const body = bodyOf(req);
      const r = await client.identityManager.lookupByPhone({ mobileNumber: body.phoneNumber, ...pick(body, ['clientRequestId']) });
      res.json({ items: r.items ?? [] });
    }),
  );

  app.get(
    '/identity/:proveId',
    route(async (req, res) => {
      res.json(await client.identityManager.get({ proveId: req.params.proveId }));
    }),
  );

  // Every enrolled identity, following the listing's pages (at most `max`, default 100).
  app.get(
    '/identities',
    route(async (req, res) => {
      const max = req.query.max === undefined ? 100 : Number(req.query.max);
      if (!Number.isInteger(max) || max < 1 || max > 1000) throw new BadRequest('max must be an integer from 1 to 1000', 'max');
      const items = [];
      for await (const item of client.identityManager.list({ limit: Math.min(max, 100) })) {
        items.push({ proveId: item.proveId });
        if (items.length >= max) break;
      }
      res.json({ items });
    }),
  );

  app.use((req, res) => res.status(404).json({ error: 'NoSuchRoute' }));
  app.use(errorHandler(log));
  return app;
}
