// ESM entry point: the same objects as the CommonJS entry (one native addon instance per thread).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sdk = require('./index.cjs');

export const {
  ProveClient,
  methods,
  verifyWebhook,
  verifyWebhookDetailed,
  WebhookVerifier,
  signTestWebhook,
  webhookEventTypes,
  setLogger,
  VERSION,
  ProveError,
  ValidationError,
  AuthError,
  RateLimitedError,
  StepOutOfOrderError,
  NotFoundError,
  ApiError,
  TimeoutError,
  TransportError,
  DecodeError,
  WebhookError,
  ERROR_CLASSES,
} = sdk;
export default sdk;
