'use strict';
// Error classes of the SDK: one class per stable error kind of the core, all extending ProveError.
// The native addon rejects with a marker-prefixed JSON description of the core error; `fromNative`
// turns it into the matching class. No message ever carries secrets or personal data (the core
// guarantees it for its errors; see `fromNative` for errors raised by the addon's argument checks).

const ERROR_PREFIX = 'PROVE_SDK_ERROR:';

/** Base class of every error the SDK throws. */
class ProveError extends Error {
  /**
   * @param {string} message
   * @param {object} [details] kind, status, code, field, retryAfterMs, requestId, correlationId, operation
   */
  constructor(message, details = {}) {
    super(message);
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true });
    /** Stable kind: Validation, Auth, RateLimited, StepOutOfOrder, NotFound, Api, Timeout, Transport, Decode, Webhook. */
    this.kind = details.kind ?? new.target.kind ?? 'Api';
    /** HTTP status, when Prove answered. */
    this.status = details.status;
    /** Prove's error code, when the answer carried one. */
    this.code = details.code;
    /** For validation errors raised before the network: the wire name of the bad field. */
    this.field = details.field;
    /** The `Retry-After` delay Prove asked for, in milliseconds. */
    this.retryAfterMs = details.retryAfterMs;
    /** The `Retry-After` delay Prove asked for, in seconds. */
    this.retryAfter = details.retryAfterMs === undefined ? undefined : details.retryAfterMs / 1000;
    /** The `clientRequestId` of the call, when one was sent. */
    this.requestId = details.requestId;
    /** The flow's `correlationId`, when known. */
    this.correlationId = details.correlationId;
    /** Prove's operationId of the failed operation, when known. */
    this.operation = details.operation;
    for (const k of Object.keys(this)) if (this[k] === undefined) delete this[k];
  }

  /** A plain object with every known field (safe to log: no secrets or personal data). */
  toJSON() {
    const out = { name: this.name, kind: this.kind, message: this.message };
    for (const k of ['status', 'code', 'field', 'retryAfterMs', 'requestId', 'correlationId', 'operation']) {
      if (this[k] !== undefined) out[k] = this[k];
    }
    return out;
  }
}

/** Input rejected before any network call (`field` names it), or a 400 answer from Prove. */
class ValidationError extends ProveError {}
ValidationError.kind = 'Validation';
/** Credentials rejected, token request failed, or 401 after one refresh. */
class AuthError extends ProveError {}
AuthError.kind = 'Auth';
/** 429 from Prove after retries; see `retryAfter`. */
class RateLimitedError extends ProveError {}
RateLimitedError.kind = 'RateLimited';
/** A flow step called out of order, or with an unknown or expired correlation id: start again. */
class StepOutOfOrderError extends ProveError {}
StepOutOfOrderError.kind = 'StepOutOfOrder';
/** The resource does not exist (404). */
class NotFoundError extends ProveError {}
NotFoundError.kind = 'NotFound';
/** Any other error answer from Prove (5xx, other 4xx). */
class ApiError extends ProveError {}
ApiError.kind = 'Api';
/** The call or the connection timed out. */
class TimeoutError extends ProveError {}
TimeoutError.kind = 'Timeout';
/** The request could not be sent or the connection broke. */
class TransportError extends ProveError {}
TransportError.kind = 'Transport';
/** The response could not be decoded. */
class DecodeError extends ProveError {}
DecodeError.kind = 'Decode';
/** A webhook failed verification. */
class WebhookError extends ProveError {}
WebhookError.kind = 'Webhook';

const CLASSES = {
  Validation: ValidationError,
  Auth: AuthError,
  RateLimited: RateLimitedError,
  StepOutOfOrder: StepOutOfOrderError,
  NotFound: NotFoundError,
  Api: ApiError,
  Timeout: TimeoutError,
  Transport: TransportError,
  Decode: DecodeError,
  Webhook: WebhookError,
};

/** Builds the error class of a core error description. */
function fromDetails(d) {
  const Cls = CLASSES[d.kind] ?? ProveError;
  return new Cls(String(d.message ?? d.kind ?? 'error'), d);
}

/**
 * Converts whatever the native addon threw into a ProveError. Errors of the addon's own argument
 * conversion may quote the offending value, so their text is replaced by a generic message.
 */
function fromNative(err) {
  if (err instanceof ProveError) return err;
  const msg = err && typeof err.message === 'string' ? err.message : '';
  if (msg.startsWith(ERROR_PREFIX)) {
    try {
      return fromDetails(JSON.parse(msg.slice(ERROR_PREFIX.length)));
    } catch {
      return new ApiError('the native addon returned an unreadable error', { kind: 'Api' });
    }
  }
  return new ValidationError('input: an argument has the wrong type', { kind: 'Validation', field: 'input' });
}

module.exports = {
  ERROR_PREFIX,
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
  ERROR_CLASSES: CLASSES,
  fromDetails,
  fromNative,
};
